// Command genxlsx writes the odd workbooks of sheet/testdata/realworld that
// no spreadsheet program can be asked to write: part names whose case
// differs from their relationships (as in calamine's issue_419.xlsx), zip
// entry names with "\" (as some Windows tools write them), an inline-string
// cell that also carries a cached <v>, a zip holding a part twice, and a
// password-protected workbook (an OLE2 compound file with EncryptionInfo
// and EncryptedPackage streams, the container Excel writes; its content
// here is not real encryption). Run it from the repository root:
//
//	go run ./sheet/internal/genxlsx
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

func main() {
	dir := flag.String("dir", filepath.Join("sheet", "testdata", "realworld"), "directory to write the workbooks to")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "genxlsx:", err)
		os.Exit(1)
	}
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Klienci" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>`
	sharedStrings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>Firma</t></si><si><t>Miasto</t></si><si><t>Piekarnia Żytnia</t></si><si><t>Łódź</t></si><si><t>Apteka Pod Orłem</t></si><si><t>Kraków</t></si></sst>`
	sheetShared = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Obrót</t></is></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c><c r="C2"><v>5525.14</v></c></row><row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c><c r="C3"><v>120</v></c></row></sheetData></worksheet>`
	// Inline strings, with cells out of column order in row 3.
	sheetInline = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Firma</t></is></c><c r="B1" t="inlineStr"><is><t>Data</t></is></c><c r="C1" t="inlineStr"><is><t>Uwagi</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Piekarnia Żytnia</t></is></c><c r="B2" t="inlineStr"><is><t>1.01.</t></is></c><c r="C2" t="inlineStr"><is><t>a</t></is></c></row><row r="3"><c r="C3" t="inlineStr"><is><t>ostatnia</t></is></c><c r="A3" t="inlineStr"><is><t>Apteka</t></is></c></row></sheetData></worksheet>`
)

// sheetInlineV is sheetInline with a cached <v> beside two inline strings.
var sheetInlineV = strings.NewReplacer(
	`<t>Piekarnia Żytnia</t></is>`, `<t>Piekarnia Żytnia</t></is><v>Piekarnia Żytnia</v>`,
	`<t>1.01.</t></is>`, `<t>1.01.</t></is><v>1.01.</v>`,
).Replace(sheetInline)

type entry struct{ name, data string }

func standard(sheet string) []entry {
	return []entry{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", workbook},
		{"xl/_rels/workbook.xml.rels", workbookRels},
		{"xl/styles.xml", styles},
		{"xl/sharedStrings.xml", sharedStrings},
		{"xl/worksheets/sheet1.xml", sheet},
	}
}

func run(dir string) error {
	// The same workbooks as every program writes them: what LibreOffice
	// reads from these is what crmport must read from the odd ones
	// (LibreOffice itself reads nothing from them).
	books := map[string][]entry{
		"reference-shared.xlsx": standard(sheetShared),
		"reference-inline.xlsx": standard(sheetInline),
	}
	// calamine issue_419: the part is xl/SharedStrings.xml, its
	// relationship says sharedStrings.xml (OPC names ignore case).
	cased := standard(sheetShared)
	cased[5].name = "xl/SharedStrings.xml"
	cased[6].name = "xl/Worksheets/Sheet1.xml"
	books["case-parts.xlsx"] = cased
	// Entry names with "\" as separators.
	var back []entry
	for _, e := range standard(sheetShared) {
		back = append(back, entry{strings.ReplaceAll(e.name, "/", `\`), e.data})
	}
	books["backslash-names.xlsx"] = back
	books["inline-with-v.xlsx"] = standard(sheetInlineV)
	// The sheet twice: the second copy says something else.
	dup := standard(sheetShared)
	dup = append(dup, entry{"xl/worksheets/sheet1.xml", sheetInlineV})
	books["duplicate-entry.xlsx"] = dup
	for name, entries := range books {
		if err := writeZip(filepath.Join(dir, name), entries); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "password.xlsx"), encryptedContainer(), 0o644)
}

func writeZip(path string, entries []entry) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// encryptedContainer builds a version 3 compound file (512-byte sectors):
// sector 0 the FAT, sector 1 the directory (root, EncryptionInfo,
// EncryptedPackage), then the two streams, 4096 bytes each (so they live
// in regular sectors, not the mini stream).
func encryptedContainer() []byte {
	const (
		sector     = 512
		streamSize = 4096
		free       = 0xFFFFFFFF
		endChain   = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
	)
	le := binary.LittleEndian
	nStream := streamSize / sector
	out := make([]byte, sector*(3+2*nStream))
	h := out[:sector]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(h[24:], 0x3E)   // minor version
	le.PutUint16(h[26:], 3)      // major version
	le.PutUint16(h[28:], 0xFFFE) // byte order
	le.PutUint16(h[30:], 9)      // sector shift
	le.PutUint16(h[32:], 6)      // mini sector shift
	le.PutUint32(h[44:], 1)      // FAT sectors
	le.PutUint32(h[48:], 1)      // first directory sector
	le.PutUint32(h[56:], 4096)   // mini stream cutoff
	le.PutUint32(h[60:], endChain)
	le.PutUint32(h[68:], endChain)
	le.PutUint32(h[76:], 0) // DIFAT[0]: the FAT is sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(h[76+4*i:], free)
	}
	body := out[sector:]
	fat := body[:sector]
	for i := range sector / 4 {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], endChain)
	for s := range 2 {
		first := 2 + s*nStream
		for i := range nStream {
			next := uint32(first + i + 1)
			if i == nStream-1 {
				next = endChain
			}
			le.PutUint32(fat[4*(first+i):], next)
		}
	}
	dir := body[sector : 2*sector]
	dirEntry := func(i int, name string, typ byte, left, right, child, start, size uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1 // black
		le.PutUint32(e[68:], left)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], size)
	}
	dirEntry(0, "Root Entry", 5, noStream, noStream, 1, endChain, 0)
	dirEntry(1, "EncryptionInfo", 2, noStream, 2, noStream, 2, streamSize)
	dirEntry(2, "EncryptedPackage", 2, noStream, noStream, noStream, uint32(2+nStream), streamSize)
	for i := 3; i < 4; i++ {
		e := dir[128*i : 128*(i+1)]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	info := body[2*sector : (2+nStream)*sector]
	le.PutUint16(info[0:], 4) // agile encryption, version 4.4
	le.PutUint16(info[2:], 4)
	le.PutUint32(info[4:], 0x40)
	copy(info[8:], `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>`)
	pkg := body[(2+nStream)*sector:]
	le.PutUint64(pkg[0:], 5064) // the size of the package it hides
	for i := 8; i < len(pkg); i++ {
		pkg[i] = byte(i * 131)
	}
	return out
}
