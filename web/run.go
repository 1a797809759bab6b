package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/crmport/crmport/job"
)

// practiceDir holds the practice CRM's clients and the reports of imports
// into it, apart from those of real imports.
const practiceDir = "practice"

// progress is what the page shows of the running (or last) job; the
// server pushes it to the page as Server-Sent Events.
type progress struct {
	Seq      int            `json:"seq"`
	Job      string         `json:"job"` // "import", "check", "export"
	Vendor   string         `json:"vendor"`
	Practice bool           `json:"practice"`
	Running  bool           `json:"running"`
	Total    int64          `json:"total"` // -1 not known
	Done     int            `json:"done"`
	Counts   map[string]int `json:"counts"`
	Pages    int            `json:"pages"`
	Rows     int            `json:"rows"`
	Rate     float64        `json:"rate"` // rows a second
	Left     float64        `json:"left"` // seconds; -1 not known
	Notices  []string       `json:"notices"`
	Result   any            `json:"result,omitempty"`
	Problem  *problem       `json:"problem,omitempty"`
}

// maxNotices is how many retry notices and warnings the page keeps.
const maxNotices = 20

// run is one job in progress.
type run struct {
	mu      sync.Mutex
	p       progress
	changed chan struct{} // closed at the first change after a snapshot
	// signalled says changed is closed: the next snapshot makes a new
	// one. A change a row (a million a second in a dry run) then costs
	// no channel and wakes no one until the page has read the last.
	signalled bool
	cancel    context.CancelFunc
	started   time.Time
	now       func() time.Time
	lang      string
}

func (r *run) update(f func(p *progress)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.p)
	r.changedLocked()
}

// changedLocked counts a change and wakes those waiting for one (r.mu
// held).
func (r *run) changedLocked() {
	r.p.Seq++
	if !r.signalled {
		close(r.changed)
		r.signalled = true
	}
}

func (r *run) snapshot() (progress, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.signalled {
		r.changed, r.signalled = make(chan struct{}), false
	}
	if r.p.Running {
		r.setRate(&r.p) // rows are counted without the clock (RowDone)
	}
	p := r.p
	p.Counts = make(map[string]int, len(r.p.Counts))
	for k, v := range r.p.Counts {
		p.Counts[k] = v
	}
	p.Notices = append([]string{}, r.p.Notices...)
	return p, r.changed
}

// Event implements job.Events.
func (r *run) Event(e job.Event) {
	r.update(func(p *progress) {
		switch e := e.(type) {
		case job.Started:
			p.Total, p.Vendor = e.Total, e.Vendor
			r.started = r.now()
		case job.RowDone:
			p.Done++
			if e.Status != "" {
				p.Counts[string(e.Status)]++
			}
		case job.PageDone:
			p.Pages, p.Rows = e.Pages, e.Rows
		case job.Retrying:
			p.Notices = appendNotice(p.Notices, tr(r.lang, "notice.retry", e.Vendor, e.Message, e.Wait.Round(time.Second).String()))
		case job.Warning:
			text := e.Text
			if e.Kind == "late-fields" {
				text = tr(r.lang, "notice.latefields", strings.Join(e.Fields, ", "))
			}
			p.Notices = appendNotice(p.Notices, text)
		}
		r.setRate(p)
	})
}

// RowDone implements job.RowEvents: a row counted without boxing its
// event, reading the clock or waking the page (the rate is worked out
// when the page reads the progress).
func (r *run) RowDone(e job.RowDone) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Done++
	if e.Status != "" {
		r.p.Counts[string(e.Status)]++
	}
	r.changedLocked()
}

// setRate works out the rows a second and the seconds left (r.mu held).
func (r *run) setRate(p *progress) {
	if el := r.now().Sub(r.started).Seconds(); el > 0 && !r.started.IsZero() {
		n := p.Done
		if p.Job == "export" {
			n = p.Rows
		}
		p.Rate = float64(n) / el
		p.Left = -1
		if p.Total > 0 && p.Rate > 0 {
			p.Left = float64(p.Total-int64(n)) / p.Rate
		}
	}
}

func appendNotice(ns []string, n string) []string {
	ns = append(ns, n)
	if len(ns) > maxNotices {
		ns = ns[len(ns)-maxNotices:]
	}
	return ns
}

// runner runs one job at a time.
type runner struct {
	mu  sync.Mutex
	cur *run
	wg  sync.WaitGroup
}

// start runs fn in the background as the current job, unless one runs.
func (rn *runner) start(kind, lang string, practice bool, now func() time.Time, fn func(ctx context.Context, r *run) (any, error)) error {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	if rn.cur != nil {
		if p, _ := rn.cur.snapshot(); p.Running {
			return &userError{key: "err.busy"}
		}
	}
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{changed: make(chan struct{}), cancel: cancel, now: now, lang: lang,
		p: progress{Job: kind, Practice: practice, Running: true, Total: -1, Left: -1, Counts: map[string]int{}}}
	rn.cur = r
	rn.wg.Add(1)
	go func() {
		defer rn.wg.Done()
		defer cancel()
		var res any
		err := job.Catch(func() error {
			var err error
			res, err = fn(ctx, r)
			return err
		})
		r.update(func(p *progress) {
			r.setRate(p) // as it ends
			p.Running, p.Result = false, res
			if err != nil {
				pr := explain(lang, err)
				p.Problem = &pr
			}
		})
	}()
	return nil
}

