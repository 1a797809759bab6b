package retry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
)

// mock is a func-field vendor (restic internal/backend/mock style).
type mock struct {
	caps     crm.Capabilities
	createFn func(ctx context.Context, recs []crm.Record) ([]crm.Result, error)
	listFn   func(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error)
	fieldsFn func(ctx context.Context) ([]crm.Field, error)
	findFn   func(ctx context.Context, rec crm.Record) (string, crm.Record, error)
	updateFn func(ctx context.Context, recs []crm.Record) ([]crm.Result, error)
	deleteFn func(ctx context.Context, id string) error

	mu    sync.Mutex
	calls map[string]int
}

func (m *mock) count(op string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[string]int{}
	}
	m.calls[op]++
}

func (m *mock) n(op string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[op]
}

func (m *mock) Name() string                   { return "mock" }
func (m *mock) Capabilities() crm.Capabilities { return m.caps }
func (m *mock) Fields(ctx context.Context) ([]crm.Field, error) {
	m.count("fields")
	if m.fieldsFn == nil {
		return []crm.Field{{Name: "name"}}, nil
	}
	return m.fieldsFn(ctx)
}
func (m *mock) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	m.count("create")
	return m.createFn(ctx, recs)
}
func (m *mock) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	m.count("list")
	if m.listFn == nil {
		return crm.Page{}, nil
	}
	return m.listFn(ctx, q, cursor)
}

type fPart struct{ m *mock }

func (p fPart) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	p.m.count("find")
	return p.m.findFn(ctx, rec)
}

type uPart struct{ m *mock }

func (p uPart) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	p.m.count("update")
	return p.m.updateFn(ctx, recs)
}

type dPart struct{ m *mock }

func (p dPart) Delete(ctx context.Context, id string) error {
	p.m.count("delete")
	return p.m.deleteFn(ctx, id)
}

func withFind(m *mock) crm.Vendor {
	return struct {
		*mock
		fPart
	}{m, fPart{m}}
}

func withUpdate(m *mock) crm.Vendor {
	return struct {
		*mock
		uPart
	}{m, uPart{m}}
}

func withDelete(m *mock) crm.Vendor {
	return struct {
		*mock
		dPart
	}{m, dPart{m}}
}

// clock is a fake clock; Sleep records the wait and, if advance is set,
// moves the clock.
type clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	advance bool
}

func newClock(advance bool) *clock {
	return &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), advance: advance}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if c.advance {
		c.now = c.now.Add(d)
	}
	return nil
}

func (c *clock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fast is a policy on a fake clock with no jitter randomness.
func fast(c *clock) Policy {
	return Policy{Rate: rate.Inf, Now: c.Now, Sleep: c.Sleep, Jitter: func(max time.Duration) time.Duration { return max }}
}

func retryable(msg string) error {
	return &crm.Error{Vendor: "mock", Op: "op", Kind: crm.KindRetryable, Message: msg}
}

func okResults(recs []crm.Record) []crm.Result {
	out := make([]crm.Result, len(recs))
	for i, r := range recs {
		out[i] = crm.Result{Status: crm.StatusCreated, ID: "id-" + r["name"].(string)}
	}
	return out
}

func recs(names ...string) []crm.Record {
	out := make([]crm.Record, len(names))
	for i, n := range names {
		out[i] = crm.Record{"name": n}
	}
	return out
}

func TestCreateRetriesRetryable(t *testing.T) {
	c := newClock(true)
	fails := 2
	m := &mock{createFn: func(_ context.Context, rs []crm.Record) ([]crm.Result, error) {
		if fails > 0 {
			fails--
			return nil, retryable("503 service unavailable")
		}
		return okResults(rs), nil
	}}
	var ops []string
	p := fast(c)
	p.OnRetry = func(op string, err error, wait time.Duration) { ops = append(ops, op) }
	w := Wrap(m, p)

	res, err := w.Create(t.Context(), recs("a", "b"))
	require.NoError(t, err)
	assert.Equal(t, okResults(recs("a", "b")), res)
	assert.Equal(t, 3, m.n("create"))
	assert.Equal(t, []string{"create", "create"}, ops)
	// Exponential ceilings: 500ms, then 1s (Jitter returns the ceiling).
	assert.Equal(t, []time.Duration{500 * time.Millisecond, time.Second}, c.slept())
}

func TestNoRetryOnPermanentErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"rejected", &crm.Error{Vendor: "mock", Kind: crm.KindRejected, Message: "bad e-mail"}},
		{"fatal", &crm.Error{Vendor: "mock", Kind: crm.KindFatal, Message: "wrong apikey"}},
		{"duplicate", &crm.Error{Vendor: "mock", Kind: crm.KindDuplicate, ID: "7"}},
		{"plain error", errors.New("boom")},
		{"context canceled", fmt.Errorf("post: %w", context.Canceled)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock(true)
			m := &mock{
				createFn: func(context.Context, []crm.Record) ([]crm.Result, error) { return nil, tt.err },
				listFn:   func(context.Context, crm.ListQuery, string) (crm.Page, error) { return crm.Page{}, tt.err },
			}
			w := Wrap(m, fast(c))
			_, err := w.Create(t.Context(), recs("a"))
			assert.Same(t, tt.err, err)
			_, err = w.List(t.Context(), crm.ListQuery{}, "")
			assert.Same(t, tt.err, err)
			assert.Equal(t, 1, m.n("create"))
			assert.Equal(t, 1, m.n("list"))
			assert.Empty(t, c.slept())
		})
	}
}

