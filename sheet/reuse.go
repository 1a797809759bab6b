package sheet

import (
	"reflect"

	"github.com/crmport/crmport/internal/reuse"
)

// ReuseCells asks src to use the cells of rows its caller has finished
// again for later rows, instead of allocating new ones: once m.Done(line)
// was called, the Cells of every row up to line (and of any *RowError's
// Cells up to it) may change. For a caller that keeps no row past
// finishing it (a dry run checks a row and forgets it), this takes most of
// the garbage collector's work away. It reports whether src does so (the
// CSV and XLSX sources of Open do; other sources ignore it, and their rows
// stay valid as long as they are referenced). Call it before the first
// Next; the caller must call m.Done in the order the rows came, from the
// goroutine that calls Next.
func ReuseCells(src Source, m *reuse.Mark) bool {
	if r, ok := src.(cellReuser); ok {
		return r.reuseCells(m)
	}
	return false
}

// cellReuser is a source that can reuse its rows' cells (see ReuseCells).
// Sources that wrap another pass the call on.
type cellReuser interface {
	reuseCells(m *reuse.Mark) bool
}

// slabRows is how many rows' worth of cells a source allocates at once:
// about 8 KiB, small enough for the allocator's fast path.
func slabRows(width int) int {
	return max(1, 8192/(width*cellSize))
}

var cellSize = int(reflect.TypeFor[Cell]().Size())

// cellSlabs carves the cells of a source's rows, width at a time, from
// slabs shared by many rows: reused when a Mark says the rows are done
// (ReuseCells), new otherwise.
type cellSlabs struct {
	slabs *reuse.Slabs[Cell]
	mark  *reuse.Mark
}

// take returns width empty cells for row line.
func (c *cellSlabs) take(width, line int) []Cell {
	if width == 0 {
		return nil
	}
	if c.slabs == nil {
		c.slabs = reuse.NewSlabs[Cell](width*slabRows(width), c.mark)
	}
	return c.slabs.Take(width, line)
}

// reuse makes the slabs reused by m; only before the first take.
func (c *cellSlabs) reuse(m *reuse.Mark) bool {
	if c.slabs != nil {
		return false
	}
	c.mark = m
	return true
}

func (t *blankTrimmer) reuseCells(m *reuse.Mark) bool { return ReuseCells(t.Source, m) }

func (a *aheadSource) reuseCells(m *reuse.Mark) bool { return ReuseCells(a.Source, m) }
