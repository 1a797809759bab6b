package sheet

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// sampleSize is how much of a CSV file detection looks at.
const sampleSize = 64 << 10

// slabRows is how many rows' worth of cells a source allocates at once:
// about 8 KiB, small enough for the allocator's fast path.
func slabRows(width int) int {
	return max(1, 8192/(width*cellSize))
}

var cellSize = int(reflect.TypeFor[Cell]().Size())

// csvSource reads a CSV file: see NewCSVSource.
type csvSource struct {
	ctx    context.Context
	cr     *csv.Reader
	raw    *rawLog // the decoded text csv.Reader has read, for locating and re-reading runaway quotes
	start  int64   // offset in raw's stream where cr began reading
	comma  rune
	closer io.Closer
	header []string
	width  int
	info   Info

	line        int      // Line of the last row returned
	lastEnd     int      // physical line (csv.Reader's count) where the last record ended
	blanks      int      // blank lines still to report before queued
	queued      []string // a record read but not yet returned
	slab        []Cell
	err         error     // sticky error (I/O)
	pendErr     *RowError // a row error to report after blank rows
	checkUTF8   bool      // input is read as UTF-8 without a decoder
	asciiSample bool      // detection saw only ASCII: the encoding may show up later
	lateEnc     string    // the single-byte encoding chosen when it did
	sinceCtx    int
}

// NewCSVSource reads CSV from r, streaming. The encoding is detected from
// the first 64 KiB unless opt.Encoding names one (UTF-8 with or without a
// byte order mark, UTF-16 with a mark, Windows-1250, Windows-1251,
// ISO-8859-2, KOI8-R); the delimiter is sniffed among ; , tab and | unless
// opt.Delimiter is set, and Excel's "sep=;" first line is honoured (it is
// not a row, as in Excel). The header is row opt.HeaderRow or the first
// non-blank row. Row.Line counts records as Excel shows them: blank lines
// count, a multi-line quoted cell does not add rows. Returned rows stay
// valid after later calls to Next.
//
// A quote that is opened and never really closed (see checkRunaway for the
// rule) is reported as a *RowError for its row, and the lines it swallowed
// are read again as the rows they are, keeping their row numbers.
func NewCSVSource(r io.Reader, opt Options) (Source, error) {
	return newCSVSource(context.Background(), r, nil, opt)
}

func newCSVSource(ctx context.Context, r io.Reader, closer io.Closer, opt Options) (Source, error) {
	s := &csvSource{ctx: ctx, closer: closer, info: Info{Format: "csv"}}
	enc, err := encodingByName(opt.Encoding)
	if err != nil {
		return nil, err
	}
	if opt.Delimiter != 0 && !validDelimiter(opt.Delimiter) {
		return nil, fmt.Errorf("delimiter %q cannot separate cells: use ';', ',', tab or '|'", opt.Delimiter)
	}
	br := bufio.NewReaderSize(r, sampleSize)
	sample, perr := br.Peek(sampleSize)
	atEOF := perr != nil
	if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read csv: %w", perr)
	}
	bomEnc, bomLen := sniffBOM(sample)
	switch {
	case enc == encUTF16Auto && bomEnc != EncUTF16BE:
		enc = EncUTF16LE
	case enc == encUTF16Auto:
		enc = EncUTF16BE
	case enc == "" && bomEnc != "":
		enc = bomEnc
		s.info.Detected = true
	case enc == "":
		enc = detectEncoding(sample, atEOF)
		s.info.Detected = true
		s.asciiSample = enc == EncUTF8 && !atEOF && isASCII(sample)
	}
	s.info.Encoding = enc
	// Drop a byte order mark that matches the encoding used.
	if bomLen > 0 && bomEnc == enc {
		_, _ = br.Discard(bomLen)
	}
	var text io.Reader = br
	if d := decoderFor(enc); d != nil {
		text = transform.NewReader(br, d.NewDecoder())
	} else {
		s.checkUTF8 = true // decoders always produce valid UTF-8; raw input may not be
	}
	s.raw = &rawLog{r: text}
	tr := bufio.NewReaderSize(s.raw, sampleSize)
	decoded, perr := tr.Peek(sampleSize)
	if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read csv as %s: %w", enc, perr)
	}
	sampleText := string(decoded)
	// Excel's "sep=;" line names the delimiter and is not part of the table.
	if first, _, _ := strings.Cut(sampleText, "\n"); len(first) >= 5 && strings.EqualFold(first[:4], "sep=") {
		sep := strings.TrimRight(first[4:], "\r")
		if r, n := utf8.DecodeRuneInString(sep); n > 0 && n == len(sep) && validDelimiter(r) {
			if opt.Delimiter == 0 {
				opt.Delimiter = r
			}
			_, _ = tr.Discard(len(first) + 1)
			s.start = int64(len(first) + 1)
			sampleText = sampleText[min(len(first)+1, len(sampleText)):]
		}
	}
	if opt.Delimiter == 0 {
		opt.Delimiter = sniffDelimiter(sampleText, !atEOF)
	}
	s.info.Delimiter = opt.Delimiter
	s.comma = opt.Delimiter
	s.cr = s.newReader(tr)
	if err := s.readHeader(opt.HeaderRow); err != nil {
		return nil, err
	}
	return s, nil
}

