package sheet

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a tokenizer for worksheet XML, the hot loop of reading an
// XLSX: it gives the tokens encoding/xml's RawToken gives (names without
// their prefix's resolution, text with entities replaced, CDATA as text,
// comments, processing instructions and directives skipped) at a fraction
// of the cost, because it reuses its buffers: a token's Attr and CharData
// are valid only until the next call. It rejects what a damaged file
// shows — a tag or entity that does not end, an unknown entity, a byte
// that is not UTF-8 or not allowed in XML — with an error.
type xmlScanner struct {
	r     io.Reader
	buf   []byte // buf[pos:end] is unread input
	pos   int
	eof   bool
	err   error
	attrs []rawAttr
	text  []byte
	pend  bool     // the end of a self-closing element comes next
	name  xml.Name // the last start or end element's name
	line  int      // lines before buf[0], for messages
}

const scanChunk = 64 << 10

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 0, 2*scanChunk), line: 1}
}

// fill reads more input, keeping buf[pos:]; false at the end of input.
func (s *xmlScanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.line += bytes.Count(s.buf[:s.pos], []byte{'\n'})
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.pos = 0
	}
	if cap(s.buf)-len(s.buf) < scanChunk {
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
		}
		if n > 0 || s.eof {
			return n > 0
		}
	}
}

func (s *xmlScanner) syntax(msg string) error {
	line := s.line + bytes.Count(s.buf[:s.pos], []byte{'\n'})
	return &xml.SyntaxError{Msg: msg, Line: line}
}

// until returns the offset in buf of sep at or after pos+from, reading
// more input as needed; -1 at the end of input.
func (s *xmlScanner) until(sep []byte, from int) int {
	for {
		if i := bytes.Index(s.buf[s.pos+from:], sep); i >= 0 {
			return s.pos + from + i
		}
		from = max(0, len(s.buf)-s.pos-len(sep)+1)
		if !s.fill() {
			return -1
		}
	}
}

// Token kinds of scan.
const (
	tokNone = iota
	tokStart
	tokEnd
	tokText
)

// RawToken returns the next token, io.EOF at the end of input.
func (s *xmlScanner) RawToken() (xml.Token, error) {
	kind, err := s.scan()
	if err != nil {
		return nil, err
	}
	switch kind {
	case tokStart:
		attrs := make([]xml.Attr, len(s.attrs))
		for i, a := range s.attrs {
			attrs[i] = xml.Attr{Name: a.Name, Value: string(a.Value)}
		}
		return xml.StartElement{Name: s.name, Attr: attrs}, nil
	case tokEnd:
		return xml.EndElement{Name: s.name}, nil
	}
	return xml.CharData(s.text), nil
}

// rawAttr is an attribute of the last start element; Value is valid only
// until the next scan.
type rawAttr struct {
	Name  xml.Name
	Value []byte
}

// attr returns the value of the last start element's attribute local
// (nil when it has none), valid until the next scan.
func (s *xmlScanner) attr(local string) []byte {
	for _, a := range s.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return nil
}

// scan reads the next token into s.name, s.attrs (a start) or s.text and
// returns its kind; io.EOF at the end of input. Nothing is allocated but
// attribute values with entities or line ends, and uncommon names.
func (s *xmlScanner) scan() (int, error) {
	if s.pend {
		s.pend = false
		return tokEnd, nil
	}
	for {
		if s.pos >= len(s.buf) && !s.fill() {
			if s.err != nil {
				return tokNone, s.err
			}
			return tokNone, io.EOF
		}
		if s.buf[s.pos] != '<' {
			return s.charData()
		}
		if s.pos+2 > len(s.buf) {
			s.fill()
		}
		if s.pos+1 >= len(s.buf) {
			return tokNone, s.syntax("unexpected EOF")
		}
		switch s.buf[s.pos+1] {
		case '/':
			return s.endTag()
		case '?':
			if s.skipPast([]byte("?>")) != nil {
				return tokNone, s.syntax("unexpected EOF")
			}
		case '!':
			kind, err := s.bang()
			if err != nil || kind != tokNone {
				return kind, err
			}
		default:
			return s.startTag()
		}
	}
}

func (s *xmlScanner) skipPast(sep []byte) error {
	i := s.until(sep, 2)
	if i < 0 {
		return io.ErrUnexpectedEOF
	}
	s.pos = i + len(sep)
	return nil
}

