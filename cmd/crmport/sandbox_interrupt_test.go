package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
)

// An import into --sandbox that is interrupted does not promise a resume
// that cannot happen (the emulators start empty on every run): it says so
// and points to `crmport sandbox` for rehearsing a resume. What it says of
// the same command is run: it starts over, each row once in the new
// sandbox, nothing skipped for the journal of the emptied one. (The other
// advice, a resume against `crmport sandbox`, is
// TestImportInterruptedThenResumed.)
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
	assert.Contains(t, stderr, "the same command starts it over")

	// The same command, as the message says.
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--batch-size", "10", "--workers", "1", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitOK, r.code, r.errOut)
	assert.Contains(t, r.errOut, "300 rows: 300 created")
	assert.NotContains(t, r.errOut, "already done by an earlier run")
	importAssertEachOnce(t, r.fake, 300)
	done := importReadCSV(t, filepath.Join(dir, "kontakty.csv.salesman.done.csv"), ';')
	require.Len(t, done, 301, "the done report covers the whole file")
	for i, d := range done[1:] {
		assert.Equal(t, strconv.Itoa(i+2), d[0])
		assert.Equal(t, "created", d[1])
	}
}
