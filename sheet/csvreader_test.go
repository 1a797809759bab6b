package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzRecordReaderMatchesEncodingCSV checks that recordReader splits text
// exactly as encoding/csv does with LazyQuotes wherever encoding/csv reads
// lines as crmport does (no lone CR), blank lines included, and that every
// cell starts where it says.
func FuzzRecordReaderMatchesEncodingCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a;b\r\n\"x\r\ny\";\"p\"\"q\"\r\n", "\"unclosed,\n1,2\n", "a,\"b\"c,d\n",
		"\n\n\"\"\n", "x,\"\"\"\",y", "a,b,\n,,\n", "\"a\"\"\n", "é,ł\n\xff,\x80\n",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) || len(data) > maxFieldBytes {
			return // a lone CR ends a line here, not in encoding/csv; bounds are tested elsewhere
		}
		comma := ','
		if semicolon {
			comma = ';'
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = comma, true, -1
		rr := newRecordReader(bytes.NewReader(data))
		rr.setComma(comma)
		lastLine := 0
		for {
			want, werr := cr.Read()
			got, gerr := rr.read()
			if errors.Is(werr, io.EOF) {
				if !errors.Is(gerr, io.EOF) {
					t.Fatalf("encoding/csv ended, recordReader read %q (%v)", got, gerr)
				}
				return
			}
			if werr != nil || gerr != nil {
				t.Fatalf("errors: encoding/csv %v, recordReader %v", werr, gerr)
			}
			if strings.Join(want, "\x00") != strings.Join(got, "\x00") || len(want) != len(got) {
				t.Fatalf("records differ:\nencoding/csv %q\nrecordReader %q", want, got)
			}
			line, _ := cr.FieldPos(0)
			if line-lastLine-1 != rr.blanks {
				t.Fatalf("blank lines before %q: encoding/csv %d, recordReader %d", got, line-lastLine-1, rr.blanks)
			}
			endLine, _ := cr.FieldPos(len(want) - 1)
			lastLine = endLine + strings.Count(want[len(want)-1], "\n")
			if rr.noQuote && (len(rr.starts) > 0 || strings.Contains(strings.Join(got, ""), `"`)) {
				t.Fatalf("%q read as a line without quotes", got)
			}
			for i, st := range rr.starts {
				if rr.quoted[i] != (st < int64(len(data)) && data[st] == '"') {
					t.Fatalf("cell %d of %q: quoted %v, text %q", i, got, rr.quoted[i], data[min(st, int64(len(data))):])
				}
			}
		}
	})
}

// TestCellBoundsMatchesSplit checks the eight-bytes-a-step delimiter
// search against bytes.Split on lines of every length up to 40 made of
// bytes chosen to trip it: the delimiter, its neighbours (';' next to ':'
// and '<', where a borrow across bytes would show a false delimiter), the
// delimiter with its top bit set, 0x00, 0xFF and UTF-8.
func TestCellBoundsMatchesSplit(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, c := range []byte{';', ',', '\t', '|'} {
		alphabet := []byte{c, c, c - 1, c + 1, c ^ 0x80, 0, 0xff, 'a', 0xc5, 0x82, c ^ 1}
		for n := range 41 {
			for range 300 {
				line := make([]byte, n)
				for i := range line {
					line[i] = alphabet[rnd.IntN(len(alphabet))]
				}
				var want []int
				start := 0
				for _, part := range bytes.Split(line, []byte{c}) {
					want = append(want, start, start+len(part))
					start += len(part) + 1
				}
				got := cellBounds(nil, line, c)
				if !slices.Equal(want, got) {
					t.Fatalf("%q split at %q: want %v, got %v", line, c, want, got)
				}
			}
		}
	}
}

// benchRecords is 100,000 rows of 20 cells, as BenchmarkCSVSource reads.
func benchRecords() []byte {
	var b bytes.Buffer
	for i := range 100000 {
		for j := range 20 {
			if j > 0 {
				b.WriteByte(';')
			}
			switch j % 5 {
			case 0:
				b.WriteString("Kowalski " + strconv.Itoa(i))
			case 1:
				b.WriteString("Łódź")
			case 2:
				b.WriteString("00-" + strconv.Itoa(100+i%900))
			case 3:
				b.WriteString(strconv.Itoa(i * j))
			default:
				b.WriteString("jan.kowalski" + strconv.Itoa(i) + "@example.pl")
			}
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// BenchmarkRecordReader splits 31 MB of CSV into records; compare with
// BenchmarkRecordReaderEncodingCSV, the same with encoding/csv.
func BenchmarkRecordReader(b *testing.B) {
	data := benchRecords()
	for b.Loop() {
		rr := newRecordReader(bytes.NewReader(data))
		rr.setComma(';')
		for {
			if _, err := rr.read(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}

// BenchmarkRecordReaderEncodingCSV is BenchmarkRecordReader with encoding/csv.
func BenchmarkRecordReaderEncodingCSV(b *testing.B) {
	data := benchRecords()
	for b.Loop() {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = ';', true, -1, true
		for {
			if _, err := cr.Read(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}
