package importer

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small memory bound makes the index spill and merge many times: every
// hash still finds the first row that held it, a hash seen again keeps
// that row, and closing removes the temporary files.
func TestSpillIndexMatchesAMap(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := &spillIndex{memSlots: 1024, dir: dir}
	want := map[uint64]uint32{}
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []uint64
	for line := uint32(2); line < 20_000; line++ { // about 23 spills and 3 merges
		var k uint64
		if len(keys) > 0 && rng.IntN(10) == 0 {
			k = keys[rng.IntN(len(keys))] // seen before: a duplicate
		} else {
			k = rng.Uint64()
			if line == 5 {
				k = 0 // the hash 0 is a hash like any other
			}
			keys = append(keys, k)
		}
		lookUpAndAdd(t, s, want, k, line)
	}
	require.NoError(t, s.failed())
	assert.NotEmpty(t, s.runs, "spilled")
	assert.LessOrEqual(t, len(s.runs), maxRuns, "merged")
	assert.LessOrEqual(t, len(s.mem.keys), 1024, "memory stays at its bound")
	for k, line := range want {
		got, ok := s.get(k)
		require.True(t, ok)
		require.Equal(t, line, got)
	}
	misses := 0
	for range 10_000 {
		if _, ok := s.get(rng.Uint64()); ok {
			misses++
		}
	}
	assert.Zero(t, misses, "hashes never added are not found")

	closeAndCheckRemoved(t, s, dir)
}

// While a spill is being written its entries are found, and so are the
// earlier runs' and the ones added since; once it is taken in, they are
// found in its run. A run that cannot be written puts its entries back in
// memory, which then grows instead of spilling: every row still found.
func TestSpillIndexWhileASpillIsWritten(t *testing.T) {
	t.Parallel()
	for _, failing := range []bool{false, true} {
		t.Run(fmt.Sprint("failing=", failing), func(t *testing.T) {
			dir := t.TempDir()
			s := &spillIndex{memSlots: 1024, dir: dir}
			hold := make(chan struct{})
			var held atomic.Int32
			s.beforeWrite = func(w *runWriter) {
				if held.Add(1) == 2 { // the second spill waits, and maybe fails
					<-hold
					if failing {
						require.NoError(t, w.f.Close())
					}
				}
			}
			want := map[uint64]uint32{}
			check := func() {
				for k, line := range want {
					got, ok := s.get(k)
					require.True(t, ok, "hash %x", k)
					require.Equal(t, line, got)
				}
			}
			line := uint32(2)
			add := func() {
				k := uint64(line) * 0x2545F4914F6CDD1D
				_, ok := s.get(k)
				require.False(t, ok)
				s.insert(k, line)
				want[k] = line
				line++
			}
			for len(s.runs) == 0 || s.job == nil { // the first spill taken in, the second started
				add()
			}
			pending := s.job
			for range 500 { // fewer than a spill's worth: the second waits
				add()
			}
			check()
			require.Same(t, pending, s.job, "still being written")
			close(hold)
			<-pending.done
			add() // takes it in
			require.Nil(t, s.job)
			check()
			if failing {
				assert.Zero(t, s.memSlots, "no more spills once one could not be written")
				assert.Len(t, s.runs, 1)
				for range 3000 {
					add()
				}
				check()
			} else {
				assert.Len(t, s.runs, 2)
			}
			require.NoError(t, s.failed())
			closeAndCheckRemoved(t, s, dir)
		})
	}
}

// The Bloom filter sends few look-ups of hashes never added to the disk:
// under 0.3 % with 2 million hashes in runs (its design: 0.2 %), under
// 3 % with 4 million; and never turns away one that was added. (Measured
// on a filter an eighth of the size with an eighth of the hashes: the
// same bits a hash, quicker under -race.)
func TestSpillIndexBloomFalseHits(t *testing.T) {
	t.Parallel()
	const scale = 8
	s := &spillIndex{bloom: make([]uint64, bloomBytes/8/scale), bloomBits: bloomBytes * 8 / scale}
	rng := rand.New(rand.NewPCG(7, 8))
	added := make([]uint64, 0, 4_000_000/scale)
	for _, tc := range []struct {
		n   int
		max float64
	}{{2_000_000 / scale, 0.003}, {4_000_000 / scale, 0.03}} {
		for len(added) < tc.n {
			k := spread(rng.Uint64())
			s.remember(k)
			added = append(added, k)
		}
		hits := 0
		const tries = 200_000
		for range tries {
			if s.mayHold(spread(rng.Uint64())) {
				hits++
			}
		}
		rate := float64(hits) / tries
		t.Logf("%d hashes (as %d in the full filter): %.3f %% false hits", tc.n, tc.n*scale, 100*rate)
		assert.Less(t, rate, tc.max, "%d hashes", tc.n)
	}
	for _, k := range added[:50_000] {
		require.True(t, s.mayHold(k))
	}
}

