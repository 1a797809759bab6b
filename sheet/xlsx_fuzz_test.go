package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzXLSXSource feeds arbitrary bytes to the XLSX reader as a whole file
// (seeded with the committed workbooks in testdata) and, so that mutations
// reach the XML parsers rather than failing the zip's checksums, as the
// three parts a hostile file controls — the sheet, the shared strings and
// the styles — packed into an otherwise valid workbook. It must never
// panic and must return rows numbered upwards, within Excel's last row,
// with the header's width.
func FuzzXLSXSource(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, p := range fixtures {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "", "", "")
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			f.Fatal(err)
		}
		var sheet, sst, styles string
		for _, zf := range zr.File {
			b := readZipFile(f, zf)
			switch {
			case sheet == "" && filepath.Dir(zf.Name) == "xl/worksheets":
				sheet = b
			case filepath.Base(zf.Name) == "sharedStrings.xml":
				sst = b
			case filepath.Base(zf.Name) == "styles.xml":
				styles = b
			}
		}
		f.Add([]byte(nil), sheet, sst, styles)
	}
	f.Add([]byte(nil), `<worksheet><sheetData><row r="3"><c r="B3" t="inlineStr"><is><t>a</t></is><v>1</v></c><c r="A3" t="s"><v>0</v></c></row><row r="1048577"><c><v>1</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>x</t><rPh><t>y</t></rPh></si></sst>`,
		`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts><cellXfs><xf numFmtId="164"/><xf numFmtId="21"/></cellXfs></styleSheet>`)
	f.Fuzz(func(t *testing.T, file []byte, sheet, sst, styles string) {
		if len(file)+len(sheet)+len(sst)+len(styles) > 1<<20 {
			return
		}
		if len(file) == 0 {
			file = fuzzWorkbook(t, sheet, sst, styles)
		}
		zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
		if err != nil {
			return
		}
		src, err := newXLSXSource(context.Background(), zr, nil, Options{})
		if err != nil {
			return
		}
		defer src.Close()
		last := src.Info().HeaderLine
		if last < 1 {
			t.Fatalf("header line %d", last)
		}
		// A few bytes can name row 1,048,576 and so stand for a million
		// blank rows; their numbering is checked up to 10,000 rows (past
		// them is the same code), which keeps the fuzzer fast.
		for range 10000 {
			row, err := src.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				if re.Line <= last {
					t.Fatalf("row error at line %d after %d", re.Line, last)
				}
				last = re.Line
				continue
			}
			if err != nil {
				return // the sheet was refused part-way with a message
			}
			if row.Line <= last || row.Line > maxSheetRows {
				t.Fatalf("row line %d after %d", row.Line, last)
			}
			last = row.Line
			if len(row.Cells) != len(src.Header()) {
				t.Fatalf("row has %d cells, header %d", len(row.Cells), len(src.Header()))
			}
		}
	})
}

func readZipFile(tb testing.TB, zf *zip.File) string {
	rc, err := zf.Open()
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// fuzzWorkbook packs a sheet, shared strings and styles into a workbook.
func fuzzWorkbook(tb testing.TB, sheet, sst, styles string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"_rels/.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
		{"xl/sharedStrings.xml", sst},
		{"xl/styles.xml", styles},
	} {
		w, err := zw.Create(p[0])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := io.WriteString(w, p[1]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
