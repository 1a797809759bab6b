package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// headerScanRows is how many rows with values automatic header detection
// looks at (blank rows above and between them do not count).
const headerScanRows = 20

// Limits on what a workbook may cost to read. A real workbook stays far
// below each of them; a hostile or broken one is refused with a message
// instead of filling memory or running for hours.
const (
	maxSheetRows     = excelize.TotalRows // Excel's last row, 1,048,576
	maxSheetCols     = excelize.MaxColumns
	maxCellBytes     = maxCellChars * 4 // Excel's 32,767 characters in UTF-8 at worst
	maxRowBytes      = 16 << 20         // the values of one row
	maxPartBytes     = 64 << 20         // workbook, relationships, styles: unpacked
	maxSSTStrings    = 16 << 20         // entries of the shared string table
	maxSSTBytes      = 512 << 20        // their text together
	maxPackedRatio   = 100              // unpacked/packed size of a sheet above bombFloor
	bombFloor        = 256 << 20        // sheets unpacking to less are never refused for their ratio
	maxSheetUnpacked = 16 << 30         // any sheet
)

// maxSheetCells caps the cells a sheet's rows with values may cost: header
// width × rows (1M rows × 256 columns). Blank rows share their cells and
// do not count. A variable so that tests can lower it.
var maxSheetCells = 256 << 20

// errPasswordProtected is returned for workbooks saved with a password to
// open: Excel then writes an encrypted OLE2 container (or encrypted zip
// entries), not a readable zip.
var errPasswordProtected = errors.New("the workbook is password-protected: open it in Excel, save a copy without a password (File > Info > Protect Workbook > Encrypt with Password, clear the password) and use that copy")

// OpenXLSX opens an XLSX (or XLSM) workbook and reads one sheet, streaming:
// opt.Sheet by name, or by default the sheet Excel opens on (the
// workbook's active tab) when it holds data, else the first visible sheet
// with data; Info names the sheet read and the other visible sheets with
// data (Info.Sheet, Info.OtherSheets).
//
// The header is row opt.HeaderRow or found automatically among the first
// 20 rows with values (blank or merely formatted rows do not count): the
// row that holds the most of opt.ExpectedHeaders (the mapping's column
// names) when at least two, or all of them, are found; otherwise the first
// row with at least two values, at least 60% of a typical row's values and
// a row with values below it, that reads as a header: mostly text, or
// distinct whole numbers such as years (2005, 2006, …). Rows with values
// above the header are not data: they are listed in Info.TitleRows, so
// nothing is skipped unseen.
//
// Date cells (by their number format, 1900 and 1904 date systems) come
// back as KindDate; time-of-day cells (a format with hours, minutes or
// seconds and no date) as KindTime, "09:00" or "15:30:17" as Excel shows
// them, and durations ([h]:mm) as KindTime "27:30"; numbers as KindNumber
// without float noise; text exactly as stored (shared and inline strings).
// Rows missing from the file and rows with no value are returned with
// Blank set; Row.Line is the sheet's own row number.
//
// Part names are matched as OPC requires, ignoring case, and "\" in zip
// entry names is read as "/" (as Excel does). A zip holding the same part
// twice is refused, as are password-protected workbooks and files beyond
// the limits above (with a message saying which).
//
// The sheet's XML is read token by token straight from the zip entry
// (rather than through excelize's Rows, which hides cell types and styles);
// excelize supplies the date arithmetic.
func OpenXLSX(path string, opt Options) (Source, error) {
	return openXLSX(context.Background(), path, opt)
}

func openXLSX(ctx context.Context, p string, opt Options) (Source, error) {
	zr, err := zip.OpenReader(p)
	var pe *fs.PathError
	if err != nil && errors.As(err, &pe) {
		if st, serr := os.Stat(p); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("%s is a folder, not a file: give the name of the file inside it", p)
		}
		return nil, openFailed(p, err)
	}
	if err != nil {
		if encryptedOLE(p) {
			return nil, fmt.Errorf("%s: %w", filepath.Base(p), errPasswordProtected)
		}
		return nil, fmt.Errorf("open %s: %w (is it really an .xlsx file? save it from Excel as \"Excel Workbook (*.xlsx)\")", filepath.Base(p), err)
	}
	s, err := newXLSXSource(ctx, &zr.Reader, zr, opt)
	if err != nil {
		_ = zr.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	return s, nil
}

// oleMagic starts every OLE2 compound file (old .xls, and the container
// Excel writes for a password-protected .xlsx).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptedOLE reports whether the file at p is an OLE2 compound file
// holding an "EncryptedPackage" stream: an .xlsx saved with a password.
func encryptedOLE(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	return isEncryptedOLE(f)
}

