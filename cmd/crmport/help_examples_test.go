package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpExamplesRun runs every example of every command's --help that
// needs no account (--sandbox, or a mapping command on the samples), so a
// person copying one from the help gets what it promises.
func TestHelpExamplesRun(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	f, _ := testFactory()
	var examples []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, line := range strings.Split(c.Example, "\n") {
			line = strings.TrimSpace(line)
			rest, ok := strings.CutPrefix(line, "crmport ")
			if !ok || !strings.Contains(rest, "samples/") && !strings.Contains(rest, "--sandbox") {
				continue
			}
			if i := strings.Index(rest, " > "); i >= 0 {
				rest = rest[:i] // the shell redirection is not an argument
			}
			if strings.Contains(rest, "--sandbox") || strings.HasPrefix(rest, "mapping ") || strings.HasPrefix(rest, "preview ") {
				examples = append(examples, rest)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(f))
	require.GreaterOrEqual(t, len(examples), 4)
	t.Chdir(root)
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			args := strings.Fields(strings.ReplaceAll(ex, "'", ""))
			dir := t.TempDir()
			for i := range args {
				if (args[i] == "-o") && i+1 < len(args) && args[i+1] != "-" {
					args[i+1] = filepath.Join(dir, args[i+1])
				}
			}
			if args[0] == "import" {
				args = append(args, "--report-dir", dir)
			}
			f, _ := testFactory()
			code, _, stderr := execCrmport(t, f, args...)
			assert.Contains(t, []exitCode{exitOK, exitRowsFailed}, code, "%s\n%s", ex, stderr)
		})
	}
}
