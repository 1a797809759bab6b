package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crmport/crmport/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
	"github.com/crmport/crmport/sheet/sheettest"
)

func TestNewImportCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newImportCmd, []flagCase[importOptions]{
		{"defaults", "-m m.yaml c.csv", func(t *testing.T, o *importOptions) {
			assert.Equal(t, "c.csv", o.Input)
			assert.Equal(t, "m.yaml", o.Mapping)
			assert.Equal(t, "create", o.Mode)
			assert.False(t, o.RateSet)
			assert.Equal(t, 5, o.Retries)
			assert.Equal(t, 60*time.Second, o.Timeout)
			assert.Equal(t, importer.MaxErrors{}, o.MaxErrors)
		}, ""},
		{"everything", "--mapping m.yaml --vendor thulium --sheet Klienci --dry-run --mode upsert --batch-size 50 --workers 3 --rate 120/min --retries 2 --timeout 5s --max-errors 5% --report-dir out --restart --sandbox --json -q c.xlsx",
			func(t *testing.T, o *importOptions) {
				assert.Equal(t, "thulium", o.Vendor)
				assert.Equal(t, "Klienci", o.Sheet)
				assert.True(t, o.DryRun && o.Restart && o.Sandbox && o.JSON && o.Quiet)
				assert.Equal(t, "upsert", o.Mode)
				assert.Equal(t, 50, o.BatchSize)
				assert.Equal(t, 3, o.Workers)
				assert.True(t, o.RateSet)
				assert.InDelta(t, 2.0, float64(o.Rate), 1e-9)
				assert.Equal(t, 2, o.Retries)
				assert.Equal(t, 5*time.Second, o.Timeout)
				assert.Equal(t, importer.MaxErrors{Percent: 5}, o.MaxErrors)
				assert.Equal(t, "out", o.ReportDir)
			}, ""},
		{"rate zero is unpaced", "-m m.yaml --rate 0 c.csv", func(t *testing.T, o *importOptions) {
			assert.True(t, o.RateSet)
			assert.Equal(t, rate.Inf, o.Rate)
		}, ""},
		{"max errors count", "-m m.yaml --max-errors 10 c.csv", func(t *testing.T, o *importOptions) {
			assert.Equal(t, importer.MaxErrors{Count: 10}, o.MaxErrors)
		}, ""},
		{"no mapping", "c.csv", nil, "needs a mapping file"},
		{"no file", "-m m.yaml", nil, "exactly one file"},
		{"two files", "-m m.yaml a.csv b.csv", nil, "exactly one file"},
		{"bad mode", "-m m.yaml --mode merge c.csv", nil, "--mode must be create or upsert"},
		{"bad max errors", "-m m.yaml --max-errors lots c.csv", nil, "--max-errors"},
		{"bad rate", "-m m.yaml --rate fast c.csv", nil, "--rate"},
		{"negative workers", "-m m.yaml --workers -1 c.csv", nil, "--workers"},
	})
}

// importRun runs `crmport import args...` in-process against the
// in-process sandbox, returning the exit code, stdout, stderr and the
// sandbox's emulators (still readable after the run).
type importResult struct {
	code   exitCode
	out    string
	errOut string
	fake   crm.Fake
}

