package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

// Reports are the paths a run wrote ("" for a report that was not written).
type Reports struct {
	Errors  string
	Done    string
	Journal string
}

// RowFailure is one failed row, for messages.
type RowFailure struct {
	Row   int
	Error string
}

// Summary counts what happened to the input rows. For a complete run
// Rows == Created+Updated+Exists+Unchanged+Merged+Failed+Skipped (plus
// NotProcessed for a run that stopped early). In a dry run
// Created counts the rows that would be sent (created, or in upsert mode
// created or updated).
type Summary struct {
	Rows      int
	Created   int
	Updated   int
	Exists    int
	Unchanged int
	Failed    int
	// FailedTemporarily counts the failed rows whose failure was
	// temporary (the CRM busy or failing) or whose outcome is unknown (a
	// lost answer): the next run of the same import looks them up and
	// sends them again; importing the error report instead could create
	// them twice.
	FailedTemporarily int
	Skipped           int
	// Merged counts rows merged into an earlier row of the same client
	// (Options.Duplicates merge): in the done report, status "merged".
	Merged int
	// Duplicates counts the failed rows that are the same client as
	// another row of the file (also counted in Failed).
	Duplicates int
	// LookUp says how the rows were looked up in the CRM before creating
	// them (Options.LookUp; nil when they were not).
	LookUp *LookUpPlan
	// Resumed counts rows finished by an earlier run of the same import
	// (they are also counted under their status).
	Resumed int
	DryRun  bool
	Vendor  string
	Elapsed time.Duration
	Reports Reports
	// NotProcessed counts rows in no report because the run stopped early
	// (MaxErrors, Ctrl-C, a fatal error): read but never finished, or never
	// read. With them, Rows == Created+Updated+Exists+Unchanged+Failed+
	// Skipped+NotProcessed.
	NotProcessed int
	// RestUnread is set when the run stopped early and the rest of the
	// file was not read (interrupted, or the file could not be read), so
	// NotProcessed covers only the rows read.
	RestUnread bool
	// FirstErrors holds the first few failed rows, in input order.
	FirstErrors []RowFailure
	// RestartUndone is set when a restart sent nothing the CRM kept (it
	// refused every request) and put the earlier run's journal and
	// reports back as they were.
	RestartUndone bool
	// KeptAside are the files of an earlier run that a restart moved aside
	// to numbered names (their new paths), so that none is lost.
	KeptAside []string
	// SandboxJournalSetAside is set when the journal of a sandbox
	// rehearsal was moved aside because this run imports into a real CRM.
	SandboxJournalSetAside bool
	// MappingChanged is set when the run resumed a journal written with
	// another mapping (Options.ResumeChanged).
	MappingChanged bool
	// InputChanged is set when the run resumed a journal written for
	// another version of the input file (Options.ResumeChanged).
	InputChanged bool
}

var (
	// ErrSomeRowsFailed is returned when the run finished but some rows
	// failed (they are in the error report): exit status 2.
	ErrSomeRowsFailed = errors.New("some rows failed")
	// ErrTooManyErrors is returned when MaxErrors stopped the run: exit
	// status 2; the journal is saved.
	ErrTooManyErrors = errors.New("too many rows failed")
)

// TooManyErrorsError is returned when MaxErrors stopped the run early: the
// mapping or the data is probably wrong. It wraps ErrTooManyErrors.
type TooManyErrorsError struct {
	Failed, Finished int          // rows failed, of the rows finished
	Limit            MaxErrors    // the limit passed
	First            []RowFailure // the first failures, in input order
	DryRun           bool
}

func (e *TooManyErrorsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the first %d rows failed (the limit is %s), so the import stopped before using more of the CRM's request quota; the mapping or the data is probably wrong. First errors:",
		e.Failed, e.Finished, e.Limit)
	for _, f := range e.First {
		if strings.HasPrefix(f.Error, "column ") {
			fmt.Fprintf(&b, "\n  row %d, %s", f.Row, f.Error)
		} else {
			fmt.Fprintf(&b, "\n  row %d: %s", f.Row, f.Error)
		}
	}
	return b.String()
}

// Unwrap makes a TooManyErrorsError an ErrTooManyErrors.
func (e *TooManyErrorsError) Unwrap() error { return ErrTooManyErrors }

// noteFailure keeps the first failures for messages.
func (r *run) noteFailure(line int, msg string) {
	r.firstMu.Lock()
	if len(r.firstErrors) < 5 {
		// A copy: a dry run's rows are used again once finished
		// (sheet.ReuseCells), and a message is kept to the end.
		r.firstErrors = append(r.firstErrors, RowFailure{Row: line, Error: strings.Clone(msg)})
		slices.SortFunc(r.firstErrors, func(a, b RowFailure) int { return a.Row - b.Row })
	}
	r.firstMu.Unlock()
}

func (r *run) progress(line int, res crm.Result) {
	if r.opt.Progress != nil {
		r.opt.Progress.RowDone(line, res)
	}
}

func (r *run) checkMaxErrors() {
	m := r.opt.MaxErrors
	if m.Percent <= 0 && m.Count <= 0 {
		return
	}
	failed := r.readFailed.Load() + r.vendorFailed.Load()
	finished := r.nonBlank.Load()
	over := false
	switch {
	case m.Percent > 0:
		over = finished >= MinSample && float64(failed)*100 > m.Percent*float64(finished)
	case m.Count > 0:
		over = failed > int64(m.Count)
	}
	if !over {
		return
	}
	r.stopOnce.Do(func() {
		r.firstMu.Lock()
		first := slices.Clone(r.firstErrors)
		r.firstMu.Unlock()
		r.stopErr = &TooManyErrorsError{Failed: int(failed), Finished: int(finished), Limit: m, First: first, DryRun: r.opt.DryRun}
		close(r.stop)
	})
}
