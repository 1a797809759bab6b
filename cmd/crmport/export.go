package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/exporter"
	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// exportSandboxClients is how many clients --sandbox exports: enough for
// several pages of every vendor.
const exportSandboxClients = 250

// exportOptions are the inputs of `crmport export`.
type exportOptions struct {
	IO        *iostreams.IOStreams
	Now       func() time.Time
	Vendor    string
	Output    string
	Mapping   string
	Fields    string
	Filters   []string
	Since     string
	Until     string
	Format    string
	BOM       bool
	NoBOM     bool
	Delimiter string
	Raw       bool
	Sandbox   bool
	JSON      bool
	Quiet     bool
	WithNotes bool
	Rate      string
	Retries   int
	Timeout   time.Duration
}

// newExportCmd builds `crmport export`; runF replaces runExport in tests.
func newExportCmd(f *factory, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{IO: f.IOStreams, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "export --vendor V -o FILE(.xlsx|.csv|-) [-m MAPPING | --fields a,b,c] [--filter k=v]...",
		Short: "Export every client of a CRM to an XLSX or CSV file",
		Long: `Export every client of a CRM, page by page to the end, into an XLSX or CSV
file that opens cleanly in Excel: ids, phones, postcodes and tax ids stay
text (no lost leading zeros), dates are dates, nothing is taken for a
formula.

Columns: all fields (nested fields as dotted headers), or the columns of a
mapping file (-m, the same file you import with), or --fields a,b,c.
A .csv file is UTF-8 with a byte order mark and ';' between cells, as
Polish and Russian Excel open it on a double click (--delimiter ,
--no-bom for other tools). -o - writes CSV to stdout (',', no BOM).`,
		Example: `  crmport export --vendor salesman -o klienci.xlsx
  crmport export --vendor baselinker -o clients.csv --delimiter , --no-bom
  crmport export --vendor thulium -m thulium.yaml -o kontakty.xlsx --filter type=VIP
  crmport export --vendor salesman --sandbox -o - --fields clid,title,phone`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runExport(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Vendor, "vendor", "", "CRM: salesman, thulium or baselinker (default: the mapping's vendor)")
	fl.StringVarP(&opts.Output, "output", "o", "", "file to write (.xlsx or .csv), or - for CSV on stdout")
	fl.StringVarP(&opts.Mapping, "mapping", "m", "", "mapping file: export its columns with its headers")
	fl.StringVar(&opts.Fields, "fields", "", "export only these fields, in this order (comma-separated)")
	fl.StringArrayVar(&opts.Filters, "filter", nil, "vendor filter key=value (repeatable), e.g. filter_email=@firma.pl")
	fl.StringVar(&opts.Since, "since", "", "only clients created after this date (SalesMan), e.g. 2025-01-01")
	fl.StringVar(&opts.Until, "until", "", "only clients created before this date (SalesMan)")
	fl.StringVar(&opts.Format, "format", "", "xlsx or csv (default: from the file name)")
	fl.BoolVar(&opts.BOM, "bom", false, "CSV: start with a byte order mark (the default for a .csv file; for -o - too with this flag)")
	fl.BoolVar(&opts.NoBOM, "no-bom", false, "CSV file: no byte order mark (for tools other than Excel)")
	fl.StringVar(&opts.Delimiter, "delimiter", "", "CSV: field separator (default for a .csv file: ';' as Polish and Russian Excel expect, or the mapping's delimiter; for -o -: ',')")
	fl.BoolVar(&opts.Raw, "raw", false, "CSV: write values starting with = + - @ as they are (no formula protection)")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, fmt.Sprintf("export from the built-in emulator (seeded with %d clients)", exportSandboxClients))
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing but errors")
	fl.BoolVar(&opts.WithNotes, "with-notes", false, "BaseLinker: also read notes and extra fields (one more request per client)")
	fl.StringVar(&opts.Rate, "rate", "", "requests per minute, e.g. 90/min (default: the vendor's safe pace; 0 = no pacing)")
	fl.IntVar(&opts.Retries, "retries", retry.DefaultRetries, "retries of a failed request (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "time limit of one request")
	return cmd
}

func runExport(ctx context.Context, f *factory, opts *exportOptions) error {
	start := opts.Now()
	if opts.Output == "" {
		return flagErrorf("-o FILE is required: a .xlsx or .csv file name, or - for CSV on stdout")
	}
	if opts.Mapping != "" && opts.Fields != "" {
		return flagErrorf("-m and --fields both choose the columns: use one of them")
	}
	if opts.Retries < 0 {
		return flagErrorf("--retries must be 0 or more")
	}
	toStdout := opts.Output == "-"
	if toStdout && opts.JSON {
		return flagErrorf("-o - writes the data on stdout, so --json cannot: write to a file or drop --json")
	}
	sopt := sheet.Options{BOM: opts.BOM, Raw: opts.Raw, Format: opts.Format}
	var err error
	if sopt.Delimiter, err = parseDelimiter(opts.Delimiter); err != nil {
		return err
	}
	format := "csv"
	if !toStdout {
		ext := strings.ToLower(filepath.Ext(opts.Output))
		if opts.Format == "" && ext != ".xlsx" && ext != ".csv" {
			return flagErrorf("-o %s: crmport writes .xlsx or .csv files: use a name such as %s.xlsx (or add --format csv)",
				opts.Output, strings.TrimSuffix(filepath.Base(opts.Output), filepath.Ext(opts.Output)))
		}
		if format, err = sheet.FormatOf(opts.Output, sopt); err != nil {
			return flagErrorf("-o %s: %w", opts.Output, err)
		}
	} else if opts.Format == "xlsx" {
		return flagErrorf("-o - writes CSV; to get XLSX give a file name such as clients.xlsx")
	}
	if !toStdout {
		if st, err := os.Stat(filepath.Dir(opts.Output)); err != nil || !st.IsDir() {
			return flagErrorf("-o %s: the folder %s does not exist", opts.Output, filepath.Dir(opts.Output))
		}
	}
	sopt.Format = format
	if format == "xlsx" && (opts.BOM || opts.NoBOM || opts.Delimiter != "" || opts.Raw) {
		return flagErrorf("--bom, --no-bom, --delimiter and --raw apply to CSV output only")
	}
	if opts.BOM && opts.NoBOM {
		return flagErrorf("--bom and --no-bom contradict each other: use one")
	}
	if format == "csv" && !toStdout {
		// A file opens on a double click in the users' Excel: UTF-8 with a
		// BOM and ';' (Polish and Russian Excel split at ';').
		sopt.BOM = !opts.NoBOM
		if sopt.Delimiter == 0 {
			sopt.Delimiter = ';'
		}
	}
	filters, err := parseFilters(opts.Filters)
	if err != nil {
		return err
	}
	q := crm.ListQuery{Filters: filters}
	if q.Since, err = parseDay("--since", opts.Since); err != nil {
		return err
	}
	if q.Until, err = parseDay("--until", opts.Until); err != nil {
		return err
	}
	if !q.Until.IsZero() {
		q.Until = q.Until.AddDate(0, 0, 1) // "until 2025-01-31" includes that day
	}
	var m *mapping.Mapping
	if opts.Mapping != "" {
		if m, err = mapping.Load(opts.Mapping, f.vendors()); err != nil {
			return err
		}
		if d := m.SheetOptions().Delimiter; d != 0 && opts.Delimiter == "" && format == "csv" && !toStdout {
			sopt.Delimiter = d // exported with the mapping, the file imports back with it
		}
		if opts.Vendor == "" {
			opts.Vendor = m.Vendor
		} else if !strings.EqualFold(opts.Vendor, m.Vendor) {
			return flagErrorf("--vendor %s, but %s is a mapping for %s", opts.Vendor, opts.Mapping, m.Vendor)
		}
	}
	if opts.Vendor == "" {
		return flagErrorf("--vendor is required (salesman, thulium or baselinker)")
	}
	lim, custom, err := parseRate(opts.Rate)
	if err != nil {
		return err
	}

	// One export into a file at a time: a second one is refused before it
	// asks the CRM anything (the lock file is beside the output).
	if !toStdout {
		doing := fmt.Sprintf("exporting from %s to %s", f.vendorTitle(opts.Vendor), filepath.Base(opts.Output))
		if opts.Sandbox {
			doing = fmt.Sprintf("exporting from the %s sandbox to %s", f.vendorTitle(opts.Vendor), filepath.Base(opts.Output))
		}
		lock, err := runlock.Acquire(opts.Output+".lock", doing, opts.Now())
		if err != nil {
			return err
		}
		defer lock.Release()
	}

	vopt := vendorOptions{Timeout: opts.Timeout, Sandbox: sandbox.Options{Seed: exportSandboxClients}}
	raw, cleanup, err := f.openVendor(ctx, opts.Vendor, opts.Sandbox, vopt)
	if err != nil {
		return err
	}
	defer cleanup()
	say := func(format string, args ...any) {
		if !opts.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, format+"\n", args...)
		}
	}
	// One plain line per retry, as import prints them; routine short waits
	// at most every 5 s.
	var noteMu sync.Mutex
	var lastNote time.Time
	pol := retry.Policy{Retries: retry.Times(opts.Retries), Now: opts.Now, Sleep: f.Sleep, OnRetry: func(op string, err error, wait time.Duration) {
		noteMu.Lock()
		defer noteMu.Unlock()
		now := opts.Now()
		if wait < time.Second && now.Sub(lastNote) < 5*time.Second {
			return
		}
		lastNote = now
		say("%s", retryNotice(f.vendorReg(opts.Vendor), err, wait, now))
	}}
	if custom {
		pol.Rate = lim
	}
	v := retry.Wrap(raw, pol)

	fields, err := v.Fields(ctx)
	if err != nil {
		return fmt.Errorf("read the fields of %s: %w", opts.Vendor, err)
	}
	eopt := exporter.Options{Vendor: v, Fields: fields, Query: q, Now: opts.Now}
	if m != nil {
		if err := m.Validate(fields); err != nil {
			printProblems(opts.IO.ErrOut, opts.Mapping, mapping.Problems(err))
			return errSilent
		}
		eopt.Mapping = m
	}
	if opts.Fields != "" {
		eopt.Columns = strings.Split(opts.Fields, ",")
	}
	if opts.WithNotes {
		enrich, err := notesEnricher(v, raw)
		if err != nil {
			return err
		}
		eopt.Enrich = enrich
		say("--with-notes reads each client's details with one more request; at %s that adds about %s per 100 clients.",
			paceText(v), perHundred(v))
	}

	// Write to a temporary file beside the output and rename it at the end:
	// a failed export never leaves a half-written file under the real name.
	var sink sheet.Sink
	var file *exporter.File
	if toStdout {
		sink = sheet.NewCSVSink(opts.IO.Out, sopt)
	} else {
		if m != nil {
			sopt.Sheet = m.SheetOptions().Sheet
		}
		sopt.Sheet = exporter.SheetName(f.vendorTitle(opts.Vendor), sopt.Sheet)
		if file, err = exporter.CreateFile(opts.Output, sopt); err != nil {
			return err
		}
		defer file.Discard()
		sink = file
	}
	prog := newExportProgress(opts, raw.Capabilities().PageSize)
	eopt.Sink = sink
	eopt.Progress = prog
	sum, runErr := exporter.Run(ctx, eopt)
	prog.done()
	var closeErr error
	if file == nil {
		closeErr = sink.Close() // stdout: what was written so far is flushed
	}
	if runErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var colErr *exporter.ColumnError
		if sum.Rows == 0 && (errors.Is(runErr, crm.ErrUnsupported) || errors.As(runErr, &colErr)) {
			// A request the vendor cannot serve (dates on BaseLinker) or an
			// unknown --fields name: a usage problem, not a broken export.
			return flagErrorf("%s", plainMessage(f, runErr))
		}
		return fmt.Errorf("export stopped after %d clients: %w", sum.Rows, runErr)
	}
	if closeErr != nil {
		return fmt.Errorf("write %s: %w", opts.Output, closeErr)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
	}
	for _, w := range sum.Warnings {
		say("warning: %s", w)
	}
	elapsed := opts.Now().Sub(start)
	where := opts.Output
	if toStdout {
		where = "stdout"
	}
	say("Exported %d %s (%d %s) from %s to %s in %s.", sum.Rows, plural(sum.Rows, "client", "clients"),
		sum.Pages, plural(sum.Pages, "page", "pages"), f.vendorTitle(opts.Vendor), where, elapsed.Round(10*time.Millisecond))
	if sum.Rows == 0 && !opts.Quiet {
		say("%s", emptyExportNote(ctx, f, v, q, opts))
	}
	if opts.JSON {
		return json.NewEncoder(opts.IO.Out).Encode(exportSummary{
			Rows: sum.Rows, Pages: sum.Pages, ElapsedMS: elapsed.Milliseconds(), Output: opts.Output})
	}
	return nil
}

