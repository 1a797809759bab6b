package sheet

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"slices"
	"unsafe"

	"github.com/crmport/crmport/internal/reuse"
)

// Bounds on what one CSV record may cost, so that memory stays flat
// whatever the file holds (an unclosed quote before 200 MB of text, a
// line of binary junk without a line break).
const (
	// maxFieldBytes bounds one cell's text. Excel keeps at most 32,767
	// characters in a cell, which is at most 98,301 bytes in a CSV file
	// (three bytes of UTF-8 per character, or two for a doubled quote or
	// a CRLF), so no cell Excel can hold comes near it.
	maxFieldBytes = 128 << 10
	// maxRecordCells is Excel's number of columns: a row with more cells
	// cannot be a spreadsheet row.
	maxRecordCells = 16384
	// maxRecordBytes bounds one row's text: 32 cells at their largest, far
	// past any row of contacts.
	maxRecordBytes = 4 << 20
	// readChunk is how much recordReader asks its input for at a time.
	readChunk = 64 << 10
)

// limitKind says which bound a record broke.
type limitKind uint8

const (
	limitField limitKind = iota + 1 // a cell longer than maxFieldBytes
	limitCells                      // more than maxRecordCells cells
	limitBytes                      // more than maxRecordBytes of text
)

// limitError reports a record that broke one of the bounds above. The
// reader has already moved past it: to the line after the one where the
// culprit cell began when that cell runs over several lines (an unclosed
// quote: the lines it swallowed are read again as rows), else to the line
// after the overlong line.
type limitError struct {
	kind  limitKind
	field int  // the culprit cell: where the quote opened, or where the bound was hit
	multi bool // the culprit cell ran over several lines and the lines after its first are read again
	// firstLine is the culprit cell's own line as written, from its
	// opening quote (multi only): for undoubledQuotes.
	firstLine string
	// fields holds the cells up to the culprit one (its text cut short).
	fields []string
}

func (e *limitError) Error() string { return "csv record too large" }

// recordReader splits CSV text into records the way encoding/csv does
// with LazyQuotes (a quote inside an unquoted cell is a character; a quote
// in a quoted cell that neither doubles nor closes it is kept), except that
//
//   - a lone CR ends a line just as LF and CRLF do (old Mac Excel saves
//     its CSV files with CR only; files pasted together mix all three);
//     inside quotes CRLF becomes LF, as in encoding/csv, and a lone CR is
//     kept as it is;
//   - a record costs bounded memory: see maxFieldBytes, maxRecordCells,
//     maxRecordBytes and limitError;
//   - it says where each cell began in the text (for re-reading the lines
//     an unclosed quote swallowed) and how many empty lines came before a
//     record (they are rows, too).
type recordReader struct {
	r     io.Reader
	comma []byte
	buf   []byte // buf[0] is at offset base of the text
	base  int64
	pos   int   // next byte to parse, in buf
	keep  int   // first byte of buf still needed (the record's start)
	rerr  error // the input's error, io.EOF at its end

	// nextLF and nextCR cache nextOf's answers, nextEOL lineEndAhead's; -1
	// when unknown.
	nextLF, nextCR, nextEOL int64

	blanks int     // empty lines before the record last read
	starts []int64 // text offset of each cell of the record last read (empty when noQuote)
	quoted []bool  // whether each cell of the record last read was quoted (empty when noQuote)
	// noQuote says the record last read was one line without a quote
	// (plainLine): no cell of it is quoted, and starts and quoted are
	// left empty.
	noQuote bool
	out     []byte // the record's cells, unescaped, one after the other
	ends    []int  // end of each cell in out
	bounds  []int  // plainLine: each cell's start and end in its line
	// line is the record last read as one string with its delimiters
	// and quotes, when plainLine read it; else "". Its cells are cut from
	// it at ASCII bytes, so they are valid UTF-8 when it is.
	line   string
	fields []string
	// text, when set, is where plainLine copies each line's text, carved
	// from blocks shared by many lines and used again once the rows
	// carved from them are marked done; textLine is then the row number
	// of the next record read when no blank line comes before it. For a
	// caller that keeps nothing of a row it has finished (csvSource sets
	// it once rows are marked done: see ReuseCells).
	text     *reuse.Slabs[byte]
	textLine int
	// lazy leaves the cells of a line without quotes uncut: read returns
	// no record for it, and the caller cuts the cells from line at
	// bounds (csvSource makes its row's cells so: one pass, not two), or
	// asks for them (cells).
	lazy bool
}

