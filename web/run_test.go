package web

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/job"
)

var _ job.RowEvents = (*run)(nil)

// TestRowsCountedWithoutWakingThePageEachRow: a dry run finishes a
// million rows a second. Each row is counted, the page is woken by the
// first change after it read the progress (not once a row), and the rate
// is worked out when the page reads it.
func TestRowsCountedWithoutWakingThePageEachRow(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	r := &run{changed: make(chan struct{}), now: func() time.Time { return clock }, lang: "pl",
		p: progress{Job: "import", Running: true, Total: 1000, Left: -1, Counts: map[string]int{}}}
	r.Event(job.Started{Job: "import", Vendor: "SalesMan", Total: 1000})
	p, changed := r.snapshot()
	assert.Equal(t, 0, p.Done)
	select {
	case <-changed:
		t.Fatal("woken before any change")
	default:
	}
	first := changed
	for i := range 400 {
		st := crm.StatusCreated
		if i%4 == 0 {
			st = crm.StatusFailed
		}
		r.RowDone(job.RowDone{Row: i + 2, Status: st})
	}
	r.RowDone(job.RowDone{Row: 402}) // blank: done, no status
	<-first                          // woken
	clock = clock.Add(2 * time.Second)
	p, changed = r.snapshot()
	assert.Equal(t, 401, p.Done)
	assert.Equal(t, map[string]int{"created": 300, "failed": 100}, p.Counts)
	assert.InDelta(t, 200.5, p.Rate, 0.01, "rows a second, worked out as the page reads")
	assert.InDelta(t, 599.0/200.5, p.Left, 0.01)
	assert.NotEqual(t, first, changed, "a new channel for the next change")
	select {
	case <-changed:
		t.Fatal("woken again before a new change")
	default:
	}
	r.RowDone(job.RowDone{Row: 403, Status: crm.StatusCreated})
	<-changed
}