// isEncryptedOLE reports whether r holds an OLE2 compound file whose
// directory names an "EncryptedPackage" stream (names are UTF-16LE). The
// directory may lie anywhere, so the file is scanned, in blocks, up to
// 64 MiB.
func isEncryptedOLE(r io.Reader) bool {
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil || !bytes.Equal(magic[:], oleMagic) {
		return false
	}
	name := utf16LE("EncryptedPackage")
	buf := make([]byte, 64<<10)
	keep := 0
	for read := 0; read < 64<<20; {
		n, err := r.Read(buf[keep:])
		read += n
		if bytes.Contains(buf[:keep+n], name) {
			return true
		}
		if err != nil {
			return false
		}
		keep = copy(buf, buf[max(0, keep+n-len(name)):keep+n])
	}
	return false
}

func utf16LE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

type xlsxSheetRef struct {
	name   string
	part   string
	hidden bool
}

type xlsxSource struct {
	ctx    context.Context
	closer io.Closer
	header []string
	width  int
	info   Info

	rr        *rowReader
	pending   []rawRow // rows read ahead (header detection)
	line      int      // Line of the last row returned
	gapTo     int      // blank rows to report up to this row number
	slab      []Cell
	blank     []Cell // the cells of every blank row (never written to)
	cellsRead int    // cells returned in rows with values (see maxSheetCells)
	sinceCtx  int
}

// parts holds a zip's entries by OPC part name: case folded, "\" read as
// "/", without a leading "/".
type parts map[string]*zip.File

func partKey(name string) string {
	return strings.ToLower(strings.TrimLeft(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// get returns the part named name, or nil.
func (p parts) get(name string) *zip.File { return p[partKey(name)] }

// newParts indexes a zip's entries, refusing one that holds a part twice:
// which copy a program uses differs, so the file cannot be trusted.
func newParts(z *zip.Reader) (parts, error) {
	p := make(parts, len(z.File))
	for _, f := range z.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a folder entry
		}
		k := partKey(f.Name)
		if first, dup := p[k]; dup {
			return nil, fmt.Errorf("the file holds %s twice (also as %s), so it is unclear which copy is the workbook: the file is damaged or was put together by a program; open it in Excel and save it again", f.Name, first.Name)
		}
		p[k] = f
	}
	return p, nil
}

// open opens part f for reading at most limit unpacked bytes; what names it
// in messages.
func (p parts) open(f *zip.File, what string, limit uint64) (io.ReadCloser, error) {
	if f.Flags&0x1 != 0 {
		return nil, errPasswordProtected
	}
	if f.UncompressedSize64 > limit {
		return nil, fmt.Errorf("%s unpacks to %d MiB, more than crmport reads (%d MiB): is it really a workbook? save the sheet as CSV (UTF-8) and import that", what, f.UncompressedSize64>>20, limit>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return rc, nil
}

// openSheet opens a worksheet part, refusing a zip bomb: a sheet that
// unpacks to more than 256 MiB at more than 100 times its packed size.
func (p parts) openSheet(f *zip.File, name string) (io.ReadCloser, error) {
	if u, c := f.UncompressedSize64, f.CompressedSize64; u > bombFloor && u/max(c, 1) > maxPackedRatio {
		return nil, fmt.Errorf("sheet %q unpacks from %d KiB to %d MiB, far more than real sheets do (a \"zip bomb\"): crmport does not read it", name, c>>10, u>>20)
	}
	return p.open(f, fmt.Sprintf("sheet %q", name), maxSheetUnpacked)
}

func newXLSXSource(ctx context.Context, z *zip.Reader, closer io.Closer, opt Options) (*xlsxSource, error) {
	files, err := newParts(z)
	if err != nil {
		return nil, err
	}
	if files.get("EncryptionInfo") != nil || files.get("EncryptedPackage") != nil {
		return nil, errPasswordProtected
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(files, "_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = r.Target
			}
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Views []struct {
			ActiveTab string `xml:"activeTab,attr"`
		} `xml:"bookViews>workbookView"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"` // r:id, transitional or strict namespace
		} `xml:"sheets>sheet"`
	}
	if err := readXMLPart(files, wbPath, &wb); err != nil {
		if errors.Is(err, errPasswordProtected) {
			return nil, err
		}
		return nil, fmt.Errorf("not a readable xlsx workbook: %w", err)
	}
	rels, err := readRels(files, path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), path.Dir(wbPath))
	if err != nil {
		return nil, fmt.Errorf("not a readable xlsx workbook: %w", err)
	}
	relByID := map[string]string{}
	var sstPath, stylesPath string
	for _, r := range rels {
		relByID[r.ID] = r.Target
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sstPath = r.Target
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPath = r.Target
		}
	}
	var sheets []xlsxSheetRef
	for _, sh := range wb.Sheets {
		sheets = append(sheets, xlsxSheetRef{name: sh.Name, part: relByID[sh.RID], hidden: sh.State == "hidden" || sh.State == "veryHidden"})
	}
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no sheets")
	}
	active := 0
	if len(wb.Views) > 0 {
		if n, err := strconv.Atoi(wb.Views[0].ActiveTab); err == nil {
			active = n
		}
	}
	date1904 := wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	formats, err := readNumFormats(files, stylesPath)
	if err != nil {
		return nil, err
	}
	sst, err := readSharedStrings(files, sstPath)
	if err != nil {
		return nil, err
	}
	chosen, others, err := chooseSheet(files, sheets, opt.Sheet, active, sst)
	if err != nil {
		return nil, err
	}
	zf := files.get(chosen.part)
	if zf == nil {
		return nil, fmt.Errorf("sheet %q: its data (%s) is missing from the file", chosen.name, chosen.part)
	}
	rc, err := files.openSheet(zf, chosen.name)
	if err != nil {
		return nil, err
	}
	s := &xlsxSource{
		ctx:    ctx,
		closer: multiCloser{rc, closer},
		info:   Info{Format: "xlsx", Sheet: chosen.name, OtherSheets: others},
		rr:     &rowReader{dec: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10)), sst: sst, formats: formats, date1904: date1904},
	}
	if err := s.findHeader(opt.HeaderRow, opt.ExpectedHeaders); err != nil {
		_ = rc.Close()
		return nil, fmt.Errorf("sheet %q: %w", chosen.name, err)
	}
	return s, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// readRels reads a relationships part and resolves targets against base.
