package sheet

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	EncWin1250   = "windows-1250" // Central Europe: Polish, Czech, Slovak, Hungarian (Windows)
	EncWin1251   = "windows-1251" // Cyrillic (Windows)
	EncWin1252   = "windows-1252" // Western Europe (Windows)
	EncWin1257   = "windows-1257" // Baltic (Windows)
	EncISO88591  = "iso-8859-1"   // Western Europe (Latin-1)
	EncISO88592  = "iso-8859-2"   // Central Europe (Latin-2)
	EncISO885915 = "iso-8859-15"  // Western Europe with € (Latin-9)
	EncKOI8R     = "koi8-r"       // Russian (Unix)
	EncIBM866    = "ibm866"       // Russian (DOS)
	EncMacRoman  = "macintosh"    // Western Europe (old Mac OS: Mac Roman)
	encUTF16Auto = "utf-16"
)

// EncodingNames lists the encoding names a CSV source accepts in
// Options.Encoding (besides "" and "auto", which mean "detect").
var EncodingNames = []string{
	"utf-8", "utf-16", "utf-16le", "utf-16be",
	"windows-1250", "cp1250", "windows-1251", "cp1251", "windows-1252", "cp1252", "windows-1257", "cp1257",
	"iso-8859-1", "latin1", "iso-8859-2", "latin2", "iso-8859-15", "latin9",
	"koi8-r", "ibm866", "cp866", "macintosh", "mac-roman",
}

// ParseEncoding returns the canonical name of an encoding name a person
// wrote (in a mapping's source.encoding or a flag): "" for "" and "auto"
// (detect it), else one of the Enc constants (or "utf-16", UTF-16 of
// either byte order). An unknown name is an error listing the known ones.
func ParseEncoding(name string) (string, error) { return encodingByName(name) }

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
	case "windows1252", "cp1252", "win1252":
		return EncWin1252, nil
	case "windows1257", "cp1257", "win1257":
		return EncWin1257, nil
	case "iso88591", "latin1", "l1":
		return EncISO88591, nil
	case "iso88592", "latin2", "l2":
		return EncISO88592, nil
	case "iso885915", "latin9", "l9":
		return EncISO885915, nil
	case "koi8r", "koi8":
		return EncKOI8R, nil
	case "ibm866", "cp866", "866", "dos866":
		return EncIBM866, nil
	case "macintosh", "mac", "macroman", "xmacroman":
		return EncMacRoman, nil
	}
	return "", fmt.Errorf("unknown encoding %q: use one of %s (or \"auto\" to detect it)",
		name, strings.Join(EncodingNames, ", "))
}

// singleByte maps the canonical names of the single-byte encodings to
// their tables, in the order of preference when two read a file alike.
var singleByte = []struct {
	name string
	cm   *charmap.Charmap
}{
	{EncWin1250, charmap.Windows1250},
	{EncWin1251, charmap.Windows1251},
	{EncWin1252, charmap.Windows1252},
	{EncISO88592, charmap.ISO8859_2},
	{EncWin1257, charmap.Windows1257},
	{EncISO885915, charmap.ISO8859_15},
	{EncISO88591, charmap.ISO8859_1},
	{EncKOI8R, charmap.KOI8R},
	{EncIBM866, charmap.CodePage866},
	{EncMacRoman, charmap.Macintosh},
}

