package ahead

import (
	"errors"
	"runtime"
	"sync"

	"github.com/crmport/crmport/internal/bug"
)

// Parallel is a Reader whose items are finished on several goroutines:
// read makes the items one after the other, in order (one goroutine at a
// time), and work finishes each of them (maps a row) on whichever of the
// workers took its batch, several batches at once. Next hands the items
// over in the order read made them.
//
// A pipeline of a reader, one worker and a consumer leaves a core idle
// whenever two of its three stages wait on the third; with the work shared
// by several goroutines, whichever stage waits, the others still have
// work for both cores. Where a goroutine has just woken another it yields
// (handOff), which keeps the hand-overs themselves from idling a core.
// Reader is not a Parallel of one goroutine: built so (tried at stop 26),
// its lock, its per-batch signal and those yields made the XLSX
// read-ahead 1.19× slower (12 pairs) for no gain in the CSV one.
//
// As with Reader, at most batches batches wait (the workers are never
// more than (batches+2)·batch items ahead), and a panic in read or
// work is raised again in the goroutine that calls Next, as a *bug.Error,
// after every item before the one that panicked. work must be safe for
// concurrent use (it is called on different items at once); read is
// never called by two goroutines at once.
type Parallel[T any] struct {
	read           func() (T, bool)
	work           func(worker int, it *T)
	batch, batches int
	workers        int

	mu      sync.Mutex // held while a worker reads a batch and queues it
	readEnd bool       // under mu: read gave its last item, or panicked

	order   chan *pbatch[T] // batches in the order read made them
	free    chan []T        // items of batches the consumer has finished
	quit    chan struct{}
	wg      sync.WaitGroup
	cur     *pbatch[T]
	pos     int
	onBatch func([]T)
	started bool
	stopped bool
}

type pbatch[T any] struct {
	items []T
	done  chan struct{} // closed when work has finished the items (or panicked)
	crash *bug.Error    // raised after items
	last  bool
}

// NewParallel returns a Parallel of read and work with workers goroutines
// (at least one). work is told which goroutine calls it (0 to workers-1),
// for state of its own. The goroutines start at the first Next.
func NewParallel[T any](batch, batches, workers int, read func() (item T, more bool), work func(worker int, it *T)) *Parallel[T] {
	return &Parallel[T]{read: read, work: work, batch: max(batch, 1), batches: max(batches, 1), workers: max(workers, 1)}
}

func (p *Parallel[T]) worker(w int) {
	defer p.wg.Done()
	for {
		b := p.take()
		if b == nil {
			return
		}
		done := 0
		err := bug.Catch(func() error {
			for ; done < len(b.items); done++ {
				p.work(w, &b.items[done])
			}
			return nil
		})
		var crash *bug.Error
		if errors.As(err, &crash) {
			// The items after the one that panicked are not given:
			// the consumer stops at the crash, as Reader's does.
			b.items, b.crash, b.last = b.items[:done], crash, true
		}
		close(b.done)
		handOff() // the consumer may be waiting for this batch
		if b.last {
			return
		}
	}
}

// take reads the next batch and queues it in order; nil when there is
// nothing more to read or the reader stopped.
func (p *Parallel[T]) take() *pbatch[T] {
	p.mu.Lock()
	defer handOff() // after Unlock: to a worker waiting for the lock
	defer p.mu.Unlock()
	select {
	case <-p.quit:
		return nil
	default:
	}
	if p.readEnd {
		return nil
	}
	b := &pbatch[T]{items: reuseBatch(p.free, p.batch), done: make(chan struct{})}
	more := true
	err := bug.Catch(func() error {
		for more && len(b.items) < p.batch {
			it, m := p.read()
			b.items, more = append(b.items, it), m
		}
		return nil
	})
	errors.As(err, &b.crash)
	b.last = !more || b.crash != nil
	p.readEnd = b.last
	select {
	case p.order <- b:
		return b
	case <-p.quit:
		p.readEnd = true
		return nil
	}
}

// Next returns the next item; false once the last one was returned.
func (p *Parallel[T]) Next() (T, bool) {
	it := p.NextPtr()
	if it == nil {
		var zero T
		return zero, false
	}
	return *it, true
}

// NextPtr is Next without a copy: the next item where its batch holds it,
// valid until the next call of NextPtr, Next or Stop; nil once the last
// one was returned.
func (p *Parallel[T]) NextPtr() *T {
	if !p.started && !p.stopped {
		p.started = true
		p.order = make(chan *pbatch[T], p.batches)
		p.free = make(chan []T, p.batches+p.workers+1)
		p.quit = make(chan struct{})
		p.wg.Add(p.workers)
		for w := range p.workers {
			go p.worker(w)
		}
	}
	for p.cur == nil || p.pos == len(p.cur.items) {
		if p.cur != nil {
			if p.cur.crash != nil {
				panic(p.cur.crash)
			}
			if p.cur.last {
				return nil
			}
		}
		if p.stopped {
			return nil
		}
		if p.cur != nil {
			giveBack(p.free, p.cur.items) // every item was copied out
		}
		wasFull := len(p.order) == cap(p.order)
		b := <-p.order
		if wasFull {
			handOff() // a worker may be waiting to queue its batch
		}
		<-b.done
		p.cur, p.pos = b, 0
		if p.onBatch != nil && b.crash == nil {
			p.onBatch(b.items)
		}
	}
	it := &p.cur.items[p.pos]
	p.pos++
	return it
}

// OnBatch makes Next call f with each batch of finished items as it
// starts handing them over, on the caller's goroutine (to get ready for
// them: f must not keep the slice). Call it before the first Next.
func (p *Parallel[T]) OnBatch(f func(items []T)) { p.onBatch = f }

// Stop ends the goroutines and waits for them, so that what read reads
// may be closed. Next returns false after it.
func (p *Parallel[T]) Stop() {
	if p.started && !p.stopped {
		close(p.quit)
		p.wg.Wait()
	}
	p.stopped, p.cur = true, nil
}

// handOff lets a goroutine this one has just woken run at once, on this
// core. Go queues a woken goroutine on the waker's core, where it waits
// for the waker to block; an idle core that takes it over first sleeps
// "3 µs" to see whether the waker blocks — 50 µs or more on Linux (timer
// slack), 70 µs on the benchmark machine. With three stages on two cores
// that happened about 1,700 times in a 1,000,000-row dry run, a core idle
// for ~250 ms; yielding here instead puts the waker in the global queue,
// which an idle core takes from without the sleep (bench/RESULTS.md: the
// pauses fell to ~600, the dry run 0.91× wall). Called where a wake-up is
// likely; it costs a trip through the scheduler where none was.
func handOff() { runtime.Gosched() }
