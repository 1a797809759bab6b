package importer

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"unsafe"
)

// The duplicate check's index of value hashes keeps its memory bounded
// whatever the file's size (issue 18): up to spillSlots slots in memory
// (a hashIndex, 12 bytes a slot); past that its entries are written,
// sorted, to a temporary file (a run), and the memory is used again. A
// Bloom filter of fixed size says which hashes may be in some run, and
// each run keeps every runFence-th hash in memory, so a look-up that the
// filter lets through reads one block of each run. Runs are merged into
// one when there are more than maxRuns.
//
// The run is written, and the filter and a merge made, on a goroutine of
// its own (spillJob) while the caller goes on: done on the caller's (the
// dry run's checking goroutine), the first spill of a million-row file
// held everything up for ~50 ms, a core idle meanwhile. Until the run is
// taken in (adopt), its entries are looked up in memory, sorted.
const (
	spillSlots = 1 << 19 // 6 MiB in memory, 393,216 values before a spill
	bloomBytes = 4 << 20 // 32 Mbit (a power of two): 0.1 % false hits with 2 million values on disk, 2 % with 4 million (TestSpillIndexBloomFalseHits)
	bloomProbe = 6       // bits a hash sets, all in one block of 64 bytes (bloomBit)
	runFence   = 128     // entries of a run between two hashes kept in memory
	maxRuns    = 6
	entrySize  = 12 // hash (8 bytes) + row (4), little-endian
)

// spillIndex maps 64-bit hashes to the row that first held them, like
// hashIndex, with memory bounded by spilling to temporary files.
type spillIndex struct {
	mem      hashIndex
	memSlots int // the most slots mem may have before it spills
	runs     []*indexRun
	// bloom is made at the first spill. A spill's job sets its bits
	// (atomically) while the caller reads it: the entries of that spill
	// are found in job.es until it is adopted, so a bit not yet set
	// hides nothing.
	bloom     []uint64
	bloomBits uint64
	dir       string // "" = the system's temporary folder
	err       error  // the first error of a temporary file
	buf       []byte
	job       *spillJob // the spill being written, nil when none
	es        []entry   // the buffer spills sort into, used again

	// warm and warmES deliver the table mem grows into next and the
	// buffer of the spills, made and touched on a goroutine of
	// their own: memory the system hands out new is slow to touch the
	// first time (~20 ms for mem's 6 MiB on the benchmark machine), and
	// touched by the checking goroutine it held up the dry run.
	warm   chan hashIndex
	warmES chan []entry

	// beforeWrite, when set (tests), is called on a spill's goroutine
	// before it writes its run.
	beforeWrite func(*runWriter)
}

// entry is one hash and its row, as a spill sorts them.
type entry struct {
	k    uint64
	line uint32
}

// spillJob writes one spill's run on a goroutine of its own, sets its
// hashes' bits in the filter and, past maxRuns, merges the runs. es
// (sorted) and runs are only read while it works.
type spillJob struct {
	es []entry
	// at[b] is where the entries whose hash's top jobBits bits are b
	// start in es (a bucket holds a few: the hashes are spread evenly).
	at   []int32
	runs []*indexRun // the runs before this one (merged with it past maxRuns)
	done chan struct{}
	// Set before done is closed.
	finished atomic.Bool
	run      *indexRun // the run written; nil when it could not be
	merged   *indexRun // all of runs and run in one, when they were merged
}

// indexRun is one sorted run on disk.
type indexRun struct {
	f       *os.File
	removed bool     // its name is gone already (see newRun)
	n       int      // entries
	fences  []uint64 // the hash of entry i*runFence
}

func newSpillIndex() *spillIndex { return &spillIndex{memSlots: spillSlots} }

// get returns the row of k. A temporary file that cannot be read makes
// it say "not found" and sets the error that failed reports.
func (s *spillIndex) get(k uint64) (uint32, bool) {
	k = spread(k)
	if line, ok := s.mem.get(k); ok {
		return line, true
	}
	if s.job != nil {
		if line, ok := s.job.get(k); ok {
			return line, true
		}
	}
	if len(s.runs) == 0 || !s.mayHold(k) {
		return 0, false
	}
	for _, r := range s.runs {
		line, ok, err := r.find(k, &s.buf)
		if err != nil {
			s.fail(fmt.Errorf("cannot read the duplicate check's temporary file: %w", err))
			return 0, false
		}
		if ok {
			return line, true
		}
	}
	return 0, false
}