func readRels(files parts, name, base string) ([]relationship, error) {
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	if err := readXMLPart(files, name, &rels); err != nil {
		return nil, err
	}
	for i, r := range rels.Rel {
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			rels.Rel[i].Target = strings.TrimLeft(t, "/")
		} else {
			rels.Rel[i].Target = path.Clean(path.Join(base, t))
		}
	}
	return rels.Rel, nil
}

func readXMLPart(files parts, name string, v any) error {
	f := files.get(name)
	if f == nil {
		return fmt.Errorf("part %s is missing", name)
	}
	rc, err := files.open(f, "part "+name, maxPartBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}

// numFormat says how a cell style's number format shows a number.
type numFormat uint8

// The number formats that matter to a reader; the rest show numbers.
const (
	fmtNumber     numFormat = iota
	fmtDate                 // a date, or a date and time of day
	fmtClock                // a time of day, hours and minutes
	fmtClockSec             // a time of day with seconds
	fmtElapsed              // a duration in hours and minutes: [h]:mm
	fmtElapsedSec           // a duration with seconds: [h]:mm:ss, [mm]:ss
)

// readNumFormats returns, per cell style index, how the style's number
// format shows a number.
func readNumFormats(files parts, name string) ([]numFormat, error) {
	if name == "" || files.get(name) == nil {
		return nil, nil
	}
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := readXMLPart(files, name, &st); err != nil {
		return nil, err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	out := make([]numFormat, len(st.Xfs))
	for i, xf := range st.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			out[i] = classifyFormat(code)
		} else {
			out[i] = builtinFormat(xf.NumFmtID)
		}
	}
	return out, nil
}

// builtinFormat classifies a built-in number format id (ECMA-376 18.8.30,
// plus the East Asian ids Excel uses).
func builtinFormat(id int) numFormat {
	switch id {
	case 18, 20, 32, 34: // h:mm AM/PM, h:mm, and the East Asian h"時"mm"分"
		return fmtClock
	case 19, 21, 33, 35, 45, 47: // h:mm:ss AM/PM, h:mm:ss, mm:ss, mmss.0
		return fmtClockSec
	case 46: // [h]:mm:ss
		return fmtElapsedSec
	}
	if (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58) || (id >= 71 && id <= 81) {
		return fmtDate
	}
	return fmtNumber
}

// isBuiltinDateFormat reports whether a built-in number format id is a
// date or time.
func isBuiltinDateFormat(id int) bool { return builtinFormat(id) != fmtNumber }

