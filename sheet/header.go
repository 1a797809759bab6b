package sheet

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// headerScanRows is how many rows with values automatic header detection
// looks at (blank rows above and between them do not count).
const headerScanRows = 20

// Header detection, shared by XLSX and CSV sources: the header is found
// among the first rows with values (pickHeader) and the rows with values
// above it become Info.TitleRows.

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
	header = trimHeader(header)
	for _, r := range buf[:hi] {
		s.info.TitleRows = append(s.info.TitleRows, titleRow(r.num, cellTexts(r.cells)))
	}
	s.header, s.width = header, len(header)
	s.info.HeaderLine = h.num
	s.line = h.num
	s.pending = buf[hi+1:]
	return nil
}

// titleRow keeps the values of row line, above the header.
func titleRow(line int, cells []string) TitleRow {
	return TitleRow{Line: line, Cells: trimHeader(cells)}
}

// cellTexts returns the text of each cell.
func cellTexts(cells []Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.Text
	}
	return out
}

// trimHeader drops the empty cells at the end of a header or title row.
func trimHeader(cells []string) []string {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// detectCSVHeader finds the header among the first rows of a CSV file's
// decoded text, with the rule XLSX sources use (pickHeader), and returns
// its row number, or 0 when it is the first row with values (read as
// before, without title rows). whole says the text is the whole file;
// otherwise its last record may be cut short and is left out. CSV cells
// carry no types, so a cell that reads as a plain number counts as a
// number, as it would in a workbook.
func detectCSVHeader(text string, comma rune, whole bool, expected []string) int {
	rr := newRecordReader(strings.NewReader(text))
	rr.setComma(comma)
	var rows []rawRow
	line := 0
	for len(rows) < headerScanRows {
		rec, err := rr.read()
		if err != nil {
			break // the end of the text, or a record past a bound: judge the rows before it
		}
		if !whole && !rr.fill(1) {
			break
		}
		line += rr.blanks + 1
		row := rawRow{num: line, cells: make([]Cell, len(rec))}
		for i, f := range rec {
			row.cells[i] = detectionCell(f)
		}
		if !row.blank() {
			rows = append(rows, row)
		}
	}
	if hi := pickHeader(rows, expected); hi > 0 {
		return rows[hi].num
	}
	return 0
}

// detectionCell types a CSV cell for header detection: empty, a plain
// number (a decimal comma allowed) or text.
func detectionCell(f string) Cell {
	t := strings.TrimSpace(f)
	switch {
	case t == "":
		return Cell{}
	case isPlainNumber(t):
		return Cell{Text: t, Kind: KindNumber}
	}
	return Cell{Text: f, Kind: KindText}
}

// isPlainNumber reports whether t is a number as a CSV file writes one:
// digits with an optional sign and one decimal point or comma.
func isPlainNumber(t string) bool {
	_, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
	return err == nil && strings.IndexFunc(t, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '-' || r == '+' || r == '.' || r == ',') }) < 0
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
