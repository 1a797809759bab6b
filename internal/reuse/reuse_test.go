package reuse

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func base[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

func TestWithoutMarkEverySlabIsNew(t *testing.T) {
	s := NewSlabs[int](4, nil)
	seen := map[uintptr]bool{}
	for line := 2; line < 200; line++ {
		c := s.Take(2, line)
		require.Len(t, c, 2)
		require.Equal(t, 2, cap(c), "a row's slice must not reach into the next row's")
		assert.False(t, seen[base(c)])
		seen[base(c)] = true
	}
}

// TestRowsNotDoneKeepTheirValues writes each row's number into its slice
// and checks, while the consumer lags behind by a changing number of
// rows, that no row it has not finished was overwritten, that reused
// slices come back zeroed (with copies mixed in), and that slabs are in
// fact reused.
func TestRowsNotDoneKeepTheirValues(t *testing.T) {
	var m Mark
	s := NewSlabs[int](10, &m)
	rnd := rand.New(rand.NewPCG(1, 2))
	live := map[int][]int{}
	done := 1
	slabs := map[uintptr]bool{}
	for line := 2; line < 20000; line++ {
		n := 1 + rnd.IntN(4)
		var c []int
		if rnd.IntN(3) == 0 {
			// Copy mixed with Take, which must still hand out
			// zeroes.
			c = s.Copy(slices.Repeat([]int{line}, n), line)
			require.Len(t, c, n)
			require.Equal(t, n, cap(c), "a row's copy must not reach into the next row's")
		} else {
			c = s.Take(n, line)
			require.Len(t, c, n)
			for _, v := range c {
				require.Zero(t, v, "row %d got a slice that was not cleared", line)
			}
			for i := range c {
				c[i] = line
			}
		}
		for _, v := range c {
			require.Equal(t, line, v)
		}
		live[line] = c
		slabs[base(s.whole)] = true
		// The consumer finishes a random number of rows, never past the
		// last one made.
		for k := rnd.IntN(3); k > 0 && done < line; k-- {
			done++
			for _, v := range live[done] {
				require.Equal(t, done, v, "row %d was overwritten before it was done", done)
			}
			delete(live, done)
			m.Done(done)
		}
		for l, c := range live {
			for _, v := range c {
				require.Equal(t, l, v, "row %d was overwritten before it was done", l)
			}
		}
	}
	assert.Less(t, len(slabs), 200, "slabs were not reused")
}

func TestRowsOutOfOrderTurnReuseOff(t *testing.T) {
	var m Mark
	s := NewSlabs[int](2, &m)
	a := s.Take(2, 5)
	a[0] = 5
	s.Take(2, 3) // out of order
	m.Done(100)
	seen := map[uintptr]bool{base(a): true}
	for line := 101; line < 120; line++ {
		c := s.Take(2, line)
		assert.False(t, seen[base(c)], "a slab was reused after rows came out of order")
		seen[base(c)] = true
	}
	assert.Equal(t, 5, a[0])
}

func TestAConsumerThatStopsMarkingKeepsNoMoreThanABound(t *testing.T) {
	var m Mark
	s := NewSlabs[int](1, &m)
	for line := 2; line < 10000; line++ {
		s.Take(1, line)
	}
	assert.LessOrEqual(t, len(s.waiting), maxWaiting)
}

func TestMarkOnlyRises(t *testing.T) {
	var m Mark
	m.Done(10)
	m.Done(4)
	assert.Equal(t, 10, m.Line())
}

// TestProducerAndConsumerOnTwoGoroutines is for -race: the consumer reads
// each row's values on its own goroutine and marks it done, the producer
// reuses what it marked.
func TestProducerAndConsumerOnTwoGoroutines(t *testing.T) {
	var m Mark
	s := NewSlabs[int](16, &m)
	rows := make(chan []int, 64)
	bad := make(chan int, 1)
	go func() {
		defer close(bad)
		line := 1
		for c := range rows {
			line++
			for _, v := range c {
				if v != line {
					bad <- line
					for range rows {
					}
					return
				}
			}
			m.Done(line)
		}
	}()
	for line := 2; line < 50000; line++ {
		c := s.Take(3, line)
		for i := range c {
			c[i] = line
		}
		rows <- c
	}
	close(rows)
	if line, ok := <-bad; ok {
		t.Fatalf("row %d was overwritten before the consumer finished it", line)
	}
}

// TestAConsumerThatNeverMarksKeepsEveryRow: until the first Done nothing
// is queued for reuse, so a caller that keeps its rows (a real import)
// neither loses one nor makes the producer hold slabs for it.
func TestAConsumerThatNeverMarksKeepsEveryRow(t *testing.T) {
	var m Mark
	s := NewSlabs[int](8, &m)
	var rows [][]int
	for line := 2; line < 5000; line++ {
		c := s.Take(3, line)
		for i := range c {
			c[i] = line
		}
		rows = append(rows, c)
	}
	assert.Empty(t, s.waiting)
	for i, c := range rows {
		for _, v := range c {
			require.Equal(t, i+2, v)
		}
	}
}