// isDateFormat reports whether a custom number format code shows a date or
// time.
func isDateFormat(code string) bool { return classifyFormat(code) != fmtNumber }

// classifyFormat says how a custom number format code shows a number: its
// first section, after removing quoted text, escapes and [colour]/[$-locale]
// parts, is a date when it has d, y (or a month m), a time of day when it
// has only h, m (minutes: after h or before s) and s, a duration when an
// [h], [m] or [s] part counts elapsed time (as openpyxl and excelize
// decide dates; Excel shows the rest as numbers).
func classifyFormat(code string) numFormat {
	if sec, _, _ := strings.Cut(code, ";"); sec != "" {
		code = sec
	}
	var b strings.Builder
	inQuote, elapsed := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				i = len(code)
				break
			}
			inner := strings.ToLower(code[i+1 : i+end])
			if inner != "" && strings.Trim(inner, "hms") == "" { // elapsed time [h] [mm] [ss]
				b.WriteString(inner)
				elapsed = true
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if s == "general" || s == "@" {
		return fmtNumber
	}
	s = strings.NewReplacer("am/pm", " ", "a/p", " ").Replace(s)
	// Letter runs: "yyyy", "mm", "dd", "h", "ss"; an m run is minutes
	// after an h run or before an s run, else a month.
	var runs []string
	for i := 0; i < len(s); {
		c := s[i]
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		runs = append(runs, s[i:j])
		i = j
	}
	date, clock, secs := false, false, false
	for k, r := range runs {
		switch r[0] {
		case 'd', 'y', 'e', 'g', 'b':
			date = true
		case 'h':
			clock = true
		case 's':
			clock, secs = true, true
		case 'm':
			if (k > 0 && runs[k-1][0] == 'h') || (k+1 < len(runs) && runs[k+1][0] == 's') {
				clock = true
			} else {
				date = true
			}
		}
	}
	switch {
	case date:
		return fmtDate
	case elapsed && secs:
		return fmtElapsedSec
	case elapsed:
		return fmtElapsed
	case secs:
		return fmtClockSec
	case clock:
		return fmtClock
	}
	return fmtNumber
}

// readSharedStrings loads the shared string table: one string per <si>,
// the text of its runs joined, phonetic hints left out.
func readSharedStrings(files parts, name string) ([]string, error) {
	if name == "" || files.get(name) == nil {
		return nil, nil
	}
	rc, err := files.open(files.get(name), "the shared text table", maxSSTBytes*2)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var out []string
	var b strings.Builder
	total := 0
	inT, skip := false, 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				b.Reset()
			case "t":
				inT = true
			case "rPh":
				skip++
			case "sst":
				if n, err := strconv.Atoi(attr(t.Attr, "uniqueCount")); err == nil && n > 0 && n < 1<<20 {
					out = make([]string, 0, n)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(out) >= maxSSTStrings {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d texts, more than a sheet of Excel can use: save the sheet as CSV (UTF-8) and import that", maxSSTStrings)
				}
				total += b.Len()
				if total > maxSSTBytes {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d MiB of text: save the sheet as CSV (UTF-8) and import that", maxSSTBytes>>20)
				}
				out = append(out, b.String())
			case "t":
				inT = false
			case "rPh":
				skip--
			}
		case xml.CharData:
			if inT && skip == 0 {
				if b.Len()+len(t) > maxCellBytes {
					return nil, fmt.Errorf("text %d of the workbook's shared text table is longer than the %d characters a cell of Excel can hold: the file is damaged", len(out)+1, maxCellChars)
				}
				b.Write(t)
			}
		}
	}
}

