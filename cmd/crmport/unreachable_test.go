package main

import (
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
)

// TestImportCRMUnreachable: a CRM that cannot be reached at all (wrong
// address, no network) is "could not run" (exit 1), not "some rows
// failed": no row goes to the error report with a reason that is not the
// row's fault, a --restart leaves the earlier reports as they were, and
// the advice — run the same command again — imports every row once when
// the CRM is back.
func TestImportCRMUnreachable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\n"), 0o644))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o644))
	_, env := startEnv(t)
	// The CRM is gone: its address refuses connections (a port held by a
	// socket that does not listen, so no other test's server takes it).
	port, serve := refusingPort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	u, err := url.Parse(env["CRMPORT_THULIUM_URL"])
	require.NoError(t, err)
	u.Host = addr
	env["CRMPORT_THULIUM_URL"] = u.String()
	run := func(args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "--retries", "1", "-m", mpath, input}, args...)...)
		return code, stderr
	}
	earlier := filepath.Join(dir, "k.csv.thulium.done.csv")
	require.NoError(t, os.WriteFile(earlier, []byte("from an earlier run\n"), 0o644))

	code, stderr := run("--restart")
	assert.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "the CRM could not be reached, so the import stopped before importing anything")
	assert.Contains(t, stderr, "run the same command again")
	assert.NoFileExists(t, filepath.Join(dir, "k.csv.thulium.errors.csv"), "no row is blamed for the outage")
	kept, err := os.ReadFile(earlier)
	require.NoError(t, err)
	assert.Equal(t, "from an earlier run\n", string(kept), "the earlier run's report is left as it was")

	// The CRM is back at the same address: the same command imports every row once.
	back, err := sandbox.Start(t.Context(), sandbox.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = back.Close() })
	target, err := url.Parse(back.URL())
	require.NoError(t, err)
	serve(httputil.NewSingleHostReverseProxy(target))
	code, stderr = run()
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, back.Fakes()["thulium"].Records(), 2)
}
