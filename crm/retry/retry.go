// Package retry is the one place where crmport paces requests and retries
// failed vendor calls (after restic's internal/backend/retry). Vendors only
// classify their errors as *crm.Error; Wrap turns any crm.Vendor into one
// that
//
//   - waits on ONE rate limiter shared by every goroutine using the wrapper,
//     before every vendor call (Create, List, Find, Update, Delete, Fields);
//   - retries crm.KindRetryable errors with exponential back-off and full
//     jitter, honouring the wait the vendor asked for (Retry-After,
//     BaseLinker's "blocked until"): while the vendor is blocked, every
//     caller pauses until then;
//   - spends retries from a budget shared by the whole run;
//   - never resends a create whose answer was lost (crm.KindAmbiguous)
//     before looking each record up with crm.Finder: found records are
//     reported as created with the vendor's id, only the others are sent
//     again. Without a Finder the ambiguous error is returned unchanged;
//   - returns promptly when the context is cancelled.
//
// The wrapper implements crm.Finder, crm.Updater and crm.Deleter exactly
// when the wrapped vendor does, so callers keep type-asserting as usual.
// Unwrap returns the wrapped vendor.
package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
)

// Defaults used for the zero values of Policy.
const (
	DefaultRetries   = 5
	DefaultBaseDelay = 500 * time.Millisecond
	DefaultMaxDelay  = 60 * time.Second
	DefaultBudget    = 1000
)

// Policy configures Wrap. The zero value means: the vendor's own pace
// (Capabilities().Rate and Burst), 5 retries per call with back-off from
// 500ms up to 60s, and a budget of 1000 retries for the whole run.
type Policy struct {
	// Rate is the request pace in events per second. 0 uses the vendor's
	// Capabilities().Rate (and a vendor Rate of 0 means unpaced); rate.Inf
	// sends unpaced.
	Rate rate.Limit
	// Burst is the limiter burst. 0 uses Capabilities().Burst, or 1.
	Burst int
	// Retries is the maximum number of retries of one call: Times(n), or
	// NoRetries for exactly one attempt. The zero value (not set) means
	// DefaultRetries.
	Retries Count
	// BaseDelay is the first back-off ceiling (doubled on every retry).
	// 0 means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the back-off. 0 means DefaultMaxDelay. A wait the
	// vendor asks for (Retry-After) is honoured even when longer.
	MaxDelay time.Duration
	// Budget is the total number of retries for everything sent through
	// this wrapper. 0 means DefaultBudget; a negative value is unlimited.
	Budget int
	// OnRetry, if set, is called before each wait for a retry, with the
	// operation ("create", "list", "find", "update", "delete", "fields"),
	// the error being retried and the time about to be waited. It may be
	// called from several goroutines at once.
	OnRetry func(op string, err error, wait time.Duration)
	// SameClient, if set, says whether a client found after a lost answer
	// is the one that was sent (the look-up goes by e-mail or phone, which
	// two clients may share): one that is not counts as not found. nil
	// takes any match.
	SameClient func(sent, stored crm.Record) bool
	// Now returns the current time (default time.Now). With Sleep it lets
	// tests run on a fake clock.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() in the latter
	// case (default: a real timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a random duration in [0, max] (default: uniform).
	Jitter func(max time.Duration) time.Duration
}

// Count is a number of retries that tells "not set" (the zero value, which
// means DefaultRetries) from an explicit 0, so that `--retries 0` cannot turn
// into the default by accident. Make one with Times or use NoRetries.
type Count struct {
	n   int
	set bool
}

// Times returns a Count of n retries per call; n <= 0 means none (one
// attempt).
func Times(n int) Count { return Count{n: max(n, 0), set: true} }

// NoRetries makes every call exactly once: a failure is returned at once.
var NoRetries = Times(0)

// N returns the number of retries, DefaultRetries when c was not set.
func (c Count) N() int {
	if !c.set {
		return DefaultRetries
	}
	return c.n
}

// ErrBudgetExhausted is wrapped by the error returned when the run's retry
// budget is used up.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// Vendor is the decorator returned by Wrap. Its methods implement
// crm.Vendor; Find, Update and Delete are exposed (through the value Wrap
// returns) only when the wrapped vendor has them.
type Vendor struct {
	v       crm.Vendor
	finder  crm.Finder
	updater crm.Updater
	deleter crm.Deleter

	p Policy
	*shared
}