// emptyExportNote explains an export that found no client. With a filter
// (or --since/--until) it reads the first page without it, one more
// request, to tell "the filter matches nothing" from "the CRM is empty".
func emptyExportNote(ctx context.Context, f *factory, v crm.Vendor, q crm.ListQuery, opts *exportOptions) string {
	title := f.vendorTitle(opts.Vendor)
	var conds []string
	for _, k := range slices.Sorted(maps.Keys(q.Filters)) {
		conds = append(conds, k+"="+q.Filters[k])
	}
	if opts.Since != "" {
		conds = append(conds, "created since "+strings.TrimSpace(opts.Since))
	}
	if opts.Until != "" {
		conds = append(conds, "created until "+strings.TrimSpace(opts.Until))
	}
	if len(conds) == 0 {
		return fmt.Sprintf("%s holds no clients, so only the header was written.", title)
	}
	cond := strings.Join(conds, ", ")
	page, err := v.List(ctx, crm.ListQuery{}, "")
	switch {
	case err != nil:
		return fmt.Sprintf("No client matches %s, so only the header was written: check the filter's name and value.", cond)
	case len(page.Records) == 0:
		return fmt.Sprintf("No client matches %s: %s holds no clients at all.", cond, title)
	case page.Next == "":
		return fmt.Sprintf("No client matches %s (%s holds %s): check the filter's name and value.", cond, title, importPlural(len(page.Records), "client", "clients"))
	}
	return fmt.Sprintf("No client matches %s (%s holds at least %s): check the filter's name and value.", cond, title, importPlural(len(page.Records), "client", "clients"))
}