func runImportCmd(ctx context.Context, t *testing.T, vendor string, sb sandbox.Options, args ...string) importResult {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := fastFactory(ios, nil)
	var res importResult
	cmd := newImportCmd(f, func(o *importOptions) error {
		o.sandbox = sb
		o.onSandbox = func(s *sandbox.Sandbox) { res.fake = s.Fakes()[vendor] }
		return runImport(ctx, o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(ctx)
	res.code = exitCodeFor(err, errOut, ctx)
	res.out, res.errOut = out.String(), errOut.String()
	return res
}

// importReadCSV reads a UTF-8 (BOM) report.
func importReadCSV(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")), "CSV reports start with a BOM for Excel")
	r := csv.NewReader(bytes.NewReader(data[3:]))
	r.Comma = comma
	r.FieldsPerRecord = -1 // a row with cells past the last header keeps them
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

func importReadXLSX(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	sheettest.CheckDimension(t, path) // pandas.read_excel trusts <dimension>
	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer x.Close()
	rows, err := x.GetRows(sheet)
	require.NoError(t, err)
	return rows
}

func importColumn(rows [][]string, name string) int {
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	return -1
}

func importCopySample(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "samples", name))
	require.NoError(t, err)
	dst := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(dst, data, 0o644))
	return dst
}

func TestImportSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, vendor, mapping, file string
		comma                       rune
		sheet                       string
		created, skipped            int
		badRow                      int
		badText, fixed              string // the planted bad value and its fix
	}{
		{"salesman ru cp1251", "salesman", "salesman.yaml", "klienty-ru-fix-me.csv", ';', "", 23, 0, 6, "kuznetsova@", "kuznetsova@volga.ru"},
		{"thulium pl cp1250", "thulium", "thulium.yaml", "klienci-pl.csv", ';', "", 22, 1, 7, "jan@", "jan@apteka.pl"},
		{"thulium xlsx", "thulium", "thulium-xlsx.yaml", "klienci.xlsx", 0, "Klienci", 8, 1, 9, "jan@", ""},
		{"baselinker en", "baselinker", "baselinker.yaml", "contacts-en.csv", ',', "", 23, 0, 9, "emily.davis@", "emily.davis@evergreen.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := importCopySample(t, tt.file)
			mp := filepath.Join("..", "..", "samples", tt.mapping)
			r := runImportCmd(t.Context(), t, tt.vendor, sandbox.Options{}, "--sandbox", "--rate", "0", "--json", "-m", mp, in)
			require.Equal(t, exitRowsFailed, r.code, r.errOut)
			var js map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.out), &js), r.out)
			assert.Len(t, js, 9)
			assert.EqualValues(t, tt.created, js["created"])
			assert.EqualValues(t, 1, js["failed"])
			assert.EqualValues(t, tt.skipped, js["skipped"])
			assert.Contains(t, r.errOut, "created")
			assert.Contains(t, r.errOut, "Fix the 1 row in ")
			require.NotNil(t, r.fake)
			assert.Len(t, r.fake.Records(), tt.created, "every good row exactly once in the CRM")

			reports := js["reports"].(map[string]any)
			errPath, donePath := reports["errors"].(string), reports["done"].(string)
			var errRows, doneRows [][]string
			if tt.sheet != "" {
				errRows, doneRows = importReadXLSX(t, errPath, tt.sheet), importReadXLSX(t, donePath, tt.sheet)
			} else {
				errRows, doneRows = importReadCSV(t, errPath, tt.comma), importReadCSV(t, donePath, tt.comma)
			}
			require.Len(t, errRows, 2)
			require.Len(t, doneRows, tt.created+1)
			rc := importColumn(errRows, importer.ColRow)
			require.Positive(t, rc)
			assert.Equal(t, importer.ColError, errRows[0][rc+1])
			assert.Equal(t, []string{importer.ColRow, importer.ColStatus, importer.ColID}, doneRows[0][:3])
			if tt.badRow > 0 {
				assert.Equal(t, strconv.Itoa(tt.badRow), errRows[1][rc])
				assert.Contains(t, errRows[1][rc+1], tt.badText)
			}
			for _, d := range doneRows[1:] {
				assert.Equal(t, "created", d[1])
				assert.NotEmpty(t, d[2])
			}
			if tt.fixed == "" {
				return
			}
			// Fix the bad cell in the error report as a person would in Excel, and import it again.
			data, err := os.ReadFile(errPath)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(errPath, bytes.Replace(data, []byte(tt.badText+string(tt.comma)), []byte(tt.fixed+string(tt.comma)), 1), 0o644))
			r2 := runImportCmd(t.Context(), t, tt.vendor, sandbox.Options{}, "--sandbox", "--rate", "0", "--json", "-m", mp, errPath)
			require.Equal(t, exitOK, r2.code, r2.errOut)
			assert.Contains(t, r2.out, `"created":1,`)
			recs := r2.fake.Records()
			require.Len(t, recs, 1)
			assert.Contains(t, fmt.Sprint(recs[0]), tt.fixed)
			assert.NotContains(t, fmt.Sprint(recs[0]), "crmport_", "report columns are not imported")
		})
	}
}

