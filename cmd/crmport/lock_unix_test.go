//go:build unix

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
)

// lockContacts writes n contacts and a BaseLinker mapping for them:
// BaseLinker creates a client twice when asked twice, so a row sent by two
// runs shows.
func lockContacts(t *testing.T, dir string, n int) (input, mapping string) {
	t.Helper()
	input, mapping = importWriteContacts(t, dir, n)
	require.NoError(t, os.WriteFile(mapping, []byte("vendor: baselinker\nsource:\n  delimiter: \";\"\nfields:\n  invoice_company: Firma\n  phone: Telefon\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	return input, mapping
}

// lockEachOnce asserts that the emulator holds each of the n rows once.
func lockEachOnce(t *testing.T, fake crm.Fake, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range fake.Records() {
		seen[fmt.Sprint(r["invoice_company"])]++
	}
	assert.Len(t, seen, n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("Firma Testowa %04d", i)
		assert.Equal(t, 1, seen[name], "%s stored %d times", name, seen[name])
	}
}

// waitStopped waits until the process pid is stopped (SIGSTOP is
// delivered asynchronously; Linux shows it as state T in /proc, elsewhere
// a pause stands in) and the requests it had in flight are answered.
func waitStopped(t *testing.T, pid int, fake crm.Fake) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", pid)
	if _, err := os.Stat(stat); err != nil {
		time.Sleep(300 * time.Millisecond)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b, err := os.ReadFile(stat)
		if err != nil {
			break
		}
		// pid (comm) state ...: the state follows the last ')'.
		if f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:])); len(f) > 0 && f[0] == "T" {
			break
		}
	}
	for n := -1; n != len(fake.Requests()); time.Sleep(100 * time.Millisecond) {
		n = len(fake.Requests())
	}
}

// exitOf returns a finished child's exit code, or -1 if a signal ended it.
func exitOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}

// The same import started twice (two windows, a double click): the second
// run is refused at once with who holds the import, sends nothing and
// touches no file; the first finishes, and every row is in the CRM once.
func TestImportTwiceAtOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	const rows = 120
	in, mp := lockContacts(t, dir, rows)
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Addr: "127.0.0.1:0", Latency: 5 * time.Millisecond})
	require.NoError(t, err)
	defer sb.Close()
	fake := sb.Fakes()["baselinker"]
	args := []string{"import", "--rate", "0", "-m", mp, in}

	first, firstErr := startCrmport(t, sb.Env(), args...)
	for deadline := time.Now().Add(30 * time.Second); fake.Len() < 10 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	require.GreaterOrEqual(t, fake.Len(), 10, firstErr.String())
	// Freeze the first run mid-import, so that anything that changes
	// while the second runs is the second's doing.
	require.NoError(t, first.Process.Signal(syscall.SIGSTOP))
	waitStopped(t, first.Process.Pid, fake)
	before, sent := dirFiles(t, dir), len(fake.Requests())
	require.Contains(t, before, "kontakty.csv.baselinker.lock")

	second, secondErr := startCrmport(t, sb.Env(), args...)
	code := exitOf(second.Wait())
	after, sentAfter := dirFiles(t, dir), len(fake.Requests())
	require.NoError(t, first.Process.Signal(syscall.SIGCONT))
	assert.Equal(t, 1, code, secondErr.String())
	assert.Regexp(t, fmt.Sprintf(`^crmport: another crmport is importing kontakty\.csv into BaseLinker \(pid %d, started \d\d:\d\d\); wait for it to finish, or stop it\n$`, first.Process.Pid),
		secondErr.String())
	assert.Equal(t, before, after, "the refused run touched no file")
	assert.Equal(t, sent, sentAfter, "the refused run sent nothing")

	require.NoError(t, first.Wait(), firstErr.String())
	lockEachOnce(t, fake, rows)
	assert.NoFileExists(t, filepath.Join(dir, "kontakty.csv.baselinker.lock"))
	done := importReadCSV(t, filepath.Join(dir, "kontakty.csv.baselinker.done.csv"), ';')
	assert.Len(t, done, rows+1)
}

// raceLoops is how many rounds TestImportRaceLoop runs: a few in the
// normal suite, CRMPORT_RACE_LOOPS of them for the acceptance run
// (bench/race_loop.sh runs 20).
func raceLoops(t *testing.T) int {
	if s := os.Getenv("CRMPORT_RACE_LOOPS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "CRMPORT_RACE_LOOPS")
		return n
	}
	return 3
}

// TestImportRaceLoop starts the same import twice with a random delay
// between them, kills either at random moments, then runs it once more to
// finish: every round ends with each row in the CRM exactly once, and each
// run either finished, was refused with the holder's name, or was killed.
func TestImportRaceLoop(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts child processes")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CRMPORT_RACE_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("CRMPORT_RACE_SEED=%d", seed)
	rnd := rand.New(rand.NewPCG(seed, 11))
	const rows = 80
	for round := range raceLoops(t) {
		t.Run(fmt.Sprintf("round %d", round+1), func(t *testing.T) {
			dir := t.TempDir()
			in, mp := lockContacts(t, dir, rows)
			sb, err := sandbox.Start(t.Context(), sandbox.Options{Addr: "127.0.0.1:0", Latency: 2 * time.Millisecond})
			require.NoError(t, err)
			defer sb.Close()
			fake := sb.Fakes()["baselinker"]
			args := []string{"import", "--rate", "0", "-m", mp, in}

			type child struct {
				cmd    *exec.Cmd
				stderr fmt.Stringer
				done   chan error
				killed bool
			}
			start := func() *child {
				cmd, stderr := startCrmport(t, sb.Env(), args...)
				c := &child{cmd: cmd, stderr: stderr, done: make(chan error, 1)}
				go func() { c.done <- cmd.Wait() }()
				return c
			}
			a := start()
			time.Sleep(time.Duration(rnd.IntN(400)) * time.Millisecond)
			b := start()
			for _, c := range []*child{a, b} {
				if rnd.IntN(2) == 0 {
					continue
				}
				select {
				case <-time.After(time.Duration(rnd.IntN(500)) * time.Millisecond):
					c.killed = c.cmd.Process.Signal(syscall.SIGKILL) == nil
				case err := <-c.done:
					c.done <- err
				}
			}
			var outcome []string
			for i, c := range []*child{a, b} {
				err := <-c.done
				code := exitOf(err)
				switch {
				case c.killed && code == -1:
					outcome = append(outcome, "killed")
				case code == 0:
					outcome = append(outcome, "finished")
				case code == 1 && strings.Contains(c.stderr.String(), "another crmport is importing kontakty.csv into BaseLinker (pid "):
					outcome = append(outcome, "refused")
				default:
					t.Errorf("run %d ended with %v: %s", i+1, err, c.stderr.String())
					outcome = append(outcome, "failed")
				}
			}
			t.Logf("before the final run: %s, %s; %d of %d rows in the CRM", outcome[0], outcome[1], fake.Len(), rows)
			last, lastErr := startCrmport(t, sb.Env(), args...)
			require.NoError(t, last.Wait(), lastErr.String())
			lockEachOnce(t, fake, rows)
			done := importReadCSV(t, filepath.Join(dir, "kontakty.csv.baselinker.done.csv"), ';')
			assert.Len(t, done, rows+1, "the done report covers the whole file")
			assert.False(t, strings.Contains(lastErr.String(), "another crmport"), lastErr.String())
		})
	}
}
