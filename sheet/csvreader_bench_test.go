package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The CSV reader benchmarks compare recordReader with encoding/csv on the
// same generated file: 200,000 contacts × 20 columns, ';' (as Polish Excel
// saves them), CRLF, UTF-8 with Polish letters, a quoted cell in most rows
// (addresses with the delimiter, company names with doubled quotes, a
// note running over two lines now and then). Both read every record and
// keep nothing; encoding/csv reuses its record, as recordReader does.
//
//	go test ./sheet -run '^$' -bench 'ReaderFile' -benchmem -count 5
const readerBenchRows = 200_000

// readerBenchFile writes the file in a temporary folder of the benchmark
// (the same bytes each time) and returns its path and size.
func readerBenchFile(b *testing.B, quoteAll bool) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "kontakty.csv")
	if err := writeReaderBench(path, quoteAll); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, st.Size()
}

var benchFirst = []string{"Jan", "Małgorzata", "Łukasz", "Żaneta", "Grzegorz", "Ewa", "Piotr", "Zofia"}
var benchLast = []string{"Kowalski", "Świątek", "Wójcik", "Szczęsny", "Ćwik", "Nowak", "Zieliński", "Dąbrowska"}
var benchCity = []string{"Łódź", "Kraków", "Gdańsk", "Warszawa", "Poznań", "Wrocław", "Szczecin", "Ząbki"}

// writeReaderBench writes the contacts; quoteAll quotes every cell, as
// many CRMs' exports and LibreOffice's "quote all text cells" do.
func writeReaderBench(path string, quoteAll bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	header := []string{"Lp", "Firma", "Imię", "Nazwisko", "Stanowisko", "E-mail", "Telefon", "Telefon 2", "Ulica", "Kod",
		"Miasto", "Województwo", "Kraj", "NIP", "REGON", "WWW", "Źródło", "Status", "Data dodania", "Uwagi"}
	fmt.Fprint(w, strings.Join(header, ";"), "\r\n")
	for i := range readerBenchRows {
		first, last, city := benchFirst[i%8], benchLast[(i/8)%8], benchCity[(i/64)%8]
		company := fmt.Sprintf("%s i Wspólnicy sp. z o.o.", last)
		if i%10 == 0 {
			company = fmt.Sprintf("\"Firma \"\"%s\"\" sp. j.\"", last) // quoted, doubled quotes
		}
		street := fmt.Sprintf("ul. Długa %d", i%200+1)
		if i%3 == 0 {
			street = fmt.Sprintf("\"ul. Długa %d; m. %d\"", i%200+1, i%40+1) // the delimiter inside
		}
		note := ""
		switch i % 50 {
		case 0:
			note = "\"dzwonić po 16\r\nnie w piątki\""
		case 1, 2, 3:
			note = "stały klient"
		}
		line := fmt.Sprintf("%d;%s;%s;%s;Kierownik sprzedaży;%s.%s%d@example.pl;+48 600 %03d %03d;;%s;%02d-%03d;%s;łódzkie;Polska;%010d;%09d;https://www.example%d.pl;Targi 2025;Aktywny;2025-%02d-%02d;%s",
			i+1, company, first, last, strings.ToLower(first), strings.ToLower(last), i,
			i%1000, (i/1000)%1000, street, i%100, i%1000, city, 5250000000+i, 100000000+i, i%500, i%12+1, i%28+1, note)
		if quoteAll {
			cells := strings.Split(line, ";") // no quoted cell above holds a ";" when split this way…
			var q strings.Builder
			for j := 0; j < len(cells); j++ {
				c := cells[j]
				if strings.HasPrefix(c, `"`) && !strings.HasSuffix(c, `"`) { // …except the street: join it again
					c += ";" + cells[j+1]
					j++
				}
				if j > 0 {
					q.WriteByte(';')
				}
				if !strings.HasPrefix(c, `"`) {
					q.WriteByte('"')
					q.WriteString(c)
					q.WriteByte('"')
				} else {
					q.WriteString(c)
				}
			}
			line = q.String()
		}
		fmt.Fprint(w, line, "\r\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// readerBenchKinds are the files read: cells quoted where Excel quotes
// them, and every cell quoted.
var readerBenchKinds = []struct {
	name     string
	quoteAll bool
}{{"excel", false}, {"quoted", true}}

// countRecords opens the file at path, reads it with the reader start
// makes of it (a function returning each record's error) and returns the
// number of records.
func countRecords(b *testing.B, path string, start func(io.Reader) func() error) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	next := start(f)
	n := 0
	for {
		err := next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// readAllRecordReader reads the file at path with recordReader.
func readAllRecordReader(b *testing.B, path string) int {
	return countRecords(b, path, func(f io.Reader) func() error {
		rr := newRecordReader(f)
		rr.setComma(';')
		return func() error { _, err := rr.read(); return err }
	})
}

// readAllEncodingCSV reads the file at path with encoding/csv (LazyQuotes,
// as recordReader reads; ReuseRecord).
func readAllEncodingCSV(b *testing.B, path string) int {
	return countRecords(b, path, func(f io.Reader) func() error {
		r := csv.NewReader(f)
		r.Comma, r.LazyQuotes, r.ReuseRecord, r.FieldsPerRecord = ';', true, true, -1
		return func() error { _, err := r.Read(); return err }
	})
}

// benchReader runs read over each file.
func benchReader(b *testing.B, read func(*testing.B, string) int) {
	for _, k := range readerBenchKinds {
		b.Run(k.name, func(b *testing.B) {
			path, size := readerBenchFile(b, k.quoteAll)
			b.SetBytes(size)
			for b.Loop() {
				if n := read(b, path); n != readerBenchRows+1 {
					b.Fatalf("read %d records", n)
				}
			}
		})
	}
}

// BenchmarkReaderFile reads each file with recordReader.
func BenchmarkReaderFile(b *testing.B) { benchReader(b, readAllRecordReader) }

// BenchmarkReaderFileEncodingCSV reads the same files with encoding/csv.
func BenchmarkReaderFileEncodingCSV(b *testing.B) { benchReader(b, readAllEncodingCSV) }

// BenchmarkReaderFileRatio reads each file with both readers in turn, each
// iteration, and reports recordReader's time over encoding/csv's
// ("ours/csv", the median of the iterations' ratios): on a shared machine whose speed drifts, the ratio of runs
// side by side holds where two separate benchmarks' times do not.
func BenchmarkReaderFileRatio(b *testing.B) {
	for _, k := range readerBenchKinds {
		b.Run(k.name, func(b *testing.B) {
			path, size := readerBenchFile(b, k.quoteAll)
			b.SetBytes(2 * size)
			var ratios []float64
			for i := 0; b.Loop(); i++ {
				// Alternate which goes first, so neither always gets the warm cache.
				var ours, theirs time.Duration
				for j := range 2 {
					start := time.Now()
					if (i+j)%2 == 0 {
						readAllRecordReader(b, path)
						ours = time.Since(start)
					} else {
						readAllEncodingCSV(b, path)
						theirs = time.Since(start)
					}
				}
				ratios = append(ratios, float64(ours)/float64(theirs))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "ours/csv")
		})
	}
}
