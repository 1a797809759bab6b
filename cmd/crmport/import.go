package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
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
	MaxErrors importer.MaxErrors
	ReportDir string
	Restart   bool
	// ResumeChanged goes on from a journal written with an earlier
	// version of the mapping or of the input file (fixed after a stop).
	ResumeChanged bool
	Sandbox       bool
	JSON          bool
	Quiet         bool

	// vendorOpts reaches the vendor (tests set sandbox options and hooks).
	vendorOpts vendorOptions
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
	var rateFlag, maxErrors string
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
			m, err := importer.ParseMaxErrors(maxErrors)
			if err != nil {
				return flagErrorf("%v", err)
			}
			opts.MaxErrors = m
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
	fl.IntVar(&opts.Retries, "retries", retry.DefaultRetries, "retries of a failed request before the rows fail (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "time limit of one request")
	fl.StringVar(&maxErrors, "max-errors", "", "stop when more than N rows (e.g. 10) or P% of rows (e.g. 5%) fail")
	fl.StringVar(&opts.ReportDir, "report-dir", "", "folder for the reports and the journal (default: the file's folder)")
	fl.BoolVar(&opts.Restart, "restart", false, "start over: send every row again (the earlier run's reports and journal are kept as numbered copies)")
	fl.BoolVar(&opts.ResumeChanged, "resume-changed", false, "after fixing the mapping or rows of the file, go on from the earlier run: rows already imported are skipped (changed ones are reported, not sent twice)")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, "import into built-in emulators instead of a real CRM (no account needed; they start empty, so every run starts over)")
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout at the end")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress output (the summary and errors are still printed)")
	return cmd
}

// sourceOptions are the mapping's sheet options, adjusted so that an error
// report written by crmport (UTF-8 with a BOM, header in row 1) reads back
// right even when the mapping names the original file's encoding or
// header row.
func sourceOptions(m *mapping.Mapping, input, sheetName string) sheet.Options {
	so := m.SheetOptions()
	if sheetName != "" {
		so.Sheet = sheetName
	}
	so.ExpectedHeaders = m.Headers()
	if f, err := os.Open(input); err == nil {
		var b [3]byte
		n, _ := io.ReadFull(f, b[:])
		f.Close()
		if n == 3 && b == [3]byte{0xEF, 0xBB, 0xBF} {
			so.Encoding = "" // the BOM says UTF-8: detection honours it
		}
	}
	base := strings.ToLower(filepath.Base(input))
	if strings.Contains(base, ".errors.") || strings.Contains(base, ".done.") {
		so.HeaderRow = 0 // crmport's reports have their header in row 1
	}
	return so
}

