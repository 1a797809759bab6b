package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
)

// undoFixture is a CRM (emulators on loopback) holding three clients of an
// earlier import, and the done report of a second, mixed import: row 2
// unchanged, row 3 updated, rows 4-6 created (upsert by e-mail; SalesMan:
// rows 2 and 3 "exists", 4-6 created).
type undoFixture struct {
	vendor, title string
	env           map[string]string
	fake          crm.Fake
	report        string
	dir           string
}

func newUndoFixture(t *testing.T, vendor string) *undoFixture {
	t.Helper()
	sb, env := startEnv(t)
	x := &undoFixture{vendor: vendor, env: env, fake: sb.Fakes()[vendor], dir: t.TempDir()}
	y, title := contactsMapping(vendor)
	x.title = title
	mp := filepath.Join(x.dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(y+"key: "+map[string]string{"salesman": "mail_url"}[vendor]+"\n"), 0o644))
	if vendor != "salesman" {
		require.NoError(t, os.WriteFile(mp, []byte(y+"key: email\n"), 0o644))
	}
	old := filepath.Join(x.dir, "stare.csv")
	require.NoError(t, os.WriteFile(old, []byte("Firma;Telefon;E-mail\nStara A;+48 600 200 001;a@stare.pl\nStara B;+48 600 200 002;b@stare.pl\nStara C;+48 600 200 003;c@stare.pl\n"), 0o644))
	code, _, stderr := x.run(t, nil, "import", "-m", mp, old)
	require.Equal(t, exitOK, code, stderr)
	in := filepath.Join(x.dir, "nowe.csv")
	require.NoError(t, os.WriteFile(in, []byte("Firma;Telefon;E-mail\nStara A;+48 600 200 001;a@stare.pl\nStara B;+48 600 299 999;b@stare.pl\nNowa D;+48 600 300 004;d@nowe.pl\nNowa E;+48 600 300 005;e@nowe.pl\nNowa F;+48 600 300 006;f@nowe.pl\n"), 0o644))
	if vendor == "salesman" {
		// SalesMan spots the clients it has itself: "exists".
		require.NoError(t, os.WriteFile(in, []byte("Firma;Telefon;E-mail\nStara A;+48 600 200 001;a@stare.pl\nStara B;+48 600 200 002;b@stare.pl\nNowa D;+48 600 300 004;d@nowe.pl\nNowa E;+48 600 300 005;e@nowe.pl\nNowa F;+48 600 300 006;f@nowe.pl\n"), 0o644))
		code, _, stderr = x.run(t, nil, "import", "-m", mp, in)
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, stderr, "3 created, 2 already in the CRM")
	} else {
		code, _, stderr = x.run(t, nil, "import", "--mode", "upsert", "-m", mp, in)
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, stderr, "3 created, 1 updated, 1 unchanged")
	}
	x.report = filepath.Join(x.dir, "nowe.csv."+vendor+".done.csv")
	require.Len(t, x.titles(t), 6)
	return x
}

// run runs crmport with the fixture's CRMPORT_* settings (env overrides).
func (x *undoFixture) run(t *testing.T, env map[string]string, args ...string) (exitCode, string, string) {
	t.Helper()
	f, _ := testFactory()
	f.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return x.env[k]
	}
	return execCrmport(t, f, args...)
}

// titles lists the CRM's clients by name.
func (x *undoFixture) titles(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range x.fake.Records() {
		out = append(out, fmt.Sprint(r[x.title]))
	}
	return out
}

