package importer

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// hangSecond holds the second Create call until the run is cancelled, so
// a later batch is answered while an earlier one is still out.
type hangSecond struct {
	*memVendor
	calls atomic.Int32
}

func (h *hangSecond) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	if h.calls.Add(1) == 2 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return h.memVendor.Create(ctx, recs)
}

// TestStopCountsEveryAnsweredRow stops a run while an earlier batch is
// still out and a later one has been answered: the stopped run's counts
// and done report hold every client the CRM created (they are in the
// journal), not only those before the first unanswered row. Before, the
// page said "5 created" after a stop with 100 clients in the CRM.
func TestStopCountsEveryAnsweredRow(t *testing.T) {
	rows := table(60)
	v := newMemVendor(5)
	h := &hangSecond{memVendor: v}
	ctx, cancel := context.WithCancel(t.Context())
	v.afterEach = func(n int) {
		if n >= 10 { // the first batch and the third are in
			cancel()
		}
	}
	opt := setup(t, t.TempDir(), rows, h)
	opt.Workers = 2
	s, err := Run(ctx, opt)
	require.ErrorIs(t, err, context.Canceled)
	created := len(v.emails())
	require.GreaterOrEqual(t, created, 10)
	assert.Equal(t, created, s.Created, "every client the CRM created is counted")
	assert.Equal(t, s.Rows, s.Created+s.Failed+s.NotProcessed, "every row read is counted once")
	_, done := readReport(t, s.Reports.Done)
	assert.Len(t, done, created, "every client the CRM created is in the done report")
}
