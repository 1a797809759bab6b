package main

import (
	"github.com/inconshreveable/mousetrap"
	"github.com/spf13/cobra"
)

// explorerArgs are the arguments crmport runs with: those given, or, when
// Windows Explorer started it by a double click with none, `ui`, so the
// page opens instead of cobra's "this is a command line tool" notice
// (cobra shows that whenever Explorer started the program, so it is
// switched off here).
func explorerArgs(args []string, byExplorer bool) []string {
	if len(args) > 0 || !byExplorer {
		return args
	}
	cobra.MousetrapHelpText = ""
	return []string{"ui"}
}

// startedByExplorer reports whether Windows Explorer started crmport
// (always false elsewhere).
var startedByExplorer = mousetrap.StartedByExplorer