func TestUndoDeletesExactlyTheCreatedClients(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"salesman", "thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			x := newUndoFixture(t, vendor)

			// No terminal and no --yes: nothing deleted.
			code, _, stderr := x.run(t, nil, "undo", x.report)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, "3 clients created by the import of nowe.csv from")
			assert.Contains(t, stderr, x.env[map[string]string{"salesman": "CRMPORT_SALESMAN_URL", "thulium": "CRMPORT_THULIUM_URL", "baselinker": "CRMPORT_BASELINKER_URL"}[vendor]])
			assert.Contains(t, stderr, "add --yes")
			assert.Len(t, x.titles(t), 6)

			// The dry run lists them.
			code, _, stderr = x.run(t, nil, "undo", "--dry-run", x.report)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, "3 of 5 rows would be deleted")
			assert.Contains(t, stderr, "row 4: Nowa D, +48 600 300 004, d@nowe.pl (id ", "a person recognises the clients")
			assert.Len(t, x.titles(t), 6)

			code, _, stderr = x.run(t, nil, "undo", "--yes", x.report)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, "3 deleted, 2 not created by the import (left)")
			assert.ElementsMatch(t, []string{"Stara A", "Stara B", "Stara C"}, x.titles(t))
			rows := importReadCSV(t, filepath.Join(x.dir, "nowe.csv."+vendor+".undo.csv"), ';')
			require.Len(t, rows, 6)
			col := importColumn(rows, importer.ColUndo)
			if vendor == "salesman" {
				assert.Contains(t, rows[1][col], "not created by the import (exists)")
				assert.Contains(t, rows[2][col], "not created by the import (exists)")
			} else {
				assert.Contains(t, rows[1][col], "not created by the import (unchanged)")
				assert.Contains(t, rows[2][col], "not created by the import (updated)")
			}
			for _, r := range rows[3:] {
				assert.Equal(t, "deleted", r[col])
			}

			// Again: nothing is deleted twice, and it says so.
			code, _, stderr = x.run(t, nil, "undo", "--yes", x.report)
			require.Equal(t, exitOK, code, stderr)
			assert.Len(t, x.titles(t), 3)
			assert.Contains(t, stderr, "nothing was deleted now: those were already done by an earlier run of this undo")

			// The same import run again (a fixed file or mapping, or a
			// change of mind) sends the undone rows again instead of
			// skipping them as done: its journal knows they are gone.
			args := []string{"import", "--mode", "upsert", "-m", filepath.Join(x.dir, "m.yaml"), filepath.Join(x.dir, "nowe.csv")}
			if vendor == "salesman" {
				args = []string{"import", "-m", filepath.Join(x.dir, "m.yaml"), filepath.Join(x.dir, "nowe.csv")}
			}
			code, _, stderr = x.run(t, nil, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, "3 created")
			assert.ElementsMatch(t, []string{"Stara A", "Stara B", "Stara C", "Nowa D", "Nowa E", "Nowa F"}, x.titles(t))
		})
	}
}

func TestUndoRefusesAnotherCRM(t *testing.T) {
	t.Parallel()
	x := newUndoFixture(t, "thulium")
	_, other := startEnv(t)
	code, _, stderr := x.run(t, other, "undo", "--yes", x.report)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "was imported into "+x.env["CRMPORT_THULIUM_URL"])
	assert.Contains(t, stderr, other["CRMPORT_THULIUM_URL"]+" is configured now")
	assert.Len(t, x.titles(t), 6)
}

func TestUndoKeepsAnEditedClient(t *testing.T) {
	t.Parallel()
	x := newUndoFixture(t, "baselinker")
	state, err := x.fake.SaveState()
	require.NoError(t, err)
	require.Contains(t, string(state), "e@nowe.pl")
	require.NoError(t, x.fake.LoadState([]byte(strings.ReplaceAll(string(state), "e@nowe.pl", "ewa@nowa-firma.pl"))))

	code, _, stderr := x.run(t, nil, "undo", "--yes", x.report)
	assert.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "2 deleted, 1 kept (edited since the import)")
	assert.ElementsMatch(t, []string{"Stara A", "Stara B", "Stara C", "Nowa E"}, x.titles(t))
	rows := importReadCSV(t, filepath.Join(x.dir, "nowe.csv.baselinker.undo.csv"), ';')
	// The import's mapping lies beside the report: undo finds it and
	// compares the client field by field.
	assert.Contains(t, rows[4][importColumn(rows, importer.ColUndo)], "its email is now ewa@nowa-firma.pl (the import gave it e@nowe.pl); it was edited")
	assert.Contains(t, rows[4][importColumn(rows, importer.ColUndo)], "check it, or run again with --force to delete it anyway")

	// The advice followed.
	code, _, stderr = x.run(t, nil, "undo", "--yes", "--force", x.report)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "This deletes 1 client created by the import")
	assert.Contains(t, stderr, "3 deleted, 2 not created by the import")
	assert.Contains(t, stderr, "2 of them were already done by an earlier run of this undo")
	assert.ElementsMatch(t, []string{"Stara A", "Stara B", "Stara C"}, x.titles(t))
}

