package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// textOf returns a value as CSV text and whether it is text (which may need
// neutralising) rather than a number, boolean or date. Numbers stay
// numbers even in ColumnText columns: "-5" from an int is never a formula.
func textOf(v any, kind ColumnKind) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		if kind == ColumnNumber && isNumber(v) {
			return v, false
		}
		return v, true
	case int:
		return strconv.Itoa(v), false
	case int64:
		return strconv.FormatInt(v, 10), false
	case int32:
		return strconv.FormatInt(int64(v), 10), false
	case uint64:
		return strconv.FormatUint(v, 10), false
	case float64:
		return formatFloat(v), false
	case float32:
		return formatFloat(float64(v)), false
	case bool:
		if v {
			return "TRUE", false
		}
		return "FALSE", false
	case time.Time:
		return formatTime(v), false
	case []string:
		return strings.Join(v, ", "), true
	case Marked:
		return textOf(v.Value, kind)
	case Cell:
		switch v.Kind {
		case KindText:
			return v.Text, true
		case KindDate:
			if t := v.Time(); !t.IsZero() {
				return formatTime(t), false
			}
		}
		return v.Text, false
	case fmt.Stringer:
		return v.String(), true
	}
	return fmt.Sprint(v), true
}

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func isNumber(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXnNiIpP_") // no hex, NaN, Inf, underscores
}

// needsNeutralising reports whether a spreadsheet program could run a text
// cell as a formula (OWASP CSV injection).
func needsNeutralising(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// isProtected reports whether s is a neutralised cell: an apostrophe
// before formula-like text (or before another protected value). CSV
// sources remove that one apostrophe; sinks add one more to a value that
// already looks protected, so every text reads back exactly.
func isProtected(s string) bool {
	for len(s) > 1 && s[0] == '\'' {
		s = s[1:]
		if needsNeutralising(s) {
			return true
		}
	}
	return false
}

// Marked is a cell a person should look at, for WriteRow: an XLSX sink
// writes Value (as it writes any value) with a light red fill and Note as
// the cell's comment, which Excel shows when the pointer rests on the
// cell; a CSV sink writes Value alone. The first MaxNotes marked cells of
// a sheet get their comment; later ones their fill only (comments are
// held in memory until the workbook is written).
type Marked struct {
	Value any
	Note  string
}

// MaxNotes is how many marked cells of one XLSX sheet get a comment:
// excelize's AddComment takes time in the number of comments already
// added, so n comments cost O(n²) (BenchmarkXLSXSinkMarked: 5,000 take
// about 0.6 s, 10,000 about 2.8 s on a shared 2-core machine). A person
// fixes the first thousands by hand at most; crmport_error has them all.
const MaxNotes = 5000

// markFill is the fill of marked cells: Excel's light red of "bad" cells.
const markFill = "FFC7CE"

// csvSink writes CSV: see NewCSVSink.
type csvSink struct {
	w     *csv.Writer
	opt   Options
	cols  []Column
	rec   []string
	wrote bool
	err   error
}

// NewCSVSink writes UTF-8 CSV to w: opt.Delimiter (default ','), a byte
// order mark first when opt.BOM is set (Excel then reads UTF-8 correctly),
// CRLF line endings (what Excel writes), and text cells starting with
// = + - @ tab or CR prefixed with ' so that spreadsheet programs do not run
// them as formulas, unless opt.Raw. Numbers, booleans and dates are never
// prefixed (a negative int stays -5).
func NewCSVSink(w io.Writer, opt Options) Sink {
	s := &csvSink{opt: opt}
	if opt.BOM {
		if _, err := w.Write(bomUTF8); err != nil {
			s.err = fmt.Errorf("write csv: %w", err)
		}
	}
	s.w = csv.NewWriter(w)
	if opt.Delimiter != 0 {
		if !validDelimiter(opt.Delimiter) {
			s.err = fmt.Errorf("write csv: delimiter %q cannot separate cells: use ';', ',', tab or '|'", opt.Delimiter)
		}
		s.w.Comma = opt.Delimiter
	}
	s.w.UseCRLF = true
	return s
}

// WriteHeader writes the header row.
func (s *csvSink) WriteHeader(cols []Column) error {
	if s.wrote {
		return errors.New("write csv: the header is already written")
	}
	s.wrote = true
	s.cols = cols
	for range s.opt.HeaderRow - 1 { // empty lines above a header row given
		if err := s.w.Write(nil); err != nil {
			return err
		}
	}
	vals := make([]any, len(cols))
	for i, c := range cols {
		vals[i] = c.Name
	}
	return s.write(vals, true)
}

// WriteRow writes one row.
func (s *csvSink) WriteRow(values []any) error { return s.write(values, false) }

func (s *csvSink) write(values []any, header bool) error {
	if s.err != nil {
		return s.err
	}
	s.rec = s.rec[:0]
	for i, v := range values {
		kind := ColumnAuto
		if !header && i < len(s.cols) {
			kind = s.cols[i].Kind
		}
		t, isText := textOf(v, kind)
		if isText && !s.opt.Raw && (needsNeutralising(t) || isProtected(t)) {
			t = "'" + t
		}
		s.rec = append(s.rec, t)
	}
	if err := s.w.Write(s.rec); err != nil {
		s.err = fmt.Errorf("write csv: %w", err)
		return s.err
	}
	return nil
}

// Close flushes the output and reports any deferred write error.
func (s *csvSink) Close() error {
	if s.err != nil {
		return s.err
	}
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// CleanSheetName makes name a sheet name Excel accepts: the characters it
// refuses ([ ] : * ? / \) become spaces, apostrophes around it go, and it
// is cut to Excel's 31 characters; "Sheet1" if nothing is left.
func CleanSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.Trim(strings.TrimSpace(name), "'"))
	if r := []rune(name); len(r) > 31 {
		name = strings.TrimSpace(string(r[:31]))
	}
	if name == "" {
		return "Sheet1"
	}
	return name
}

