package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

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