// newReader returns the csv.Reader settings every source uses, over r.
func (s *csvSource) newReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r) // r is a large *bufio.Reader: csv.Reader reads it directly
	cr.Comma = s.comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true // the strings are fresh per record; only the slice is reused
	return cr
}

// readHeader skips to the header row and records it.
func (s *csvSource) readHeader(want int) error {
	if want < 0 {
		return fmt.Errorf("header row %d: row numbers start at 1", want)
	}
	for {
		rec, blanks, err := s.readRecord()
		if errors.Is(err, io.EOF) {
			if want > 0 {
				return fmt.Errorf("header row %d not found: the file has only %d rows", want, s.line+blanks)
			}
			return errors.New("no header row: the file has no data (is it empty?)")
		}
		if err != nil {
			return err
		}
		s.line += blanks
		if want > 0 && s.line >= want { // the wanted row was a blank line
			return fmt.Errorf("header row %d is empty: give the row that holds the column names", want)
		}
		s.line++
		if want > 0 && s.line == want {
			if isBlankRecord(rec) {
				return fmt.Errorf("header row %d is empty: give the row that holds the column names", want)
			}
			s.queued = rec
			break
		}
		if want == 0 && !isBlankRecord(rec) {
			s.queued = rec
			break
		}
	}
	h := make([]string, len(s.queued))
	copy(h, s.queued)
	for len(h) > 0 && strings.TrimSpace(h[len(h)-1]) == "" {
		h = h[:len(h)-1]
	}
	for i, c := range h {
		if strings.Contains(c, "\n") && strings.ContainsRune(c, s.comma) {
			return fmt.Errorf("header row %d: a quote (\") in %s is never closed, so the rows below it were read as a column name; remove the quote or close it, then import again", s.line, columnName(nil, i))
		}
	}
	s.header, s.width, s.queued = h, len(h), nil
	s.info.HeaderLine = s.line
	return nil
}