// With a bound past the size from which the index makes its memory
// ahead (warmUp: the next table once half full, the spills' buffer before
// the first spill), every hash still finds its first row across the
// tables grown into, the spills and a merge.
func TestSpillIndexWithMemoryMadeAhead(t *testing.T) {
	t.Parallel()
	s := &spillIndex{memSlots: 1 << 16, dir: t.TempDir()}
	defer s.close()
	want := map[uint64]uint32{}
	rng := rand.New(rand.NewPCG(9, 10))
	var keys []uint64
	grewInto := 0
	for line := uint32(2); line < 400_000; line++ { // 7 spills of 49,152 values, a merge
		k := rng.Uint64()
		if len(keys) > 0 && rng.IntN(8) == 0 {
			k = keys[rng.IntN(len(keys))]
		} else {
			keys = append(keys, k)
		}
		before := len(s.mem.keys)
		lookUpAndAdd(t, s, want, k, line)
		if len(s.mem.keys) > before && before >= 1<<14 {
			grewInto++
		}
	}
	require.NoError(t, s.failed())
	assert.Equal(t, 2, grewInto, "grown from 16K to 32K and 64K slots")
	assert.NotNil(t, s.es, "the spills' buffer")
	assert.LessOrEqual(t, len(s.mem.keys), 1<<16)
	for _, k := range keys[:20_000] { // the oldest: in the runs
		got, ok := s.get(k)
		require.True(t, ok)
		require.Equal(t, want[k], got)
	}
}

// closeAndCheckRemoved closes s and checks that its temporary files, in
// dir, are gone.
func closeAndCheckRemoved(t *testing.T, s *spillIndex, dir string) {
	t.Helper()
	s.close()
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, files, "temporary files removed")
}

// lookUpAndAdd does what the duplicate check does with hash k of row
// line, checking the index against want (a map of the same): k is found
// at its first row when seen before, else added.
func lookUpAndAdd(t *testing.T, s *spillIndex, want map[uint64]uint32, k uint64, line uint32) {
	t.Helper()
	got, ok := s.get(k)
	first, seen := want[k]
	require.Equal(t, seen, ok, "row %d", line)
	require.Equal(t, first, got, "row %d", line)
	if !seen {
		s.insert(k, line)
		want[k] = line
	}
}

// A run that cannot be read back is an error the import stops on, never a
// row silently taken for a new client.
func TestSpillIndexReadErrorIsReported(t *testing.T) {
	t.Parallel()
	s := &spillIndex{memSlots: 1024, dir: t.TempDir()}
	defer s.close()
	for i := range uint64(2000) {
		s.insert(i*0x9E3779B97F4A7C15+7, uint32(i+2))
	}
	require.NotEmpty(t, s.runs)
	require.NoError(t, s.runs[0].f.Close())
	for i := range uint64(2000) {
		s.get(i*0x9E3779B97F4A7C15 + 7)
	}
	require.Error(t, s.failed())
	assert.Contains(t, s.failed().Error(), "cannot read the duplicate check's temporary file")
}

// A folder where no temporary file can be made keeps the index in memory:
// slower to hold, never wrong.
func TestSpillIndexWithoutDiskStaysInMemory(t *testing.T) {
	t.Parallel()
	s := &spillIndex{memSlots: 1024, dir: filepath.Join(t.TempDir(), "missing")}
	defer s.close()
	for i := range uint64(5000) {
		s.insert(i*0x9E3779B97F4A7C15+7, uint32(i+2))
	}
	require.NoError(t, s.failed())
	assert.Empty(t, s.runs)
	for i := range uint64(5000) {
		l, ok := s.get(i*0x9E3779B97F4A7C15 + 7)
		require.True(t, ok)
		assert.Equal(t, uint32(i+2), l)
	}
}