func TestGivesUpAfterRetries(t *testing.T) {
	tests := []struct {
		name    string
		retries Count
		calls   int
		says    string
	}{
		{"default five", Count{}, 6, "gave up after 5 retries"},
		{"two", Times(2), 3, "gave up after 2 retries"},
		{"none", NoRetries, 1, "no retry is allowed"},
		{"explicit zero", Times(0), 1, "no retry is allowed"},
		{"negative is none", Times(-1), 1, "no retry is allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock(true)
			orig := retryable("500")
			m := &mock{listFn: func(context.Context, crm.ListQuery, string) (crm.Page, error) { return crm.Page{}, orig }}
			p := fast(c)
			p.Retries = tt.retries
			_, err := Wrap(m, p).List(t.Context(), crm.ListQuery{}, "")
			require.Error(t, err)
			assert.ErrorIs(t, err, orig)
			assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
			assert.Contains(t, err.Error(), tt.says)
			assert.Equal(t, tt.calls, m.n("list"))
		})
	}
}

func TestBackoffCappedByMaxDelay(t *testing.T) {
	c := newClock(true)
	m := &mock{listFn: func(context.Context, crm.ListQuery, string) (crm.Page, error) { return crm.Page{}, retryable("500") }}
	p := fast(c)
	p.Retries = Times(5)
	p.BaseDelay = time.Second
	p.MaxDelay = 5 * time.Second
	_, err := Wrap(m, p).List(t.Context(), crm.ListQuery{}, "")
	require.Error(t, err)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}, c.slept())
}

func TestDefaultJitterWithinCeiling(t *testing.T) {
	c := newClock(true)
	m := &mock{listFn: func(context.Context, crm.ListQuery, string) (crm.Page, error) { return crm.Page{}, retryable("500") }}
	p := Policy{Rate: rate.Inf, Now: c.Now, Sleep: c.Sleep, Retries: Times(4), BaseDelay: time.Second}
	_, err := Wrap(m, p).List(t.Context(), crm.ListQuery{}, "")
	require.Error(t, err)
	sl := c.slept()
	require.Len(t, sl, 4)
	for i, d := range sl {
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, time.Second<<i, "retry %d", i)
	}
}

func TestRetryAfterHonouredAndShared(t *testing.T) {
	c := newClock(false) // frozen: the block stays in force for later calls
	first := true
	m := &mock{createFn: func(_ context.Context, rs []crm.Record) ([]crm.Result, error) {
		if first {
			first = false
			return nil, &crm.Error{Vendor: "baselinker", Kind: crm.KindRetryable, Code: "ERROR_BLOCKED_TOKEN", RetryAfter: 42 * time.Second}
		}
		return okResults(rs), nil
	}}
	var waits []time.Duration
	p := fast(c)
	p.OnRetry = func(_ string, _ error, wait time.Duration) { waits = append(waits, wait) }
	w := Wrap(m, p)
	_, err := w.Create(t.Context(), recs("a"))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{42 * time.Second}, waits, "the vendor's wait beats the 500ms back-off")

	// Another operation (another worker) pauses until the block ends too.
	_, err = w.List(t.Context(), crm.ListQuery{}, "")
	require.NoError(t, err)
	sl := c.slept()
	require.NotEmpty(t, sl)
	assert.Equal(t, 42*time.Second, sl[len(sl)-1])
}

