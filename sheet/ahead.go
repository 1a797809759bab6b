package sheet

import (
	"errors"

	"github.com/crmport/crmport/internal/ahead"
)

// errClosed is what Next returns after Close.
var errClosed = errors.New("the file was closed before its rows were read")

type aheadRow struct {
	row Row
	err error
}

// aheadSource reads a source's rows (decoding, inflating, parsing XML or
// CSV, building cells) on a goroutine of its own, so that this work runs
// on one core while the caller maps and checks the rows before on
// another: a dry run of an XLSX took 1.9 s alone, 1.1 s this way. Rows
// and their errors come out in the order the source gave them, at most
// 5·128 rows ahead (batches of 128: each hand-over between goroutines
// idles a core for a few µs, bench/RESULTS.md); after an error other
// than a *RowError (the end of the rows included) the source is not read
// again, and that error is returned by every later call. A panic in the
// source is raised again in the caller's goroutine (a *bug.Error with
// the source's stack). Header and Info are the source's: they do not
// change once it is open. Only for regular files, whose reads never
// block: Close waits for the goroutine before closing the file.
type aheadSource struct {
	Source
	rd   *ahead.Reader[aheadRow]
	last error // the error that ended the rows
}

func readAhead(src Source) *aheadSource {
	a := &aheadSource{Source: src}
	a.rd = ahead.New(128, 3, func() (aheadRow, bool) {
		r, err := src.Next()
		return aheadRow{r, err}, !EndsRows(err)
	})
	return a
}

// Next returns the next row, as the source gave it.
func (a *aheadSource) Next() (Row, error) {
	if a.last != nil {
		return Row{}, a.last
	}
	r, ok := a.rd.Next()
	if !ok { // closed
		return Row{}, errClosed
	}
	if EndsRows(r.err) {
		a.last = r.err
	}
	return r.row, r.err
}

// Close stops the goroutine, waits for it, and closes the source.
func (a *aheadSource) Close() error {
	a.rd.Stop()
	return a.Source.Close()
}
