package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet/sheettest"
)

// previewLines runs `crmport preview --json` and decodes its JSON lines.
func previewLines(t *testing.T, args ...string) (previewFile, []previewRow) {
	t.Helper()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, append([]string{"preview", "--json"}, args...)...)
	require.Equal(t, exitOK, code, stderr)
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	require.True(t, sc.Scan(), "no output")
	var head previewFile
	require.NoError(t, json.Unmarshal(sc.Bytes(), &head))
	var rows []previewRow
	for sc.Scan() {
		var r previewRow
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&r), sc.Text())
		rows = append(rows, r)
	}
	return head, rows
}

func TestPreviewJSONCSV(t *testing.T) {
	t.Parallel()
	head, rows := previewLines(t, samplePath("klienci-pl.csv"))
	assert.Equal(t, "file", head.Type)
	assert.Equal(t, "csv", head.Format)
	assert.Equal(t, "windows-1250", head.Encoding)
	assert.True(t, head.Detected)
	assert.Equal(t, "sure", head.EncodingSure)
	assert.Equal(t, ";", head.Delimiter)
	assert.Equal(t, "sure", head.DelimiterSure)
	assert.Equal(t, "crlf", head.LineEnds)
	assert.Equal(t, 1, head.HeaderRow)
	assert.Equal(t, "Imię", head.Header[1])

	// --json gives every row, not just the first ten.
	require.Greater(t, len(rows), 10)
	assert.Equal(t, "row", rows[0].Type)
	assert.Equal(t, 2, rows[0].Row)
	assert.Equal(t, previewCell{Text: "Łukasz", Kind: "text"}, rows[0].Cells[1])
	assert.Equal(t, previewCell{Text: "", Kind: "empty"}, rows[1].Cells[10])
	var blank bool
	for _, r := range rows {
		if r.Row == 10 {
			blank = r.Blank
		}
	}
	assert.True(t, blank, "row 10 of the sample is blank and says so")

	_, rows = previewLines(t, "--rows", "2", samplePath("klienci-pl.csv"))
	assert.Len(t, rows, 2, "--rows limits --json too when given")
}

func TestPreviewJSONXLSXKinds(t *testing.T) {
	t.Parallel()
	head, rows := previewLines(t, samplePath("klienci.xlsx"))
	assert.Equal(t, "xlsx", head.Format)
	assert.Equal(t, "Klienci", head.Sheet)
	assert.Equal(t, 3, head.HeaderRow)
	require.NotEmpty(t, rows)
	r := rows[0]
	assert.Equal(t, 4, r.Row)
	assert.Equal(t, previewCell{Text: "2019-05-14", Kind: "date"}, r.Cells[7])
	assert.Equal(t, previewCell{Text: "5525.14", Kind: "number"}, r.Cells[8])
	assert.Equal(t, previewCell{Text: "0048601234567", Kind: "text"}, r.Cells[4], "a phone stored as text stays text")
}

func TestPreviewText(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "preview", "--rows", "3", samplePath("klienci-pl.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "Encoding:   windows-1250 (detected, sure)")
	assert.Contains(t, out, `Delimiter:  ";" (semicolon) (detected, sure)`)
	assert.Contains(t, out, "Line ends:  CR LF (Windows)")
	assert.Contains(t, out, "Header:     row 1, 11 columns")
	assert.Contains(t, out, "Piekarnia Żytnia")
	assert.NotContains(t, out, "Winnica Lubuska", "row 6 is past --rows 3")
	assert.Contains(t, out, "--rows N shows more")
	for _, l := range strings.Split(out, "\n") {
		assert.Equal(t, strings.TrimRight(l, " "), l, "no trailing spaces")
	}

	// The hint works: --rows 0 shows every row.
	f, _ = testFactory()
	code, out, _ = execCrmport(t, f, "preview", "--rows", "0", samplePath("klienci-pl.csv"))
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "Winnica Lubuska")
	assert.Contains(t, out, "blank row (skipped by import)")
	assert.NotContains(t, out, "--rows N shows more")
}

func TestPreviewOptionsAndProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv")
	require.NoError(t, os.WriteFile(path, []byte("Name,Note\nJan,\"open quote\nAnna,ok\n"), 0o644))

	// A header-only file says so.
	only := filepath.Join(dir, "only.csv")
	require.NoError(t, os.WriteFile(only, []byte("Name;E-mail\n"), 0o644))
	f, _ := testFactory()
	code, out, _ := execCrmport(t, f, "preview", only)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "The file has a header but no data rows.")

	// A broken row is shown with its problem, and the rows after it still come.
	_, rows := previewLines(t, path)
	require.Len(t, rows, 2)
	assert.Equal(t, 2, rows[0].Row)
	assert.Contains(t, rows[0].Error, "never closed")
	assert.Equal(t, "Anna", rows[1].Cells[0].Text)

	// Given options win over detection.
	head, _ := previewLines(t, "--delimiter", ";", "--encoding", "utf-8", path)
	assert.Equal(t, ";", head.Delimiter)
	assert.False(t, head.Detected)
	assert.Equal(t, []string{"Name,Note"}, head.Header)

	f, _ = testFactory()
	code, _, stderr := execCrmport(t, f, "preview", "--rows", "-1", path)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--rows -1")

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "preview", filepath.Join(dir, "missing.csv"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "not found")
}

// loFixture is an entry of sheet/testdata/csv/manifest.json.
type loFixture struct {
	Name      string `json:"name"`
	Want      string `json:"want_encoding"`
	Delimiter string `json:"delimiter"`
	LineEnds  string `json:"line_ends"`
	Class     string `json:"class"`
}

// TestPreviewJSONMatchesLibreOffice runs `crmport preview --json` on every
// real-world-shaped CSV fixture (old Mac line ends, bank exports, the
// single-byte encodings of Europe) and compares each cell with what
// LibreOffice read from the same file: what a user sees in preview is what
// another program sees in the file.
func TestPreviewJSONMatchesLibreOffice(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "sheet", "testdata", "csv")
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var fixtures []loFixture
	require.NoError(t, json.Unmarshal(data, &fixtures))
	require.NotEmpty(t, fixtures)
	for _, fx := range fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			head, rows := previewLines(t, filepath.Join(dir, fx.Name+".csv"))
			assert.Equal(t, fx.Want, head.Encoding, fx.Class)
			assert.Equal(t, fx.Delimiter, head.Delimiter, fx.Class)
			assert.Equal(t, fx.LineEnds, head.LineEnds, fx.Class)
			want := sheettest.ReadLibreOffice(t, filepath.Join(dir, fx.Name+".lo.csv"), ';')
			got := map[int][]string{head.HeaderRow: head.Header}
			for _, r := range rows {
				require.Empty(t, r.Error, "row %d", r.Row)
				var cells []string
				for _, c := range append(r.Cells, r.Extra...) {
					cells = append(cells, c.Text)
				}
				got[r.Row] = cells
			}
			for line := head.HeaderRow; line <= len(want); line++ {
				assert.Equal(t, sheettest.LibreOfficeRow(want[line-1]), sheettest.LibreOfficeRow(got[line]), "row %d", line)
			}
			for line := range got {
				assert.LessOrEqual(t, line, len(want), "row %d is not in LibreOffice's reading", line)
			}
		})
	}
}

