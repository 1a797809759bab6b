package job

import (
	"time"

	"github.com/crmport/crmport/crm"
)

// Events receives what a job reports while it runs. Calls may come from
// several goroutines; an implementation must be safe for that. A nil
// Events is allowed: the job reports nothing.
type Events interface {
	Event(Event)
}

// RowEvents is an optional interface of Events: an import calls RowDone
// with each row's event instead of Event, which must box it (an
// allocation a row: 3% of a dry run that finishes a million rows a
// second). RowDone is called one row at a time, in input order, never
// twice at once; other events may come meanwhile, from other goroutines.
type RowEvents interface {
	RowDone(RowDone)
}

// EventsFunc adapts a function to Events.
type EventsFunc func(Event)

// Event implements Events.
func (f EventsFunc) Event(e Event) { f(e) }

// Event is one of the event types below (Started, RowDone, PageDone,
// Retrying, Warning).
type Event interface{ event() }

// Started is sent once when a job starts reading or sending rows.
type Started struct {
	Job    string // "import", "export"
	Vendor string // the vendor's title ("SalesMan")
	Total  int64  // rows (import) or -1 when not known
}

// RowDone is sent once per input row of an import, in input order.
type RowDone struct {
	Row    int    // the row's line in the file
	Status Status // "" for a blank row
}

// PageDone is sent after each page of an export.
type PageDone struct {
	Pages int // pages read so far
	Rows  int // clients written so far
}

// Retrying is sent when a call to the CRM is retried after Wait.
type Retrying struct {
	Vendor  string        // the vendor's title ("BaseLinker")
	Op      string        // what was called ("client/add.list")
	Message string        // why, in the vendor's words (its RetryNotice when it has one)
	Wait    time.Duration // how long crmport waits before trying again
	Err     error         // the error itself
}

// Warning is something the user should know that does not stop the job.
// Kind names it for front ends that word it their own way; Text is an
// English sentence with the facts.
type Warning struct {
	Kind   string // e.g. "field-switched-off", "offline-catalogue", "export"
	Text   string
	Vendor string // the vendor's title, when the warning is about one
	Field  string // the field, when the warning is about one
	// Fields, for Kind "late-fields": fields some clients have that got
	// no column (they first appeared after the header was written); an
	// export naming its columns includes them.
	Fields []string
}

func (Started) event()  {}
func (RowDone) event()  {}
func (PageDone) event() {}
func (Retrying) event() {}
func (Warning) event()  {}

// emit sends e to ev when ev is set.
func emit(ev Events, e Event) {
	if ev != nil {
		ev.Event(e)
	}
}

// Status is the outcome of one row (created, updated, exists, unchanged,
// failed).
type Status = crm.Status
