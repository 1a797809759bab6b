package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// guessSampleRows is how many data rows `mapping init` looks at.
const guessSampleRows = 50

// newMappingCmd builds `crmport mapping` and its subcommands.
func newMappingCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping",
		Short: "Write or check a mapping file (spreadsheet columns -> CRM fields)",
		Long: `A mapping file (YAML) says which spreadsheet column feeds which CRM field.
'mapping init' writes one for you from a spreadsheet's headers and values;
'mapping check' finds every mistake in one, with the line to fix.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return flagErrorf("choose a subcommand: init or check (see 'crmport mapping --help')")
		},
	}
	cmd.AddCommand(newMappingInitCmd(f, nil), newMappingCheckCmd(f, nil))
	return cmd
}

// mappingInitOptions are the inputs of `crmport mapping init`.
type mappingInitOptions struct {
	IO       *iostreams.IOStreams
	Vendors  *crm.Registry
	Vendor   string
	File     string
	Sheet    string
	Encoding string
}

// newMappingInitCmd builds `crmport mapping init`; runF replaces
// runMappingInit in tests.
func newMappingInitCmd(f *factory, runF func(*mappingInitOptions) error) *cobra.Command {
	opts := &mappingInitOptions{IO: f.IOStreams, Vendors: f.vendors()}
	cmd := &cobra.Command{
		Use:   "init --vendor V FILE",
		Short: "Guess a mapping from a spreadsheet's headers and values; print it as YAML",
		Long: `Read a spreadsheet's headers and first rows and print a commented mapping
file for the chosen CRM. Headers in Polish, Russian and English are
recognised ("Nazwisko", "Фамилия", "Last name"), and so are columns by what
they hold (e-mails, phones, postcodes, tax ids, dates). Columns it could not
place, and required fields left without a column, are listed in comments.
Save the output, review it, then check it with 'crmport mapping check'.`,
		Example: `  crmport mapping init --vendor thulium samples/contacts-en.csv > thulium.yaml
  crmport mapping init --vendor salesman samples/klienty-ru.csv > salesman.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Vendor == "" {
				return flagErrorf("--vendor is required (salesman, thulium or baselinker)")
			}
			if runF != nil {
				return runF(opts)
			}
			return runMappingInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Vendor, "vendor", "", "CRM: salesman, thulium or baselinker")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the one Excel opens on, if it has data, else the first with data)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "", "CSV: the file's encoding (default: detected)")
	return cmd
}

func runMappingInit(ctx context.Context, opts *mappingInitOptions) error {
	reg, err := opts.Vendors.Lookup(opts.Vendor)
	if err != nil {
		return flagErrorf("%w", err)
	}
	src, err := sheet.Open(ctx, opts.File, sheet.Options{Sheet: opts.Sheet, Encoding: opts.Encoding})
	if err != nil {
		return err
	}
	defer src.Close()
	sample, err := mapping.FirstRows(src, guessSampleRows)
	if err != nil {
		return err
	}
	g, err := mapping.Guess(reg, reg.Catalogue(), src.Header(), sample)
	if err != nil {
		return err
	}
	info := src.Info()
	g.Info = &info
	if _, err := opts.IO.Out.Write(g.YAML()); err != nil {
		return err
	}
	placed := 0
	for _, c := range g.Columns {
		if c.Field != "" {
			placed++
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "mapping init: placed %d of %d columns of %s for %s", placed, len(g.Columns), opts.File, reg.Name)
	if len(g.Missing) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "; required fields without a column: %s", strings.Join(g.Missing, ", "))
	}
	fmt.Fprintln(opts.IO.ErrOut, ".\nReview the mapping, then run: crmport mapping check -m MAPPING "+iostreams.QuoteArg(opts.File))
	return nil
}

// mappingCheckOptions are the inputs of `crmport mapping check`.
type mappingCheckOptions struct {
	IO      *iostreams.IOStreams
	Vendors *crm.Registry
	Mapping string
	File    string
	Sheet   string
}

// newMappingCheckCmd builds `crmport mapping check`; runF replaces
// runMappingCheck in tests.
func newMappingCheckCmd(f *factory, runF func(*mappingCheckOptions) error) *cobra.Command {
	opts := &mappingCheckOptions{IO: f.IOStreams, Vendors: f.vendors()}
	cmd := &cobra.Command{
		Use:   "check -m MAPPING [FILE]",
		Short: "Check a mapping file (and, given a FILE, its columns) and list every problem",
		Long: `Check a mapping file against the CRM's fields and, when a spreadsheet is
given, against its headers. Every problem is printed at once with the line
of the mapping (or the column) to fix; exit status 1 if there are any.
Otherwise prints "ok" and a short table of field <- column, then maps the
file's first 1,000 rows and shows each column that fails on some of them,
with the count and an example; exit status 1 if one fails on every row.`,
		Example: `  crmport mapping check -m samples/thulium.yaml samples/klienci-pl.csv`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Mapping == "" {
				return flagErrorf("-m MAPPING is required")
			}
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runMappingCheck(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Mapping, "mapping", "m", "", "the mapping file to check")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the mapping's, else the one Excel opens on, if it has data, else the first with data)")
	return cmd
}

func runMappingCheck(ctx context.Context, opts *mappingCheckOptions) error {
	// Go on past parse problems with whatever did parse, so one run lists
	// every mistake: the typo in a key and the missing column alike.
	m, err := mapping.LoadPartial(opts.Mapping, opts.Vendors)
	if m == nil {
		printProblems(opts.IO.ErrOut, opts.Mapping, mapping.Problems(err))
		return errSilent
	}
	reg, err := opts.Vendors.Lookup(m.Vendor)
	if err != nil {
		return err
	}
	var header, notes []string
	var rows []sheet.Row
	var info sheet.Info
	if opts.File != "" {
		sopt := m.SheetOptions()
		if opts.Sheet != "" {
			sopt.Sheet = opts.Sheet
		}
		sopt.ExpectedHeaders = m.Headers()
		src, err := sheet.Open(ctx, opts.File, sopt)
		if err != nil {
			return err
		}
		header, info = src.Header(), src.Info()
		notes = sheetNotes(opts.File, len(src.Header()), src.Info(), sopt)
		rows, err = mapping.FirstRows(src, mapping.CheckRowsLimit)
		_ = src.Close()
		if err != nil {
			return err
		}
	}
	report, problems := mapping.Check(m, reg.Catalogue(), header)
	w := opts.IO.Out
	if len(problems) > 0 {
		w = opts.IO.ErrOut
	}
	fmt.Fprint(w, report)
	for _, n := range notes {
		fmt.Fprintln(w, n)
	}
	if len(problems) > 0 {
		return errSilent
	}
	if opts.File == "" {
		return nil
	}
	rr, err := m.CheckRows(header, rows, reg.Catalogue(), mapping.ApplyOptions{Info: &info})
	if err != nil {
		return err
	}
	if len(rr.Broken()) > 0 {
		fmt.Fprint(opts.IO.ErrOut, rr)
		return errSilent
	}
	fmt.Fprint(w, rr)
	return nil
}

func printProblems(w io.Writer, file string, problems []error) {
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(w, "%s: %d %s to fix:\n", file, len(problems), noun)
	for _, p := range problems {
		fmt.Fprintf(w, "  %v\n", p)
	}
}
