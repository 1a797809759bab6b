package importer

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/retry"
)

// A CRM that fails so often that the run's retry budget is used up (an
// outage in the middle of an import) stops the run with the journal
// saved, instead of failing every row left one by one; the next run
// imports each row once.
func TestRunStopsWhenTheRetriesAreUsedUp(t *testing.T) {
	dir := t.TempDir()
	rows := table(40)
	v := newMemVendor(1)
	v.faultRate = 1 // every call fails (half of them after applying)
	w := retry.Wrap(v, retry.Policy{Retries: retry.Times(2), BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, Budget: 5})
	opt := setup(t, dir, rows, w)
	opt.Workers = 1
	s, err := Run(t.Context(), opt)
	var se *StoppedError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, StopRetriesUsedUp, se.Reason)
	assert.Positive(t, s.NotProcessed, "the rows left are not failed one by one")

	// The CRM is back: the same import imports each row once.
	v.faultRate = 0
	opt = setup(t, dir, rows, wrap(v))
	_, err = Run(t.Context(), opt)
	require.NoError(t, err)
	for e, n := range v.emails() {
		assert.Equal(t, 1, n, e)
	}
	assert.Len(t, v.emails(), 40)
}