// bang handles <!-- -->, <![CDATA[ ]]> and <!DOCTYPE …>.
func (s *xmlScanner) bang() (int, error) {
	for len(s.buf)-s.pos < 9 && s.fill() {
	}
	rest := s.buf[s.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		i := s.until([]byte("-->"), 4)
		if i < 0 {
			return tokNone, s.syntax("unexpected EOF")
		}
		s.pos = i + 3
		return tokNone, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		i := s.until([]byte("]]>"), 9)
		if i < 0 {
			return tokNone, s.syntax("unexpected EOF in CDATA section")
		}
		data := s.buf[s.pos+9 : i]
		if err := s.checkText(data); err != nil {
			return tokNone, err
		}
		s.text = appendLines(s.text[:0], data)
		s.pos = i + 3
		return tokText, nil
	}
	// A directive: skip to its '>', past quoted strings and nested <…>.
	i := s.tagEnd(true)
	if i < 0 {
		return tokNone, s.syntax("unexpected EOF")
	}
	s.pos = i + 1
	return tokNone, nil
}

// charData returns the text up to the next '<'.
func (s *xmlScanner) charData() (int, error) {
	s.text = s.text[:0]
	for {
		i := bytes.IndexByte(s.buf[s.pos:], '<')
		end := len(s.buf)
		if i >= 0 {
			end = s.pos + i
		}
		// An entity may straddle the end of the buffer: keep its start.
		cut := end
		if i < 0 {
			if a := bytes.LastIndexByte(s.buf[s.pos:end], '&'); a >= 0 && bytes.IndexByte(s.buf[s.pos+a:end], ';') < 0 {
				cut = s.pos + a
			}
			// Keep a CR whose LF may come with the next read.
			if cut > s.pos && s.buf[cut-1] == '\r' {
				cut--
			}
			// Keep an incomplete UTF-8 sequence for the next read.
			for k := 1; k <= 3 && cut-k >= s.pos; k++ {
				c := s.buf[cut-k]
				if c < 0x80 {
					break
				}
				if c >= 0xC0 {
					if need := utf8Len(c); need > k {
						cut -= k
					}
					break
				}
			}
		}
		var err error
		if s.text, err = s.unescape(s.text, s.buf[s.pos:cut]); err != nil {
			return tokNone, err
		}
		s.pos = cut
		if i >= 0 {
			return tokText, nil
		}
		if !s.fill() {
			if s.pos < len(s.buf) { // a CR or an entity cut short at the end
				if s.text, err = s.unescape(s.text, s.buf[s.pos:]); err != nil {
					return tokNone, err
				}
				s.pos = len(s.buf)
			}
			return tokText, nil
		}
	}
}

func utf8Len(c byte) int {
	switch {
	case c >= 0xF0:
		return 4
	case c >= 0xE0:
		return 3
	}
	return 2
}

