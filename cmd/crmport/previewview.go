package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

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
