package job

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

type step struct {
	line  int
	text  string
	blank bool
	err   string
}

// readSteps reads src to its end, row by row, as the importer does.
func readSteps(t *testing.T, src sheet.Source) []step {
	t.Helper()
	var out []step
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		s := step{line: row.Line, blank: row.Blank}
		if len(row.Cells) > 0 {
			s.text = row.Cells[0].Text
		}
		if err != nil {
			s.err = err.Error()
			if re, ok := sheet.AsRowError(err); ok {
				s.line = re.Line
			}
		}
		out = append(out, s)
		require.Less(t, len(out), 10000)
	}
}

// TestPeekFirstRowsGivesEveryRowAgain checks that the source an import
// reads after the region evidence was taken from it gives exactly what
// the file gives, blank and broken rows included, and that the evidence
// is what mapping check reads.
func TestPeekFirstRowsGivesEveryRowAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "klienci.csv")
	// A blank row near the top; a row that is not UTF-8 (a *sheet.RowError)
	// past what the source samples to tell the encoding (~100 KB in).
	data := "Firma;Telefon\nAcme;+48 601 000 001\n;\nGamma;+48 22 555 01 01\n"
	for i := range 3500 {
		if i == 3000 {
			data += "Beta;+48 22 \xff\n"
		}
		data += "Firma " + string(rune('A'+i%26)) + ";+7 912 884 45 55\n"
	}
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	open := func() sheet.Source {
		src, err := sheet.Open(ctx, path, sheet.Options{Encoding: "utf-8"})
		require.NoError(t, err)
		t.Cleanup(func() { src.Close() })
		return src
	}
	want := readSteps(t, open())
	require.Contains(t, want, step{line: 3, blank: true})
	var broken bool
	for _, s := range want {
		broken = broken || s.err != ""
	}
	require.True(t, broken, "the file has a row that is not UTF-8 (a *sheet.RowError): %v", want)

	for _, n := range []int{1, 3, 10, mapping.CheckRowsLimit, 5000} {
		src := open()
		info := src.Info()
		sample, replay := peekFirstRows(src, n)
		wantSample, err := mapping.FirstRows(open(), n)
		require.NoError(t, err)
		assert.Equal(t, wantSample, sample, "n=%d: the rows mapping check reads", n)
		assert.Equal(t, info, replay.Info(), "n=%d: Info as opened", n)
		assert.Equal(t, want, readSteps(t, replay), "n=%d: every row again, then the rest", n)
	}

	// A reader that reads the source directly once the replay only passes
	// its rows on (sheet.Passthrough, as the importer does) reads the same.
	src := open()
	_, replay := peekFirstRows(src, mapping.CheckRowsLimit)
	through := replay.(sheet.Passthrough)
	var got []step
	var cur sheet.Source = replay
	for {
		if s := through.Through(); s != nil && cur == replay {
			// Only once it gave every row it read again: those with
			// values, and the blank one among them.
			assert.Equal(t, mapping.CheckRowsLimit+1, len(got))
			cur = s
		}
		rest := readSteps(t, &oneRow{cur})
		if len(rest) == 0 {
			break
		}
		got = append(got, rest...)
	}
	assert.Equal(t, want, got)
	assert.NotSame(t, replay, cur, "the replay passed its source on")
}

// oneRow gives one row of its source, then io.EOF.
type oneRow struct{ sheet.Source }

func (o *oneRow) Next() (sheet.Row, error) {
	if o.Source == nil {
		return sheet.Row{}, io.EOF
	}
	row, err := o.Source.Next()
	if errors.Is(err, io.EOF) {
		o.Source = nil
		return row, err
	}
	o.Source = nil
	return row, err
}
