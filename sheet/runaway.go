package sheet

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// checkRunaway decides whether field i of rec (the record just read) is a
// quoted cell whose quote was never really closed and that swallowed the rows after it. If so it reports why and
// arranges for the swallowed text to be read again as rows, starting at
// the line after the one where the quote opened.
//
// A field is judged runaway when
//   - a line inside it after the first holds as many delimiters as a full
//     row has (header width - 1), counting twice for one-delimiter rows
//     (two-column files), so a note with a ";" in a line survives; or
//   - its quoting is broken (a bare quote inside, as when a later row's
//     quoted cell closed it by accident, or no closing quote before the
//     end of the file) and a line after the first holds a delimiter; or
//   - it is the last cell, runs to the end of the file unclosed and holds a
//     delimiter or (single-column files) further lines.
//
// Legitimate Excel cells are always closed and never contain a bare quote,
// so multi-line addresses and notes with a delimiter in a line pass.
func (s *csvSource) checkRunaway(rec []string, i int) error {
	f, last, need := rec[i], len(rec)-1, s.width-1
	rowLike, delimLine, moreLines := 0, false, false
	recEnd, off := s.rr.offset(), s.rr.starts[i]
	if off >= recEnd || s.rr.raw(off, off+1)[0] != '"' {
		return nil // only a quoted cell holds line ends or delimiters
	}
	if first, n := firstLine(f); n > len(first) {
		for rest := f[n:]; ; {
			line, m := firstLine(rest)
			if c := strings.Count(line, string(s.comma)); c > 0 {
				delimLine = true
				if need > 0 && c >= need {
					rowLike++
				}
			}
			if strings.TrimSpace(line) != "" {
				moreLines = true
			}
			if m == len(line) {
				break
			}
			rest = rest[m:]
		}
	}
	runaway := need > 0 && rowLike*need >= 2
	if !runaway && (delimLine || i == last || need == 0 && moreLines) {
		bare, unclosed := scanQuoted(s.rr.raw(off, recEnd), s.comma)
		runaway = (bare || unclosed) && delimLine ||
			unclosed && i == last && (strings.ContainsRune(f, s.comma) || need == 0 && moreLines)
	}
	if !runaway {
		return nil
	}
	col := columnName(s.header, i)
	own, _ := firstLine(string(s.rr.raw(off, recEnd)))
	below := s.rr.resyncAfterLine(off)
	if err := undoubledQuoteError(own, col, s.comma, below); err != nil {
		return err
	}
	if below {
		return fmt.Errorf("a quote (\") in %s is never closed, so everything after it was read as one cell; this row was skipped (the rows below it were read normally): remove the quote or close it (write \"\" for a quote inside a cell), then import again", col)
	}
	return fmt.Errorf("a quote (\") in %s is never closed, so the rest of the row was read as one cell: remove the quote or close it (write \"\" for a quote inside a cell), then import again", col)
}

// undoubledQuoteError explains the commonest cause of a quoted cell that
// runs on: quotes inside it that are not doubled, the last one right
// before the closing quote, as in "Firma "Alfa"" — the two quotes at the
// end read as one quote inside the cell, so the cell did not end there.
// line is the cell's own line as written, from its opening quote; col
// names the column; below says rows follow (they are read again). It
// returns nil when line does not show that (a quote really never closed).
func undoubledQuoteError(line, col string, comma rune, below bool) error {
	delim := string(comma)
	for k := 1; k < len(line); k++ {
		if line[k] != '"' || k+1 < len(line) && !strings.HasPrefix(line[k+1:], delim) {
			continue
		}
		inner := line[1:k]
		if !hasBareQuote(inner) {
			return nil // e.g. "Ziel ""Z"";… : doubled quotes, the closing one missing
		}
		written := line[:k+1]
		excel := `"` + strings.ReplaceAll(inner, `"`, `""`) + `"`
		ran := "the rest of the row was read into it; this row was skipped"
		if below {
			ran = "the rows below it were read into it; this row was skipped (the rows below it were read again as rows)"
		}
		return fmt.Errorf("the cell %s in %s has quotes (\") inside it that are not doubled, so its last quote did not end the cell and %s. Excel writes that cell as %s, with every quote inside it doubled: write it so in the file, then import again",
			cutCell(written), col, ran, cutCell(excel))
	}
	return nil
}

// hasBareQuote reports whether text, a quoted cell's content as written,
// holds a quote that is neither doubled nor its last character.
func hasBareQuote(text string) bool {
	for i := 0; i < len(text)-1; i++ {
		if text[i] == '"' {
			if text[i+1] != '"' {
				return true
			}
			i++
		}
	}
	return false
}

// cutCell shortens a cell's text for a message to 80 characters.
func cutCell(s string) string {
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)
	return string(r[:79]) + "…"
}

// scanQuoted reads a quoted field's raw text (from its opening quote to
// the end of its record) the way encoding/csv does with LazyQuotes, and
// says whether it holds a bare quote (one neither doubled nor closing) and
// whether it is never closed.
func scanQuoted(raw []byte, comma rune) (bare, unclosed bool) {
	var cb [4]byte
	delim := cb[:copy(cb[:], string(comma))]
	for i := 1; ; {
		j := bytes.IndexByte(raw[i:], '"')
		if j < 0 {
			return bare, true
		}
		i += j + 1
		rest := raw[i:]
		switch {
		case len(rest) > 0 && rest[0] == '"':
			i++
		case len(rest) == 0, rest[0] == '\n', rest[0] == '\r', bytes.HasPrefix(rest, delim):
			return bare, false
		default:
			bare = true
		}
	}
}

// columnName names column i as the user sees it: by its header, or by its
// letter when the header cell is empty or missing (or named for its
// letter: see nameColumns).
func columnName(header []string, i int) string {
	if i < len(header) && strings.TrimSpace(header[i]) != "" && header[i] != "Column "+columnLetters(i) {
		return "column " + strconv.Quote(header[i])
	}
	return "column " + columnLetters(i)
}

// columnLetters returns Excel's letters for the zero-based column i.
func columnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append(b, byte('A'+(i-1)%26))
	}
	for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
		b[l], b[r] = b[r], b[l]
	}
	return string(b)
}
