package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// importProgress renders an import's events on stderr: a bar on a
// terminal, a line every few seconds otherwise, nothing with -q. Retry
// notices and warnings are printed in both cases.
type importProgress struct {
	io    *iostreams.IOStreams
	now   func() time.Time
	quiet bool

	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	vendor   string
	total    int64 // data rows in the file, -1 when not known
	start    time.Time
	lastLog  time.Time
	lastDesc time.Time
	rows     int64
	ok       int64
	failed   int64
	notices  retryNotices

	// The clock is read every clockEvery rows (unread counts the rows
	// since), and the bar moved then: at a million rows a second (a dry
	// run) a reading a row was 5% of the run. clockEvery doubles, up to
	// 64, while readings come less than 10 ms apart, and is 1 again as
	// soon as they do not: a slow import reads it every row.
	clockEvery int64
	unread     int64
	lastClock  time.Time
}

func newImportProgress(opts *importOptions, now func() time.Time) *importProgress {
	if now == nil {
		now = time.Now
	}
	return &importProgress{io: opts.IO, now: now, quiet: opts.Quiet}
}

// Event implements job.Events.
func (p *importProgress) Event(e job.Event) {
	switch e := e.(type) {
	case job.Started:
		p.started(e)
	case job.RowDone:
		p.rowDone(e)
	case job.Retrying:
		p.retrying(e)
	case job.Warning:
		p.mu.Lock()
		defer p.mu.Unlock()
		p.clearBar()
		if e.Kind == "lookup-plan" {
			fmt.Fprintln(p.io.ErrOut, e.Text)
			return
		}
		if e.Kind == "offline-catalogue" {
			fmt.Fprintf(p.io.ErrOut, "note: %s\n", e.Text)
			return
		}
		fmt.Fprintf(p.io.ErrOut, "warning: %s\n", e.Text)
	}
}

func (p *importProgress) started(e job.Started) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.vendor = e.Vendor
	p.total = e.Total
	p.start = p.now()
	p.lastLog = p.start
	if p.quiet || !p.io.IsStderrTTY() {
		return
	}
	p.bar = progressbar.NewOptions64(e.Total,
		progressbar.OptionSetWriter(p.io.ErrOut),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionClearOnFinish(),
	)
}

var _ job.RowEvents = (*importProgress)(nil)

// RowDone implements job.RowEvents: a row's event, not boxed.
func (p *importProgress) RowDone(e job.RowDone) { p.rowDone(e) }

func (p *importProgress) rowDone(e job.RowDone) {
	if p.quiet {
		return // nothing is shown, so nothing is counted
	}
	// RowDone calls come one at a time (job.RowEvents): the counts are
	// this caller's alone, and the lock, which a row each cost ~3% of a
	// dry run, is taken only to show them (the bar and the log are shared
	// with the other events).
	p.rows++
	switch e.Status {
	case job.StatusFailed:
		p.failed++
	case "":
	default:
		p.ok++
	}
	if p.unread++; p.unread < max(p.clockEvery, 1) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total >= 0 && p.rows > p.total {
		p.total = p.rows // the bar's too (see line)
		if p.bar != nil {
			p.bar.ChangeMax64(p.total)
		}
	}
	t := p.now()
	if t.Sub(p.lastClock) < 10*time.Millisecond {
		p.clockEvery = min(2*max(p.clockEvery, 1), 64)
	} else {
		p.clockEvery = 1
	}
	p.lastClock = t
	if p.bar != nil {
		// Count first, then describe: Describe draws the bar, which would
		// otherwise show "193 ok" beside 192/300.
		p.moveBar()
		if t.Sub(p.lastDesc) >= 200*time.Millisecond {
			p.lastDesc = t
			p.bar.Describe(fmt.Sprintf("%d ok, %d failed", p.ok, p.failed))
		}
		return
	}
	p.unread = 0
	if t.Sub(p.lastLog) < 5*time.Second {
		return
	}
	p.lastLog = t
	fmt.Fprintln(p.io.ErrOut, p.line(t))
}

// line is the progress line written off a terminal (a log, a scheduled
// job): "SalesMan: 1200 of 10000 rows done (240 rows/s, about 37s left):
// 1190 ok, 10 failed".
func (p *importProgress) line(t time.Time) string {
	el := t.Sub(p.start).Seconds()
	speed := 0.0
	if el > 0 {
		speed = float64(p.rows) / el
	}
	done := fmt.Sprintf("%d rows done (%.0f rows/s)", p.rows, speed)
	if total := max(p.total, p.rows); p.total > 0 {
		// The count before the run is made from line ends; a cell
		// holding a line break makes it short: never show 101 of 100.
		done = fmt.Sprintf("%d of %d rows done (%.0f rows/s", p.rows, total, speed)
		if left := total - p.rows; speed > 0 && left > 0 {
			eta := time.Duration(float64(left) / speed * float64(time.Second))
			done += ", about " + eta.Round(time.Second).String() + " left"
		}
		done += ")"
	}
	return fmt.Sprintf("%s: %s: %d ok, %d failed", p.vendor, done, p.ok, p.failed)
}

func (p *importProgress) retrying(e job.Retrying) {
	p.mu.Lock()
	defer p.mu.Unlock()
	note, ok := p.notices.note(p.now(), e)
	if !ok {
		return
	}
	p.clearBar()
	fmt.Fprintln(p.io.ErrOut, note)
}

// clearBar clears the bar before a line of text (p.mu held).
func (p *importProgress) clearBar() {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
}

// moveBar adds the rows done since it last moved to the bar (p.mu held).
func (p *importProgress) moveBar() {
	_ = p.bar.Add64(p.unread)
	p.unread = 0
}

// stop removes the bar before the summary is printed.
func (p *importProgress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.moveBar()
		_ = p.bar.Finish()
		_ = p.bar.Clear()
		fmt.Fprint(p.io.ErrOut, "\r")
		p.bar = nil
	}
}
