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
	s.pending = buf[hi+1:]
	s.readAhead()
	header, s.info.HeaderProblems = nameColumns(trimHeader(header), columnsWithValues(s.pending, h.num))
	for _, r := range buf[:hi] {
		s.info.TitleRows = append(s.info.TitleRows, titleRow(r.num, cellTexts(r.cells)))
	}
	s.header, s.width = header, len(header)
	s.info.HeaderLine = h.num
	s.line = h.num
	return nil
}

// readAhead reads rows below the header until headerScanRows are pending,
// for nameColumns to see which columns hold values. An error is kept for
// Next to return where it would have come.
func (s *xlsxSource) readAhead() {
	for len(s.pending) < headerScanRows {
		row, err := s.rr.next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			s.aheadErr = err
			return
		}
		s.pending = append(s.pending, row)
	}
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

// csvSampleRows reads the rows with values of a CSV file's first decoded
// text: up to headerScanRows of them for header detection and as many
// again below the header row want (when given) for columnsWithValues.
// whole says the text is the whole file; otherwise its last record may be
// cut short and is left out. CSV cells carry no types, so a cell that
// reads as a plain number counts as a number, as it would in a workbook.
func csvSampleRows(text string, comma rune, whole bool, want int) []rawRow {
	rr := newRecordReader(strings.NewReader(text))
	rr.setComma(comma)
	var rows []rawRow
	line, below := 0, 0
	for len(rows) < 2*headerScanRows || want > 0 && below < headerScanRows {
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
			if want > 0 && line > want {
				below++
			}
		}
	}
	return rows
}

// detectCSVHeader finds the header among the first rows with values of a
// CSV file, with the rule XLSX sources use (pickHeader), and returns its
// row number, or 0 when it is the first row with values (read as before,
// without title rows).
func detectCSVHeader(rows []rawRow, expected []string) int {
	if hi := pickHeader(rows[:min(len(rows), headerScanRows)], expected); hi > 0 {
		return rows[hi].num
	}
	return 0
}

// columnsWithValues says which columns hold a value in the rows after
// row line among rows (rows read ahead, not all of the file).
func columnsWithValues(rows []rawRow, line int) []bool {
	var seen []bool
	for _, r := range rows {
		if r.num <= line {
			continue
		}
		for i, c := range r.cells {
			if c.Kind != KindEmpty && strings.TrimSpace(c.Text) != "" {
				if i >= len(seen) {
					seen = append(seen, make([]bool, i+1-len(seen))...)
				}
				seen[i] = true
			}
		}
	}
	return seen
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

// HeaderProblem is a column whose header cell cannot name it on its own:
// it repeats the header of a column to its left, or it is empty (see
// "Column names" in the package doc for which empty ones count). Its
// values are not dropped: the column is read under Name, which
// Source.Header holds and a mapping can use.
type HeaderProblem struct {
	Column string // the column's letter, "F"
	Index  int    // the column's index in Source.Header and Row.Cells, from 0
	Header string // its header cell as in the file ("" when empty)
	Name   string // the name it is read under: "Telefon (2)", "Column F"
	SameAs string // a repeated header: the letter of the first column with it; "" for an empty one
}

// String says what is wrong and how to reach the column, for a note:
// `column F has the same header "Telefon" as column D: its values are read
// as column "Telefon (2)" …`.
func (p HeaderProblem) String() string {
	if p.SameAs != "" {
		return fmt.Sprintf("column %s has the same header %q as column %s: its values are read as column %q (a mapping names it so; %q means column %s)",
			p.Column, strings.TrimSpace(p.Header), p.SameAs, p.Name, strings.TrimSpace(p.Header), p.SameAs)
	}
	return fmt.Sprintf("column %s has no header: its values are read as column %q (a mapping names it so; or give the column a header in the file)", p.Column, p.Name)
}

// nameColumns makes every column of a header row (trailing empty cells
// already dropped) reachable by a name of its own, so that no column is
// shadowed by another of the same name or left without one: the second
// and later columns with a header already used (compared as a mapping
// compares them: ignoring case and surrounding spaces) get " (2)", " (3)"…
// after it; an empty header cell gets "Column " and its letter when a
// named column stands left of it or valued says its column holds values
// below the header (empty columns before a table that does not start in
// column A keep their empty header). Both are reported as HeaderProblems.
// Names already in the row are never reused.
func nameColumns(header []string, valued []bool) ([]string, []HeaderProblem) {
	first := make(map[string]int, len(header))
	for i, h := range header {
		if k := sameHeaderKey(h); k != "" {
			if _, ok := first[k]; !ok {
				first[k] = i
			}
		}
	}
	var names []string
	var problems []HeaderProblem
	named := false // a named column stands left of i
	for i, h := range header {
		k := sameHeaderKey(h)
		if j := first[k]; k != "" && j == i {
			named = true
			continue
		}
		if k == "" && !named && (i >= len(valued) || !valued[i]) {
			continue // before the table
		}
		if names == nil {
			names = slices.Clone(header)
		}
		p := HeaderProblem{Column: columnLetters(i), Index: i, Header: h}
		base := "Column " + p.Column
		if k != "" {
			p.SameAs = columnLetters(first[k])
			base = strings.TrimSpace(h)
		}
		n := 1 // "Column F" first, "Column F (2)" if a header says that already
		if k != "" {
			n = 2 // the first "Telefon" keeps its name
		}
		for p.Name = numbered(base, n); ; p.Name = numbered(base, n) {
			if _, used := first[sameHeaderKey(p.Name)]; !used {
				break
			}
			n++
		}
		first[sameHeaderKey(p.Name)] = i
		names[i] = p.Name
		problems = append(problems, p)
	}
	if names == nil {
		return header, nil
	}
	return names, problems
}

// numbered returns base for n = 1, else base and " (n)".
func numbered(base string, n int) string {
	if n == 1 {
		return base
	}
	return fmt.Sprintf("%s (%d)", base, n)
}

// sameHeaderKey folds a header cell the way a mapping matches columns:
// lower case, surrounding spaces (also non-breaking ones) removed and
// inner runs of them made one.
func sameHeaderKey(h string) string {
	f := strings.FieldsFunc(h, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007' || r == '\ufeff' || r == '\u200b'
	})
	return strings.ToLower(strings.Join(f, " "))
}
