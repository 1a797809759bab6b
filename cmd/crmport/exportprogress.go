package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/crmport/crmport/job"
)

// exportProgress renders an export's events: a spinner on a terminal, a
// line every few seconds otherwise; retry notices and warnings as lines.
type exportProgress struct {
	mu      sync.Mutex
	opts    *exportOptions
	bar     *progressbar.ProgressBar
	last    time.Time
	start   time.Time
	rows    int
	notices retryNotices
}

func newExportProgress(opts *exportOptions) *exportProgress {
	return &exportProgress{opts: opts, start: opts.Now(), last: opts.Now()}
}

// say prints a line unless --quiet.
func (p *exportProgress) say(format string, args ...any) {
	if !p.opts.Quiet {
		fmt.Fprintf(p.opts.IO.ErrOut, format+"\n", args...)
	}
}

// Event implements job.Events.
func (p *exportProgress) Event(e job.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := e.(type) {
	case job.Started:
		if !p.opts.Quiet && p.opts.IO.IsStderrTTY() {
			p.bar = progressbar.NewOptions64(-1,
				progressbar.OptionSetWriter(p.opts.IO.ErrOut),
				progressbar.OptionSetDescription("exporting"),
				progressbar.OptionShowCount(),
				progressbar.OptionShowIts(),
				progressbar.OptionSetItsString("clients"),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSpinnerType(14),
				progressbar.OptionClearOnFinish(),
			)
		}
	case job.PageDone:
		p.page(e.Pages, e.Rows)
	case job.Retrying:
		if note, ok := p.notices.note(p.opts.Now(), e); ok {
			p.say("%s", note)
		}
	case job.Warning:
		switch e.Kind {
		case "with-notes":
			p.say("--with-notes: %s.", e.Text)
			return
		case "late-fields":
			p.say("warning: %s: export again with --fields to include them", e.Text)
			return
		}
		p.say("warning: %s", e.Text)
	}
}

func (p *exportProgress) page(pages, rows int) {
	if p.opts.Quiet {
		return
	}
	if p.bar != nil {
		_ = p.bar.Add(rows - p.rows)
		p.bar.Describe(fmt.Sprintf("page %d", pages))
	} else if now := p.opts.Now(); now.Sub(p.last) >= 5*time.Second {
		p.last = now
		secs := now.Sub(p.start).Seconds()
		fmt.Fprintf(p.opts.IO.ErrOut, "exported %d clients (%d pages, %.0f clients/s)\n", rows, pages, float64(rows)/max(secs, 0.001))
	}
	p.rows = rows
}

func (p *exportProgress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
