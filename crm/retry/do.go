package retry

import "context"

// Do runs a vendor call that is not part of crm.Vendor (BaseLinker's
// getCrmClientData for `export --with-notes`) under the same pacing,
// back-off and budget as every other call, so it shares the vendor's rate
// limit. fn must be idempotent (a read): ambiguous errors are retried too.
func (w *Vendor) Do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return w.call(ctx, op, true, func() error { return fn(ctx) })
}

// Doer is implemented by every vendor Wrap returns.
type Doer interface {
	Do(ctx context.Context, op string, fn func(ctx context.Context) error) error
}

type retriesKey struct{}

// WithRetries returns a context under which calls through the decorator
// are retried at most n times (fewer than the Policy says, never more).
// The importer uses it while it splits a failed batch in halves: the
// failure already survived the full retries once, so each half gets one
// more try instead of the whole back-off again.
func WithRetries(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, retriesKey{}, n)
}
