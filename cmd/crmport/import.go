package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// importOptions is everything `crmport import` needs.
type importOptions struct {
	f  *factory
	IO *iostreams.IOStreams

	Input     string
	Mapping   string
	Vendor    string
	Sheet     string
	DryRun    bool
	Mode      string
	BatchSize int
	Workers   int
	Rate      rate.Limit // requests per second; 0 = the vendor's default
	RateSet   bool
	Retries   int
	Timeout   time.Duration
	MaxErrors job.MaxErrors
	ReportDir string
	// ReportFormat is --report-format: xlsx or csv ("" = the input's).
	ReportFormat string
	Restart      bool
	// ResumeChanged goes on from a journal written with an earlier
	// version of the mapping or of the input file (fixed after a stop).
	ResumeChanged bool
	Sandbox       bool
	JSON          bool
	Quiet         bool
	// Dedupe and Duplicates find and settle rows of the file that are the
	// same client (--dedupe, --duplicates).
	Dedupe     []job.DedupeRule
	Duplicates job.DuplicatePolicy
	// LookUp checks the CRM for each row before creating it (an explicit
	// --dedupe).
	LookUp bool

	// sandbox tunes the emulators of --sandbox and onSandbox is called
	// with them (tests: faults, seeding, reading the stores).
	sandbox   job.SandboxOptions
	onSandbox func(*job.Sandbox)
}

const importLong = `Import the rows of a CSV or XLSX file into SalesMan CRM, Thulium or
BaseLinker, as the mapping file says.

Every row ends in one of two reports beside the file (or in --report-dir),
named after the whole file name; for kontakty.xlsx into Thulium:
  kontakty.xlsx.thulium.done.xlsx     rows imported, with the CRM's id
  kontakty.xlsx.thulium.errors.xlsx   rows that failed, with the reason in
                                      crmport_error: fix them in Excel and
                                      import that file again
Blank rows are skipped. A journal (kontakty.xlsx.thulium.journal) records
every row as it is sent: if the import is interrupted (Ctrl-C, network,
sleep), run the same command again and it continues where it stopped,
without sending any row twice. Rows that failed are tried again.
--restart starts over; the earlier reports and journal are kept as
numbered copies (kontakty.xlsx.thulium.done.1.xlsx, ...).

One run of an import at a time: while it runs (a lock file,
kontakty.xlsx.thulium.lock, is beside the journal) a second run of the
same import is refused at once.

--mode upsert looks each row up by the mapping's key: rows the CRM already
holds with the same values are "unchanged", others are updated, new ones
created. --dry-run checks every row against the mapping without sending.`

const importExample = `  # try it with the built-in sandbox CRM, no account needed
  crmport import --sandbox -m samples/salesman.yaml samples/klienty-ru.csv

  # check the file first, then import, stopping if more than 5% of rows fail
  crmport import --dry-run -m salesman.yaml klienci.xlsx
  crmport import --max-errors 5% -m salesman.yaml klienci.xlsx

  # import the fixed error report again
  crmport import -m salesman.yaml klienci.xlsx.salesman.errors.xlsx`

