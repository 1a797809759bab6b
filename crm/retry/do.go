package retry

import (
	"context"

	"github.com/crmport/crmport/crm"
)

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

// Retries returns how many times a call through w under ctx may be
// retried: the Policy's count, capped by WithRetries.
func (w *Vendor) Retries(ctx context.Context) int {
	limit := w.p.Retries.N()
	if n, ok := ctx.Value(retriesKey{}).(int); ok && n < limit {
		limit = max(n, 0)
	}
	return limit
}

// MayResend reports whether records whose request failed may be sent
// again through v under ctx. It is false only when v was made by Wrap with
// no retries (NoRetries, `--retries 0`): the importer then fails a batch
// at once instead of splitting it and sending its halves again. A vendor
// not made by Wrap leaves the decision to the caller (true).
func MayResend(ctx context.Context, v crm.Vendor) bool {
	r, ok := v.(interface{ Retries(context.Context) int })
	return !ok || r.Retries(ctx) > 0
}
