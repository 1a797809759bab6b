package salesman

import (
	"strings"
	"unicode"
)

// ownershipPrefixes are the legal-form prefixes the server moves to the end
// of a title (clientFormatTitle). "ИП" is in the server's list but never
// matches: the server compares the first three characters.
var ownershipPrefixes = []string{"ООО", "ЗАО", "ОАО"}

// Normalize returns v as the SalesMan server stores it in field, so that
// values read back can be compared with values sent:
//
//   - "title": tags stripped; the characters " ' ` \ « » < > removed;
//     spaces trimmed; a leading ООО, ЗАО or ОАО (case-sensitive, exactly the
//     first three characters) removed everywhere in the title and appended
//     as ", ООО" — `ООО "Ромашка"` → `Ромашка, ООО`, `ЗАО Альфа ЗАО Бета`
//     → `Альфа  Бета, ЗАО`. ИП and ПАО are left alone, „” are kept.
//   - "phone", "fax": split on "," and ";", each number trimmed, joined
//     with "," (`+7 111; 8 222` → `+7 111,8 222`).
//   - ids, numbers, dates ("clid", "uid", "iduser", "date_create", …): v.
//   - every other text field (fieldClean): tags stripped, `"`, « and »
//     replaced by ” (U+201D), remaining < > replaced by [ ], spaces
//     trimmed; ' is kept.
//
// Comparisons of titles should also ignore case: the server's duplicate
// check does (utf8_general_ci).
func Normalize(field string, v string) string {
	switch field {
	case "title":
		return formatTitle(v)
	case "phone", "fax":
		return normalizePhones(v)
	case "clid", "uid", "iduser", "head_clid", "pid", "date_create", "date_edit", "type":
		return v
	}
	return fieldClean(v)
}

// formatTitle mirrors the server's untag + clientFormatTitle.
func formatTitle(s string) string {
	s = stripTags(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '"', '\'', '`', '\\', '«', '»', '<', '>':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) >= 3 {
		first := string(r[:3])
		for _, p := range ownershipPrefixes {
			if first == p {
				s = strings.ReplaceAll(s, p, "")
				return strings.TrimSpace(s + ", " + p)
			}
		}
	}
	return s
}

// fieldClean mirrors the server's treatment of other text fields.
func fieldClean(s string) string {
	s = stripTags(s)
	s = strings.NewReplacer(`"`, "”", "«", "”", "»", "”", "<", "[", ">", "]").Replace(s)
	return strings.TrimSpace(s)
}

// stripTags removes <...> sequences that look like HTML tags (a '<'
// followed by a letter, '/' or '!').
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '<' && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || rs[i+1] == '/' || rs[i+1] == '!') {
			j := i + 1
			for j < len(rs) && rs[j] != '>' {
				j++
			}
			if j < len(rs) {
				i = j
				continue
			}
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// normalizePhones splits on , and ; and rejoins with ",".
func normalizePhones(s string) string {
	parts := splitList(s)
	return strings.Join(parts, ",")
}

// splitList splits a comma/semicolon list, trimming and dropping empties.
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	out := f[:0]
	for _, p := range f {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