// shared is what every view of one wrapped vendor (Fewer, Judging) shares:
// the pace, the run's retry budget and the vendor's request to wait.
type shared struct {
	lim     *rate.Limiter
	budget  atomic.Int64 // remaining retries; < 0 after exhaustion; unused if unlimited
	limited bool

	mu        sync.Mutex
	notBefore time.Time // vendor asked everyone to wait until then
}

// Wrap returns v decorated with pacing, retries and ambiguity resolution
// as described in the package documentation. The result also implements
// crm.Finder, crm.Updater and crm.Deleter exactly when v does, and has an
// Unwrap() crm.Vendor method.
func Wrap(v crm.Vendor, p Policy) crm.Vendor {
	return newVendor(v, p).combined()
}

// combined returns w with exactly the optional interfaces of the vendor
// it wraps.
func (w *Vendor) combined() crm.Vendor {
	f, u, d := w.finder != nil, w.updater != nil, w.deleter != nil
	switch {
	case f && u && d:
		return &finderUpdaterDeleter{w, finder{w}, updater{w}, deleter{w}}
	case f && u:
		return &finderUpdater{w, finder{w}, updater{w}}
	case f && d:
		return &finderDeleter{w, finder{w}, deleter{w}}
	case u && d:
		return &updaterDeleter{w, updater{w}, deleter{w}}
	case f:
		return &finderOnly{w, finder{w}}
	case u:
		return &updaterOnly{w, updater{w}}
	case d:
		return &deleterOnly{w, deleter{w}}
	}
	return w
}

