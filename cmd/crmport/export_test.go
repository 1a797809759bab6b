package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/job"
	"github.com/crmport/crmport/sheet/sheettest"
)

// execCrmport runs the real command tree with buffers for streams.
func execCrmport(t *testing.T, f *factory, args ...string) (exitCode, string, string) {
	t.Helper()
	code := run(t.Context(), f, args)
	return code, f.IOStreams.Out.(*bytes.Buffer).String(), f.IOStreams.ErrOut.(*bytes.Buffer).String()
}

// readXLSX reads every row of the first sheet with excelize itself (not
// crmport's sheet package): an independent reader.
func readXLSX(t *testing.T, path string) (*excelize.File, string, [][]string) {
	t.Helper()
	sheettest.CheckDimension(t, path) // pandas.read_excel trusts <dimension>
	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close() })
	name := x.GetSheetName(0)
	rows, err := x.GetRows(name, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	return x, name, rows
}

func column(rows [][]string, name string) int {
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	return -1
}

func TestExportXLSXEveryClientOnce(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"salesman", "thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			f, _ := testFactory()
			out := filepath.Join(t.TempDir(), "klienci.xlsx")
			code, stdout, stderr := execCrmport(t, f, "export", "--vendor", vendor, "--sandbox", "-o", out, "--json")
			require.Equal(t, exitOK, code, stderr)
			var sum exportSummary
			require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
			assert.Equal(t, job.ExportSandboxClients, sum.Rows)
			assert.Greater(t, sum.Pages, 1, "250 clients take several pages")
			assert.Equal(t, out, sum.Output)
			assert.Contains(t, stdout, `{"rows":250,"pages":`, "summary keys in DESIGN.md's order")

			x, sheetName, rows := readXLSX(t, out)
			require.Len(t, rows, job.ExportSandboxClients+1)
			idCol := column(rows, map[string]string{"salesman": "clid", "thulium": "customer_id", "baselinker": "crm_client_id"}[vendor])
			require.GreaterOrEqual(t, idCol, 0, "id column in %v", rows[0])
			seen := map[string]bool{}
			for _, r := range rows[1:] {
				assert.False(t, seen[r[idCol]], "client %s twice", r[idCol])
				seen[r[idCol]] = true
			}
			// The header is bold, frozen and filtered; ids are text.
			styleID, err := x.GetCellStyle(sheetName, "A1")
			require.NoError(t, err)
			style, err := x.GetStyle(styleID)
			require.NoError(t, err)
			require.NotNil(t, style.Font)
			assert.True(t, style.Font.Bold)
			panes, err := x.GetPanes(sheetName)
			require.NoError(t, err)
			assert.True(t, panes.Freeze)
			assert.Equal(t, 1, panes.YSplit)
			idCell, err := excelize.CoordinatesToCellName(idCol+1, 2)
			require.NoError(t, err)
			typ, err := x.GetCellType(sheetName, idCell)
			require.NoError(t, err)
			assert.Contains(t, []excelize.CellType{excelize.CellTypeSharedString, excelize.CellTypeInlineString}, typ, "ids are stored as text")
			assert.Contains(t, stderr, "Exported 250 clients")
		})
	}
}

func TestExportCSVToStdoutWithFields(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, stdout, stderr := execCrmport(t, f, "export", "--vendor", "salesman", "--sandbox", "-o", "-", "--fields", "clid,title,phone", "-q")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr, "-q keeps stderr quiet")
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, job.ExportSandboxClients+1)
	assert.Equal(t, []string{"clid", "title", "phone"}, recs[0])
	plus := 0
	for _, r := range recs[1:] {
		assert.False(t, strings.HasPrefix(r[2], "'"), "a script reads the phone as it is, not %q", r[2])
		if strings.HasPrefix(r[2], "+") {
			plus++
		}
	}
	assert.Positive(t, plus, "the sample holds phones starting with +")
}

