package retry

import (
	"context"
	"fmt"

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

// decorator is implemented by every value Wrap returns.
type decorator interface{ decorator() *Vendor }

func (w *Vendor) decorator() *Vendor { return w }

// derive returns v seen with a changed policy (sharing its pace, budget
// and waits), or nil when v was not made by Wrap.
func derive(v crm.Vendor, change func(*Policy)) crm.Vendor {
	d, ok := v.(decorator)
	if !ok {
		return nil
	}
	w := *d.decorator()
	change(&w.p)
	return w.combined()
}

// Fewer returns v allowing at most n retries of each call (fewer than its
// Policy says, never more), sharing v's pace and budget. The importer uses
// it while it splits a failed batch in halves: the failure already
// survived the full retries once, so each half gets one more try instead
// of the whole back-off again. A vendor not made by Wrap is returned as is.
func Fewer(v crm.Vendor, n int) crm.Vendor {
	out := derive(v, func(p *Policy) {
		if n < p.Retries.N() {
			p.Retries = Times(max(n, 0))
		}
	})
	if out == nil {
		return v
	}
	return out
}

// Judging returns v with same as its Policy.SameClient: the test that
// accepts a client found after a lost answer as the one sent. The importer
// installs its rule (fields compared by meaning) this way. A vendor not
// made by Wrap is returned as is.
func Judging(v crm.Vendor, same func(sent, stored crm.Record) bool) crm.Vendor {
	out := derive(v, func(p *Policy) { p.SameClient = same })
	if out == nil {
		return v
	}
	return out
}

// MayResend reports whether records whose request failed may be sent
// again through v. It is false only when v was made by Wrap with no
// retries (NoRetries, `--retries 0`): the importer then fails a batch at
// once instead of splitting it and sending its halves again. A vendor not
// made by Wrap leaves the decision to the caller (true).
func MayResend(v crm.Vendor) bool {
	d, ok := v.(decorator)
	return !ok || d.decorator().p.Retries.N() > 0
}

// FindSent looks up a record that was sent but whose answer was lost (or
// whose run was killed before the answer was written down), through v:
// paced and retried, and a client found that Policy.SameClient says is
// another one (sharing only an e-mail or phone) counts as not found
// (crm.ErrNotFound). It is the one place where crmport decides whether a
// lost create reached the CRM; Create uses it too. A vendor not made by
// Wrap is asked directly; one that cannot look up gives crm.ErrUnsupported.
func FindSent(ctx context.Context, v crm.Vendor, rec crm.Record) (string, error) {
	if d, ok := v.(decorator); ok && d.decorator().finder != nil {
		return d.decorator().find(ctx, rec)
	}
	f, ok := v.(crm.Finder)
	if !ok {
		return "", fmt.Errorf("%s cannot look clients up: %w", v.Name(), crm.ErrUnsupported)
	}
	id, _, err := f.Find(ctx, rec)
	return id, err
}

// LostAnswerError is returned by Create when an answer was lost and the
// records could not all be settled. Checked says the records still
// pending were looked up after the last attempt and are not in the CRM:
// sending them again creates no duplicate. Without it (no way to look up,
// or the look-up failed) their outcome is unknown: check in the CRM
// before sending them again.
type LostAnswerError struct {
	Err     error
	Checked bool
}

func (e *LostAnswerError) Error() string { return e.Err.Error() }
func (e *LostAnswerError) Unwrap() error { return e.Err }