// An undo interrupted mid-way (a delete applied whose answer never came,
// then Ctrl-C) goes on when run again: every created client goes, each
// deleted once, and the report says so.
func TestUndoInterruptedAndResumed(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"salesman", "thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			x := newUndoFixture(t, vendor)
			op := map[string]string{"salesman": "client/delete", "thulium": "DELETE /api/customers/:id", "baselinker": "deleteCrmClient"}[vendor]
			x.fake.Inject(crm.Fault{Op: op, Commit: true}) // the first delete is applied, its answer lost

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			f, _ := testFactory()
			f.Getenv = func(k string) string { return x.env[k] }
			var deletes atomic.Int32
			f.wrapTransport = func(rt http.RoundTripper) http.RoundTripper {
				return roundTripFunc(func(req *http.Request) (*http.Response, error) {
					res, err := rt.RoundTrip(req)
					n := 0
					for _, q := range x.fake.Requests() {
						if q.Op == op {
							n++
						}
					}
					if n >= 2 && deletes.CompareAndSwap(0, 1) {
						cancel() // Ctrl-C after the second delete request
					}
					return res, err
				})
			}
			code := run(ctx, f, []string{"undo", "--yes", "--retries", "0", x.report})
			require.Equal(t, exitInterrupted, code, f.IOStreams.ErrOut.(interface{ String() string }).String())
			left := len(x.titles(t))
			require.Less(t, left, 6)
			require.Greater(t, left, 3)

			code, _, stderr := x.run(t, nil, "undo", "--yes", x.report)
			require.Equal(t, exitOK, code, stderr)
			assert.ElementsMatch(t, []string{"Stara A", "Stara B", "Stara C"}, x.titles(t))
			rows := importReadCSV(t, filepath.Join(x.dir, "nowe.csv."+vendor+".undo.csv"), ';')
			col := importColumn(rows, importer.ColUndo)
			for _, r := range rows[3:] {
				assert.Equal(t, "deleted", r[col], "row %s", r[0])
			}
			ok := 0
			for _, q := range x.fake.Requests() {
				if q.Op == op && q.Status == http.StatusOK && q.Fault == "" {
					ok++
				}
			}
			assert.LessOrEqual(t, ok, 3, "no client deleted twice")
		})
	}
}

// On a terminal undo asks; anything but yes deletes nothing.
func TestUndoAsksOnATerminal(t *testing.T) {
	t.Parallel()
	x := newUndoFixture(t, "thulium")
	for _, answer := range []string{"no\n", "yes\n"} {
		f, ios := testFactory()
		f.Getenv = func(k string) string { return x.env[k] }
		ios.SetStdinTTY(true)
		ios.In.(*bytes.Buffer).WriteString(answer)
		code, _, stderr := execCrmport(t, f, "undo", x.report)
		assert.Contains(t, stderr, "Delete them? Type yes to go on")
		if answer == "no\n" {
			assert.Equal(t, exitError, code, stderr)
			assert.Contains(t, stderr, "nothing was deleted")
			assert.Len(t, x.titles(t), 6)
			continue
		}
		require.Equal(t, exitOK, code, stderr)
		assert.Len(t, x.titles(t), 3)
	}
}

func TestNewUndoCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newUndoCmd, []flagCase[undoOptions]{
		{"defaults", "k.csv.thulium.done.csv", func(t *testing.T, o *undoOptions) {
			assert.Equal(t, "k.csv.thulium.done.csv", o.Report)
			assert.False(t, o.Yes || o.DryRun || o.Force)
			assert.Equal(t, 5, o.Retries)
		}, ""},
		{"everything", "-y --dry-run --force --retries 2 --timeout 5s r.xlsx", func(t *testing.T, o *undoOptions) {
			assert.True(t, o.Yes && o.DryRun && o.Force)
			assert.Equal(t, 2, o.Retries)
		}, ""},
		{"no report", "", nil, "exactly one file"},
		{"negative retries", "--retries -1 r.csv", nil, "--retries"},
	})
}