// seedOnce returns a factory.onSandbox hook that replaces the emulator's
// clients with recs.
func seedOnce(vendor string, recs []crm.Record) func(*sandbox.Sandbox) {
	return func(sb *sandbox.Sandbox) {
		fk := sb.Fakes()[vendor]
		fk.Reset()
		fk.Seed(recs)
	}
}

func TestExportKeepsValuesExactly(t *testing.T) {
	t.Parallel()
	tricky := []crm.Record{{
		"surname":          "Zażółć gęślą jaźń",
		"name":             "Съешь же ещё",
		"phone_number":     "0048601234567",
		"identifier":       "=HYPERLINK(\"http://evil\",\"x\")",
		"note":             "+48 601 234 567",
		"address.postcode": "00-950",
	}}
	for _, tc := range []struct {
		name, out string
		extra     []string
	}{
		{"xlsx", "k.xlsx", nil},
		{"csv", "k.csv", nil},
		{"csv raw", "raw.csv", []string{"--raw"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := testFactory()
			path := filepath.Join(t.TempDir(), tc.out)
			args := append([]string{"export", "--vendor", "thulium", "--sandbox", "-o", path,
				"--fields", "surname,name,phone_number,identifier,note,address.postcode"}, tc.extra...)
			f.onSandbox = seedOnce("thulium", tricky)
			code, _, stderr := execCrmport(t, f, args...)
			require.Equal(t, exitOK, code, stderr)
			var rows [][]string
			if strings.HasSuffix(path, ".xlsx") {
				x, sh, r := readXLSX(t, path)
				rows = r
				formula, err := x.GetCellFormula(sh, "D2")
				require.NoError(t, err)
				assert.Empty(t, formula, "formula-like text is never a formula")
			} else {
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				// A .csv file is UTF-8 with a BOM and ';' unless told otherwise.
				assert.True(t, bytes.HasPrefix(data, []byte("\xef\xbb\xbf")))
				rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
				rd.Comma = ';'
				rows, err = rd.ReadAll()
				require.NoError(t, err)
			}
			require.Len(t, rows, 2)
			got := rows[1]
			assert.Equal(t, "Zażółć gęślą jaźń", got[0])
			assert.Equal(t, "Съешь же ещё", got[1])
			assert.Equal(t, "0048601234567", got[2], "leading zeros kept")
			assert.Equal(t, "00-950", got[5])
			switch tc.name {
			case "csv":
				assert.Equal(t, "'=HYPERLINK(\"http://evil\",\"x\")", got[3], "formula injection neutralised")
				assert.Equal(t, "'+48 601 234 567", got[4])
			default:
				assert.Equal(t, "=HYPERLINK(\"http://evil\",\"x\")", got[3])
				assert.Equal(t, "+48 601 234 567", got[4])
			}
		})
	}
}

