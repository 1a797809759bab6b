// Package ahead runs a producer on a goroutine of its own, a bounded
// number of items ahead of its consumer: reading a file's rows on one core
// while the rows before are mapped on the other.
package ahead

import (
	"errors"

	"github.com/crmport/crmport/internal/bug"
)

// Reader hands over what produce makes, in order, in batches of batch
// items, at most batches of them waiting: the producer is never more than
// (batches+2)·batch items ahead. A panic in produce is raised again in
// the goroutine that calls Next, after the items made before it, as a
// *bug.Error with the producer's stack. Reader is for one consumer
// goroutine.
type Reader[T any] struct {
	produce        func() (T, bool)
	batch, batches int
	out            chan chunk[T]
	free           chan []T // batches the consumer has finished, for the producer to fill again
	quit, done     chan struct{}
	cur            []T
	whole          []T // the batch cur is the rest of
	failure        *bug.Error
	started, ended bool
	stopped        bool
}

type chunk[T any] struct {
	items []T
	crash *bug.Error
	last  bool
}

// New returns a Reader of produce, which returns an item and whether more
// may follow (false with the last). The goroutine starts at the first
// Next.
func New[T any](batch, batches int, produce func() (item T, more bool)) *Reader[T] {
	return &Reader[T]{produce: produce, batch: max(batch, 1), batches: batches}
}

func (r *Reader[T]) run() {
	defer close(r.done)
	for {
		c := chunk[T]{items: reuseBatch(r.free, r.batch)}
		more := true
		err := bug.Catch(func() error {
			for more && len(c.items) < r.batch {
				var it T
				it, more = r.produce()
				c.items = append(c.items, it)
			}
			return nil
		})
		errors.As(err, &c.crash)
		c.last = !more || c.crash != nil
		select {
		case r.out <- c:
		case <-r.quit:
			return
		}
		if c.last {
			return
		}
	}
}

// Next returns the next item; false once the last one was returned.
func (r *Reader[T]) Next() (T, bool) {
	if !r.started && !r.stopped {
		r.started = true
		r.out = make(chan chunk[T], r.batches)
		r.free = make(chan []T, r.batches+2)
		r.quit = make(chan struct{})
		r.done = make(chan struct{})
		go r.run()
	}
	for len(r.cur) == 0 {
		if r.failure != nil {
			panic(r.failure)
		}
		if r.ended || r.stopped {
			var zero T
			return zero, false
		}
		giveBack(r.free, r.whole)
		c := <-r.out
		r.cur, r.failure, r.ended = c.items, c.crash, c.last
		r.whole = c.items
	}
	it := r.cur[0]
	r.cur = r.cur[1:]
	return it, true
}

// Stop ends the goroutine and waits for it, so that what produce reads
// may be closed. Next returns false after it.
func (r *Reader[T]) Stop() {
	if r.started && !r.stopped {
		close(r.quit)
		<-r.done
	}
	r.stopped, r.cur, r.whole = true, nil, nil
}

// reuseBatch returns an empty batch of capacity n: one the consumer gave
// back (its items were copied out as they were handed over), or a new one.
// Rows come in batches that live for a moment; reused, they no
// longer cost the garbage collector its work on ~200 MB a million rows.
// A batch given back is cleared before it is filled again: swept clear in
// one go it is in the cache for the items written next, which made a dry
// run 0.955× and 0.972× (12 and 16 pairs, stop 28; at stop 27, before the
// rest of the run got cheaper, it had not shown), and its old items keep
// nothing alive meanwhile.
func reuseBatch[T any](free chan []T, n int) []T {
	select {
	case b := <-free:
		clear(b[:cap(b)])
		return b[:0]
	default:
		return make([]T, 0, n)
	}
}

// giveBack hands a finished batch to the producer, unless enough wait.
func giveBack[T any](free chan []T, b []T) {
	if b == nil {
		return
	}
	select {
	case free <- b:
	default:
	}
}
