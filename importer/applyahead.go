package importer

import (
	"errors"
	"runtime"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/ahead"
	"github.com/crmport/crmport/internal/reuse"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

type appliedRow struct {
	row     sheet.Row
	err     error
	rec     crm.Record
	vals    []mapping.Value // the values, when mapped without a record
	keys    []dkey          // the duplicate check's keys of vals, when keyed
	applyEr error
	applied bool
	keyed   bool
}

// valueBinder is a Binder that can also map a row without building a
// record (a *mapping.Binding): values in the order of FieldNames, which
// Record turns into the record Apply returns. Its methods must be safe for
// concurrent use: applyAhead maps rows on several goroutines with it.
type valueBinder interface {
	Binder
	FieldNames() []string
	ApplyInto(row sheet.Row, vals []mapping.Value, buf *mapping.TextBuffer) error
	Record(vals []mapping.Value) crm.Record
}

// fieldValues is a mapped row as the duplicate check reads it: a record,
// or (lean) values in a binding's field order, from which the record is
// built only if something needs it.
type fieldValues struct {
	rec   crm.Record
	names []string
	vals  []mapping.Value
	vb    valueBinder // set when lean: the binder of names and vals
	// keys are the duplicate check's keys of the values, found ahead on
	// a mapping goroutine when keyed.
	keys  []dkey
	keyed bool
}

// lean reports whether fv holds values rather than a record.
func (fv *fieldValues) lean() bool { return fv.vb != nil }

// get returns field f's value; unset when the row has none. Like a
// record, the last field of that name with a value wins.
func (fv *fieldValues) get(f string) mapping.Value {
	if !fv.lean() {
		return mapping.ValueOf(fv.rec[f])
	}
	for i := len(fv.names) - 1; i >= 0; i-- {
		if fv.names[i] == f && fv.vals[i].IsSet() {
			return fv.vals[i]
		}
	}
	return mapping.Value{}
}

// eachSet calls fn with the name of each field that has a value.
func (fv *fieldValues) eachSet(fn func(string)) {
	if !fv.lean() {
		for k := range fv.rec {
			fn(k)
		}
		return
	}
next:
	for i, n := range fv.names {
		if !fv.vals[i].IsSet() {
			continue
		}
		for j := i + 1; j < len(fv.names); j++ {
			if fv.names[j] == n && fv.vals[j].IsSet() {
				continue next // once per name, as a record's keys
			}
		}
		fn(n)
	}
}

// record returns the row's record, building it from the values once.
func (fv *fieldValues) record() crm.Record {
	if fv.lean() && fv.rec == nil {
		fv.rec = fv.vb.Record(fv.vals)
	}
	return fv.rec
}

// applyAhead applies the mapping to a source's rows on a goroutine of its
// own, so that mapping (transforms, value checks) runs beside the
// duplicate check, the journal and the reports: with the source's own
// read-ahead, reading, mapping and the rest use both cores (a dry run of
// 1M rows: 2.9 s → 2.5 s). It is a sheet.Source giving the rows in order,
// and a Binder whose Apply returns the result computed ahead for the row
// Next gave last. A valueBinder (a *mapping.Binding) maps rows on several
// goroutines at once (mapWorkers), so that the mapping never holds up the
// reading and the checking; any other Binder maps them in order on one
// goroutine and need not be safe for concurrent use. After an error other
// than a *sheet.RowError the source is not read again; a panic is raised
// again in the caller's goroutine (a *bug.Error with its stack).
type applyAhead struct {
	sheet.Source
	b     Binder
	vb    valueBinder // lean: rows mapped without records
	names []string    // vb.FieldNames()
	rd    *ahead.Parallel[appliedRow]
	last  *appliedRow // the row Next gave last, where its batch holds it (see ahead.Parallel.NextPtr); nil before
	ended error
	// touched sums what the index held where a batch's keys go, so that
	// the reads are made (newApplyAhead).
	touched uint64
}

// newApplyAhead maps src's rows with b on goroutines of their own, ahead
// of the caller. With lean, and a Binder that can (valueBinder), rows are
// mapped into values without building a record: what a dry run needs, as
// it only checks the values (the duplicate check reads them). The values
// of 64 rows share one slab, used again for later rows once done says
// every row of it is finished (nil: never; a row's values then stay
// valid as long as they are referenced). Their new text (lower-cased
// e-mails, joined columns) lives in 32 KiB blocks shared by many rows
// (mapping.TextBuffer), so a value kept keeps its block: lean values are
// for checking a row, not for keeping past it.
//
// With dd (lean only), the mapping goroutines also find each row's keys
// for the duplicate check (dd.appendKeys writes nothing of dd), and the
// caller's goroutine, as it starts on each batch of rows, touches where
// their keys go in dd's index: the index is larger than the caches, and
// the look-ups of a batch of rows then wait for memory once, side by side, rather
// than one after the other (bench/RESULTS.md). dd is only read ahead.
func newApplyAhead(src sheet.Source, b Binder, lean bool, done *reuse.Mark, dd *dedupe) *applyAhead {
	workers := 1
	if _, ok := b.(valueBinder); ok {
		workers = mapWorkers()
	}
	return newApplyAheadOn(src, b, lean, done, dd, workers)
}

// newApplyAheadOn is newApplyAhead with the rows mapped on workers
// goroutines (b must then be safe for concurrent use when workers > 1).
func newApplyAheadOn(src sheet.Source, b Binder, lean bool, done *reuse.Mark, dd *dedupe, workers int) *applyAhead {
	a := &applyAhead{Source: src, b: b}
	if vb, ok := b.(valueBinder); ok && lean {
		a.vb, a.names = vb, vb.FieldNames()
	}
	n := len(a.names)
	slabs := reuse.NewSlabs[mapping.Value](64*n, done) // read runs on one goroutine at a time
	next := src.Next
	through, _ := src.(sheet.Passthrough)
	read := func() (appliedRow, bool) { // on one goroutine at a time
		if through != nil {
			if s := through.Through(); s != nil {
				next, through = s.Next, nil // a layer fewer a row
			}
		}
		var ar appliedRow
		ar.row, ar.err = next()
		if ar.err == nil && len(ar.row.Extra) == 0 && !ar.row.Blank { // as readAll maps rows
			ar.applied = true
			if a.vb != nil {
				ar.vals = slabs.Take(n, ar.row.Line)
			}
		}
		return ar, !sheet.EndsRows(ar.err)
	}
	// What each mapping goroutine writes row after row, on cache lines of
	// its own: the rows' new text, and the duplicate check's keys, found
	// in kbuf (vbuf: scratch) and kept in slabs of its own (a goroutine
	// takes batches in order, so its rows come in order, as reuse.Slabs
	// needs).
	type own struct {
		text  mapping.TextBuffer
		kbuf  []dkey
		vbuf  []string
		slabs *reuse.Slabs[dkey]
		_     [128]byte
	}
	keyed := dd != nil && a.vb != nil
	owns := make([]own, workers)
	for w := range owns {
		owns[w].slabs = reuse.NewSlabs[dkey](256, done)
	}
	work := func(w int, ar *appliedRow) {
		if !ar.applied {
			return
		}
		if a.vb != nil {
			k := &owns[w]
			ar.applyEr = a.vb.ApplyInto(ar.row, ar.vals, &k.text)
			if keyed && ar.applyEr == nil {
				k.kbuf, k.vbuf = dd.appendKeys(k.kbuf[:0], k.vbuf, fieldValues{names: a.names, vals: ar.vals, vb: a.vb})
				ar.keys = k.slabs.Take(len(k.kbuf), ar.row.Line)
				copy(ar.keys, k.kbuf)
				ar.keyed = true
			}
		} else {
			ar.rec, ar.applyEr = b.Apply(ar.row)
		}
	}
	a.rd = ahead.NewParallel(128, 3, workers, read, work)
	if keyed {
		a.rd.OnBatch(func(rows []appliedRow) {
			for i := range rows {
				for _, k := range rows[i].keys {
					a.touched ^= dd.seen.touch(k.hash)
				}
			}
		})
	}
	return a
}

// mapWorkers is how many goroutines map rows when the binder allows it:
// one a core, up to 4 (past that the reading, on one goroutine, is the
// bound).
func mapWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// Next returns the next row, as the source gave it.
func (a *applyAhead) Next() (sheet.Row, error) {
	if a.ended != nil {
		return sheet.Row{}, a.ended
	}
	ar := a.rd.NextPtr()
	if ar == nil {
		a.last = nil
		return sheet.Row{}, errors.New("the rows were read after the reading stopped")
	}
	a.last = ar
	if sheet.EndsRows(ar.err) {
		a.ended = ar.err
	}
	return ar.row, ar.err
}

// Apply returns the mapping of row, computed ahead when row is the one
// Next gave last.
func (a *applyAhead) Apply(row sheet.Row) (crm.Record, error) {
	if a.isLast(row) {
		if a.vb != nil {
			if a.last.applyEr != nil {
				return nil, a.last.applyEr
			}
			return a.vb.Record(a.last.vals), nil
		}
		return a.last.rec, a.last.applyEr
	}
	return a.b.Apply(row)
}

// isLast reports whether row is the one Next gave last, mapped ahead.
func (a *applyAhead) isLast(row sheet.Row) bool {
	l := a.last
	return l != nil && l.applied && l.row.Line == row.Line && len(l.row.Cells) == len(row.Cells) &&
		(len(row.Cells) == 0 || &l.row.Cells[0] == &row.Cells[0])
}

// values returns the mapping of row as mapRow reads it: the values
// computed ahead without a record when row is the one Next gave last and
// the rows are mapped lean, else Apply's record.
func (a *applyAhead) values(row sheet.Row) (fieldValues, error) {
	if a.isLast(row) && a.vb != nil {
		return fieldValues{names: a.names, vals: a.last.vals, vb: a.vb, keys: a.last.keys, keyed: a.last.keyed}, a.last.applyEr
	}
	rec, err := a.Apply(row)
	return fieldValues{rec: rec}, err
}

// stop ends the goroutine and waits for it; the source stays open.
func (a *applyAhead) stop() { a.rd.Stop() }
