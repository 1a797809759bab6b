package sheet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/transform"

	"github.com/crmport/crmport/internal/reuse"
)

// sampleSize is how much of a CSV file detection looks at.
const sampleSize = 64 << 10

// csvSource reads a CSV file: see NewCSVSource.
type csvSource struct {
	ctx    context.Context
	rr     *recordReader // splits the decoded text into records
	comma  rune
	closer io.Closer
	header []string
	width  int
	info   Info

	line        int      // Line of the last row returned
	blanks      int      // blank lines still to report before queued
	queued      []string // a record read but not yet returned
	queuedLine  bool     // or the reader's line, its cells not yet cut (readLine's lazy)
	slabs       cellSlabs
	err         error     // sticky error (I/O)
	pendErr     *RowError // a row error to report after blank rows
	checkUTF8   bool      // input is read as UTF-8 without a decoder
	asciiSample bool      // detection saw only ASCII: the encoding may show up later
	lateEnc     string    // the single-byte encoding chosen when it did
	sinceCtx    int
}

// NewCSVSource reads CSV from r, streaming.
//
// The encoding is found from the first 64 KiB unless opt.Encoding names
// one (see EncodingNames): a byte order mark, UTF-16 by its zero bytes,
// valid UTF-8, else the single-byte encoding of Europe whose reading is
// most plausible (see detectEncoding). When no reading is convincing,
// NewCSVSource stops with an error naming the two best with a line read
// each way, rather than import mojibake. The delimiter is sniffed among
// ; , tab and | unless opt.Delimiter is set, and Excel's "sep=;" first line
// is honoured (it is not a row, as in Excel). Info says what was found and
// how sure (EncodingConfidence, DelimiterConfidence, LineEnds). Zip, OLE2
// and other binary data are refused: see Open.
//
// Lines may end in CRLF, LF or a lone CR (old Mac Excel), mixed in one
// file; inside quotes CRLF reads as LF and a lone CR is kept. The header
// is row opt.HeaderRow or found automatically among the first 20 rows with
// values by the rule workbooks follow (see OpenXLSX; a cell that reads as
// a plain number counts as a number): a title such as "Lista klientów
// 2026" and a blank row above the header are not taken for the header,
// and rows with values above it are listed in Info.TitleRows. Row.Line counts records
// as Excel shows them: blank lines count, a multi-line quoted cell does not
// add rows. Returned rows stay valid after later calls to Next (unless the caller
// marks them done, so that their cells and text are used again: see ReuseCells).
//
// A quote that is opened and never really closed (see checkRunaway for the
// rule) is reported as a *RowError for its row, and the lines it swallowed
// are read again as the rows they are, keeping their row numbers. Memory
// stays flat whatever the file: a cell longer than 128 KiB, a row of more
// than 16,384 cells or 4 MB is reported as a *RowError naming the row and
// the column, and reading goes on after it (see limitError).
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
	if kind := contentKind(sample); kind != "" {
		return nil, notATableError(kind)
	}
	bomEnc, bomLen := sniffBOM(sample)
	utf16 := strings.HasPrefix(enc, encUTF16Auto) || strings.HasPrefix(bomEnc, encUTF16Auto) ||
		enc == "" && sniffUTF16(sample) != ""
	if !utf16 && looksBinary(sample) {
		return nil, notATableError("")
	}
	s.info.EncodingConfidence = ConfidenceGiven
	switch {
	case enc == encUTF16Auto && bomEnc != EncUTF16BE:
		enc = EncUTF16LE
	case enc == encUTF16Auto:
		enc = EncUTF16BE
	case enc == "" && bomEnc != "":
		enc = bomEnc
		s.info.Detected, s.info.EncodingConfidence = true, ConfidenceMarked
	case enc == "":
		g, err := detectEncoding(sample, atEOF)
		if err != nil {
			return nil, err
		}
		enc = g.name
		s.info.Detected, s.info.EncodingConfidence = true, g.conf
		s.asciiSample = enc == EncUTF8 && !atEOF && isASCII(sample)
	}
	if enc == EncUTF8 && s.info.EncodingConfidence == ConfidenceGiven && !utf8.Valid(trimCutRune(sample[bomLen:], atEOF)) {
		// Told UTF-8, but it is not: reading on would put "�" in every
		// Polish or Russian letter and send that to the CRM.
		hint := ""
		if g, err := detectEncoding(sample, atEOF); err == nil && g.name != EncUTF8 {
			hint = fmt.Sprintf(": it looks like %s, so write encoding: %s (or encoding: auto) under source: in the mapping (preview and mapping init: --encoding %s)", g.name, g.name, g.name)
		} else {
			hint = ": write the file's real encoding (or encoding: auto) under source: in the mapping"
		}
		return nil, fmt.Errorf("the file is not UTF-8 although utf-8 was given as its encoding%s", hint)
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
	s.rr = newRecordReader(text)
	decoded, perr := s.rr.peek(sampleSize)
	if perr != nil {
		return nil, fmt.Errorf("read csv as %s: %w", enc, perr)
	}
	sampleText := string(decoded)
	s.info.DelimiterConfidence = ConfidenceGiven
	// Excel's "sep=;" line names the delimiter and is not part of the table.
	if first, n := firstLine(sampleText); len(first) >= 5 && strings.EqualFold(first[:4], "sep=") {
		sep := first[4:]
		if r, size := utf8.DecodeRuneInString(sep); size > 0 && size == len(sep) && validDelimiter(r) {
			if opt.Delimiter == 0 {
				opt.Delimiter = r
				s.info.DelimiterConfidence = ConfidenceMarked
			}
			s.rr.discard(n)
			sampleText = sampleText[n:]
		}
	}
	s.info.LineEnds = shapeOf(sampleText, !atEOF, true).lineEndKind()
	if opt.Delimiter == 0 {
		opt.Delimiter, s.info.DelimiterConfidence = sniffDelimiter(sampleText, !atEOF)
	}
	s.info.Delimiter = opt.Delimiter
	s.comma = opt.Delimiter
	s.rr.setComma(s.comma)
	want := opt.HeaderRow
	ahead := csvSampleRows(sampleText, s.comma, len(decoded) < sampleSize, want)
	if want == 0 {
		want = detectCSVHeader(ahead, opt.ExpectedHeaders)
	}
	if err := s.readHeader(want, ahead); err != nil {
		return nil, err
	}
	return s, nil
}

