package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
)

// startEnv starts the emulators on a free loopback port for one test and
// returns them with their CRMPORT_* variables.
func startEnv(t *testing.T, opts ...sandbox.Options) (*sandbox.Sandbox, map[string]string) {
	t.Helper()
	opt := sandbox.Options{}
	if len(opts) > 0 {
		opt = opts[0]
	}
	opt.Addr = "127.0.0.1:0"
	sb, err := sandbox.Start(t.Context(), opt)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return sb, env
}

// crmportWithEnv runs crmport with env (startEnv's CRMPORT_* variables)
// as its only environment and returns its exit code, stdout and stderr.
func crmportWithEnv(t *testing.T, env map[string]string, args ...string) (exitCode, string, string) {
	t.Helper()
	f, _ := testFactory()
	f.Getenv = func(k string) string { return env[k] }
	return execCrmport(t, f, args...)
}

// A journal belongs to the CRM the rows went to: a sandbox rehearsal must
// not make the real import skip rows, an import into another CRM must not
// resume it, and a rehearsal must not overwrite a real import's journal.
func TestJournalBelongsToItsCRM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\n"), 0o600))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o600))
	runWith := func(env map[string]string, args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mpath, input}, args...)...)
		return code, stderr
	}

	// 1. Rehearse in the sandbox, then import for real: every row is sent.
	code, stderr := runWith(nil, "--sandbox")
	require.Equal(t, exitOK, code, stderr)
	sbA, envA := startEnv(t)
	code, stderr = runWith(envA)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "sandbox rehearsal was set aside")
	assert.Len(t, sbA.Fakes()["thulium"].Records(), 2, "the rehearsal's journal did not stop the real import")

	// 2. The same import into another CRM is not resumed from CRM A's journal.
	sbB, envB := startEnv(t)
	code, stderr = runWith(envB)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "was written for an import into "+envA["CRMPORT_THULIUM_URL"])
	assert.Empty(t, sbB.Fakes()["thulium"].Records())
	code, stderr = runWith(envB, "--restart")
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, sbB.Fakes()["thulium"].Records(), 2)

	// 3. A rehearsal beside a real import's journal is refused.
	code, stderr = runWith(nil, "--sandbox")
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--report-dir")
	code, stderr = runWith(nil, "--sandbox", "--report-dir", t.TempDir())
	assert.Equal(t, exitOK, code, stderr)
}
