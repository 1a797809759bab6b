package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

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
	fl.StringVarP(&opts.Output, "output", "o", "", "file to write (.xlsx or .csv), or - for CSV on stdout (values as they are, for scripts: no apostrophe guard)")
	fl.StringVarP(&opts.Mapping, "mapping", "m", "", "mapping file: export its columns with its headers")
	fl.StringVar(&opts.Fields, "fields", "", "export only these fields, in this order (comma-separated)")
	fl.StringArrayVar(&opts.Filters, "filter", nil, "vendor filter key=value (repeatable), e.g. filter_email=@firma.pl")
	fl.StringVar(&opts.Since, "since", "", "only clients created after this date (SalesMan), e.g. 2025-01-01")
	fl.StringVar(&opts.Until, "until", "", "only clients created before this date (SalesMan)")
	fl.StringVar(&opts.Format, "format", "", "xlsx or csv (default: from the file name)")
	fl.BoolVar(&opts.BOM, "bom", false, "CSV: start with a byte order mark (the default for a .csv file; for -o - too with this flag)")
	fl.BoolVar(&opts.NoBOM, "no-bom", false, "CSV file: no byte order mark (for tools other than Excel)")
	fl.StringVar(&opts.Delimiter, "delimiter", "", "CSV: field separator (default for a .csv file: ';' as Polish and Russian Excel expect, or the mapping's delimiter; for -o -: ',')")
	fl.BoolVar(&opts.Raw, "raw", false, "CSV file: write values starting with = + - @ as they are (no formula protection; always so on stdout)")
	fl.BoolVar(&opts.Sandbox, "sandbox", false, fmt.Sprintf("export from the built-in emulator (seeded with %d clients)", job.ExportSandboxClients))
	fl.BoolVar(&opts.JSON, "json", false, "print a JSON summary on stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing but errors")
	fl.BoolVar(&opts.WithNotes, "with-notes", false, "BaseLinker: also read notes and extra fields (one more request per client)")
	fl.StringVar(&opts.Rate, "rate", "", "requests per minute, e.g. 90/min (default: the vendor's safe pace; 0 = no pacing)")
	fl.IntVar(&opts.Retries, "retries", job.DefaultRetries, "retries of a failed request (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "time limit of one request")
	return cmd
}

// settings turns the flags into the job layer's settings.
func (opts *exportOptions) settings() (job.ExportSettings, error) {
	s := job.ExportSettings{Vendor: opts.Vendor, Output: opts.Output, Stdout: opts.IO.Out, Mapping: opts.Mapping,
		Format: opts.Format, BOM: opts.BOM, NoBOM: opts.NoBOM, Raw: opts.Raw, Sandbox: opts.Sandbox,
		WithNotes: opts.WithNotes, Retries: opts.Retries, Timeout: opts.Timeout}
	if opts.Output == "" {
		return s, flagErrorf("-o FILE is required: a .xlsx or .csv file name, or - for CSV on stdout")
	}
	if opts.Mapping != "" && opts.Fields != "" {
		return s, flagErrorf("-m and --fields both choose the columns: use one of them")
	}
	if opts.Retries < 0 {
		return s, flagErrorf("--retries must be 0 or more")
	}
	toStdout := opts.Output == "-"
	if toStdout && opts.JSON {
		return s, flagErrorf("-o - writes the data on stdout, so --json cannot: write to a file or drop --json")
	}
	if toStdout && opts.Format == "xlsx" {
		return s, flagErrorf("-o - writes CSV; to get XLSX give a file name such as clients.xlsx")
	}
	if opts.BOM && opts.NoBOM {
		return s, flagErrorf("--bom and --no-bom contradict each other: use one")
	}
	if toStdout {
		s.Output = ""
	}
	var err error
	if s.Delimiter, err = parseDelimiter(opts.Delimiter); err != nil {
		return s, err
	}
	if s.Filters, err = parseFilters(opts.Filters); err != nil {
		return s, err
	}
	if s.Since, err = parseDay("--since", opts.Since); err != nil {
		return s, err
	}
	if s.Until, err = parseDay("--until", opts.Until); err != nil {
		return s, err
	}
	if opts.Fields != "" {
		s.Columns = strings.Split(opts.Fields, ",")
	}
	if s.Rate, s.RateSet, err = parseRate(opts.Rate); err != nil {
		return s, err
	}
	return s, nil
}