// insert records k at line; get has just said it is not there.
func (s *spillIndex) insert(k uint64, line uint32) {
	k = spread(k)
	if s.job != nil && s.job.finished.Load() {
		s.adopt()
	}
	s.warmUp()
	if s.memSlots > 0 && len(s.mem.keys) >= s.memSlots && (s.mem.n+1)*4 > len(s.mem.keys)*3 {
		if err := s.spill(); err != nil {
			// Keep going in memory: the check stays right, only its
			// memory grows.
			s.memSlots = 0
		}
	}
	s.mem.add(k, line)
}

// jobBits is how many top bits of a hash choose its bucket in a job's
// entries (spillJob.at): a look-up reads a bucket, not 19 steps of a
// binary search, each a cache miss.
const jobBits = 16

// bucket sets at from es, sorted.
func (j *spillJob) bucket() {
	j.at = make([]int32, 1<<jobBits+1)
	b := 0
	for i, e := range j.es {
		for top := int(e.k >> (64 - jobBits)); b <= top; b++ {
			j.at[b] = int32(i)
		}
	}
	for ; b <= 1<<jobBits; b++ {
		j.at[b] = int32(len(j.es))
	}
}

// warmUp has the memory the index will need next made ahead (see warm):
// the table mem grows into, once mem is half full, and the spills'
// buffer; and grows mem into the table made when it is due and ready.
func (s *spillIndex) warmUp() {
	size := len(s.mem.keys)
	switch {
	case s.memSlots == 0:
	case s.warm == nil && size >= 1<<14 && size < s.memSlots && s.mem.n*2 >= size:
		// Half full: the table it grows into at three quarters.
		ch := make(chan hashIndex, 1)
		s.warm = ch
		go func(n int) {
			h := hashIndex{keys: make([]uint64, n), lines: make([]uint32, n)}
			faultIn(h.keys)
			faultIn(h.lines)
			ch <- h
		}(2 * size)
	case s.warm != nil && (s.mem.n+1)*4 > size*3:
		select {
		case h := <-s.warm:
			s.warm = nil
			if len(h.keys) > size {
				s.mem.growInto(h.keys, h.lines)
			}
		default: // not yet: mem grows as it would without
		}
	case s.es == nil && s.warmES == nil && size >= s.memSlots && s.mem.n >= s.memSlots/2:
		// Two thirds of the way to the first spill.
		ch := make(chan []entry, 1)
		s.warmES = ch
		go func(n int) {
			es := make([]entry, n)
			faultIn(es)
			ch <- es[:0]
		}(size * 3 / 4)
	}
}

// faultIn writes s's zero value to one element a page, so that the pages
// are the process's before s is used.
func faultIn[T any](s []T) {
	var zero T
	step := max(1, 4096/int(unsafe.Sizeof(zero)))
	for i := 0; i < len(s); i += step {
		s[i] = zero
	}
}

// get returns the row of k (spread) among the job's entries.
func (j *spillJob) get(k uint64) (uint32, bool) {
	b := k >> (64 - jobBits)
	for _, e := range j.es[j.at[b]:j.at[b+1]] {
		if e.k == k {
			return e.line, true
		}
	}
	return 0, false
}

// adopt waits for the job and takes its run (and merge) in. A run that
// could not be written leaves its entries in memory, which then grows:
// the check stays right.
func (s *spillIndex) adopt() {
	j := s.job
	<-j.done
	s.job = nil
	switch {
	case j.run == nil:
		s.memSlots = 0
		for _, e := range j.es {
			s.mem.add(e.k, e.line)
		}
	case j.merged != nil:
		for _, old := range s.runs {
			old.remove()
		}
		j.run.remove()
		s.runs = []*indexRun{j.merged}
	default:
		s.runs = append(s.runs, j.run)
	}
}

// touch reads what get and insert of k will read, and returns it (for the
// caller to keep, so that the reads are made): done for many keys before
// they are looked up, it makes their cache misses overlap.
func (s *spillIndex) touch(k uint64) uint64 {
	if len(s.mem.keys) == 0 {
		return 0
	}
	k = spread(k)
	i := s.mem.home(k)
	v := s.mem.keys[i] ^ uint64(s.mem.lines[i])
	if s.bloom != nil {
		w, _ := s.bloomBit(k, 0)
		v ^= atomic.LoadUint64(&s.bloom[w]) // one line holds all of k's bits
	}
	return v
}

// spread mixes the bits of k into the top ones, where hashIndex finds its
// slot: a bijection (an odd multiplier), so distinct hashes stay distinct,
// and never 0 (the empty slot).
func spread(k uint64) uint64 { return nonZero(k) * 0x9e3779b97f4a7c15 }