// TestPreviewJSONMatchesLibreOfficeXLSX runs `crmport preview --json` on
// the workbooks that reproduce real files the reader once got wrong
// (formatted rows above the table, a header of years, times of day, the
// active tab, part names in another case, backslashes, inline strings
// with a cached value) and compares title rows, header and data rows with
// what LibreOffice shows, cell by cell: no row and no cell may go missing.
func TestPreviewJSONMatchesLibreOfficeXLSX(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "sheet", "testdata", "realworld")
	for _, tt := range []struct{ file, sheet, lo string }{
		{"fill-rows-above.xlsx", "", "fill-rows-above-Arkusz1.csv"},
		{"years-header.xlsx", "", "years-header-Sprzedaż.csv"},
		{"times.xlsx", "", "times-Czas.csv"},
		{"active-tab.xlsx", "", "active-tab-Klienci.csv"},
		{"active-tab.xlsx", "Notatki", "active-tab-Notatki.csv"},
		{"case-parts.xlsx", "", "reference-shared-Klienci.csv"},
		{"backslash-names.xlsx", "", "reference-shared-Klienci.csv"},
		{"inline-with-v.xlsx", "", "reference-inline-Klienci.csv"},
	} {
		t.Run(tt.file+"/"+tt.sheet, func(t *testing.T) {
			args := []string{filepath.Join(dir, tt.file)}
			if tt.sheet != "" {
				args = append(args, "--sheet", tt.sheet)
			}
			head, rows := previewLines(t, args...)
			got := map[int][]string{head.HeaderRow: head.Header}
			for _, tr := range head.TitleRows {
				got[tr.Row] = tr.Cells
			}
			last := head.HeaderRow
			for _, r := range rows {
				require.Empty(t, r.Error, "row %d", r.Row)
				var cells []string
				for _, c := range append(r.Cells, r.Extra...) {
					cells = append(cells, c.Text)
				}
				got[r.Row] = cells
				last = max(last, r.Row)
			}
			want := sheettest.ReadLibreOffice(t, filepath.Join(dir, "libreoffice", tt.lo), ',')
			for line := 1; line <= max(last, len(want)); line++ {
				var w, g []string
				if line <= len(want) {
					w = want[line-1]
				}
				g = got[line]
				for i := range max(len(w), len(g)) {
					var wc, gc string
					if i < len(w) {
						wc = w[i]
					}
					if i < len(g) {
						gc = g[i]
					}
					if line == head.HeaderRow && wc == "" && gc == "Column "+string(rune('A'+i)) {
						continue // a column of values under an empty header cell is named (sheet.HeaderProblem)
					}
					assert.True(t, sheettest.SameAsLibreOffice(wc, gc), "row %d, column %d: LibreOffice shows %q, preview %q", line, i+1, wc, gc)
				}
			}
			if tt.file == "times.xlsx" {
				assert.Equal(t, previewCell{Text: "09:00", Kind: "time"}, rows[0].Cells[1])
			}
			if tt.file == "active-tab.xlsx" && tt.sheet == "" {
				assert.Equal(t, "Klienci", head.Sheet)
				assert.Equal(t, []string{"Podsumowanie", "Notatki"}, head.OtherSheets)
			}
		})
	}
}

func TestPreviewTextXLSXSaysWhatWasNotRead(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "preview", "--rows", "1", samplePath("klienci.xlsx"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "Sheet:      Klienci")
	assert.Contains(t, out, `Not read:   "Info" (also holds data; --sheet NAME reads it)`)
	assert.Contains(t, out, "Title:      row 1: Lista klientów")
	assert.Contains(t, out, "Header:     row 3, 9 columns")

	// The hint works: --sheet Info reads the other sheet.
	f, _ = testFactory()
	code, out, stderr = execCrmport(t, f, "preview", "--sheet", "Info", samplePath("klienci.xlsx"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "Sheet:      Info")
	assert.Contains(t, out, `Not read:   "Klienci"`)
}

// TestPreviewUnclearEncodingAdviceWorks: a file too short to tell French
// windows-1252 from Slovak windows-1250 is refused, and the --encoding the
// message suggests reads it right.
func TestPreviewUnclearEncodingAdviceWorks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fr.csv")
	require.NoError(t, os.WriteFile(path, []byte("Nom;Ville\nH\xe9l\xe8ne;Paris\n"), 0o644))
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "preview", path)
	require.Equal(t, exitError, code)
	assert.Contains(t, stderr, "cannot tell which encoding")
	assert.Contains(t, stderr, "--encoding windows-1252")

	_, rows := previewLines(t, "--encoding", "windows-1252", path)
	require.Len(t, rows, 1)
	assert.Equal(t, "Hélène", rows[0].Cells[0].Text)
}
