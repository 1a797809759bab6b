package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/internal/iostreams"
)

// panicTransport panics, as a bug in crmport's code between the command
// and the network would, on every request whose URL or body contains on.
// It runs on the goroutine that sends the request: a worker of an import,
// the page reader of an export.
type panicTransport struct {
	next http.RoundTripper
	on   string
}

func (p panicTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body := ""
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body.Close()
		body = string(b)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	if strings.Contains(req.URL.String()+"\n"+body, p.on) {
		panic("test bug: a request carries " + p.on)
	}
	return p.next.RoundTrip(req)
}

// TestPanicHelperProcess is the child of the panic tests: it runs crmport
// as main does, with the arguments in CRMPORT_TEST_PANIC_ARGS, panicking
// on requests that carry CRMPORT_TEST_PANIC_ON.
func TestPanicHelperProcess(t *testing.T) {
	args := os.Getenv("CRMPORT_TEST_PANIC_ARGS")
	if args == "" {
		t.Skip("only run as a child process")
	}
	on := os.Getenv("CRMPORT_TEST_PANIC_ON")
	f := &factory{IOStreams: iostreams.System(), Getenv: os.Getenv, Now: time.Now,
		wrapTransport: func(rt http.RoundTripper) http.RoundTripper { return panicTransport{next: rt, on: on} }}
	os.Exit(int(runGuarded(context.Background(), f, strings.Split(args, "\x1f"))))
}

// panicChild runs crmport args in a child process against env, panicking
// on requests that carry on; bug reports go to tmp.
func panicChild(t *testing.T, env map[string]string, tmp, on string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPanicHelperProcess$")
	cmd.Env = append(os.Environ(), "CRMPORT_TEST_PANIC_ARGS="+strings.Join(args, "\x1f"), "CRMPORT_TEST_PANIC_ON="+on,
		"TMPDIR="+tmp, "TMP="+tmp, "TEMP="+tmp)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil {
		require.ErrorAs(t, err, &ee)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

var bugFileLine = regexp.MustCompile(`details for a bug report are in (\S+)`)

// Issue 11, item 12: a panic on a worker of an import used to end the
// process with Go's exit status 2 — "finished, some rows failed" — and no
// error report. Now the run stops, the command exits 1 with "internal
// error: … (this is a bug; the journal is saved)", the stack goes to a
// file, and running again resumes: every row ends in the CRM exactly once.
func TestImportPanicOnAWorker(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	sb, env := startEnv(t)
	dir, tmp := t.TempDir(), t.TempDir()
	in, mp := importWriteContacts(t, dir, 400)
	code, stderr := panicChild(t, env, tmp, "biuro0250", "import", "--rate", "0", "--batch-size", "10", "--workers", "2", "-m", mp, in)
	require.Equal(t, int(exitError), code, stderr)
	assert.Contains(t, stderr, "crmport: internal error: test bug: a request carries biuro0250 (this is a bug; the journal is saved)\n")
	assert.Contains(t, stderr, "Import of kontakty.csv into SalesMan did not finish")
	assert.Contains(t, stderr, "not processed (the import stopped early): run the same command again to continue")
	assert.NotContains(t, stderr, "goroutine ", "no stack on the user's screen")
	m := bugFileLine.FindStringSubmatch(stderr)
	require.NotNil(t, m, stderr)
	assert.Equal(t, tmp, filepath.Dir(m[1]))
	report, err := os.ReadFile(m[1])
	require.NoError(t, err)
	assert.Contains(t, string(report), "internal error: test bug")
	assert.Contains(t, string(report), "panicTransport.RoundTrip", "the stack of the panic")
	fake := sb.Fakes()["salesman"]
	before := fake.Len()
	require.Less(t, before, 400, "the run stopped")

	// The journal is valid: the same command resumes and finishes.
	code2, stderr2 := importWithin(t, env, "--rate", "0", "--batch-size", "10", "--workers", "2", "-m", mp, in)
	require.Equal(t, exitOK, code2, stderr2)
	assert.Contains(t, stderr2, "already done by an earlier run")
	importAssertEachOnce(t, fake, 400)
}

// A panic in the page reader of an export, with --debug: exit 1, the
// message, and the stack on stderr (no file).
func TestExportPanicOnThePageReader(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	_, env := startEnv(t, sandbox.Options{Seed: 250})
	dir, tmp := t.TempDir(), t.TempDir()
	out := filepath.Join(dir, "clients.xlsx")
	code, stderr := panicChild(t, env, tmp, "client/list", "--debug", "export", "--vendor", "salesman", "-o", out)
	require.Equal(t, int(exitError), code, stderr)
	assert.Contains(t, stderr, "crmport: internal error: test bug: a request carries client/list (this is a bug)\n")
	assert.Contains(t, stderr, "details for a bug report:\n")
	assert.Contains(t, stderr, "panicTransport.RoundTrip")
	assert.NoFileExists(t, out, "no half-written export")
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "with --debug the details are on stderr, not in a file")
}

// A panic on main's own goroutine (outside any run's goroutines) ends the
// same way: exit 1 and the message.
func TestPanicOnMainGoroutine(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	ios, _, _, errOut := iostreams.Test()
	f := &factory{IOStreams: ios, Now: time.Now, Getenv: func(k string) string { panic("getenv bug: " + k) }}
	code := runGuarded(t.Context(), f, []string{"import", "--vendor", "thulium", "-m", samplePath("thulium.yaml"), samplePath("klienty-ru.csv")})
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut.String(), "crmport: internal error: getenv bug: ")
	assert.Contains(t, errOut.String(), "(this is a bug)\n")
	assert.Contains(t, errOut.String(), "details for a bug report are in ")
}
