package sheet

import (
	"archive/zip"
	"bufio"
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

	"github.com/xuri/excelize/v2"
)

// headerScanRows is how many rows automatic header detection looks at.
const headerScanRows = 20

// OpenXLSX opens an XLSX (or XLSM) workbook and reads one sheet, streaming:
// opt.Sheet by name, or by default the first visible sheet with data. The
// header is row opt.HeaderRow or found automatically among the first 20
// rows (title rows above the table are skipped: the header is the first
// row of mostly text, with at least two cells and at least 60% of a
// typical row's cells, that has data below it). Date cells (by their number
// format, 1900 and 1904 date systems) come back as KindDate, numbers as
// KindNumber without float noise, text exactly as stored (shared and
// inline strings). Rows missing from the file and rows with no value are
// returned with Blank set; Row.Line is the sheet's own row number.
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
		return nil, fmt.Errorf("open %s: %w (is it really an .xlsx file? save it from Excel as \"Excel Workbook (*.xlsx)\")", filepath.Base(p), err)
	}
	s, err := newXLSXSource(ctx, &zr.Reader, zr, opt)
	if err != nil {
		_ = zr.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	return s, nil
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

	rr       *rowReader
	pending  []rawRow // rows read ahead (header detection)
	line     int      // Line of the last row returned
	gapTo    int      // blank rows to report up to this row number
	slab     []Cell
	sinceCtx int
}