// BenchmarkSpillIndex looks up and adds 2,000,000 new hashes, as the
// duplicate check of a million rows with two rules does: four spills to
// disk and the look-ups past them.
func BenchmarkSpillIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := make([]uint64, 2_000_000)
	for i := range keys {
		keys[i] = rng.Uint64()
	}
	for b.Loop() {
		s := newSpillIndex()
		s.dir = b.TempDir()
		for i, k := range keys {
			if _, ok := s.get(k); !ok {
				s.insert(k, uint32(i+2))
			}
		}
		if err := s.failed(); err != nil {
			b.Fatal(err)
		}
		s.close()
	}
}

// Hashes that crowd into one cluster of slots (what no uniform hash does,
// but a file could) are still spilled sorted: past its budget of moves
// the insertion sort gives way to a full sort, and every look-up finds
// its row.
func TestSpillIndexClusteredHashes(t *testing.T) {
	t.Parallel()
	inv := uint64(0x9e3779b97f4a7c15) // its inverse modulo 2^64, by Newton's method
	for range 5 {
		inv *= 2 - 0x9e3779b97f4a7c15*inv
	}
	require.Equal(t, uint64(1), inv*0x9e3779b97f4a7c15)
	s := &spillIndex{memSlots: 1024, dir: t.TempDir()}
	defer s.close()
	want := map[uint64]uint32{}
	rng := rand.New(rand.NewPCG(5, 6))
	for line := uint32(2); line < 5_000; line++ {
		m := 0xabc0_0000_0000_0000 | rng.Uint64()>>20 // the same top bits
		k := m * inv                                  // spread(k) == m
		if _, seen := want[k]; seen {
			continue
		}
		_, ok := s.get(k)
		require.False(t, ok, "row %d", line)
		s.insert(k, line)
		want[k] = line
	}
	require.NoError(t, s.failed())
	require.NotEmpty(t, s.runs, "spilled")
	for k, line := range want {
		got, ok := s.get(k)
		require.True(t, ok)
		require.Equal(t, line, got)
	}
}

func TestInsertionSortedBudget(t *testing.T) {
	t.Parallel()
	less := func(a, b int) bool { return a < b }
	near := []int{1, 3, 2, 4, 6, 5, 7}
	assert.True(t, insertionSorted(near, less, 2))
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7}, near)
	far := []int{7, 6, 5, 4, 3, 2, 1}
	assert.False(t, insertionSorted(far, less, 5), "more moves than the budget")
	assert.ElementsMatch(t, []int{1, 2, 3, 4, 5, 6, 7}, far, "nothing lost when it gives up")
}

// TestPlainEmailKeepsWhatTheGeneralWayKeeps checks the one-look path of
// the e-mail rule (plainEmail) against the general one (split, trim,
// lower-case, "@"): for every string of up to 5 characters made of bytes
// that matter to either, the value kept is the same, and the short path
// is taken for the plain addresses it is for.
func TestPlainEmailKeepsWhatTheGeneralWayKeeps(t *testing.T) {
	t.Parallel()
	general := func(s string) []string {
		var kept []string
		for _, p := range appendSplit(nil, s) {
			if p = strings.ToLower(p); strings.Contains(p, "@") {
				kept = append(kept, p)
			}
		}
		return kept
	}
	alphabet := []string{"a", "Z", "@", " ", "\t", ",", ";", "\n", ".", "ł", "\u00a0", "Ł"}
	var each func(prefix string, n int)
	taken := 0
	each = func(prefix string, n int) {
		if plainEmail(prefix) {
			taken++
			require.Equal(t, []string{prefix}, general(prefix), "%q", prefix)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			each(prefix+c, n-1)
		}
	}
	each("", 5)
	assert.Greater(t, taken, 1000)
	assert.True(t, plainEmail("jan.kowalski@firma.pl"))
	assert.False(t, plainEmail("Jan@firma.pl"))
	assert.False(t, plainEmail(" jan@firma.pl"))
	assert.False(t, plainEmail("jan@firma.pl;ewa@firma.pl"))
}
