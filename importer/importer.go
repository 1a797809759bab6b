// Package importer moves the rows of a spreadsheet into a CRM: source rows
// → mapping and validation → batches → workers (through the crm/retry
// decorator the caller wraps the vendor in) → results → journal + reports.
//
// Memory does not grow with the file: rows flow through bounded channels
// and the reports are written in input order as rows finish.
//
// The journal and reports are named after the input's whole file name,
// extension included (kontakty.xlsx.thulium.journal,
// kontakty.xlsx.thulium.done.xlsx), so two files of one folder never share
// them; a journal of the old scheme (kontakty.thulium.journal) written for
// the same file is adopted. One run at a time owns them: Run takes an OS
// file lock beside the journal (Lock) before reading or touching any of
// them, and a second run is refused at once.
//
// The journal (JSON lines) starts with a header
// (format version, fingerprints of the input file and the mapping, vendor,
// mode). Before a batch is sent its rows are recorded as in flight; after
// the answer, one line per row records its status and id, flushed and
// fsynced per batch. Running the same import again:
//
//   - skips rows already created, updated, existing or unchanged;
//   - retries rows that failed (a row rejected by validation fails again
//     with the same message; one the vendor refused may now succeed);
//   - looks rows that were in flight up with crm.Finder before sending
//     anything (found → created with that id), so a crash never duplicates;
//   - rebuilds the reports for the whole file from the journal and input.
//
// A journal written for another input file or mapping is refused
// (ErrJournalMismatch; *OtherInputError when none of the rows it imported
// is in this file); Options.Restart starts over, moving the earlier
// journal and reports aside to numbered names just before the first row
// is sent (and back if the CRM refused everything).
// With Options.ResumeChanged it is accepted: every finished row's journal
// line holds a short hash of its original cells, so a row the journal says
// was imported is skipped only while its hash matches; a row whose content
// changed, or that moved because rows above it were added or removed,
// fails with a message (never sent twice, never skipped silently); rows
// that failed or were not processed are sent.
//
// In upsert mode a row found in the CRM is compared with what the CRM
// holds, ignoring formatting-only differences: surrounding spaces, the case
// of e-mail addresses, phone numbers written differently (+48 601 234 567,
// 0048601234567, 601234567; for Russia 8 495… and +7 495…), countries as
// names or ISO codes (Polska = PL, Россия = RU). Equal rows are
// "unchanged" and not sent. A field the vendor's look-up does not return at
// all (BaseLinker's notes are not in getCrmClients) cannot be compared: a
// row that sends one is always updated, and counted "updated".
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

// lostAnswer is the message of a row whose create was sent but not
// answered, when the vendor cannot look clients up.
const lostAnswer = "sent, but the answer was lost: check in the CRM before importing this row again"

// item is one input row on its way through the pipeline.
type item struct {
	line    int
	cells   []sheet.Cell
	rec     crm.Record
	hash    string // rowHash of the original cells, for the journal
	lookup  bool   // in flight in an earlier run: look it up before sending
	skipped bool   // blank row
	early   bool   // failed when read (validation), before any sending
	res     crm.Result
	errText string
	done    chan struct{}
}

func (it *item) fail(msg string) {
	it.res = crm.Result{Status: crm.StatusFailed}
	it.errText = msg
}

// setResult stores a vendor result, filling in a missing status.
func (it *item) setResult(res crm.Result) {
	if res.Status == "" {
		switch {
		case res.Err == nil:
			res.Status = crm.StatusCreated
		case crm.KindOf(res.Err) == crm.KindDuplicate:
			res.Status = crm.StatusExists
		default:
			res.Status = crm.StatusFailed
		}
	}
	if res.Status == crm.StatusExists && res.ID == "" {
		var e *crm.Error
		if errors.As(res.Err, &e) {
			res.ID = e.ID
		}
	}
	it.res = res
	it.errText = ""
	if res.Status == crm.StatusFailed {
		if res.Err != nil {
			it.errText = res.Err.Error()
		} else {
			it.errText = "the CRM refused this row without saying why"
		}
	}
}

