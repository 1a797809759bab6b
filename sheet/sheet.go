// Package sheet reads and writes tables — CSV and XLSX — one row at a time,
// with memory that does not grow with the file. Sources report every row
// with the row number a spreadsheet program shows for it, so messages and
// reports can point a person at the exact cell.
//
// # Column names
//
// Source.Header names every column of the header row, and no two alike,
// so that a mapping can reach each one and none is silently shadowed or
// dropped. Header cells are read as they are, except:
//
//   - a header that repeats the header of a column to its left (compared
//     ignoring case and surrounding spaces, as a mapping compares them)
//     is numbered: the second "Telefon" is "Telefon (2)", the third
//     "Telefon (3)";
//   - an empty header cell is "Column " and the column's letter, "Column
//     F", when a named column stands left of it or its column holds
//     values in the first 20 rows below the header (empty columns before
//     a table that does not start in column A keep their empty header);
//
// and a name already in the row is never made twice ("Telefon (3)" when
// the row holds a "Telefon (2)" of its own). A mapping names such a column
// by that name (phone_number: "Telefon (2)"). Each is listed in
// Info.HeaderProblems with its letter, its header cell and its name, for a
// note such as `column F has the same header "Telefon" as column D`.
// Empty header cells at the end of the row are dropped; values below them
// come back in Row.Extra.
package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// CellKind says what a cell holds.
type CellKind uint8

// The kinds of cells.
const (
	KindEmpty  CellKind = iota // no value
	KindText                   // text, kept exactly (postcodes, phones with leading zeros)
	KindNumber                 // a number; Text holds it without float noise ("5525.14")
	KindDate                   // a date or date-time; Time holds it, Text an ISO form
	KindBool                   // TRUE/FALSE; Text holds "TRUE" or "FALSE"
	// KindTime is a time of day or a duration (XLSX: a number format with
	// hours, minutes or seconds and no date). Text holds it as Excel shows
	// it, 24-hour: "09:00", "15:30:17" (seconds when the format shows
	// them), durations with their hours past 24: "27:30" ([h]:mm). Time
	// holds time.Time{} plus that time or duration.
	KindTime
)

// Cell is one value read from or written to a table. It is 32 bytes (a
// time.Time field made it 48): a million-row file allocates tens of
// millions of cells, and their bytes are most of what reading costs.
type Cell struct {
	Text string   // the value as text; for dates "2006-01-02" or "2006-01-02 15:04:05"
	Kind CellKind // what the cell holds
	at   int64    // Time as microseconds since time.Time{} (0 = none)
}

// year1 is the Unix time of time.Time{} (0001-01-01 UTC).
const year1 = -62135596800

// TimeCell is a cell of kind KindDate or KindTime holding t (kept to the
// microsecond, as UTC).
func TimeCell(text string, kind CellKind, t time.Time) Cell {
	c := Cell{Text: text, Kind: kind}
	if !t.IsZero() {
		c.at = (t.Unix()-year1)*1_000_000 + int64(t.Nanosecond()/1000)
	}
	return c
}

// Time is the value of a KindDate cell, or time.Time{} plus the time or
// duration of a KindTime cell; time.Time{} for other cells.
func (c Cell) Time() time.Time {
	if c.at == 0 {
		return time.Time{}
	}
	return time.Unix(c.at/1_000_000+year1, c.at%1_000_000*1000).UTC()
}

// Row is one data row of a Source.
type Row struct {
	// Line is the row number a spreadsheet program shows for this row: in
	// CSV the header is row 1 and a multi-line cell does not add rows; in
	// XLSX it is the sheet's own row number.
	Line  int
	Cells []Cell // one per header column (missing cells are KindEmpty); read-only: blank rows may share one slice
	Blank bool   // every cell is empty: importers count it as skipped
	Extra []Cell // cells beyond the header's width (kept, never dropped silently)
}

// Texts returns the text of every cell.
func (r Row) Texts() []string {
	out := make([]string, len(r.Cells))
	for i, c := range r.Cells {
		out[i] = c.Text
	}
	return out
}

// Info says how a source was read, for messages ("read as Windows-1250, ';'").
type Info struct {
	Format     string // "csv" or "xlsx"
	Encoding   string // CSV: the encoding used, e.g. "windows-1250"
	Detected   bool   // CSV: the encoding was detected, not given
	Delimiter  rune   // CSV: the delimiter used
	Sheet      string // XLSX: the sheet read
	HeaderLine int    // row number of the header row

	// EncodingConfidence says how sure the CSV encoding is (see Confidence).
	EncodingConfidence Confidence
	// DelimiterConfidence says how sure the CSV delimiter is.
	DelimiterConfidence Confidence
	// LineEnds is how the CSV file's lines end, as seen in its first 64 KiB
	// outside quotes: "crlf" (Windows), "lf" (Unix, Mac OS X), "cr" (old
	// Mac Excel), "mixed" or "" (a single line). Every kind is read.
	LineEnds string

	// Rows with values above the header row, top to bottom (CSV and
	// XLSX). They were taken as titles (a report's name, a date), not
	// data; say so.
	TitleRows []TitleRow
	// HeaderProblems lists the columns whose header repeats another's or
	// is empty, left to right, with the name each is read under (see
	// "Column names" in the package doc).
	HeaderProblems []HeaderProblem
	// XLSX: the other visible sheets that hold data, in workbook order
	// (not read; the user may want one of them: Options.Sheet).
	OtherSheets []string
}