// failed returns the error of a temporary file that could not be read
// back: the check can no longer say which rows are duplicates.
func (s *spillIndex) failed() error { return s.err }

func (s *spillIndex) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

// mayHold tells whether k may be in a run (k is not zero).
func (s *spillIndex) mayHold(k uint64) bool {
	for i := range uint64(bloomProbe) {
		if w, bit := s.bloomBit(k, i); atomic.LoadUint64(&s.bloom[w])&bit == 0 {
			return false
		}
	}
	return true
}

// remember sets k's bits in the filter (on a spill's goroutine).
func (s *spillIndex) remember(k uint64) {
	for i := range uint64(bloomProbe) {
		w, bit := s.bloomBit(k, i)
		if atomic.LoadUint64(&s.bloom[w])&bit == 0 {
			atomic.OrUint64(&s.bloom[w], bit)
		}
	}
}

// bloomBit is where the filter keeps k's i-th bit: a word of s.bloom and
// the bit in it. All of a hash's bits are in one block of 512 bits (a
// cache line), chosen by bits 16–47 of k (its top bits choose its slot in
// hashIndex): a look-up waits for one line of memory, not one a bit (the
// checking goroutine's largest wait, as the filter is larger than the
// caches). The bits in the block come from 9-bit fields of another
// mixing of k.
func (s *spillIndex) bloomBit(k, i uint64) (word int, bit uint64) {
	block := (k >> 16) & (s.bloomBits/512 - 1) // a power of two: no division
	b := (k * 0xd6e8feb86659fd93 >> (64 - 9*(i+1))) & 511
	return int(block*8 + b/64), 1 << (b % 64)
}

// spill sorts the memory's entries, empties it and starts a job that
// writes them as a run. A spill still being written is waited for
// first; a temporary file that cannot be made is an error, with nothing
// changed.
func (s *spillIndex) spill() error {
	if s.job != nil {
		s.adopt()
		if s.memSlots == 0 {
			return nil // the last run could not be written: no more spills
		}
	}
	w, err := s.newRun()
	if err != nil {
		return err
	}
	// The slots hold the keys by their top bits (hashIndex), so read in
	// slot order they are sorted but within a cluster of slots, and for
	// the cluster that wrapped round from the end to the start.
	if s.warmES != nil {
		s.es, s.warmES = <-s.warmES, nil
	}
	if cap(s.es) < s.mem.n {
		s.es = make([]entry, 0, s.mem.n) // not grown by append: fresh memory is slow to touch
	}
	es := s.es[:0]
	var wrapped []entry
	for i, k := range s.mem.keys {
		if k == 0 {
			continue
		}
		if s.mem.home(k) > i {
			wrapped = append(wrapped, entry{k, s.mem.lines[i]})
		} else {
			es = append(es, entry{k, s.mem.lines[i]})
		}
	}
	es = append(es, wrapped...)
	s.es = es
	if !insertionSorted(es, func(a, b entry) bool { return a.k < b.k }, 16*len(es)) {
		// Keys clustered beyond what a uniform hash gives: sort them.
		slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.k, b.k) })
	}
	if s.bloom == nil {
		s.bloom = make([]uint64, bloomBytes/8)
		s.bloomBits = uint64(len(s.bloom)) * 64
	}
	clear(s.mem.keys)
	s.mem.n = 0
	j := &spillJob{es: es, runs: slices.Clone(s.runs), done: make(chan struct{})}
	j.bucket()
	s.job = j
	go func() {
		defer close(j.done)
		defer j.finished.Store(true)
		if s.beforeWrite != nil {
			s.beforeWrite(w)
		}
		j.run = j.write(w)
		if j.run == nil {
			return
		}
		for _, e := range es {
			s.remember(e.k)
		}
		if len(j.runs)+1 > maxRuns {
			// A merge that fails (a full disk) leaves every run as it
			// was: look-ups go on reading one block more, and the next
			// spill tries again.
			j.merged, _ = s.merge(append(j.runs, j.run))
		}
	}()
	return nil
}

// write writes the job's entries with w; nil when they could not be.
func (j *spillJob) write(w *runWriter) *indexRun {
	for _, e := range j.es {
		if err := w.put(e.k, e.line); err != nil {
			w.discard()
			return nil
		}
	}
	r, err := w.finish()
	if err != nil {
		return nil
	}
	return r
}