// closedDone is shared by items finished when read.
var closedDone = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// run is the state of one Run.
type run struct {
	opt     Options
	v       crm.Vendor
	finder  crm.Finder
	updater crm.Updater
	caps    crm.Capabilities
	norm    func(field, value string) string
	batch   int
	workers int
	vendor  string

	// phoneRegion is the binder's PhoneRegion (nil if it has none).
	phoneRegion func(field string) string

	header  []string
	keep    []int // indexes of the original columns (crmport_* dropped)
	srcInfo sheet.Info
	priors  map[int]prior
	// movedFrom maps the hash of each row an earlier run imported to that
	// row's id, when the input changed since (rows may have moved).
	movedFrom map[string]string
	jr        *journal
	reports   Reports

	// movedAside lists the earlier run's files a restart moved aside;
	// replaceEarlier says a sandbox rehearsal replaces them instead.
	movedAside     []movedFile
	replaceEarlier bool
	// reached is set once a create or update may have reached the CRM
	// (anything but a refusal): a restart that never set it is undone.
	reached atomic.Bool
	// firstOnce and firstAnswered make the first batch go alone (sendGate).
	firstOnce     sync.Once
	firstAnswered chan struct{}
	firstErr      error // what stopped the first batch; read after firstAnswered is closed

	errSink, doneSink sheet.Sink
	errTmp, doneTmp   string
	errPath, donePath string
	sinkErr           error
	sum               Summary
	readFailed        atomic.Int64 // rows failed when read, for MaxErrors
	vendorFailed      atomic.Int64 // rows failed at the vendor
	nonBlank          atomic.Int64 // rows read that are not blank
	firstMu           sync.Mutex
	firstErrors       []RowFailure
	keys              map[string]int
	srcBroken         bool // the source failed: the rest of it cannot be read
	stop              chan struct{}
	stopOnce          sync.Once
	stopErr           error
}

// Run imports the rows of opt.Input into opt.Vendor. It returns the
// summary and: nil when every row is done; an error wrapping
// ErrSomeRowsFailed when some rows failed (in the error report); one
// wrapping ErrTooManyErrors when MaxErrors stopped it; ctx's error when
// interrupted (the journal is saved); a *bug.Error when a bug panicked on
// one of the run's goroutines (the run stops as if interrupted, and the
// journal is saved: Saved says so); any other error when the import could
// not run or the vendor refused the account.
func Run(ctx context.Context, opt Options) (Summary, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	start := opt.Now()
	r, err := prepare(opt)
	if err != nil {
		return Summary{}, err
	}
	// One run at a time owns the journal and reports: taken before any
	// of them is read or touched.
	lockPath := LockPath(opt.Input, opt.ReportDir, r.vendor)
	if opt.Lock == nil {
		doing := fmt.Sprintf("importing %s into %s", filepath.Base(opt.Input), r.vendor)
		if opt.DryRun {
			doing = fmt.Sprintf("checking %s for %s (a dry run)", filepath.Base(opt.Input), r.vendor)
		}
		l, err := Lock(opt.Input, opt.ReportDir, r.vendor, doing, start)
		if err != nil {
			return Summary{}, err
		}
		defer l.Release()
	} else if opt.Lock.Path() != lockPath {
		return Summary{}, fmt.Errorf("importer: Options.Lock holds %s, not this import's %s", opt.Lock.Path(), lockPath)
	}
	// A panic outside the pipeline's own recovery (opening the journal,
	// closing the reports) still ends as an error, not a crash.
	err = bug.Catch(func() error {
		_, err := r.execute(ctx) // execute returns r.sum, which a panic leaves as far as it got
		return err
	})
	sum := r.sum
	sum.Elapsed = opt.Now().Sub(start)
	if opt.Progress != nil {
		opt.Progress.Finish(sum)
	}
	return sum, err
}

