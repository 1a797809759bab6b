package importer

import (
	"math/rand/v2"
	"os"
	"path/filepath"
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
		got, ok := s.get(k)
		first, seen := want[k]
		require.Equal(t, seen, ok, "row %d", line)
		require.Equal(t, first, got, "row %d", line)
		if !seen {
			s.insert(k, line)
			want[k] = line
		}
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

	s.close()
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, files, "temporary files removed")
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
