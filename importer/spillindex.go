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
)

// The duplicate check's index of value hashes keeps its memory bounded
// whatever the file's size (issue 18): up to spillSlots slots in memory
// (a hashIndex, 12 bytes a slot); past that its entries are written,
// sorted, to a temporary file (a run), and the memory is used again. A
// Bloom filter of fixed size says which hashes may be in some run, and
// each run keeps every runFence-th hash in memory, so a look-up that the
// filter lets through reads one block of each run. Runs are merged into
// one when there are more than maxRuns.
const (
	spillSlots = 1 << 19 // 6 MiB in memory, 393,216 values before a spill
	bloomBytes = 4 << 20 // 32 Mbit (a power of two): 0.2 % false hits with 2 million values on disk, 2.4 % with 4 million
	bloomProbe = 4
	runFence   = 128 // entries of a run between two hashes kept in memory
	maxRuns    = 6
	entrySize  = 12 // hash (8 bytes) + row (4), little-endian
)

// spillIndex maps 64-bit hashes to the row that first held them, like
// hashIndex, with memory bounded by spilling to temporary files.
type spillIndex struct {
	mem       hashIndex
	memSlots  int // the most slots mem may have before it spills
	runs      []*indexRun
	bloom     []uint64 // made at the first spill
	bloomBits uint64
	dir       string // "" = the system's temporary folder
	err       error  // the first error of a temporary file
	buf       []byte
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
	if s.memSlots > 0 && len(s.mem.keys) >= s.memSlots && (s.mem.n+1)*4 > len(s.mem.keys)*3 {
		if err := s.spill(); err != nil {
			// Keep going in memory: the check stays right, only its
			// memory grows.
			s.memSlots = 0
		}
	}
	s.mem.add(k, line)
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
		for i := range uint64(bloomProbe) {
			w, _ := s.bloomBit(k, i)
			v ^= s.bloom[w]
		}
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
		if w, bit := s.bloomBit(k, i); s.bloom[w]&bit == 0 {
			return false
		}
	}
	return true
}

func (s *spillIndex) remember(k uint64) {
	for i := range uint64(bloomProbe) {
		w, bit := s.bloomBit(k, i)
		s.bloom[w] |= bit
	}
}

// bloomBit is where the filter keeps k's i-th bit: a word of s.bloom and
// the bit in it (double hashing of k's two halves).
func (s *spillIndex) bloomBit(k, i uint64) (word int, bit uint64) {
	h1, h2 := k, k>>32|k<<32|1
	b := (h1 + i*h2) & (s.bloomBits - 1) // a power of two: no division
	return int(b / 64), 1 << (b % 64)
}

// spill writes the memory's entries as a sorted run and empties it.
func (s *spillIndex) spill() error {
	type entry struct {
		k    uint64
		line uint32
	}
	// The slots hold the keys by their top bits (hashIndex), so read in
	// slot order they are sorted but within a cluster of slots, and for
	// the cluster that wrapped round from the end to the start.
	es := make([]entry, 0, s.mem.n)
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
	if !insertionSorted(es, func(a, b entry) bool { return a.k < b.k }, 16*len(es)) {
		// Keys clustered beyond what a uniform hash gives: sort them.
		slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.k, b.k) })
	}
	w, err := s.newRun()
	if err != nil {
		return err
	}
	for _, e := range es {
		if err := w.put(e.k, e.line); err != nil {
			w.discard()
			return err
		}
	}
	r, err := w.finish()
	if err != nil {
		return err
	}
	if s.bloom == nil {
		s.bloom = make([]uint64, bloomBytes/8)
		s.bloomBits = uint64(len(s.bloom)) * 64
	}
	for _, e := range es {
		s.remember(e.k)
	}
	s.runs = append(s.runs, r)
	clear(s.mem.keys)
	s.mem.n = 0
	if len(s.runs) > maxRuns {
		// A merge that fails (a full disk) leaves every run as it was:
		// look-ups go on reading one block more, and the next spill
		// tries again.
		_ = s.merge()
	}
	return nil
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

// merge replaces the runs by one: a look-up then reads one block.
func (s *spillIndex) merge() error {
	w, err := s.newRun()
	if err != nil {
		return err
	}
	h := &runHeap{}
	for _, r := range s.runs {
		c := &runCursor{r: bufio.NewReaderSize(io.NewSectionReader(r.f, 0, int64(r.n)*entrySize), 64<<10)}
		ok, err := c.next()
		if err != nil {
			w.discard()
			return err
		}
		if ok {
			heap.Push(h, c)
		}
	}
	for h.Len() > 0 {
		c := (*h)[0]
		if err := w.put(c.k, c.line); err != nil {
			w.discard()
			return err
		}
		ok, err := c.next()
		if err != nil {
			w.discard()
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	r, err := w.finish()
	if err != nil {
		return err
	}
	for _, old := range s.runs {
		old.remove()
	}
	s.runs = []*indexRun{r}
	return nil
}

// close removes the temporary files.
func (s *spillIndex) close() {
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