func prepare(opt Options) (*run, error) {
	if opt.Open == nil || opt.Bind == nil || opt.Input == "" {
		return nil, errors.New("importer: Input, Open and Bind are required")
	}
	if opt.Vendor == nil {
		return nil, errors.New("importer: Vendor is required")
	}
	if !opt.DryRun && opt.CreateSink == nil {
		return nil, errors.New("importer: CreateSink is required")
	}
	if opt.Mode == "" {
		opt.Mode = ModeCreate
	}
	r := &run{opt: opt, v: opt.Vendor, caps: opt.Vendor.Capabilities(), vendor: opt.Vendor.Name(), stop: make(chan struct{}),
		firstAnswered: make(chan struct{})}
	r.finder, _ = opt.Vendor.(crm.Finder)
	r.updater, _ = opt.Vendor.(crm.Updater)
	r.norm = opt.Normalize
	switch opt.Mode {
	case ModeCreate:
	case ModeUpsert:
		if opt.Key == "" {
			return nil, errors.New(`--mode upsert needs a key: add "key: FIELD" to the mapping file (the field that identifies an existing client, e.g. uid, email or the vendor id)`)
		}
		if !opt.DryRun && (r.finder == nil || r.updater == nil) {
			return nil, fmt.Errorf("%s cannot look clients up and update them, so --mode upsert is not possible; use --mode create", r.vendor)
		}
	default:
		return nil, fmt.Errorf("unknown mode %q (use create or upsert)", opt.Mode)
	}
	r.batch = opt.BatchSize
	if r.batch <= 0 {
		r.batch = r.caps.DefaultBatch
	}
	if r.batch <= 0 {
		r.batch = 1
	}
	if r.caps.MaxBatch > 0 && r.batch > r.caps.MaxBatch {
		r.batch = r.caps.MaxBatch
	}
	r.workers = opt.Workers
	if r.workers <= 0 {
		r.workers = r.caps.Workers
	}
	if r.workers <= 0 {
		r.workers = 1
	}
	prefix := reportPrefix(opt.Input, opt.ReportDir, r.vendor)
	r.reports.Journal = prefix + ".journal"
	r.errPath = prefix + ".errors"
	r.donePath = prefix + ".done"
	if opt.DryRun {
		// A dry run's findings never replace (or, when it finds nothing,
		// delete) the error report of a real run of the same file.
		r.errPath = prefix + ".dry-run.errors"
	}
	r.sum.Vendor = r.vendor
	r.sum.DryRun = opt.DryRun
	if opt.Key != "" {
		r.keys = map[string]int{}
	}
	return r, nil
}

func (r *run) execute(ctx context.Context) (Summary, error) {
	opt := r.opt
	if err := ctx.Err(); err != nil {
		return r.sum, err
	}
	if dir := filepath.Dir(r.reports.Journal); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return r.sum, fmt.Errorf("cannot create the report folder: %w", err)
		}
	}
	src, err := opt.Open(ctx)
	if err != nil {
		return r.sum, err
	}
	defer src.Close()
	r.srcInfo = src.Info()
	r.header = src.Header()
	for i, h := range r.header {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(h)), "crmport_") {
			r.keep = append(r.keep, i)
		}
	}
	binder, err := opt.Bind(r.header)
	if err != nil {
		return r.sum, err
	}
	if pr, ok := binder.(PhoneRegioner); ok {
		r.phoneRegion = pr.PhoneRegion
	}
	if !opt.DryRun {
		if err := r.openJournal(ctx); err != nil {
			return r.sum, err
		}
	} else {
		r.reports.Journal = ""
	}
	if opt.Progress != nil {
		total := int64(-1)
		if opt.CountRows {
			total = countRows(opt.Input, r.srcInfo)
		}
		opt.Progress.Start(total)
	}

	var readErr error
	if opt.DryRun {
		_, readErr = r.catchReader(func() error {
			return r.readAll(ctx, src, binder, func(it *item) error { r.finish(it); return nil })
		})
	} else {
		readErr = r.pipeline(ctx, src, binder)
	}
	var crash *bug.Error
	errors.As(readErr, &crash)
	if readErr != nil || r.stopErr != nil {
		r.countRest(ctx, src)
	}
	// A restart that reached nothing in the CRM (every create or update
	// refused: a wrong password) puts the earlier run's files back, and
	// its own reports are not written.
	rollBack := len(r.movedAside) > 0 && readErr != nil && !r.reached.Load()
	complete := readErr == nil && r.stopErr == nil
	// A restart that never wrote its journal sent nothing. When it failed
	// (refused, interrupted, the file unreadable) the earlier run's files
	// stay as they were; when it read the file (every row failed before
	// sending, or --max-errors stopped it) its reports and journal replace
	// them, which are moved aside first.
	untouched := r.opt.Restart && r.jr != nil && !r.jr.started()
	var closeErr error
	switch {
	case rollBack, untouched && readErr != nil:
		r.discardReports()
	case untouched:
		if closeErr = r.jr.begin(); closeErr != nil {
			r.discardReports()
			break
		}
		closeErr = r.closeReports(complete)
	default:
		closeErr = r.closeReports(complete)
	}
	jErr := r.closeJournal()
	if rollBack {
		if err := r.rollBack(); err != nil && jErr == nil {
			jErr = err
		}
		r.sum.RestartUndone = true
	}
	r.sum.Reports = r.reports
	for _, m := range r.movedAside {
		r.sum.KeptAside = append(r.sum.KeptAside, m.to)
	}
	r.sum.FirstErrors = r.firstErrors

	switch {
	case crash != nil:
		// The workers are stopped and every row they finished is in the
		// journal, so the run can be resumed.
		out := *crash
		if r.reports.Journal != "" && jErr == nil {
			out.Saved = "the journal is saved"
		}
		return r.sum, &out
	case readErr != nil && (errors.Is(readErr, context.Canceled) || errors.Is(readErr, context.DeadlineExceeded)):
		if r.reports.Journal != "" {
			return r.sum, fmt.Errorf("interrupted; the journal %s is saved: run the same command again to resume: %w", r.reports.Journal, readErr)
		}
		return r.sum, readErr
	case readErr != nil:
		return r.sum, readErr
	case jErr != nil:
		return r.sum, jErr
	case closeErr != nil:
		return r.sum, closeErr
	case r.stopErr != nil:
		return r.sum, r.stopErr
	case r.sum.Failed > 0:
		return r.sum, fmt.Errorf("%w: %d of %d rows are in %s", ErrSomeRowsFailed, r.sum.Failed, r.sum.Rows, r.reports.Errors)
	}
	return r.sum, nil
}