func runImport(ctx context.Context, opts *importOptions) error {
	f := opts.f
	now := f.Now
	if now == nil {
		now = time.Now
	}
	vendorName := strings.ToLower(strings.TrimSpace(opts.Vendor))
	if vendorName != "" {
		// A misspelt --vendor is a flag error, not a mapping mismatch.
		if _, err := f.vendors().Lookup(vendorName); err != nil {
			return flagErrorf("%w", err)
		}
	}
	m, err := mapping.Load(opts.Mapping, f.vendors())
	if err != nil {
		return err
	}
	if opts.Mode == "upsert" {
		if err := m.UpsertKeyError(); err != nil {
			return err
		}
	}
	switch {
	case vendorName == "":
		vendorName = m.Vendor
	case m.Vendor != "" && m.Vendor != vendorName:
		return fmt.Errorf("the mapping %s is written for %s, but --vendor says %s: use a mapping for %s (crmport mapping init --vendor %s FILE)",
			opts.Mapping, f.vendorTitle(m.Vendor), f.vendorTitle(vendorName), f.vendorTitle(vendorName), vendorName)
	}
	if st, err := os.Stat(opts.Input); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: file not found (check the name and the folder)", opts.Input)
		}
		return fmt.Errorf("cannot read the file to import %s: %w", opts.Input, err)
	} else if st.IsDir() {
		return fmt.Errorf("%s is a folder, not a file: give the CSV or XLSX file to import", opts.Input)
	}
	so := sourceOptions(m, opts.Input, opts.Sheet)

	vo := opts.vendorOpts
	vo.Timeout = opts.Timeout
	v, cleanup, err := f.openVendor(ctx, vendorName, opts.Sandbox, vo)
	if err != nil && opts.DryRun && !opts.Sandbox {
		// A dry run sends nothing: without credentials, check the rows
		// against the vendor's standard field list.
		reg, lerr := f.vendors().Lookup(vendorName)
		if lerr != nil {
			return flagErrorf("%w", lerr)
		}
		fmt.Fprintf(opts.IO.ErrOut, "note: no %s credentials set, so the rows are checked against %s's standard fields only (custom fields of your account are not known)\n",
			f.vendorTitle(vendorName), f.vendorTitle(vendorName))
		v, cleanup, err = offlineVendor{name: reg.Name, fields: reg.Catalogue()}, func() {}, nil
	}
	if err != nil {
		return err
	}
	defer cleanup()

	// One run of an import at a time, taken before the CRM is first asked
	// anything: a second run sends nothing and touches no report.
	lock, err := importer.Lock(opts.Input, opts.ReportDir, v.Name(), importDoing(opts, vendorName), now())
	if err != nil {
		return err
	}
	defer lock.Release()

	prog := newImportProgress(opts, vendorName, now)
	// same tells our client from another one with the same e-mail or phone
	// after a lost answer; it is set once the field types and the binding
	// are known, before anything is sent.
	var same func(sent, stored crm.Record) bool
	policy := retry.Policy{Retries: retry.Times(opts.Retries), OnRetry: prog.Retrying, Now: now, Sleep: f.Sleep,
		SameClient: func(sent, stored crm.Record) bool { return same == nil || same(sent, stored) }}
	if opts.RateSet {
		policy.Rate = opts.Rate
		policy.Burst = 1
	}
	wrapped := retry.Wrap(v, policy)
	fields, err := wrapped.Fields(ctx)
	if err != nil {
		return fmt.Errorf("cannot read %s's field list (check the CRMPORT_%s_* settings): %w", f.vendorTitle(vendorName), strings.ToUpper(vendorName), err)
	}
	_, offline := v.(offlineVendor)
	warnInactiveFields(opts.IO.ErrOut, f.vendorReg(vendorName), m, fields, offline)
	fieldTypes := make(map[string]crm.FieldType, len(fields))
	for _, fd := range fields {
		fieldTypes[fd.Name] = fd.Type
	}

	var info sheet.Info
	columns := 0
	iopt := importer.Options{
		Input: opts.Input,
		Open: func(ctx context.Context) (sheet.Source, error) {
			src, err := sheet.Open(ctx, opts.Input, so)
			if err == nil {
				info, columns = src.Info(), len(src.Header())
			}
			return src, err
		},
		Bind: func(header []string) (importer.Binder, error) {
			b, err := m.Bind(header, fields, mapping.ApplyOptions{Now: now, Info: &info})
			if err != nil {
				return nil, err
			}
			same = importer.SameClient(v.Capabilities().IDField, f.vendorReg(vendorName).Normalize, fieldTypes, b.PhoneRegion)
			return b, nil
		},
		CreateSink:  sheet.Create,
		MappingFile: opts.Mapping,
		Vendor:      wrapped,
		Mode:        importer.Mode(opts.Mode),
		Key:         m.Key,
		BatchSize:   opts.BatchSize,
		Workers:     opts.Workers,
		DryRun:      opts.DryRun,
		// The in-process sandbox starts empty every time, so a journal of an
		// earlier sandbox run describes clients that no longer exist.
		Restart:       opts.Restart || opts.Sandbox,
		ResumeChanged: opts.ResumeChanged,
		MappingDigest: m.Fingerprint(),
		Target:        f.importTarget(vendorName, opts.Sandbox),
		MaxErrors:     opts.MaxErrors,
		ReportDir:     opts.ReportDir,
		Lock:          lock,
		Progress:      prog,
		Normalize:     f.vendorReg(vendorName).Normalize,
		FieldTypes:    fieldTypes,
		CountRows:     opts.IO.IsStderrTTY() && !opts.Quiet,
		Now:           now,
	}
	sum, runErr := importer.Run(ctx, iopt)
	prog.stop()
	// A run that finished (even on a file with no data rows) or got as far
	// as reading rows has a summary; one that could not start has only its
	// error.
	started := runErr == nil || sum.Rows > 0 || sum.Reports.Journal != "" || errors.Is(runErr, importer.ErrSomeRowsFailed)
	if started || errors.Is(runErr, importer.ErrTooManyErrors) {
		printImportSummary(opts, vendorName, so, info, columns, sum, runErr)
	}
	if opts.JSON && started {
		if err := writeImportJSON(opts.IO.Out, sum); err != nil {
			return err
		}
	}
	switch {
	case runErr == nil:
		return nil
	case errors.Is(runErr, importer.ErrSomeRowsFailed):
		return withExitCode(exitRowsFailed, errSilent)
	case errors.Is(runErr, importer.ErrTooManyErrors):
		return withExitCode(exitRowsFailed, runErr)
	}
	return runErr
}

