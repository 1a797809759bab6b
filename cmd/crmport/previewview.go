package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

func kindName(k job.CellKind) string {
	switch k {
	case job.KindText:
		return "text"
	case job.KindNumber:
		return "number"
	case job.KindDate:
		return "date"
	case job.KindTime:
		return "time"
	case job.KindBool:
		return "bool"
	}
	return "empty"
}

func previewCells(cells []job.Cell) []previewCell {
	out := make([]previewCell, len(cells))
	for i, c := range cells {
		out[i] = previewCell{Text: c.Text, Kind: kindName(c.Kind)}
	}
	return out
}

func delimiterName(r rune) string {
	if r == 0 {
		return ""
	}
	return string(r)
}

// nextPreviewRow reads one row; a row error becomes part of the row.
func nextPreviewRow(src *job.Preview) (previewRow, error) {
	row, err := src.Next()
	if err != nil {
		return previewRow{}, err
	}
	if row.Err != nil {
		return previewRow{Type: "row", Row: row.Line, Cells: previewCells(row.Cells), Error: row.Err.Error()}, nil
	}
	return previewRow{Type: "row", Row: row.Line, Cells: previewCells(row.Cells), Blank: row.Blank, Extra: previewCells(row.Extra)}, nil
}

func previewJSON(w io.Writer, file string, src *job.Preview, limit int) error {
	info := src.Info()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	head := previewFile{Type: "file", File: file, Format: info.Format, Encoding: info.Encoding, Detected: info.Detected,
		EncodingSure: string(info.EncodingConfidence), Delimiter: delimiterName(info.Delimiter),
		DelimiterSure: string(info.DelimiterConfidence), LineEnds: info.LineEnds, Sheet: info.Sheet, OtherSheets: info.OtherSheets, HeaderRow: info.HeaderLine, Header: src.Header()}
	for _, tr := range info.TitleRows {
		head.TitleRows = append(head.TitleRows, previewTitle{Row: tr.Line, Cells: tr.Cells})
	}
	if err := enc.Encode(head); err != nil {
		return err
	}
	for n := 0; limit == 0 || n < limit; n++ {
		row, err := nextPreviewRow(src)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", filepath.Base(file), err)
		}
		if len(row.Extra) == 0 {
			row.Extra = nil
		}
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	return nil
}

// previewCellWidth is how many characters of a cell the table shows.
const previewCellWidth = 24

func previewText(ios *iostreams.IOStreams, file string, src *job.Preview, limit int) error {
	info := src.Info()
	w := ios.Out
	fmt.Fprintf(w, "File:       %s\n", file)
	switch info.Format {
	case "csv":
		fmt.Fprintf(w, "Format:     CSV (text)\n")
		fmt.Fprintf(w, "Encoding:   %s (%s)\n", info.Encoding, describeConfidence(info.EncodingConfidence, info.Detected))
		fmt.Fprintf(w, "Delimiter:  %s (%s)\n", describeDelimiter(info.Delimiter), describeConfidence(info.DelimiterConfidence, true))
		if le := describeLineEnds(info.LineEnds); le != "" {
			fmt.Fprintf(w, "Line ends:  %s\n", le)
		}
	case "xlsx":
		fmt.Fprintf(w, "Format:     XLSX (Excel workbook)\n")
		fmt.Fprintf(w, "Sheet:      %s\n", info.Sheet)
		if len(info.OtherSheets) > 0 {
			verb := "holds"
			if len(info.OtherSheets) > 1 {
				verb = "hold"
			}
			fmt.Fprintf(w, "Not read:   %s (also %s data; --sheet NAME reads it)\n", quoteList(info.OtherSheets), verb)
		}
	}
	header := src.Header()
	for _, tr := range info.TitleRows {
		fmt.Fprintf(w, "Title:      row %d: %s (above the header, not imported)\n", tr.Line, cutText(tr.String(), 60))
	}
	fmt.Fprintf(w, "Header:     row %d, %s\n", info.HeaderLine, strconv.Itoa(len(header))+" "+plural(len(header), "column", "columns"))

	var rows []previewRow
	more := false
	for limit == 0 || len(rows) < limit {
		row, err := nextPreviewRow(src)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", filepath.Base(file), err)
		}
		rows = append(rows, row)
	}
	if limit != 0 && len(rows) == limit {
		if _, err := src.Next(); !errors.Is(err, io.EOF) {
			more = true
		}
	}
	fmt.Fprintln(w)
	if len(rows) == 0 {
		fmt.Fprintln(w, "The file has a header but no data rows.")
		return nil
	}
	width := ios.TerminalWidth()
	if !ios.IsStdoutTTY() {
		width = 0
	}
	if width > 0 && tableWidth(header, rows) > width {
		writeRecords(w, header, rows)
	} else {
		writeTable(w, header, rows)
	}
	if more {
		fmt.Fprintf(w, "\nShowing the first %d data rows; --rows N shows more, --rows 0 all of them.\n", limit)
	}
	return nil
}

