package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/internal/iostreams"
)

func testFactory() (*factory, *iostreams.IOStreams) {
	ios, _, _, _ := iostreams.Test()
	return &factory{IOStreams: ios, Getenv: func(string) string { return "" },
		Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }}, ios
}

func TestVersion(t *testing.T) {
	f, ios := testFactory()
	code := run(context.Background(), f, []string{"version"})
	assert.Equal(t, exitOK, code)
	assert.Contains(t, ios.Out.(interface{ String() string }).String(), "crmport ")
}

func TestHelpDocumentsExitStatus(t *testing.T) {
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
	f, ios := testFactory()
	code := run(context.Background(), f, []string{"version", "--nope"})
	assert.Equal(t, exitError, code)
	assert.Contains(t, ios.ErrOut.(interface{ String() string }).String(), "--help")
}