// textBlock is the size of the blocks text carves lines from.
const textBlock = 64 << 10

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{r: r, buf: make([]byte, 0, readChunk), nextLF: -1, nextCR: -1, nextEOL: -1}
}

// setComma sets the delimiter.
func (r *recordReader) setComma(c rune) { r.comma = []byte(string(c)) }

// offset is the text offset of the next byte to parse.
func (r *recordReader) offset() int64 { return r.base + int64(r.pos) }

// fill makes sure n bytes from pos are in buf, reading more as needed,
// and reports whether they are (false at the end of the input).
func (r *recordReader) fill(n int) bool {
	if len(r.buf)-r.pos >= n {
		return true // the common case, inlined
	}
	return r.more(n)
}

// more is fill's slow path: it reads until n bytes from pos are buffered.
func (r *recordReader) more(n int) bool {
	for empty := 0; len(r.buf)-r.pos < n; {
		if r.rerr != nil {
			return false
		}
		if cap(r.buf)-len(r.buf) < readChunk/2 && r.keep > 0 {
			k := copy(r.buf, r.buf[r.keep:])
			r.buf = r.buf[:k]
			r.base += int64(r.keep)
			r.pos -= r.keep
			r.keep = 0
		}
		if cap(r.buf)-len(r.buf) < readChunk/2 {
			r.buf = slices.Grow(r.buf, readChunk)
		}
		m, err := r.r.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+m]
		switch {
		case err != nil:
			r.rerr = err
		case m > 0:
			empty = 0
		default:
			if empty++; empty == 100 {
				r.rerr = io.ErrNoProgress // as bufio.Reader does
			}
		}
	}
	return true
}

// peek returns up to n bytes from pos without consuming them.
func (r *recordReader) peek(n int) ([]byte, error) {
	r.fill(n)
	b := r.buf[r.pos:min(len(r.buf), r.pos+n)]
	if len(b) < n && r.rerr != nil && !errors.Is(r.rerr, io.EOF) {
		return b, r.rerr
	}
	return b, nil
}

// discard skips n bytes (a sample already looked at, such as Excel's
// "sep=;" line).
func (r *recordReader) discard(n int) {
	r.fill(n)
	r.pos = min(len(r.buf), r.pos+n)
	r.keep = r.pos
}

// raw returns the text between two offsets of the record last read.
func (r *recordReader) raw(from, to int64) []byte {
	return r.buf[from-r.base : to-r.base]
}

// endErr is what read returns at the end of the input.
func (r *recordReader) endErr() error {
	if r.rerr == nil || errors.Is(r.rerr, io.EOF) {
		return io.EOF
	}
	return r.rerr
}

// lineEndAhead returns the index in buf of the next CR or LF at or after
// pos, or len(buf) when none is buffered.
func (r *recordReader) lineEndAhead() int {
	if e := r.nextEOL - r.base; e >= int64(r.pos) && e < int64(len(r.buf)) && (r.buf[e] == '\n' || r.buf[e] == '\r') {
		return int(e) // still ahead, and a line end (not the end of the buffer as it was)
	}
	return r.searchEOL()
}

// searchEOL is lineEndAhead's slow path.
func (r *recordReader) searchEOL() int {
	r.nextEOL = min(r.nextOf('\n', &r.nextLF), r.nextOf('\r', &r.nextCR))
	return int(r.nextEOL - r.base)
}