// describeConfidence says in words how a CSV fact was found out.
func describeConfidence(c job.Confidence, detected bool) string {
	switch c {
	case job.ConfidenceGiven:
		return "given"
	case job.ConfidenceMarked:
		return "stated by the file"
	case job.ConfidenceSure:
		return "detected, sure"
	case job.ConfidenceLikely:
		return "detected, likely: check the rows below"
	case job.ConfidenceGuess:
		return "a guess: check the columns below"
	}
	if detected {
		return "detected"
	}
	return "given"
}

func describeLineEnds(s string) string {
	switch s {
	case "crlf":
		return "CR LF (Windows)"
	case "lf":
		return "LF (Unix, macOS)"
	case "cr":
		return "CR (old Mac Excel)"
	case "mixed":
		return "mixed CR, LF and CR LF (every kind is read)"
	}
	return ""
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func describeDelimiter(r rune) string {
	switch r {
	case ';':
		return `";" (semicolon)`
	case ',':
		return `"," (comma)`
	case '\t':
		return "tab"
	case '|':
		return `"|" (pipe)`
	}
	return strconv.QuoteRune(r)
}

// shortCell makes a cell fit one table cell: line breaks and tabs shown as
// symbols, long text cut with "…".
func shortCell(s string) string {
	return cutText(s, previewCellWidth)
}

// cutText shows line breaks and tabs as symbols and cuts s to n characters.
func cutText(s string, n int) string {
	s = strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\t", "→").Replace(s)
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n-1]) + "…"
	}
	return s
}

func rowTexts(row previewRow, columns int) []string {
	out := make([]string, 0, columns+1)
	out = append(out, strconv.Itoa(row.Row))
	for i := 0; i < columns; i++ {
		t := ""
		if i < len(row.Cells) {
			t = shortCell(row.Cells[i].Text)
		}
		out = append(out, t)
	}
	return out
}

func rowNote(row previewRow) string {
	switch {
	case row.Error != "":
		return "error: " + row.Error
	case len(row.Extra) > 0:
		return strconv.Itoa(len(row.Extra)) + " " + plural(len(row.Extra), "cell", "cells") + " past the last header column (not imported: give it a header or remove it)"
	case row.Blank:
		return "blank row (skipped by import)"
	}
	return ""
}

func tableWidth(header []string, rows []previewRow) int {
	widths := make([]int, len(header)+1)
	widths[0] = 5
	for i, h := range header {
		widths[i+1] = utf8.RuneCountInString(shortCell(h))
	}
	for _, r := range rows {
		for i, t := range rowTexts(r, len(header)) {
			widths[i] = max(widths[i], utf8.RuneCountInString(t))
		}
	}
	total := 0
	for _, n := range widths {
		total += n + 2
	}
	return total
}

func writeTable(w io.Writer, header []string, rows []previewRow) {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	head := []string{"row"}
	for _, h := range header {
		head = append(head, shortCell(h))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		line := strings.Join(rowTexts(r, len(header)), "\t") + "\t"
		if note := rowNote(r); note != "" {
			line += note
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush()
	for l := range strings.Lines(buf.String()) {
		fmt.Fprintln(w, strings.TrimRight(l, " \n"))
	}
}

// writeRecords shows each row as "column  value" lines, for files too wide
// for the terminal.
func writeRecords(w io.Writer, header []string, rows []previewRow) {
	for i, r := range rows {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "row %d", r.Row)
		if note := rowNote(r); note != "" {
			fmt.Fprintf(w, " (%s)", note)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for c, h := range header {
			v := ""
			if c < len(r.Cells) {
				v = r.Cells[c].Text
			}
			fmt.Fprintf(tw, "  %s\t%s\n", shortCell(h), strings.NewReplacer("\n", "⏎", "\r", "").Replace(v))
		}
		_ = tw.Flush()
	}
}