func TestImportErrorReportOfCp1250ReadsAsUTF8(t *testing.T) {
	t.Parallel()
	// The error report of a cp1250 file is UTF-8; a mapping naming
	// windows-1250 must still read it as UTF-8 (the BOM decides).
	in := importCopySample(t, "klienci-pl.csv")
	dir := filepath.Dir(in)
	mp := filepath.Join(dir, "m.yaml")
	src, err := os.ReadFile(filepath.Join("..", "..", "samples", "thulium.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(mp, bytes.Replace(src, []byte("encoding: auto"), []byte("encoding: windows-1250"), 1), 0o644))
	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	errPath := filepath.Join(dir, "klienci-pl.csv.thulium.errors.csv")
	r2 := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, errPath)
	require.Equal(t, exitRowsFailed, r2.code, r2.errOut)
	assert.Contains(t, r2.errOut, "read as utf-8")
	rows := importReadCSV(t, filepath.Join(dir, "klienci-pl.csv.thulium.errors.csv.thulium.errors.csv"), ';')
	require.Len(t, rows, 2)
	assert.Equal(t, "Apteka Pod Orłem", rows[1][0], "no mojibake")
	assert.Equal(t, "2", rows[1][importColumn(rows, importer.ColRow)])
}

func TestImportDryRun(t *testing.T) {
	t.Parallel()
	in := importCopySample(t, "klienty-ru-fix-me.csv")
	// The error report of an earlier real run is never replaced by a dry
	// run's findings.
	realErrors := filepath.Join(filepath.Dir(in), "klienty-ru-fix-me.csv.salesman.errors.csv")
	require.NoError(t, os.WriteFile(realErrors, []byte("from the real run\n"), 0o644))
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--dry-run", "--json", "-m", filepath.Join("..", "..", "samples", "salesman.yaml"), in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	assert.Contains(t, r.errOut, "23 would be created, 1 would fail")
	assert.Contains(t, r.errOut, "nothing was sent")
	assert.Empty(t, r.fake.Records())
	assert.Contains(t, r.out, `"journal":""`)
	assert.NoFileExists(t, filepath.Join(filepath.Dir(in), "klienty-ru-fix-me.csv.salesman.journal"))
	errPath := filepath.Join(filepath.Dir(in), "klienty-ru-fix-me.csv.salesman.dry-run.errors.csv")
	assert.FileExists(t, errPath)
	kept, err := os.ReadFile(realErrors)
	require.NoError(t, err)
	assert.Equal(t, "from the real run\n", string(kept))
	mp := filepath.Join("..", "..", "samples", "salesman.yaml")
	assert.Contains(t, r.errOut, "Fix the 1 row listed in "+errPath+" (the reason is in the column crmport_error) in the original file "+in+", then run the same command without --dry-run:\n  crmport import -m "+mp+" --sandbox "+in+"\n")
	assert.NotContains(t, r.errOut, "import -m "+mp+" --sandbox "+errPath, "after a dry run importing only the errors would leave out the good rows")
}

// importWriteContacts writes n distinct SalesMan-style rows (title, phone,
// e-mail) as a UTF-8 ";" CSV and a mapping for it.
func importWriteContacts(t *testing.T, dir string, n int) (input, mapping string) {
	t.Helper()
	input = filepath.Join(dir, "kontakty.csv")
	importWriteContactRows(t, input, 1, n)
	mapping = filepath.Join(dir, "kontakty.yaml")
	require.NoError(t, os.WriteFile(mapping, []byte("vendor: salesman\nsource:\n  delimiter: \";\"\nfields:\n  title: Firma\n  phone: Telefon\n  mail_url: {column: E-mail, transform: [email]}\n"), 0o644))
	return input, mapping
}

// importWriteContactRows writes the contacts first..last ("Firma Testowa
// 0001", …) as a ";" CSV file at path.
func importWriteContactRows(t *testing.T, path string, first, last int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("Firma;Telefon;E-mail\n")
	for i := first; i <= last; i++ {
		fmt.Fprintf(&b, "Firma Testowa %04d;+48 600 %03d %03d;biuro%04d@firma.pl\n", i, i/1000, i%1000, i)
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

// importTitles counts the store's records by title.
func importTitles(t *testing.T, fake crm.Fake) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range fake.Records() {
		out[fmt.Sprint(r["title"])]++
	}
	return out
}

func importAssertEachOnce(t *testing.T, fake crm.Fake, n int) {
	t.Helper()
	got := importTitles(t, fake)
	assert.Len(t, got, n)
	for i := 1; i <= n; i++ {
		assert.Equal(t, 1, got[fmt.Sprintf("Firma Testowa %04d", i)], "row %d", i+1)
	}
}

func TestImportUnderFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor string
		rows   int
		args   []string
	}{
		{"salesman", 300, []string{"--batch-size", "20", "--workers", "4"}},
		{"thulium", 60, nil},
		{"baselinker", 60, nil},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel() // mostly waiting out back-off
			dir := t.TempDir()
			in, mp := importWriteContacts(t, dir, tt.rows)
			if tt.vendor != "salesman" {
				m := map[string]string{
					"thulium":    "vendor: thulium\nsource:\n  delimiter: \";\"\nfields:\n  surname: Firma\n  phone_number: Telefon\n  email: {column: E-mail, transform: [email]}\n",
					"baselinker": "vendor: baselinker\nsource:\n  delimiter: \";\"\nfields:\n  invoice_company: Firma\n  phone: Telefon\n  email: {column: E-mail, transform: [email]}\n",
				}[tt.vendor]
				require.NoError(t, os.WriteFile(mp, []byte(m), 0o644))
			}
			args := append([]string{"--sandbox", "--rate", "0", "--retries", "12", "--json", "-m", mp, in}, tt.args...)
			r := runImportCmd(t.Context(), t, tt.vendor, sandbox.Options{Faults: 0.2, FaultSeed: 7}, args...)
			require.Equal(t, exitOK, r.code, r.errOut)
			assert.Contains(t, r.out, fmt.Sprintf(`"rows":%d,`, tt.rows))
			assert.Contains(t, r.out, `"failed":0,`)
			key := map[string]string{"salesman": "title", "thulium": "surname", "baselinker": "invoice_company"}[tt.vendor]
			seen := map[string]int{}
			for _, rec := range r.fake.Records() {
				seen[fmt.Sprint(rec[key])]++
			}
			assert.Len(t, seen, tt.rows, "every row in the CRM")
			for k, n := range seen {
				assert.Equal(t, 1, n, "%s stored %d times", k, n)
			}
			sent := 0
			for _, q := range r.fake.Requests() {
				if q.Fault != "" {
					sent++
				}
			}
			assert.Positive(t, sent, "faults were injected")
		})
	}
}