// nextOf returns the text offset of the next byte c at or after pos, or of
// the end of the buffer when none is buffered. *cache remembers the
// answer: a found c stays valid until pos passes it, and "none before the
// end of the buffer" saves searching those bytes again once more is read.
func (r *recordReader) nextOf(c byte, cache *int64) int64 {
	from := r.offset()
	end := r.base + int64(len(r.buf))
	if *cache >= from && *cache < end && r.buf[*cache-r.base] == c {
		return *cache
	}
	start := max(from, *cache)
	if k := bytes.IndexByte(r.buf[start-r.base:], c); k >= 0 {
		*cache = start + int64(k)
	} else {
		*cache = end
	}
	return *cache
}

// lineEnd reports the length of the line end at pos (0 if none): LF,
// CRLF or a lone CR.
func (r *recordReader) lineEnd() int {
	switch r.buf[r.pos] {
	case '\n':
		return 1
	case '\r':
		if r.fill(2) && r.buf[r.pos+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

// read returns the next record. Its cells stay valid until the next call
// (the slice is reused, the strings are not). A record that breaks a
// bound is returned as a *limitError. With lazy, a line without quotes
// is returned as no record (nil, nil): see lazy.
func (r *recordReader) read() ([]string, error) {
	r.blanks = 0
	r.out, r.ends, r.starts, r.quoted = r.out[:0], r.ends[:0], r.starts[:0], r.quoted[:0]
	for {
		r.keep = r.pos
		if !r.fill(1) {
			return nil, r.endErr()
		}
		n := r.lineEnd()
		if n == 0 {
			break
		}
		r.pos += n
		r.blanks++
	}
	recStart := r.offset()
	r.line, r.noQuote = "", false
	if rec, ok := r.plainLine(recStart); ok {
		return rec, nil
	}
	for {
		if len(r.starts) == maxRecordCells {
			return nil, r.limit(limitCells, recStart)
		}
		r.starts = append(r.starts, r.offset())
		q := r.fill(1) && r.buf[r.pos] == '"'
		r.quoted = append(r.quoted, q)
		var endRec bool
		var err error
		if q {
			r.pos++
			endRec, err = r.quotedCell(recStart)
		} else {
			endRec, err = r.unquoted(recStart)
		}
		if err != nil {
			return nil, err
		}
		r.ends = append(r.ends, len(r.out))
		if endRec {
			break
		}
	}
	return r.record(len(r.ends)), nil
}

// plainLine reads the record at pos in one go when it lies on one line
// (most records of most files): its cells unquoted, or quoted with no
// quote inside, and it is buffered up to its line end, within the bounds,
// with a one-byte delimiter. It makes one string of the line and cuts the
// cells from it, copying nothing cell by cell. Otherwise it reports false,
// having read nothing, and read goes cell by cell, which gives the same
// cells.
func (r *recordReader) plainLine(recStart int64) ([]string, bool) {
	if len(r.comma) != 1 {
		return nil, false
	}
	e := r.lineEndAhead()
	if e == len(r.buf) || e-r.pos > maxFieldBytes {
		return nil, false
	}
	line, c := r.buf[r.pos:e], r.comma[0]
	bounds := r.bounds[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Most lines: no quote, every cell ends at the next delimiter.
		if bounds = cellBounds(bounds, line, c); len(bounds) > 2*maxRecordCells {
			r.bounds = bounds[:0]
			return nil, false // cell by cell, which reports the bound
		}
		r.noQuote = true
		return r.cut(line, e, bounds), true
	}
	for off := 0; ; {
		if len(r.starts) == maxRecordCells {
			r.starts, r.quoted = r.starts[:0], r.quoted[:0]
			return nil, false
		}
		r.starts = append(r.starts, recStart+int64(off))
		if off < len(line) && line[off] == '"' {
			q := bytes.IndexByte(line[off+1:], '"')
			after := off + 1 + q + 1
			if q < 0 || after < len(line) && line[after] != c {
				// A cell running over lines, or a quote inside it
				// (doubled or bare): cell by cell.
				r.starts, r.quoted = r.starts[:0], r.quoted[:0]
				return nil, false
			}
			r.quoted = append(r.quoted, true)
			bounds = append(bounds, off+1, after-1)
			if after == len(line) {
				break
			}
			off = after + 1
			continue
		}
		r.quoted = append(r.quoted, false)
		i := bytes.IndexByte(line[off:], c)
		if i < 0 {
			bounds = append(bounds, off, len(line))
			break
		}
		bounds = append(bounds, off, off+i)
		off += i + 1
	}
	return r.cut(line, e, bounds), true
}

// cut makes one string of line, ending at e in buf, and the record of
// its cells at bounds, and moves past the line and its line end.
func (r *recordReader) cut(line []byte, e int, bounds []int) []string {
	r.bounds = bounds
	var s string
	if r.text != nil {
		t := r.text.Copy(line, r.textLine+r.blanks)
		s = unsafe.String(unsafe.SliceData(t), len(t))
	} else {
		s = string(line)
	}
	r.line = s
	r.pos = e
	r.pos += r.lineEnd()
	if r.lazy && r.noQuote {
		return nil
	}
	return r.cells()
}

// cells cuts the cells of the line last read by plainLine from it.
func (r *recordReader) cells() []string {
	r.fields = r.fields[:0]
	for k := 0; k < len(r.bounds); k += 2 {
		r.fields = append(r.fields, r.line[r.bounds[k]:r.bounds[k+1]])
	}
	return r.fields
}

// cellBounds appends the start and end of each cell of a line without
// quotes to bounds: the cells end at each delimiter c. It looks at eight
// bytes a step (a cell is ten to twenty bytes, and looking for each
// delimiter with bytes.IndexByte cost more in calls than in search).
func cellBounds(bounds []int, line []byte, c byte) []int {
	const ones, low7 = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f
	pat := ones * uint64(c)
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:]) ^ pat
		// The top bit of each byte of m is set where x's byte is 0,
		// that is where line holds c (exactly: no carry crosses bytes).
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			bounds = append(bounds, start, j)
			start = j + 1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == c {
			bounds = append(bounds, start, i)
			start = i + 1
		}
	}
	return append(bounds, start, len(line))
}

