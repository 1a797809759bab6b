package sheet_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// excelParts are the parts of a workbook shaped like Excel's own output:
// shared strings with rich-text runs, phonetic hints and _x000D_ escapes,
// formulas with cached values, error cells, built-in and custom date
// formats, prefixed elements, a very hidden sheet and absolute targets.
var excelParts = map[string]string{
	"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`,
	"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr defaultThemeVersion="166925"/><sheets><sheet name="Makro" sheetId="3" state="veryHidden" r:id="rId3"/><sheet name="Kontakty" sheetId="1" r:id="rId1"/></sheets></workbook>`,
	"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
	"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd\.mm\.yyyy"/><numFmt numFmtId="165" formatCode="#,##0.00\ &quot;zł&quot;"/></numFmts><cellXfs count="5"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
	"xl/sharedStrings.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9"><si><t>Firma</t></si><si><t>Data</t></si><si><t>Kwota</t></si><si><t>Suma</t></si><si><r><rPr><b/></rPr><t>Hurtownia </t></r><r><t xml:space="preserve">Bałtyk</t></r></si><si><t>linia 1_x000D_
linia 2</t><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si><si><t>00-950</t></si><si><t>Kod</t></si><si><t xml:space="preserve">  spacje  </t></si></sst>`,
	"xl/worksheets/sheet3.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>`,
	"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"><x:dimension ref="A1:E5"/><x:sheetData>
<x:row r="1" spans="1:5" x14ac:dyDescent="0.25"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="s"><x:v>3</x:v></x:c><x:c r="E1" t="s"><x:v>7</x:v></x:c></x:row>
<x:row r="2" spans="1:5"><x:c r="A2" t="s"><x:v>4</x:v></x:c><x:c r="B2" s="1"><x:v>45366</x:v></x:c><x:c r="C2" s="3"><x:v>5525.1400000000003</x:v></x:c><x:c r="D2"><x:f>C2*2</x:f><x:v>11050.280000000001</x:v></x:c><x:c r="E2" s="4" t="s"><x:v>6</x:v></x:c></x:row>
<x:row r="3" spans="1:5"><x:c r="A3" t="s"><x:v>5</x:v></x:c><x:c r="B3" s="2"><x:v>45688.5</x:v></x:c><x:c r="C3" t="e"><x:v>#DIV/0!</x:v></x:c><x:c r="D3" t="str"><x:f>A3&amp;"!"</x:f><x:v>tekst &amp; wynik</x:v></x:c><x:c r="E3" s="4"/></x:row>
<x:row r="5" spans="1:5"><x:c r="A5" t="s"><x:v>8</x:v></x:c><x:c r="C5"><x:v>1.5E-3</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`,
}

func TestXLSXExcelShapedParts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "excel.xlsx")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	for name, body := range excelParts {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())

	src, rows := readAll(t, path, sheet.Options{})
	assert.Equal(t, "Kontakty", src.Info().Sheet, "very hidden sheet skipped")
	assert.Equal(t, []string{"Firma", "Data", "Kwota", "Suma", "Kod"}, src.Header())
	require.Len(t, rows, 4)

	r := rows[0]
	assert.Equal(t, 2, r.Line)
	assert.Equal(t, "Hurtownia Bałtyk", r.Cells[0].Text, "rich-text runs joined")
	assert.Equal(t, sheet.KindDate, r.Cells[1].Kind, "built-in format 14")
	assert.True(t, time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC).Equal(r.Cells[1].Time()))
	assert.Equal(t, sheet.Cell{Text: "5525.14", Kind: sheet.KindNumber}, r.Cells[2], "currency format is not a date")
	assert.Equal(t, sheet.Cell{Text: "11050.28", Kind: sheet.KindNumber}, r.Cells[3], "formula's cached value")
	assert.Equal(t, sheet.Cell{Text: "00-950", Kind: sheet.KindText}, r.Cells[4])

	r = rows[1]
	assert.Equal(t, "linia 1\r\nlinia 2", r.Cells[0].Text, "_x000D_ decoded, phonetic hint left out")
	assert.Equal(t, "2025-01-31 12:00:00", r.Cells[1].Text, "custom dd.mm.yyyy format with a time part")
	assert.Equal(t, sheet.Cell{Text: "#DIV/0!", Kind: sheet.KindText}, r.Cells[2])
	assert.Equal(t, "tekst & wynik", r.Cells[3].Text)
	assert.Equal(t, sheet.KindEmpty, r.Cells[4].Kind, "styled cell without a value")

	assert.True(t, rows[2].Blank, "row 4 is missing from the file")
	assert.Equal(t, 4, rows[2].Line)

	r = rows[3]
	assert.Equal(t, 5, r.Line)
	assert.Equal(t, "  spacje  ", r.Cells[0].Text, "spaces kept")
	assert.Equal(t, "0.0015", r.Cells[2].Text)
}