// widthRows is how many rows an XLSX sink holds back to size its columns.
const widthRows = 1000

// xlsxSink writes XLSX: see NewXLSXSink.
type xlsxSink struct {
	out     io.Writer
	opt     Options
	sheet   string
	f       *excelize.File
	sw      *excelize.StreamWriter
	cols    []Column
	header  []any
	buf     [][]any
	widths  []float64
	row     int // last sheet row written (or buffered)
	streamN int // rows streamed
	maxCols int // widest row streamed (header included)
	err     error
	closed  bool

	dateStyle, timeStyle, textStyle, textDateStyle int
	marked                                         map[int]int // style → its marked variant
	notes                                          int         // comments written
}

// NewXLSXSink writes an XLSX workbook with one sheet (opt.Sheet, default
// "Sheet1") to w when closed, streaming rows through excelize's
// StreamWriter: a bold, frozen header row with an autofilter, column widths
// from the first 1000 rows (capped at 60), every Go string as a text cell
// (leading zeros, long digit strings and "=…" stay text, never formulas),
// time.Time as date cells (yyyy-mm-dd, or yyyy-mm-dd hh:mm:ss with a time
// of day), ints and floats as numbers, and ColumnText columns always text.
func NewXLSXSink(w io.Writer, opt Options) Sink {
	s := &xlsxSink{out: w, opt: opt, sheet: opt.Sheet}
	if s.sheet == "" {
		s.sheet = "Sheet1"
	}
	return s
}

// WriteHeader records the header row (written with the first rows).
func (s *xlsxSink) WriteHeader(cols []Column) error {
	if s.err != nil {
		return s.err
	}
	if s.header != nil {
		return errors.New("write xlsx: the header is already written")
	}
	s.cols = cols
	s.header = make([]any, len(cols))
	for i, c := range cols {
		s.header[i] = c.Name
	}
	s.track(s.header)
	s.row = s.headerRow()
	return nil
}

// headerRow is the sheet row of the header: Options.HeaderRow, 1 when
// not given (rows above it stay empty, as in the file a mapping with
// header_row reads).
func (s *xlsxSink) headerRow() int { return max(s.opt.HeaderRow, 1) }