func attr(attrs []xml.Attr, local string) string {
	for _, a := range attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// chooseSheet picks the sheet named want (exactly, else ignoring case), or
// the sheet Excel opens on (tab active) when it is visible and holds data,
// else the first visible sheet with data, else the first visible one. It
// also returns the other visible sheets that hold data.
func chooseSheet(files parts, sheets []xlsxSheetRef, want string, active int, sst []string) (xlsxSheetRef, []string, error) {
	chosen := -1
	if want != "" {
		for i, s := range sheets {
			if s.name == want {
				chosen = i
				break
			}
		}
		for i, s := range sheets {
			if chosen < 0 && strings.EqualFold(s.name, want) {
				chosen = i
			}
		}
		if chosen < 0 {
			names := make([]string, len(sheets))
			for i, s := range sheets {
				names[i] = strconv.Quote(s.name)
			}
			return xlsxSheetRef{}, nil, fmt.Errorf("no sheet named %q: the workbook has %s", want, strings.Join(names, ", "))
		}
	}
	var withData []int
	firstVisible := -1
	for i, s := range sheets {
		if s.hidden {
			continue
		}
		if firstVisible < 0 {
			firstVisible = i
		}
		if sheetHasData(files, files.get(s.part), sst) {
			withData = append(withData, i)
		}
	}
	switch {
	case chosen >= 0:
	case slices.Contains(withData, active):
		chosen = active
	case len(withData) > 0:
		chosen = withData[0]
	case firstVisible >= 0:
		chosen = firstVisible
	default:
		chosen = 0
	}
	var others []string
	for _, i := range withData {
		if i != chosen {
			others = append(others, sheets[i].name)
		}
	}
	return sheets[chosen], others, nil
}

// sheetHasData reports whether a worksheet part has at least one value.
func sheetHasData(files parts, f *zip.File, sst []string) bool {
	if f == nil {
		return false
	}
	rc, err := files.openSheet(f, f.Name)
	if err != nil {
		return false
	}
	defer rc.Close()
	rr := &rowReader{dec: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10)), sst: sst}
	for {
		row, err := rr.next()
		if err != nil {
			return false
		}
		if !row.blank() {
			return true
		}
	}
}

// rawRow is one <row> of a sheet: its number and its cells by column.
type rawRow struct {
	num   int
	cells []Cell
	err   error // a problem with the row (reported as a *RowError)
}

func (r rawRow) nonEmpty() (n, text int) {
	for _, c := range r.cells {
		if c.Kind != KindEmpty && strings.TrimSpace(c.Text) != "" {
			n++
			if c.Kind == KindText {
				text++
			}
		}
	}
	return n, text
}

func (r rawRow) blank() bool { n, _ := r.nonEmpty(); return n == 0 && r.err == nil }

// rowReader pulls <row> elements from a worksheet's XML.
type rowReader struct {
	dec      *xml.Decoder
	sst      []string
	formats  []numFormat
	date1904 bool
	lastRow  int
	done     bool
	buf      []byte // reused for cell values
	isBuf    []byte // reused for inline strings
}

// next returns the next <row>, io.EOF at the end of the sheet data.
func (rr *rowReader) next() (rawRow, error) {
	if rr.done {
		return rawRow{}, io.EOF
	}
	var (
		row                     rawRow
		inRow                   bool
		col, style              int
		typ                     string
		val, is                 []byte
		inV, inIS, inT, hasCell bool
		skip, rowBytes          int
		long                    string // the column of a value cut short
	)
	col = -1
	add := func(dst []byte, data []byte) []byte {
		if len(dst)+len(data) > maxCellBytes || rowBytes+len(data) > maxRowBytes {
			if long == "" {
				long = columnLetters(col)
			}
			return dst
		}
		rowBytes += len(data)
		return append(dst, data...)
	}
	for {
		tok, err := rr.dec.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				rr.done = true
				if inRow {
					return row, nil
				}
				return rawRow{}, io.EOF
			}
			return rawRow{}, fmt.Errorf("after row %d: the sheet's XML is damaged: %w", rr.lastRow, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, col, rowBytes, long = true, -1, 0, ""
				row = rawRow{num: rr.lastRow + 1}
				if n, err := strconv.Atoi(attr(t.Attr, "r")); err == nil && n > 0 {
					row.num = n
				}
				if row.num > maxSheetRows {
					return rawRow{}, fmt.Errorf("after row %d: the sheet names row %d, beyond Excel's last row (%d): the file is damaged", rr.lastRow, row.num, maxSheetRows)
				}
			case "c":
				hasCell, typ, style = true, "", 0
				val, is = rr.buf[:0], rr.isBuf[:0]
				col++
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						if c := colIndex(a.Value); c >= 0 {
							col = c
						}
					case "t":
						typ = a.Value
					case "s":
						style, _ = strconv.Atoi(a.Value)
					}
				}
			case "v":
				inV = true
			case "is":
				inIS = true
			case "t":
				inT = true
			case "rPh":
				skip++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "rPh":
				skip--
			case "c":
				if hasCell && col >= maxSheetCols {
					return rawRow{}, fmt.Errorf("row %d: a cell lies beyond Excel's last column (XFD): the file is damaged", row.num)
				}
				if hasCell && col >= 0 {
					rr.buf, rr.isBuf = val, is
					raw := val
					if typ == "inlineStr" && (len(is) > 0 || len(val) == 0) {
						raw = is // the text; a <v> beside it is a cached copy
					}
					cell := rr.cell(typ, style, raw)
					if cell.Kind != KindEmpty {
						for len(row.cells) <= col {
							row.cells = append(row.cells, Cell{})
						}
						row.cells[col] = cell
					}
				}
				hasCell = false
			case "row":
				rr.lastRow = row.num
				if long != "" {
					row.err = fmt.Errorf("column %s holds more than %d characters, more than a cell of Excel can: the file is damaged; the cell was cut short", long, maxCellChars)
				}
				return row, nil
			case "sheetData":
				rr.done = true
				return rawRow{}, io.EOF
			}
		case xml.CharData:
			switch {
			case !hasCell:
			case inIS && inT && skip == 0:
				is = add(is, t)
			case inV:
				val = add(val, t)
			}
		}
	}
}

