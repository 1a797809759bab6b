package sheet

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Confidence says how sure a source is of something it found out about a
// file, such as its encoding or delimiter. Its values are words for people
// ("read as windows-1250 (sure)").
type Confidence string

// The levels of confidence, from most to least sure.
const (
	ConfidenceGiven  Confidence = "given"  // named in the options (the mapping or a flag)
	ConfidenceMarked Confidence = "marked" // stated by the file: a byte order mark, Excel's "sep=" line
	ConfidenceSure   Confidence = "sure"   // found out from plenty of evidence; nothing else comes close
	ConfidenceLikely Confidence = "likely" // the best reading, clearly ahead, on little evidence
	ConfidenceGuess  Confidence = "guess"  // no evidence either way (e.g. one column: no delimiter seen)
)

// sniffRecords is how many records of the sample delimiter sniffing looks
// at (the sample is 64 KiB at most).
const sniffRecords = 500

var delimiterCands = [4]rune{';', ',', '\t', '|'}

// textShape is what one pass over the sample text finds: per record, how
// often each candidate delimiter occurs; how often a comma stands between
// digits as a decimal comma does ("-12,50"); and the kinds of line ends.
type textShape struct {
	counts       [][4]int
	decimal      int // commas that look like decimal commas
	commas       int
	crlf, lf, cr int
	inQuotes     bool // the text ended inside quotes
}

// shapeOf reads the sample text, outside quotes when quoted is set (a
// quote opens quoting only at the start of a cell, as in reading).
func shapeOf(text string, truncated, quoted bool) textShape {
	var sh textShape
	var cur [4]int
	inQuotes, nonBlank, cellStart := false, false, true
	endRecord := func() {
		if nonBlank {
			sh.counts = append(sh.counts, cur)
		}
		cur, nonBlank, cellStart = [4]int{}, false, true
	}
	for i := 0; i < len(text) && len(sh.counts) < sniffRecords; i++ {
		c := text[i]
		if inQuotes {
			if c == '"' {
				switch {
				case i+1 < len(text) && text[i+1] == '"':
					i++ // a doubled quote
				case i+1 < len(text) && !isCellEnd(text[i+1]):
					// a bare quote: kept, the cell goes on (as in reading)
				default:
					inQuotes = false
				}
			}
			continue
		}
		switch c {
		case '"':
			if quoted && cellStart {
				inQuotes = true
			}
			nonBlank, cellStart = true, false
		case '\n':
			sh.lf++
			endRecord()
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				sh.crlf++
				i++
			} else if i+1 < len(text) || !truncated {
				sh.cr++
			}
			endRecord()
		case ';', ',', '\t', '|':
			j := slices.Index(delimiterCands[:], rune(c))
			cur[j]++
			if c == ',' {
				sh.commas++
				if decimalCommaAt(text, i) {
					sh.decimal++
				}
			}
			nonBlank, cellStart = true, true
		case ' ':
			cellStart = false // a quote after a space is text
		default:
			nonBlank, cellStart = true, false
		}
	}
	sh.inQuotes = inQuotes
	if nonBlank && !truncated && !inQuotes && len(sh.counts) < sniffRecords {
		sh.counts = append(sh.counts, cur)
	}
	return sh
}

// decimalCommaAt reports whether the comma at text[i] stands between a
// digit and one to three digits that end the number: "-12,50", "0,5".
func decimalCommaAt(text string, i int) bool {
	if i == 0 || !isDigit(text[i-1]) {
		return false
	}
	n := 0
	for j := i + 1; j < len(text) && isDigit(text[j]); j++ {
		n++
	}
	if n == 0 || n > 3 {
		return false
	}
	end := i + 1 + n
	return end == len(text) || text[end] != '.' && text[end] != ','
}