// exportSummary is the --json object of DESIGN.md, fields in its order.
type exportSummary struct {
	Rows      int    `json:"rows"`
	Pages     int    `json:"pages"`
	ElapsedMS int64  `json:"elapsed_ms"`
	Output    string `json:"output"`
}

func paceText(v crm.Vendor) string {
	r := v.Capabilities().Rate
	if r <= 0 || r > 1e6 {
		return "full speed"
	}
	return fmt.Sprintf("%.0f requests/min", float64(r)*60)
}

func perHundred(v crm.Vendor) string {
	r := v.Capabilities().Rate
	if r <= 0 || r > 1e6 {
		return "a few seconds"
	}
	return (time.Duration(100/float64(r)) * time.Second).Round(time.Second).String()
}

// exportProgress shows pages and clients: a spinner on a terminal, a line
// every few seconds otherwise.
type exportProgress struct {
	mu    sync.Mutex
	opts  *exportOptions
	bar   *progressbar.ProgressBar
	last  time.Time
	start time.Time
	rows  int
}

func newExportProgress(opts *exportOptions, pageSize int) *exportProgress {
	p := &exportProgress{opts: opts, start: opts.Now(), last: opts.Now()}
	if !opts.Quiet && opts.IO.IsStderrTTY() {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(opts.IO.ErrOut),
			progressbar.OptionSetDescription("exporting"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("clients"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// Page implements exporter.Progress.
func (p *exportProgress) Page(pages, rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts.Quiet {
		return
	}
	if p.bar != nil {
		_ = p.bar.Add(rows - p.rows)
		p.bar.Describe(fmt.Sprintf("page %d", pages))
	} else if now := p.opts.Now(); now.Sub(p.last) >= 5*time.Second {
		p.last = now
		secs := now.Sub(p.start).Seconds()
		fmt.Fprintf(p.opts.IO.ErrOut, "exported %d clients (%d pages, %.0f clients/s)\n", rows, pages, float64(rows)/max(secs, 0.001))
	}
	p.rows = rows
}

func (p *exportProgress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// plainMessage returns the innermost vendor message of err without the
// chain of "what crmport was doing" prefixes, for usage errors.
func plainMessage(f *factory, err error) string {
	var ce *crm.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return f.vendorTitle(ce.Vendor) + ": " + strings.TrimSuffix(ce.Message, ": "+crm.ErrUnsupported.Error())
	}
	var colErr *exporter.ColumnError
	if errors.As(err, &colErr) {
		return colErr.Error()
	}
	return strings.TrimSuffix(err.Error(), ": "+crm.ErrUnsupported.Error())
}
