package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

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
	// unsure: the row failed for a temporary reason, or its create may
	// have reached the CRM (a lost answer): the next run of the same
	// import looks it up before sending it again.
	unsure bool
	// temporary: the CRM was busy or failing (it answered, after every
	// retry, with a temporary error: HTTP 5xx, 429).
	temporary bool
	marks     []cellMark   // the failing cells and why (validation failures)
	extra     []sheet.Cell // cells past the last header (the row failed for them)
	done      chan struct{}
	// follows is the first row of the client this row was merged into
	// (--duplicates merge): it ends as that row does, and is not sent.
	follows   *item
	note      string // for the done report's crmport_note (merge)
	duplicate bool   // failed as a duplicate of another row of the file
	finished  bool   // counted and reported (set by the writer only)
	// mergeUpdate: a first row an earlier run imported without its later
	// rows' values (it did not merge); they are added now, as an update of
	// the client it created (prior is what the journal holds of it).
	mergeUpdate bool
	prior       crm.Result
	// mergeErr says why the later rows' values could not be added to the
	// client of this row: they fail with it, this row stays as it was.
	mergeErr string
}

func (it *item) fail(msg string) {
	it.res = crm.Result{Status: crm.StatusFailed}
	it.errText = msg
	it.unsure, it.temporary = false, false
}

// failUnsure fails the row for a temporary reason or an unknown outcome.
func (it *item) failUnsure(msg string) {
	it.fail(msg)
	it.unsure = true
}

// failWith fails the row with a call's error: unsure unless the CRM
// refused the data (a temporary failure may be tried again; a create whose
// answer was lost may have reached the CRM).
func (it *item) failWith(err error) {
	switch crm.KindOf(err) {
	case crm.KindRetryable:
		it.failUnsure(err.Error())
		it.temporary = true
	case crm.KindAmbiguous:
		it.failUnsure(err.Error())
	default:
		it.fail(err.Error())
	}
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
	it.unsure, it.temporary = false, false
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

// readAll reads every row, maps it and hands it to emit, in input order.
// In a lean run (a dry run, see run.lean) emit must finish the item before
// it returns and keep nothing of it: the next row reuses it.
func (r *run) readAll(ctx context.Context, src sheet.Source, b Binder, emit func(*item) error) error {
	var spare *item // r.lean: the item of every row
	var sinceDone int
	// The counts --max-errors reads are kept only when it is given: they
	// are atomics (the goroutines sending rows read them too), and an
	// atomic add waits for the row's earlier writes (the duplicate
	// check's index) to reach memory, ~80 ns a row (bench/RESULTS.md).
	limited := r.opt.MaxErrors.Percent > 0 || r.opt.MaxErrors.Count > 0
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
		var it *item
		if r.lean {
			if spare == nil {
				spare = new(item)
			}
			it = spare
			*it = item{line: row.Line, cells: row.Cells, done: closedDone}
		} else {
			it = &item{line: row.Line, cells: row.Cells, done: closedDone}
		}
		rowErr, isRowErr := sheet.AsRowError(err)
		switch {
		case isRowErr:
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
			it.extra = row.Extra // kept in the error report, past its columns
		case row.Blank:
			it.skipped = true
		default:
			r.mapRow(it, row, b)
			if err := r.dd.failed(); err != nil {
				// The row's duplicate check could not be made: stop
				// before it is sent (like a file that cannot be read).
				r.srcBroken = true
				return err
			}
		}
		r.sum.Rows++
		if !it.skipped && limited {
			r.nonBlank.Add(1)
		}
		if it.res.Status == crm.StatusFailed {
			it.early = true
			if limited {
				r.readFailed.Add(1)
			}
			r.noteFailure(it.line, it.errText)
		}
		if err := emit(it); err != nil {
			return err
		}
		if r.rowsDone != nil {
			// Finished, and nothing of it kept. Said every 16 rows: an
			// atomic store waits for the row's writes to reach memory
			// (~30 ns a row), and reuse needs no finer steps.
			if sinceDone++; sinceDone == 16 {
				sinceDone = 0
				r.rowsDone.Done(it.line)
			}
		}
		if limited {
			r.checkMaxErrors()
		}
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
		s.NotProcessed = s.Rows - (s.Created + s.Updated + s.Exists + s.Unchanged + s.Merged + s.Failed + s.Skipped)
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
		if sheet.EndsRows(err) {
			r.sum.RestUnread = true
			return
		}
		r.sum.Rows++
		if err == nil && row.Blank && len(row.Extra) == 0 {
			r.sum.Skipped++
		}
	}
}

