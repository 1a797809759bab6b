package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEExamples runs every `go run ./cmd/crmport …` line of the README
// that needs no account (the --sandbox ones), as a newcomer would, so the
// README cannot rot. Reports go to a temporary folder instead of samples/.
func TestREADMEExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	var cmds []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "go run ./cmd/crmport "); ok && strings.Contains(rest, "--sandbox") {
			cmds = append(cmds, rest)
		}
	}
	require.GreaterOrEqual(t, len(cmds), 5, "the README's sandbox examples")
	assert.True(t, strings.HasPrefix(cmds[0], "import --sandbox"), "the README starts with a sandbox import")
	t.Chdir(root)
	for _, c := range cmds {
		t.Run(c, func(t *testing.T) {
			args := strings.Fields(c)
			dir := t.TempDir()
			for i := range args {
				if args[i] == "-o" && i+1 < len(args) {
					args[i+1] = filepath.Join(dir, args[i+1])
				}
			}
			if args[0] == "import" {
				args = append(args, "--report-dir", dir)
			}
			f, _ := testFactory()
			code, _, stderr := execCrmport(t, f, args...)
			if c == cmds[0] {
				// The first command a newcomer runs succeeds: under go run
				// any other status reads as a failure.
				assert.Equal(t, exitOK, code, stderr)
				assert.Contains(t, stderr, "24 created")
				assert.NotContains(t, stderr, "failed")
				return
			}
			// The other samples hold one broken row each, on purpose: exit 2.
			assert.Contains(t, []exitCode{exitOK, exitRowsFailed}, code, stderr)
			if args[0] == "import" {
				assert.Contains(t, stderr, "created")
				assert.Contains(t, stderr, "1 failed", "exactly the planted bad row fails")
			}
		})
	}
}

// TestREADMEFixTheErrorReport follows the README's step on the error
// report: import the sample with a broken e-mail, correct the e-mail in the
// error report as a person would in Excel, and run the command the summary
// suggests (the one the README shows): the fixed row is created.
func TestREADMEFixTheErrorReport(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	first := "go run ./cmd/crmport import --sandbox -m samples/salesman.yaml samples/klienty-ru-fix-me.csv"
	again := "crmport import -m samples/salesman.yaml --sandbox samples/klienty-ru-fix-me.csv.salesman.errors.csv"
	require.Contains(t, string(readme), first)
	require.Contains(t, string(readme), again)

	dir := t.TempDir()
	in := filepath.Join(dir, "klienty-ru-fix-me.csv")
	data, err := os.ReadFile(filepath.Join(root, "samples", "klienty-ru-fix-me.csv"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, data, 0o644))
	mp := filepath.Join(root, "samples", "salesman.yaml")
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--sandbox", "-m", mp, in)
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "23 created, 1 failed")
	report := in + ".salesman.errors.csv"
	suggested := "crmport import -m " + mp + " --sandbox " + report
	require.Contains(t, stderr, suggested, "the summary suggests the README's command")

	rows, err := os.ReadFile(report)
	require.NoError(t, err)
	require.Contains(t, string(rows), `""kuznetsova@"" is not an e-mail address`, "the reason, quoted as CSV quotes it")
	fixed := strings.Replace(string(rows), ";kuznetsova@;", ";kuznetsova@volga.ru;", 1)
	require.NotEqual(t, string(rows), fixed, "the broken e-mail is a cell of the report")
	require.NoError(t, os.WriteFile(report, []byte(fixed), 0o644))

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, strings.Fields(strings.TrimPrefix(suggested, "crmport "))...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1 created")
}