// TitleRow is a row above the header, taken as a title rather than data.
type TitleRow struct {
	Line  int      // its row number
	Cells []string // its cells' text by column from A ("" for empty ones)
}

// String returns the row's values, empty cells left out, joined with " | ".
func (t TitleRow) String() string {
	var vals []string
	for _, c := range t.Cells {
		if strings.TrimSpace(c) != "" {
			vals = append(vals, c)
		}
	}
	return strings.Join(vals, " | ")
}

// A Source reads rows from a CSV or XLSX file, streaming.
type Source interface {
	// Header returns the header row's cells as text (trimmed of nothing).
	Header() []string
	// Info says how the file is being read.
	Info() Info
	// Next returns the next row, io.EOF after the last one. A malformed row
	// is reported as a *RowError (the source stays usable after it).
	Next() (Row, error)
	// Close releases the file.
	Close() error
}

// Passthrough is a Source that wraps another and, from some point on,
// only passes the other's rows on (the job's replay of the first rows,
// once it has given them again). Through returns that source from then
// on, nil before: a reader that reads many rows may then read it
// directly, a layer fewer a row.
type Passthrough interface {
	Through() Source
}

// ColumnKind says how a sink stores a column's values.
type ColumnKind uint8

// The kinds of columns.
const (
	ColumnAuto   ColumnKind = iota // by value: strings as text, numbers as numbers, time.Time as dates
	ColumnText                     // always text, even for numbers (ids, phones, postcodes, tax ids)
	ColumnDate                     // dates; time.Time values and parseable ISO strings
	ColumnNumber                   // numbers; numeric strings are stored as numbers
)

// Column describes one output column.
type Column struct {
	Name string
	Kind ColumnKind
}

// A Sink writes rows to a CSV or XLSX file, streaming.
type Sink interface {
	// WriteHeader writes the header row; call it once, first.
	WriteHeader(cols []Column) error
	// WriteRow writes one row. Values may be nil, string, int, int64,
	// float64, bool, time.Time, []string (joined with ", "), Cell, or
	// Marked (one of those with a note: a marked cell in XLSX).
	WriteRow(values []any) error
	// Close flushes and reports any deferred write error.
	Close() error
}

// Options configures sources and sinks. The zero value reads any supported
// file with detection on and writes Excel-safe output.
type Options struct {
	Format    string // "csv" or "xlsx"; "" = from the file name's extension
	Encoding  string // CSV source: "auto" or "" = detect; else a name such as "windows-1250"
	Delimiter rune   // CSV: 0 = sniff (source) or ',' (sink)
	Sheet     string // XLSX source: sheet name; "" = the sheet Excel opens on (active tab) if it has data, else the first visible sheet with data; XLSX sink: sheet name ("" = "Sheet1")
	HeaderRow int    // source: 1-based header row, 0 = found automatically; sink: the row the header is written on (rows above it empty), 0 = row 1
	// ExpectedHeaders are the column names a mapping uses: automatic header
	// detection (CSV and XLSX) prefers the row holding most of them.
	ExpectedHeaders []string
	BOM             bool // CSV sink: start with a UTF-8 byte order mark (for Excel)
	Raw             bool // CSV sink: do not neutralise formula-like cells
}

// RowError reports a problem with a whole row (a CSV parse error, too many
// cells), after csv.ParseError.
type RowError struct {
	Line int   // row number as a spreadsheet program shows it
	Err  error // what is wrong
	// Cells holds the row's cells as far as they could be read (for the
	// error report, so the row can be fixed there); nil when unknown.
	Cells []Cell
}

// Error formats the error as "row 17: …".
func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *RowError) Unwrap() error { return e.Err }

// AsRowError returns the *RowError err is or wraps, if any. It costs
// nothing when err is nil, as it is for almost every row (errors.As with a
// variable of the caller's would move that variable to the heap: an
// allocation a row).
func AsRowError(err error) (*RowError, bool) {
	if err == nil {
		return nil, false
	}
	var re *RowError
	ok := errors.As(err, &re)
	return re, ok
}

// EndsRows says whether err, returned by Source.Next, ends the rows: any
// error but a *RowError (which fails one row).
func EndsRows(err error) bool {
	_, isRow := AsRowError(err)
	return err != nil && !isRow
}

// CellError reports a bad value, after csv.ParseError:
// `row 17, column "E-mail": "jan@" is not an e-mail address`.
type CellError struct {
	Line   int    // row number as a spreadsheet program shows it
	Column string // header text as the user sees it
	Value  string // the offending value
	Err    error  // what is wrong with it
	// ColumnIndexes are the 0-based places in the header of the column
	// or columns the value came from (several for a value joined from
	// columns), so that a report can mark the very cells; nil when
	// unknown. Read-only: it may be shared.
	ColumnIndexes []int
}

// Error formats the error with the row, column and value.
func (e *CellError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("row %d, column %q: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("row %d, column %q: %q %v", e.Line, e.Column, e.Value, e.Err)
}

// Unwrap returns the underlying error.
func (e *CellError) Unwrap() error { return e.Err }
