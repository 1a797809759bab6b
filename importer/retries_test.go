package importer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/retry"
)

// With no retries allowed (`--retries 0`) a batch whose request fails is
// not split and sent again in halves: each batch is sent once and its rows
// fail with the reason. With retries, the bad record is isolated as usual.
func TestNoRetriesSendsEachBatchOnce(t *testing.T) {
	rows := table(16)
	rows[5][0] = "POISON" // row 7: the whole batch of rows 2..9 fails
	for _, tt := range []struct {
		name            string
		retries         retry.Count
		calls           int
		created, failed int
	}{
		{"no retries", retry.NoRetries, 2, 8, 8},
		// The failed batch is tried twice, then split until POISON is
		// alone: rows 2-5 (1 call), rows 6-9 (2), rows 6-7 (2), row 6 (1),
		// row 7 (2), rows 8-9 (1); the second batch takes 1 call.
		{"one retry", retry.Times(1), 2 + 1 + 2 + 2 + 1 + 2 + 1 + 1, 15, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := newMemVendor(8)
			w := retry.Wrap(v, retry.Policy{Retries: tt.retries, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, Budget: -1})
			opt := setup(t, t.TempDir(), rows, w)
			opt.Workers = 1
			s, err := Run(t.Context(), opt)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			_, failed := checkInvariant(t, s, rows)
			assert.Equal(t, tt.created, s.Created)
			assert.Equal(t, tt.failed, s.Failed)
			assert.Contains(t, failed[7][4], "internal server error")
			assert.Equal(t, tt.calls, v.calls)
		})
	}
}
