package main

import (
	"fmt"
	"strings"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// sheetNotes says what a user should know about how a workbook was read
// with the options so, and might not expect: rows above a header found
// automatically, taken as titles (not imported), and, unless a sheet was
// named, the other sheets holding data that were not read. Each note is
// one line, indented for the summaries.
func sheetNotes(file string, columns int, info job.SheetInfo, headerRowGiven, sheetGiven bool) []string {
	var notes []string
	unsure := func(c job.Confidence) bool { return c == job.ConfidenceLikely || c == job.ConfidenceGuess }
	if info.Format == "csv" && unsure(info.EncodingConfidence) {
		notes = append(notes, fmt.Sprintf("  the file was read as %s, but that is only %s: look at its rows with 'crmport preview %s'; if letters look wrong, write the right encoding: under source: in the mapping",
			info.Encoding, confidenceWord(info.EncodingConfidence), iostreams.QuoteArg(file)))
	}
	// A file of one column has no delimiter to be unsure of.
	if info.Format == "csv" && unsure(info.DelimiterConfidence) && columns > 1 {
		notes = append(notes, fmt.Sprintf("  the cells were split at %s, but that is only %s: look at the columns with 'crmport preview %s'; if they are wrong, write the right delimiter: under source: in the mapping",
			describeDelimiter(info.Delimiter), confidenceWord(info.DelimiterConfidence), iostreams.QuoteArg(file)))
	}
	if len(info.TitleRows) > 0 && !headerRowGiven {
		var rows []string
		for _, r := range info.TitleRows {
			rows = append(rows, fmt.Sprintf("row %d %q", r.Line, cutText(r.String(), 60)))
		}
		notes = append(notes, fmt.Sprintf("  the header is row %d; the rows above it were taken as titles, not data: %s (if one is data, set header_row in the mapping)",
			info.HeaderLine, strings.Join(rows, ", ")))
	}
	for _, p := range info.HeaderProblems {
		notes = append(notes, "  "+p.String())
	}
	if len(info.OtherSheets) > 0 && !sheetGiven {
		notes = append(notes, fmt.Sprintf("  read sheet %q; the workbook has data in other sheets too: %s (to read one, give --sheet NAME)",
			info.Sheet, quoteList(info.OtherSheets)))
	}
	return notes
}

// confidenceWord is how sure a detection is, in a word or two: the
// first part of describeConfidence ("likely", "a guess").
func confidenceWord(c job.Confidence) string {
	word, _, _ := strings.Cut(describeConfidence(c, true), ":")
	return strings.TrimPrefix(word, "detected, ")
}
