//go:build bench

package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/salesman"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// dataFile returns a generated contacts file of rows rows, cached in the
// temp folder between runs (1M rows take a few seconds to write).
func dataFile(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("crmport-bench-%d.csv", rows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	require.NoError(b, err)
	require.NoError(b, WriteContacts(f, rows))
	require.NoError(b, f.Close())
	require.NoError(b, os.Rename(tmp, path))
	return path
}

// BenchmarkBareCSVRead is the floor for the dry run: encoding/csv reading
// the same file, nothing else.
func BenchmarkBareCSVRead(b *testing.B) {
	path := dataFile(b, 1_000_000)
	for b.Loop() {
		f, err := os.Open(path)
		require.NoError(b, err)
		r := csv.NewReader(f)
		r.Comma = ';'
		n := 0
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
			n++
		}
		f.Close()
		require.Equal(b, 1_000_001, n)
	}
	b.ReportMetric(1_000_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// dryVendor stands in for SalesMan in a dry run (which never calls it).
type dryVendor struct{}

func (dryVendor) Name() string { return "salesman" }
func (dryVendor) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: 1000, DefaultBatch: 100, Workers: 4}
}
func (dryVendor) Fields(context.Context) ([]crm.Field, error) { return salesman.Catalogue(), nil }
func (dryVendor) Create(context.Context, []crm.Record) ([]crm.Result, error) {
	panic("a dry run must not send")
}
func (dryVendor) List(context.Context, crm.ListQuery, string) (crm.Page, error) {
	return crm.Page{}, crm.ErrUnsupported
}

// options builds importer options for path with the bench mapping.
func options(b *testing.B, path string, v crm.Vendor, fields []crm.Field) importer.Options {
	b.Helper()
	m, err := mapping.Load("salesman.yaml", all.Vendors())
	require.NoError(b, err)
	so := m.SheetOptions()
	reg, err := all.Vendors().Lookup(v.Name())
	require.NoError(b, err)
	types := make(map[string]crm.FieldType, len(fields)) // as the job layer passes them
	for _, f := range fields {
		types[f.Name] = f.Type
	}
	return importer.Options{
		FieldTypes:   types,
		DedupeFields: importer.DedupeFieldsFor(reg, types),
		Normalize:    reg.Normalize,
		Input:        path,
		Open: func(ctx context.Context) (sheet.Source, error) {
			return sheet.Open(ctx, path, so)
		},
		Bind: func(h []string) (importer.Binder, error) {
			return m.Bind(h, fields, mapping.ApplyOptions{})
		},
		CreateSink:  sheet.Create,
		MappingFile: "salesman.yaml",
		Vendor:      v,
		Key:         m.Key,
		ReportDir:   b.TempDir(),
		Restart:     true,
	}
}

// BenchmarkDryRun1M maps and validates 1,000,000 rows × 20 columns (target:
// within 2× of BareCSVRead; peak RSS: see dryrun_rss.sh).
func BenchmarkDryRun1M(b *testing.B) {
	path := dataFile(b, 1_000_000)
	opt := options(b, path, dryVendor{}, salesman.Catalogue())
	opt.DryRun = true
	var peak uint64
	for b.Loop() {
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // sample the heap while it runs
			defer wg.Done()
			var ms runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}()
		s, err := importer.Run(b.Context(), opt)
		close(done)
		wg.Wait()
		require.NoError(b, err)
		require.Equal(b, 1_000_000, s.Created)
	}
	b.ReportMetric(1_000_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// sandboxVendor starts the in-process sandbox and returns a client of name.
func sandboxVendor(b *testing.B, name string, opt sandbox.Options) (crm.Vendor, *sandbox.Sandbox) {
	b.Helper()
	sb, err := sandbox.Start(b.Context(), opt)
	require.NoError(b, err)
	b.Cleanup(func() { sb.Close() })
	cfg := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		cfg[k] = v
	}
	reg, err := all.Vendors().Lookup(name)
	require.NoError(b, err)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	v, err := reg.New(cfg, &http.Client{Timeout: time.Minute, Transport: tr})
	require.NoError(b, err)
	return v, sb
}

