package job

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
)

// rowsAndEvents records the events it is given, each row's apart.
type rowsAndEvents struct {
	rows   []RowDone
	events []Event
}

func (r *rowsAndEvents) Event(e Event)     { r.events = append(r.events, e) }
func (r *rowsAndEvents) RowDone(e RowDone) { r.rows = append(r.rows, e) }

// An Events that is also a RowEvents gets each row through RowDone, not
// boxed through Event; any other Events gets RowDone events as before.
func TestRowEventsTakeRowsUnboxed(t *testing.T) {
	t.Parallel()
	both := &rowsAndEvents{}
	p := newImportEvents(both, crm.Registration{}, "", nil)
	p.Start(2)
	p.RowDone(2, crm.Result{Status: crm.StatusCreated})
	p.RowDone(3, crm.Result{Status: crm.StatusFailed})
	assert.Equal(t, []RowDone{{Row: 2, Status: crm.StatusCreated}, {Row: 3, Status: crm.StatusFailed}}, both.rows)
	assert.Equal(t, []Event{Started{Job: "import", Total: 2}}, both.events)

	var plain []Event
	p = newImportEvents(EventsFunc(func(e Event) { plain = append(plain, e) }), crm.Registration{}, "", nil)
	p.RowDone(2, crm.Result{Status: crm.StatusCreated})
	assert.Equal(t, []Event{RowDone{Row: 2, Status: crm.StatusCreated}}, plain)
}