// importDoing says what an import run does, for the message a second run
// of the same import shows: "importing contacts.csv into BaseLinker".
func importDoing(opts *importOptions, vendor string) string {
	name := filepath.Base(opts.Input)
	where := opts.f.vendorTitle(vendor)
	if opts.Sandbox {
		where = "the " + where + " sandbox"
	}
	if opts.DryRun {
		return fmt.Sprintf("checking %s for %s (a dry run)", name, where)
	}
	return fmt.Sprintf("importing %s into %s", name, where)
}

// importJSON is the --json summary object of DESIGN.md.
type importJSON struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Exists    int `json:"exists"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	// NotProcessed is added (beyond DESIGN's keys) when the import stopped
	// early: rows that are in no report.
	NotProcessed int   `json:"not_processed,omitempty"`
	ElapsedMS    int64 `json:"elapsed_ms"`
	Reports      struct {
		Errors  string `json:"errors"`
		Done    string `json:"done"`
		Journal string `json:"journal"`
	} `json:"reports"`
}

func writeImportJSON(w io.Writer, s importer.Summary) error {
	var j importJSON
	j.Rows, j.Created, j.Updated, j.Exists, j.Unchanged, j.Failed, j.Skipped = s.Rows, s.Created, s.Updated, s.Exists, s.Unchanged, s.Failed, s.Skipped
	j.NotProcessed = s.NotProcessed
	j.ElapsedMS = s.Elapsed.Milliseconds()
	j.Reports.Errors, j.Reports.Done, j.Reports.Journal = s.Reports.Errors, s.Reports.Done, s.Reports.Journal
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

// importQuoteArg quotes a command-line argument when it needs it.
func importQuoteArg(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'&;|<>()$`") {
		return strconv.Quote(s)
	}
	return s
}

func importPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// printImportSummary tells a person what happened and what to do next.
func printImportSummary(opts *importOptions, vendor string, so sheet.Options, info sheet.Info, columns int, s importer.Summary, runErr error) {
	w := opts.IO.ErrOut
	title := opts.f.vendorTitle(vendor)
	if opts.Sandbox {
		title += " sandbox"
	}
	noRows := s.Rows == 0 && runErr == nil
	head := fmt.Sprintf("Imported %s into %s", filepath.Base(opts.Input), title)
	switch {
	case noRows && !s.DryRun:
		head = fmt.Sprintf("Nothing imported from %s into %s", filepath.Base(opts.Input), title)
	case s.DryRun:
		head = fmt.Sprintf("Dry run of %s for %s (nothing was sent)", filepath.Base(opts.Input), title)
	case errors.Is(runErr, importer.ErrTooManyErrors):
		head = fmt.Sprintf("Stopped importing %s into %s: too many rows failed", filepath.Base(opts.Input), title)
	case runErr != nil && !errors.Is(runErr, importer.ErrSomeRowsFailed):
		head = fmt.Sprintf("Import of %s into %s did not finish", filepath.Base(opts.Input), title)
	}
	how := ""
	if info.Format == "csv" && info.Encoding != "" {
		d := string(info.Delimiter)
		if info.Delimiter == '\t' {
			d = "tab"
		}
		how = fmt.Sprintf(" (read as %s, delimiter %q)", info.Encoding, d)
	} else if info.Format == "xlsx" && info.Sheet != "" {
		how = fmt.Sprintf(" (sheet %q)", info.Sheet)
	}
	fmt.Fprintf(w, "%s in %s%s\n", head, s.Elapsed.Round(10*time.Millisecond), how)
	for _, n := range sheetNotes(opts.Input, columns, info, so) {
		fmt.Fprintln(w, n)
	}

	var parts []string
	created := "created"
	if s.DryRun {
		created = "would be sent"
		if opts.Mode == "create" {
			created = "would be created"
		}
	}
	add := func(n int, label string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	add(s.Created, created)
	add(s.Updated, "updated")
	add(s.Exists, "already in the CRM")
	add(s.Unchanged, "unchanged")
	add(s.Failed, "failed")
	add(s.Skipped, "blank (skipped)")
	add(s.NotProcessed, "not processed")
	if noRows {
		fmt.Fprintf(w, "  %s\n", noDataRows(info))
	} else {
		if len(parts) == 0 {
			parts = append(parts, "nothing to import")
		}
		rows := importPlural(s.Rows, "row", "rows")
		if s.RestUnread {
			rows += " read"
		}
		fmt.Fprintf(w, "  %s: %s\n", rows, strings.Join(parts, ", "))
	}
	if s.RestartUndone {
		fmt.Fprintln(w, "  nothing reached the CRM, so the earlier run's reports and journal are left as they were")
	}
	if len(s.KeptAside) > 0 {
		names := make([]string, len(s.KeptAside))
		for i, p := range s.KeptAside {
			names[i] = filepath.Base(p)
		}
		fmt.Fprintf(w, "  the earlier run's reports and journal are kept as %s\n", strings.Join(names, ", "))
	}
	if s.SandboxJournalSetAside {
		fmt.Fprintln(w, "  the journal of an earlier sandbox rehearsal was set aside: this import started from the first row")
	}
	if s.MappingChanged {
		fmt.Fprintln(w, "  the mapping changed since the earlier run: rows it imported were kept, the others used the new mapping")
	}
	if s.InputChanged {
		fmt.Fprintln(w, "  the file changed since the earlier run: rows it imported were skipped where unchanged (a changed one is in the error report, not sent again), the others were sent")
	}
	if s.Resumed > 0 {
		fmt.Fprintf(w, "  %s were already done by an earlier run (from the journal)\n", importPlural(s.Resumed, "row", "rows"))
	}
	if s.Reports.Errors != "" {
		fmt.Fprintf(w, "  errors:  %s\n", s.Reports.Errors)
	}
	if s.Reports.Done != "" {
		fmt.Fprintf(w, "  done:    %s\n", s.Reports.Done)
	}
	if s.Reports.Journal != "" {
		fmt.Fprintf(w, "  journal: %s\n", s.Reports.Journal)
	}
	tooMany := errors.Is(runErr, importer.ErrTooManyErrors)
	stoppedEarly := runErr != nil && !errors.Is(runErr, importer.ErrSomeRowsFailed)
	if stoppedEarly && (s.NotProcessed > 0 || s.RestUnread) {
		interrupted := errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)
		fmt.Fprintln(w, notProcessedLine(s, tooMany, interrupted, s.Reports.Journal != ""))
	}
	switch {
	case stoppedEarly && !tooMany:
		if s.Reports.Journal != "" && s.NotProcessed == 0 && !s.RestUnread {
			fmt.Fprintln(w, "Run the same command again to continue: rows already imported are not sent twice.")
		}
	case s.DryRun && s.Failed > 0 && s.Reports.Errors != "":
		// Nothing was sent: importing only the error report would leave
		// out the good rows, so the original file is fixed and imported.
		fmt.Fprintf(w, "Fix the %s listed in %s (the reason is in the column %s) in the original file %s, then run the same command without --dry-run:\n  %s\n",
			importPlural(s.Failed, "row", "rows"), s.Reports.Errors, importer.ColError, opts.Input, importCommandLine(opts, vendor, opts.Input, false))
	case s.DryRun && !tooMany && !noRows:
		fmt.Fprintf(w, "Run the same command without --dry-run to import:\n  %s\n", importCommandLine(opts, vendor, opts.Input, false))
	case s.Failed > 0 && s.Reports.Errors != "" && !tooMany:
		fmt.Fprintf(w, "Fix the %s in %s (the reason is in the column %s) and run:\n  %s\n",
			importPlural(s.Failed, "row", "rows"), s.Reports.Errors, importer.ColError, importCommandLine(opts, vendor, s.Reports.Errors, false))
	}
}

// noDataRows says that the input has a header but not one data row, and
// what to check: a run that finds nothing must not look like one that
// imported everything.
func noDataRows(info sheet.Info) string {
	if info.Format == "xlsx" && info.Sheet != "" {
		return fmt.Sprintf("the file has a header but no data rows in the sheet %q: nothing to import (if the clients are on another sheet, choose it with --sheet NAME)", info.Sheet)
	}
	return "the file has a header but no data rows: nothing to import (is it the right file?)"
}

