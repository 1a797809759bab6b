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
	quit, done     chan struct{}
	cur            []T
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
		c := chunk[T]{items: make([]T, 0, r.batch)}
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
		c := <-r.out
		r.cur, r.failure, r.ended = c.items, c.crash, c.last
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
	r.stopped, r.cur = true, nil
}