func TestExportNoClientTwiceWhenClientsAreAdded(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	var fakes map[string]crm.Fake
	f.onSandbox = func(sb *sandbox.Sandbox) { fakes = sb.Fakes() }
	var once sync.Once
	f.wrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if err == nil && strings.HasSuffix(r.URL.Path, "/client/list") {
				// New clients arrive while the export reads its first page:
				// SalesMan lists newest first, so every page shifts.
				once.Do(func() {
					fakes["salesman"].Seed([]crm.Record{{"title": "Nowy Klient 1"}, {"title": "Nowy Klient 2"}, {"title": "Nowy Klient 3"}})
				})
			}
			return resp, err
		})
	}
	out := filepath.Join(t.TempDir(), "k.csv")
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "salesman", "--sandbox", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	rows := importReadCSV(t, out, ';') // a .csv file: BOM and ';' for Excel
	idCol := column(rows, "clid")
	seen := map[string]int{}
	for _, r := range rows[1:] {
		seen[r[idCol]]++
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "client %s exported %d times", id, n)
	}
	for i := 1; i <= job.ExportSandboxClients; i++ {
		assert.Contains(t, seen, strconv.Itoa(i), "client %d missing", i)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestExportWithMappingHeaders(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	out := filepath.Join(t.TempDir(), "k.xlsx")
	code, _, stderr := execCrmport(t, f, "export", "--sandbox", "-m", filepath.Join("..", "..", "samples", "thulium.yaml"), "-o", out)
	require.Equal(t, exitOK, code, stderr)
	_, _, rows := readXLSX(t, out)
	require.Len(t, rows, job.ExportSandboxClients+1)
	assert.Equal(t, "Nazwisko", rows[0][0], "the mapping's headers, in its order")
	assert.Equal(t, "Imię", rows[0][1])
}

func TestExportFilters(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	out := filepath.Join(t.TempDir(), "k.csv")
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", out, "--filter", "email=maria.zielinska.2@example.pl")
	require.Equal(t, exitOK, code, stderr)
	rows := importReadCSV(t, out, ';') // a .csv file: BOM and ';' for Excel
	require.GreaterOrEqual(t, len(rows), 1)
	for _, r := range rows[1:] {
		assert.Contains(t, strings.Join(r, ","), "maria.zielinska.2@example.pl")
	}
	assert.Less(t, len(rows)-1, job.ExportSandboxClients, "the filter was applied")
}

func TestExportFlagErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"export", "--vendor", "salesman"}, "-o FILE is required"},
		{"json on stdout", []string{"export", "--vendor", "salesman", "-o", "-", "--json"}, "--json cannot"},
		{"xlsx with bom", []string{"export", "--vendor", "salesman", "-o", "x.xlsx", "--bom"}, "CSV output only"},
		{"unknown vendor", []string{"export", "--vendor", "salesmen", "-o", "x.csv", "--sandbox"}, `unknown vendor "salesmen"`},
		{"bad ext", []string{"export", "--vendor", "salesman", "-o", "x.pdf"}, "writes .xlsx or .csv"},
		{"old excel", []string{"export", "--vendor", "salesman", "-o", "x.xls"}, "x.xlsx"},
		{"bad rate", []string{"export", "--vendor", "salesman", "-o", "x.csv", "--rate", "fast"}, "--rate"},
		{"bad filter", []string{"export", "--vendor", "salesman", "-o", "x.csv", "--filter", "nothing"}, "key=value"},
		{"no credentials", []string{"export", "--vendor", "thulium", "-o", filepath.Join(os.TempDir(), "x.csv")}, "CRMPORT_THULIUM_URL"},
		{"fields typo", []string{"export", "--vendor", "salesman", "--sandbox", "-o", filepath.Join(os.TempDir(), "crmport-x.csv"), "--fields", "titel"}, `--fields: unknown field "titel" (did you mean "title"?); run 'crmport fields --vendor salesman' to see the fields`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := testFactory()
			code, _, stderr := execCrmport(t, f, tt.args...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestExportWithNotesReadsDetails(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	f.onSandbox = seedOnce("baselinker", []crm.Record{
		{"email": "a@firma.pl", "notes": "Dzwonić po 15:00", "custom_extra_fields.1": "VIP"},
		{"email": "b@firma.pl", "notes": "Звонить утром"},
	})
	out := filepath.Join(t.TempDir(), "k.csv")
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "baselinker", "--sandbox", "-o", out, "--with-notes",
		"--fields", "crm_client_id,email,notes,custom_extra_fields.1")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "one more request", "the cost is stated up front")
	rows := importReadCSV(t, out, ';') // a .csv file: BOM and ';' for Excel
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"a@firma.pl", "Dzwonić po 15:00", "VIP"}, rows[1][1:])
	assert.Equal(t, []string{"b@firma.pl", "Звонить утром", ""}, rows[2][1:])

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", out, "--with-notes")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--with-notes is for BaseLinker")
}