func TestBudgetExhausted(t *testing.T) {
	c := newClock(true)
	orig := retryable("429")
	m := &mock{listFn: func(context.Context, crm.ListQuery, string) (crm.Page, error) { return crm.Page{}, orig }}
	p := fast(c)
	p.Retries = Times(10)
	p.Budget = 3
	w := Wrap(m, p)

	_, err := w.List(t.Context(), crm.ListQuery{}, "")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrBudgetExhausted)
	assert.ErrorIs(t, err, orig)
	assert.Equal(t, 4, m.n("list"), "1 call + 3 retries")

	_, err = w.List(t.Context(), crm.ListQuery{}, "")
	assert.ErrorIs(t, err, ErrBudgetExhausted)
	assert.Equal(t, 5, m.n("list"), "the budget is shared: no retry left")
}

func TestContextCancel(t *testing.T) {
	t.Run("during back-off", func(t *testing.T) {
		m := &mock{createFn: func(context.Context, []crm.Record) ([]crm.Result, error) { return nil, retryable("503") }}
		w := Wrap(m, Policy{Rate: rate.Inf, BaseDelay: time.Minute, Jitter: func(max time.Duration) time.Duration { return max }})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(30*time.Millisecond, cancel)
		start := time.Now()
		_, err := w.Create(ctx, recs("a"))
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
	})
	t.Run("while paced", func(t *testing.T) {
		m := &mock{}
		w := Wrap(m, Policy{Rate: rate.Every(time.Hour), Burst: 1})
		_, err := w.List(t.Context(), crm.ListQuery{}, "") // uses the burst
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(30*time.Millisecond, cancel)
		start := time.Now()
		_, err = w.List(ctx, crm.ListQuery{}, "")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.Equal(t, 1, m.n("list"))
	})
	t.Run("already cancelled", func(t *testing.T) {
		m := &mock{}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := Wrap(m, Policy{}).List(ctx, crm.ListQuery{}, "")
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, m.n("list"))
	})
	t.Run("ambiguous when cancelled keeps its kind", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		m := &mock{createFn: func(context.Context, []crm.Record) ([]crm.Result, error) {
			cancel()
			return nil, &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous, Message: "connection reset"}
		}}
		_, err := Wrap(withFind(m), fast(newClock(true))).Create(ctx, recs("a"))
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err), "the importer must know the rows may be in the CRM")
		assert.Equal(t, 0, m.n("find"))
	})
}

func TestAmbiguousCreateFindsBeforeResending(t *testing.T) {
	c := newClock(true)
	var sent [][]string
	m := &mock{}
	m.createFn = func(_ context.Context, rs []crm.Record) ([]crm.Result, error) {
		var names []string
		for _, r := range rs {
			names = append(names, r["name"].(string))
		}
		sent = append(sent, names)
		if len(sent) == 1 {
			return nil, &crm.Error{Vendor: "mock", Op: "add", Kind: crm.KindAmbiguous, Message: "connection reset"}
		}
		out := okResults(rs)
		for i, r := range rs {
			if r["name"] == "d" {
				out[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Kind: crm.KindRejected, Message: "bad"}}
			}
		}
		return out, nil
	}
	findFails := 1
	m.findFn = func(_ context.Context, r crm.Record) (string, crm.Record, error) {
		switch r["name"] {
		case "a":
			if findFails > 0 {
				findFails--
				return "", nil, retryable("503 while looking up")
			}
			return "found-a", r, nil
		case "c":
			return "found-c", r, nil
		}
		return "", nil, fmt.Errorf("mock find: %w", crm.ErrNotFound)
	}
	w := Wrap(withFind(m), fast(c))
	res, err := w.Create(t.Context(), recs("a", "b", "c", "d"))
	require.NoError(t, err)
	require.Len(t, res, 4)
	assert.Equal(t, [][]string{{"a", "b", "c", "d"}, {"b", "d"}}, sent, "only records not found are resent")
	assert.Equal(t, crm.Result{Status: crm.StatusCreated, ID: "found-a"}, res[0])
	assert.Equal(t, crm.Result{Status: crm.StatusCreated, ID: "id-b"}, res[1])
	assert.Equal(t, crm.Result{Status: crm.StatusCreated, ID: "found-c"}, res[2])
	assert.Equal(t, crm.StatusFailed, res[3].Status)
	assert.Equal(t, 5, m.n("find"), "4 look-ups + 1 retried")
}

