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
// The error report holds every failed row with the user's columns as they
// were read, plus crmport_row and crmport_error (every problem of the row,
// summed up). It is written in the input's format, or Options.ReportFormat.
// As a workbook (XLSX) it also marks each cell the mapping found wrong: a
// light red fill and a comment with the reason ("not an e-mail address");
// a row with several problems has several marked cells. The marks change
// no value, the sheet keeps the name the mapping reads (reportSheet), and
// crmport_* columns are ignored on import: fixed in place, the report
// imports again with the same mapping, unchanged.
//
// In upsert mode a row found in the CRM is compared with what the CRM
// holds, ignoring formatting-only differences: surrounding spaces, the case
// of e-mail addresses, phone numbers written differently (+48 601 234 567,
// 0048601234567, 601234567; for Russia 8 495… and +7 495…), countries as
// names or ISO codes (Polska = PL, Россия = RU). Equal rows are
// "unchanged" and not sent. A field the vendor's look-up does not return at
// all (BaseLinker's notes are not in getCrmClients) cannot be compared: a
// row that sends one is always updated, and counted "updated".
//
// Rows of the file that are the same client (Options.Dedupe: key, e-mail,
// phone, tax id) are found as they are read, by a hash index of fixed-size
// entries (dedupe.go); Options.LookUp also looks each row up in the CRM
// before creating it (crmcheck.go). Undo (undo.go) deletes the clients an
// import created, with the same journal.
package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/internal/reuse"
	"github.com/crmport/crmport/sheet"
)