// notProcessedLine tells how many rows are in no report because the import
// stopped early, and what to do about them.
func notProcessedLine(s importer.Summary, tooMany, interrupted, journal bool) string {
	what := importPlural(s.NotProcessed, "row", "rows") + " not processed"
	if s.RestUnread {
		what = importPlural(s.NotProcessed, "row", "rows") + " read but not processed, and the rest of the file was not read"
	}
	why := "the import stopped early"
	switch {
	case interrupted:
		why = "the import was interrupted"
	case s.DryRun:
		why = "the dry run stopped early"
	}
	var todo string
	switch {
	case tooMany && s.DryRun:
		todo = "fix the mapping or data, then run the same command again"
	case tooMany:
		todo = "fix the mapping or data, then run the same command again with --resume-changed — rows already done are skipped"
	case journal:
		todo = "run the same command again to continue — rows already done are skipped"
	default:
		todo = "fix the problem above, then run the same command again"
	}
	return fmt.Sprintf("  %s (%s): %s", what, why, todo)
}

// importCommandLine is the import command for input with the options that
// matter (mapping, vendor, sandbox, mode), with --dry-run if dryRun.
func importCommandLine(opts *importOptions, vendor, input string, dryRun bool) string {
	args := []string{"crmport", "import", "-m", importQuoteArg(opts.Mapping)}
	if opts.Vendor != "" {
		args = append(args, "--vendor", vendor)
	}
	if opts.Sheet != "" {
		args = append(args, "--sheet", importQuoteArg(opts.Sheet))
	}
	if opts.Sandbox {
		args = append(args, "--sandbox")
	}
	if opts.Mode != "create" && opts.Mode != "" {
		args = append(args, "--mode", opts.Mode)
	}
	if opts.ReportDir != "" {
		args = append(args, "--report-dir", importQuoteArg(opts.ReportDir))
	}
	if dryRun {
		args = append(args, "--dry-run")
	}
	return strings.Join(append(args, importQuoteArg(input)), " ")
}

// importProgress shows progress on stderr: a bar on a terminal, a line
// every few seconds otherwise, nothing with -q. Retry notices are printed
// in both cases.
type importProgress struct {
	io     *iostreams.IOStreams
	reg    crm.Registration
	vendor string
	now    func() time.Time
	quiet  bool

	mu       sync.Mutex
	bar      *progressbar.ProgressBar
	start    time.Time
	lastLog  time.Time
	lastDesc time.Time
	rows     int64
	ok       int64
	failed   int64
	lastNote time.Time
	muted    int // retries not shown since the last notice
}

func newImportProgress(opts *importOptions, vendor string, now func() time.Time) *importProgress {
	return &importProgress{io: opts.IO, reg: opts.f.vendorReg(vendor), vendor: opts.f.vendorTitle(vendor), now: now, quiet: opts.Quiet}
}

// Start implements importer.Progress.
func (p *importProgress) Start(total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start = p.now()
	p.lastLog = p.start
	if p.quiet || !p.io.IsStderrTTY() {
		return
	}
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.io.ErrOut),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetDescription("importing"),
		progressbar.OptionClearOnFinish(),
	)
}

// RowDone implements importer.Progress.
func (p *importProgress) RowDone(_ int, res crm.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rows++
	switch res.Status {
	case crm.StatusFailed:
		p.failed++
	case "":
	default:
		p.ok++
	}
	t := p.now()
	if p.bar != nil {
		if t.Sub(p.lastDesc) >= 200*time.Millisecond {
			p.lastDesc = t
			p.bar.Describe(fmt.Sprintf("%d ok, %d failed", p.ok, p.failed))
		}
		_ = p.bar.Add(1)
		return
	}
	if p.quiet || t.Sub(p.lastLog) < 5*time.Second {
		return
	}
	p.lastLog = t
	el := t.Sub(p.start).Seconds()
	speed := 0.0
	if el > 0 {
		speed = float64(p.rows) / el
	}
	fmt.Fprintf(p.io.ErrOut, "%s: %d rows done (%.0f rows/s): %d ok, %d failed\n", p.vendor, p.rows, speed, p.ok, p.failed)
}

