package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmport/crmport/sheet"
)

// sheetNotes says what a user should know about how a workbook was read
// with the options so, and might not expect: rows above a header found
// automatically, taken as titles (not imported), and, unless a sheet was
// named, the other sheets holding data that were not read. Each note is
// one line, indented for the summaries.
func sheetNotes(info sheet.Info, so sheet.Options) []string {
	var notes []string
	if len(info.TitleRows) > 0 && so.HeaderRow == 0 {
		var rows []string
		for _, r := range info.TitleRows {
			text := r.String()
			if len([]rune(text)) > 60 {
				text = string([]rune(text)[:59]) + "…"
			}
			rows = append(rows, fmt.Sprintf("row %d %q", r.Line, text))
		}
		notes = append(notes, fmt.Sprintf("  the header is row %d; the rows above it were taken as titles, not data: %s (if one is data, set header_row in the mapping)",
			info.HeaderLine, strings.Join(rows, ", ")))
	}
	if len(info.OtherSheets) > 0 && so.Sheet == "" {
		names := make([]string, len(info.OtherSheets))
		for i, n := range info.OtherSheets {
			names[i] = strconv.Quote(n)
		}
		notes = append(notes, fmt.Sprintf("  read sheet %q; the workbook has data in other sheets too: %s (to read one, give --sheet NAME)",
			info.Sheet, strings.Join(names, ", ")))
	}
	return notes
}
