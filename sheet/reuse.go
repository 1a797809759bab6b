package sheet

import (
	"reflect"

	"github.com/crmport/crmport/internal/reuse"
)

// ReuseCells returns the Mark with which src's one caller may let it use
// the cells of rows the caller has finished again for later rows, instead
// of allocating new ones; nil when src does not (then its rows stay valid
// as long as they are referenced). Once the caller has called Done(line)
// on it, the Cells of every row up to line (and of any *RowError's Cells
// up to it) may change, and so may the bytes of their Text: a CSV source
// copies the text of later lines into the memory of earlier ones, so a
// string taken from a marked row (a cell's text, a part of it) may then
// read as another row's. Whatever is kept must be a copy (strings.Clone,
// or text built anew, as fmt does). For a caller that keeps no row past
// finishing it (a dry run checks a row and forgets it), this takes most of
// the garbage collector's work away. The CSV and XLSX sources of Open do it; rows
// read before the first Done (a caller's peek at the first rows) are
// used again only once marked done too. The caller must mark the rows in
// the order they came, from the goroutine that calls Next, and keep
// nothing of a row it marked; a caller that never calls Done changes
// nothing.
func ReuseCells(src Source) *reuse.Mark {
	if r, ok := src.(CellReuser); ok {
		return r.ReusedCells()
	}
	return nil
}

// CellReuser is a Source that can use its rows' cells again (see
// ReuseCells). A Source that wraps another implements it by returning
// ReuseCells of the one it wraps.
type CellReuser interface {
	ReusedCells() *reuse.Mark
}

// slabRows is how many rows' worth of cells a source allocates at once:
// about 8 KiB, small enough for the allocator's fast path.
func slabRows(width int) int {
	return max(1, 8192/(width*cellSize))
}

var cellSize = int(reflect.TypeFor[Cell]().Size())

// cellSlabs carves the cells of a source's rows, width at a time, from
// slabs shared by many rows: used again once its caller marks the rows
// done (ReuseCells), new otherwise.
type cellSlabs struct {
	slabs *reuse.Slabs[Cell]
	mark  reuse.Mark
}

// take returns width empty cells for row line.
func (c *cellSlabs) take(width, line int) []Cell {
	if width == 0 {
		return nil
	}
	if c.slabs == nil {
		c.slabs = reuse.NewSlabs[Cell](width*slabRows(width), &c.mark)
	}
	return c.slabs.Take(width, line)
}

// ReusedCells returns the mark of the source's rows (see ReuseCells).
func (s *csvSource) ReusedCells() *reuse.Mark { return &s.slabs.mark }

// ReusedCells returns the mark of the source's rows (see ReuseCells).
func (s *xlsxSource) ReusedCells() *reuse.Mark { return &s.slabs.mark }

// ReusedCells returns the mark of the source it wraps (see ReuseCells).
func (t *blankTrimmer) ReusedCells() *reuse.Mark { return ReuseCells(t.Source) }

// ReusedCells returns the mark of the source it wraps (see ReuseCells).
func (a *aheadSource) ReusedCells() *reuse.Mark { return ReuseCells(a.Source) }