// readRecord reads the next record and says how many blank lines
// encoding/csv skipped before it.
func (s *csvSource) readRecord() ([]string, int, error) {
	s.raw.keep = s.start + s.cr.InputOffset()
	firstLine := s.lastEnd + 1 // the physical line at s.raw.keep
	rec, err := s.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &RowError{Line: s.line + 1, Err: fmt.Errorf("cannot read the row: %w", pe.Err)}
		}
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, fmt.Errorf("read csv after row %d: %w", s.line, err)
	}
	start, _ := s.cr.FieldPos(0)
	blanks := max(0, start-s.lastEnd-1)
	last := len(rec) - 1
	endLine, _ := s.cr.FieldPos(last)
	s.lastEnd = endLine + strings.Count(rec[last], "\n")
	for i, f := range rec {
		if s.checkUTF8 && !utf8.ValidString(f) {
			rec[i] = s.fixInvalid(rec, f)
		}
		if s.width > 0 && (strings.IndexByte(f, '\n') >= 0 || i == last && strings.ContainsRune(f, s.comma)) {
			if err := s.checkRunaway(rec, i, firstLine); err != nil {
				return nil, blanks, &RowError{Line: s.line + blanks + 1, Err: err, Cells: s.runawayCells(rec, i)}
			}
		}
		if len(f) > maxCellChars && strings.Contains(f, "\n") && utf8.RuneCountInString(f) > maxCellChars {
			return nil, blanks, &RowError{Line: s.line + blanks + 1, Err: fmt.Errorf(
				"a cell runs over %d lines, longer than Excel allows (%d characters): a quote (\") opened in this row is probably never closed; fix the quotes in this row and try again",
				strings.Count(f, "\n")+1, maxCellChars)}
		}
	}
	return rec, blanks, nil
}

// fixInvalid handles a field that is not valid UTF-8. When detection saw
// only ASCII in its sample, the file is really in a single-byte encoding
// whose letters start later (a long list sorted so that Polish or Russian
// names come last): the encoding is chosen from this record and used for
// every invalid field from now on, and Info reports it. Otherwise the bad
// bytes become U+FFFD.
func (s *csvSource) fixInvalid(rec []string, f string) string {
	if !s.asciiSample {
		return strings.ToValidUTF8(f, "\uFFFD")
	}
	if s.lateEnc == "" {
		s.lateEnc = detectEncoding([]byte(strings.Join(rec, " ")), true)
		if s.lateEnc == EncUTF8 || decoderFor(s.lateEnc) == nil {
			s.lateEnc = EncWin1250
		}
		s.info.Encoding = s.lateEnc
	}
	out, err := decoderFor(s.lateEnc).NewDecoder().String(f)
	if err != nil {
		return strings.ToValidUTF8(f, "\uFFFD")
	}
	return out
}

// maxCellChars is the most characters Excel keeps in one cell.
const maxCellChars = 32767

func isBlankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Header returns the header row's cells (trailing empty columns dropped).
func (s *csvSource) Header() []string { return s.header }

// Info says how the file is being read.
func (s *csvSource) Info() Info { return s.info }

// Next returns the next row, io.EOF after the last one.
func (s *csvSource) Next() (Row, error) {
	if s.blanks > 0 {
		s.blanks--
		s.line++
		return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
	}
	if s.pendErr != nil {
		err := s.pendErr
		s.pendErr = nil
		s.line = err.Line
		return Row{}, err
	}
	if s.queued == nil {
		if s.err != nil {
			return Row{}, s.err
		}
		if s.sinceCtx++; s.sinceCtx >= 1024 {
			s.sinceCtx = 0
			if err := s.ctx.Err(); err != nil {
				return Row{}, err
			}
		}
		rec, blanks, err := s.readRecord()
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				if blanks > 0 { // report the blank rows first
					s.blanks, s.pendErr = blanks-1, re
					s.line++
					return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
				}
				s.line = re.Line
				return Row{}, err
			}
			s.err = err
			return Row{}, err
		}
		if blanks > 0 {
			s.blanks, s.queued = blanks-1, rec
			s.line++
			return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
		}
		s.queued = rec
	}
	rec := s.queued
	s.queued = nil
	s.line++
	row := Row{Line: s.line, Cells: s.cells(), Blank: true}
	for i, f := range rec {
		kind := KindText
		if f == "" {
			kind = KindEmpty
		} else if isProtected(f) {
			f = f[1:] // undo a CSV sink's formula protection: exported files read back as exported
		}
		if row.Blank && strings.TrimSpace(f) != "" {
			row.Blank = false
		}
		if i < s.width {
			row.Cells[i] = Cell{Text: f, Kind: kind}
		}
	}
	if len(rec) > s.width {
		extra := rec[s.width:]
		for len(extra) > 0 && extra[len(extra)-1] == "" {
			extra = extra[:len(extra)-1]
		}
		if len(extra) > 0 {
			row.Extra = make([]Cell, len(extra))
			for i, f := range extra {
				row.Extra[i] = Cell{Text: f, Kind: KindText}
				if f == "" {
					row.Extra[i].Kind = KindEmpty
				}
			}
		}
	}
	return row, nil
}

