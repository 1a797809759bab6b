package fake

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var tagRe = regexp.MustCompile(`<[^<>]*>`)

// untag strips HTML tags, as PHP strip_tags does for simple markup.
func untag(s string) string {
	if !strings.ContainsRune(s, '<') {
		return s
	}
	return tagRe.ReplaceAllString(s, "")
}

var titleDrop = strings.NewReplacer(`"`, "", `'`, "", `\`, "", "`", "", "«", "", "»", "", "<", "", ">", "")

// formatTitle reproduces clientFormatTitle + untag: tags stripped, the
// characters " ' \ ` « » < > removed, surrounding spaces trimmed, and a
// leading ООО/ЗАО/ОАО (case-sensitive, even without a following space)
// removed everywhere in the title and appended as ", ООО". ИП and ПАО stay.
// It returns nil for a title that is empty after trimming (the real server
// stores NULL then).
func formatTitle(s string) *string {
	s = untag(s)
	s = titleDrop.Replace(s)
	s = strings.TrimSpace(s)
	for _, p := range []string{"ООО", "ЗАО", "ОАО"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(strings.ReplaceAll(s, p, "")) + ", " + p
			break
		}
	}
	if s == "" {
		return nil
	}
	return &s
}

var cleanRepl = strings.NewReplacer(`"`, "”", "«", "”", "»", "”", "<", "[", ">", "]")

// fieldClean reproduces the server's fieldClean for text fields other than
// the title: tags stripped, " « » become ”, leftover < > become [ ].
func fieldClean(s string) string {
	return cleanRepl.Replace(untag(s))
}

// cleaner reproduces the form-mode Cleaner(): " becomes ” and ' becomes
// &acute;.
var cleaner = strings.NewReplacer(`"`, "”", `'`, "&acute;")

// kill4Byte replaces every character outside the Basic Multilingual Plane
// (4 bytes in UTF-8, e.g. emoji) with "????", as MySQL's 3-byte utf8
// columns do under a non-strict sql_mode.
func kill4Byte(s string) string {
	if !has4Byte(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			b.WriteString("????")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func has4Byte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// mysqlBadString renders the bytes MySQL quotes in "Incorrect string
// value": up to 6 bytes from the first 4-byte character, non-ASCII as \xHH,
// followed by "..." when more bytes remain.
func mysqlBadString(s string) string {
	i := 0
	for ; i < len(s) && s[i] < 0xF0; i++ {
	}
	rest := s[i:]
	n := min(6, len(rest))
	var b strings.Builder
	for _, c := range []byte(rest[:n]) {
		if c >= 0x20 && c < 0x7F {
			b.WriteByte(c)
		} else {
			b.WriteString(`\x`)
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&0xF])
		}
	}
	if len(rest) > n {
		b.WriteString("...")
	}
	return b.String()
}

// cut shortens s to n characters (not bytes), as VARCHAR(n) does.
func cut(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// digits returns the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitPhones splits a phone string on , and ; and trims each number.
func splitPhones(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
