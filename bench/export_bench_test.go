//go:build bench

package bench_test

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	export "github.com/crmport/crmport/bench/export"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/sheet"
)

// envN lists the client counts the export benchmarks run, comma-separated
// (default 100000).
const envN = "CRMPORT_BENCH_EXPORT_N"

// envURL, if set, is the root of a sandbox already serving the clients in
// another process (bench/export/smserve, seeded with the one size in
// CRMPORT_BENCH_EXPORT_N): the benchmark and its profiles then hold only
// the export side.
const envURL = "CRMPORT_BENCH_EXPORT_URL"

// seeded keeps one seeded sandbox between benchmarks of the same size:
// seeding 1,000,000 clients takes longer than exporting them.
var seeded struct {
	n   int
	sb  *sandbox.Sandbox
	dur time.Duration
}

func sandboxWith(tb testing.TB, n int) *sandbox.Sandbox {
	tb.Helper()
	if seeded.sb != nil && seeded.n == n {
		return seeded.sb
	}
	if seeded.sb != nil {
		require.NoError(tb, seeded.sb.Close())
		seeded.sb = nil
		runtime.GC()
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{})
	require.NoError(tb, err)
	start := time.Now()
	export.Seed(sb.Fakes()[sandbox.SalesMan], n)
	seeded.n, seeded.sb, seeded.dur = n, sb, time.Since(start)
	runtime.GC()
	return sb
}

func sizes(tb testing.TB) []int {
	raw := os.Getenv(envN)
	if raw == "" {
		return []int{100000}
	}
	var out []int
	for _, s := range strings.Split(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		require.NoError(tb, err, "%s=%q: give client counts such as 100000,1000000", envN, raw)
		require.Positive(tb, n)
		out = append(out, n)
	}
	return out
}

func BenchmarkExportXLSX(b *testing.B) { benchExport(b, "xlsx") }

func BenchmarkExportCSV(b *testing.B) { benchExport(b, "csv") }

func benchExport(b *testing.B, format string) {
	for _, n := range sizes(b) {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			url := os.Getenv(envURL)
			if url == "" {
				url = sandboxWith(b, n).URL()
			}
			path := filepath.Join(b.TempDir(), "clients."+format)
			b.ResetTimer()
			for b.Loop() {
				runtime.GC()
				before := export.HeapNow()
				peak := export.StartHeapPeak(2 * time.Millisecond)
				start, cpu := time.Now(), export.CPUTime()
				sum, err := export.Export(b.Context(), url+"/salesman", path, sheet.Options{})
				elapsed, cpu := time.Since(start), export.CPUTime()-cpu
				top := peak.Stop()
				require.NoError(b, err)
				require.Equal(b, n, sum.Rows)
				b.ReportMetric(elapsed.Seconds(), "wall-s")
				if cpu > 0 {
					b.ReportMetric(cpu.Seconds(), "cpu-s")
				}
				if seeded.sb != nil {
					b.ReportMetric(seeded.dur.Seconds(), "seed-s")
				}
				b.ReportMetric(float64(n)/elapsed.Seconds(), "clients/s")
				b.ReportMetric(float64(top.Live-min(top.Live, before.Live))/(1<<20), "export-live-MiB")
				b.ReportMetric(float64(top.Objects-min(top.Objects, before.Objects))/(1<<20), "export-heap-MiB")
				b.ReportMetric(float64(before.Live)/(1<<20), "store-heap-MiB")
				if rss := export.PeakRSS(); rss > 0 {
					b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
				}
				if st, err := os.Stat(path); err == nil {
					b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
				}
			}
		})
	}
}

