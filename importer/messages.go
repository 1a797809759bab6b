package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/crmport/crmport/sheet"
)

// lostAnswer is the message of a row whose create was sent but not
// answered, when the vendor cannot look clients up.
const lostAnswer = "sent, but the CRM's answer was lost: check in the CRM whether the client is there before importing this row again"

// lostAnswerMessage words a row whose create was sent but whose answer
// was lost, in a person's terms: what happened, in a few words, and what
// the next run does. The transport's own words (URLs, EOF) stay out of
// the report: --debug shows them.
func lostAnswerMessage(err error, canLookUp bool) string {
	cause := "no answer came back"
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		cause = "the connection closed before the answer"
	case errors.Is(err, syscall.ECONNRESET):
		cause = "the connection was cut"
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		cause = "no answer in time"
	}
	if canLookUp {
		return "sent, but the CRM's answer was lost (" + cause + "): the next run of the same command looks this client up first, so it is not created twice"
	}
	return "sent, but the CRM's answer was lost (" + cause + "): check in the CRM whether the client is there before importing this row again"
}

// extraCellsMessage says that a row has more cells than the header.
func extraCellsMessage(line int, extra []sheet.Cell) string {
	vals := make([]string, 0, 5)
	for i, c := range extra {
		if i == 4 && len(extra) > 5 {
			vals = append(vals, fmt.Sprintf("and %d more", len(extra)-4))
			break
		}
		vals = append(vals, strconv.Quote(c.Text))
	}
	if len(extra) == 1 {
		return fmt.Sprintf("row %d has 1 more cell than there are headers (%s): add a header for it or remove it", line, vals[0])
	}
	return fmt.Sprintf("row %d has %d more cells than there are headers (%s): add headers for them or remove them", line, len(extra), strings.Join(vals, ", "))
}

// changedSinceMessage is the error of a row an earlier run imported (with
// id) whose place or content changed in the input file since.
func changedSinceMessage(id string) string {
	ref := ""
	if id != "" {
		ref = " (id " + id + ")"
	}
	return "this row was imported by an earlier run" + ref + " but has changed since, or rows above it were added or removed; " +
		"check it in the CRM, or import it on its own"
}

// rowMessage turns a mapping error into one line for the error report
// (the row number is in its own column, so it is left out).
func rowMessage(err error) string {
	var parts []string
	eachProblem(err, func(e error) {
		var ce *sheet.CellError
		if errors.As(e, &ce) {
			if ce.Value == "" {
				parts = append(parts, fmt.Sprintf("column %q: %v", ce.Column, ce.Err))
			} else {
				parts = append(parts, fmt.Sprintf("column %q: %q %v", ce.Column, ce.Value, ce.Err))
			}
			return
		}
		parts = append(parts, e.Error())
	})
	return strings.Join(parts, "; ")
}

// eachProblem calls fn with each problem of a mapping error, in order:
// the leaves of a tree of errors.Join.
func eachProblem(err error, fn func(error)) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, x := range j.Unwrap() {
			eachProblem(x, fn)
		}
		return
	}
	fn(err)
}

// cellMark is a failing cell of a row: its place in the header and why.
type cellMark struct {
	col  int
	note string
}

// cellMarks lists the cells a mapping error is about, for the marked
// error workbook: one mark per source column of each *sheet.CellError,
// the reason as the comment ("not an e-mail address"). A value joined
// from several columns marks each of them, naming them together.
func cellMarks(err error) []cellMark {
	var marks []cellMark
	eachProblem(err, func(e error) {
		var ce *sheet.CellError
		if !errors.As(e, &ce) || len(ce.ColumnIndexes) == 0 {
			return
		}
		note := strings.TrimPrefix(ce.Err.Error(), "is ")
		if len(ce.ColumnIndexes) > 1 {
			note = fmt.Sprintf("%s together: %s", ce.Column, note)
		}
		for _, c := range ce.ColumnIndexes {
			marks = append(marks, cellMark{col: c, note: note})
		}
	})
	return marks
}