// record makes strings of the first n cells read.
func (r *recordReader) record(n int) []string {
	s := string(r.out[:r.ends[n-1]])
	r.fields = r.fields[:0]
	prev := 0
	for _, e := range r.ends[:n] {
		r.fields = append(r.fields, s[prev:e])
		prev = e
	}
	return r.fields
}

// checkBounds reports the bound the current cell or record has broken.
func (r *recordReader) checkBounds(recStart int64) error {
	cellStart := 0
	if len(r.ends) > 0 {
		cellStart = r.ends[len(r.ends)-1]
	}
	switch {
	case len(r.out)-cellStart > maxFieldBytes:
		return r.limit(limitField, recStart)
	case r.offset()-recStart > maxRecordBytes:
		return r.limit(limitBytes, recStart)
	}
	return nil
}

// unquoted reads an unquoted cell up to the delimiter or the line end and
// reports whether the record ended.
func (r *recordReader) unquoted(recStart int64) (bool, error) {
	cellStart := len(r.out)
	for {
		if !r.fill(1) {
			return true, nil
		}
		b := r.buf[r.pos:r.lineEndAhead()]
		i := bytes.IndexByte(b, r.comma[0])
		if i < 0 {
			i = len(b)
		}
		r.out = append(r.out, b[:i]...)
		r.pos += i
		if len(r.out)-cellStart > maxFieldBytes || r.offset()-recStart > maxRecordBytes {
			return true, r.checkBounds(recStart)
		}
		if r.pos == len(r.buf) {
			continue
		}
		switch c := r.buf[r.pos]; {
		case c == '\n':
			r.pos++
			return true, nil
		case c == '\r':
			n := r.lineEnd()
			r.pos += n
			return true, nil
		case len(r.comma) == 1:
			r.pos++
			return false, nil
		case r.fill(len(r.comma)) && bytes.HasPrefix(r.buf[r.pos:], r.comma):
			r.pos += len(r.comma)
			return false, nil
		}
		r.out = append(r.out, r.buf[r.pos]) // the first byte of a longer rune
		r.pos++
	}
}