func (r *run) openJournal(ctx context.Context) error {
	in, err := FingerprintFile(r.opt.Input)
	if err != nil {
		return err
	}
	var mp Fingerprint
	switch {
	case r.opt.MappingDigest != "":
		mp = Fingerprint{Name: filepath.Base(r.opt.MappingFile), SHA256: r.opt.MappingDigest}
	case r.opt.MappingFile != "":
		if mp, err = FingerprintFile(r.opt.MappingFile); err != nil {
			return err
		}
	}
	h := journalHeader{Journal: "crmport", Version: JournalVersion, Input: in, Mapping: mp, Vendor: r.vendor, Mode: r.opt.Mode,
		Target: r.opt.Target, Started: r.opt.Now().UTC().Format(time.RFC3339)}
	path := r.reports.Journal
	if err := r.adoptOldJournal(path, h); err != nil {
		return err
	}
	// A journal says which rows are in which CRM: never resume one written
	// for another CRM, and never let a sandbox rehearsal overwrite the
	// journal of a real import.
	old := journalTarget(path)
	switch {
	case old == "" || r.opt.Target == "" || old == r.opt.Target:
	case r.opt.Target == SandboxTarget:
		return fmt.Errorf("%w: %s belongs to an import into %s; a sandbox rehearsal would replace it and its reports: add --report-dir with another folder for the rehearsal",
			ErrJournalMismatch, path, old)
	case old == SandboxTarget:
		// The rows of a rehearsal are in no real CRM: start this import afresh.
		r.opt.Restart = true
		r.sum.SandboxJournalSetAside = true
	case !r.opt.Restart:
		return fmt.Errorf("%w: %s was written for an import into %s, and this run imports into %s; to import the whole file into %s run again with --restart (the old journal and reports are moved aside as numbered copies), or use another --report-dir",
			ErrJournalMismatch, path, old, r.opt.Target, r.opt.Target)
	}
	if r.opt.Restart {
		// The earlier run's files stay where they are until this run is
		// about to send its first row; a rehearsal in the sandbox after
		// another simply replaces them (they name clients of an emulator
		// that no longer exists).
		r.replaceEarlier = old == SandboxTarget && r.opt.Target == SandboxTarget
		r.jr = lazyJournal(path, h, r.opt.Now, r.setAside)
		return nil
	}
	priors, last, err := readJournalLines(path, h)
	if err != nil {
		return err
	}
	change := changeSince(last, h)
	if priors != nil && change.input {
		other, err := r.otherInput(ctx, priors)
		if err != nil {
			return err
		}
		if other {
			return &OtherInputError{Journal: path, Input: last.Input, Imported: doneCount(priors), Started: last.Started}
		}
	}
	if priors != nil && change.any() && !r.opt.ResumeChanged {
		return changedError(path, last, h, change, priors)
	}
	if priors == nil {
		change = journalChange{}
	}
	r.priors = priors
	r.sum.MappingChanged = change.mapping
	r.sum.InputChanged = change.input
	if change.input {
		r.movedFrom = map[string]string{}
		for _, p := range priors {
			if p.done() && p.hash != "" {
				r.movedFrom[p.hash] = p.id
			}
		}
	}
	if priors != nil {
		if err := cutTornTail(path); err != nil {
			return err
		}
	}
	r.jr, err = openJournal(path, h, priors == nil, r.opt.Now)
	if err == nil && (r.sum.MappingChanged || r.sum.InputChanged) {
		err = r.jr.header(h)
	}
	return err
}