// decoderFor returns the x/text encoding for a canonical name (nil = UTF-8).
func decoderFor(canon string) encoding.Encoding {
	switch canon {
	case EncUTF16LE:
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
	case EncUTF16BE:
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)
	}
	for _, c := range singleByte {
		if c.name == canon {
			return c.cm
		}
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

// encGuess is what encoding detection found out.
type encGuess struct {
	name string     // canonical encoding name
	conf Confidence // how sure
	lang string     // the language the text reads as ("" when it says nothing)
}

// detectEncoding finds the encoding of a sample without a byte order mark:
// UTF-16 without a mark is recognised by its zero bytes, valid UTF-8 is
// UTF-8, and otherwise each single-byte encoding of Europe reads the sample
// and the one whose text is most plausible wins (see readingScore). When no
// reading is convincingly ahead of the others, it returns an
// *unclearEncodingError instead of guessing.
func detectEncoding(sample []byte, atEOF bool) (encGuess, error) {
	sample = trimCutRune(sample, atEOF) // it may end in the middle of a multi-byte sequence
	if enc := sniffUTF16(sample); enc != "" {
		return encGuess{name: enc, conf: ConfidenceLikely}, nil
	}
	if utf8.Valid(sample) {
		if atEOF || !isASCII(sample) {
			return encGuess{name: EncUTF8, conf: ConfidenceSure}, nil
		}
		return encGuess{name: EncUTF8, conf: ConfidenceLikely}, nil // only ASCII so far
	}
	return detectSingleByte(sample)
}

// A reading is the sample decoded by one candidate encoding.
type reading struct {
	name  string
	table *[256]rune // nil for UTF-8
	score float64
	lang  string
	chars int // non-ASCII characters read
}

// homePrior is the head start (in log-likelihood) of the encodings that
// Polish and Russian Excel write, windows-1250 and windows-1251: crmport's
// users' files are far more often in these than in any other, so on
// little evidence (one "Ż") they win or are at least offered.
const homePrior = 2

func isHomeEncoding(name string) bool { return name == EncWin1250 || name == EncWin1251 }

// The margins (in log-likelihood) by which the best reading must beat the
// next different one: below marginLikely the encoding is unclear.
const (
	marginSure   = 12
	marginLikely = 4
	// worstPerChar is the lowest average score per non-ASCII character a
	// reading may have and still be text (below it, every reading is
	// mojibake: an encoding crmport does not know).
	worstPerChar = -6
)

// detectSingleByte reads the sample with every single-byte candidate (and
// with UTF-8, for a UTF-8 file with a few broken bytes) and picks the most
// plausible reading. Encodings that read the sample alike are one reading,
// named by the first of them in singleByte's order unless its letters are
// clearly in a language written in another of them (German text that
// windows-1250 and windows-1252 read alike is named windows-1252). The
// reading must beat the next different one by marginLikely, and read as
// text at all (worstPerChar), or the encoding is unclear.
func detectSingleByte(sample []byte) (encGuess, error) {
	var seen [256]bool
	for _, b := range sample {
		seen[b] = true
	}
	var readings []reading
	var alike [][]string // per reading, the encodings that read the sample alike
	for _, c := range singleByteTables() {
		same := false
		for i, r := range readings {
			if sameOn(r.table, c.table, &seen) {
				alike[i] = append(alike[i], c.name)
				same = true
				break
			}
		}
		if !same {
			readings = append(readings, reading{name: c.name, table: c.table})
			alike = append(alike, []string{c.name})
		}
	}
	for i := range readings {
		r := &readings[i]
		sc := readingScore(decodeWith(sample, r.table))
		r.score, r.lang, r.chars = sc.total, sc.lang, sc.chars
		// Of the encodings that read it alike, name the first unless the
		// letters are clearly in a language written in another.
		bestHome := sc.homeScore(r.name)
		for _, name := range alike[i][1:] {
			if h := sc.homeScore(name); h >= bestHome+marginLikely {
				r.name, bestHome = name, h
			}
		}
	}
	for i := range readings {
		if isHomeEncoding(readings[i].name) {
			readings[i].score += homePrior
		}
	}
	u := reading{name: EncUTF8}
	sc := readingScore(decodeWith(sample, nil))
	u.score, u.lang, u.chars = sc.total, sc.lang, sc.chars
	readings = append(readings, u)
	slices.SortStableFunc(readings, func(a, b reading) int { return cmp.Compare(b.score, a.score) })
	best, second := readings[0], readings[1]
	margin := best.score - second.score
	if margin < marginLikely || best.score < worstPerChar*float64(best.chars) {
		// Unclear: when the encoding Polish or Russian Excel writes is a
		// close reading too, it is one of the two offered.
		if !isHomeEncoding(best.name) && !isHomeEncoding(second.name) {
			for _, r := range readings[2:] {
				if isHomeEncoding(r.name) && best.score-r.score < marginLikely {
					second = r
					break
				}
			}
		}
		if isHomeEncoding(second.name) && !isHomeEncoding(best.name) {
			best, second = second, best
		}
		return encGuess{}, newUnclearEncoding(sample, best, second)
	}
	conf := ConfidenceLikely
	if margin >= marginSure {
		conf = ConfidenceSure
	}
	return encGuess{name: best.name, conf: conf, lang: best.lang}, nil
}

type byteTable struct {
	name  string
	table *[256]rune
}

// singleByteTables returns the decoding table of every single-byte
// candidate, built once.
var singleByteTables = sync.OnceValue(func() []byteTable {
	out := make([]byteTable, len(singleByte))
	for i, c := range singleByte {
		t := new([256]rune)
		for b := range 256 {
			t[b] = c.cm.DecodeByte(byte(b))
		}
		out[i] = byteTable{c.name, t}
	}
	return out
})

// sameOn reports whether two tables decode every byte seen alike.
func sameOn(a, b *[256]rune, seen *[256]bool) bool {
	for i := 0x80; i < 256; i++ {
		if seen[i] && a[i] != b[i] {
			return false
		}
	}
	return true
}

// decodeWith decodes b with a single-byte table, or as UTF-8 (broken
// bytes become U+FFFD) when table is nil.
func decodeWith(b []byte, table *[256]rune) []rune {
	if table == nil {
		out := make([]rune, 0, len(b))
		for len(b) > 0 {
			r, n := utf8.DecodeRune(b) // one U+FFFD per bad byte
			out = append(out, r)
			b = b[n:]
		}
		return out
	}
	out := make([]rune, len(b))
	for i, c := range b {
		out[i] = table[c]
	}
	return out
}

// Scores of what a reading shows besides letters.
const (
	scoreBroken       = -10 // a control character or an undefined byte
	scoreBoxDrawing   = -8  // a line-drawing or block character (DOS and KOI8 graphics)
	scoreOneLetter    = -3  // a word of one non-ASCII letter that is no word ("12 Ä")
	scoreSymbolInWord = -8  // a symbol between two letters ("Pa±stwo")
	scoreSymbolByWord = -6  // a symbol stuck to a word ("£ódŸ")
	scoreOddSymbol    = -3  // a symbol text rarely holds
	scoreCommonSymbol = -0.5
	scoreMixedScript  = -6 // Latin and Cyrillic letters in one word
	scoreBadCase      = -4 // "ŁóDŹ"-like case inside a word
	scoreAllAccented  = -2 // per letter of a Latin word with no plain letter ("Ìîñêâà")
)

// symbolScore scores the non-ASCII character rs[i] that is not a letter,
// by what stands around it: text holds a euro sign by a number, a degree
// sign by a number or before C, quotes and ™ at the edge of a word, dashes
// between spaces; it does not hold "Pa±stwo", "£ódŸ" or "©»astný".
func symbolScore(rs []rune, i int) float64 {
	r := rs[i]
	prevL, nextL := letterAt(rs, i-1), letterAt(rs, i+1)
	at := func(j int) rune {
		if j < 0 || j >= len(rs) {
			return ' '
		}
		return rs[j]
	}
	plain := func(c rune) bool { return c < 0x80 && !unicode.IsLetter(c) } // space, digit, punctuation, line end
	digitNear := unicode.IsDigit(at(i-1)) || unicode.IsDigit(at(i-2)) || unicode.IsDigit(at(i+1)) || unicode.IsDigit(at(i+2))
	switch {
	case r == utf8.RuneError || unicode.IsControl(r):
		return scoreBroken
	case 0x2500 <= r && r <= 0x25FF:
		return scoreBoxDrawing
	case strings.ContainsRune(insideWords, r):
		return scoreCommonSymbol
	case prevL && nextL:
		return scoreSymbolInWord
	case strings.ContainsRune("€£", r) && digitNear,
		r == '°' && (unicode.IsDigit(at(i-1)) || at(i+1) == 'C' || at(i+1) == 'F'),
		strings.ContainsRune(quoteMarks, r) && (prevL && plain(at(i+1)) || nextL && plain(at(i-1)) || plain(at(i-1)) && plain(at(i+1))),
		strings.ContainsRune("™®©²³", r) && prevL && !nextL && plain(at(i+1)),
		strings.ContainsRune(standalone, r) && plain(at(i-1)) && plain(at(i+1)):
		return scoreCommonSymbol
	case prevL || nextL:
		return scoreSymbolByWord
	}
	return scoreOddSymbol
}

// insideWords are the non-ASCII marks that stand between letters in text
// ("l’été", "col·lecció"); quoteMarks stand at the edge of a word; and
// standalone symbols between spaces or digits.
const (
	insideWords = "’·\u00a0"
	quoteMarks  = "«»„“”‚‘"
	standalone  = "–—…•€£°§№©®™¿¡½¼µ×±"
)

// letterAt reports whether rs[i] exists and is a letter.
func letterAt(rs []rune, i int) bool { return i >= 0 && i < len(rs) && unicode.IsLetter(rs[i]) }

// A score is how plausible one reading is.
type score struct {
	total  float64   // log-likelihood of the best language, plus penalties
	lang   string    // that language ("" when the text has no non-ASCII letter)
	chars  int       // non-ASCII characters read
	byLang []float64 // per language of languageModels, its letters' log-likelihood
}

// readingScore says how plausible decoded text is, as a log-likelihood:
// its non-ASCII letters under the language model that fits them best, plus
// penalties for what text does not hold (see the score constants).
func readingScore(rs []rune) score {
	counts := map[rune]int{}
	var sc score
	penalty := 0.0
	wordStart := -1
	flush := func(end int) {
		if wordStart >= 0 {
			penalty += wordPenalty(rs[wordStart:end], end+1 < len(rs) && rs[end] == ' ' && unicode.IsLetter(rs[end+1]))
			wordStart = -1
		}
	}
	for i, r := range rs {
		if r >= 0x80 {
			sc.chars++
		}
		if unicode.IsLetter(r) {
			if wordStart < 0 {
				wordStart = i
			}
			if r >= 0x80 {
				counts[unicode.ToLower(r)]++
			}
			continue
		}
		flush(i)
		if r < 0x80 {
			continue
		}
		penalty += symbolScore(rs, i)
	}
	flush(len(rs))
	models := languageModels()
	sc.byLang = make([]float64, len(models))
	best := math.Inf(-1)
	for i, m := range models {
		ll := 0.0
		for r, n := range counts {
			p, ok := m.logp[r]
			if !ok {
				p = logFloor
			}
			ll += float64(n) * p
		}
		sc.byLang[i] = ll
		if ll > best {
			best, sc.lang = ll, m.name
		}
	}
	if len(counts) == 0 {
		best, sc.lang = 0, ""
	}
	sc.total = best + penalty
	return sc
}

// homeScore is the best log-likelihood of the letters under the languages
// written in encoding enc.
func (sc score) homeScore(enc string) float64 {
	best := math.Inf(-1)
	for i, m := range languageModels() {
		if slices.Contains(homeEncodings[m.name], enc) {
			best = max(best, sc.byLang[i])
		}
	}
	return best
}

// wordPenalty scores the shape of one word holding a non-ASCII letter:
// mixed scripts, case changing inside it, (Latin) no plain letter at all,
// or a single letter that is no word on its own (or is not followed by
// the word it belongs to).
// beforeWord says whether a space and a letter follow the word.
func wordPenalty(w []rune, beforeWord bool) float64 {
	var ascii, cyr, other, upper, lower, upperAfterFirst int
	for i, r := range w {
		switch {
		case r < 0x80:
			ascii++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		default:
			other++
		}
		if unicode.IsUpper(r) {
			upper++
			if i > 0 {
				upperAfterFirst++
			}
		} else {
			lower++
		}
	}
	if cyr+other == 0 {
		return 0 // a plain ASCII word says nothing
	}
	p := 0.0
	if len(w) == 1 && !(strings.ContainsRune(oneLetterWords, unicode.ToLower(w[0])) && beforeWord) {
		p += scoreOneLetter
	}
	if cyr > 0 && (ascii > 0 || other > 0) {
		p += scoreMixedScript
	}
	// Well-cased words are lower case, UPPER CASE or Capitalised.
	if upperAfterFirst > 0 && lower > 0 {
		p += scoreBadCase
	}
	if cyr == 0 && ascii == 0 && len(w) >= 3 {
		p += scoreAllAccented * float64(len(w))
	}
	return p
}

// homeEncodings are the encodings each language is written in.
var homeEncodings = map[string][]string{
	"Polish": {EncWin1250, EncISO88592}, "Czech": {EncWin1250, EncISO88592}, "Slovak": {EncWin1250, EncISO88592},
	"Hungarian": {EncWin1250, EncISO88592}, "Croatian": {EncWin1250, EncISO88592}, "Romanian": {EncWin1250, EncISO88592},
	"German": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman}, "French": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman},
	"Spanish": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman}, "Portuguese": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman},
	"Italian": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman}, "Swedish": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman},
	"Danish": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman}, "Finnish": {EncWin1252, EncISO885915, EncISO88591, EncMacRoman},
	"Lithuanian": {EncWin1257}, "Latvian": {EncWin1257}, "Estonian": {EncWin1257, EncWin1252},
	"Russian": {EncWin1251, EncKOI8R, EncIBM866}, "Ukrainian": {EncWin1251, EncKOI8R, EncIBM866},
}