// An XLSX import is undone from its XLSX done report, into an XLSX undo
// report with the same sheet.
func TestUndoXLSXReport(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	dir := t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", "..", "samples"))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "klienci.xlsx"))
	require.NoError(t, err)
	in := filepath.Join(dir, "klienci.xlsx")
	require.NoError(t, os.WriteFile(in, data, 0o644))
	x := &undoFixture{vendor: "thulium", title: "surname", env: env, fake: sb.Fakes()["thulium"], dir: dir}
	code, _, stderr := x.run(t, nil, "import", "-m", filepath.Join(root, "thulium-xlsx.yaml"), in)
	require.Contains(t, []exitCode{exitOK, exitRowsFailed}, code, stderr)
	created := x.fake.Len()
	require.Positive(t, created)

	code, _, stderr = x.run(t, nil, "undo", "--yes", filepath.Join(dir, "klienci.xlsx.thulium.done.xlsx"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, fmt.Sprintf("%d deleted", created))
	assert.Empty(t, x.fake.Records())
	_, sheetName, rows := readXLSX(t, filepath.Join(dir, "klienci.xlsx.thulium.undo.xlsx"))
	assert.Equal(t, "Klienci", sheetName)
	require.Len(t, rows, created+1)
	assert.Equal(t, "deleted", rows[1][column(rows, importer.ColUndo)])

	// The sample's header is below title rows: the import run again still
	// sends every undone row (the journal counts rows as the file does).
	code, _, stderr = x.run(t, nil, "import", "-m", filepath.Join(root, "thulium-xlsx.yaml"), in)
	require.Contains(t, []exitCode{exitOK, exitRowsFailed}, code, stderr)
	assert.Len(t, x.fake.Records(), created, stderr)
	assert.NotContains(t, stderr, "already done by an earlier run")
}

// An undo killed mid-way (SIGKILL: no chance to save anything but what the
// journal already holds) and run again deletes every created client, none
// twice, and reports each row once.
func TestUndoKilledAndResumed(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	sb, env := startEnv(t, sandbox.Options{Latency: 5 * time.Millisecond})
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 150)
	x := &undoFixture{vendor: "salesman", title: "title", env: env, fake: sb.Fakes()["salesman"], dir: dir}
	code, _, stderr := x.run(t, nil, "import", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	require.Len(t, x.fake.Records(), 150)
	report := filepath.Join(dir, "kontakty.csv.salesman.done.csv")

	var envList []string
	for k, v := range env {
		envList = append(envList, k+"="+v)
	}
	child, childErr := startCrmport(t, envList, "undo", "--yes", report)
	deadline := time.Now().Add(20 * time.Second)
	for x.fake.Len() > 120 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, child.Process.Kill())
	_ = child.Wait()
	left := x.fake.Len()
	require.Less(t, left, 150, childErr.String())
	require.Positive(t, left, "killed mid-run")

	code, _, stderr = x.run(t, nil, "undo", "--yes", report)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, x.fake.Records())
	assert.Contains(t, stderr, "150 deleted")
	rows := importReadCSV(t, filepath.Join(dir, "kontakty.csv.salesman.undo.csv"), ';')
	require.Len(t, rows, 151)
	col := importColumn(rows, importer.ColUndo)
	for _, r := range rows[1:] {
		assert.Equal(t, "deleted", r[col], "row %s", r[0])
	}
	deletes := 0
	for _, q := range x.fake.Requests() {
		if q.Op == "client/delete" && q.Status == http.StatusOK {
			deletes++
		}
	}
	assert.Equal(t, 150, deletes, "each client deleted once")
}

