package main

import (
	"strconv"
	"strings"

	"github.com/crmport/crmport/job"
)

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