// BenchmarkSandboxImport100k imports 100,000 rows into the loopback
// SalesMan sandbox, no latency, unpaced, 4 workers, batches of 100
// (target: at least half of BareClient100k).
func BenchmarkSandboxImport100k(b *testing.B) {
	path := dataFile(b, 100_000)
	v, sb := sandboxVendor(b, "salesman", sandbox.Options{})
	fake := sb.Fakes()["salesman"]
	w := retry.Wrap(v, retry.Policy{Rate: rate.Inf})
	opt := options(b, path, w, salesman.Catalogue())
	opt.Workers = 4
	opt.BatchSize = 100
	for b.Loop() {
		fake.Reset()
		s, err := importer.Run(b.Context(), opt)
		require.NoError(b, err)
		require.Equal(b, 100_000, s.Created)
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBareClient100k posts the same add.list batches of 100 with 4
// goroutines and plain net/http: the ceiling for the sandbox import.
func BenchmarkBareClient100k(b *testing.B) {
	path := dataFile(b, 100_000)
	_, sb := sandboxVendor(b, "salesman", sandbox.Options{})
	fake := sb.Fakes()["salesman"]
	url := sb.URL() + "/salesman/developer/v3/client/add.list"
	// Build the request bodies first, as a bare client would hold them.
	f, err := os.Open(path)
	require.NoError(b, err)
	r := csv.NewReader(f)
	r.Comma = ';'
	_, err = r.Read()
	require.NoError(b, err)
	var bodies [][]byte
	batch := make([]map[string]any, 0, 100)
	flush := func() {
		body, err := json.Marshal(map[string]any{"client": batch})
		require.NoError(b, err)
		bodies = append(bodies, body)
		batch = batch[:0]
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(b, err)
		batch = append(batch, map[string]any{"title": rec[0], "phone": rec[4], "mail_url": strings.ToLower(rec[3]),
			"recv": map[string]any{"castInn": rec[5]}, "address": rec[6] + ", " + rec[7] + ", " + rec[8], "fax": rec[18], "site_url": rec[17]})
		if len(batch) == 100 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	f.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	hc := &http.Client{Transport: tr}
	for b.Loop() {
		fake.Reset()
		work := make(chan []byte)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range work {
					req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("login", "sandbox@example.com")
					req.Header.Set("apikey", "sandbox-key")
					resp, err := hc.Do(req)
					if err != nil {
						b.Error(err)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}()
		}
		for _, body := range bodies {
			work <- body
		}
		close(work)
		wg.Wait()
		require.Len(b, fake.Records(), 100_000)
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkBaseLinkerPaced imports 60 rows into the BaseLinker sandbox with
// 50 ms latency per request at --rate 600/min (the sandbox's own limit off):
// the wall time is compared with the floor the pace sets, 59 × 100 ms.
func BenchmarkBaseLinkerPaced(b *testing.B) {
	const rows = 60
	path := dataFile(b, rows)
	v, sb := sandboxVendor(b, "baselinker", sandbox.Options{Latency: 50 * time.Millisecond})
	fake := sb.Fakes()["baselinker"]
	w := retry.Wrap(v, retry.Policy{Rate: rate.Limit(600.0 / 60), Burst: 1})
	m, err := mapping.Parse("bl.yaml", []byte("vendor: baselinker\nsource:\n  delimiter: \";\"\nfields:\n  invoice_company: Firma\n  email: {column: E-mail, transform: [email]}\n  phone: Telefon\n"), all.Vendors())
	require.NoError(b, err)
	opt := options(b, path, w, nil)
	opt.MappingFile = ""
	opt.Bind = func(h []string) (importer.Binder, error) { return m.Bind(h, nil, mapping.ApplyOptions{}) }
	floor := time.Duration(rows-1) * 100 * time.Millisecond
	var wall time.Duration
	for b.Loop() {
		fake.Reset()
		start := time.Now()
		s, err := importer.Run(b.Context(), opt)
		wall += time.Since(start)
		require.NoError(b, err)
		require.Equal(b, rows, s.Created)
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(100*(wall.Seconds()/float64(b.N)/floor.Seconds()-1), "over-floor-%")
}
