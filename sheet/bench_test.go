package sheet_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/sheet"
)

const (
	benchCSVRows  = 1_000_000
	benchXLSXRows = 100_000
	benchCols     = 20
)

var (
	benchDir     string
	benchDirOnce sync.Once
	benchFiles   sync.Map // name → path
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		_ = os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchValue is the j-th cell of row i: names, cities, postcodes, numbers.
func benchValue(i, j int) string {
	switch j % 5 {
	case 0:
		return "Kowalski " + strconv.Itoa(i)
	case 1:
		return "Łódź"
	case 2:
		return "00-" + strconv.Itoa(100+i%900)
	case 3:
		return strconv.Itoa(i * j)
	}
	return "jan.kowalski" + strconv.Itoa(i) + "@example.pl"
}

// benchFile creates a test file once per process, shared by benchmarks.
func benchFile(b *testing.B, name string, write func(path string) error) string {
	b.Helper()
	benchDirOnce.Do(func() {
		var err error
		if benchDir, err = os.MkdirTemp("", "sheet-bench-"); err != nil {
			b.Fatal(err)
		}
	})
	if p, ok := benchFiles.Load(name); ok {
		return p.(string)
	}
	path := filepath.Join(benchDir, name)
	if err := write(path); err != nil {
		b.Fatal(err)
	}
	benchFiles.Store(name, path)
	return path
}

func benchCSVFile(b *testing.B) string {
	return benchFile(b, "big.csv", func(path string) error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		w := csv.NewWriter(bufio.NewWriter(f))
		rec := make([]string, benchCols)
		for j := range rec {
			rec[j] = "Column " + strconv.Itoa(j)
		}
		_ = w.Write(rec)
		for i := range benchCSVRows {
			for j := range rec {
				rec[j] = benchValue(i, j)
			}
			_ = w.Write(rec)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		return f.Close()
	})
}

func benchXLSXFile(b *testing.B) string {
	if p := os.Getenv("CRMPORT_BENCH_XLSX"); p != "" {
		return p // e.g. a workbook written by xlsxwriter (bench/file_side.sh)
	}
	return benchFile(b, "big.xlsx", func(path string) error {
		return writeRows(path, benchXLSXRows, sheet.Options{})
	})
}

func writeRows(path string, n int, opt sheet.Options) error {
	s, err := sheet.Create(path, opt)
	if err != nil {
		return err
	}
	cols := make([]sheet.Column, benchCols)
	for j := range cols {
		cols[j] = sheet.Column{Name: "Column " + strconv.Itoa(j)}
	}
	if err := s.WriteHeader(cols); err != nil {
		return err
	}
	row := make([]any, benchCols)
	for i := range n {
		for j := range row {
			if j%5 == 3 {
				row[j] = i * j
			} else {
				row[j] = benchValue(i, j)
			}
		}
		if err := s.WriteRow(row); err != nil {
			return err
		}
	}
	return s.Close()
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkCSVSource reads 1,000,000 rows × 20 columns through sheet.Open.
func BenchmarkCSVSource(b *testing.B) {
	path := benchCSVFile(b)
	b.ResetTimer()
	for b.Loop() {
		src, err := sheet.Open(context.Background(), path, sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = src.Close()
		if n != benchCSVRows {
			b.Fatalf("read %d rows", n)
		}
	}
	reportRows(b, benchCSVRows)
}

// BenchmarkBareCSV reads the same file with encoding/csv alone.
func BenchmarkBareCSV(b *testing.B) {
	path := benchCSVFile(b)
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(f)
		n := 0
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = f.Close()
		if n != benchCSVRows+1 {
			b.Fatalf("read %d rows", n)
		}
	}
	reportRows(b, benchCSVRows)
}

// BenchmarkXLSXSource reads 100,000 rows × 20 columns through sheet.Open.
func BenchmarkXLSXSource(b *testing.B) {
	path := benchXLSXFile(b)
	b.ResetTimer()
	for b.Loop() {
		src, err := sheet.Open(context.Background(), path, sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = src.Close()
		if n != benchXLSXRows {
			b.Fatalf("read %d rows", n)
		}
	}
	reportRows(b, benchXLSXRows)
}

func bareExcelize(b *testing.B, opts ...excelize.Options) {
	path := benchXLSXFile(b)
	b.ResetTimer()
	for b.Loop() {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(opts...); err != nil {
				b.Fatal(err)
			}
			n++
		}
		_ = rows.Close()
		_ = f.Close()
		if n != benchXLSXRows+1 {
			b.Fatalf("read %d rows", n)
		}
	}
	reportRows(b, benchXLSXRows)
}

// BenchmarkBareExcelizeRows reads the same XLSX with excelize Rows alone.
func BenchmarkBareExcelizeRows(b *testing.B) { bareExcelize(b) }

// BenchmarkBareExcelizeRowsRaw is excelize Rows with raw cell values.
func BenchmarkBareExcelizeRowsRaw(b *testing.B) {
	bareExcelize(b, excelize.Options{RawCellValue: true})
}

// BenchmarkCSVSink writes 100,000 rows × 20 columns of CSV.
func BenchmarkCSVSink(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		if err := writeRows(filepath.Join(dir, "out.csv"), benchXLSXRows, sheet.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, benchXLSXRows)
}

// BenchmarkXLSXSink writes 100,000 rows × 20 columns of XLSX.
func BenchmarkXLSXSink(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		if err := writeRows(filepath.Join(dir, "out.xlsx"), benchXLSXRows, sheet.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, benchXLSXRows)
}

// BenchmarkXLSXSinkMarked writes an error workbook of 10,000 rows, each
// with one marked cell: the first sheet.MaxNotes get a comment, which
// excelize holds in memory until the workbook is written (held-MiB is
// the heap they take just before Close writes the workbook).
func BenchmarkXLSXSinkMarked(b *testing.B) {
	const rows = 10000
	path := filepath.Join(b.TempDir(), "errors.xlsx")
	var grown float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := sheet.Create(path, sheet.Options{Sheet: "Kontakty"})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.WriteHeader([]sheet.Column{{Name: "Firma"}, {Name: "E-mail"}, {Name: "crmport_error"}}); err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			if err := s.WriteRow([]any{fmt.Sprintf("Firma %d", i), sheet.Marked{Value: fmt.Sprintf("jan%d@", i), Note: "not an e-mail address"},
				`column "E-mail": "jan@" is not an e-mail address`}); err != nil {
				b.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		grown = max(grown, float64(after.HeapAlloc)-float64(before.HeapAlloc))
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(grown/(1<<20), "held-MiB")
	b.ReportAllocs()
	reportRows(b, rows)
}
