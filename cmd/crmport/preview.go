package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// previewOptions are the inputs of `crmport preview`.
type previewOptions struct {
	IO        *iostreams.IOStreams
	env       *job.Env
	File      string
	Rows      int
	RowsSet   bool
	JSON      bool
	Sheet     string
	Encoding  string
	Delimiter string
	HeaderRow int
}

// newPreviewCmd builds `crmport preview`; runF replaces runPreview in tests.
func newPreviewCmd(f *factory, runF func(*previewOptions) error) *cobra.Command {
	opts := &previewOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "preview FILE",
		Short: "Show what crmport reads from a spreadsheet, before any mapping",
		Long: `Show how crmport reads a CSV or XLSX file: its format, encoding (and how
sure the guess is), delimiter, the sheet read (and the other sheets), the
header row and any title rows above it, then the first rows as a table.
Run it when an import surprises you: what you see here is exactly what
import and 'mapping init' get.

With --json it prints one JSON object per line instead: first the file's
facts ("type":"file"), then every row ("type":"row") with each cell's text
and kind (text, number, date, time, bool, empty).`,
		Example: `  crmport preview samples/klienci-pl.csv
  crmport preview --rows 5 samples/klienci-pl.csv
  crmport preview --json samples/klienci-pl.csv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.RowsSet = cmd.Flags().Changed("rows")
			if opts.Rows < 0 {
				return flagErrorf("--rows %d: give a number of rows, 1 or more (0 = all)", opts.Rows)
			}
			if opts.HeaderRow < 0 {
				return flagErrorf("--header-row %d: give the row number of the headers, 1 or more", opts.HeaderRow)
			}
			opts.env = f.env()
			if runF != nil {
				return runF(opts)
			}
			return runPreview(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Rows, "rows", 10, "how many data rows to show (0 = all; --json shows all unless set)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the file's facts and its rows as JSON lines, each cell with its kind")
	cmd.Flags().StringVar(&opts.Sheet, "sheet", "", "XLSX: the sheet to read (default: the one Excel opens on, if it has data, else the first with data)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "", "CSV: the file's encoding, e.g. windows-1250 (default: detected)")
	cmd.Flags().StringVar(&opts.Delimiter, "delimiter", "", "CSV: the delimiter, e.g. ';' or tab (default: detected)")
	cmd.Flags().IntVar(&opts.HeaderRow, "header-row", 0, "the row number of the headers (default: found automatically)")
	return cmd
}

// previewFile is the first JSON line of `preview --json`: what was read, how.
type previewFile struct {
	Type     string `json:"type"` // "file"
	File     string `json:"file"`
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	Detected bool   `json:"encoding_detected,omitempty"`
	// EncodingSure and DelimiterSure say how each was found out: given,
	// marked (a BOM or sep= line), sure, likely or guess.
	EncodingSure  string `json:"encoding_confidence,omitempty"`
	Delimiter     string `json:"delimiter,omitempty"`
	DelimiterSure string `json:"delimiter_confidence,omitempty"`
	LineEnds      string `json:"line_ends,omitempty"` // crlf, lf, cr or mixed
	Sheet         string `json:"sheet,omitempty"`
	// OtherSheets are the workbook's other visible sheets with data (not read).
	OtherSheets []string `json:"other_sheets,omitempty"`
	// TitleRows are the rows above the header, taken as titles, not data.
	TitleRows []previewTitle `json:"title_rows,omitempty"`
	HeaderRow int            `json:"header_row"`
	Header    []string       `json:"header"`
}

// previewTitle is a row above the header row, with its cells by column.
type previewTitle struct {
	Row   int      `json:"row"`
	Cells []string `json:"cells"`
}

// previewCell is one cell of a `preview --json` row.
type previewCell struct {
	Text string `json:"text"`
	Kind string `json:"kind"`
}

// previewRow is one row line of `preview --json`.
type previewRow struct {
	Type  string        `json:"type"` // "row"
	Row   int           `json:"row"`
	Cells []previewCell `json:"cells"`
	Blank bool          `json:"blank,omitempty"`
	Extra []previewCell `json:"extra,omitempty"`
	Error string        `json:"error,omitempty"`
}

func runPreview(ctx context.Context, opts *previewOptions) error {
	delim, err := parseDelimiter(opts.Delimiter)
	if err != nil {
		return err
	}
	src, err := opts.env.OpenPreview(ctx, job.PreviewSettings{File: opts.File, Sheet: opts.Sheet, Encoding: opts.Encoding, Delimiter: delim, HeaderRow: opts.HeaderRow})
	if err != nil {
		return err
	}
	defer src.Close()
	limit := opts.Rows
	if opts.JSON && !opts.RowsSet {
		limit = 0
	}
	if opts.JSON {
		return previewJSON(opts.IO.Out, opts.File, src, limit)
	}
	return previewText(opts.IO, opts.File, src, limit)
}