// WriteRow writes one row.
func (s *xlsxSink) WriteRow(values []any) error {
	if s.err != nil {
		return s.err
	}
	if s.row >= excelize.TotalRows {
		s.err = fmt.Errorf("write xlsx: more than %d rows do not fit in one sheet: write CSV instead", excelize.TotalRows-1)
		return s.err
	}
	if s.header == nil {
		s.row = max(s.row, 1)
	}
	s.row++
	if s.sw == nil && len(s.buf) < widthRows {
		cp := make([]any, len(values))
		copy(cp, values)
		s.buf = append(s.buf, cp)
		s.track(values)
		return nil
	}
	if err := s.start(); err != nil {
		return err
	}
	return s.stream(values)
}

// track widens columns for a row's values.
func (s *xlsxSink) track(values []any) {
	for len(s.widths) < len(values) {
		s.widths = append(s.widths, 0)
	}
	for i, v := range values {
		t, _ := textOf(v, ColumnAuto)
		w := 0
		for line := range strings.SplitSeq(t, "\n") {
			w = max(w, utf8.RuneCountInString(line))
		}
		s.widths[i] = max(s.widths[i], float64(w))
	}
}

// start creates the workbook, styles, widths, panes and header.
func (s *xlsxSink) start() error {
	if s.sw != nil {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	fail := func(err error) error {
		s.err = fmt.Errorf("write xlsx: %w", err)
		return s.err
	}
	f := excelize.NewFile()
	// Zip straight into the output: excelize's WriteTo would otherwise
	// build the whole compressed workbook in memory first (hundreds of MiB
	// for a million clients). The buffer it passes stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(s.out)
		zw.RegisterCompressor(zip.Deflate, newParallelDeflater)
		return &dimensionZip{Writer: zw, ref: s.dimension}
	})
	s.f = f
	if s.sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", s.sheet); err != nil {
			return fail(err)
		}
	}
	var err error
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fail(err)
	}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if s.dateStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return fail(err)
	}
	if s.timeStyle, err = f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt}); err != nil {
		return fail(err)
	}
	if s.textStyle, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return fail(err)
	}
	h := s.headerRow()
	if len(s.header) > 0 {
		// Set before streaming: the StreamWriter writes the worksheet's
		// fields after sheetData at Flush, and Close widens the range.
		first, _ := excelize.CoordinatesToCellName(1, h)
		last, _ := excelize.CoordinatesToCellName(len(s.header), h)
		if err := f.AutoFilter(s.sheet, first+":"+last, nil); err != nil {
			return fail(err)
		}
	}
	sw, err := f.NewStreamWriter(s.sheet)
	if err != nil {
		return fail(err)
	}
	s.sw = sw
	for i, w := range s.widths {
		width := math.Min(60, math.Max(8, w+2))
		if i < len(s.cols) && s.cols[i].Kind == ColumnDate {
			width = math.Max(width, 12)
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fail(err)
		}
	}
	if s.header != nil {
		below := "A" + strconv.Itoa(h+1)
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: h, TopLeftCell: below, ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}}}); err != nil {
			return fail(err)
		}
		row := make([]any, len(s.header))
		for i, c := range s.header {
			t, _ := textOf(c, ColumnText)
			row[i] = excelize.Cell{StyleID: bold, Value: t}
		}
		if err := sw.SetRow("A"+strconv.Itoa(h), row); err != nil {
			return fail(err)
		}
		s.streamN = h
		s.maxCols = len(row)
	}
	buf := s.buf
	s.buf = nil
	for _, r := range buf {
		if err := s.stream(r); err != nil {
			return err
		}
	}
	return nil
}