func TestAmbiguousAllFoundSendsNothingAgain(t *testing.T) {
	m := &mock{}
	m.createFn = func(context.Context, []crm.Record) ([]crm.Result, error) {
		return nil, &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous}
	}
	m.findFn = func(_ context.Context, r crm.Record) (string, crm.Record, error) {
		return "x-" + r["name"].(string), r, nil
	}
	res, err := Wrap(withFind(m), fast(newClock(true))).Create(t.Context(), recs("a", "b"))
	require.NoError(t, err)
	assert.Equal(t, []crm.Result{{Status: crm.StatusCreated, ID: "x-a"}, {Status: crm.StatusCreated, ID: "x-b"}}, res)
	assert.Equal(t, 1, m.n("create"))
}

func TestAmbiguousWithoutFinderNeverResends(t *testing.T) {
	orig := &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous, Message: "html body"}
	m := &mock{createFn: func(context.Context, []crm.Record) ([]crm.Result, error) { return nil, orig }}
	_, err := Wrap(m, fast(newClock(true))).Create(t.Context(), recs("a"))
	var lost *LostAnswerError
	require.ErrorAs(t, err, &lost)
	assert.False(t, lost.Checked, "nothing could be looked up: the outcome is unknown")
	assert.ErrorIs(t, err, orig)
	assert.Equal(t, 1, m.n("create"))
}

// An answer lost on every attempt, with the records looked up each time
// and never found: the error says they were checked (sending them again
// later creates no duplicate).
func TestAmbiguousCheckedAndGivenUp(t *testing.T) {
	orig := &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous, Message: "html body"}
	m := &mock{createFn: func(context.Context, []crm.Record) ([]crm.Result, error) { return nil, orig },
		findFn: func(context.Context, crm.Record) (string, crm.Record, error) { return "", nil, crm.ErrNotFound }}
	p := fast(newClock(true))
	p.Retries = Times(2)
	_, err := Wrap(withFind(m), p).Create(t.Context(), recs("a"))
	var lost *LostAnswerError
	require.ErrorAs(t, err, &lost)
	assert.True(t, lost.Checked)
	assert.Equal(t, 3, m.n("create"))
	assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
}

func TestAmbiguousFindFailsReturnsAmbiguous(t *testing.T) {
	orig := &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous, Message: "timeout"}
	m := &mock{createFn: func(context.Context, []crm.Record) ([]crm.Result, error) { return nil, orig }}
	m.findFn = func(context.Context, crm.Record) (string, crm.Record, error) {
		return "", nil, &crm.Error{Vendor: "mock", Kind: crm.KindFatal, Message: "forbidden"}
	}
	_, err := Wrap(withFind(m), fast(newClock(true))).Create(t.Context(), recs("a"))
	assert.ErrorIs(t, err, orig)
	assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
	assert.Equal(t, 1, m.n("create"))
}

func TestUpdateAmbiguousIsRetried(t *testing.T) {
	m := &mock{}
	n := 0
	m.updateFn = func(_ context.Context, rs []crm.Record) ([]crm.Result, error) {
		n++
		if n == 1 {
			return nil, &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous}
		}
		return []crm.Result{{Status: crm.StatusUpdated, ID: "1"}}, nil
	}
	w := Wrap(withUpdate(m), fast(newClock(true)))
	u, ok := w.(crm.Updater)
	require.True(t, ok)
	res, err := u.Update(t.Context(), recs("a"))
	require.NoError(t, err)
	assert.Equal(t, crm.StatusUpdated, res[0].Status)
	assert.Equal(t, 2, m.n("update"))
}

func TestDeleteLostAnswerThenNotFoundIsSuccess(t *testing.T) {
	m := &mock{}
	n := 0
	m.deleteFn = func(context.Context, string) error {
		n++
		if n == 1 {
			return &crm.Error{Vendor: "mock", Kind: crm.KindAmbiguous}
		}
		return crm.ErrNotFound
	}
	d := Wrap(withDelete(m), fast(newClock(true))).(crm.Deleter)
	require.NoError(t, d.Delete(t.Context(), "5"))
	assert.Equal(t, 2, m.n("delete"))

	m2 := &mock{deleteFn: func(context.Context, string) error { return crm.ErrNotFound }}
	d2 := Wrap(withDelete(m2), fast(newClock(true))).(crm.Deleter)
	assert.ErrorIs(t, d2.Delete(t.Context(), "5"), crm.ErrNotFound, "a plain not-found stays an error")
}

