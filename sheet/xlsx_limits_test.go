package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassifyFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want numFormat
	}{
		{"yyyy-mm-dd", fmtDate},
		{"dd.mm.yyyy hh:mm", fmtDate},
		{"[$-415]d mmmm yyyy;@", fmtDate},
		{"mmm", fmtDate},
		{"hh:mm", fmtClock},
		{"h:mm AM/PM", fmtClock},
		{"[$-F400]h:mm:ss\\ AM/PM", fmtClockSec},
		{"mm:ss", fmtClockSec},
		{"h\"h\"mm", fmtClock},
		{"[h]:mm", fmtElapsed},
		{"[h]:mm:ss", fmtElapsedSec},
		{"[mm]:ss", fmtElapsedSec},
		{"[Red]#,##0", fmtNumber},
		{"0.00%", fmtNumber},
		{"General", fmtNumber},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			assert.Equal(t, tt.want, classifyFormat(tt.code))
		})
	}
	assert.Equal(t, fmtClock, builtinFormat(20))
	assert.Equal(t, fmtClockSec, builtinFormat(21))
	assert.Equal(t, fmtElapsedSec, builtinFormat(46))
	assert.Equal(t, fmtDate, builtinFormat(22))
}

func TestTimeCells(t *testing.T) {
	t.Parallel()
	rr := &rowReader{formats: []numFormat{fmtNumber, fmtClock, fmtClockSec, fmtElapsed, fmtDate}}
	tests := []struct {
		style int
		raw   string
		want  string
		kind  CellKind
	}{
		{1, "0.375", "09:00", KindTime},
		{2, "0.64603009259259256", "15:30:17", KindTime},
		{2, "0.6460370370370371", "15:30:17", KindTime}, // 17.6 s: Excel shows :17
		{2, "0.99999999999", "00:00:00", KindTime},      // a hair before midnight rounds to it
		{3, "1.1458333333333333", "27:30", KindTime},
		{1, "45366.375", "2024-03-15 09:00:00", KindDate}, // a day and a time in a time format keeps the day
		{4, "45366.375", "2024-03-15 09:00:00", KindDate},
		{1, "-0.5", "-0.5", KindNumber},
		{0, "0.375", "0.375", KindNumber},
	}
	for _, tt := range tests {
		c := rr.cell("", tt.style, []byte(tt.raw))
		assert.Equal(t, tt.want, c.Text, tt.raw)
		assert.Equal(t, tt.kind, c.Kind, tt.raw)
	}
}