func TestImportInterruptedThenResumed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 300)
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Latency: 5 * time.Millisecond})
	require.NoError(t, err)
	defer sb.Close()
	fake := sb.Fakes()["salesman"]
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	run := func(ctx context.Context) (exitCode, string) {
		ios, _, _, errOut := iostreams.Test()
		f := fastFactory(ios, env)
		code := run(ctx, f, []string{"import", "--rate", "0", "--batch-size", "10", "--workers", "2", "-m", mp, in})
		return code, errOut.String()
	}
	ctx, cancel := context.WithCancel(t.Context())
	var once sync.Once
	go func() {
		for ctx.Err() == nil {
			if fake.Len() >= 60 {
				once.Do(cancel) // Ctrl-C
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	code, errOut := run(ctx)
	cancel()
	require.Equal(t, exitInterrupted, code, errOut)
	assert.Contains(t, errOut, "rows read but not processed, and the rest of the file was not read (the import was interrupted): run the same command again to continue — rows already done are skipped\n")
	journal := filepath.Join(dir, "kontakty.csv.salesman.journal")
	require.FileExists(t, journal)
	require.Less(t, fake.Len(), 300)

	code, errOut = run(t.Context())
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "already done by an earlier run")
	importAssertEachOnce(t, fake, 300)
	done := importReadCSV(t, filepath.Join(dir, "kontakty.csv.salesman.done.csv"), ';')
	require.Len(t, done, 301, "the done report covers the whole file")
	for i, d := range done[1:] {
		assert.Equal(t, strconv.Itoa(i+2), d[0])
	}
}

// TestImportHelperProcess is the child of TestImportKilledAndResumed: it
// runs `crmport import` with the arguments in CRMPORT_TEST_IMPORT_ARGS.
func TestImportHelperProcess(t *testing.T) {
	args := os.Getenv("CRMPORT_TEST_IMPORT_ARGS")
	if args == "" {
		t.Skip("only run as a child process")
	}
	f := &factory{IOStreams: iostreams.System(), Getenv: os.Getenv, Now: time.Now}
	os.Exit(int(run(context.Background(), f, strings.Split(args, "\x1f"))))
}

// syncBuffer is a buffer written by another goroutine while the test reads.
type syncBuffer = testkit.SyncBuffer

// startCrmport starts `crmport args...` as a child process (this test
// binary run as TestImportHelperProcess) with the CRMPORT_* variables in
// env, collecting its stderr.
func startCrmport(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestImportHelperProcess$")
	cmd.Env = append(append(os.Environ(), env...), "CRMPORT_TEST_IMPORT_ARGS="+strings.Join(args, "\x1f"))
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // a test that failed half-way leaves no child behind
	return cmd, &stderr
}

func TestImportKilledAndResumed(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 400)
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Latency: 10 * time.Millisecond})
	require.NoError(t, err)
	defer sb.Close()
	fake := sb.Fakes()["salesman"]

	args := []string{"import", "--rate", "0", "--batch-size", "10", "--workers", "2", "-m", mp, in}
	cmd, stderr := startCrmport(t, sb.Env(), args...)
	deadline := time.Now().Add(20 * time.Second)
	for fake.Len() < 100 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	before := fake.Len()
	require.GreaterOrEqual(t, before, 100, stderr.String())
	require.Less(t, before, 400, "killed mid-run")
	journal, err := os.ReadFile(filepath.Join(dir, "kontakty.csv.salesman.journal"))
	require.NoError(t, err)
	assert.Contains(t, string(journal), `"inflight"`)
	// The killed run's lock file and its holder's description are left
	// behind; they do not stop the next run (the OS lock died with it).
	require.FileExists(t, filepath.Join(dir, "kontakty.csv.salesman.lock"))
	require.FileExists(t, filepath.Join(dir, "kontakty.csv.salesman.lock.info"))

	ios, _, out, errOut := iostreams.Test()
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	f := fastFactory(ios, env)
	code := run(t.Context(), f, append(args[:len(args)-1:len(args)-1], "--json", in))
	require.Equal(t, exitOK, code, errOut.String())
	importAssertEachOnce(t, fake, 400)
	var js map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &js))
	assert.EqualValues(t, 400, js["rows"])
	assert.EqualValues(t, 400, js["created"])
	done := importReadCSV(t, filepath.Join(dir, "kontakty.csv.salesman.done.csv"), ';')
	require.Len(t, done, 401, "the done report covers the whole file after the resume")
	assert.NoFileExists(t, filepath.Join(dir, "kontakty.csv.salesman.lock"), "a finished run removes its lock file")
}

