package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gocarina/gocsv"
	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// fieldsOptions are the inputs of `crmport fields`.
type fieldsOptions struct {
	IO      *iostreams.IOStreams
	Vendor  string
	Sandbox bool
	Offline bool
	Format  string // table (default) or csv
}

// newFieldsCmd builds `crmport fields`; runF replaces runFields in tests.
func newFieldsCmd(f *factory, runF func(*fieldsOptions) error) *cobra.Command {
	opts := &fieldsOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "fields --vendor V [--sandbox]",
		Short: "List a CRM's client fields, to choose mapping targets",
		Long: `List the client fields of a CRM: name, type, maximum length, whether it is
required, whether it is switched on for this account, and what it holds.

With credentials set (see 'crmport --help') the account is asked which
fields are active (SalesMan form fields) and which extra fields exist
(BaseLinker); --offline prints the built-in catalogue only.`,
		Example: `  crmport fields --vendor salesman --sandbox
  crmport fields --vendor baselinker --offline
  crmport fields --vendor thulium --offline --format csv > thulium-fields.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Vendor == "" {
				return flagErrorf("--vendor is required (salesman, thulium or baselinker)")
			}
			if opts.Format != "table" && opts.Format != "csv" {
				return flagErrorf("--format %q: use table or csv", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return runFields(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Vendor, "vendor", "", "CRM: salesman, thulium or baselinker")
	cmd.Flags().BoolVar(&opts.Sandbox, "sandbox", false, "ask the built-in emulator instead of a real account")
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "print the built-in catalogue without asking the CRM")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, or csv to open the list in Excel")
	return cmd
}

func runFields(ctx context.Context, f *factory, opts *fieldsOptions) error {
	env := f.env()
	fields, live, err := env.Fields(ctx, job.FieldsSettings{Vendor: opts.Vendor, Sandbox: opts.Sandbox, Offline: opts.Offline})
	if err != nil {
		return err
	}
	if !live && !opts.Offline {
		fmt.Fprintln(opts.IO.ErrOut, builtInNote(env.Vendor(opts.Vendor)))
	}
	if opts.Format == "csv" {
		return writeFieldsCSV(opts.IO.Out, fields, live)
	}
	return printFields(opts.IO, fields, live)
}

// fieldRow is one line of `fields --format csv`: a fixed set of columns,
// the case gocsv is made for.
type fieldRow struct {
	Field       string `csv:"field"`
	Type        string `csv:"type"`
	MaxLength   string `csv:"max_length"`
	Required    string `csv:"required"`
	Active      string `csv:"active"`
	Label       string `csv:"label"`
	Description string `csv:"description"`
}

// writeFieldsCSV writes the catalogue as CSV through gocsv, with a writer
// of our own (never gocsv's package-level settings).
func writeFieldsCSV(w io.Writer, fields []job.Field, live bool) error {
	rows := make([]fieldRow, 0, len(fields))
	for _, fl := range fields {
		r := fieldRow{Field: fl.Name, Type: fieldType(fl), Label: fl.Label, Description: oneLine(fl.Description),
			Required: yesNo(fl.Required), Active: yesNo(fl.Active)}
		if fl.MaxLen > 0 {
			r.MaxLength = strconv.Itoa(fl.MaxLen)
		}
		if !live {
			r.Active = ""
		}
		rows = append(rows, r)
	}
	cw := csv.NewWriter(w)
	if err := gocsv.MarshalCSV(&rows, gocsv.NewSafeCSVWriter(cw)); err != nil {
		return fmt.Errorf("write the field list: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func fieldType(fl job.Field) string {
	typ := string(fl.Type)
	if fl.Multi {
		typ += "[]"
	}
	if fl.Min != 0 || fl.Max != 0 {
		typ += fmt.Sprintf(" %d-%d", fl.Min, fl.Max)
	}
	return typ
}

func printFields(io *iostreams.IOStreams, fields []job.Field, live bool) error {
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tTYPE\tMAX\tREQUIRED\tACTIVE\tDESCRIPTION")
	for _, fl := range fields {
		max := ""
		if fl.MaxLen > 0 {
			max = strconv.Itoa(fl.MaxLen)
		}
		typ := fieldType(fl)
		active := "yes"
		if !fl.Active {
			active = "no"
		}
		if !live {
			active = "?"
		}
		req := ""
		if fl.Required {
			req = "yes"
		}
		desc := fl.Description
		if fl.Label != "" && !strings.Contains(desc, fl.Label) {
			desc = strings.TrimSpace(fl.Label + " — " + desc)
		}
		if fl.ReadOnly {
			desc = strings.TrimSpace("(read-only) " + desc)
		}
		if len(fl.Values) > 0 {
			desc += " Values: " + strings.Join(fl.Values, ", ") + "."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", fl.Name, typ, max, req, active, oneLine(desc))
	}
	return tw.Flush()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