func (r *run) closeJournal() error {
	if r.jr == nil {
		return nil
	}
	err := r.jr.close()
	r.jr = nil
	return err
}

// readAll reads every row, maps it and hands it to emit, in input order.
func (r *run) readAll(ctx context.Context, src sheet.Source, b Binder, emit func(*item) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case <-r.stop:
			return nil
		default:
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		it := &item{line: row.Line, cells: row.Cells, done: closedDone}
		var rowErr *sheet.RowError
		switch {
		case errors.As(err, &rowErr):
			if it.line == 0 {
				it.line = rowErr.Line
			}
			if len(rowErr.Cells) > 0 {
				it.cells = rowErr.Cells // what could be read, so the row can be fixed in the report
			}
			it.fail(rowErr.Err.Error())
		case err != nil:
			r.srcBroken = true
			return fmt.Errorf("cannot read %s: %w", filepath.Base(r.opt.Input), err)
		case len(row.Extra) > 0:
			it.fail(extraCellsMessage(it.line, row.Extra))
		case row.Blank:
			it.skipped = true
		default:
			r.mapRow(it, row, b)
		}
		r.sum.Rows++
		if !it.skipped {
			r.nonBlank.Add(1)
		}
		if it.res.Status == crm.StatusFailed {
			it.early = true
			r.readFailed.Add(1)
			r.noteFailure(it.line, it.errText)
		}
		if err := emit(it); err != nil {
			return err
		}
		r.checkMaxErrors()
	}
}

