package main

import (
	"context"
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
	in, mp := importWriteContacts(t, dir, 300_000)
	run := func(ctx context.Context) (exitCode, string) {
		ios, _, _, errOut := iostreams.Test()
		code := run(ctx, fastFactory(ios, map[string]string{}), []string{"import", "--dry-run", "-m", mp, in})
		return code, errOut.String()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond) // Ctrl-C while the rows are checked
	defer cancel()
	code, errOut := run(ctx)
	if code == exitOK {
		t.Skip("the dry run of 300,000 rows finished before it could be interrupted")
	}
	require.Equal(t, exitInterrupted, code, errOut)
	require.Contains(t, errOut, "(the import was interrupted): run the same command again to check the whole file")
	code, errOut = run(t.Context())
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "300000 rows: 300000 would be created")
}
