package main

import (
	"errors"
	"fmt"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// wordedError is an error of the job layer worded for the command line;
// the original stays in the chain for errors.Is/As.
type wordedError struct {
	msg string
	err error
}

func (e *wordedError) Error() string { return e.msg }
func (e *wordedError) Unwrap() error { return e.err }

// twice is what --restart would do after an import that got somewhere.
const twice = "--restart would send every row again (a CRM that spots duplicates answers 'exists' for the imported ones; the others would create them twice)"

// importError words the import's typed errors with this command's flags.
func importError(opts *importOptions, err error) error {
	var je *job.JournalError
	var tm *job.TooManyErrorsError
	var se *job.StoppedError
	var ke *job.KeyMissingError
	switch {
	case errors.As(err, &ke):
		return &wordedError{msg: "--mode upsert needs a key: " + ke.Fix(), err: err}
	case errors.As(err, &se):
		var msg string
		switch se.Reason {
		case job.StopUnreachable:
			msg = fmt.Sprintf("the CRM could not be reached, so the import stopped before importing anything (the journal is saved): check the CRM's address setting and the network, then run the same command again: %v", se.Err)
		case job.StopRetriesUsedUp:
			msg = fmt.Sprintf("the CRM kept failing, so the import stopped (the journal is saved): %v\nThis is the CRM's trouble, not your data's. Run the same command again later: rows already imported are not sent twice, and rows that were being sent are looked up first.", se.Err)
		case job.StopFailing:
			msg = fmt.Sprintf("the CRM failed every request, so nothing was imported: %v\nThis is the CRM's trouble, not your data's. Run the same command again later: crmport looks these rows up in the CRM first, so none is created twice (do not import the error report for them).", se.Err)
		default:
			msg = fmt.Sprintf("the CRM refused the request, so the import stopped (the journal is saved; fix the cause and run the same command again): %v", se.Err)
		}
		return &wordedError{msg: msg, err: err}
	case errors.As(err, &je):
		return &wordedError{msg: journalAdvice(je), err: err}
	case errors.As(err, &tm):
		mp := opts.Mapping
		if mp == "" {
			mp = "MAPPING"
		}
		again := "then run the same command again with --resume-changed (the mapping or the file changed): rows already imported are not sent twice"
		if tm.DryRun || opts.Sandbox {
			again = "then run the same command again"
		}
		msg := fmt.Sprintf("%s: %v\nFix the mapping or the data (check the mapping against the file with: crmport mapping check -m %s %s), %s",
			job.ErrTooManyErrors, tm, iostreams.QuoteArg(mp), iostreams.QuoteArg(opts.Input), again)
		return &wordedError{msg: msg, err: err}
	}
	return err
}

// journalAdvice says what the journal's problem is and which flag puts
// it right.
func journalAdvice(e *job.JournalError) string {
	switch e.Problem {
	case job.JournalNotOurs:
		return e.Error() + "; run again with --restart to start over (it is moved aside), or choose another --report-dir"
	case job.JournalOtherVersion:
		return e.Error() + "; run again with --restart to start over, or choose another --report-dir"
	case job.JournalOtherVendor:
		return e.Error() + "; run again with --restart, or use another --report-dir"
	case job.JournalOtherTarget:
		return fmt.Sprintf("%v; to import the whole file into %s run again with --restart (the old journal and reports are moved aside as numbered copies), or use another --report-dir",
			e, e.WantTarget)
	case job.JournalOfRealImport:
		return e.Error() + ": add --report-dir with another folder for the rehearsal"
	case job.JournalDamaged:
		return e.Error() + "; run again with --restart to start over"
	case job.JournalChanged:
		if e.InputChanged {
			what := "the input file"
			if e.MappingChanged {
				what = "the input file and the mapping"
			}
			return fmt.Sprintf("%s was written for a different version of the input file (%s, %d bytes; this file has %d bytes or other contents; %s changed since the earlier run, which imported %d rows); "+
				"if you fixed rows of the same file, run again with --resume-changed: rows already imported are skipped (one that changed since is reported in the error report, not sent again) and the others are sent; "+
				"%s; to import another file use another --report-dir",
				e.Journal, e.Input.Name, e.Input.Size, e.Size, what, e.Imported, twice)
		}
		return fmt.Sprintf("%s was written with a different mapping file (the mapping changed since the earlier run, which imported %d rows); "+
			"to go on with the changed mapping and skip the rows already imported, run again with --resume-changed; %s",
			e.Journal, e.Imported, twice)
	case job.JournalOtherInput:
		return e.Error() + ". To import this file, use another --report-dir (the other import's journal and reports stay as they are); " +
			"or run again with --restart to move the other import's journal and reports aside as numbered copies and send every row of this file " +
			"(if some of its rows are already in the CRM, a CRM that does not spot duplicates would create them twice)"
	}
	return e.Error()
}