// newImportCmd builds `crmport import`; runF replaces runImport in tests.
func newImportCmd(f *factory, runF func(*importOptions) error) *cobra.Command {
	opts := &importOptions{f: f, IO: f.IOStreams}
	var rateFlag, maxErrors, dedupe, duplicates string
	cmd := &cobra.Command{
		Use:     "import -m MAPPING FILE",
		Short:   "Import a spreadsheet into a CRM",
		Long:    importLong,
		Example: importExample,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("import needs exactly one file (CSV or XLSX), got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input = args[0]
			if opts.Mapping == "" {
				return flagErrorf("import needs a mapping file: -m MAPPING (create one with: crmport mapping init --vendor V %s > mapping.yaml)", args[0])
			}
			switch opts.Mode {
			case "create", "upsert":
			default:
				return flagErrorf("--mode must be create or upsert, not %q", opts.Mode)
			}
			if opts.BatchSize < 0 {
				return flagErrorf("--batch-size must be 1 or more")
			}
			if opts.Workers < 0 {
				return flagErrorf("--workers must be 1 or more")
			}
			if opts.Retries < 0 {
				return flagErrorf("--retries must be 0 or more")
			}
			r, ok, err := parseRate(rateFlag)
			if err != nil {
				return err
			}
			opts.Rate, opts.RateSet = r, ok
			m, err := job.ParseMaxErrors(maxErrors)
			if err != nil {
				return flagErrorf("--max-errors %v", err)
			}
			opts.MaxErrors = m
			if opts.Dedupe, err = job.ParseDedupe(dedupe); err != nil {
				return flagErrorf("%v", err)
			}
			if opts.Duplicates, err = job.ParseDuplicates(duplicates); err != nil {
				return flagErrorf("%v", err)
			}
			opts.LookUp = cmd.Flags().Changed("dedupe") && len(opts.Dedupe) > 0
			if runF != nil {
				return runF(opts)
			}
			return runImport(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Mapping, "mapping", "m", "", "mapping file (YAML) saying which column feeds which CRM field")
	fl.StringVar(&opts.Vendor, "vendor", "", "CRM: salesman, thulium or baselinker (default: the mapping's vendor)")
	fl.StringVar(&opts.Sheet, "sheet", "", "XLSX sheet to read (default: the mapping's, else the one Excel opens on)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "check every row against the mapping; send nothing")
	fl.StringVar(&opts.Mode, "mode", "create", "create: add every row; upsert: update rows the CRM has (by the mapping's key), add the others")
	fl.IntVar(&opts.BatchSize, "batch-size", 0, "clients per request (default: the CRM's, SalesMan 100)")
	fl.IntVar(&opts.Workers, "workers", 0, "requests in flight (default: the CRM's)")
	fl.StringVar(&rateFlag, "rate", "", "requests per minute, e.g. 90/min (default: the CRM's pace, BaseLinker 90/min); 0 = unpaced")
	fl.IntVar(&opts.Retries, "retries", job.DefaultRetries, "retries of a failed request before the rows fail (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "time limit of one request")
	fl.StringVar(&maxErrors, "max-errors", "", "stop when more than N rows (e.g. 10) or P% of rows (e.g. 5%) fail")
	fl.StringVar(&opts.ReportDir, "report-dir", "", "folder for the reports and the journal (default: the file's folder)")
	fl.StringVar(&opts.ReportFormat, "report-format", "", "reports as xlsx (failing cells marked, with the reason as a comment) or csv (default: the input file's format)")
	fl.BoolVar(&opts.Restart, "restart", false, "start over: send every row again (the earlier run's reports and journal are kept as numbered copies)")
	fl.BoolVar(&opts.ResumeChanged, "resume-changed", false, "after fixing the mapping or rows of the file, go on from the earlier run: rows already imported are skipped (changed ones are reported, not sent twice)")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "import into built-in emulators instead of a real CRM (no account needed; they start empty, so every run starts over)")
	fl.StringVar(&dedupe, "dedupe", "key,email", "rows of the file that are the same client, found before sending: any of key (the mapping's), email, phone, tax_id; none = no check. Given, each row is also looked up in the CRM first: a client it holds ends \"exists\" (upsert: updated)")
	fl.StringVar(&duplicates, "duplicates", "first", "first: import the first row of a client, report the later ones; error: report them all; merge: fill the first row's empty cells from the later ones")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout at the end")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress output (the summary and errors are still printed)")
	return cmd
}

// settings are the job layer's settings of this import.
func (opts *importOptions) settings() job.ImportSettings {
	return job.ImportSettings{
		Input: opts.Input, Mapping: opts.Mapping, Vendor: opts.Vendor, Sheet: opts.Sheet,
		DryRun: opts.DryRun, Mode: opts.Mode, BatchSize: opts.BatchSize, Workers: opts.Workers,
		Rate: opts.Rate, RateSet: opts.RateSet, Retries: opts.Retries, Timeout: opts.Timeout,
		MaxErrors: opts.MaxErrors, ReportDir: opts.ReportDir, Restart: opts.Restart,
		ResumeChanged: opts.ResumeChanged, Sandbox: opts.Sandbox,
		Dedupe: opts.Dedupe, Duplicates: opts.Duplicates, LookUp: opts.LookUp,
		Advice:         job.Advice{DuplicatesMerge: "--duplicates merge", DuplicatesError: "--duplicates error"},
		ReportFormat:   strings.ToLower(strings.TrimSpace(opts.ReportFormat)),
		CountRows:      !opts.Quiet,
		SandboxOptions: opts.sandbox, OnSandbox: opts.onSandbox,
	}
}

func runImport(ctx context.Context, opts *importOptions) error {
	env := opts.f.env()
	prog := newImportProgress(opts, env.Now)
	res, runErr := env.Import(ctx, opts.settings(), prog)
	prog.stop()
	if res.Started || errors.Is(runErr, job.ErrTooManyErrors) {
		printImportSummary(opts, res, runErr)
	}
	if opts.JSON && res.Started {
		if err := writeImportJSON(opts.IO.Out, res.Summary); err != nil {
			return err
		}
	}
	switch {
	case runErr == nil:
		return nil
	case errors.Is(runErr, job.ErrSomeRowsFailed):
		return withExitCode(exitRowsFailed, errSilent)
	case errors.Is(runErr, job.ErrTooManyErrors):
		return withExitCode(exitRowsFailed, importError(opts, runErr))
	}
	return importError(opts, runErr)
}
