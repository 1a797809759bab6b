package sheet_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// TestGivenUTF8ThatIsNot: a mapping that says encoding: utf-8 for a file
// Excel saved as windows-1250 must not turn every Polish letter into "�":
// it is refused at once, naming the encoding it looks like; bytes that are
// not UTF-8 past the sample make their row an error instead.
func TestGivenUTF8ThatIsNot(t *testing.T) {
	t.Parallel()
	_, err := sheet.NewCSVSource(strings.NewReader("Nazwisko;Miasto\nW\xf3jcik;\xa3\xf3d\x9f\nZieli\xf1ski;Pozna\xf1\n"), sheet.Options{Encoding: "utf-8"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the file is not UTF-8 although utf-8 was given")
	assert.Contains(t, err.Error(), "encoding: windows-1250")

	// The advice works: the named encoding reads the letters right.
	src, err := sheet.NewCSVSource(strings.NewReader("Nazwisko;Miasto\nW\xf3jcik;\xa3\xf3d\x9f\n"), sheet.Options{Encoding: "windows-1250"})
	require.NoError(t, err)
	row, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, []string{"Wójcik", "Łódź"}, row.Texts())

	// Past the first 64 KiB: the row is reported, the others are read.
	var b strings.Builder
	b.WriteString("Nazwisko;Miasto\n")
	for b.Len() < 80<<10 {
		b.WriteString("Nowak;Warszawa\n")
	}
	b.WriteString("W\xf3jcik;Lodz\nKowalski;Krakow\n")
	src, err = sheet.NewCSVSource(strings.NewReader(b.String()), sheet.Options{Encoding: "utf-8"})
	require.NoError(t, err)
	var rowErr *sheet.RowError
	var after []string
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.As(err, &rowErr) {
			continue
		}
		require.NoError(t, err)
		after = row.Texts()
	}
	require.NotNil(t, rowErr, "the row with bytes that are not UTF-8 is reported")
	assert.Contains(t, rowErr.Error(), "not UTF-8")
	require.Len(t, rowErr.Cells, 2, "the row's cells go to the error report")
	assert.Equal(t, "W\uFFFDjcik", rowErr.Cells[0].Text)
	assert.Equal(t, "Lodz", rowErr.Cells[1].Text)
	assert.Equal(t, []string{"Kowalski", "Krakow"}, after, "reading goes on after it")
}

// TestUnclearShortPolishOffersWindows1250: one Polish letter is too little
// evidence to be sure, but the encoding Polish Excel writes is always one
// of the two offered — first — and reads the letter right.
func TestUnclearShortPolishOffersWindows1250(t *testing.T) {
	t.Parallel()
	for _, line := range []string{"\xafak;Sanok", "\x8cliwa;Sanok", "\xc6wik;Gda\xf1sk"} {
		_, err := sheet.NewCSVSource(strings.NewReader("Nazwisko;Miasto\n"+line+"\n"), sheet.Options{})
		if err == nil {
			continue // sure enough to read: nothing to offer
		}
		assert.Contains(t, err.Error(), "read as windows-1250 (Polish) a line says", line)
		assert.Contains(t, err.Error(), "--encoding windows-1250", line)
	}
	src, err := sheet.NewCSVSource(strings.NewReader("Nazwisko;Miasto\n\xafak;Sanok\n"), sheet.Options{Encoding: "windows-1250"})
	require.NoError(t, err)
	row, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, "Żak", row.Cells[0].Text)
}
