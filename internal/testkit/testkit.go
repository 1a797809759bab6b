// Package testkit holds small helpers shared by the tests of several
// packages (a _test.go file cannot be imported).
package testkit

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// SyncBuffer is a bytes.Buffer that one goroutine (a server, a child
// process's output copier) writes while a test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// DirFiles returns the name and content of every file in dir, to compare
// a folder before and after a run (a subfolder fails the test).
func DirFiles(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = string(b)
	}
	return out
}

// Openpyxl runs a Python script with /usr/bin/python3 (Debian's, which
// .ci/run gives python3-openpyxl) and the arguments, and returns what it
// printed. It skips the test when that Python or its openpyxl is missing:
// one process, no separate check (starting Python and importing openpyxl
// is most of such a test's time).
func Openpyxl(t testing.TB, script string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", append([]string{"-c", script}, args...)...).CombinedOutput()
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		t.Skip("/usr/bin/python3 is not installed")
	}
	if err != nil && bytes.Contains(out, []byte("No module named 'openpyxl'")) {
		t.Skip("python3-openpyxl is not installed")
	}
	require.NoError(t, err, string(out))
	return out
}