func TestImportFatalCredentials(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 5)
	sb, err := sandbox.Start(t.Context(), sandbox.Options{})
	require.NoError(t, err)
	defer sb.Close()
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["CRMPORT_SALESMAN_APIKEY"] = "wrong-secret-key"
	ios, _, _, errOut := iostreams.Test()
	f := fastFactory(ios, env)
	code := run(t.Context(), f, []string{"import", "-m", mp, in})
	assert.Equal(t, exitError, code)
	assert.NotContains(t, errOut.String(), "wrong-secret-key")
	assert.NotEmpty(t, errOut.String())
	assert.Empty(t, sb.Fakes()["salesman"].Records())
}

func TestImportProgressOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tty  bool
		want string
	}{
		{"terminal gets a bar", true, "rows"},
		// 1 s per clock reading: a line every 5 s of the 20 rows, with the
		// total and the time left.
		{"pipe gets lines with the total and time left", false, "SalesMan: 10 of 20 rows done (1 rows/s, about 10s left): 10 ok, 0 failed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, errOut := iostreams.Test()
			ios.SetStderrTTY(tt.tty)
			clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			p := newImportProgress(&importOptions{IO: ios}, func() time.Time { clock = clock.Add(time.Second); return clock })
			p.Event(job.Started{Job: "import", Vendor: "SalesMan", Total: 20})
			for i := range 20 {
				p.Event(job.RowDone{Row: i + 2, Status: crm.StatusCreated})
			}
			p.Event(job.Retrying{Vendor: "SalesMan", Op: "create", Message: "token blocked until 2026-01-01 12:05:00", Wait: 45 * time.Second})
			p.stop()
			assert.Contains(t, errOut.String(), tt.want)
			assert.Contains(t, errOut.String(), "SalesMan: token blocked until 2026-01-01 12:05:00; waiting 45s, then trying again\n")
		})
	}
}

