package main

import (
	"context"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An import into --sandbox that is interrupted does not promise a resume
// that cannot happen (the emulators start empty on every run): it says so
// and points to `crmport sandbox` for rehearsing a resume.
func TestSandboxImportInterruptedSaysItCannotResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 300)
	f, _ := testFactory()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var calls atomic.Int32
	f.wrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if calls.Add(1) == 3 { // Ctrl-C after a few requests
				cancel()
			}
			return resp, err
		})
	}
	code := run(ctx, f, []string{"import", "--sandbox", "--batch-size", "10", "--workers", "1", "--rate", "0", "-m", mp, in})
	stderr := f.IOStreams.ErrOut.(interface{ String() string }).String()
	assert.Equal(t, exitInterrupted, code, stderr)
	assert.Contains(t, stderr, "the sandbox starts empty on every run, so this rehearsal cannot be resumed")
	assert.Contains(t, stderr, "run 'crmport sandbox' in another window")
	assert.NotContains(t, stderr, "run the same command again to continue")
	assert.FileExists(t, filepath.Join(dir, "kontakty.csv.salesman.journal"))
}
