package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
	"github.com/crmport/crmport/mapping"
)

func samplePath(name string) string { return filepath.Join("..", "..", "samples", name) }

func TestFields(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "fields", "--vendor", "salesman", "--sandbox")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "FIELD")
	lines := strings.Split(out, "\n")
	var title, des string
	for _, l := range lines {
		switch strings.Fields(l + " x")[0] {
		case "title":
			title = l
		case "des":
			des = l
		}
	}
	assert.Regexp(t, `^title\s+string\s+250\s+yes\s+yes`, title, "title is required and active")
	assert.Regexp(t, `^des\s+text\s+no`, des, "des is switched off on a fresh install")

	f, _ = testFactory()
	code, out, _ = execCrmport(t, f, "fields", "--vendor", "baselinker", "--offline")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "invoice_country_code")
	assert.Regexp(t, `star\s+int 0-5`, out)

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "fields")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--vendor is required")
}

func TestMappingInitProducesAWorkingMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ vendor, file string }{
		{"thulium", "contacts-en.csv"},
		{"salesman", "klienty-ru.csv"},
		{"baselinker", "klienci-pl.csv"},
		{"thulium", "klienci.xlsx"},
	} {
		t.Run(tc.vendor+" "+tc.file, func(t *testing.T) {
			f, _ := testFactory()
			code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", tc.vendor, samplePath(tc.file))
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, "placed")
			m, err := mapping.Parse("guessed.yaml", []byte(out), f.vendors())
			require.NoError(t, err, out)
			assert.Equal(t, tc.vendor, m.Vendor)

			// The guess passes `mapping check` against its own file.
			path := filepath.Join(t.TempDir(), "m.yaml")
			require.NoError(t, os.WriteFile(path, []byte(out), 0o600))
			f, _ = testFactory()
			code, out, stderr = execCrmport(t, f, "mapping", "check", "-m", path, samplePath(tc.file))
			require.Equal(t, exitOK, code, stderr)
			// The verdict ends the report: every row maps, or the one
			// row each sample has broken on purpose would fail.
			assert.Regexp(t, `\n(ok: the first \d+ rows of the file map without a problem|not ok: 1 of the first \d+ rows would fail on import [^\n]*)\n$`, out)
		})
	}
}

func TestMappingCheckListsEveryProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("vendor: thulium\nfields:\n  surnme: Nazwisko\n  email: {column: Emial, transform: [lowr]}\n"), 0o600))
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", path, samplePath("klienci-pl.csv"))
	assert.Equal(t, exitError, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "bad.yaml:4")
	assert.Contains(t, stderr, `"lower"`, "suggests the transform")

	require.NoError(t, os.WriteFile(path, []byte("vendor: thulium\nfields:\n  surnme: Nazwisko\n"), 0o600))
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "mapping", "check", "-m", path)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "bad.yaml:3")
	assert.Contains(t, stderr, `"surname"`)

	f, _ = testFactory()
	code, out, stderr = execCrmport(t, f, "mapping", "check", "-m", samplePath("thulium.yaml"), samplePath("klienci-pl.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "surname")
}

func TestSandboxCommand(t *testing.T) {
	t.Parallel()
	ios, _, out, errOut := iostreams.Test()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	state := filepath.Join(t.TempDir(), "state.json")
	ready := make(chan *job.SandboxServer, 1)
	done := make(chan error, 1)
	go func() {
		done <- runSandbox(ctx, &factory{IOStreams: ios}, &sandboxOptions{IO: ios, Addr: "127.0.0.1:0", Seed: 3, BaseLinkerLimit: 100, State: state,
			ready: func(sb *job.SandboxServer) { ready <- sb }})
	}()
	var sb *job.SandboxServer
	select {
	case sb = <-ready:
	case err := <-done:
		t.Fatalf("sandbox stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not start")
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "export ")
		require.True(t, ok, "stdout holds only export lines: %q", sc.Text())
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	for _, k := range []string{"CRMPORT_SALESMAN_URL", "CRMPORT_SALESMAN_LOGIN", "CRMPORT_SALESMAN_APIKEY", "CRMPORT_THULIUM_URL",
		"CRMPORT_THULIUM_USER", "CRMPORT_THULIUM_PASSWORD", "CRMPORT_BASELINKER_URL", "CRMPORT_BASELINKER_TOKEN"} {
		assert.NotEmpty(t, env[k], k)
	}
	assert.Equal(t, sb.URL()+"/salesman", env["CRMPORT_SALESMAN_URL"])

	// A plain HTTP call, as the Thulium docs show it, against the printed address.
	req, err := http.NewRequest(http.MethodGet, env["CRMPORT_THULIUM_URL"]+"/api/customers?limit=10", nil)
	require.NoError(t, err)
	req.SetBasicAuth(env["CRMPORT_THULIUM_USER"], env["CRMPORT_THULIUM_PASSWORD"])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Contains(t, string(body), "customer_id")

	cancel() // Ctrl-C
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop")
	}
	assert.Contains(t, errOut.String(), "data saved in")
	_, err = os.Stat(state)
	assert.NoError(t, err, "state written on stop")
}

func TestSandboxFlagErrors(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "sandbox", "--faults", "2")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "between 0 and 1")
}

func TestFieldsAsCSV(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "fields", "--vendor", "thulium", "--offline", "--format", "csv")
	require.Equal(t, exitOK, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(recs), 10)
	assert.Equal(t, []string{"field", "type", "max_length", "required", "active", "label", "description"}, recs[0])
	var surname []string
	for _, r := range recs {
		if r[0] == "surname" {
			surname = r
		}
	}
	require.NotNil(t, surname)
	assert.Equal(t, "yes", surname[3], "surname is required by Thulium")

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "fields", "--vendor", "thulium", "--format", "xml")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "table or csv")
}

func TestMappingCheckGoesOnPastParseProblems(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "typos.yaml")
	require.NoError(t, os.WriteFile(path, []byte("vendor: thulium\nsorce:\n  sheet: Klienci\nfields:\n  surname: Nazwisko\n  titel: Firma\n  email: {column: Poczta, transform: [lowr]}\n"), 0o600))
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "mapping", "check", "-m", path, samplePath("klienci-pl.csv"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "typos.yaml:2", "the key typo")
	assert.Contains(t, stderr, `"lower"`, "the transform typo")
	assert.Contains(t, stderr, `"titel"`, "the unknown field, in the same run")
	assert.Contains(t, stderr, `"Poczta"`, "the missing column, in the same run")
}

// On Windows the sandbox also says how to set its variables in
// PowerShell and cmd.exe (stdout keeps DESIGN's export lines).
func TestSandboxCommandOnWindows(t *testing.T) {
	t.Parallel()
	ios, _, out, errOut := iostreams.Test()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	err := runSandbox(ctx, &factory{IOStreams: ios}, &sandboxOptions{IO: ios, Addr: "127.0.0.1:0", goos: "windows",
		ready: func(*job.SandboxServer) { cancel() }})
	require.NoError(t, err)
	assert.Contains(t, out.String(), "export CRMPORT_SALESMAN_URL=http://127.0.0.1:")
	assert.Contains(t, errOut.String(), `$env:CRMPORT_SALESMAN_URL="http://127.0.0.1:`)
	assert.Contains(t, errOut.String(), "  set CRMPORT_THULIUM_USER=")
	assert.NotContains(t, out.String(), "$env:", "stdout holds only export lines")
}