// firstLine returns the first line of text without its line end (LF,
// CRLF or CR), and the length of both.
func firstLine(text string) (string, int) {
	i := strings.IndexAny(text, "\r\n")
	if i < 0 {
		return text, len(text)
	}
	n := i + 1
	if text[i] == '\r' && strings.HasPrefix(text[i+1:], "\n") {
		n++
	}
	return text[:i], n
}

// readHeader skips to the header row (the first row with values when want
// is 0) and records it; rows with values above it become Info.TitleRows,
// as in a workbook. ahead are the first rows with values, read ahead (see
// nameColumns).
func (s *csvSource) readHeader(want int, ahead []rawRow) error {
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
		if want > 0 && !isBlankRecord(rec) {
			s.info.TitleRows = append(s.info.TitleRows, titleRow(s.line, slices.Clone(rec)))
		}
		if want == 0 && !isBlankRecord(rec) {
			s.queued = rec
			break
		}
	}
	h := trimHeader(slices.Clone(s.queued))
	for i, c := range h {
		if strings.ContainsAny(c, "\r\n") && strings.ContainsRune(c, s.comma) {
			return fmt.Errorf("header row %d: a quote (\") in %s is never closed, so the rows below it were read as a column name; remove the quote or close it, then import again", s.line, columnName(nil, i))
		}
	}
	h, s.info.HeaderProblems = nameColumns(h, columnsWithValues(ahead, s.line))
	s.header, s.width, s.queued = h, len(h), nil
	s.info.HeaderLine = s.line
	return nil
}

// readRecord reads the next record and says how many blank lines came
// before it.
func (s *csvSource) readRecord() ([]string, int, error) { return s.readLine(false) }