// cell turns a cell's type, style and raw value into a Cell.
func (rr *rowReader) cell(typ string, style int, raw []byte) Cell {
	if typ == "s" {
		i := atoiBytes(raw)
		if i < 0 || i >= len(rr.sst) {
			return Cell{}
		}
		return textCell(rr.sst[i])
	}
	v := string(raw)
	switch typ {
	case "inlineStr", "str", "e":
		return textCell(v)
	case "b":
		if v == "" {
			return Cell{}
		}
		if v == "1" || strings.EqualFold(v, "true") {
			return Cell{Text: "TRUE", Kind: KindBool}
		}
		return Cell{Text: "FALSE", Kind: KindBool}
	case "d":
		if t, err := parseISODate(v); err == nil {
			return dateCell(t)
		}
		return textCell(v)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return Cell{}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return textCell(v)
	}
	nf := fmtNumber
	if style >= 0 && style < len(rr.formats) {
		nf = rr.formats[style]
	}
	switch {
	case (nf == fmtElapsed || nf == fmtElapsedSec) && f >= 0 && f < 2958466:
		return elapsedCell(f, nf == fmtElapsedSec)
	case (nf == fmtClock || nf == fmtClockSec) && f >= 0 && f < 1:
		return clockCell(f, nf == fmtClockSec)
	case nf != fmtNumber && f >= 0 && f < 2958466:
		if t, err := excelize.ExcelDateToTime(f, rr.date1904); err == nil {
			return dateCell(t)
		}
	}
	return Cell{Text: formatNumber(f), Kind: KindNumber}
}

// excelSeconds returns a day fraction (or a number of days) as whole
// seconds the way Excel shows them: the value rounded to milliseconds
// first (Excel keeps no finer time), then the seconds shown without the
// milliseconds (Excel drops them in h:mm:ss, it does not round them up).
func excelSeconds(days float64) int64 {
	ms := int64(math.Round(days * 86400e3))
	return ms / 1000
}

// clockCell is a time of day: "09:00", or "15:30:17" when the format shows
// seconds.
func clockCell(f float64, secs bool) Cell {
	s := excelSeconds(f) % 86400 // a hair before midnight rounds to it
	d := time.Duration(s) * time.Second
	text := fmt.Sprintf("%02d:%02d", s/3600, s/60%60)
	if secs {
		text += fmt.Sprintf(":%02d", s%60)
	}
	return Cell{Text: text, Kind: KindTime, Time: time.Time{}.Add(d)}
}

// elapsedCell is a duration shown as Excel shows [h]:mm or [h]:mm:ss,
// hours past 24 included ("27:30").
func elapsedCell(f float64, secs bool) Cell {
	s := excelSeconds(f)
	text := fmt.Sprintf("%d:%02d", s/3600, s/60%60)
	if secs {
		text += fmt.Sprintf(":%02d", s%60)
	}
	return Cell{Text: text, Kind: KindTime, Time: time.Time{}.Add(time.Duration(s) * time.Second)}
}
func textCell(s string) Cell {
	if s == "" {
		return Cell{}
	}
	if strings.Contains(s, "_x") {
		s = unescapeOOXML(s)
	}
	return Cell{Text: s, Kind: KindText}
}

// unescapeOOXML decodes the _xHHHH_ escapes Excel writes for characters
// XML cannot hold (a carriage return is "_x000D_"); "_x005F_" escapes a
// literal underscore.
func unescapeOOXML(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			break
		}
		code, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil || s[i+6] != '_' {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(code))
		s = s[i+7:]
	}
	b.WriteString(s)
	return b.String()
}

func dateCell(t time.Time) Cell {
	t = t.Round(time.Second)
	return Cell{Text: formatTime(t), Kind: KindDate, Time: t}
}

// formatTime writes a date as "2006-01-02", or with the time of day when
// it has one.
func formatTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}

