package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
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
	env      *job.Env
	Vendor   string
	File     string
	Sheet    string
	Encoding string
	Sandbox  bool
}

// newMappingInitCmd builds `crmport mapping init`; runF replaces
// runMappingInit in tests.
func newMappingInitCmd(f *factory, runF func(*mappingInitOptions) error) *cobra.Command {
	opts := &mappingInitOptions{IO: f.IOStreams}
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
			opts.env = f.env()
			if runF != nil {
				return runF(opts)
			}
			return runMappingInit(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Vendor, "vendor", "", "CRM: salesman, thulium or baselinker")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the one Excel opens on, if it has data, else the first with data)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "", "CSV: the file's encoding (default: detected)")
	cmd.Flags().BoolVar(&opts.Sandbox, "sandbox", false, "use the built-in emulator's fields (default: the account's with CRMPORT_* settings, else the built-in list)")
	return cmd
}

func runMappingInit(ctx context.Context, opts *mappingInitOptions) error {
	res, err := opts.env.MappingInit(ctx, job.MappingInitSettings{Vendor: opts.Vendor, File: opts.File, Sheet: opts.Sheet, Encoding: opts.Encoding, Sandbox: opts.Sandbox})
	if err != nil {
		return err
	}
	reg := opts.env.Vendor(res.Vendor)
	if !res.Live {
		fmt.Fprintln(opts.IO.ErrOut, builtInNote(reg))
	}
	for _, fl := range res.OffOnFreshAccount {
		fmt.Fprintf(opts.IO.ErrOut, "note: %s is switched off on a fresh %s account: if it is off on yours, %s, or the import drops its values\n",
			fieldName(fl), title(reg), switchOnText(reg))
	}
	if _, err := opts.IO.Out.Write(res.YAML); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "mapping init: placed %d of %d columns of %s for %s", res.Placed, res.Columns, opts.File, res.Vendor)
	if len(res.Missing) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "; required fields without a column: %s", strings.Join(res.Missing, ", "))
	}
	fmt.Fprintln(opts.IO.ErrOut, ".\nReview the mapping, then run: crmport mapping check -m MAPPING "+iostreams.QuoteArg(opts.File))
	return nil
}

// mappingCheckOptions are the inputs of `crmport mapping check`.
type mappingCheckOptions struct {
	IO      *iostreams.IOStreams
	env     *job.Env
	Mapping string
	File    string
	Sheet   string
	Sandbox bool
}

// newMappingCheckCmd builds `crmport mapping check`; runF replaces
// runMappingCheck in tests.
func newMappingCheckCmd(f *factory, runF func(*mappingCheckOptions) error) *cobra.Command {
	opts := &mappingCheckOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "check -m MAPPING [FILE]",
		Short: "Check a mapping file (and, given a FILE, its columns) and list every problem",
		Long: `Check a mapping file against the CRM's fields and, when a spreadsheet is
given, against its headers. Every problem is printed at once with the line
of the mapping (or the column) to fix; exit status 1 if there are any.
Otherwise prints a short table of field <- column, then maps the file's
first 1,000 rows and shows each column that fails on some of them, with the
count and an example, and ends with the verdict: "ok" when every row maps,
"not ok: N of the first … rows would fail" when some would; exit status 1
if a column fails on every row (without FILE: "ok" and the table).`,
		Example: `  crmport mapping check -m samples/thulium.yaml samples/klienci-pl.csv`,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Mapping == "" {
				return flagErrorf("-m MAPPING is required")
			}
			if len(args) == 1 {
				opts.File = args[0]
			}
			opts.env = f.env()
			if runF != nil {
				return runF(opts)
			}
			return runMappingCheck(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Mapping, "mapping", "m", "", "the mapping file to check")
	cmd.Flags().BoolVar(&opts.Sandbox, "sandbox", false, "check against the built-in emulator's fields (default: the account's with CRMPORT_* settings, else the built-in list)")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the mapping's, else the one Excel opens on, if it has data, else the first with data)")
	return cmd
}

func runMappingCheck(ctx context.Context, opts *mappingCheckOptions) error {
	res, err := opts.env.MappingCheck(ctx, job.MappingCheckSettings{Mapping: opts.Mapping, File: opts.File, Sheet: opts.Sheet, Sandbox: opts.Sandbox})
	if err != nil {
		return err
	}
	w := opts.IO.Out
	if len(res.Problems) > 0 {
		w = opts.IO.ErrOut
		printProblems(w, opts.Mapping, res.Problems)
	} else {
		fmt.Fprint(w, res.Report)
		reg := opts.env.Vendor(res.Vendor)
		for _, f := range res.SwitchedOff {
			if res.Live {
				fmt.Fprintf(w, "note: %s is switched off on your %s account, which drops its values silently: %s\n", f, title(reg), switchOnText(reg))
			} else {
				fmt.Fprintf(w, "note: %s is switched off on a fresh %s account, which then drops its values silently; `crmport fields --vendor %s` shows whether it is on for yours\n", f, title(reg), reg.Name)
			}
		}
	}
	if opts.File != "" {
		for _, n := range sheetNotes(opts.File, res.Columns, res.Info, res.HeaderRowGiven, res.SheetGiven) {
			fmt.Fprintln(w, n)
		}
	}
	if len(res.Problems) > 0 {
		return errSilent
	}
	if res.Rows != nil {
		if len(res.Rows.Broken()) > 0 {
			fmt.Fprint(opts.IO.ErrOut, res.Rows)
			return errSilent
		}
		fmt.Fprint(w, res.Rows)
	}
	return nil
}