// readLine is readRecord; with lazy, a record that is one line without
// quotes, valid as it is, comes as no record (nil, and no error): its
// cells are the reader's line at its bounds, which Next cuts into the
// row (one pass over the cells, not two).
func (s *csvSource) readLine(lazy bool) (rec []string, blanks int, err error) {
	// Once the caller marks rows done it keeps nothing of them
	// (ReuseCells): the lines' text is carved from blocks, used again as
	// the cells are (rows read before, a caller's peek, keep their own).
	if s.rr.text == nil && s.slabs.mark.Line() > 0 {
		s.rr.text = reuse.NewSlabs[byte](textBlock, &s.slabs.mark)
	}
	s.rr.textLine = s.line + 1
	s.rr.lazy = lazy
	rec, err = s.rr.read()
	blanks = s.rr.blanks
	if err != nil {
		var le *limitError
		if errors.As(err, &le) {
			return nil, blanks, s.limitRowError(le, s.line+blanks+1)
		}
		if errors.Is(err, io.EOF) {
			return nil, blanks, io.EOF
		}
		return nil, 0, fmt.Errorf("read csv after row %d: %w", s.line, err)
	}
	// A line read whole and valid has valid cells: one check, not one a cell.
	valid := (s.checkUTF8 || s.asciiSample) && s.rr.line != "" && utf8.ValidString(s.rr.line)
	if s.rr.noQuote && (valid || !s.checkUTF8) {
		return rec, blanks, nil // no cell to check: all valid, none quoted (rec nil when lazy)
	}
	if rec == nil && s.rr.noQuote {
		rec = s.rr.cells() // lazy, but its cells need a look
	}
	last := len(rec) - 1
	if s.asciiSample && s.lateEnc == "" && !valid && !allValidUTF8(rec) {
		if err := s.detectLate(rec); err != nil {
			s.err = fmt.Errorf("row %d: %w", s.line+blanks+1, err)
			return nil, blanks, s.err
		}
	}
	for i, f := range rec {
		if s.checkUTF8 && !valid && !utf8.ValidString(f) {
			if s.info.EncodingConfidence == ConfidenceGiven {
				// Told UTF-8: a cell that is not is this row's problem, never "�" sent on.
				return nil, blanks, &RowError{Line: s.line + blanks + 1, Err: fmt.Errorf(
					"column %d holds bytes that are not UTF-8 although utf-8 was given as the file's encoding: save the file as UTF-8, or write its real encoding (or encoding: auto) under source: in the mapping", i+1),
					Cells: s.invalidUTF8Cells(rec)}
			}
			rec[i] = s.fixInvalid(f)
		}
		if s.rr.noQuote || !s.rr.quoted[i] {
			continue // only a quoted cell holds line ends or delimiters
		}
		multi := strings.IndexByte(f, '\n') >= 0 || strings.IndexByte(f, '\r') >= 0
		if s.width > 0 && (multi || i == last && strings.ContainsRune(f, s.comma)) {
			if err := s.checkRunaway(rec, i); err != nil {
				return nil, blanks, &RowError{Line: s.line + blanks + 1, Err: err, Cells: s.runawayCells(rec, i)}
			}
		}
		if multi && len(f) > maxCellChars && utf8.RuneCountInString(f) > maxCellChars {
			return nil, blanks, &RowError{Line: s.line + blanks + 1, Err: fmt.Errorf(
				"a cell runs over %d lines, longer than Excel allows (%d characters): a quote (\") opened in this row is probably never closed; fix the quotes in this row and try again",
				countLines(f), maxCellChars)}
		}
	}
	return rec, blanks, nil
}

// countLines counts the lines of a cell's text (LF, CRLF or CR apart).
func countLines(f string) int {
	return strings.Count(f, "\n") + strings.Count(f, "\r") - strings.Count(f, "\r\n") + 1
}

// limitRowError explains a record that broke one of recordReader's bounds
// as an error of row line, keeping the cells before the culprit one.
func (s *csvSource) limitRowError(le *limitError, line int) *RowError {
	col := columnName(s.header, le.field)
	var err error
	switch {
	case le.multi && undoubledQuoteError(le.firstLine, col, s.comma, true) != nil:
		err = undoubledQuoteError(le.firstLine, col, s.comma, true)
	case le.multi:
		err = fmt.Errorf("a quote (\") in %s is never closed: the cell runs on past %d characters (Excel allows %d), so this row was skipped (the rows below it were read normally): remove the quote or close it (write \"\" for a quote inside a cell), then import again",
			col, maxFieldBytes, maxCellChars)
	case le.kind == limitField:
		err = fmt.Errorf("%s holds more than %d characters in one line, more than a spreadsheet cell can hold (Excel allows %d), so the rest of this line was skipped: is this file really a table? shorten the cell or remove the row, then import again",
			col, maxFieldBytes, maxCellChars)
	case le.kind == limitCells:
		err = fmt.Errorf("the row has more than %d cells (Excel's limit), so the rest of this line was skipped from %s on: is this file really a table? check the delimiter, or remove the row, then import again",
			maxRecordCells, col)
	default:
		err = fmt.Errorf("the row holds more than %d MB of text, more than any table row, so the rest of this line was skipped from %s on: is this file really a table? shorten the row or remove it, then import again",
			maxRecordBytes>>20, col)
	}
	if s.width == 0 { // still looking for the header: nothing is read after it
		if le.multi {
			err = fmt.Errorf("a quote (\") in %s is never closed, so the rows below it were read as one cell (past %d characters) while looking for the header; remove the quote or close it, then try again",
				col, maxFieldBytes)
		}
		return &RowError{Line: line, Err: err}
	}
	var cells []Cell
	if le.multi {
		cells = s.runawayCells(le.fields, le.field)
	} else {
		cells = make([]Cell, s.width)
		for j, f := range le.fields[:le.field] {
			if j < len(cells) && f != "" {
				cells[j] = Cell{Text: f, Kind: KindText}
			}
		}
	}
	return &RowError{Line: line, Err: err, Cells: cells}
}

