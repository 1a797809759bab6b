// Command crmport moves contact data between spreadsheets (CSV, XLSX) and
// three CRMs: SalesMan CRM, Thulium and BaseLinker. Run `crmport --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

func main() {
	if limitMemory(os.Getenv) {
		go followLiveHeap(context.Background(), time.Second/5, liveHeap, debug.SetMemoryLimit)
	}
	// Ctrl-C, and the TERM a service manager or `kill` sends, cancel the
	// run the same way: the journal is saved and the exit status is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f := &factory{
		IOStreams: iostreams.System(),
		Getenv:    os.Getenv,
		Now:       time.Now,
	}
	code := runGuarded(ctx, f, explorerArgs(os.Args[1:], startedByExplorer()))
	stop()
	stopProfile()
	os.Exit(int(code))
}

// runGuarded is run with a last guard on main's goroutine: a panic there
// (a bug) ends with exit status 1 and says so, instead of Go's exit status
// 2, which crmport documents as "finished, some rows failed". The
// goroutines of an import or export recover their own panics (internal/bug)
// and end the command through the same path.
func runGuarded(ctx context.Context, f *factory, args []string) (code exitCode) {
	err := job.Catch(func() error {
		code = run(ctx, f, args)
		return nil
	})
	if err != nil {
		code = exitCodeFor(err, f.IOStreams.ErrOut, ctx)
		f.bugDetails(err)
	}
	return code
}

// bugDetails puts the stack of a recovered panic where a bug report can
// use it without burying the message: on stderr with --debug, otherwise in
// a file in the temporary folder, whose path is printed.
func (f *factory) bugDetails(err error) {
	var be *job.BugError
	if !errors.As(err, &be) {
		return
	}
	w := f.IOStreams.ErrOut
	report := fmt.Sprintf("crmport %s\n%s\n\n%s", currentBuild().Short(), be.Error(), be.Stack)
	if f.Debug {
		fmt.Fprintf(w, "details for a bug report:\n%s\n", report)
		return
	}
	fh, ferr := os.CreateTemp("", "crmport-bug-*.txt")
	if ferr == nil {
		_, ferr = fh.WriteString(report + "\n")
		if cerr := fh.Close(); ferr == nil {
			ferr = cerr
		}
	}
	if ferr != nil {
		fmt.Fprintln(w, "  run the same command with --debug to see the details for a bug report")
		return
	}
	fmt.Fprintf(w, "  details for a bug report are in %s\n", fh.Name())
}

// stopProfile ends a CPU profile started by a build with the tag profile
// (profile.go); nothing otherwise.
var stopProfile = func() {}