func newXLSXSource(ctx context.Context, z *zip.Reader, closer io.Closer, opt Options) (*xlsxSource, error) {
	files := make(map[string]*zip.File, len(z.File))
	for _, f := range z.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
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
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"` // r:id, transitional or strict namespace
		} `xml:"sheets>sheet"`
	}
	if err := readXMLPart(files, wbPath, &wb); err != nil {
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
	date1904 := wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	isDate, err := readDateStyles(files, stylesPath)
	if err != nil {
		return nil, err
	}
	sst, err := readSharedStrings(files, sstPath)
	if err != nil {
		return nil, err
	}
	chosen, err := chooseSheet(files, sheets, opt.Sheet, sst)
	if err != nil {
		return nil, err
	}
	zf := files[chosen.part]
	if zf == nil {
		return nil, fmt.Errorf("sheet %q: its data (%s) is missing from the file", chosen.name, chosen.part)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", chosen.name, err)
	}
	s := &xlsxSource{
		ctx:    ctx,
		closer: multiCloser{rc, closer},
		info:   Info{Format: "xlsx", Sheet: chosen.name},
		rr:     &rowReader{dec: xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10)), sst: sst, isDate: isDate, date1904: date1904},
	}
	if err := s.findHeader(opt.HeaderRow); err != nil {
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
func readRels(files map[string]*zip.File, name, base string) ([]relationship, error) {
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	if err := readXMLPart(files, name, &rels); err != nil {
		return nil, err
	}
	for i, r := range rels.Rel {
		if strings.HasPrefix(r.Target, "/") {
			rels.Rel[i].Target = strings.TrimPrefix(r.Target, "/")
		} else {
			rels.Rel[i].Target = path.Clean(path.Join(base, r.Target))
		}
	}
	return rels.Rel, nil
}

func readXMLPart(files map[string]*zip.File, name string, v any) error {
	f := files[name]
	if f == nil {
		return fmt.Errorf("part %s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}

// readDateStyles returns, per cell style index, whether the style's number
// format shows a date or time.
func readDateStyles(files map[string]*zip.File, name string) ([]bool, error) {
	if name == "" || files[name] == nil {
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
	out := make([]bool, len(st.Xfs))
	for i, xf := range st.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			out[i] = isDateFormat(code)
		} else {
			out[i] = isBuiltinDateFormat(xf.NumFmtID)
		}
	}
	return out, nil
}

// isBuiltinDateFormat reports whether a built-in number format id (ECMA-376
// 18.8.30, plus the East Asian ids Excel uses) is a date or time.
func isBuiltinDateFormat(id int) bool {
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
		(id >= 50 && id <= 58) || (id >= 71 && id <= 81)
}

// isDateFormat reports whether a custom number format code shows a date or
// time: after removing quoted text, escapes and [colour]/[$-locale] parts,
// it has one of the letters d m y h s (as openpyxl and excelize decide).
func isDateFormat(code string) bool {
	if sec, _, _ := strings.Cut(code, ";"); sec != "" {
		code = sec
	}
	var b strings.Builder
	inQuote := false
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
			if strings.Trim(inner, "hms") == "" { // elapsed time [h] [mm] [ss]
				b.WriteString(inner)
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if s == "general" || s == "@" {
		return false
	}
	return strings.ContainsAny(s, "dmyhs")
}

// readSharedStrings loads the shared string table: one string per <si>,
// the text of its runs joined, phonetic hints left out.
func readSharedStrings(files map[string]*zip.File, name string) ([]string, error) {
	if name == "" || files[name] == nil {
		return nil, nil
	}
	rc, err := files[name].Open()
	if err != nil {
		return nil, fmt.Errorf("shared strings: %w", err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var out []string
	var b strings.Builder
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
				if n, err := strconv.Atoi(attr(t.Attr, "uniqueCount")); err == nil && n > 0 && n < 1<<22 {
					out = make([]string, 0, n)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, b.String())
			case "t":
				inT = false
			case "rPh":
				skip--
			}
		case xml.CharData:
			if inT && skip == 0 {
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
// the first visible sheet with data.
func chooseSheet(files map[string]*zip.File, sheets []xlsxSheetRef, want string, sst []string) (xlsxSheetRef, error) {
	if want != "" {
		for _, s := range sheets {
			if s.name == want {
				return s, nil
			}
		}
		for _, s := range sheets {
			if strings.EqualFold(s.name, want) {
				return s, nil
			}
		}
		names := make([]string, len(sheets))
		for i, s := range sheets {
			names[i] = strconv.Quote(s.name)
		}
		return xlsxSheetRef{}, fmt.Errorf("no sheet named %q: the workbook has %s", want, strings.Join(names, ", "))
	}
	var firstVisible *xlsxSheetRef
	for i, s := range sheets {
		if s.hidden {
			continue
		}
		if firstVisible == nil {
			firstVisible = &sheets[i]
		}
		if sheetHasData(files[s.part], sst) {
			return s, nil
		}
	}
	if firstVisible != nil {
		return *firstVisible, nil
	}
	return sheets[0], nil
}

// sheetHasData reports whether a worksheet part has at least one value.
func sheetHasData(f *zip.File, sst []string) bool {
	if f == nil {
		return false
	}
	rc, err := f.Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	rr := &rowReader{dec: xml.NewDecoder(rc), sst: sst}
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

func (r rawRow) blank() bool { n, _ := r.nonEmpty(); return n == 0 }

// rowReader pulls <row> elements from a worksheet's XML.
type rowReader struct {
	dec      *xml.Decoder
	sst      []string
	isDate   []bool
	date1904 bool
	lastRow  int
	done     bool
	buf      []byte // reused for cell values
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
		val                     []byte
		inV, inIS, inT, hasCell bool
		skip                    int
	)
	col = -1
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
				inRow, col = true, -1
				row = rawRow{num: rr.lastRow + 1}
				if n, err := strconv.Atoi(attr(t.Attr, "r")); err == nil && n > 0 {
					row.num = n
				}
			case "c":
				hasCell, typ, style = true, "", 0
				val = rr.buf[:0]
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
				if hasCell && col >= 0 && col < 1<<14 {
					rr.buf = val
					cell := rr.cell(typ, style, val)
					if cell.Kind != KindEmpty {
						for len(row.cells) < col {
							row.cells = append(row.cells, Cell{})
						}
						row.cells = append(row.cells[:col], cell)
					}
				}
				hasCell = false
			case "row":
				rr.lastRow = row.num
				return row, nil
			case "sheetData":
				rr.done = true
				return rawRow{}, io.EOF
			}
		case xml.CharData:
			if inV || (inIS && inT && skip == 0) {
				val = append(val, t...)
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
	if style >= 0 && style < len(rr.isDate) && rr.isDate[style] && f >= 0 && f < 2958466 {
		if t, err := excelize.ExcelDateToTime(f, rr.date1904); err == nil {
			return dateCell(t)
		}
	}
	return Cell{Text: formatNumber(f), Kind: KindNumber}
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
func (s *xlsxSource) findHeader(want int) error {
	if want < 0 {
		return fmt.Errorf("header row %d: row numbers start at 1", want)
	}
	var buf []rawRow
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
				continue
			}
			if row.num > want || row.blank() {
				return fmt.Errorf("header row %d is empty: give the row that holds the column names", want)
			}
			buf = append(buf, row)
			break
		}
		buf = append(buf, row)
		if len(buf) >= headerScanRows {
			break
		}
	}
	if want > 0 && len(buf) == 0 {
		return fmt.Errorf("header row %d not found: the sheet has only %d rows", want, s.rr.lastRow)
	}
	hi := -1
	if want > 0 {
		hi = 0
	} else {
		hi = pickHeader(buf)
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
	s.header, s.width = header, len(header)
	s.info.HeaderLine = h.num
	s.line = h.num
	s.pending = buf[hi+1:]
	return nil
}

// pickHeader chooses the header among the first rows: the first row with
// at least two values, at least 60% of a typical row's values, mostly
// text, and a non-blank row below it; else the first widest row.
func pickHeader(rows []rawRow) int {
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
	// The typical width (median of non-blank rows) is robust against a
	// few over-long rows; title rows are far narrower than it.
	slices.Sort(counts)
	typical := counts[len(counts)/2]
	lastData := -1
	for i, r := range rows {
		if !r.blank() {
			lastData = i
		}
	}
	for i, r := range rows {
		n, text := r.nonEmpty()
		if n >= 2 && float64(n) >= 0.6*float64(typical) && text*10 >= n*8 && (i < lastData || len(rows) == 1) {
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

// Header returns the header row's cells (trailing empty columns dropped).
func (s *xlsxSource) Header() []string { return s.header }

// Info says which sheet and header row are being read.
func (s *xlsxSource) Info() Info { return s.info }

// Next returns the next row, io.EOF after the last one. Rows missing from
// the sheet between data rows come back as blank rows.
func (s *xlsxSource) Next() (Row, error) {
	if s.gapTo > s.line+1 {
		s.line++
		return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
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
		return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
	}
	s.line = raw.num
	row := Row{Line: raw.num, Cells: s.cells(), Blank: raw.blank()}
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
	return row, nil
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