// Retrying implements importer.Progress (and retry.Policy.OnRetry).
func (p *importProgress) Retrying(op string, err error, wait time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	// Retries of a few seconds are routine on a flaky network: say so at
	// most every 5 s, with how many were not shown. A long wait (a token
	// blocked for a minute) is always said.
	if wait < 10*time.Second && t.Sub(p.lastNote) < 5*time.Second {
		p.muted++
		return
	}
	p.lastNote = t
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	note := retryNotice(p.reg, err, wait, t)
	if p.muted > 0 {
		note += fmt.Sprintf(" (%d more %s since the last notice)", p.muted, plural(p.muted, "retry", "retries"))
		p.muted = 0
	}
	fmt.Fprintln(p.io.ErrOut, note)
}

// retryNoise matches what vendor and retry messages add for someone who
// has to retry by hand: a wait already said ("(… waiting 6s)") and "try
// again later". The notice says once what crmport itself does.
var retryNoise = regexp.MustCompile(`(?i)\s*\([^()]*\bwaiting\b[^()]*\)|[;,:]?\s*(please\s+)?try again later\.?`)

// retryNotice is the one line shown when a call to the vendor of reg is
// retried after wait, e.g. "BaseLinker: query limit reached, token blocked
// until 16:53:38; waiting 6s, then trying again" (the vendor's
// RetryNotice words its own errors).
func retryNotice(reg crm.Registration, err error, wait time.Duration, now time.Time) string {
	vendor := reg.Title
	if vendor == "" {
		vendor = reg.Name
	}
	msg := err.Error()
	var e *crm.Error
	if errors.As(err, &e) {
		if e.Message != "" {
			msg = e.Message
		}
		if reg.RetryNotice != nil {
			if own := reg.RetryNotice(e, now.Add(wait)); own != "" {
				msg = own
			}
		}
	}
	msg = strings.TrimSpace(retryNoise.ReplaceAllString(msg, ""))
	msg = strings.TrimRight(msg, ";,:. ")
	if msg == "" {
		msg = "the request failed"
	}
	if wait >= time.Second {
		return fmt.Sprintf("%s: %s; waiting %s, then trying again", vendor, msg, wait.Round(time.Second))
	}
	return fmt.Sprintf("%s: %s; trying again", vendor, msg)
}

// warnInactiveFields warns once per field the mapping fills that the
// vendor has switched off: the CRM would drop its values without an error.
// offline says the field list is the vendor's static catalogue (a dry run
// without credentials), which describes a fresh account.
func warnInactiveFields(w io.Writer, reg crm.Registration, m *mapping.Mapping, fields []crm.Field, offline bool) {
	byName := make(map[string]crm.Field, len(fields))
	anyActive := false
	for _, f := range fields {
		byName[f.Name] = f
		anyActive = anyActive || f.Active
	}
	if !anyActive {
		return // a vendor that does not report Active at all
	}
	title := reg.Title
	if title == "" {
		title = reg.Name
	}
	where := "on this account"
	if offline {
		where = "on a fresh " + title + " account (without credentials crmport cannot see yours)"
	}
	howTo := "switch it on in " + title + "'s settings"
	if where := reg.SwitchOn; where != "" {
		howTo = "switch it on in " + where
	}
	seen := map[string]bool{}
	for _, fm := range m.Fields {
		f, ok := byName[fm.Field]
		if !ok || f.Active || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		label := ""
		if f.Label != "" && f.Label != f.Name {
			label = " (" + f.Label + ")"
		}
		fmt.Fprintf(w, "warning: %s field %q%s is switched off %s, so its values would be dropped: %s, or remove it from the mapping\n",
			title, f.Name, label, where, howTo)
	}
}

// Finish implements importer.Progress.
func (p *importProgress) Finish(importer.Summary) {}

// stop removes the bar before the summary is printed.
func (p *importProgress) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
		fmt.Fprint(p.io.ErrOut, "\r")
		p.bar = nil
	}
}

// offlineVendor stands in for a vendor in a dry run without credentials:
// it knows the static field catalogue and never sends anything.
type offlineVendor struct {
	name   string
	fields []crm.Field
}

func (o offlineVendor) Name() string { return o.name }

func (o offlineVendor) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: 1, DefaultBatch: 1, Workers: 1, Rate: rate.Inf}
}

func (o offlineVendor) Fields(context.Context) ([]crm.Field, error) { return o.fields, nil }

func (o offlineVendor) Create(context.Context, []crm.Record) ([]crm.Result, error) {
	return nil, errors.New("a dry run sends nothing")
}

func (o offlineVendor) List(context.Context, crm.ListQuery, string) (crm.Page, error) {
	return crm.Page{}, crm.ErrUnsupported
}
