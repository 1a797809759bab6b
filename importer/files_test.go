package importer

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmport/crmport/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/internal/runlock"
)

// snapshot reads every file of dir.
func snapshot(t *testing.T, dir string) map[string]string { return testkit.DirFiles(t, dir) }

// A restart refused by the CRM (a wrong key) sent nothing: the earlier
// journal and reports stay byte for byte where they were.
func TestRestartRefusedKeepsEverything(t *testing.T) {
	rows := table(6)
	rows[2][1] = "bad" // one row in the error report
	dir := t.TempDir()
	v := newMemVendor(2)
	opt := setup(t, dir, rows, wrap(v))
	_, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	before := snapshot(t, dir)
	require.Contains(t, before, "contacts.csv.mem.done.csv")
	require.Contains(t, before, "contacts.csv.mem.errors.csv")
	require.Contains(t, before, "contacts.csv.mem.journal")

	v.fatalNext = true
	opt.Restart = true
	s, err := Run(t.Context(), opt)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "wrong api key")
	assert.True(t, s.RestartUndone)
	assert.Empty(t, s.KeptAside)
	assert.Equal(t, before, snapshot(t, dir), "nothing was sent: every earlier file is as it was, none moved aside")
}

// Each restart keeps the earlier run's journal and reports as a numbered
// set; the newest files keep the plain names.
func TestRestartsKeepEveryEarlierRun(t *testing.T) {
	rows := table(4)
	rows[1][1] = "bad"
	dir := t.TempDir()
	opt := setup(t, dir, rows, wrap(newMemVendor(2)))
	_, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	first := snapshot(t, dir)

	opt.Restart = true
	_, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	second := snapshot(t, dir)
	for _, kind := range []struct{ plain, aside string }{
		{"contacts.csv.mem.done.csv", "contacts.csv.mem.done.1.csv"},
		{"contacts.csv.mem.errors.csv", "contacts.csv.mem.errors.1.csv"},
		{"contacts.csv.mem.journal", "contacts.csv.mem.1.journal"},
	} {
		assert.Equal(t, first[kind.plain], second[kind.aside], kind.aside)
	}
	_, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	third := snapshot(t, dir)
	assert.Equal(t, first["contacts.csv.mem.done.csv"], third["contacts.csv.mem.done.1.csv"])
	assert.Equal(t, second["contacts.csv.mem.done.csv"], third["contacts.csv.mem.done.2.csv"])
	assert.Equal(t, second["contacts.csv.mem.1.journal"], third["contacts.csv.mem.1.journal"])
	assert.Contains(t, third, "contacts.csv.mem.2.journal")
	assert.Contains(t, third, "contacts.csv.mem.journal")
}

// A restart in which no row could be sent (all invalid) still reads the
// whole file: its reports replace the earlier ones, which are kept.
func TestRestartWithNothingToSendKeepsEarlierReports(t *testing.T) {
	dir := t.TempDir()
	opt := setup(t, dir, table(3), wrap(newMemVendor(2)))
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)
	first := snapshot(t, dir)

	bad := table(3)
	for i := range bad {
		bad[i][1] = "bad"
	}
	opt = setup(t, dir, bad, wrap(newMemVendor(2)))
	opt.Restart = true
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, 3, s.Failed)
	now := snapshot(t, dir)
	assert.Equal(t, first["contacts.csv.mem.done.csv"], now["contacts.csv.mem.done.1.csv"])
	assert.Equal(t, first["contacts.csv.mem.journal"], now["contacts.csv.mem.1.journal"])
	assert.Contains(t, now, "contacts.csv.mem.errors.csv")
	assert.NotContains(t, now, "contacts.csv.mem.done.csv")
}

// A journal of crmport 1.0 (kontakty.mem.journal, the extension dropped)
// written for this very file is adopted and resumed; one written for
// another file of the same name stem is left alone.
func TestOldJournalNameAdopted(t *testing.T) {
	dir := t.TempDir()
	v := newMemVendor(2)
	opt := setup(t, dir, table(4), wrap(v))
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)
	journal := filepath.Join(dir, "contacts.csv.mem.journal")
	old := filepath.Join(dir, "contacts.mem.journal")
	require.NoError(t, os.Rename(journal, old))
	calls := v.calls

	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 4, s.Resumed, "the old journal was resumed: nothing sent twice")
	assert.Equal(t, calls, v.calls, "no further create calls")
	assert.NoFileExists(t, old)
	assert.FileExists(t, journal)

	// The old journal belongs to contacts.xlsx: contacts.csv leaves it.
	require.NoError(t, os.Rename(journal, old))
	other := setup(t, dir, table(5), wrap(newMemVendor(2)))
	s, err = Run(t.Context(), other)
	require.NoError(t, err)
	assert.Equal(t, 0, s.Resumed)
	assert.FileExists(t, old, "another file's journal is not touched")
}

// A journal whose imported rows are none of this file's belongs to
// another file: refused with its own advice, never --resume-changed, and
// not even with ResumeChanged.
func TestJournalOfAnotherInput(t *testing.T) {
	dir := t.TempDir()
	opt := setup(t, dir, table(4), wrap(newMemVendor(2)))
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)

	others := table(8)[4:]
	for _, resume := range []bool{false, true} {
		o := setup(t, dir, others, wrap(newMemVendor(2)))
		o.ResumeChanged = resume
		_, err = Run(t.Context(), o)
		var je *JournalError
		require.ErrorAs(t, err, &je)
		require.ErrorIs(t, err, ErrJournalMismatch)
		assert.Equal(t, JournalOtherInput, je.Problem)
		assert.Equal(t, 4, je.Imported)
	}

	// A fixed version of the same file (one row changed) is still the
	// same import: --resume-changed is the advice.
	fixed := table(4)
	fixed[3][0] = "Client 4 fixed"
	o := setup(t, dir, fixed, wrap(newMemVendor(2)))
	_, err = Run(t.Context(), o)
	require.ErrorIs(t, err, ErrJournalMismatch)
	var je *JournalError
	require.ErrorAs(t, err, &je)
	assert.Equal(t, JournalChanged, je.Problem, "the same import, changed: resuming it is the way on")
	assert.True(t, je.InputChanged)
	assert.False(t, je.MappingChanged)
}

// While another run holds the import's lock, Run refuses at once and
// touches nothing.
func TestRunRefusedWhileLocked(t *testing.T) {
	dir := t.TempDir()
	v := newMemVendor(2)
	opt := setup(t, dir, table(3), wrap(v))
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)
	before := snapshot(t, dir)

	l, err := Lock(opt.Input, "", "mem", "importing contacts.csv into Mem", time.Now())
	require.NoError(t, err)
	defer l.Release()
	for _, dry := range []bool{false, true} {
		o := opt
		o.Restart = true
		o.DryRun = dry
		_, err = Run(t.Context(), o)
		require.True(t, runlock.IsBusy(err), "%v", err)
		assert.Contains(t, err.Error(), "another crmport is importing contacts.csv into Mem (pid ")
	}
	after := snapshot(t, dir)
	delete(after, "contacts.csv.mem.lock")
	delete(after, "contacts.csv.mem.lock.info")
	assert.Equal(t, before, after)
	assert.Equal(t, 2, v.calls, "the refused runs sent nothing")

	opt.Lock = l // the caller's own lock is accepted
	_, err = Run(t.Context(), opt)
	require.NoError(t, err)
}