// TestImportProgressReadsTheClockSparinglyWhenRowsAreFast: a dry run
// finishes a million rows a second, and a clock reading a row was 5% of
// it. Fast rows read the clock every 64 rows at most, and the bar still
// counts every row; the log still gets its lines.
func TestImportProgressReadsTheClockSparinglyWhenRowsAreFast(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{true, false} {
		ios, _, _, errOut := iostreams.Test()
		ios.SetStderrTTY(tty)
		clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		reads := 0
		p := newImportProgress(&importOptions{IO: ios}, func() time.Time {
			reads++
			clock = clock.Add(time.Millisecond) // a reading every 64 rows: 64,000 rows/s
			return clock
		})
		const rows = 1_000_000
		p.Event(job.Started{Job: "import", Vendor: "SalesMan", Total: rows})
		for i := range rows {
			p.Event(job.RowDone{Row: i + 2, Status: crm.StatusCreated})
		}
		assert.Less(t, reads, rows/32, "tty=%v: the clock was read %d times for %d rows", tty, reads, rows)
		if tty {
			p.mu.Lock()
			p.moveBar()
			assert.Equal(t, int64(rows), p.bar.State().CurrentNum, "the bar counts every row")
			p.mu.Unlock()
		} else {
			assert.Contains(t, errOut.String(), "SalesMan: ", "the log still gets its lines")
			assert.Contains(t, errOut.String(), " of 1000000 rows done (")
		}
		p.stop()
	}
}

func TestImportDryRunWithoutCredentials(t *testing.T) {
	t.Parallel()
	in := importCopySample(t, "klienty-ru-fix-me.csv")
	f, ios := testFactory()
	code := run(t.Context(), f, []string{"import", "--dry-run", "-m", filepath.Join("..", "..", "samples", "salesman.yaml"), in})
	errOut := ios.ErrOut.(*bytes.Buffer).String()
	assert.Equal(t, exitRowsFailed, code, errOut)
	assert.Contains(t, errOut, "standard fields only")
	assert.Contains(t, errOut, "23 would be created")

	code = run(t.Context(), f, []string{"import", "-m", filepath.Join("..", "..", "samples", "salesman.yaml"), in})
	assert.Equal(t, exitError, code, "a real import needs credentials")
}

func TestImportUpsertRoundTrip(t *testing.T) {
	t.Parallel()
	in := importCopySample(t, "klienci-pl.csv")
	dir := filepath.Dir(in)
	src, err := os.ReadFile(filepath.Join("..", "..", "samples", "thulium.yaml"))
	require.NoError(t, err)
	mp := filepath.Join(dir, "thulium-key.yaml")
	require.NoError(t, os.WriteFile(mp, append(src, []byte("key: email\n")...), 0o644))
	sb, err := sandbox.Start(t.Context(), sandbox.Options{})
	require.NoError(t, err)
	defer sb.Close()
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	importOnce := func(args ...string) (exitCode, map[string]any, string) {
		ios, _, out, errOut := iostreams.Test()
		f := fastFactory(ios, env)
		code := run(t.Context(), f, append([]string{"import", "--rate", "0", "--json", "-m", mp}, args...))
		var js map[string]any
		if out.Len() > 0 {
			require.NoError(t, json.Unmarshal(out.Bytes(), &js))
		}
		return code, js, errOut.String()
	}
	code, js, errOut := importOnce(in)
	require.Equal(t, exitRowsFailed, code, errOut)
	assert.EqualValues(t, 22, js["created"])

	// The same file as an upsert: nothing changed, so nothing is updated.
	code, js, errOut = importOnce("--mode", "upsert", "--restart", in)
	require.Equal(t, exitRowsFailed, code, errOut)
	assert.EqualValues(t, 22, js["unchanged"], errOut)
	assert.EqualValues(t, 0, js["created"])

	// Change one surname: that row is updated, the others unchanged.
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, bytes.Replace(data, []byte(";Mazur;"), []byte(";Mazurek;"), 1), 0o644))
	code, js, errOut = importOnce("--mode", "upsert", "--restart", in)
	require.Equal(t, exitRowsFailed, code, errOut)
	assert.EqualValues(t, 1, js["updated"], errOut)
	assert.EqualValues(t, 21, js["unchanged"])
	assert.Len(t, sb.Fakes()["thulium"].Records(), 22, "an upsert never duplicates")
}