// cells returns width empty cells carved from a slab, so that rows need one
// allocation per cellSlab rows.
func (s *csvSource) cells() []Cell {
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
func (s *csvSource) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// sniffDelimiter picks the delimiter among ; , tab | (counted outside
// quotes over the first 50 records): the one whose most common non-zero
// count per record occurs in the most records; ties go to the larger
// count, then to the order above.
//
// When a quote opened early is never closed, so that fewer than two
// records are seen, quotes are ignored instead if that finds a delimiter
// agreeing over at least two lines: the rows the quote swallowed still show
// it (and reading reports the quote).
func sniffDelimiter(text string, truncated bool) rune {
	counts, inQuotes := delimiterCounts(text, truncated, true)
	best, _ := pickDelimiter(counts)
	if inQuotes && len(counts) < 2 {
		counts, _ = delimiterCounts(text, truncated, false)
		if d, agree := pickDelimiter(counts); agree >= 2 {
			best = d
		}
	}
	return best
}

var delimiterCands = [4]rune{';', ',', '\t', '|'}

// delimiterCounts counts each candidate delimiter per record over the
// first 50 records, outside quotes when quoted is set, and says whether the
// text ended inside quotes.
func delimiterCounts(text string, truncated, quoted bool) ([][4]int, bool) {
	cands := delimiterCands
	var counts [][4]int
	var cur [4]int
	inQuotes, nonBlank := false, false
	for _, r := range text {
		switch {
		case r == '"' && quoted:
			inQuotes = !inQuotes
			nonBlank = true
		case inQuotes:
		case r == '\n':
			if nonBlank {
				counts = append(counts, cur)
			}
			cur, nonBlank = [4]int{}, false
		default:
			for j, c := range cands {
				if r == c {
					cur[j]++
				}
			}
			if r != '\r' && r != ' ' {
				nonBlank = true
			}
		}
		if len(counts) >= 50 {
			break
		}
	}
	if nonBlank && !truncated && !inQuotes && len(counts) < 50 {
		counts = append(counts, cur)
	}
	return counts, inQuotes
}

// pickDelimiter chooses among the candidates by their counts per record,
// and says in how many records the chosen count occurs.
func pickDelimiter(counts [][4]int) (rune, int) {
	cands := delimiterCands
	best, bestAgree, bestN := ',', 0, 0
	for j, c := range cands {
		freq := map[int]int{}
		for _, rc := range counts {
			if rc[j] > 0 {
				freq[rc[j]]++
			}
		}
		for n, agree := range freq {
			if agree > bestAgree || (agree == bestAgree && n > bestN) {
				best, bestAgree, bestN = c, agree, n
			}
		}
	}
	return best, bestAgree
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// validDelimiter reports whether encoding/csv accepts r as a delimiter.
func validDelimiter(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

// runawayCells rebuilds the cells of a row whose cell i swallowed the rows
// after it: the cells before it as read, then what stood on the row's own
// line, split at the delimiter (the unclosed quote itself is gone).
func (s *csvSource) runawayCells(rec []string, i int) []Cell {
	own, _, _ := strings.Cut(rec[i], "\n")
	own = strings.TrimSuffix(own, "\r")
	parts := append(append([]string(nil), rec[:i]...), strings.Split(own, string(s.comma))...)
	n := max(s.width, 1)
	cells := make([]Cell, n)
	for j := 0; j < n && j < len(parts); j++ {
		if parts[j] != "" {
			cells[j] = Cell{Text: parts[j], Kind: KindText}
		}
	}
	return cells
}
