package sheet_test

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

func TestCSVSinkOutput(t *testing.T) {
	t.Parallel()
	cols := []sheet.Column{{Name: "Text"}, {Name: "Num", Kind: sheet.ColumnNumber}, {Name: "Id", Kind: sheet.ColumnText}}
	tests := []struct {
		name string
		opt  sheet.Options
		rows [][]any
		want string
	}{
		{"plain", sheet.Options{}, [][]any{{"Łódź", 5525.14, 101}},
			"Text,Num,Id\r\nŁódź,5525.14,101\r\n"},
		{"bom and semicolon", sheet.Options{BOM: true, Delimiter: ';'}, [][]any{{"a;b", "12", "007"}},
			"\xEF\xBB\xBFText;Num;Id\r\n\"a;b\";12;007\r\n"},
		{"formula-like strings neutralised", sheet.Options{}, [][]any{{"=SUM(A1)", "-5", "+48 601"}, {"@x", -5, "\tx"}, {"\rx", "x", "a=b"}},
			// encoding/csv with CRLF line endings drops a lone CR inside a field.
			"Text,Num,Id\r\n'=SUM(A1),-5,'+48 601\r\n'@x,-5,'\tx\r\n\"'x\",x,a=b\r\n"},
		{"raw", sheet.Options{Raw: true}, [][]any{{"=SUM(A1)", "-5", "@x"}},
			"Text,Num,Id\r\n=SUM(A1),-5,@x\r\n"},
		{"typed values", sheet.Options{}, [][]any{{time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), true, []string{"a", "b"}}, {nil, sheet.Cell{Text: "-1", Kind: sheet.KindNumber}, sheet.Cell{Text: "=x", Kind: sheet.KindText}}},
			"Text,Num,Id\r\n2024-03-15,TRUE,\"a, b\"\r\n,-1,'=x\r\n"},
		{"multi-line", sheet.Options{}, [][]any{{"a\nb", 1, "\"q\""}},
			"Text,Num,Id\r\n\"a\r\nb\",1,\"\"\"q\"\"\"\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := sheet.NewCSVSink(&buf, tt.opt)
			require.NoError(t, s.WriteHeader(cols))
			for _, r := range tt.rows {
				require.NoError(t, s.WriteRow(r))
			}
			require.NoError(t, s.Close())
			assert.Equal(t, tt.want, buf.String())
		})
	}
}

func TestSinkHeaderTwice(t *testing.T) {
	t.Parallel()
	for _, s := range []sheet.Sink{sheet.NewCSVSink(&bytes.Buffer{}, sheet.Options{}), sheet.NewXLSXSink(&bytes.Buffer{}, sheet.Options{})} {
		require.NoError(t, s.WriteHeader([]sheet.Column{{Name: "a"}}))
		assert.Error(t, s.WriteHeader([]sheet.Column{{Name: "a"}}))
		require.NoError(t, s.Close())
	}
}