// mapRow applies the mapping and decides what the row needs.
func (r *run) mapRow(it *item, row sheet.Row, b Binder) {
	var fv fieldValues
	var err error
	if a, ok := b.(*applyAhead); ok {
		fv, err = a.values(row)
	} else {
		fv.rec, err = b.Apply(row)
	}
	if err != nil {
		it.fail(rowMessage(err))
		it.marks = cellMarks(err)
		return
	}
	if !fv.lean() {
		it.rec = fv.rec
	}
	if !r.opt.DryRun || r.priors != nil {
		// For the journal, and to match the rows an earlier run did. A
		// dry run with no earlier journal needs neither (a fifth of its
		// time went here).
		it.hash = rowHash(row.Cells, r.keep)
	}
	var dup *dupHit
	var later []int32
	if r.dd != nil {
		dup, later = r.dd.check(it.line, fv)
	}
	if p, ok := r.priors[it.line]; ok {
		if p.done() {
			if p.hash == it.hash || (p.hash == "" && !r.sum.InputChanged) {
				// The journal says this row is in the CRM: that stays so
				// whatever the duplicate rules say now (it is in the done
				// report, so undo can find it).
				it.res = crm.Result{Status: p.status, ID: p.id}
				if len(later) > 0 && r.merging() {
					it.rec = fv.record()
					note := r.dd.merge(it.line, it.rec)
					r.dd.noteRoot(it, later)
					if note != "" && !p.merged {
						r.mergeResumed(it, note)
						if it.mergeUpdate {
							r.sum.Resumed++
							return
						}
					} else {
						it.note = note // as the run that sent it merged
					}
				}
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
	if dup != nil {
		if r.dd.policy == DuplicatesMerge {
			r.dd.follow(it, dup)
			return
		}
		it.fail(r.dd.laterMessage(dup))
		it.duplicate = true
		what := r.dd.ruleWords(dup.rule)
		if dup.rule == DedupeKey {
			what = dup.field
		}
		it.marks = r.fieldMarks(dup.field, fmt.Sprintf("the same %s as row %d above", what, dup.line))
		return
	}
	if len(later) > 0 {
		switch r.dd.policy {
		case DuplicatesError:
			it.fail(r.dd.firstMessage(later))
			it.duplicate = true
			return
		case DuplicatesMerge:
			it.rec = fv.record()
			it.note = r.dd.merge(it.line, it.rec)
			defer r.dd.noteRoot(it, later)
		}
	}
	if id, ok := r.movedFrom[it.hash]; ok {
		it.fail(changedSinceMessage(id))
		return
	}
	if r.opt.DryRun {
		it.res = crm.Result{Status: crm.StatusCreated}
		return
	}
	it.rec = fv.record()
	if r.fromReport && r.finder != nil {
		// A row of an error report imported again may be in the CRM
		// already (its answer was lost, or it is another row's client):
		// look it up first, never create it twice.
		it.lookup = true
	}
	it.done = make(chan struct{})
}

// mergeResumed adds the values of its later rows (note says which) to the
// client of a first row an earlier run imported without them: an update
// of that client, sent like any other row. The row keeps the status the
// earlier run gave it (created: undo deletes the client). A vendor that cannot update
// clients leaves the client as it is, and the later rows fail saying so:
// never "merged" with their values nowhere.
func (r *run) mergeResumed(it *item, note string) {
	if _, ok := r.v.(crm.Updater); !ok {
		it.mergeErr = fmt.Sprintf("row %d was imported by an earlier run, and %s cannot update clients to add this row's values: add them to the client in the CRM by hand", it.line, r.vendor)
		return
	}
	it.mergeUpdate, it.prior, it.note = true, it.res, note+" (added to its client by an update)"
	if r.opt.DryRun {
		return // the row stays as the earlier run left it; the note says what is added
	}
	it.res = crm.Result{ID: it.prior.ID}
	it.done = make(chan struct{})
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
	workersDone := make(chan struct{})
	go func() { wg.Wait(); close(workersDone) }()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		err := bug.Catch(func() error {
			for it := range ordered {
				select {
				case <-it.done:
					r.finish(it)
					continue
				case <-ctx.Done():
				}
				// Stopped: rows the CRM answered are in the journal, so
				// they go to the reports and the counts too (a stop must
				// not say 5 created while 100 are in the CRM). Wait until
				// no worker can answer a row any more, then finish every
				// answered row; the rest stay "not processed".
				<-workersDone
				r.finishAnswered(it)
				for it := range ordered {
					r.finishAnswered(it)
				}
				return nil
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
		if it.done != closedDone && it.follows == nil {
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

// finishAnswered finishes it after the run stopped, if its outcome is
// known: a row the CRM answered, or one that needed no sending. A row
// merged into a first row that was not finished stays unfinished too.
func (r *run) finishAnswered(it *item) {
	select {
	case <-it.done:
	default:
		return
	}
	if it.follows != nil && !it.follows.finished {
		return
	}
	r.finish(it)
}

// finish counts a row and writes it to its report. Rows arrive in input order.
func (r *run) finish(it *item) {
	it.finished = true
	if it.follows != nil {
		r.dd.settle(it)
	}
	if it.duplicate {
		r.sum.Duplicates++
	}
	res := it.res
	if it.skipped {
		r.sum.Skipped++
		r.progress(it.line, crm.Result{})
		return
	}
	if res.Status != crm.StatusFailed && res.Status != "" && !r.accepted.Load() {
		r.accepted.Store(true) // once: a store a row would cost as an atomic add does (readAll)
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
	case StatusMerged:
		r.sum.Merged++
	default:
		r.sum.Failed++
		if it.unsure {
			r.sum.FailedTemporarily++
		}
		if it.temporary && r.firstTemporary == "" {
			r.firstTemporary = it.errText
		}
		if !it.temporary {
			r.allTemporary = false
		}
		if !it.early {
			r.vendorFailed.Add(1)
			r.noteFailure(it.line, it.errText)
			var ce *crm.Error
			if errors.As(res.Err, &ce) && ce.Field != "" {
				msg := ce.Message
				if msg == "" {
					msg = it.errText
				}
				it.marks = r.fieldMarks(ce.Field, "the CRM refused it: "+msg)
			}
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