func newVendor(v crm.Vendor, p Policy) *Vendor {
	caps := v.Capabilities()
	if p.Rate == 0 {
		p.Rate = caps.Rate
		if p.Burst == 0 {
			p.Burst = caps.Burst
		}
	}
	if p.Rate == 0 {
		p.Rate = rate.Inf
	}
	if p.Burst <= 0 {
		p.Burst = 1
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.Budget == 0 {
		p.Budget = DefaultBudget
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.Jitter == nil {
		p.Jitter = func(max time.Duration) time.Duration {
			if max <= 0 {
				return 0
			}
			return rand.N(max + 1)
		}
	}
	w := &Vendor{v: v, p: p, shared: &shared{lim: rate.NewLimiter(p.Rate, p.Burst)}}
	w.finder, _ = v.(crm.Finder)
	w.updater, _ = v.(crm.Updater)
	w.deleter, _ = v.(crm.Deleter)
	if p.Budget > 0 {
		w.limited = true
		w.budget.Store(int64(p.Budget))
	}
	return w
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Unwrap returns the wrapped vendor.
func (w *Vendor) Unwrap() crm.Vendor { return w.v }

// Name returns the wrapped vendor's name.
func (w *Vendor) Name() string { return w.v.Name() }

// Capabilities returns the wrapped vendor's capabilities with Rate and
// Burst set to the pace actually enforced.
func (w *Vendor) Capabilities() crm.Capabilities {
	c := w.v.Capabilities()
	c.Rate = w.p.Rate
	c.Burst = w.p.Burst
	return c
}

// Fields returns the wrapped vendor's field catalogue, paced and retried.
func (w *Vendor) Fields(ctx context.Context) ([]crm.Field, error) {
	var out []crm.Field
	err := w.call(ctx, "fields", true, func() error {
		var err error
		out, err = w.v.Fields(ctx)
		return err
	})
	return out, err
}

// List returns one page, paced and retried (reads are safe to repeat, so
// an ambiguous answer is retried too).
func (w *Vendor) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	var out crm.Page
	err := w.call(ctx, "list", true, func() error {
		var err error
		out, err = w.v.List(ctx, q, cursor)
		return err
	})
	return out, err
}

// Create sends recs, paced, retrying retryable failures. When the answer
// is lost (crm.KindAmbiguous) and the vendor is a crm.Finder, each record
// is looked up first: found records get Result{Status: crm.StatusCreated,
// ID: id}, only the others are sent again, and the results stay aligned
// with recs. Without a Finder the ambiguous error is returned unchanged.
func (w *Vendor) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	results := make([]crm.Result, len(recs))
	pending := make([]int, len(recs))
	for i := range pending {
		pending[i] = i
	}
	attempt := 0
	for {
		sub := recs
		if len(pending) != len(recs) {
			sub = make([]crm.Record, len(pending))
			for j, i := range pending {
				sub[j] = recs[i]
			}
		}
		if err := w.pace(ctx); err != nil {
			return nil, err
		}
		res, err := w.v.Create(ctx, sub)
		if err == nil {
			if len(res) != len(sub) {
				return nil, fmt.Errorf("%s create: the vendor answered %d results for %d records, so the outcome is unknown", w.v.Name(), len(res), len(sub))
			}
			for j, i := range pending {
				results[i] = res[j]
			}
			return results, nil
		}
		if cerr := w.ctxErr(ctx, err); cerr != nil {
			return nil, cerr
		}
		w.noteRetryAfter(err)
		switch crm.KindOf(err) {
		case crm.KindRetryable:
			if werr := w.backoff(ctx, "create", attempt, err); werr != nil {
				return nil, werr
			}
			attempt++
			continue
		case crm.KindAmbiguous:
			if w.finder == nil {
				return nil, &LostAnswerError{Err: err}
			}
			var still []int
			for _, i := range pending {
				id, ferr := w.find(ctx, recs[i])
				switch {
				case ferr == nil:
					results[i] = crm.Result{Status: crm.StatusCreated, ID: id}
				case errors.Is(ferr, crm.ErrNotFound):
					still = append(still, i)
				default:
					if cerr := w.ctxErr(ctx, ferr); cerr != nil {
						return nil, fmt.Errorf("%w: %w", cerr, err)
					}
					return nil, &LostAnswerError{Err: fmt.Errorf("%w (and looking the records up to see whether they were created failed: %v)", err, ferr)}
				}
			}
			if len(still) == 0 {
				return results, nil
			}
			pending = still
			if werr := w.backoff(ctx, "create", attempt, err); werr != nil {
				if ctx.Err() != nil {
					return nil, werr
				}
				// The records still pending were looked up after the
				// last attempt and are not in the CRM.
				return nil, &LostAnswerError{Err: werr, Checked: true}
			}
			attempt++
			continue
		}
		return nil, err
	}
}

// find looks rec up after a lost answer, paced and retried: a client that
// Policy.SameClient says is another one counts as not found.
func (w *Vendor) find(ctx context.Context, rec crm.Record) (string, error) {
	var id string
	var stored crm.Record
	err := w.call(ctx, "find", true, func() error {
		var err error
		id, stored, err = w.finder.Find(ctx, rec)
		return err
	})
	if err == nil && w.p.SameClient != nil && stored != nil && !w.p.SameClient(rec, stored) {
		return "", fmt.Errorf("%s: the client found (%s) is another one: %w", w.v.Name(), id, crm.ErrNotFound)
	}
	return id, err
}

// call runs fn paced, retrying retryable errors (and ambiguous ones when
// idempotent is set).
func (w *Vendor) call(ctx context.Context, op string, idempotent bool, fn func() error) error {
	for attempt := 0; ; attempt++ {
		if err := w.pace(ctx); err != nil {
			return err
		}
		err := fn()
		if err == nil {
			return nil
		}
		if cerr := w.ctxErr(ctx, err); cerr != nil {
			return cerr
		}
		w.noteRetryAfter(err)
		k := crm.KindOf(err)
		if k != crm.KindRetryable && (k != crm.KindAmbiguous || !idempotent) {
			return err
		}
		if werr := w.backoff(ctx, op, attempt, err); werr != nil {
			return werr
		}
	}
}

// ctxErr returns a non-nil error when ctx is done: ctx.Err(), combined
// with err when err says the request may have been applied.
func (w *Vendor) ctxErr(ctx context.Context, err error) error {
	cerr := ctx.Err()
	if cerr == nil {
		return nil
	}
	if errors.Is(err, cerr) {
		return err
	}
	var e *crm.Error
	if errors.As(err, &e) && e.Kind == crm.KindAmbiguous {
		return fmt.Errorf("%w: %w", cerr, err)
	}
	return cerr
}

// noteRetryAfter records the vendor's requested wait for everyone.
func (w *Vendor) noteRetryAfter(err error) {
	ra := crm.RetryAfterOf(err)
	if ra <= 0 {
		return
	}
	until := w.p.Now().Add(ra)
	w.mu.Lock()
	if until.After(w.notBefore) {
		w.notBefore = until
	}
	w.mu.Unlock()
}

// pace waits until the vendor accepts requests again and the limiter
// grants a token.
func (w *Vendor) pace(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for {
		w.mu.Lock()
		nb := w.notBefore
		w.mu.Unlock()
		now := w.p.Now()
		if !nb.After(now) {
			break
		}
		if err := w.p.Sleep(ctx, nb.Sub(now)); err != nil {
			return err
		}
		// A fake clock may not move: don't spin on it.
		if !w.p.Now().After(now) {
			break
		}
	}
	if w.p.Rate == rate.Inf {
		return nil
	}
	now := w.p.Now()
	r := w.lim.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limiter misconfigured (rate %v, burst %d)", w.p.Rate, w.p.Burst)
	}
	if d := r.DelayFrom(now); d > 0 {
		if err := w.p.Sleep(ctx, d); err != nil {
			r.CancelAt(w.p.Now())
			return err
		}
	}
	return nil
}