// countRest reads the rows an early stop left unread, so that the summary
// can say how many rows are in no report: blank ones count as skipped (as
// in a full run), the others as not processed, like rows that were read
// but never finished. After Ctrl-C, or when the file itself cannot be
// read, the rest is not read and Summary.RestUnread says so.
func (r *run) countRest(ctx context.Context, src sheet.Source) {
	defer func() {
		s := &r.sum
		s.NotProcessed = s.Rows - (s.Created + s.Updated + s.Exists + s.Unchanged + s.Failed + s.Skipped)
	}()
	if r.srcBroken {
		r.sum.RestUnread = true
		return
	}
	for {
		if ctx.Err() != nil {
			r.sum.RestUnread = true
			return
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var rowErr *sheet.RowError
		if err != nil && !errors.As(err, &rowErr) {
			r.sum.RestUnread = true
			return
		}
		r.sum.Rows++
		if err == nil && row.Blank && len(row.Extra) == 0 {
			r.sum.Skipped++
		}
	}
}

// extraCellsMessage says that a row has more cells than the header.
func extraCellsMessage(line int, extra []sheet.Cell) string {
	vals := make([]string, 0, 5)
	for i, c := range extra {
		if i == 4 && len(extra) > 5 {
			vals = append(vals, fmt.Sprintf("and %d more", len(extra)-4))
			break
		}
		vals = append(vals, strconv.Quote(c.Text))
	}
	if len(extra) == 1 {
		return fmt.Sprintf("row %d has 1 more cell than there are headers (%s): add a header for it or remove it", line, vals[0])
	}
	return fmt.Sprintf("row %d has %d more cells than there are headers (%s): add headers for them or remove them", line, len(extra), strings.Join(vals, ", "))
}

// noteFailure keeps the first failures for messages.
func (r *run) noteFailure(line int, msg string) {
	r.firstMu.Lock()
	if len(r.firstErrors) < 5 {
		r.firstErrors = append(r.firstErrors, RowFailure{Row: line, Error: msg})
		slices.SortFunc(r.firstErrors, func(a, b RowFailure) int { return a.Row - b.Row })
	}
	r.firstMu.Unlock()
}

// mapRow applies the mapping and decides what the row needs.
func (r *run) mapRow(it *item, row sheet.Row, b Binder) {
	rec, err := b.Apply(row)
	if err != nil {
		it.fail(rowMessage(err))
		return
	}
	it.rec = rec
	if r.keys != nil {
		if k := strings.TrimSpace(text(rec[r.opt.Key])); k != "" {
			if first, dup := r.keys[k]; dup {
				it.fail(fmt.Sprintf("the same %s %q as row %d above: remove one of the two rows (it was not sent twice)", r.opt.Key, k, first))
				return
			}
			r.keys[k] = it.line
		}
	}
	it.hash = rowHash(row.Cells, r.keep)
	if p, ok := r.priors[it.line]; ok {
		if p.done() {
			if p.hash == it.hash || (p.hash == "" && !r.sum.InputChanged) {
				it.res = crm.Result{Status: p.status, ID: p.id}
				r.sum.Resumed++
				return
			}
			// Imported, but the row at this place is not the one imported:
			// sending it could create a client twice, skipping it could
			// lose an edit. Say so; the journal keeps the earlier line.
			it.fail(changedSinceMessage(p.id))
			return
		}
		it.lookup = p.inflight
	}
	if id, ok := r.movedFrom[it.hash]; ok {
		it.fail(changedSinceMessage(id))
		return
	}
	if r.opt.DryRun {
		it.res = crm.Result{Status: crm.StatusCreated}
		return
	}
	it.done = make(chan struct{})
}

// changedSinceMessage is the error of a row an earlier run imported (with
// id) whose place or content changed in the input file since.
func changedSinceMessage(id string) string {
	ref := ""
	if id != "" {
		ref = " (id " + id + ")"
	}
	return "this row was imported by an earlier run" + ref + " but has changed since, or rows above it were added or removed; " +
		"check it in the CRM, or import it on its own"
}

// rowMessage turns a mapping error into one line for the error report
// (the row number is in its own column, so it is left out).
func rowMessage(err error) string {
	var parts []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var ce *sheet.CellError
		if errors.As(e, &ce) {
			if ce.Value == "" {
				parts = append(parts, fmt.Sprintf("column %q: %v", ce.Column, ce.Err))
			} else {
				parts = append(parts, fmt.Sprintf("column %q: %q %v", ce.Column, ce.Value, ce.Err))
			}
			return
		}
		parts = append(parts, e.Error())
	}
	walk(err)
	return strings.Join(parts, "; ")
}

