// Command crmport moves contact data between spreadsheets (CSV, XLSX) and
// three CRMs: SalesMan CRM, Thulium and BaseLinker. Run `crmport --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crmport/crmport/internal/iostreams"
)

func main() {
	// Ctrl-C, and the TERM a service manager or `kill` sends, cancel the
	// run the same way: the journal is saved and the exit status is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f := &factory{
		IOStreams: iostreams.System(),
		Getenv:    os.Getenv,
		Now:       time.Now,
	}
	code := run(ctx, f, os.Args[1:])
	stop()
	os.Exit(int(code))
}
