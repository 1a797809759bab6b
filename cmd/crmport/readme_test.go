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
			// The samples hold one broken row each, on purpose: exit 2.
			assert.Contains(t, []exitCode{exitOK, exitRowsFailed}, code, stderr)
			if args[0] == "import" {
				assert.Contains(t, stderr, "created")
				assert.Contains(t, stderr, "1 failed", "exactly the planted bad row fails")
			}
		})
	}
}