// BenchmarkStreamWriter is the baseline: excelize's StreamWriter
// alone writing 100,000 rows of 20 columns (strings, numbers and a date,
// like an exported client) to a file. "buffered" saves as excelize does by
// default (File.Write builds the whole zip in a bytes.Buffer first);
// "direct" hands excelize an archive/zip writer on the file
// (File.SetZipWriter), which keeps the finished workbook out of memory.
func BenchmarkStreamWriter(b *testing.B) {
	const rows, cols = 100000, 20
	pool := export.Pool()
	recs := export.Records(pool, 0, 1000)
	keys := make([]string, 0, len(recs[0]))
	for k := range recs[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = keys[:cols-2]
	created := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	for _, mode := range []string{"buffered", "direct"} {
		b.Run(mode, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bare.xlsx")
			for b.Loop() {
				runtime.GC()
				before := export.HeapNow()
				peak := export.StartHeapPeak(2 * time.Millisecond)
				start, cpu := time.Now(), export.CPUTime()
				out, err := os.Create(path)
				require.NoError(b, err)
				f := excelize.NewFile()
				if mode == "direct" {
					f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
				}
				sw, err := f.NewStreamWriter("Sheet1")
				require.NoError(b, err)
				row := make([]any, cols)
				for i := range rows {
					rec := recs[i%len(recs)]
					row[0] = int64(i + 1)
					row[1] = created
					for j, k := range keys {
						row[j+2] = rec[k]
					}
					cell, _ := excelize.CoordinatesToCellName(1, i+1)
					require.NoError(b, sw.SetRow(cell, row))
				}
				require.NoError(b, sw.Flush())
				require.NoError(b, f.Write(out))
				require.NoError(b, f.Close())
				require.NoError(b, out.Close())
				elapsed, cpu := time.Since(start), export.CPUTime()-cpu
				top := peak.Stop()
				b.ReportMetric(elapsed.Seconds(), "wall-s")
				if cpu > 0 {
					b.ReportMetric(cpu.Seconds(), "cpu-s")
				}
				b.ReportMetric(float64(top.Objects-min(top.Objects, before.Objects))/(1<<20), "heap-MiB")
				check, err := excelize.OpenFile(path)
				require.NoError(b, err, "the %s workbook opens", mode)
				last, err := check.GetCellValue("Sheet1", fmt.Sprintf("A%d", rows))
				require.NoError(b, err)
				require.Equal(b, strconv.Itoa(rows), last)
				require.NoError(b, check.Close())
			}
		})
	}
}

// TestExportSmall runs the benchmark's export path on a few pages and reads
// the files back: every client once, ids and requisites as text.
func TestExportSmall(t *testing.T) {
	const n = 450 // three SalesMan pages of 200
	sb, err := sandbox.Start(t.Context(), sandbox.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	export.Seed(sb.Fakes()[sandbox.SalesMan], n)

	tests := []struct {
		name string
		file string
		read func(t *testing.T, path string) [][]string
	}{
		{name: "xlsx", file: "clients.xlsx", read: readXLSX},
		{name: "csv", file: "clients.csv", read: readCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			sum, err := export.Export(t.Context(), sb.URL()+"/salesman", path, sheet.Options{})
			require.NoError(t, err)
			assert.Equal(t, n, sum.Rows)
			assert.Equal(t, 3, sum.Pages)

			rows := tt.read(t, path)
			require.Len(t, rows, n+1, "header + one row per client")
			col := func(name string) int {
				i := slices.Index(rows[0], name)
				require.GreaterOrEqual(t, i, 0, "column %s in %v", name, rows[0])
				return i
			}
			clid, uid, rs, title := col("clid"), col("uid"), col("recv.castBankRs"), col("title")
			seen := map[string]bool{}
			uids := map[string]bool{}
			for _, r := range rows[1:] {
				assert.False(t, seen[r[clid]], "clid %s twice", r[clid])
				seen[r[clid]] = true
				uids[r[uid]] = true
				assert.Len(t, r[rs], 20, "account number kept as 20 digits: %q", r[rs])
				assert.NotEmpty(t, r[title])
			}
			assert.Len(t, seen, n)
			assert.True(t, uids["000000001"], "uid with leading zeros kept as text")
			assert.True(t, uids[fmt.Sprintf("00%07d", n)])
			filled := 0
			for _, v := range rows[1] {
				if v != "" {
					filled++
				}
			}
			assert.GreaterOrEqual(t, filled, 20, "a realistic client fills about 20 columns: %v", rows[1])
		})
	}
}

func readXLSX(t *testing.T, path string) [][]string {
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	for i := range rows[1:] { // pad trailing empty cells
		for len(rows[i+1]) < len(rows[0]) {
			rows[i+1] = append(rows[i+1], "")
		}
	}
	return rows
}

func readCSV(t *testing.T, path string) [][]string {
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	require.NoError(t, err)
	return rows
}