// book packs parts into a workbook with one sheet (sheet1.xml) and returns
// a source reading it, or the error opening it.
func openParts(t *testing.T, entries map[string]string, raw ...rawEntry) (*xlsxSource, error) {
	t.Helper()
	base := map[string]string{
		"_rels/.rels":                `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
	}
	for k, v := range entries {
		base[k] = v
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range base {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = io.WriteString(w, data)
		require.NoError(t, err)
	}
	for _, r := range raw {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: r.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(r.data)),
			CompressedSize64: uint64(len(r.data)), UncompressedSize64: r.claimed, Flags: r.flags})
		require.NoError(t, err)
		_, err = io.WriteString(w, r.data)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	return newXLSXSource(context.Background(), zr, nil, Options{})
}

// rawEntry is a zip entry written as is, with the unpacked size it claims.
type rawEntry struct {
	name, data string
	claimed    uint64
	flags      uint16
}

func sheetXML(rows string) string {
	return `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>` + rows + `</sheetData></worksheet>`
}

// readRows reads every row, keeping row errors.
func readRows(t *testing.T, s *xlsxSource) ([]Row, []error) {
	t.Helper()
	var rows []Row
	var errs []error
	for {
		r, err := s.Next()
		if errors.Is(err, io.EOF) {
			return rows, errs
		}
		if err != nil {
			errs = append(errs, err)
			var re *RowError
			if !errors.As(err, &re) {
				return rows, errs
			}
			continue
		}
		rows = append(rows, r)
	}
}

func TestXLSXLimits(t *testing.T) {
	t.Parallel()
	t.Run("row beyond Excel's last", func(t *testing.T) {
		_, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="2"><c><v>1</v></c><c><v>2</v></c></row><row r="1048577"><c><v>1</v></c></row>`)})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "names row 1048577, beyond Excel's last row (1048576): the file is damaged")
	})
	t.Run("cell beyond column XFD", func(t *testing.T) {
		_, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="2"><c r="XFD2"><v>1</v></c><c><v>2</v></c></row>`)})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "row 2: a cell lies beyond Excel's last column (XFD)")
	})
	t.Run("cell longer than Excel allows", func(t *testing.T) {
		long := strings.Repeat("x", maxCellBytes+10)
		s, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(`<row r="2"><c t="inlineStr"><is><t>ok</t></is></c><c t="inlineStr"><is><t>` + long + `</t></is></c></row><row r="3"><c t="inlineStr"><is><t>next</t></is></c></row>`)})
		require.NoError(t, err)
		rows, errs := readRows(t, s)
		require.Len(t, errs, 1)
		var re *RowError
		require.ErrorAs(t, errs[0], &re)
		assert.Equal(t, 2, re.Line)
		assert.Contains(t, re.Error(), "row 2: column B holds more than 32767 characters")
		assert.Equal(t, "ok", re.Cells[0].Text, "the row's cells go to the error report")
		require.Len(t, rows, 1)
		assert.Equal(t, "next", rows[0].Cells[0].Text, "reading goes on")
	})
	t.Run("part unpacking past the limit", func(t *testing.T) {
		_, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML("")},
			rawEntry{name: "xl/sharedStrings.xml", data: "<sst/>", claimed: 2 << 30})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the shared text table unpacks to 2048 MiB, more than crmport reads (1024 MiB)")
	})
	t.Run("zip bomb", func(t *testing.T) {
		_, err := openParts(t, nil, rawEntry{name: "xl/worksheets/sheet1.xml", data: sheetXML(""), claimed: 300 << 20})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `sheet "S" unpacks from 0 KiB to 300 MiB, far more than real sheets do`)
	})
	t.Run("encrypted zip entry", func(t *testing.T) {
		_, err := openParts(t, nil, rawEntry{name: "xl/worksheets/sheet1.xml", data: sheetXML(""), claimed: uint64(len(sheetXML(""))), flags: 1})
		require.ErrorIs(t, err, errPasswordProtected)
	})
	t.Run("duplicate part differing in case", func(t *testing.T) {
		_, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(""), "XL/Worksheets/Sheet1.xml": sheetXML("")})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "twice")
	})
}

func TestXLSXCells(t *testing.T) {
	t.Parallel()
	t.Run("inline string with a cached value, cells out of order", func(t *testing.T) {
		s, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": sheetXML(
			`<row r="2"><c r="A2" t="inlineStr"><is><t>1.01.</t></is><v>1.01.</v></c><c r="B2" t="inlineStr"><v>only v</v></c></row>` +
				`<row r="3"><c r="B3"><v>2</v></c><c r="A3"><v>1</v></c></row>`)})
		require.NoError(t, err)
		rows, errs := readRows(t, s)
		require.Empty(t, errs)
		require.Len(t, rows, 2)
		assert.Equal(t, []string{"1.01.", "only v"}, rows[0].Texts())
		assert.Equal(t, []string{"1", "2"}, rows[1].Texts(), "a cell before an earlier one does not cut the row")
	})
	t.Run("shared strings by a part name in another case", func(t *testing.T) {
		s, err := openParts(t, map[string]string{
			"xl/worksheets/sheet1.xml": sheetXML(`<row r="2"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>`),
			"xl/SharedStrings.xml":     `<sst><si><t>Jan</t></si><si><t>Łódź</t></si></sst>`,
		})
		require.NoError(t, err)
		rows, _ := readRows(t, s)
		require.Len(t, rows, 1)
		assert.Equal(t, []string{"Jan", "Łódź"}, rows[0].Texts())
	})
}

func TestPickHeader(t *testing.T) {
	t.Parallel()
	text := func(vals ...string) rawRow {
		r := rawRow{}
		for _, v := range vals {
			if v == "" {
				r.cells = append(r.cells, Cell{})
			} else {
				r.cells = append(r.cells, Cell{Text: v, Kind: KindText})
			}
		}
		return r
	}
	nums := func(first string, vals ...string) rawRow {
		r := text(first)
		for _, v := range vals {
			r.cells = append(r.cells, Cell{Text: v, Kind: KindNumber})
		}
		return r
	}
	tests := []struct {
		name     string
		rows     []rawRow
		expected []string
		want     int
	}{
		{"years", []rawRow{text("Sprzedaż"), nums("", "2005", "2006", "2007"), nums("Mazowieckie", "1.5", "2", "3"), nums("Pomorskie", "4", "5", "6.5")}, nil, 1},
		{"repeated numbers are data", []rawRow{nums("", "1", "1", "2"), text("Firma", "Miasto", "Kraj", "Kod"), text("a", "b", "c", "d")}, nil, 1},
		{"notes row wins without a mapping", []rawRow{text("Raport", "system", "nie edytować"), text("Nazwisko", "Imię", "E-mail", "Miasto"), text("a", "b", "c", "d"), text("e", "f", "g", "h")}, nil, 0},
		{"mapping's names win", []rawRow{text("Raport", "system", "nie edytować"), text("Nazwisko", "Imię", "E-mail", "Miasto"), text("a", "b", "c", "d"), text("e", "f", "g", "h")}, []string{"nazwisko", "IMIĘ", "e mail"}, 1},
		{"one name found is not enough", []rawRow{text("Nazwisko", "system", "x"), text("Firma", "Imię2", "E-mail2", "Miasto"), text("a", "b", "c", "d")}, []string{"Nazwisko", "Imię"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, pickHeader(tt.rows, tt.expected))
		})
	}
}

// TestXLSXBlankRowsCostNoCells: a few bytes can name Excel's last row
// below a header 16,384 columns wide. The million blank rows in between
// are returned (they are rows of the sheet) but share their empty cells:
// one slice of 16,384 cells for each of them was 800 GB of allocation, the
// slowness the XLSX fuzzer ran into.
func TestXLSXBlankRowsCostNoCells(t *testing.T) {
	s, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Firma</t></is></c><c r="XFD1" t="inlineStr"><is><t>Ostatnia</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>pierwsza</t></is></c></row>` +
		`<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`})
	require.NoError(t, err)
	src := trimTrailingBlanks(s) // as Open returns it
	require.Len(t, src.Header(), maxSheetCols)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rows := 0
	var last Row
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rows++
		last = row
	}
	runtime.ReadMemStats(&after)
	assert.Equal(t, maxSheetRows-1, rows)
	assert.Equal(t, maxSheetRows, last.Line)
	assert.Equal(t, "x", last.Cells[0].Text)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(256<<20), "bytes allocated for a million blank rows")
}

// TestXLSXCellCap: rows with values below a header 16,384 columns wide
// each cost a row of 16,384 cells; past 256 million cells the sheet is
// refused with a message instead of running for hours (it is lowered to
// 4 million here to keep the test quick).
func TestXLSXCellCap(t *testing.T) {
	t.Parallel()
	const capCells = 4 << 20
	rows := strings.Repeat(`<row><c><v>1</v></c></row>`, capCells/maxSheetCols+5)
	s, err := openParts(t, map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Firma</t></is></c><c r="XFD1" t="inlineStr"><is><t>Ostatnia</t></is></c></row>` +
		rows + `</sheetData></worksheet>`})
	require.NoError(t, err)
	s.cellCap = capCells
	n := 0
	for {
		_, err := s.Next()
		if err != nil {
			require.NotErrorIs(t, err, io.EOF)
			assert.Contains(t, err.Error(), "the sheet holds more than 4 million cells (16384 columns wide), more than crmport reads: save the columns you need as CSV")
			break
		}
		n++
	}
	assert.Equal(t, capCells/maxSheetCols, n, "rows up to the cap are read")
}
