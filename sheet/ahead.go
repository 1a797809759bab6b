package sheet

import (
	"errors"

	"github.com/crmport/crmport/internal/bug"
)

// aheadRows is how many rows the reading goroutine hands over at once;
// aheadBatches batches may wait, so at most (aheadBatches+2)·aheadRows rows
// are held however long the file.
const (
	aheadRows    = 64
	aheadBatches = 4
)

type aheadRow struct {
	row Row
	err error
}

// aheadSource reads a source's rows (decoding, inflating, parsing XML or
// CSV, building cells) on a goroutine of its own, so that this work runs
// on one core while the caller maps and checks the rows before on
// another: a dry run of an XLSX took 1.9 s alone, 1.1 s this way. Rows
// and their errors come out in the order the source gave them; after an
// error other than a *RowError (the end of the rows included) the source
// is not read again, and that error is returned by every later call. A
// panic in the source is raised again in the caller's goroutine, with the
// source's stack (a *bug.Error). Header and Info are the source's: they
// do not change once it is open. Only for regular files, whose reads
// never block: Close waits for the goroutine before closing the file.
type aheadSource struct {
	Source
	out     chan []aheadRow
	quit    chan struct{}
	done    chan struct{}
	cur     []aheadRow
	last    error // the error that ended the rows
	started bool
}

func readAhead(src Source) *aheadSource { return &aheadSource{Source: src} }

func (a *aheadSource) start() {
	a.started = true
	a.out = make(chan []aheadRow, aheadBatches)
	a.quit = make(chan struct{})
	a.done = make(chan struct{})
	go a.run()
}

func (a *aheadSource) run() {
	defer close(a.done)
	for {
		batch := make([]aheadRow, 0, aheadRows)
		ended := false
		if err := bug.Catch(func() error {
			for len(batch) < aheadRows {
				r, err := a.Source.Next()
				batch = append(batch, aheadRow{r, err})
				var re *RowError
				if err != nil && !errors.As(err, &re) {
					ended = true
					return nil
				}
			}
			return nil
		}); err != nil {
			batch, ended = append(batch, aheadRow{err: err}), true
		}
		select {
		case a.out <- batch:
		case <-a.quit:
			return
		}
		if ended {
			return
		}
	}
}

// Next returns the next row, as the source gave it.
func (a *aheadSource) Next() (Row, error) {
	if a.last != nil {
		return Row{}, a.last
	}
	if !a.started {
		a.start()
	}
	if len(a.cur) == 0 {
		a.cur = <-a.out
	}
	r := a.cur[0]
	a.cur = a.cur[1:]
	var re *RowError
	if r.err != nil && !errors.As(r.err, &re) {
		var be *bug.Error
		if errors.As(r.err, &be) {
			a.last = be
			panic(be)
		}
		a.last = r.err
	}
	return r.row, r.err
}

// Close stops the goroutine, waits for it, and closes the source.
func (a *aheadSource) Close() error {
	if a.started && a.quit != nil {
		close(a.quit)
		<-a.done
		a.quit = nil
	}
	return a.Source.Close()
}
