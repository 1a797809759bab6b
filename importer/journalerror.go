package importer

import (
	"fmt"
	"time"
)

// JournalProblem says why the journal beside the reports cannot be resumed
// by this run.
type JournalProblem int

// The problems of JournalError.
const (
	// JournalNotOurs: the file is not a crmport journal.
	JournalNotOurs JournalProblem = iota + 1
	// JournalOtherVersion: written by a crmport with another journal
	// format (Version, WantVersion).
	JournalOtherVersion
	// JournalOtherVendor: written for another vendor (Vendor, WantVendor).
	JournalOtherVendor
	// JournalOtherTarget: written for an import into another CRM address
	// (Target, WantTarget); a restart or another report folder is needed.
	JournalOtherTarget
	// JournalOfRealImport: a sandbox rehearsal would replace the journal
	// of an import into a real CRM (Target).
	JournalOfRealImport
	// JournalDamaged: a line in the middle cannot be read (Err).
	JournalDamaged
	// JournalChanged: written with another mapping and/or another version
	// of this input (MappingChanged, InputChanged); going on with the
	// change is Options.ResumeChanged.
	JournalChanged
	// JournalOtherInput: written for another input file altogether: none
	// of the rows it imported is in this one (resuming makes no sense).
	JournalOtherInput
)

// JournalError is returned when the journal of an import cannot be resumed
// by this run. It holds the facts; the front end says what to do (which
// flag or button starts over, resumes a changed file, or uses another
// folder). It wraps ErrJournalMismatch.
type JournalError struct {
	Journal string // the journal's path
	Problem JournalProblem
	// Imported counts the rows the earlier run imported (Changed,
	// OtherInput).
	Imported int
	// Input is the file the journal was written for, Size this run's file
	// size (Changed, OtherInput).
	Input Fingerprint
	Size  int64
	// Started is when the earlier import started (RFC 3339, may be "").
	Started              string
	InputChanged         bool
	MappingChanged       bool
	Version, WantVersion int
	Vendor, WantVendor   string
	Target, WantTarget   string
	Err                  error // JournalDamaged: what is wrong
}

// Error states the problem without advice.
func (e *JournalError) Error() string {
	switch e.Problem {
	case JournalNotOurs:
		return fmt.Sprintf("%s is not a crmport journal", e.Journal)
	case JournalOtherVersion:
		return fmt.Sprintf("%s was written by another crmport version (journal format %d, this one reads %d)", e.Journal, e.Version, e.WantVersion)
	case JournalOtherVendor:
		return fmt.Sprintf("%s was written for %s, not %s", e.Journal, e.Vendor, e.WantVendor)
	case JournalOtherTarget:
		return fmt.Sprintf("%s was written for an import into %s, and this run imports into %s", e.Journal, e.Target, e.WantTarget)
	case JournalOfRealImport:
		return fmt.Sprintf("%s belongs to an import into %s; a sandbox rehearsal would replace it and its reports", e.Journal, e.Target)
	case JournalDamaged:
		return fmt.Sprintf("the journal %s is damaged (%v)", e.Journal, e.Err)
	case JournalChanged:
		what := "the mapping"
		switch {
		case e.InputChanged && e.MappingChanged:
			what = "the input file and the mapping"
		case e.InputChanged:
			what = "the input file"
		}
		return fmt.Sprintf("%s was written before %s changed (the earlier run imported %d rows)", e.Journal, what, e.Imported)
	case JournalOtherInput:
		return fmt.Sprintf("%s belongs to the import of another file (%s, %d bytes%s): none of the %d rows it imported is in this file",
			e.Journal, e.Input.Name, e.Input.Size, e.startedText(), e.Imported)
	}
	return fmt.Sprintf("the journal %s belongs to another import", e.Journal)
}

// startedText is ", started 2026-12-02 14:05" or "".
func (e *JournalError) startedText() string {
	if t, err := time.Parse(time.RFC3339, e.Started); err == nil {
		return ", started " + t.Local().Format("2006-01-02 15:04")
	}
	return ""
}

// StartedText is when the earlier import started, as ", started
// 2026-12-02 14:05" (local time), or "" when not known.
func (e *JournalError) StartedText() string { return e.startedText() }

// Unwrap makes a JournalError an ErrJournalMismatch.
func (e *JournalError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrJournalMismatch, e.Err}
	}
	return []error{ErrJournalMismatch}
}