func TestLimiterSharedAcrossGoroutines(t *testing.T) {
	c := newClock(false) // frozen: each reservation queues behind the others
	m := &mock{}
	p := Policy{Rate: 10, Burst: 1, Now: c.Now, Sleep: c.Sleep}
	w := Wrap(m, p)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, err := w.List(t.Context(), crm.ListQuery{}, "")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	got := c.slept()
	slices.Sort(got)
	want := []time.Duration{}
	for i := 1; i < 10; i++ {
		want = append(want, time.Duration(i)*100*time.Millisecond)
	}
	assert.Equal(t, want, got, "10 calls at 10/s through one limiter are spread over 0.9s")
}

func TestLimiterRealTime(t *testing.T) {
	m := &mock{}
	w := Wrap(m, Policy{Rate: 200, Burst: 1})
	var wg sync.WaitGroup
	var calls atomic.Int64
	start := time.Now()
	for range 4 {
		wg.Go(func() {
			for range 10 {
				_, err := w.Fields(t.Context())
				assert.NoError(t, err)
				calls.Add(1)
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	assert.EqualValues(t, 40, calls.Load())
	assert.GreaterOrEqual(t, el, 190*time.Millisecond, "39 intervals of 5ms")
}

func TestPaceDefaults(t *testing.T) {
	tests := []struct {
		name      string
		caps      crm.Capabilities
		p         Policy
		wantRate  rate.Limit
		wantBurst int
	}{
		{"vendor pace", crm.Capabilities{Rate: 1.5, Burst: 3}, Policy{}, 1.5, 3},
		{"vendor unpaced", crm.Capabilities{}, Policy{}, rate.Inf, 1},
		{"override", crm.Capabilities{Rate: 1.5, Burst: 3}, Policy{Rate: 7}, 7, 1},
		{"explicit unpaced", crm.Capabilities{Rate: 1.5, Burst: 3}, Policy{Rate: rate.Inf}, rate.Inf, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Wrap(&mock{caps: tt.caps}, tt.p).Capabilities()
			assert.Equal(t, tt.wantRate, c.Rate)
			assert.Equal(t, tt.wantBurst, c.Burst)
		})
	}
}

func TestUnpacedNeverSleeps(t *testing.T) {
	c := newClock(false)
	w := Wrap(&mock{}, Policy{Rate: rate.Inf, Now: c.Now, Sleep: c.Sleep})
	for range 100 {
		_, err := w.List(t.Context(), crm.ListQuery{}, "")
		require.NoError(t, err)
	}
	assert.Empty(t, c.slept())
}

func TestInterfacesPreserved(t *testing.T) {
	m := &mock{}
	tests := []struct {
		name    string
		v       crm.Vendor
		f, u, d bool
	}{
		{"plain", m, false, false, false},
		{"finder", withFind(m), true, false, false},
		{"updater", withUpdate(m), false, true, false},
		{"deleter", withDelete(m), false, false, true},
		{"finder+updater", struct {
			*mock
			fPart
			uPart
		}{m, fPart{m}, uPart{m}}, true, true, false},
		{"finder+deleter", struct {
			*mock
			fPart
			dPart
		}{m, fPart{m}, dPart{m}}, true, false, true},
		{"updater+deleter", struct {
			*mock
			uPart
			dPart
		}{m, uPart{m}, dPart{m}}, false, true, true},
		{"all", struct {
			*mock
			fPart
			uPart
			dPart
		}{m, fPart{m}, uPart{m}, dPart{m}}, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Wrap(tt.v, Policy{})
			_, f := w.(crm.Finder)
			_, u := w.(crm.Updater)
			_, d := w.(crm.Deleter)
			assert.Equal(t, tt.f, f, "Finder")
			assert.Equal(t, tt.u, u, "Updater")
			assert.Equal(t, tt.d, d, "Deleter")
			uw, ok := w.(interface{ Unwrap() crm.Vendor })
			require.True(t, ok)
			assert.Equal(t, tt.v, uw.Unwrap())
			assert.Equal(t, "mock", w.Name())
		})
	}
}
