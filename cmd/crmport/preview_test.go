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
	head, rows := previewLines(t, samplePath("klienci-pl.csv"))
	assert.Equal(t, "file", head.Type)
	assert.Equal(t, "csv", head.Format)
	assert.Equal(t, "windows-1250", head.Encoding)
	assert.True(t, head.Detected)
	assert.Equal(t, ";", head.Delimiter)
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
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "preview", "--rows", "3", samplePath("klienci-pl.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "Encoding:   windows-1250 (detected)")
	assert.Contains(t, out, `Delimiter:  ";" (semicolon)`)
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
