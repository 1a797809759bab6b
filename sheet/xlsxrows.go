package sheet

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

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
	dec      *xmlScanner
	sst      *sharedStrings
	formats  []numFormat
	date1904 bool
	lastRow  int
	done     bool
	buf      []byte // reused for cell values
	isBuf    []byte // reused for inline strings
	width    int    // the most cells a row had so far (capped), to size the next
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
		kind, err := rr.dec.scan()
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
		switch kind {
		case tokStart:
			switch rr.dec.name.Local {
			case "row":
				inRow, col, rowBytes, long = true, -1, 0, ""
				row = rawRow{num: rr.lastRow + 1, cells: make([]Cell, 0, rr.width)}
				if n, err := atoi(rr.dec.attr("r")); err == nil && n > 0 {
					row.num = n
				}
				if row.num > maxSheetRows {
					return rawRow{}, fmt.Errorf("after row %d: the sheet names row %d, beyond Excel's last row (%d): the file is damaged", rr.lastRow, row.num, maxSheetRows)
				}
			case "c":
				hasCell, typ, style = true, "", 0
				val, is = rr.buf[:0], rr.isBuf[:0]
				col++
				for _, a := range rr.dec.attrs {
					switch a.Name.Local {
					case "r":
						if c := colIndex(a.Value); c >= 0 {
							col = c
						}
					case "t":
						typ = cellType(a.Value)
					case "s":
						style, _ = atoi(a.Value)
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
		case tokEnd:
			switch rr.dec.name.Local {
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
				if len(row.cells) > rr.width {
					rr.width = min(len(row.cells), 256)
				}
				if long != "" {
					row.err = fmt.Errorf("column %s holds more than %d characters, more than a cell of Excel can: the file is damaged; the cell was cut short", long, maxCellChars)
				}
				return row, nil
			case "sheetData":
				rr.done = true
				return rawRow{}, io.EOF
			}
		case tokText:
			switch {
			case !hasCell:
			case inIS && inT && skip == 0:
				is = add(is, rr.dec.text)
			case inV:
				val = add(val, rr.dec.text)
			}
		}
	}
}

// cell turns a cell's type, style and raw value into a Cell.
func (rr *rowReader) cell(typ string, style int, raw []byte) Cell {
	if typ == "s" {
		i := atoiBytes(raw)
		if i < 0 || i >= rr.sst.count() {
			return Cell{}
		}
		return textCell(rr.sst.text(i))
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
	return TimeCell(text, KindTime, time.Time{}.Add(d))
}

// elapsedCell is a duration shown as Excel shows [h]:mm or [h]:mm:ss,
// hours past 24 included ("27:30").
func elapsedCell(f float64, secs bool) Cell {
	s := excelSeconds(f)
	text := fmt.Sprintf("%d:%02d", s/3600, s/60%60)
	if secs {
		text += fmt.Sprintf(":%02d", s%60)
	}
	return TimeCell(text, KindTime, time.Time{}.Add(time.Duration(s)*time.Second))
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
	return TimeCell(formatTime(t), KindDate, t)
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

// colIndex returns the 0-based column of a cell reference such as "AB12",
// or -1.
func colIndex[T string | []byte](ref T) int {
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
// atoi is strconv.Atoi of b, without a string for the common case.
func atoi(b []byte) (int, error) {
	if len(b) > 0 && len(b) <= 9 {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return strconv.Atoi(string(b))
			}
			n = n*10 + int(c-'0')
		}
		return n, nil
	}
	return strconv.Atoi(string(b))
}

// cellType is a cell's t attribute as a string, without allocating for
// the types Excel writes.
func cellType(b []byte) string {
	switch string(b) {
	case "s":
		return "s"
	case "n":
		return "n"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return string(b)
}

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