func runExport(ctx context.Context, f *factory, opts *exportOptions) error {
	s, err := opts.settings()
	if err != nil {
		return err
	}
	env := f.env()
	prog := newExportProgress(opts)
	res, err := env.Export(ctx, s, prog)
	prog.done()
	if err != nil {
		return exportError(opts, err)
	}
	where := opts.Output
	if opts.Output == "-" {
		where = "stdout"
	}
	prog.say("Exported %d %s (%d %s) from %s to %s in %s.", res.Rows, plural(res.Rows, "client", "clients"),
		res.Pages, plural(res.Pages, "page", "pages"), res.Title, where, res.Elapsed.Round(10*time.Millisecond))
	if res.Empty != nil {
		prog.say("%s", emptyExportNote(res))
	}
	if opts.JSON {
		return json.NewEncoder(opts.IO.Out).Encode(exportSummary{
			Rows: res.Rows, Pages: res.Pages, ElapsedMS: res.Elapsed.Milliseconds(), Output: opts.Output})
	}
	return nil
}

// exportError words the job's export errors with this command's flags.
func exportError(opts *exportOptions, err error) error {
	var name *job.OutputNameError
	var notes *job.NoClientDetailsError
	var mismatch *job.VendorMismatchError
	var usage *job.UsageError
	var column *job.ColumnError
	errors.As(err, &usage)
	switch {
	case errors.As(err, &column):
		return flagErrorf("--fields: %v; run 'crmport fields --vendor %s' to see the fields", column, opts.Vendor)
	case errors.As(err, &name):
		return flagErrorf("-o %s (or add --format csv)", name.Error())
	case errors.As(err, &notes):
		return flagErrorf("--with-notes is for BaseLinker (its client list leaves out notes and extra fields); %s lists every field already", notes.Vendor)
	case errors.As(err, &mismatch):
		return flagErrorf("--vendor %s, but %s is a mapping for %s", mismatch.Vendor, mismatch.Mapping, mismatch.MappingVendor)
	case usage != nil && usage.Setting == "vendor":
		return flagErrorf("--vendor is required (salesman, thulium or baselinker)")
	case usage != nil && usage.Setting == "csv-options":
		return flagErrorf("--bom, --no-bom, --delimiter and --raw apply to CSV output only")
	}
	return err
}

// emptyExportNote explains an export that found no client.
func emptyExportNote(res job.ExportResult) string {
	e, title := res.Empty, res.Title
	if len(e.Conditions) == 0 {
		return fmt.Sprintf("%s holds no clients, so only the header was written.", title)
	}
	cond := strings.Join(e.Conditions, ", ")
	switch {
	case e.Unknown:
		return fmt.Sprintf("No client matches %s, so only the header was written: check the filter's name and value.", cond)
	case e.Holds == 0:
		return fmt.Sprintf("No client matches %s: %s holds no clients at all.", cond, title)
	case !e.More:
		return fmt.Sprintf("No client matches %s (%s holds %s): check the filter's name and value.", cond, title, importPlural(e.Holds, "client", "clients"))
	}
	return fmt.Sprintf("No client matches %s (%s holds at least %s): check the filter's name and value.", cond, title, importPlural(e.Holds, "client", "clients"))
}

// exportSummary is the --json object of DESIGN.md, fields in its order.
type exportSummary struct {
	Rows      int    `json:"rows"`
	Pages     int    `json:"pages"`
	ElapsedMS int64  `json:"elapsed_ms"`
	Output    string `json:"output"`
}