// oneLetterWords are the non-ASCII letters that are words on their own in
// the languages of languageModels (French à, Lithuanian į, Russian в, с…),
// each before the word it belongs to.
const oneLetterWords = "àèéóąįвсукоаияі"

// logFloor is the log-probability of a letter a language does not use.
const logFloor = -9.2

type langModel struct {
	name string
	logp map[rune]float64 // log-probability of each non-ASCII letter among the language's non-ASCII letters
}

// letterFrequencies lists, per language, its non-ASCII letters with their
// frequency in ordinary text (percent of all letters, rounded; published
// letter-frequency tables).
var letterFrequencies = []struct{ lang, freqs string }{
	{"Polish", "ą.99 ć.40 ę1.11 ł1.82 ń.20 ó.85 ś.66 ź.06 ż.83"},
	{"Czech", "á.87 č.46 ď.02 é.63 ě1.22 í1.64 ň.01 ó.02 ř.38 š.69 ť.01 ú.05 ů.20 ý.99 ž.72"},
	{"Slovak", "á2.1 ä.07 č.9 ď.2 é.7 í1.6 ĺ.01 ľ.3 ň.1 ó.2 ô.2 ŕ.01 š.6 ť.5 ú.7 ý1.1 ž.7"},
	{"Hungarian", "á3.0 é3.5 í.5 ó.9 ö.9 ő.8 ú.3 ü.5 ű.1"},
	{"Croatian", "č.7 ć.8 đ.3 š.6 ž.6"},
	{"Romanian", "ă2.5 â.6 î1.0 ș.6 ş.6 ț.5 ţ.5"},
	{"German", "ä.58 ö.44 ü.65 ß.31 é.02"},
	{"French", "é1.94 è.27 ê.22 à.49 â.04 ç.09 î.05 ï.01 ô.02 ù.06 û.06 ë.01 œ.02"},
	{"Spanish", "á.5 é.43 í.72 ñ.31 ó.83 ú.17 ü.02"},
	{"Portuguese", "á.12 â.56 ã.73 à.07 ç.53 é.34 ê.45 í.13 ó.17 ô.64 õ.1 ú.11"},
	{"Italian", "à.6 è.26 é.03 ì.03 ò.1 ù.17"},
	{"Swedish", "å1.3 ä1.8 ö1.3 é.01"},
	{"Danish", "æ.9 ø.9 å1.2 é.01"},
	{"Finnish", "ä3.6 ö.4"},
	{"Lithuanian", "ą.6 č.3 ę.2 ė1.7 į.7 š1.0 ų.9 ū.5 ž.8"},
	{"Latvian", "ā4.0 č.3 ē1.7 ģ.1 ī1.6 ķ.2 ļ.5 ņ.4 š1.5 ū.5 ž.2"},
	{"Estonian", "ä1.2 õ.8 ö.2 ü1.0 š.01 ž.01"},
	{"Russian", "о10.97 е8.45 а8.01 и7.35 н6.70 т6.26 с5.47 р4.73 в4.54 л4.40 к3.49 м3.21 д2.98 п2.81 у2.62 я2.01 ы1.90 ь1.74 г1.70 з1.65 б1.59 ч1.44 й1.21 х.97 ж.94 ш.73 ю.64 ц.48 щ.36 э.32 ф.26 ъ.04 ё.04"},
	{"Ukrainian", "о9.0 а8.0 н7.0 и6.2 в5.5 і5.0 е5.0 р4.5 т4.4 с4.2 к3.6 л3.6 у3.5 д3.3 м3.0 п2.8 я2.2 з2.2 ь1.7 г1.6 б1.6 ч1.4 х1.2 й1.1 ж.9 ш.8 ю.7 ц.6 ї.6 щ.5 є.4 ф.3 ґ.01"},
}