// detectLate chooses the encoding when the first non-UTF-8 bytes come
// after detection's sample, which held only ASCII (a long list sorted so
// that Polish or Russian names come last): it looks at this record and the
// text after it, as detection does at the start, and Info reports the
// choice. When no encoding is convincing it says so, as at the start.
func (s *csvSource) detectLate(rec []string) error {
	ahead, _ := s.rr.peek(sampleSize)
	window := append([]byte(strings.Join(rec, "\n")+"\n"), ahead...)
	g, err := detectEncoding(window, false)
	if err != nil {
		return err
	}
	s.lateEnc = g.name
	s.info.Encoding, s.info.EncodingConfidence = g.name, g.conf
	return nil
}

// fixInvalid decodes a field that is not valid UTF-8 with the encoding
// detectLate chose; in a UTF-8 file the bad bytes become U+FFFD.
func (s *csvSource) fixInvalid(f string) string {
	d := decoderFor(s.lateEnc)
	if s.lateEnc == EncUTF8 || d == nil {
		return strings.ToValidUTF8(f, "\uFFFD")
	}
	out, err := d.NewDecoder().String(f)
	if err != nil {
		return strings.ToValidUTF8(f, "\uFFFD")
	}
	return out
}

func allValidUTF8(rec []string) bool {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
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
	if s.queued == nil && !s.queuedLine {
		if s.err != nil {
			return Row{}, s.err
		}
		if s.sinceCtx++; s.sinceCtx >= 1024 {
			s.sinceCtx = 0
			if err := s.ctx.Err(); err != nil {
				return Row{}, err
			}
		}
		rec, blanks, err := s.readLine(lazyLines)
		plain := rec == nil // lazy: the reader's line, its cells not cut
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
			s.blanks, s.queued, s.queuedLine = blanks-1, rec, plain
			s.line++
			return Row{Line: s.line, Cells: s.cells(), Blank: true}, nil
		}
		s.queued, s.queuedLine = rec, plain
	}
	rec, plain := s.queued, s.queuedLine
	s.queued, s.queuedLine = nil, false
	s.line++
	row := Row{Line: s.line, Cells: s.cells(), Blank: true}
	if plain {
		if b := s.rr.bounds; len(b)/2 <= s.width {
			// The reader's line, its cells cut from it here: no record
			// between.
			for i := range len(b) / 2 {
				s.setCell(&row, i, s.rr.line[b[2*i]:b[2*i+1]])
			}
			return row, nil
		}
		rec = s.rr.cells() // more cells than the header: as any record
	}
	for i, f := range rec {
		s.setCell(&row, i, f)
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

// lazyLines lets Next cut a plain line's cells straight into its row
// (readLine); tests turn it off to compare.
var lazyLines = true

// setCell makes cell i of row (when within the header) of the text f of
// a CSV cell, and notes that the row is not blank when f is not.
func (s *csvSource) setCell(row *Row, i int, f string) {
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

// cells returns width empty cells for row s.line, carved from a slab, so
// that rows need one allocation per slabRows rows (none when reused).
func (s *csvSource) cells() []Cell { return s.slabs.take(s.width, s.line) }

// Close releases the file.
func (s *csvSource) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
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

// invalidUTF8Cells keeps a row whose bytes are not UTF-8 for the error
// report, each bad byte shown as "�" so the row can be found and fixed.
func (s *csvSource) invalidUTF8Cells(rec []string) []Cell {
	cells := make([]Cell, max(s.width, len(rec)))
	for j, f := range rec {
		if f != "" {
			cells[j] = Cell{Text: strings.ToValidUTF8(f, "\uFFFD"), Kind: KindText}
		}
	}
	return cells
}

// runawayCells rebuilds the cells of a row whose cell i swallowed the rows
// after it: the cells before it as read, then what stood on the row's own
// line, split at the delimiter (the unclosed quote itself is gone).
func (s *csvSource) runawayCells(rec []string, i int) []Cell {
	own, _ := firstLine(rec[i])
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

// trimCutRune drops an incomplete UTF-8 sequence at the end of a sample
// that stops in the middle of the file (the rest of the rune follows).
func trimCutRune(b []byte, atEOF bool) []byte {
	if atEOF {
		return b
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}
