package mapping

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// benchRows is the number of rows per benchmark iteration.
const benchRows = 10000

// benchCSV builds a 20-column Polish contact CSV of n rows.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	writeBenchCSV(&b, n)
	return b.Bytes()
}

// writeBenchCSV writes benchCSV's rows to w.
func writeBenchCSV(w io.Writer, n int) {
	b := bufio.NewWriterSize(w, 1<<16)
	defer b.Flush()
	b.WriteString("ID;Firma;Imię;Nazwisko;E-mail;Telefon;NIP;Ulica;Kod pocztowy;Miasto;Kraj;Uwagi;Status;Data;Obrót;VIP;Strona;Fax;Region;Źródło\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(b, "K-%d;Firma Żółć %d Sp. z o.o.;Łukasz;Wójcik;Lukasz.Wojcik%d@Firma.pl;+48 601 %03d %03d;525-000-12-34;ul. Piotrkowska %d;90-926;Łódź;Polska;Stały klient;Lead;%02d.%02d.2023;1 234,56;tak;www.firma%d.pl;22 123 45 67;łódzkie;targi\n",
			i, i, i, i%1000, (i/1000)%1000, i%200, 1+i%28, 1+i%12, i)
	}
}

const benchMapping = `vendor: salesman
fields:
  uid: ID
  title: Firma
  mail_url: {column: E-mail, transform: [trim, lower, email]}
  phone: {column: Telefon, transform: [phone], region: PL}
  recv.castInn: {column: NIP, transform: [digits]}
  address: {columns: [Ulica, Kod pocztowy, Miasto], join: ", "}
  des: Uwagi
  tip_cmr: {column: Status, values: {Lead: Потенциальный клиент}, default: Клиент}
  date_create: {column: Data, date: "DD.MM.YYYY"}
  site_url: Strona
  fax: Fax
  territory: Region
  clientpath: Źródło
  type: {value: client}
`

func readAll(tb testing.TB, data []byte) (header []string, rows []sheet.Row) {
	src, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
	require.NoError(tb, err)
	defer src.Close()
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return src.Header(), rows
		}
		require.NoError(tb, err)
		rows = append(rows, r)
	}
}

// BenchmarkSheetRead is the baseline: reading the CSV with the sheet package.
func BenchmarkSheetRead(b *testing.B) {
	data := benchCSV(benchRows)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := src.Next(); err != nil {
				break
			}
		}
		src.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkApply maps the same rows to SalesMan records (14 fields: e-mail
// and phone validation, digits, a join, a values table, a date, a constant).
// Compare its ns/row with BenchmarkSheetRead's: the target is Apply within
// 2× of the bare read. Measured on the shared 2-core machine (best of a few
// runs): 3,479 ns/row, 26 allocs and 1,128 B per row before the work on
// issue 3; 2,074 ns/row, 7 allocs, 1,008 B after, with the read at about
// 1,550 ns/row. What is left is mostly crm.Record itself: a map of 14
// fields is 4 allocations and ~650 bytes.
func BenchmarkApply(b *testing.B) {
	header, rows := readAll(b, benchCSV(benchRows))
	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(b, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rows {
			if _, err := bind.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkApplyTo is BenchmarkApply without the record: the values in
// field order, as a dry run reads them. On the 2-core machine (stop 25):
// 881 ns/row, 2 allocations and 152 B (the row's new text) against
// Apply's 1,760 ns/row, 17 allocations and 992 B.
func BenchmarkApplyTo(b *testing.B) {
	rows, bind := benchBinding(b)
	vals := make([]Value, len(bind.FieldNames()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rows {
			if err := bind.ApplyTo(r, vals); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// benchBinding reads benchRows rows of the benchmark file and binds the
// benchmark mapping to them.
func benchBinding(b *testing.B) ([]sheet.Row, *Binding) {
	header, rows := readAll(b, benchCSV(benchRows))
	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(b, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(b, err)
	return rows, bind
}

// BenchmarkMillionRows is issue 3's acceptance figure: one pass of bare
// sheet CSV reading over a generated 1,000,000-row file (20 columns, ~230
// MB, in a temporary directory) against one pass of reading plus Apply
// with the 14-field SalesMan mapping, streaming as the importer does.
// Apply's share must keep read+apply within 2× of the read. Run it alone:
//
//	go test -run '^$' -bench MillionRows -benchtime=1x ./mapping/
//
// Both wall and process CPU time are reported (cpu-ns/row, where the
// system can tell): on a shared machine the wall time swings with the
// load, the CPU time much less. CRMPORT_BENCH_ROWS overrides the row
// count.
//
// Measured on the shared 2-core machine, 1M rows, one pass each:
//
//	              read      read+apply  ratio   allocs/row  B/row
//	before        4.45 s    12.19 s     2.74×   27          ~2400
//	after         3.69 s     7.85 s     2.13×    8.1         2272   (load ~8)
//	after         2.40 s     4.81 s     2.00×                       (load ~4)
//
// The read alone is 1.1 allocations and 1,264 B per row; Apply adds 7 and
// ~1,000 B, of which the crm.Record map is 4 and ~650 B.
func BenchmarkMillionRows(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("CRMPORT_BENCH_ROWS"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(b, err, "CRMPORT_BENCH_ROWS must be a row count")
	}
	path := filepath.Join(b.TempDir(), "million.csv")
	f, err := os.Create(path)
	require.NoError(b, err)
	writeBenchCSV(f, n)
	require.NoError(b, f.Close())

	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(b, err)
	pass := func(b *testing.B, apply bool) {
		b.Helper()
		file, err := os.Open(path)
		require.NoError(b, err)
		defer file.Close()
		src, err := sheet.NewCSVSource(file, sheet.Options{})
		require.NoError(b, err)
		defer src.Close()
		var bind *Binding
		if apply {
			bind, err = m.Bind(src.Header(), salesmanFields(), ApplyOptions{})
			require.NoError(b, err)
		}
		rows, fields := 0, 0
		for {
			r, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil { // not require: its b.Helper() per row would dwarf what is measured
				b.Fatal(err)
			}
			rows++
			if apply {
				rec, err := bind.Apply(r)
				if err != nil {
					b.Fatal(err)
				}
				fields += len(rec)
			}
		}
		require.Equal(b, n, rows, "rows read")
		if apply {
			require.Equal(b, 14*n, fields, "fields set by Apply")
		}
	}
	for _, tt := range []struct {
		name  string
		apply bool
	}{
		{"read", false},
		{"read+apply", true},
	} {
		b.Run(tt.name, func(b *testing.B) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				pass(b, tt.apply)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			rows := float64(b.N * n)
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/rows, "B/row")
			b.ReportMetric(float64(after.NumGC-before.NumGC)/float64(b.N), "GCs/pass")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
			if c := cpuTime() - cpu; c > 0 {
				b.ReportMetric(float64(c.Nanoseconds())/rows, "cpu-ns/row")
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/pass")
		})
	}
}

// BenchmarkApplyInto is BenchmarkApplyTo with one TextBuffer for all
// rows, as the importer's mapping goroutines use it.
func BenchmarkApplyInto(b *testing.B) {
	rows, bind := benchBinding(b)
	vals := make([]Value, len(bind.FieldNames()))
	var buf TextBuffer
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rows {
			if err := bind.ApplyInto(r, vals, &buf); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}