// run is the state of one Run.
type run struct {
	opt     Options
	v       crm.Vendor
	finder  crm.Finder
	updater crm.Updater
	caps    crm.Capabilities
	// idOnly skips the vendor's id field when a found client is compared
	// with the row (sameClient).
	idOnly  map[string]bool
	norm    func(field, value string) string
	batch   int
	workers int
	vendor  string
	// lean: a dry run that neither merges duplicates nor compares rows
	// with an earlier run's. Rows are mapped without records, and each row
	// is finished before the next is read, with nothing keeping it: one
	// item serves every row.
	lean bool
	// rowsDone is how far a lean run has finished the rows (readAll marks
	// them), so that the source and the mapping reuse their memory: the
	// source's own mark when it has one (sheet.ReuseCells), else ownMark;
	// nil when nothing is reused.
	rowsDone *reuse.Mark
	ownMark  reuse.Mark

	// phoneRegion is the binder's PhoneRegion (nil if it has none).
	phoneRegion func(field string) string
	// fieldCols is the binder's FieldColumns (nil if it has none).
	fieldCols func(field string) []int

	header  []string
	keep    []int       // indexes of the original columns (crmport_* dropped)
	keepAt  map[int]int // header index → place in keep (marked error workbook)
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
	// fromReport is set when the input is crmport's own error report (it
	// has a crmport_error column): its rows may have reached the CRM
	// before (a lost answer, a temporary failure, a duplicate row), so
	// each is looked up before it is created.
	fromReport bool
	// accepted is set once a row ended well (created, updated, exists,
	// unchanged), now or in an earlier run.
	accepted atomic.Bool
	// allTemporary stays true while every failed row failed for a
	// temporary reason (the CRM busy or failing); firstTemporary is the
	// first such reason.
	allTemporary   bool
	firstTemporary string
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
	dd                *dedupe   // finds the rows that are the same client (nil: no rule applies)
	crmCheck          *crmCheck // looks rows up in the CRM before creating them (Options.LookUp)
	srcBroken         bool      // the source failed: the rest of it cannot be read
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
		firstAnswered: make(chan struct{}), allTemporary: true}
	r.idOnly = map[string]bool{r.caps.IDField: true}
	// The importer's rule decides whether a client found after a lost
	// answer is ours (fields compared by meaning, as upsert does).
	r.v = retry.Judging(opt.Vendor, r.sameClient)
	r.finder, _ = r.v.(crm.Finder)
	r.updater, _ = r.v.(crm.Updater)
	r.norm = opt.Normalize
	switch opt.Mode {
	case ModeCreate:
	case ModeUpsert:
		if opt.Key == "" {
			return nil, errors.New(`updating existing clients needs a key: add "key: FIELD" to the mapping file (the field that identifies an existing client, e.g. uid, email or the vendor id)`)
		}
		if !opt.DryRun && (r.finder == nil || r.updater == nil) {
			return nil, fmt.Errorf("%s cannot look clients up and update them, so --mode upsert is not possible; use --mode create", r.vendor)
		}
	default:
		return nil, fmt.Errorf("unknown mode %q (use create or upsert)", opt.Mode)
	}
	switch opt.ReportFormat {
	case "", "csv", "xlsx":
	default:
		return nil, fmt.Errorf("--report-format %s: use xlsx (a workbook, failing cells marked) or csv", opt.ReportFormat)
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
		name := strings.ToLower(strings.TrimSpace(h))
		if !strings.HasPrefix(name, "crmport_") {
			r.keep = append(r.keep, i)
		}
		if name == ColError {
			r.fromReport = true
		}
	}
	binder, err := opt.Bind(r.header)
	if err != nil {
		return r.sum, err
	}
	if pr, ok := binder.(PhoneRegioner); ok {
		r.phoneRegion = pr.PhoneRegion
	}
	if fc, ok := binder.(FieldColumner); ok {
		r.fieldCols = fc.FieldColumns
	}
	r.dd = newDedupe(opt, r.phoneRegion)
	defer r.dd.close()
	if r.dd != nil && r.dd.policy != DuplicatesFirst {
		// A first row must know of its later duplicates before it is sent.
		if err := r.dd.scan(ctx, opt.Open, binder); err != nil {
			return r.sum, fmt.Errorf("cannot read %s to find its duplicate rows: %w", filepath.Base(opt.Input), err)
		}
	}
	if !opt.DryRun {
		if err := r.openJournal(ctx); err != nil {
			return r.sum, err
		}
	} else {
		r.peekJournal(r.reports.Journal)
		r.reports.Journal = ""
	}
	if opt.LookUp && !opt.DryRun && r.dd != nil {
		if r.crmCheck, err = r.newCRMCheck(ctx); err != nil {
			r.closeJournal()
			return r.sum, err
		}
	}
	if opt.Progress != nil {
		total := int64(-1)
		if opt.CountRows {
			total = countRows(opt.Input, r.srcInfo)
		}
		opt.Progress.Start(total)
	}

	// From here on the rows are mapped on a goroutine of their own.
	// A dry run that neither merges rows nor compares them with an earlier
	// run's reads the values only: no record is built (half the mapping's
	// cost).
	r.lean = opt.DryRun && r.priors == nil && (r.dd == nil || r.dd.policy == DuplicatesFirst)
	if r.lean && reuseRows {
		// Each row is finished before the next is read and nothing of it
		// is kept, so its cells and values can serve later rows: most of
		// the garbage collector's work goes (bench/RESULTS.md).
		if r.rowsDone = sheet.ReuseCells(src); r.rowsDone == nil {
			r.rowsDone = &r.ownMark
		}
	}
	var keyAhead *dedupe
	if r.lean && r.dd != nil && !r.dd.scanned {
		keyAhead = r.dd
	}
	ahead := newApplyAhead(src, binder, r.lean, r.rowsDone, keyAhead)
	defer ahead.stop() // before the deferred src.Close
	src, binder = ahead, ahead

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
			return r.sum, fmt.Errorf("interrupted; the journal %s is saved: %w", r.reports.Journal, readErr)
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
	case r.sum.Failed > 0 && r.allTemporary && !r.accepted.Load() && !r.opt.DryRun:
		// Not one row taken, and every row failed for a temporary reason:
		// the CRM was failing (an outage), not the data. The rows are in
		// the error report, marked in the journal to be looked up first.
		return r.sum, &StoppedError{Reason: StopFailing, Err: fmt.Errorf("%s (%v: %d of %d rows are in %s)",
			r.firstTemporary, ErrSomeRowsFailed, r.sum.Failed, r.sum.Rows, r.reports.Errors)}
	case r.sum.Failed > 0:
		return r.sum, fmt.Errorf("%w: %d of %d rows are in %s", ErrSomeRowsFailed, r.sum.Failed, r.sum.Rows, r.reports.Errors)
	}
	return r.sum, nil
}

// reuseRows lets a lean run reuse its rows' memory (run.rowsDone); tests
// turn it off to compare.
var reuseRows = true
