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