func (rn *runner) current() *run {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.cur
}

// stop cancels the running job, as Ctrl-C does: its journal is kept.
func (rn *runner) stop() {
	if r := rn.current(); r != nil {
		r.cancel()
	}
}

func (rn *runner) wait() { rn.wg.Wait() }

func (s *Server) handleStop(w http.ResponseWriter, r *http.Request) {
	s.runs.stop()
	writeJSON(w, http.StatusOK, map[string]bool{"stopping": true})
}

// eventGap is the least time between two progress events: a fast import
// finishes thousands of rows a second, the page needs a few updates.
const eventGap = 200 * time.Millisecond

// handleEvents pushes the current job's progress as Server-Sent Events
// until it ends (then once more, with its result) or the page goes away.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming not supported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	cur := s.runs.current()
	if cur == nil {
		fmt.Fprint(w, "event: idle\ndata: {}\n\n")
		fl.Flush()
		return
	}
	for {
		p, changed := cur.snapshot()
		b, err := json.Marshal(p)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
		if !p.Running {
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
		select {
		case <-time.After(eventGap):
		case <-r.Context().Done():
			return
		}
	}
}

// importReq is an import or a check (DryRun) as the page asks for it.
type importReq struct {
	File          string `json:"file"`
	Mapping       string `json:"mapping"` // the YAML text
	Practice      bool   `json:"practice"`
	DryRun        bool   `json:"dry_run"`
	Mode          string `json:"mode"`
	Restart       bool   `json:"restart"`
	ResumeChanged bool   `json:"resume_changed"`
	ReportFormat  string `json:"report_format"`
	MaxErrors     string `json:"max_errors"`
}

// importResult is an import's outcome for the page.
type importResult struct {
	Rows         int          `json:"rows"`
	Created      int          `json:"created"`
	Updated      int          `json:"updated"`
	Exists       int          `json:"exists"`
	Unchanged    int          `json:"unchanged"`
	Failed       int          `json:"failed"`
	Skipped      int          `json:"skipped"`
	Resumed      int          `json:"resumed"`
	NotProcessed int          `json:"not_processed"`
	DryRun       bool         `json:"dry_run"`
	FirstErrors  []rowFailure `json:"first_errors"`
	Done         string       `json:"done_report,omitempty"`
	Errors       string       `json:"errors_report,omitempty"`
	Seconds      float64      `json:"seconds"`
}

type rowFailure struct {
	Row   int    `json:"row"`
	Error string `json:"error"`
}

// handleImport starts an import, or with dry_run a check, of an uploaded
// file with the page's mapping (saved beside it first, as the command
// line's file).
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	var req importReq
	if !s.decode(w, r, &req) {
		return
	}
	input, mapPath, _, err := s.inputAndMapping(req.File, req.Mapping)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	maxErr, err := job.ParseMaxErrors(strings.TrimSpace(req.MaxErrors))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, &userError{key: "err.maxerrors", arg: err.Error()})
		return
	}
	set := job.ImportSettings{Input: input, Mapping: mapPath, DryRun: req.DryRun, Mode: req.Mode,
		Restart: req.Restart, ResumeChanged: req.ResumeChanged, ReportFormat: req.ReportFormat,
		MaxErrors: maxErr, Retries: job.DefaultRetries, CountRows: true}
	if req.Practice {
		set.ReportDir = filepath.Join(s.dir, practiceDir)
		if err := os.MkdirAll(set.ReportDir, 0o700); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	kind := "import"
	if req.DryRun {
		kind = "check"
	}
	lang := langOf(r)
	err = s.runs.start(kind, lang, req.Practice, s.env.Now, func(ctx context.Context, rn *run) (any, error) {
		env, err := s.envFor(ctx, req.Practice)
		if err != nil {
			return nil, err
		}
		s.logf("%s of %s started", kind, req.File)
		res, err := env.Import(ctx, set, rn)
		s.logf("%s of %s ended", kind, req.File)
		out := s.importResult(res.Summary)
		if errors.Is(err, job.ErrSomeRowsFailed) {
			err = nil // the counts and the error report say it
		}
		if !res.Started && err != nil {
			return nil, err
		}
		return out, err
	})
	if err != nil {
		s.fail(w, r, http.StatusConflict, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"started": true})
}

func (s *Server) importResult(sum job.ImportSummary) importResult {
	out := importResult{Rows: sum.Rows, Created: sum.Created, Updated: sum.Updated, Exists: sum.Exists,
		Unchanged: sum.Unchanged, Failed: sum.Failed, Skipped: sum.Skipped, Resumed: sum.Resumed,
		NotProcessed: sum.NotProcessed, DryRun: sum.DryRun, Seconds: sum.Elapsed.Seconds(),
		Done: s.rel(sum.Reports.Done), Errors: s.rel(sum.Reports.Errors), FirstErrors: []rowFailure{}}
	for _, f := range sum.FirstErrors {
		out.FirstErrors = append(out.FirstErrors, rowFailure{Row: f.Row, Error: f.Error})
	}
	return out
}
