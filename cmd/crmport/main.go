// Command crmport moves contact data between spreadsheets (CSV, XLSX) and
// three CRMs: SalesMan CRM, Thulium and BaseLinker. Run `crmport --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/crmport/crmport/internal/iostreams"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	f := &factory{
		IOStreams: iostreams.System(),
		Getenv:    os.Getenv,
		Now:       time.Now,
	}
	code := run(ctx, f, os.Args[1:])
	stop()
	os.Exit(int(code))
}