// isCellEnd reports whether c may end a quoted cell after its closing
// quote: a candidate delimiter or a line end.
func isCellEnd(c byte) bool {
	switch c {
	case ';', ',', '\t', '|', '\r', '\n':
		return true
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// lineEndKind names the line ends seen: "crlf", "lf", "cr", "mixed" or "".
func (sh textShape) lineEndKind() string {
	kinds, name := 0, ""
	for _, k := range []struct {
		n    int
		name string
	}{{sh.crlf, "crlf"}, {sh.lf, "lf"}, {sh.cr, "cr"}} {
		if k.n > 0 {
			kinds++
			name = k.name
		}
	}
	if kinds > 1 {
		return "mixed"
	}
	return name
}

// sniffDelimiter picks the delimiter among ; , tab | from the sample text
// (the first 500 records at most) and says how sure it is.
//
// Each candidate splits every record into cells, counted outside quotes.
// The table's width for a candidate is its most common number of cells of
// at least two; a record split into exactly that many cells counts 1, a
// record it splits into another number of cells (a ragged row, a title
// line above the table) counts 1/2, a record it does not split counts
// nothing. Commas that stand as decimal commas ("-12,50") weigh less, so a
// ';' bank export with amounts in every row and rows of unequal length is
// read with ';'. The highest score wins; ties go to the wider table, then
// to the order above. A candidate that does not split the first record
// (the header) while another does scores a quarter. It is sure when the
// runner-up scores at most half as much.
//
// When a quote opened early is never closed, so that fewer than two
// records are seen, quotes are ignored instead if that finds a delimiter
// agreeing over at least two lines: the rows the quote swallowed still show
// it (and reading reports the quote).
func sniffDelimiter(text string, truncated bool) (rune, Confidence) {
	sh := shapeOf(text, truncated, true)
	best, conf, _ := pickDelimiter(sh)
	if sh.inQuotes && len(sh.counts) < 2 {
		if d, c, agree := pickDelimiter(shapeOf(text, truncated, false)); agree >= 2 {
			best, conf = d, minConfidence(c, ConfidenceLikely)
		}
	}
	return best, conf
}

// pickDelimiter scores the candidates as sniffDelimiter says, and returns
// the winner, how sure it is and in how many records it splits the text
// into exactly the table's width.
func pickDelimiter(sh textShape) (rune, Confidence, int) {
	type cand struct {
		score float64
		width int
		agree int
	}
	var cs [len(delimiterCands)]cand
	for j := range delimiterCands {
		freq := map[int]int{}
		for _, rc := range sh.counts {
			if rc[j] > 0 {
				freq[rc[j]+1]++
			}
		}
		c := &cs[j]
		for w, n := range freq {
			if n > c.agree || n == c.agree && w > c.width {
				c.width, c.agree = w, n
			}
		}
		for w, n := range freq {
			if w == c.width {
				c.score += float64(n)
			} else {
				c.score += float64(n) / 2
			}
		}
		if delimiterCands[j] == ',' && sh.commas > 0 {
			c.score *= 1 - 0.75*float64(sh.decimal)/float64(sh.commas)
		}
	}
	// The first record is the header in almost every file: a candidate
	// that does not split it, while another does, is a separator found in
	// the data only (the comma of "ul. Tverskaya, 7" in every address).
	if len(sh.counts) > 0 {
		first := sh.counts[0]
		splitsFirst := false
		for j := range delimiterCands {
			splitsFirst = splitsFirst || first[j] > 0
		}
		for j := range cs {
			if splitsFirst && first[j] == 0 {
				cs[j].score /= 4
			}
		}
	}
	bi := 0
	for j := 1; j < len(cs); j++ {
		if cs[j].score > cs[bi].score || cs[j].score == cs[bi].score && cs[j].width > cs[bi].width {
			bi = j
		}
	}
	second := 0.0
	for j, c := range cs {
		if j != bi {
			second = max(second, c.score)
		}
	}
	b := cs[bi]
	var conf Confidence
	switch {
	case b.score == 0:
		return ',', ConfidenceGuess, 0 // one column: nothing to go by
	case second*2 <= b.score && b.agree >= 2:
		conf = ConfidenceSure
	case second*1.3 <= b.score:
		conf = ConfidenceLikely
	default:
		conf = ConfidenceGuess
	}
	return delimiterCands[bi], conf, b.agree
}

// minConfidence returns the less sure of two confidences.
func minConfidence(a, b Confidence) Confidence {
	order := []Confidence{ConfidenceGiven, ConfidenceMarked, ConfidenceSure, ConfidenceLikely, ConfidenceGuess}
	if slices.Index(order, a) > slices.Index(order, b) {
		return a
	}
	return b
}

// Kinds of content contentKind tells apart from text.
const (
	contentZip  = "zip"  // a zip archive: an XLSX workbook (or another Office file)
	contentODS  = "ods"  // an OpenDocument spreadsheet (LibreOffice's own format)
	contentOLE2 = "ole2" // an OLE2 compound file: Excel 97-2003 (.xls) or a password-protected workbook
)

// magics names files that are not tables by their first bytes.
var magics = []struct{ prefix, what string }{
	{"%PDF-", "a PDF document"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"\x1f\x8b", "a gzip archive"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"{\\rtf", "an RTF document"},
}

// contentKind tells from a file's first bytes what it is when that is not
// plain text: contentZip, contentODS, contentOLE2, a description such as
// "a PDF document", or "" for anything else (text, or binary data that
// looksBinary finds).
func contentKind(head []byte) string {
	s := string(head)
	switch {
	case strings.HasPrefix(s, "PK\x03\x04"):
		if len(s) > 38 && s[30:38] == "mimetype" && strings.HasPrefix(s[38:], "application/vnd.oasis.opendocument.spreadsheet") {
			return contentODS
		}
		return contentZip
	case strings.HasPrefix(s, "PK\x05\x06"), strings.HasPrefix(s, "PK\x07\x08"):
		return contentZip
	case strings.HasPrefix(s, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return contentOLE2
	}
	for _, m := range magics {
		if strings.HasPrefix(s, m.prefix) {
			return m.what
		}
	}
	t := strings.ToLower(strings.TrimLeft(strings.TrimPrefix(s, "\uFEFF"), " \t\r\n"))
	switch {
	case strings.HasPrefix(t, "<!doctype html"), strings.HasPrefix(t, "<html"), strings.HasPrefix(t, "<table"):
		return "a web page (HTML)"
	case strings.HasPrefix(t, "<?xml") && strings.Contains(t, "urn:schemas-microsoft-com:office:spreadsheet"):
		return "an Excel 2003 XML spreadsheet"
	}
	return ""
}

// looksBinary reports whether a sample that is not UTF-16 holds binary
// data rather than text: a NUL byte in its first KiB, or more control
// characters there than text ever has (tab, line ends, form feed and
// DOS's end-of-file mark are text).
func looksBinary(sample []byte) bool {
	head := sample[:min(len(sample), 1024)]
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' && c != 0x1a, c == 0x7f:
			controls++
		}
	}
	return controls*50 > len(head) // over 2%
}

// notATableError explains a file whose content is not a table crmport
// reads, whatever its name says.
func notATableError(kind string) error {
	switch kind {
	case contentZip:
		return errors.New("this is an Excel workbook (.xlsx), not CSV text: give it a .xlsx name and try again")
	case contentODS:
		return errors.New("this is an OpenDocument spreadsheet (.ods): open it in LibreOffice or Excel and save it as .xlsx or .csv")
	case contentOLE2:
		return errXLS
	case "":
		return errors.New("this is not a text or Excel file (it holds binary data): give the .csv or .xlsx file that holds the table, or save the table as one from the program it comes from")
	}
	return fmt.Errorf("this is %s, not a table: save the table from the program it comes from as .xlsx or .csv", kind)
}

// errXLS is the answer to an Excel 97-2003 workbook.
var errXLS = errors.New("old Excel 97-2003 files (.xls) are not supported: open it in Excel and save it as .xlsx or .csv")