// backoff spends one retry (of the call and of the run's budget), tells
// OnRetry and waits. It returns the error to give up with, or nil.
func (w *Vendor) backoff(ctx context.Context, op string, attempt int, err error) error {
	limit := w.p.Retries.N()
	if attempt >= limit {
		if attempt == 0 {
			return fmt.Errorf("failed, and no retry is allowed (retries are set to 0): %w", err)
		}
		return fmt.Errorf("gave up after %d retries (the vendor kept failing; try again later): %w", attempt, err)
	}
	if w.limited && w.budget.Add(-1) < 0 {
		return fmt.Errorf("%w: all %d retries allowed for this run are used up, so the vendor is failing too often; try again later: %w", ErrBudgetExhausted, w.p.Budget, err)
	}
	ceil := w.p.BaseDelay << min(attempt, 30)
	if ceil > w.p.MaxDelay || ceil <= 0 {
		ceil = w.p.MaxDelay
	}
	wait := w.p.Jitter(ceil)
	if ra := crm.RetryAfterOf(err); ra > wait {
		wait = ra
	}
	if w.p.OnRetry != nil {
		w.p.OnRetry(op, err, wait)
	}
	return w.p.Sleep(ctx, wait)
}

// finder, updater and deleter add the optional methods; Wrap combines
// them with *Vendor so that exactly the wrapped vendor's interfaces show.
type finder struct{ w *Vendor }
type updater struct{ w *Vendor }
type deleter struct{ w *Vendor }

// Find looks rec up, paced and retried.
func (f finder) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	var id string
	var stored crm.Record
	err := f.w.call(ctx, "find", true, func() error {
		var err error
		id, stored, err = f.w.finder.Find(ctx, rec)
		return err
	})
	return id, stored, err
}

// Update sends recs, paced and retried; updates are idempotent, so an
// ambiguous answer is simply retried.
func (u updater) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	var out []crm.Result
	err := u.w.call(ctx, "update", true, func() error {
		var err error
		out, err = u.w.updater.Update(ctx, recs)
		return err
	})
	return out, err
}

// Delete deletes id, paced and retried. When an earlier attempt's answer
// was lost and the retry finds the record gone, the delete succeeded.
func (d deleter) Delete(ctx context.Context, id string) error {
	lost := false
	return d.w.call(ctx, "delete", true, func() error {
		err := d.w.deleter.Delete(ctx, id)
		if lost && errors.Is(err, crm.ErrNotFound) {
			return nil
		}
		if crm.KindOf(err) == crm.KindAmbiguous {
			lost = true
		}
		return err
	})
}

// The types below combine the Vendor with the optional interfaces the
// wrapped vendor implements (crm.Finder, crm.Updater, crm.Deleter), one
// type per combination, so a type assertion on Wrap's result answers as it
// would on the vendor itself.
type finderUpdaterDeleter struct {
	*Vendor
	finder
	updater
	deleter
}
type finderUpdater struct {
	*Vendor
	finder
	updater
}
type finderDeleter struct {
	*Vendor
	finder
	deleter
}
type updaterDeleter struct {
	*Vendor
	updater
	deleter
}
type finderOnly struct {
	*Vendor
	finder
}
type updaterOnly struct {
	*Vendor
	updater
}
type deleterOnly struct {
	*Vendor
	deleter
}

var (
	_ crm.Vendor  = (*Vendor)(nil)
	_ crm.Finder  = (*finderUpdaterDeleter)(nil)
	_ crm.Updater = (*finderUpdaterDeleter)(nil)
	_ crm.Deleter = (*finderUpdaterDeleter)(nil)
)