// unescape appends src to dst with entities replaced, checking the text.
func (s *xmlScanner) unescape(dst, src []byte) ([]byte, error) {
	if err := s.checkText(src); err != nil {
		return nil, err
	}
	for {
		a := bytes.IndexByte(src, '&')
		if a < 0 {
			return appendLines(dst, src), nil
		}
		dst = appendLines(dst, src[:a])
		src = src[a+1:]
		semi := bytes.IndexByte(src, ';')
		if semi < 0 {
			return nil, s.syntax("invalid character entity &" + string(src) + " (no semicolon)")
		}
		name := src[:semi]
		src = src[semi+1:]
		switch string(name) {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			if len(name) < 2 || name[0] != '#' {
				return nil, s.syntax("invalid character entity &" + string(name) + ";")
			}
			var n uint64
			var err error
			if name[1] == 'x' {
				n, err = strconv.ParseUint(string(name[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(name[1:]), 10, 32)
			}
			if err != nil || !inXMLRange(rune(n)) {
				return nil, s.syntax("invalid character entity &" + string(name) + ";")
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
}

// appendLines appends src to dst with "\r\n" and a lone "\r" as "\n", as
// XML reads line ends.
func appendLines(dst, src []byte) []byte {
	for {
		i := bytes.IndexByte(src, '\r')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(append(dst, src[:i]...), '\n')
		src = src[i+1:]
		if len(src) > 0 && src[0] == '\n' {
			src = src[1:]
		}
	}
}

// checkText rejects bytes that are not UTF-8 or not XML characters.
func (s *xmlScanner) checkText(b []byte) error {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return s.syntax(fmt.Sprintf("illegal character code %U", rune(c)))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return s.syntax("invalid UTF-8")
		}
		if !inXMLRange(r) {
			return s.syntax(fmt.Sprintf("illegal character code %U", r))
		}
		i += n
	}
	return nil
}

func inXMLRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// tagEnd returns the offset of the '>' closing the tag at pos, outside
// quoted attribute values and, for a directive (nested), outside nested
// <…>; -1 at the end of input.
func (s *xmlScanner) tagEnd(nested bool) int {
	depth, quote := 0, byte(0)
	start := s.pos + 1
	if nested {
		// As encoding/xml, the byte after "<!" is the directive's first
		// and nothing else: not a quote, not a nested '<' or a '>'.
		start = s.pos + 3
	}
	for i := start; ; i++ {
		if i >= len(s.buf) {
			off := i - s.pos
			if !s.fill() {
				return -1
			}
			i = s.pos + off
		}
		c := s.buf[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<' && nested && i > s.pos+1:
			depth++
		case c == '>':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
}

func (s *xmlScanner) endTag() (int, error) {
	i := s.tagEnd(false)
	if i < 0 {
		return tokNone, s.syntax("unexpected EOF")
	}
	name := trimSpaceRight(s.buf[s.pos+2 : i])
	if !validName(name) {
		return tokNone, s.syntax("invalid characters between </ and >")
	}
	s.pos = i + 1
	s.name = splitName(name)
	return tokEnd, nil
}

func (s *xmlScanner) startTag() (int, error) {
	i := s.tagEnd(false)
	if i < 0 {
		return tokNone, s.syntax("unexpected EOF")
	}
	tag := s.buf[s.pos+1 : i]
	self := len(tag) > 0 && tag[len(tag)-1] == '/'
	if self {
		tag = tag[:len(tag)-1]
	}
	n := nameLen(tag)
	if n == 0 {
		return tokNone, s.syntax("expected element name after <")
	}
	s.name = splitName(tag[:n])
	s.attrs = s.attrs[:0]
	rest := tag[n:]
	for {
		trimmed := trimSpaceLeft(rest)
		if len(trimmed) == 0 {
			break
		}
		rest = trimmed
		k := nameLen(rest)
		if k == 0 {
			return tokNone, s.syntax("expected attribute name in element")
		}
		an := rest[:k]
		rest = trimSpaceLeft(rest[k:])
		if len(rest) == 0 || rest[0] != '=' {
			return tokNone, s.syntax("attribute name without = in element")
		}
		rest = trimSpaceLeft(rest[1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return tokNone, s.syntax("unquoted or missing attribute value in element")
		}
		q := bytes.IndexByte(rest[1:], rest[0])
		if q < 0 {
			return tokNone, s.syntax("unexpected EOF")
		}
		raw := rest[1 : 1+q]
		rest = rest[q+2:]
		if bytes.IndexByte(raw, '<') >= 0 {
			return tokNone, s.syntax("unescaped < inside quoted string")
		}
		val := raw // most values: used where they are, in the buffer
		if bytes.IndexByte(raw, '&') >= 0 || bytes.IndexByte(raw, '\r') >= 0 {
			var err error
			if val, err = s.unescape(nil, raw); err != nil {
				return tokNone, err
			}
		} else if err := s.checkText(raw); err != nil {
			return tokNone, err
		}
		s.attrs = append(s.attrs, rawAttr{Name: splitName(an), Value: val})
	}
	s.pos = i + 1
	s.pend = self
	return tokStart, nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimSpaceLeft drops XML white space at the start of b.
func trimSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// trimSpaceRight drops XML white space at the end of b.
func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// nameLen is the length of the XML name at the start of b.
func nameLen(b []byte) int {
	i := 0
	for i < len(b) {
		c := b[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '=' || c == '/' || c == '>' || c == '"' || c == '\'' || c == '<' {
			break
		}
		i++
	}
	if i == 0 || !validName(b[:i]) {
		return 0
	}
	return i
}

// validName checks a name's bytes: ASCII letters, digits and "_-.:",
// any non-ASCII character, not starting with a digit, '-' or '.'.
func validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		case (c >= '0' && c <= '9') || c == '-' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return utf8.Valid(b)
}

// splitName splits "x:row" into its prefix and local name; the common
// names of a sheet are returned without allocating.
func splitName(b []byte) xml.Name {
	var space []byte
	if i := bytes.IndexByte(b, ':'); i > 0 && i < len(b)-1 {
		space, b = b[:i], b[i+1:]
	}
	n := xml.Name{Local: internName(b)}
	if space != nil {
		n.Space = internName(space)
	}
	return n
}

func internName(b []byte) string {
	switch string(b) {
	case "row":
		return "row"
	case "c":
		return "c"
	case "v":
		return "v"
	case "r":
		return "r"
	case "s":
		return "s"
	case "t":
		return "t"
	case "is":
		return "is"
	case "f":
		return "f"
	case "spans":
		return "spans"
	case "x":
		return "x"
	case "sheetData":
		return "sheetData"
	case "si":
		return "si"
	}
	return string(b)
}
