package fake

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// obj is a JSON object whose members keep their order, as PHP arrays do.
type obj []kv

// get returns the value of key k.
func (o obj) get(k string) (any, bool) {
	for _, m := range o {
		if m.k == k {
			return m.v, true
		}
	}
	return nil, false
}

// set replaces the value of k or appends it (PHP array semantics: an
// existing key keeps its position).
func (o obj) set(k string, v any) obj {
	for i := range o {
		if o[i].k == k {
			o[i].v = v
			return o
		}
	}
	return append(o, kv{k, v})
}

// encodeCyr encodes v the way SalesMan's json_encode_cyr does: PHP's
// json_encode (non-ASCII as \uXXXX in lower-case hex, "/" as "\/") followed
// by a naive replacement of the escapes of basic Cyrillic letters (А-я, Ё, ё)
// with the raw letters. The replacement runs over the encoded text, so a
// literal backslash-u sequence in stored data is turned into invalid JSON
// exactly as the real server does.
func encodeCyr(v any) []byte {
	var b bytes.Buffer
	b.Grow(512)
	encodeValue(&b, v)
	return b.Bytes()
}

func encodeValue(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		encodeString(b, x)
	case *string:
		if x == nil {
			b.WriteString("null")
		} else {
			encodeString(b, *x)
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case obj:
		if len(x) == 0 {
			// PHP encodes an empty array as [].
			b.WriteString("[]")
			return
		}
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeString(b, m.k)
			b.WriteByte(':')
			encodeValue(b, m.v)
		}
		b.WriteByte('}')
	case []obj:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeValue(b, e)
		}
		b.WriteByte(']')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeValue(b, e)
		}
		b.WriteByte(']')
	default:
		b.WriteString("null")
	}
}

const hexDigits = "0123456789abcdef"

func encodeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	skip := 0
	for i, r := range s {
		if skip > 0 {
			skip--
			continue
		}
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			// json_encode writes "\\u0410" for a literal backslash-u
			// sequence; str_replace then turns its tail into the letter.
			if rest := s[i+1:]; len(rest) >= 5 && rest[0] == 'u' {
				if c, ok := cyrEscape(rest[1:5]); ok {
					b.WriteByte('\\')
					b.WriteRune(c)
					skip = 5
					continue
				}
			}
			b.WriteString(`\\`)
		case '/':
			b.WriteString(`\/`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20:
				writeU(b, r)
			case r < utf8.RuneSelf:
				b.WriteByte(byte(r))
			case isBasicCyrillic(r):
				b.WriteRune(r) // json_encode_cyr puts these back raw
			case r > 0xFFFF:
				r -= 0x10000
				writeU(b, 0xD800+(r>>10))
				writeU(b, 0xDC00+(r&0x3FF))
			default:
				writeU(b, r)
			}
		}
	}
	b.WriteByte('"')
}

func writeU(b *bytes.Buffer, r rune) {
	b.WriteString(`\u`)
	b.WriteByte(hexDigits[(r>>12)&0xF])
	b.WriteByte(hexDigits[(r>>8)&0xF])
	b.WriteByte(hexDigits[(r>>4)&0xF])
	b.WriteByte(hexDigits[r&0xF])
}

// cyrEscape reports whether h (4 lower-case hex digits) is the escape of a
// basic Cyrillic letter, which json_encode_cyr replaces wherever it occurs.
func cyrEscape(h string) (rune, bool) {
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil || !isBasicCyrillic(rune(v)) {
		return 0, false
	}
	return rune(v), true
}

func isBasicCyrillic(r rune) bool {
	return r >= 0x0410 && r <= 0x044F || r == 0x0401 || r == 0x0451
}
