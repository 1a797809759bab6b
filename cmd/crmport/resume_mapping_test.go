package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// After a run with a wrong mapping, the user fixes the mapping and runs
// again: the journal of the earlier run is refused with a message that
// names the safe way on, and --resume-changed imports only the rows not
// yet in the CRM, so nobody is created twice (Thulium has no duplicate check).
func TestResumeWithFixedMapping(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Nazwisko;E-mail;Uwagi\r\n")
	for i := 1; i <= 10; i++ {
		note := ""
		if i > 5 {
			note = "zadzwonić w poniedziałek"
		}
		fmt.Fprintf(&b, "Nowak%d;nowak%d@firma.pl;%s\r\n", i, i, note)
	}
	input := filepath.Join(dir, "kontakty.csv")
	require.NoError(t, os.WriteFile(input, []byte(b.String()), 0o600))
	mpath := filepath.Join(dir, "m.yaml")
	// The wrong mapping takes the e-mail from the notes column: rows with a
	// note fail, the others are created without an e-mail.
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: Uwagi, transform: [email]}\n"), 0o600))

	runIt := func(args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mpath, input}, args...)...)
		return code, stderr
	}
	code, stderr := runIt()
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "5 created")
	assert.Contains(t, stderr, "5 failed")

	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [email]}\n"), 0o600))
	code, stderr = runIt()
	require.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "--resume-changed")
	assert.Contains(t, stderr, "imported 5 rows")
	assert.Contains(t, stderr, "would create them twice", "the trap of --restart is named")

	code, stderr = runIt("--resume-changed")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "the mapping changed since the earlier run")
	recs := sb.Fakes()["thulium"].Records()
	require.Len(t, recs, 10, "every row once: the five imported by the first run were not sent again")
	surnames := map[string]int{}
	for _, r := range recs {
		surnames[fmt.Sprint(r["surname"])]++
	}
	for s, n := range surnames {
		assert.Equal(t, 1, n, s)
	}

	// The journal now names the new mapping: a plain rerun resumes quietly.
	code, stderr = runIt()
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, sb.Fakes()["thulium"].Records(), 10)
}

// Editing only a comment of the mapping does not stop a resume.
func TestResumeAfterCommentOnlyMappingEdit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;jan@\r\nKowalski;k@firma.pl\r\n"), 0o600))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o600))
	sb, env := startEnv(t)
	runIt := func() (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, "import", "-m", mpath, input)
		return code, stderr
	}
	code, stderr := runIt()
	require.Equal(t, exitRowsFailed, code, stderr)
	require.NoError(t, os.WriteFile(mpath, []byte("# Thulium, poprawione\nvendor: thulium\nfields:\n  surname: Nazwisko   # wymagane\n  email: E-mail\n"), 0o600))
	code, stderr = runIt()
	assert.Equal(t, exitRowsFailed, code, stderr)
	assert.NotContains(t, stderr, "different mapping")
	assert.Contains(t, stderr, "already done by an earlier run")
	assert.Len(t, sb.Fakes()["thulium"].Records(), 1, "Kowalski once; Nowak's e-mail still fails")
}

// After --max-errors stops a run on bad e-mails, the user fixes the cells in
// the original file and runs again with --resume-changed: every row ends in
// the CRM exactly once (Thulium has no duplicate check).
func TestResumeAfterFixingTheFile(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	dir := t.TempDir()
	write := func(fixed bool) {
		var b strings.Builder
		b.WriteString("Nazwisko;E-mail\r\n")
		for i := 1; i <= 30; i++ {
			mail := fmt.Sprintf("nowak%d@firma.pl", i)
			if !fixed && i%3 == 0 && i <= 15 {
				mail = fmt.Sprintf("nowak%d(at)firma.pl", i) // 5 bad e-mails
			}
			fmt.Fprintf(&b, "Nowak%d;%s\r\n", i, mail)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "kontakty.csv"), []byte(b.String()), 0o600))
	}
	write(false)
	input := filepath.Join(dir, "kontakty.csv")
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [email]}\n"), 0o600))
	runIt := func(args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mpath, "--batch-size", "1", "--workers", "1", input}, args...)...)
		return code, stderr
	}
	code, stderr := runIt("--max-errors", "4")
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "--resume-changed")
	before := sb.Fakes()["thulium"].Len()
	require.Positive(t, before)

	write(true)
	code, stderr = runIt()
	require.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "--resume-changed")
	assert.Contains(t, stderr, "create them twice", "the trap of --restart is named")

	code, stderr = runIt("--resume-changed")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "the file changed since the earlier run")
	recs := sb.Fakes()["thulium"].Records()
	require.Len(t, recs, 30, "every row once")
	surnames := map[string]int{}
	for _, r := range recs {
		surnames[fmt.Sprint(r["surname"])]++
	}
	assert.Len(t, surnames, 30)
	for s, n := range surnames {
		assert.Equal(t, 1, n, s)
	}
}
