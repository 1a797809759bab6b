package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/internal/iostreams"
)

// testFactory returns a factory with buffers for streams, no environment
// and a fastClock standing at 2026-11-25 12:00 UTC.
func testFactory() (*factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test()
	clk := &fastClock{base: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	return &factory{IOStreams: ios, Getenv: func(string) string { return "" }, Now: clk.Now, Sleep: clk.Sleep}, ios
}

// fastClock is a test clock on which waits take no time: Sleep moves the
// clock forward by d at once instead of blocking, so back-off, Retry-After
// waits and pacing are still computed, reported and honoured (the vendor
// and the emulators, on the same clock, see the time pass) without the
// suite waiting for them. A fastClock with live set also moves with the
// real time, from base.
type fastClock struct {
	base  time.Time
	live  bool
	start time.Time // real time at base (live only)

	mu    sync.Mutex
	slept time.Duration
}

// liveClock returns a fastClock that starts now and moves with real time
// too: for tests that used time.Now.
func liveClock() *fastClock {
	now := time.Now()
	return &fastClock{base: now, live: true, start: now}
}

// fastFactory returns a factory on a liveClock with streams ios and the
// environment of env.
func fastFactory(ios *iostreams.IOStreams, env map[string]string) *factory {
	clk := liveClock()
	return &factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }, Now: clk.Now, Sleep: clk.Sleep}
}

// Now returns the clock's time.
func (c *fastClock) Now() time.Time {
	c.mu.Lock()
	t := c.base.Add(c.slept)
	c.mu.Unlock()
	if c.live {
		t = t.Add(time.Since(c.start))
	}
	return t
}

// Sleep moves the clock forward by d, or returns ctx.Err() if ctx is done.
func (c *fastClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.mu.Lock()
		c.slept += d
		c.mu.Unlock()
	}
	return nil
}

func TestVersion(t *testing.T) {
	t.Parallel()
	f, ios := testFactory()
	code := run(context.Background(), f, []string{"version"})
	assert.Equal(t, exitOK, code)
	assert.Contains(t, ios.Out.(interface{ String() string }).String(), "crmport ")
}

func TestHelpDocumentsExitStatus(t *testing.T) {
	t.Parallel()
	f, ios := testFactory()
	code := run(context.Background(), f, []string{"--help"})
	assert.Equal(t, exitOK, code)
	out := ios.Out.(interface{ String() string }).String()
	assert.Contains(t, out, "EXIT STATUS")
	for _, s := range []string{"0 ", "1 ", "2 ", "130"} {
		assert.Contains(t, out, s)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		ctx  func() context.Context
		want exitCode
	}{
		{"ok", nil, context.Background, exitOK},
		{"plain error", errors.New("boom"), context.Background, exitError},
		{"flag error", flagErrorf("bad flag"), context.Background, exitError},
		{"rows failed", withExitCode(exitRowsFailed, errors.New("3 rows failed")), context.Background, exitRowsFailed},
		{"cancelled", context.Canceled, context.Background, exitInterrupted},
		{"cancelled ctx", errors.New("whatever"), func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, exitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			assert.Equal(t, tt.want, exitCodeFor(tt.err, ios.ErrOut, tt.ctx()))
		})
	}
}

func TestUnknownFlagIsUsageError(t *testing.T) {
	t.Parallel()
	f, ios := testFactory()
	code := run(context.Background(), f, []string{"version", "--nope"})
	assert.Equal(t, exitError, code)
	assert.Contains(t, ios.ErrOut.(interface{ String() string }).String(), "--help")
}
