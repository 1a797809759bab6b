package mapping

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// distance is the optimal-string-alignment (restricted Damerau-Levenshtein)
// distance between a and b, counted in characters.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	la, lb := len(ra), len(rb)
	if la == 0 {
		return lb
	}
	if lb == 0 {
		return la
	}
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		for j := 1; j <= lb; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// closest returns the candidate nearest to s (compared case- and
// space-insensitively), or "" when none is close enough to be a likely typo.
func closest(s string, candidates []string) string {
	key := normHeader(s)
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := distance(key, normHeader(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	n := utf8.RuneCountInString(key)
	limit := max(1, n/3)
	if n <= 2 {
		limit = 1
	}
	if best == "" || bestD > limit {
		return ""
	}
	return best
}

// Closest returns the candidate nearest to s, compared case- and
// space-insensitively with a typo-sized limit, or "" when none is close:
// the suggestion behind every "did you mean" of crmport.
func Closest(s string, candidates []string) string { return closest(s, candidates) }

// didYouMean returns ` (did you mean "x"?)` or "".
func didYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" && c != s {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// normHeader prepares a header for comparison: surrounding spaces (also
// non-breaking ones and a byte order mark) removed, runs of inner spaces
// collapsed, lower case.
func normHeader(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c == ' ' || c == '\t' || (c >= 'A' && c <= 'Z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007' || r == '\ufeff' || r == '\u200b' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldTransformers hands out diacritic-removing transformers: a
// transform.Chain keeps state between calls, so one shared chain would race
// when several goroutines fold keys at once (Binding is safe for concurrent
// use).
var foldTransformers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// foldLetters spells out the letters NFD does not decompose.
var foldLetters = strings.NewReplacer("ł", "l", "ø", "o", "ß", "ss", "æ", "ae", "đ", "d", "ı", "i")

// foldKey normalises text for dictionary lookups: lower case, diacritics
// removed (ł → l, ё → е), every run of non-letters and non-digits turned
// into one space, trimmed.
func foldKey(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = foldLetters.Replace(s)
		tr := foldTransformers.Get().(transform.Transformer)
		if t, _, err := transform.String(tr, s); err == nil {
			s = t
		}
		foldTransformers.Put(tr)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// closestHeader returns ` (did you mean "X"?)` naming the file's header
// nearest to col (see nearestHeader) or, when none is near, the list of
// the file's headers to choose from.
func closestHeader(col string, header []string) string {
	if h := nearestHeader(col, header); h != "" {
		return fmt.Sprintf(" (did you mean %q?)", h)
	}
	return "; the file's headers are: " + headerList(header)
}

// nearestHeader finds the header a person most likely meant by col, or "":
// first by edit distance, ignoring case, diacritics and punctuation and
// also comparing Cyrillic transliterated to Latin ("Телефон" ~ "Telefon");
// then the one header that holds col's words or whose words col holds
// ("Poczta" ~ "Poczta e-mail"); then the one header that is a synonym of
// col in mapping init's dictionary ("Poczta" ~ "E-mail").
func nearestHeader(col string, header []string) string {
	key := foldKey(col)
	if key == "" {
		return ""
	}
	lat := translit(key)
	keys := make([]string, len(header))
	best, bestD := -1, 1<<30
	for i, h := range header {
		hk := foldKey(h)
		keys[i] = hk
		if hk == "" {
			continue
		}
		d := distance(key, hk)
		if hl := translit(hk); hl != hk || lat != key {
			d = min(d, distance(lat, hl))
		}
		if d < bestD {
			best, bestD = i, d
		}
	}
	n := utf8.RuneCountInString(lat)
	limit := max(1, n/3)
	if n <= 2 {
		limit = 1
	}
	if best >= 0 && bestD <= limit {
		return header[best]
	}
	only := func(match func(hk string) bool) string {
		found := -1
		for i, hk := range keys {
			if hk == "" || !match(hk) {
				continue
			}
			if found >= 0 {
				return "" // two candidates: let the person choose from the list
			}
			found = i
		}
		if found < 0 {
			return ""
		}
		return header[found]
	}
	if h := only(func(hk string) bool { return containsWords(hk, key) || containsWords(key, hk) }); h != "" {
		return h
	}
	syn := synIndex()
	if ci, ok := syn[key]; ok {
		return only(func(hk string) bool { c, ok := syn[hk]; return ok && c == ci })
	}
	return ""
}

// cyrLatin spells lower-case Russian letters in Latin the way Polish and
// Russian users write them in headers (Телефон → telefon).
var cyrLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "h", 'ц': "c", 'ч': "ch", 'ш': "sh", 'щ': "sch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya",
}

// translit returns the folded key s with Cyrillic letters in Latin; s
// itself when it has none.
func translit(s string) string {
	has := false
	for _, r := range s {
		if _, ok := cyrLatin[r]; ok {
			has = true
			break
		}
	}
	if !has {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if l, ok := cyrLatin[r]; ok {
			b.WriteString(l)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
