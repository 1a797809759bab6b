package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// An interrupted dry run has nothing to fix and nothing to resume: the
// advice is to run it again, which checks the whole file.
func TestNotProcessedLineOfAnInterruptedDryRun(t *testing.T) {
	s := job.ImportSummary{DryRun: true, NotProcessed: 3, RestUnread: true}
	assert.Equal(t, "  3 rows read but not processed, and the rest of the file was not read (the import was interrupted): run the same command again to check the whole file (a dry run sends nothing, so it starts over)",
		notProcessedLine(s, false, true, false, false))
	assert.Contains(t, notProcessedLine(s, false, false, false, false), "(the dry run stopped early): fix the problem above")
}

// The advice of an interrupted dry run, followed: the same command again
// checks every row.
func TestInterruptedDryRunThenRunAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := importWriteContacts(t, dir, 100_000)
	run := func(ctx context.Context) (exitCode, string) {
		ios, _, _, errOut := iostreams.Test()
		code := run(ctx, fastFactory(ios, map[string]string{}), []string{"import", "--dry-run", "-m", mp, in})
		return code, errOut.String()
	}
	// Ctrl-C while the rows are checked: sooner, and no row has been read
	// yet (no summary); later, and the run is over. Try later each time.
	var code exitCode
	var errOut string
	for wait := 50 * time.Millisecond; ; wait *= 2 {
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		code, errOut = run(ctx)
		cancel()
		if code == exitOK {
			t.Skip("the dry run finished before it could be interrupted while checking rows")
		}
		require.Equal(t, exitInterrupted, code, errOut)
		if strings.Contains(errOut, "would be created") {
			break // interrupted with rows checked: the summary and its advice are printed
		}
	}
	require.Contains(t, errOut, "(the import was interrupted): run the same command again to check the whole file")
	code, errOut = run(t.Context())
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "100000 rows: 100000 would be created")
}