func TestImportMaxErrorsStopsEarly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 200)
	// A mapping that reads the wrong column as the e-mail: every row fails.
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nsource:\n  delimiter: \";\"\nfields:\n  title: Firma\n  mail_url: {column: Telefon, transform: [email]}\n"), 0o644))
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--rate", "0", "--max-errors", "10%", "--json", "-m", mp, in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	assert.Contains(t, r.errOut, "the mapping or the data is probably wrong")
	assert.Contains(t, r.errOut, "row 2, column \"Telefon\"")
	assert.Contains(t, r.errOut, "crmport mapping check -m "+mp+" "+in)
	assert.NotContains(t, r.errOut, "MAPPING")
	assert.Contains(t, r.errOut, "Stopped importing")
	var js map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.out), &js), r.out)
	assert.EqualValues(t, 200, js["rows"], "the rest of the file is counted")
	failed := int(js["failed"].(float64))
	assert.Less(t, failed, 200, "stopped before the end")
	assert.EqualValues(t, 200-failed, js["not_processed"])
	for _, k := range []string{"rows", "created", "updated", "exists", "unchanged", "failed", "skipped", "elapsed_ms", "reports"} {
		assert.Contains(t, js, k, "DESIGN's --json keys stay")
	}
	// The sandbox starts over on every run, so --resume-changed is not
	// offered (TestImportMaxErrorsAdviceResumeChanged covers a real CRM).
	assert.Contains(t, r.errOut, fmt.Sprintf("  %d rows not processed (the import stopped early): fix the mapping or data, then run the same command again\n", 200-failed))
	assert.NotContains(t, r.errOut, "--resume-changed")
	assert.Empty(t, r.fake.Records())
	assert.FileExists(t, filepath.Join(dir, "kontakty.csv.salesman.journal"))

	// The suggested check finds the column that fails on every row.
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "mapping", "check", "-m", mp, in)
	assert.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "mail_url ← Telefon: 200 of 200 rows fail")
}

func TestImportFlagAndFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 2)
	tests := []struct {
		name string
		args []string
		want string
		not  string
	}{
		{"misspelt vendor", []string{"import", "--vendor", "salesmen", "-m", mp, in},
			"crmport: unknown vendor \"salesmen\"; did you mean \"salesman\"? (known: baselinker, salesman, thulium)\nRun 'crmport --help'", "written for"},
		{"misspelt vendor before a missing mapping", []string{"import", "--vendor", "salesmen", "-m", filepath.Join(dir, "none.yaml"), in},
			"crmport: unknown vendor \"salesmen\"", "none.yaml"},
		{"vendor other than the mapping's", []string{"import", "--vendor", "thulium", "-m", mp, in},
			"is written for SalesMan, but --vendor says Thulium", ""},
		{"missing file", []string{"import", "-m", mp, "nonexist.csv"},
			"crmport: nonexist.csv: file not found (check the name and the folder)\n", "stat"},
		{"missing file in a folder", []string{"import", "-m", mp, filepath.Join(dir, "nope.csv")},
			filepath.Join(dir, "nope.csv") + ": file not found", "stat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ios := testFactory()
			code := run(t.Context(), f, tt.args)
			errOut := ios.ErrOut.(*bytes.Buffer).String()
			assert.Equal(t, exitError, code, errOut)
			assert.Contains(t, errOut, tt.want)
			if tt.not != "" {
				assert.NotContains(t, errOut, tt.not)
			}
		})
	}
}

func TestImportRowWithMoreCellsThanHeaders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 8)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	lines[6] += ";EXTRA;MORE;;" // row 7; blank trailing cells are not counted
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644))
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--rate", "0", "--json", "-m", mp, in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	assert.Contains(t, r.out, `"created":7,`)
	assert.Contains(t, r.out, `"failed":1,`)
	assert.Equal(t, 0, importTitles(t, r.fake)["Firma Testowa 0006"], "the row is not sent without its extra cells")
	rows := importReadCSV(t, filepath.Join(dir, "kontakty.csv.salesman.errors.csv"), ';')
	require.Len(t, rows, 2)
	assert.Equal(t, "7", rows[1][importColumn(rows, importer.ColRow)])
	assert.Equal(t, `row 7 has 2 more cells than there are headers ("EXTRA", "MORE"): add headers for them or remove them`,
		rows[1][importColumn(rows, importer.ColError)])
	assert.Equal(t, []string{"EXTRA", "MORE"}, rows[1][len(rows[0]):], "the extra cells are kept in the report, past its columns: no cell is lost")

	// The user removes the extra cells in the report and imports it: the
	// row goes in with every other cell as it was.
	rows[1] = rows[1][:len(rows[0])]
	fixed := filepath.Join(dir, "fixed.csv")
	writeSemicolonCSV(t, fixed, rows)
	r = runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--rate", "0", "--json", "-m", mp, fixed)
	require.Equal(t, exitOK, r.code, r.errOut)
	assert.Equal(t, 1, importTitles(t, r.fake)["Firma Testowa 0006"])
}

