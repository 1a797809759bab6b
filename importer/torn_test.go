package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A process killed while writing a journal line can leave the line cut
// short at the end of the file (a write of several pages stops early on
// SIGKILL). The next run ignores it, but used to append after it, so the
// fragment and that run's first line became one damaged line in the
// middle of the journal, and the run after that refused the journal
// ("damaged ... --restart", exit 1). Found by the kill loop of issue 11.
func TestRunAfterATornJournalLine(t *testing.T) {
	rows := table(40)
	rows[4][0] = "REJECT" // row 6 fails, so every run sends it again
	v := newMemVendor(5)
	opt := setup(t, t.TempDir(), rows, wrap(v))
	s, err := runWithin(t, opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)

	torn := func() {
		f, err := os.OpenFile(s.Reports.Journal, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.WriteString(`{"row":41,"status":"crea`) // killed mid-line
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	for run := 2; run <= 4; run++ {
		torn()
		s, err = runWithin(t, opt)
		require.ErrorIs(t, err, ErrSomeRowsFailed, "run %d", run)
		assert.Equal(t, 39, s.Resumed, "run %d", run)
		checkInvariant(t, s, rows)
	}
	got := v.emails()
	assert.Len(t, got, 39)
	for e, n := range got {
		assert.Equal(t, 1, n, e)
	}
}

func TestCutTornTail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"h\n", "h\n"},
		{"h\na\nb\n", "h\na\nb\n"},
		{"h\na\nb", "h\na\n"},
		{"h", ""},
		{"h\n" + strings.Repeat("x", 200_000), "h\n"}, // a torn line longer than one read
	}
	for _, tt := range tests {
		p := filepath.Join(t.TempDir(), "j")
		require.NoError(t, os.WriteFile(p, []byte(tt.in), 0o644))
		require.NoError(t, cutTornTail(p))
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(b), "%.20q", tt.in)
	}
	require.NoError(t, cutTornTail(filepath.Join(t.TempDir(), "missing")))
}
