package sheet

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Canonical encoding names reported in Info.Encoding.
const (
	EncUTF8      = "utf-8"
	EncUTF16LE   = "utf-16le"
	EncUTF16BE   = "utf-16be"
	EncWin1250   = "windows-1250"
	EncWin1251   = "windows-1251"
	EncISO88592  = "iso-8859-2"
	EncKOI8R     = "koi8-r"
	encUTF16Auto = "utf-16"
)

// EncodingNames lists the encoding names a CSV source accepts in
// Options.Encoding (besides "" and "auto", which mean "detect").
var EncodingNames = []string{
	"utf-8", "utf-16", "utf-16le", "utf-16be",
	"windows-1250", "cp1250", "windows-1251", "cp1251",
	"iso-8859-2", "latin2", "koi8-r",
}

// encodingByName maps a user-written name to its canonical name.
func encodingByName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.NewReplacer("-", "", "_", "", " ", "").Replace(n)
	switch n {
	case "", "auto":
		return "", nil
	case "utf8":
		return EncUTF8, nil
	case "utf16":
		return encUTF16Auto, nil
	case "utf16le":
		return EncUTF16LE, nil
	case "utf16be":
		return EncUTF16BE, nil
	case "windows1250", "cp1250", "win1250":
		return EncWin1250, nil
	case "windows1251", "cp1251", "win1251":
		return EncWin1251, nil
	case "iso88592", "latin2":
		return EncISO88592, nil
	case "koi8r", "koi8":
		return EncKOI8R, nil
	}
	return "", fmt.Errorf("unknown encoding %q: use one of %s (or \"auto\" to detect it)",
		name, strings.Join(EncodingNames, ", "))
}

// decoderFor returns the x/text encoding for a canonical name (nil = UTF-8).
func decoderFor(canon string) encoding.Encoding {
	switch canon {
	case EncWin1250:
		return charmap.Windows1250
	case EncWin1251:
		return charmap.Windows1251
	case EncISO88592:
		return charmap.ISO8859_2
	case EncKOI8R:
		return charmap.KOI8R
	case EncUTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case EncUTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	}
	return nil
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// sniffBOM returns the encoding announced by a byte order mark and the
// mark's length.
func sniffBOM(b []byte) (string, int) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return EncUTF8, 3
	case bytes.HasPrefix(b, bomUTF16LE):
		return EncUTF16LE, 2
	case bytes.HasPrefix(b, bomUTF16BE):
		return EncUTF16BE, 2
	}
	return "", 0
}

// singleByteCandidates are tried, in this order of preference on a tie,
// when a sample is not UTF-8.
var singleByteCandidates = []string{EncWin1250, EncWin1251, EncISO88592, EncKOI8R}

// detectEncoding guesses the encoding of a sample without a byte order
// mark: valid UTF-8 is UTF-8; UTF-16 without a mark is recognised by its
// zero bytes; otherwise each single-byte candidate decodes the sample and
// the most plausible text (Polish words, well-formed Cyrillic words) wins.
func detectEncoding(sample []byte, atEOF bool) string {
	if !atEOF {
		// The sample may end in the middle of a multi-byte sequence.
		for i := len(sample) - 1; i >= 0 && i >= len(sample)-utf8.UTFMax; i-- {
			if utf8.RuneStart(sample[i]) {
				if !utf8.FullRune(sample[i:]) {
					sample = sample[:i]
				}
				break
			}
		}
	}
	if enc := sniffUTF16(sample); enc != "" {
		return enc
	}
	if utf8.Valid(sample) {
		return EncUTF8
	}
	best, bestScore := EncWin1250, 0
	for i, name := range singleByteCandidates {
		text, err := decoderFor(name).NewDecoder().Bytes(sample)
		if err != nil {
			continue
		}
		s := plausibility(string(text))
		if i == 0 || s > bestScore {
			best, bestScore = name, s
		}
	}
	return best
}

// sniffUTF16 recognises UTF-16 without a byte order mark: mostly ASCII text
// has a zero byte in every other position.
func sniffUTF16(b []byte) string {
	n := len(b) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd*10 >= half*7 && even*10 < half:
		return EncUTF16LE
	case even*10 >= half*7 && odd*10 < half:
		return EncUTF16BE
	}
	return ""
}

const polishLetters = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"

// plausibility scores decoded text: words with Polish letters and
// well-cased Cyrillic words score up; mixed-script words, non-Polish
// accented letters, odd symbols and control characters score down.
func plausibility(s string) int {
	score := 0
	var word []rune
	flush := func() {
		if len(word) > 0 {
			score += wordScore(word)
			word = word[:0]
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			word = append(word, r)
			continue
		}
		flush()
		if r < 0x80 {
			continue
		}
		switch {
		case r == utf8.RuneError:
			score -= 10
		case unicode.IsControl(r):
			score -= 5
		case r == '«' || r == '»' || r == '–' || r == '—' || r == '„' || r == '”' || r == '“' || r == '№' || r == '\u00a0':
			// punctuation common in Polish and Russian text
		default:
			score -= 2
		}
	}
	flush()
	return score
}

func wordScore(w []rune) int {
	var ascii, cyr, latinExt, polish, upperAfterLower int
	prevLower := false
	for _, r := range w {
		switch {
		case r < 0x80:
			ascii++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case strings.ContainsRune(polishLetters, r):
			polish++
		default:
			latinExt++
		}
		if unicode.IsUpper(r) && prevLower {
			upperAfterLower++
		}
		prevLower = unicode.IsLower(r)
	}
	if cyr == 0 && polish == 0 && latinExt == 0 {
		return 0 // plain ASCII word: says nothing
	}
	switch {
	case cyr > 0 && (ascii > 0 || polish > 0 || latinExt > 0):
		return -5 * len(w) // mixed scripts: a wrong decoding
	case cyr > 0:
		if upperAfterLower > 0 {
			return -2 * len(w)
		}
		return len(w)
	}
	return 2*polish - 3*latinExt - 2*upperAfterLower
}