// stream writes one row to the StreamWriter.
func (s *xlsxSink) stream(values []any) error {
	s.streamN++
	s.maxCols = max(s.maxCols, len(values))
	row := make([]any, len(values))
	for i, v := range values {
		kind := ColumnAuto
		if i < len(s.cols) {
			kind = s.cols[i].Kind
		}
		m, ok := v.(Marked)
		if !ok {
			row[i] = s.xlsxValue(v, kind)
			continue
		}
		var err error
		if row[i], err = s.mark(s.xlsxValue(m.Value, kind), i+1, m.Note); err != nil {
			s.err = fmt.Errorf("write xlsx row %d: %w", s.streamN, err)
			return s.err
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, s.streamN)
	if err := s.sw.SetRow(cell, row); err != nil {
		s.err = fmt.Errorf("write xlsx row %d: %w", s.streamN, err)
		return s.err
	}
	return nil
}

// mark gives a cell value (as xlsxValue returns it) the marked fill, and
// the cell in column col of the current row the comment note.
func (s *xlsxSink) mark(v any, col int, note string) (any, error) {
	c, ok := v.(excelize.Cell)
	if !ok {
		c = excelize.Cell{Value: v}
	}
	style, ok := s.marked[c.StyleID]
	if !ok {
		base := &excelize.Style{}
		if c.StyleID != 0 {
			var err error
			if base, err = s.f.GetStyle(c.StyleID); err != nil {
				return nil, err
			}
		}
		base.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{markFill}}
		var err error
		if style, err = s.f.NewStyle(base); err != nil {
			return nil, err
		}
		if s.marked == nil {
			s.marked = map[int]int{}
		}
		s.marked[c.StyleID] = style
	}
	c.StyleID = style
	if note != "" && s.notes < MaxNotes {
		s.notes++
		ref, _ := excelize.CoordinatesToCellName(col, s.streamN)
		if err := s.f.AddComment(s.sheet, excelize.Comment{Cell: ref, Author: "crmport",
			Paragraph: []excelize.RichTextRun{{Text: note}}}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// xlsxValue converts a Go value to what the StreamWriter writes: strings
// stay inline-string cells (never formulas), time.Time becomes a styled
// date number.
func (s *xlsxSink) xlsxValue(v any, kind ColumnKind) any {
	if c, ok := v.(Cell); ok {
		switch c.Kind {
		case KindEmpty:
			return nil
		case KindDate:
			if t := c.Time(); !t.IsZero() {
				v = t
			} else {
				v = c.Text
			}
		case KindNumber:
			if kind != ColumnText {
				if f, err := strconv.ParseFloat(c.Text, 64); err == nil {
					v = f
					break
				}
			}
			v = c.Text
		case KindBool:
			if kind == ColumnText {
				v = c.Text
			} else {
				v = c.Text == "TRUE"
			}
		default:
			v = c.Text
		}
	}
	switch kind {
	case ColumnText:
		switch t := v.(type) {
		case nil:
			return nil
		case string:
			if t == "" {
				return nil
			}
			return excelize.Cell{StyleID: s.textStyle, Value: t}
		}
		t, _ := textOf(v, ColumnText)
		return excelize.Cell{StyleID: s.textStyle, Value: t}
	case ColumnNumber:
		if t, ok := v.(string); ok && isNumber(t) {
			f, _ := strconv.ParseFloat(t, 64)
			return f
		}
	case ColumnDate:
		if t, ok := v.(string); ok {
			if d, err := parseISODate(t); err == nil {
				v = d
			}
		}
	}
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		if t == "" {
			return nil
		}
		return t
	case time.Time:
		if t.IsZero() {
			return nil
		}
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		style := s.timeStyle
		if wall.Hour() == 0 && wall.Minute() == 0 && wall.Second() == 0 && wall.Nanosecond() == 0 {
			style = s.dateStyle
		}
		return excelize.Cell{StyleID: style, Value: wall}
	case []string:
		return strings.Join(t, ", ")
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return formatFloat(t)
		}
		return t
	case int, int64, int32, uint64, float32, bool:
		return t
	}
	t, _ := textOf(v, kind)
	return t
}

// dimension is the sheet's used range, A1 to the last row and the widest
// column streamed.
func (s *xlsxSink) dimension() string {
	if s.streamN <= 1 && s.maxCols <= 1 {
		return "A1"
	}
	last, _ := excelize.CoordinatesToCellName(max(1, s.maxCols), max(1, s.streamN))
	return "A1:" + last
}

// dimensionZip writes the workbook's zip and puts the sheet's true used
// range into its <dimension> element. The StreamWriter writes that element
// first, before any row, as "A1" (it cannot know the range yet), and
// readers that trust it — openpyxl in read-only mode, hence
// pandas.read_excel — would see the header alone. The sheet's XML is
// copied through once, at Close, when the range is known; only the bytes
// before <sheetData> are held to find the element, so memory stays flat.
type dimensionZip struct {
	*zip.Writer
	ref  func() string
	open *dimensionWriter // the worksheet entry being written
}

// Create starts a zip entry; worksheet parts get the dimension rewritten.
func (z *dimensionZip) Create(name string) (io.Writer, error) {
	if err := z.flush(); err != nil {
		return nil, err
	}
	w, err := z.Writer.Create(name)
	if err != nil || !strings.HasPrefix(name, "xl/worksheets/") {
		return w, err
	}
	z.open = &dimensionWriter{w: w, ref: z.ref()}
	return z.open, nil
}

// Close finishes the last entry and the zip.
func (z *dimensionZip) Close() error {
	if err := z.flush(); err != nil {
		return err
	}
	return z.Writer.Close()
}

// flush writes what the open worksheet entry still holds.
func (z *dimensionZip) flush() error {
	d := z.open
	z.open = nil
	if d == nil || d.done {
		return nil
	}
	return d.writeHead(len(d.head))
}

// dimensionWriter replaces the placeholder dimension in the head of a
// worksheet's XML and passes the rest through.
type dimensionWriter struct {
	w    io.Writer
	ref  string
	head []byte // bytes held until the head is complete
	done bool   // the head was written; pass everything through
}

var (
	placeholderDims = [][]byte{[]byte(`<dimension ref="A1"></dimension>`), []byte(`<dimension ref="A1"/>`)}
	sheetDataTag    = []byte("<sheetData")
)

// Write holds bytes until <sheetData starts, then writes the head with the
// true dimension and everything after it unchanged.
func (d *dimensionWriter) Write(p []byte) (int, error) {
	if d.done {
		return d.w.Write(p)
	}
	d.head = append(d.head, p...)
	end := bytes.Index(d.head, sheetDataTag)
	if end < 0 && len(d.head) < 1<<20 {
		return len(p), nil
	}
	if end < 0 {
		end = len(d.head)
	}
	if err := d.writeHead(end); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeHead writes the held bytes, the dimension put right in the first
// end of them.
func (d *dimensionWriter) writeHead(end int) error {
	head := d.head[:end]
	for _, ph := range placeholderDims {
		if i := bytes.Index(head, ph); i >= 0 {
			head = slices.Concat(head[:i], []byte(`<dimension ref="`+d.ref+`"/>`), head[i+len(ph):])
			break
		}
	}
	d.done = true
	if _, err := d.w.Write(head); err != nil {
		return err
	}
	_, err := d.w.Write(d.head[end:])
	d.head = nil
	return err
}

// Close writes the workbook to the output.
func (s *xlsxSink) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if err := s.start(); err != nil {
		return err
	}
	defer s.f.Close()
	if len(s.header) > 0 {
		first, _ := excelize.CoordinatesToCellName(1, s.headerRow())
		last, _ := excelize.CoordinatesToCellName(len(s.header), max(s.headerRow(), s.streamN))
		if err := s.f.AutoFilter(s.sheet, first+":"+last, nil); err != nil {
			s.err = fmt.Errorf("write xlsx: %w", err)
			return s.err
		}
	}
	if err := s.sw.Flush(); err != nil {
		s.err = fmt.Errorf("write xlsx: %w", err)
		return s.err
	}
	if _, err := s.f.WriteTo(s.out); err != nil {
		s.err = fmt.Errorf("write xlsx: %w", err)
		return s.err
	}
	return nil
}