// writeSemicolonCSV writes rows as a UTF-8 ';' CSV with a BOM, as Excel
// saves "CSV UTF-8".
func writeSemicolonCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

func TestImportSummaryNamesTheErrorReportAsGiven(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 3)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, bytes.Replace(data, []byte("biuro0002@firma.pl"), []byte("biuro0002@"), 1), 0o644))
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	errPath := filepath.Join(dir, "kontakty.csv.salesman.errors.csv")
	assert.Contains(t, r.errOut, "  errors:  "+errPath+"\n")
	assert.Contains(t, r.errOut, "Fix the 1 row in "+errPath+" (the reason is in the column crmport_error) and run:\n  crmport import -m "+mp+" --sandbox "+errPath+"\n")
}

func TestImportWarnsAboutSwitchedOffFields(t *testing.T) {
	t.Parallel()
	in := importCopySample(t, "klienty-ru-fix-me.csv")
	src, err := os.ReadFile(filepath.Join("..", "..", "samples", "salesman.yaml"))
	require.NoError(t, err)
	mp := filepath.Join(filepath.Dir(in), "with-des.yaml")
	require.NoError(t, os.WriteFile(mp, append(src, []byte("  des: Примечание\n")...), 0o644))
	want := `warning: SalesMan field "des" (Описание) is switched off on this account, so its values would be dropped: switch it on in Панель управления / Формы, or remove it from the mapping` + "\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"import", []string{"--sandbox", "--rate", "0"}, want},
		{"dry run", []string{"--sandbox", "--dry-run"}, want},
		{"dry run without credentials", []string{"--dry-run"}, `warning: SalesMan field "des" (Описание) is switched off on a fresh SalesMan account`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errOut string
			if slicesContains(tt.args, "--sandbox") {
				r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, append(tt.args, "--restart", "-m", mp, in)...)
				require.Equal(t, exitRowsFailed, r.code, r.errOut)
				errOut = r.errOut
			} else {
				f, ios := testFactory()
				code := run(t.Context(), f, append(append([]string{"import"}, tt.args...), "-m", mp, in))
				errOut = ios.ErrOut.(*bytes.Buffer).String()
				require.Equal(t, exitRowsFailed, code, errOut)
			}
			assert.Contains(t, errOut, tt.want)
			assert.Equal(t, 1, strings.Count(errOut, `field "des"`), "once per field, not per row")
			assert.NotContains(t, errOut, `field "title"`, "switched-on fields are not mentioned")
		})
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Off a terminal the progress line says how far (N of total) and how
// long is left; a row beyond the count (a cell with a line break) never
// shows as 101 of 100.
func TestImportProgressLine(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := iostreams.Test()
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	now := start
	p := newImportProgress(&importOptions{IO: ios}, func() time.Time { return now })
	p.Event(job.Started{Job: "import", Vendor: "SalesMan", Total: 100})
	for i := range 50 {
		p.Event(job.RowDone{Row: i + 2, Status: crm.StatusCreated})
	}
	now = start.Add(10 * time.Second)
	assert.Equal(t, "SalesMan: 50 of 100 rows done (5 rows/s, about 10s left): 50 ok, 0 failed", p.line(now))
	for i := range 51 {
		p.Event(job.RowDone{Row: i + 60, Status: crm.StatusFailed})
	}
	assert.Equal(t, "SalesMan: 101 of 101 rows done (10 rows/s): 50 ok, 51 failed", p.line(now))
	p.total = -1
	assert.Equal(t, "SalesMan: 101 rows done (10 rows/s): 50 ok, 51 failed", p.line(now))
}

// Stopped by --max-errors on a real CRM, the advice is to fix the mapping
// and run again with --resume-changed; following it imports every row
// once.
func TestImportMaxErrorsAdviceResumeChanged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 60)
	good, err := os.ReadFile(mp)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nsource:\n  delimiter: \";\"\nfields:\n  title: Firma\n  mail_url: {column: Telefon, transform: [email]}\n"), 0o644))
	sb, env := startEnv(t)
	run := func(args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "--rate", "0", "--max-errors", "10%", "-m", mp, in}, args...)...)
		return code, stderr
	}
	code, stderr := run()
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "then run the same command again with --resume-changed")
	require.NoError(t, os.WriteFile(mp, good, 0o644))
	code, stderr = run("--resume-changed")
	require.Equal(t, exitOK, code, stderr)
	importAssertEachOnce(t, sb.Fakes()["salesman"], 60)
}