// languageModels parses letterFrequencies once.
var languageModels = sync.OnceValue(func() []langModel {
	out := make([]langModel, len(letterFrequencies))
	for i, lf := range letterFrequencies {
		m := langModel{name: lf.lang, logp: map[rune]float64{}}
		total := 0.0
		for _, f := range strings.Fields(lf.freqs) {
			r, size := utf8.DecodeRuneInString(f)
			v, err := strconv.ParseFloat(f[size:], 64)
			if err != nil {
				panic("sheet: bad letter frequency " + f)
			}
			m.logp[r] = v
			total += v
		}
		for r, v := range m.logp {
			m.logp[r] = math.Log(v / total)
		}
		out[i] = m
	}
	return out
})

// unclearEncodingError says that no encoding reads a file convincingly,
// naming the two best readings with a line of the file read each way.
type unclearEncodingError struct {
	first, second         string // encodings
	firstLang, secondLang string
	firstLine, secondLine string // the same line read each way
}

func newUnclearEncoding(sample []byte, a, b reading) *unclearEncodingError {
	e := &unclearEncodingError{first: a.name, second: b.name, firstLang: a.lang, secondLang: b.lang}
	for line := range bytes.Lines(sample) {
		if isASCII(line) {
			continue
		}
		e.firstLine = sampleLine(string(decodeWith(line, a.table)))
		e.secondLine = sampleLine(string(decodeWith(line, b.table)))
		break
	}
	return e
}

// sampleLine trims a line for a message: no line end, at most 70 characters.
func sampleLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if r := []rune(s); len(r) > 70 {
		s = string(r[:70]) + "…"
	}
	return s
}

func (e *unclearEncodingError) Error() string {
	how := func(enc, lang string) string {
		if lang == "" {
			return enc
		}
		return enc + " (" + lang + ")"
	}
	return fmt.Sprintf("cannot tell which encoding the file is in: read as %s a line says %q, read as %s it says %q; "+
		"write the right one in the mapping under source: (encoding: %s, or encoding: %s; for preview and mapping init: --encoding %s or --encoding %s), then run again",
		how(e.first, e.firstLang), e.firstLine, how(e.second, e.secondLang), e.secondLine, e.first, e.second, e.first, e.second)
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
