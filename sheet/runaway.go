package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// rawLog passes text through to the csv.Reader and keeps what was read
// from offset keep on (the start of the record being read, plus the
// read-ahead), so that a record swallowed by an unclosed quote can be
// located in the text and read again. Bytes before keep are dropped on
// the next read; the part kept is normally one record, so the cost is one
// copy of the input.
type rawLog struct {
	r    io.Reader
	buf  []byte
	base int64 // stream offset of buf[0]
	keep int64 // stream offset of the first byte still needed
}

// Read reads from the underlying text and records what it returns.
func (l *rawLog) Read(p []byte) (int, error) {
	if d := l.keep - l.base; d > 0 {
		d = min(d, int64(len(l.buf)))
		l.buf = l.buf[:copy(l.buf, l.buf[d:])]
		l.base += d
	}
	n, err := l.r.Read(p)
	l.buf = append(l.buf, p[:n]...)
	return n, err
}

// checkRunaway decides whether field i of rec, read from text starting at
// physical line firstLine, is a quoted cell whose quote was never really
// closed and that swallowed the rows after it. If so it reports why and
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
func (s *csvSource) checkRunaway(rec []string, i, firstLine int) error {
	f, last, need := rec[i], len(rec)-1, s.width-1
	rowLike, delimLine, moreLines := 0, false, false
	if nl := strings.IndexByte(f, '\n'); nl >= 0 {
		for rest := f[nl+1:]; ; {
			line, after, more := strings.Cut(rest, "\n")
			if c := strings.Count(line, string(s.comma)); c > 0 {
				delimLine = true
				if need > 0 && c >= need {
					rowLike++
				}
			}
			if strings.TrimSpace(line) != "" {
				moreLines = true
			}
			if !more {
				break
			}
			rest = after
		}
	}
	recEnd := s.start + s.cr.InputOffset()
	off, located := s.fieldOffset(i, firstLine, recEnd)
	runaway := need > 0 && rowLike*need >= 2
	if !runaway && located && (delimLine || i == last || need == 0 && moreLines) {
		bare, unclosed := scanQuoted(s.raw.buf[off-s.raw.base:recEnd-s.raw.base], s.comma)
		runaway = (bare || unclosed) && delimLine ||
			unclosed && i == last && (strings.ContainsRune(f, s.comma) || need == 0 && moreLines)
	}
	if !runaway {
		return nil
	}
	col := columnName(s.header, i)
	if !located {
		s.err = fmt.Errorf("stopped reading after row %d: a quote (\") in %s is never closed and the rows after it cannot be told apart; remove the quote or close it, then import again", s.line+1, col)
		return fmt.Errorf("a quote (\") in %s is never closed, so everything after it was read as one cell; remove the quote or close it, then import again", col)
	}
	if s.resync(off) {
		return fmt.Errorf("a quote (\") in %s is never closed, so everything after it was read as one cell; this row was skipped (the rows below it were read normally): remove the quote or close it (write \"\" for a quote inside a cell), then import again", col)
	}
	return fmt.Errorf("a quote (\") in %s is never closed, so the rest of the row was read as one cell: remove the quote or close it (write \"\" for a quote inside a cell), then import again", col)
}

// fieldOffset returns the stream offset of field i's first byte (its
// opening quote) in the record that began at physical line firstLine.
func (s *csvSource) fieldOffset(i, firstLine int, recEnd int64) (int64, bool) {
	line, col := s.cr.FieldPos(i)
	if s.raw.keep < s.raw.base || recEnd-s.raw.base > int64(len(s.raw.buf)) {
		return 0, false
	}
	rec := s.raw.buf[s.raw.keep-s.raw.base : recEnd-s.raw.base]
	off := 0
	for range line - firstLine {
		j := bytes.IndexByte(rec[off:], '\n')
		if j < 0 {
			return 0, false
		}
		off += j + 1
	}
	off += col - 1
	if off < 0 || off >= len(rec) || rec[off] != '"' {
		return 0, false
	}
	return s.raw.keep + int64(off), true
}

// resync restarts reading at the line after the one holding stream offset
// off (an opening quote): the text read so far from there on is read again,
// followed by the rest of the input. It reports whether anything follows.
func (s *csvSource) resync(off int64) bool {
	rel := off - s.raw.base
	j := bytes.IndexByte(s.raw.buf[rel:], '\n')
	if j < 0 {
		return false
	}
	tail := bytes.Clone(s.raw.buf[rel+int64(j)+1:])
	s.raw = &rawLog{r: io.MultiReader(bytes.NewReader(tail), s.raw.r)}
	tr := bufio.NewReaderSize(s.raw, sampleSize)
	s.cr = s.newReader(tr)
	s.start, s.lastEnd = 0, 0 // line 1 of the new reader is the line after the quote's
	_, err := tr.Peek(1)
	return !errors.Is(err, io.EOF)
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
		case len(rest) == 0, rest[0] == '\n', bytes.Equal(rest, []byte{'\r'}),
			bytes.HasPrefix(rest, []byte("\r\n")), bytes.HasPrefix(rest, delim):
			return bare, false
		default:
			bare = true
		}
	}
}

// columnName names column i as the user sees it: by its header, or by its
// letter when the header cell is empty or missing.
func columnName(header []string, i int) string {
	if i < len(header) && strings.TrimSpace(header[i]) != "" {
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