func TestCSVSinkBadDelimiter(t *testing.T) {
	t.Parallel()
	s := sheet.NewCSVSink(&bytes.Buffer{}, sheet.Options{Delimiter: '"'})
	err := s.WriteHeader([]sheet.Column{{Name: "a"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot separate cells")
}

// TestXLSXSinkMarkedCells: Marked values keep their type and format and get
// a fill and a comment on their own cell; other cells stay unmarked; CSV
// writes the value alone. Read back with excelize and with openpyxl.
func TestXLSXSinkMarkedCells(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "m.xlsx")
	s, err := sheet.Create(path, sheet.Options{Sheet: "Kontakty"})
	require.NoError(t, err)
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, s.WriteHeader([]sheet.Column{{Name: "Firma"}, {Name: "E-mail"}, {Name: "Kod", Kind: sheet.ColumnText}, {Name: "Od"}}))
	require.NoError(t, s.WriteRow([]any{"ACME", sheet.Marked{Value: "jan@", Note: "not an e-mail address"}, "05-500", day}))
	require.NoError(t, s.WriteRow([]any{sheet.Marked{Value: nil, Note: "the cell is empty, but SalesMan needs a value for title"}, "a@b.pl",
		sheet.Marked{Value: "0012", Note: "bad postcode"}, sheet.Marked{Value: day, Note: "too early"}}))
	require.NoError(t, s.Close())

	sh, marks := sheettest.ReadMarks(t, path)
	assert.Equal(t, "Kontakty", sh)
	red := "FFC7CE"
	assert.Equal(t, map[string]sheettest.Mark{
		"B2": {Fill: red, Note: "not an e-mail address"},
		"A3": {Fill: red, Note: "the cell is empty, but SalesMan needs a value for title"},
		"C3": {Fill: red, Note: "bad postcode"},
		"D3": {Fill: red, Note: "too early"},
	}, marks, "the marked cells only")

	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer x.Close()
	for _, ref := range []string{"C2", "C3"} {
		id, err := x.GetCellStyle(sh, ref)
		require.NoError(t, err)
		st, err := x.GetStyle(id)
		require.NoError(t, err)
		assert.Equal(t, 49, st.NumFmt, "%s keeps the text format", ref)
	}
	id, err := x.GetCellStyle(sh, "D3")
	require.NoError(t, err)
	st, err := x.GetStyle(id)
	require.NoError(t, err)
	require.NotNil(t, st.CustomNumFmt)
	assert.Equal(t, "yyyy-mm-dd", *st.CustomNumFmt, "a marked date stays a date")
	v, err := x.GetCellValue(sh, "C3")
	require.NoError(t, err)
	assert.Equal(t, "0012", v)

	// It reads back as written: the marks change no value.
	src, err := sheet.Open(t.Context(), path, sheet.Options{})
	require.NoError(t, err)
	defer src.Close()
	var got [][]string
	for {
		r, err := src.Next()
		if err != nil {
			break
		}
		got = append(got, r.Texts())
	}
	assert.Equal(t, [][]string{{"ACME", "jan@", "05-500", "2024-05-01"}, {"", "a@b.pl", "0012", "2024-05-01"}}, got)

	title, notes := sheettest.OpenpyxlMarks(t, path)
	assert.Equal(t, "Kontakty", title)
	assert.Len(t, notes, 4)
	assert.Contains(t, notes["B2"], "not an e-mail address")
}

func TestCSVSinkMarkedIsTheValue(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	s := sheet.NewCSVSink(&b, sheet.Options{})
	require.NoError(t, s.WriteHeader([]sheet.Column{{Name: "a"}, {Name: "b"}}))
	require.NoError(t, s.WriteRow([]any{sheet.Marked{Value: "jan@", Note: "x"}, sheet.Marked{Value: "=1", Note: "y"}}))
	require.NoError(t, s.Close())
	assert.Equal(t, "a,b\r\njan@,'=1\r\n", b.String())
}

// TestXLSXSinkMarkedNotesCapped: past sheet.MaxNotes marked cells, cells
// are still filled, without a comment.
func TestXLSXSinkMarkedNotesCapped(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes thousands of comments")
	}
	path := filepath.Join(t.TempDir(), "m.xlsx")
	s, err := sheet.Create(path, sheet.Options{Sheet: "Kontakty"})
	require.NoError(t, err)
	require.NoError(t, s.WriteHeader([]sheet.Column{{Name: "E-mail"}}))
	n := sheet.MaxNotes + 2
	for range n {
		require.NoError(t, s.WriteRow([]any{sheet.Marked{Value: "jan@", Note: "not an e-mail address"}}))
	}
	require.NoError(t, s.Close())
	_, marks := sheettest.ReadMarks(t, path)
	require.Len(t, marks, n, "every marked cell is filled")
	notes := 0
	for _, m := range marks {
		assert.Equal(t, "FFC7CE", m.Fill)
		if m.Note != "" {
			notes++
		}
	}
	assert.Equal(t, sheet.MaxNotes, notes)
	last, _ := excelize.CoordinatesToCellName(1, n+1)
	assert.Empty(t, marks[last].Note)
}