// parseISODate parses the ISO 8601 forms spreadsheets write.
func parseISODate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateTime, time.DateOnly, "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 date", s)
}

// formatNumber writes a number as a person typed it: rounded to 15
// significant digits (Excel's precision), without exponent or float noise.
func formatNumber(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// findHeader reads ahead to the header row and keeps the rows after it.
// Rows with values above the header become Info.TitleRows.
func (s *xlsxSource) findHeader(want int, expected []string) error {
	if want < 0 {
		return fmt.Errorf("header row %d: row numbers start at 1", want)
	}
	var buf []rawRow // rows with values (blank rows are made up again by Next)
	for {
		row, err := s.rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if want > 0 {
			if row.num < want {
				if !row.blank() {
					buf = append(buf, row)
				}
				continue
			}
			if row.num > want || row.blank() {
				return fmt.Errorf("header row %d is empty: give the row that holds the column names", want)
			}
			buf = append(buf, row)
			break
		}
		if row.blank() {
			continue
		}
		buf = append(buf, row)
		if len(buf) >= headerScanRows {
			break
		}
	}
	if want > 0 && (len(buf) == 0 || buf[len(buf)-1].num != want) {
		return fmt.Errorf("header row %d not found: the sheet has only %d rows", want, s.rr.lastRow)
	}
	hi := len(buf) - 1
	if want == 0 {
		hi = pickHeader(buf, expected)
	}
	if hi < 0 {
		return errors.New("no header row: the sheet has no data (is it the right sheet?)")
	}
	h := buf[hi]
	header := make([]string, len(h.cells))
	for i, c := range h.cells {
		header[i] = c.Text
	}
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	for _, r := range buf[:hi] {
		s.info.TitleRows = append(s.info.TitleRows, titleRow(r))
	}
	s.header, s.width = header, len(header)
	s.info.HeaderLine = h.num
	s.line = h.num
	s.pending = buf[hi+1:]
	return nil
}

// titleRow keeps the values of a row above the header.
func titleRow(r rawRow) TitleRow {
	t := TitleRow{Line: r.num, Cells: make([]string, len(r.cells))}
	for i, c := range r.cells {
		t.Cells[i] = c.Text
	}
	for len(t.Cells) > 0 && strings.TrimSpace(t.Cells[len(t.Cells)-1]) == "" {
		t.Cells = t.Cells[:len(t.Cells)-1]
	}
	return t
}

// pickHeader chooses the header among the first rows with values: the row
// holding the most expected column names (when at least two, or all of
// them, are there); else the first row with at least two values, at least
// 60% of a typical row's values, a row below it, and header-like values
// (mostly text, or distinct whole numbers such as years); else the first
// widest row.
func pickHeader(rows []rawRow, expected []string) int {
	if i := matchExpected(rows, expected); i >= 0 {
		return i
	}
	maxN := 0
	var counts []int
	for _, r := range rows {
		n, _ := r.nonEmpty()
		maxN = max(maxN, n)
		if n > 0 {
			counts = append(counts, n)
		}
	}
	if maxN == 0 {
		return -1
	}
	// The typical width (median of rows with values) is robust against a
	// few over-long rows; title rows are far narrower than it.
	slices.Sort(counts)
	typical := counts[len(counts)/2]
	for i, r := range rows {
		n, _ := r.nonEmpty()
		if n >= 2 && float64(n) >= 0.6*float64(typical) && headerLike(r) && (i < len(rows)-1 || len(rows) == 1) {
			return i
		}
	}
	for i, r := range rows {
		if n, _ := r.nonEmpty(); n == maxN {
			return i
		}
	}
	return -1
}

// headerLike reports whether a row's values read as column names: mostly
// text (80%), or else text and distinct whole numbers — a header of years
// (2005, 2006, …) or of numbered columns — with no dates, fractions or
// repeats.
func headerLike(r rawRow) bool {
	n, text := r.nonEmpty()
	if text*10 >= n*8 {
		return true
	}
	seen := map[string]bool{}
	for _, c := range r.cells {
		t := strings.TrimSpace(c.Text)
		if c.Kind == KindEmpty || t == "" {
			continue
		}
		switch c.Kind {
		case KindText:
		case KindNumber:
			if _, err := strconv.ParseInt(t, 10, 64); err != nil {
				return false
			}
		default:
			return false
		}
		if seen[t] {
			return false
		}
		seen[t] = true
	}
	return true
}

// matchExpected returns the row holding the most of the expected column
// names (compared ignoring case, spaces and punctuation), when it holds
// at least two of them or all of them; else -1.
func matchExpected(rows []rawRow, expected []string) int {
	want := map[string]bool{}
	for _, e := range expected {
		if k := headerKey(e); k != "" {
			want[k] = true
		}
	}
	if len(want) == 0 {
		return -1
	}
	best, bestN := -1, 0
	for i, r := range rows {
		n := 0
		seen := map[string]bool{}
		for _, c := range r.cells {
			if k := headerKey(c.Text); want[k] && !seen[k] {
				seen[k] = true
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	if bestN >= 2 || bestN == len(want) {
		return best
	}
	return -1
}

// headerKey folds a column name for comparison: letters and digits only,
// lower case.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Header returns the header row's cells (trailing empty columns dropped).
func (s *xlsxSource) Header() []string { return s.header }

// Info says which sheet and header row are being read.
func (s *xlsxSource) Info() Info { return s.info }

// Next returns the next row, io.EOF after the last one. Rows missing from
// the sheet between data rows come back as blank rows.
func (s *xlsxSource) Next() (Row, error) {
	if s.gapTo > s.line+1 {
		s.line++
		return Row{Line: s.line, Cells: s.blankCells(), Blank: true}, nil
	}
	var raw rawRow
	if len(s.pending) > 0 {
		raw = s.pending[0]
		s.pending = s.pending[1:]
	} else {
		if s.sinceCtx++; s.sinceCtx >= 1024 {
			s.sinceCtx = 0
			if err := s.ctx.Err(); err != nil {
				return Row{}, err
			}
		}
		var err error
		if raw, err = s.rr.next(); err != nil {
			return Row{}, err
		}
	}
	if raw.num <= s.line { // rows out of order: keep numbering monotonic
		raw.num = s.line + 1
	}
	if raw.num > s.line+1 {
		s.pending = append([]rawRow{raw}, s.pending...)
		s.gapTo = raw.num
		s.line++
		return Row{Line: s.line, Cells: s.blankCells(), Blank: true}, nil
	}
	if raw.num > maxSheetRows {
		return Row{}, fmt.Errorf("the sheet has more rows than Excel's %d: the file is damaged", maxSheetRows)
	}
	s.line = raw.num
	if raw.blank() {
		return Row{Line: raw.num, Cells: s.blankCells(), Blank: true}, nil
	}
	if s.cellsRead += s.width; s.cellsRead > maxSheetCells {
		return Row{}, fmt.Errorf("row %d: the sheet holds more than %d million cells (%d columns wide), more than crmport reads: save the columns you need as CSV (UTF-8) and import that", raw.num, maxSheetCells>>20, s.width)
	}
	row := Row{Line: raw.num, Cells: s.cells()}
	n := copy(row.Cells, raw.cells)
	if len(raw.cells) > n {
		extra := raw.cells[n:]
		for len(extra) > 0 && extra[len(extra)-1].Kind == KindEmpty {
			extra = extra[:len(extra)-1]
		}
		if len(extra) > 0 {
			row.Extra = extra
		}
	}
	if raw.err != nil {
		return Row{}, &RowError{Line: row.Line, Err: raw.err, Cells: append(row.Cells, row.Extra...)}
	}
	return row, nil
}

// blankCells returns the cells of a blank row: one slice of empty cells
// shared by every blank row, so that a few bytes naming row 1,048,576
// below a wide header do not cost a million rows of cells.
func (s *xlsxSource) blankCells() []Cell {
	if s.width == 0 {
		return nil
	}
	if s.blank == nil {
		s.blank = make([]Cell, s.width)
	}
	return s.blank[:s.width:s.width]
}

func (s *xlsxSource) cells() []Cell {
	if s.width == 0 {
		return nil
	}
	if len(s.slab) < s.width {
		s.slab = make([]Cell, s.width*slabRows(s.width))
	}
	c := s.slab[:s.width:s.width]
	s.slab = s.slab[s.width:]
	return c
}

// Close releases the file.
func (s *xlsxSource) Close() error { return s.closer.Close() }

// colIndex returns the 0-based column of a cell reference such as "AB12",
// or -1.
func colIndex(ref string) int {
	n := 0
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		default:
			if i == 0 {
				return -1
			}
			return n - 1
		}
		if n > 1<<14 {
			return -1
		}
	}
	if i == 0 {
		return -1
	}
	return n - 1
}

// atoiBytes parses a non-negative decimal index, or returns -1.
func atoiBytes(b []byte) int {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	if len(b) == 0 || len(b) > 9 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