// quotedCell reads a quoted cell after its opening quote and reports whether
// the record ended.
func (r *recordReader) quotedCell(recStart int64) (bool, error) {
	for {
		if !r.fill(1) {
			return true, nil // never closed: the cell runs to the end, as in encoding/csv
		}
		b := r.buf[r.pos:]
		i := bytes.IndexByte(b, '"') // the cell's end, or a quote inside it
		if i < 0 {
			i = len(b)
		}
		if cr := int(r.nextOf('\r', &r.nextCR)-r.base) - r.pos; cr < i {
			i = cr // a CR inside the cell (rare: CRLF becomes LF), found once per line end
		}
		r.out = append(r.out, b[:i]...)
		r.pos += i
		if err := r.checkBounds(recStart); err != nil {
			return true, err
		}
		if i == len(b) {
			continue
		}
		if r.buf[r.pos] == '\r' {
			if r.lineEnd() == 2 {
				r.pos++ // CRLF inside quotes is LF
				continue
			}
			r.out = append(r.out, '\r')
			r.pos++
			continue
		}
		r.pos++ // the quote
		if !r.fill(1) {
			return true, nil
		}
		switch {
		case r.buf[r.pos] == '"':
			r.out = append(r.out, '"')
			r.pos++
		case r.lineEnd() > 0:
			n := r.lineEnd()
			r.pos += n
			return true, nil
		case r.fill(len(r.comma)) && bytes.HasPrefix(r.buf[r.pos:], r.comma):
			r.pos += len(r.comma)
			return false, nil
		default:
			r.out = append(r.out, '"') // a bare quote is kept
		}
	}
}

// limit gives up on the record being read after it broke a bound and
// moves on: when a cell of it runs over several lines (a quote that is
// never closed) the text is read again from the line after the one where
// that cell began; otherwise the rest of the overlong line is skipped
// without keeping it.
func (r *recordReader) limit(kind limitKind, recStart int64) error {
	e := &limitError{kind: kind, field: len(r.starts) - 1}
	if len(r.ends) < len(r.starts) {
		r.ends = append(r.ends, len(r.out))
	}
	for j, st := range r.starts {
		end := r.offset()
		if j+1 < len(r.starts) {
			end = r.starts[j+1]
		}
		if k := bytes.IndexAny(r.raw(st, end), "\r\n"); k >= 0 {
			e.field, e.multi = j, true
			e.firstLine = string(r.raw(st, st+int64(k)))
			r.nextLF, r.nextCR, r.nextEOL = -1, -1, -1 // the caches hold nothing about the text before pos
			r.pos = int(st-r.base) + k
			n := r.lineEnd()
			r.pos += n
			break
		}
	}
	e.fields = r.record(e.field + 1)
	if e.multi {
		return e
	}
	// Skip to the end of the line, keeping nothing of it.
	for {
		r.keep = r.pos
		if !r.fill(1) {
			return e
		}
		b := r.buf[r.pos:]
		if k := bytes.IndexAny(b, "\r\n"); k >= 0 {
			r.pos += k
			n := r.lineEnd()
			r.pos += n
			r.keep = r.pos
			return e
		}
		r.pos = len(r.buf)
	}
}

// resyncAfterLine makes the next read start at the line after the one
// holding text offset off (of the record last read), and reports whether
// anything follows.
func (r *recordReader) resyncAfterLine(off int64) bool {
	k := bytes.IndexAny(r.buf[off-r.base:], "\r\n")
	if k < 0 {
		return false
	}
	r.nextLF, r.nextCR, r.nextEOL = -1, -1, -1 // the caches hold nothing about the text before pos
	r.pos = int(off-r.base) + k
	n := r.lineEnd()
	r.pos += n
	r.keep = r.pos
	return r.fill(1)
}
