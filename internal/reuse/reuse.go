// Package reuse lets the producer of a stream of numbered rows use the
// memory of rows its consumer has finished again, instead of allocating it
// anew for every row: a dry run of a million rows otherwise allocates
// ~1 GB of cells and values that live for microseconds each, and the
// garbage collector's work on them was an eighth of the run (issue 18).
//
// The consumer says how far it has got (Mark.Done: every row numbered up
// to there is finished, and nothing of it is kept); the producer carves
// each row's slice from a slab (Slabs.Take) and uses a slab again only
// once every row carved from it is at or below that mark. Rows must be
// carved in increasing order of their numbers and finished in the same
// order; a number out of order turns reuse off for good (from then on
// every slab is new), so a mistake costs memory, never a row's values.
package reuse

import "sync/atomic"

// Mark is where the one consumer of a stream of rows has got to. Its zero
// value says no row is done.
type Mark struct{ done atomic.Int64 }

// Done says that every row numbered up to line is finished and that
// nothing of those rows is kept: their memory may be used again. Called by
// the consumer only, after it has finished with row line; a line at or
// below an earlier one changes nothing.
func (m *Mark) Done(line int) {
	if int64(line) > m.done.Load() {
		m.done.Store(int64(line))
	}
}

// Line returns the row up to which every row is done.
func (m *Mark) Line() int { return int(m.done.Load()) }

// maxWaiting bounds the slabs kept for reuse: a consumer that stops
// calling Done (it reads the rest of a file without checking it) must not
// make the producer keep every slab it ever made.
const maxWaiting = 256

// Slabs hands out slices of T carved from slabs of a fixed size. With a
// Mark, a slab is used again (cleared) once every row carved from it is
// done; without one, every slab is new, and a slice handed out stays
// valid as long as it is referenced. Slabs is used by one goroutine (the
// producer's).
type Slabs[T any] struct {
	mark    *Mark
	per     int
	whole   []T // the slab being carved
	rest    []T // what is left of it
	top     int // the highest row carved from it
	last    int // the row carved last
	off     bool
	waiting []slab[T] // slabs carved, oldest first
}

type slab[T any] struct {
	mem []T
	top int
}

// NewSlabs returns Slabs of per elements each (at least the largest
// slice taken), reused by mark (nil: never reused).
func NewSlabs[T any](per int, mark *Mark) *Slabs[T] {
	return &Slabs[T]{per: max(per, 1), mark: mark}
}

// Take returns n zeroed elements for row line.
func (s *Slabs[T]) Take(n, line int) []T {
	if n == 0 {
		return nil
	}
	if line <= s.last {
		s.off, s.waiting = true, nil // out of order: the mark no longer tells which slabs are free
	}
	s.last = line
	if len(s.rest) < n {
		s.next(n)
	}
	out := s.rest[:n:n]
	s.rest = s.rest[n:]
	s.top = line
	return out
}

// Copy returns a copy of src for row line. (A slab used again is cleared
// first here too, although every element handed out is written: cleared
// in one sweep it is in the cache for the copies, and the dry run was
// 0.975× and 0.984× with it than without, 12 and 16 pairs.)
func (s *Slabs[T]) Copy(src []T, line int) []T {
	out := s.Take(len(src), line)
	copy(out, src)
	return out
}

// next starts a slab of at least n elements: the oldest one whose rows
// are all done (cleared), or a new one.
func (s *Slabs[T]) next(n int) {
	reusing := s.mark != nil && !s.off
	if reusing && s.whole != nil && s.mark.Line() > 0 {
		// Queued only once the consumer marks rows: one that never does
		// (it keeps its rows) costs nothing but this look.
		if len(s.waiting) == maxWaiting {
			s.waiting[0] = slab[T]{}
			s.waiting = s.waiting[1:]
		}
		s.waiting = append(s.waiting, slab[T]{mem: s.whole, top: s.top})
	}
	if reusing && len(s.waiting) > 0 && s.waiting[0].top <= s.mark.Line() && len(s.waiting[0].mem) >= n {
		mem := s.waiting[0].mem
		s.waiting[0] = slab[T]{}
		s.waiting = s.waiting[1:]
		clear(mem)
		s.whole, s.rest = mem, mem
		return
	}
	s.whole = make([]T, max(s.per, n))
	s.rest = s.whole
}