// pipeline runs a real import: this goroutine reads and batches, workers
// send, a writer finishes rows in input order.
//
// It cannot stall, whatever the mix of rows and the sizes. The writer waits
// only for a row in the ordered buffer; a row to send is either in pending
// or in a batch handed to the workers, which finish it (or see the run
// cancelled) without waiting for the reader or the writer. The reader
// blocks in two places: handing a batch to the workers, which frees as
// they finish; and putting a row into a full ordered buffer, which it does
// only after handing out pending, so then every row the writer can be
// waiting for is with a worker, finishes, and the writer makes room.
func (r *run) pipeline(parent context.Context, src sheet.Source, b Binder) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)

	ordered := make(chan *item, orderedBuffer(r.batch, r.workers))
	work := make(chan []*item, r.workers)

	var wg sync.WaitGroup
	for range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				if ctx.Err() != nil {
					continue
				}
				if err := bug.Catch(func() error { return r.process(ctx, batch) }); err != nil {
					cancel(err)
				}
			}
		}()
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		err := bug.Catch(func() error {
			for it := range ordered {
				select {
				case <-it.done:
				case <-ctx.Done():
					return nil
				}
				r.finish(it)
			}
			return nil
		})
		if err != nil {
			cancel(err)
		}
		for range ordered { //nolint:revive // drain so the reader never blocks
		}
	}()

	var pending []*item
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		batch := pending
		pending = nil
		select {
		case work <- batch:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	emit := func(it *item) error {
		select {
		case ordered <- it:
		default:
			// The buffer is full, and the writer may be waiting for a row
			// of the partial batch (rows that need no sending filled the
			// buffer behind it): hand that batch out before waiting, so
			// every row the writer can wait for is with a worker.
			if err := flush(); err != nil {
				return err
			}
			select {
			case ordered <- it:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		if it.done != closedDone {
			pending = append(pending, it)
			if len(pending) >= r.batch {
				return flush()
			}
		}
		return nil
	}
	panicked, readErr := r.catchReader(func() error { return r.readAll(ctx, src, b, emit) })
	if panicked {
		cancel(readErr) // stop the workers and the writer
	}
	if readErr == nil {
		readErr = flush()
	}
	close(work)
	wg.Wait()
	close(ordered)
	<-writerDone

	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
		if perr := parent.Err(); perr != nil {
			return perr
		}
		return cause
	}
	return readErr
}

// catchReader runs read, the reading of the rows, turning a panic into a
// *bug.Error. The source is then taken as broken: reading on to count the
// rest could meet the bug again.
func (r *run) catchReader(read func() error) (panicked bool, err error) {
	panicked = true
	err = bug.Catch(func() error {
		err := read()
		panicked = false // read returned: any *bug.Error is another goroutine's, passed on
		return err
	})
	if panicked {
		r.srcBroken = true
	}
	return panicked, err
}

// orderedBuffer is the capacity of the channel of rows waiting to be
// finished in input order: room for every batch the workers can hold, so
// that rows to send alone never fill it.
func orderedBuffer(batch, workers int) int { return batch*(workers*4+2) + 64 }

// finish counts a row and writes it to its report. Rows arrive in input order.
func (r *run) finish(it *item) {
	res := it.res
	if it.skipped {
		r.sum.Skipped++
		r.progress(it.line, crm.Result{})
		return
	}
	switch res.Status {
	case crm.StatusCreated:
		r.sum.Created++
	case crm.StatusUpdated:
		r.sum.Updated++
	case crm.StatusExists:
		r.sum.Exists++
	case crm.StatusUnchanged:
		r.sum.Unchanged++
	default:
		r.sum.Failed++
		if !it.early {
			r.vendorFailed.Add(1)
			r.noteFailure(it.line, it.errText)
		}
	}
	if res.Status == crm.StatusFailed || res.Status == "" {
		r.writeError(it)
		if res.Err == nil {
			res.Err = errors.New(it.errText)
		}
		res.Status = crm.StatusFailed
	} else if !r.opt.DryRun {
		r.writeDone(it)
	}
	r.progress(it.line, res)
	if !it.early {
		r.checkMaxErrors()
	}
}

func (r *run) progress(line int, res crm.Result) {
	if r.opt.Progress != nil {
		r.opt.Progress.RowDone(line, res)
	}
}

func (r *run) checkMaxErrors() {
	m := r.opt.MaxErrors
	if m.Percent <= 0 && m.Count <= 0 {
		return
	}
	failed := r.readFailed.Load() + r.vendorFailed.Load()
	finished := r.nonBlank.Load()
	over := false
	switch {
	case m.Percent > 0:
		over = finished >= MinSample && float64(failed)*100 > m.Percent*float64(finished)
	case m.Count > 0:
		over = failed > int64(m.Count)
	}
	if !over {
		return
	}
	r.stopOnce.Do(func() {
		var b strings.Builder
		r.firstMu.Lock()
		for _, f := range r.firstErrors {
			if strings.HasPrefix(f.Error, "column ") {
				fmt.Fprintf(&b, "\n  row %d, %s", f.Row, f.Error)
			} else {
				fmt.Fprintf(&b, "\n  row %d: %s", f.Row, f.Error)
			}
		}
		r.firstMu.Unlock()
		mp := r.opt.MappingFile
		if mp == "" {
			mp = "MAPPING"
		}
		again := "then run the same command again with --resume-changed (the mapping or the file changed): rows already imported are not sent twice"
		if r.opt.DryRun {
			again = "then run the same command again"
		}
		r.stopErr = fmt.Errorf("%w: %d of the first %d rows failed (--max-errors %s), so the import stopped before using more of the CRM's request quota; the mapping or the data is probably wrong. First errors:%s\nFix the mapping or the data (check the mapping against the file with: crmport mapping check -m %s %s), %s",
			ErrTooManyErrors, failed, finished, m, b.String(), quoteArg(mp), quoteArg(r.opt.Input), again)
		close(r.stop)
	})
}

// quoteArg quotes a command-line argument when it needs it.
func quoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'&;|<>()$`") {
		return strconv.Quote(s)
	}
	return s
}