func TestExportSinceUntil(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, stdout, stderr := execCrmport(t, f, "export", "--vendor", "salesman", "--sandbox", "-o", "-", "-q",
		"--fields", "clid,date_create", "--since", "2025-06-01", "--until", "30.06.2025")
	require.Equal(t, exitOK, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 1, "the seeded clients span three years")
	assert.Less(t, len(rows)-1, job.ExportSandboxClients)
	for _, r := range rows[1:] {
		assert.True(t, r[1] >= "2025-06-01" && r[1] < "2025-07-01", "client %s created %s", r[0], r[1])
	}
}

// Two exports into the same file at once: the second is refused before it
// asks the CRM anything and leaves the first one's output alone; once the
// first is over (its lock released, or its process gone) the next runs.
func TestExportRefusedWhileAnotherWritesTheFile(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "klienci.xlsx")
	require.NoError(t, os.WriteFile(out, []byte("the first export's file"), 0o644))
	held, err := runlock.Acquire(out+".lock", "exporting from SalesMan to klienci.xlsx", time.Now())
	require.NoError(t, err)

	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "salesman", "--sandbox", "-o", out)
	assert.Equal(t, exitError, code)
	assert.Regexp(t, fmt.Sprintf(`^crmport: another crmport is exporting from SalesMan to klienci\.xlsx \(pid %d, started (\d{4}-\d\d-\d\d )?\d\d:\d\d\); wait for it to finish, or stop it\n$`, os.Getpid()), stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "the first export's file", string(data))

	require.NoError(t, held.Release())
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "export", "--vendor", "salesman", "--sandbox", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	assert.NoFileExists(t, out+".lock")
}

// TestExportFileModeIsOrdinary: an exported file gets the mode of any file
// the user saves (0666 less the umask), as the reports do, not the
// private 0600 of a temporary file.
func TestExportFileModeIsOrdinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode bits")
	}
	t.Parallel()
	dir := t.TempDir()
	ref, err := os.Create(filepath.Join(dir, "saved-by-user.txt"))
	require.NoError(t, err)
	require.NoError(t, ref.Close())
	want, err := os.Stat(ref.Name())
	require.NoError(t, err)
	for _, name := range []string{"klienci.xlsx", "klienci.csv"} {
		f, _ := testFactory()
		out := filepath.Join(dir, name)
		code, _, stderr := execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", out)
		require.Equal(t, exitOK, code, stderr)
		st, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, want.Mode().Perm(), st.Mode().Perm(), name)
	}
}

// TestExportCSVDefaultsOpenInExcel: a .csv export is UTF-8 with a BOM and
// ';' (what Polish and Russian Excel open on a double click), --delimiter ,
// --no-bom writes it for other tools, and an export through a mapping
// uses the mapping's delimiter so it imports back unchanged.
func TestExportCSVDefaultsOpenInExcel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, _ := testFactory()
	excel := filepath.Join(dir, "excel.csv")
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", excel)
	require.Equal(t, exitOK, code, stderr)
	rows := importReadCSV(t, excel, ';')
	assert.Greater(t, len(rows[0]), 3, "the header splits at ';'")

	f, _ = testFactory()
	plain := filepath.Join(dir, "plain.csv")
	code, _, stderr = execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", plain, "--delimiter", ",", "--no-bom")
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(plain)
	require.NoError(t, err)
	assert.False(t, bytes.HasPrefix(data, []byte("\xef\xbb\xbf")), "--no-bom")
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, rows[0], recs[0], "the same columns, split at ','")

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", plain, "--bom", "--no-bom")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "contradict")

	// Through a mapping that says ',' the export imports back with it.
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nsource:\n  delimiter: \",\"\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o644))
	back := filepath.Join(dir, "back.csv")
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "export", "--sandbox", "-m", mp, "-o", back)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, []string{"Nazwisko", "E-mail"}, importReadCSV(t, back, ',')[0])
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "import", "--sandbox", "--dry-run", "-m", mp, back)
	require.Equal(t, exitOK, code, stderr)
}