// insertionSorted sorts the nearly sorted es by insertion, moving no more
// than budget entries; past it, it stops and reports false (es is then a
// permutation of what it was, not sorted).
func insertionSorted[E any](es []E, less func(a, b E) bool, budget int) bool {
	for i := 1; i < len(es); i++ {
		e := es[i]
		j := i
		for j > 0 && less(e, es[j-1]) {
			es[j] = es[j-1]
			j--
		}
		es[j] = e
		if budget -= i - j; budget < 0 {
			return false
		}
	}
	return true
}

// merge writes runs as one run (a look-up then reads one block), on a
// spill's goroutine: it only reads runs.
func (s *spillIndex) merge(runs []*indexRun) (*indexRun, error) {
	w, err := s.newRun()
	if err != nil {
		return nil, err
	}
	h := &runHeap{}
	for _, r := range runs {
		c := &runCursor{r: bufio.NewReaderSize(io.NewSectionReader(r.f, 0, int64(r.n)*entrySize), 64<<10)}
		ok, err := c.next()
		if err != nil {
			w.discard()
			return nil, err
		}
		if ok {
			heap.Push(h, c)
		}
	}
	for h.Len() > 0 {
		c := (*h)[0]
		if err := w.put(c.k, c.line); err != nil {
			w.discard()
			return nil, err
		}
		ok, err := c.next()
		if err != nil {
			w.discard()
			return nil, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return w.finish()
}

// close waits for a spill being written and removes the temporary
// files.
func (s *spillIndex) close() {
	if s.job != nil {
		s.adopt()
	}
	for _, r := range s.runs {
		r.remove()
	}
	s.runs = nil
}

// runWriter writes one run.
type runWriter struct {
	f       *os.File
	removed bool
	w       *bufio.Writer
	n       int
	fences  []uint64
	b       [entrySize]byte
}

func (s *spillIndex) newRun() (*runWriter, error) {
	f, err := os.CreateTemp(s.dir, "crmport-duplicates-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot create the duplicate check's temporary file: %w", err)
	}
	// Where the system lets an open file lose its name (not Windows), it
	// goes at once: a run that is killed leaves nothing behind.
	removed := os.Remove(f.Name()) == nil
	return &runWriter{f: f, removed: removed, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (w *runWriter) put(k uint64, line uint32) error {
	if w.n%runFence == 0 {
		w.fences = append(w.fences, k)
	}
	binary.LittleEndian.PutUint64(w.b[:8], k)
	binary.LittleEndian.PutUint32(w.b[8:], line)
	w.n++
	_, err := w.w.Write(w.b[:])
	return err
}

func (w *runWriter) finish() (*indexRun, error) {
	if err := w.w.Flush(); err != nil {
		w.discard()
		return nil, fmt.Errorf("cannot write the duplicate check's temporary file: %w", err)
	}
	return &indexRun{f: w.f, removed: w.removed, n: w.n, fences: w.fences}, nil
}

func (w *runWriter) discard() {
	(&indexRun{f: w.f, removed: w.removed}).remove()
}

func (r *indexRun) remove() {
	_ = r.f.Close()
	if !r.removed {
		_ = os.Remove(r.f.Name())
	}
}

// find looks k up: the fences say which block may hold it, one read
// brings the block.
func (r *indexRun) find(k uint64, buf *[]byte) (uint32, bool, error) {
	// The last fence at or below k starts the only block that may hold it.
	i, _ := slices.BinarySearch(r.fences, k)
	if i == len(r.fences) || r.fences[i] != k {
		i--
	}
	if i < 0 {
		return 0, false, nil
	}
	start := i * runFence
	n := min(runFence, r.n-start)
	if cap(*buf) < n*entrySize {
		*buf = make([]byte, runFence*entrySize)
	}
	b := (*buf)[:n*entrySize]
	if _, err := r.f.ReadAt(b, int64(start)*entrySize); err != nil && !errors.Is(err, io.EOF) {
		return 0, false, err
	}
	lo, hi := 0, n
	for lo < hi {
		m := (lo + hi) / 2
		mk := binary.LittleEndian.Uint64(b[m*entrySize:])
		switch {
		case mk == k:
			return binary.LittleEndian.Uint32(b[m*entrySize+8:]), true, nil
		case mk < k:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false, nil
}

// runCursor reads a run in order, for merge.
type runCursor struct {
	r    *bufio.Reader
	k    uint64
	line uint32
	b    [entrySize]byte
}

func (c *runCursor) next() (bool, error) {
	if _, err := io.ReadFull(c.r, c.b[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		return false, err
	}
	c.k = binary.LittleEndian.Uint64(c.b[:8])
	c.line = binary.LittleEndian.Uint32(c.b[8:])
	return true, nil
}

type runHeap []*runCursor

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].k < h[j].k }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