// With the import's mapping (-m), a client is checked by the mapping's key
// and e-mail fields: one renamed since (key surname) is kept, though its
// e-mail is the same. Another mapping than the import's is refused.
func TestUndoWithTheMapping(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	dir := t.TempDir()
	x := &undoFixture{vendor: "thulium", title: "surname", env: env, fake: sb.Fakes()["thulium"], dir: dir}
	y, _ := contactsMapping("thulium")
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(y+"key: surname\n"), 0o644))
	in := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(in, []byte("Firma;Telefon;E-mail\nNowa D;+48 600 300 004;d@nowe.pl\nNowa E;+48 600 300 005;e@nowe.pl\n"), 0o644))
	code, _, stderr := x.run(t, nil, "import", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	state, err := x.fake.SaveState()
	require.NoError(t, err)
	require.NoError(t, x.fake.LoadState([]byte(strings.ReplaceAll(string(state), `"Nowa D"`, `"Nowa Dorota"`))))
	report := filepath.Join(dir, "k.csv.thulium.done.csv")

	other := filepath.Join(dir, "other.yaml")
	require.NoError(t, os.WriteFile(other, []byte(y), 0o644))
	code, _, stderr = x.run(t, nil, "undo", "--yes", "-m", other, report)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "not the one the import of k.csv.thulium.done.csv used")
	assert.Len(t, x.titles(t), 2)
	code, _, stderr = x.run(t, nil, "undo", "--dry-run", "-m", other, report)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "not the one the import of k.csv.thulium.done.csv used")
	assert.NotContains(t, stderr, "Dry run of undoing", "a refusal is said alone, with no line before it that reads like success")

	code, _, stderr = x.run(t, nil, "undo", "--yes", "-m", mp, report)
	assert.Equal(t, exitRowsFailed, code, stderr)
	assert.Equal(t, []string{"Nowa Dorota"}, x.titles(t))
	rows := importReadCSV(t, filepath.Join(dir, "k.csv.thulium.undo.csv"), ';')
	assert.Contains(t, rows[1][importColumn(rows, importer.ColUndo)], "its surname is now Nowa Dorota (the import gave it Nowa D)")
}

// A restart keeps the earlier run's reports and journal as numbered
// copies; each run can be undone from its own done report.
func TestUndoARestartsKeptCopy(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	dir := t.TempDir()
	x := &undoFixture{vendor: "thulium", title: "surname", env: env, fake: sb.Fakes()["thulium"], dir: dir}
	y, _ := contactsMapping("thulium")
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(y), 0o644))
	in := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(in, []byte("Firma;Telefon;E-mail\nNowa D;+48 600 300 004;d@nowe.pl\n"), 0o644))
	code, _, stderr := x.run(t, nil, "import", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = x.run(t, nil, "import", "--restart", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	require.FileExists(t, filepath.Join(dir, "k.csv.thulium.done.1.csv"))
	require.Len(t, x.titles(t), 2, "Thulium took the second copy")
	ids := func() []string {
		var out []string
		for _, r := range x.fake.Records() {
			out = append(out, fmt.Sprint(r["customer_id"]))
		}
		return out
	}
	first := ids()[0]

	code, _, stderr = x.run(t, nil, "undo", "--yes", filepath.Join(dir, "k.csv.thulium.done.1.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1 deleted")
	assert.NotContains(t, ids(), first, "the first run's client went")
	assert.Len(t, ids(), 1)
	assert.FileExists(t, filepath.Join(dir, "k.csv.thulium.undo.1.csv"))
}

// An edit of any field the import sent keeps the client, not only of its
// e-mail: here the phone (before, undo deleted a client whose address or
// phone a colleague had changed, as long as its e-mail was the same).
func TestUndoKeepsAClientWhosePhoneWasEdited(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"salesman", "thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			x := newUndoFixture(t, vendor)
			state, err := x.fake.SaveState()
			require.NoError(t, err)
			edited := strings.ReplaceAll(string(state), "600 300 005", "600 399 999")
			require.NotEqual(t, string(state), edited, "the phone of Nowa E is in the CRM")
			require.NoError(t, x.fake.LoadState([]byte(edited)))

			code, _, stderr := x.run(t, nil, "undo", "--yes", x.report)
			assert.Equal(t, exitRowsFailed, code, stderr)
			assert.Contains(t, stderr, "2 deleted, 1 kept (edited since the import)")
			assert.Contains(t, x.titles(t), "Nowa E")
			rows := importReadCSV(t, filepath.Join(x.dir, "nowe.csv."+vendor+".undo.csv"), ';')
			assert.Contains(t, rows[4][importColumn(rows, importer.ColUndo)], "is now +48600399999 (the import gave it +48600300005)")
		})
	}
}
