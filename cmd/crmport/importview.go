package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/crmport/crmport/job"
)

// importJSON is the --json summary object of DESIGN.md.
type importJSON struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Exists    int `json:"exists"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	// Merged is added (beyond DESIGN's keys) when --duplicates merge
	// merged rows into an earlier one (they are in the done report).
	Merged int `json:"merged,omitempty"`
	// NotProcessed is added (beyond DESIGN's keys) when the import stopped
	// early: rows that are in no report.
	NotProcessed int   `json:"not_processed,omitempty"`
	ElapsedMS    int64 `json:"elapsed_ms"`
	Reports      struct {
		Errors  string `json:"errors"`
		Done    string `json:"done"`
		Journal string `json:"journal"`
	} `json:"reports"`
}

func writeImportJSON(w io.Writer, s job.ImportSummary) error {
	var j importJSON
	j.Rows, j.Created, j.Updated, j.Exists, j.Unchanged, j.Failed, j.Skipped = s.Rows, s.Created, s.Updated, s.Exists, s.Unchanged, s.Failed, s.Skipped
	j.NotProcessed, j.Merged = s.NotProcessed, s.Merged
	j.ElapsedMS = s.Elapsed.Milliseconds()
	j.Reports.Errors, j.Reports.Done, j.Reports.Journal = s.Reports.Errors, s.Reports.Done, s.Reports.Journal
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(j)
}

func importPlural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// printImportSummary tells a person what happened and what to do next.
func printImportSummary(opts *importOptions, res job.ImportResult, runErr error) {
	w := opts.IO.ErrOut
	s, info, vendor := res.Summary, res.Info, res.Vendor
	title := res.Title
	if opts.Sandbox {
		title += " sandbox"
	}
	noRows := s.Rows == 0 && runErr == nil
	head := fmt.Sprintf("Imported %s into %s", filepath.Base(opts.Input), title)
	switch {
	case noRows && !s.DryRun:
		head = fmt.Sprintf("Nothing imported from %s into %s", filepath.Base(opts.Input), title)
	case s.DryRun:
		head = fmt.Sprintf("Dry run of %s for %s (nothing was sent)", filepath.Base(opts.Input), title)
	case errors.Is(runErr, job.ErrTooManyErrors):
		head = fmt.Sprintf("Stopped importing %s into %s: too many rows failed", filepath.Base(opts.Input), title)
	case isStop(runErr, job.StopFailing):
		head = fmt.Sprintf("Nothing imported from %s into %s: the CRM failed every request", filepath.Base(opts.Input), title)
	case runErr != nil && !errors.Is(runErr, job.ErrSomeRowsFailed):
		head = fmt.Sprintf("Import of %s into %s did not finish", filepath.Base(opts.Input), title)
	}
	how := ""
	if info.Format == "csv" && info.Encoding != "" {
		how = fmt.Sprintf(" (read as %s, delimiter %s)", info.Encoding, describeDelimiter(info.Delimiter))
	} else if info.Format == "xlsx" && info.Sheet != "" {
		how = fmt.Sprintf(" (sheet %q)", info.Sheet)
	}
	fmt.Fprintf(w, "%s in %s%s\n", head, s.Elapsed.Round(10*time.Millisecond), how)
	for _, n := range sheetNotes(opts.Input, res.Columns, info, res.HeaderRowGiven, res.SheetGiven) {
		fmt.Fprintln(w, n)
	}

	var parts []string
	created := "created"
	if s.DryRun {
		created = "would be sent"
		if opts.Mode == "create" {
			created = "would be created"
		}
	}
	add := func(n int, label string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	if s.DryRun {
		// Rows an earlier real run imported (from its journal) are
		// counted apart: the import skips them.
		add(s.Created+s.Updated+s.Exists+s.Unchanged-s.Resumed, created)
		add(s.Resumed, "already imported by an earlier run (the import skips them)")
	} else {
		add(s.Created, created)
		add(s.Updated, "updated")
		add(s.Exists, "already in the CRM")
		add(s.Unchanged, "unchanged")
	}
	add(s.Merged, "merged")
	if s.DryRun {
		add(s.Failed, "would fail")
	} else {
		add(s.Failed, "failed")
	}
	add(s.Skipped, "blank (skipped)")
	add(s.NotProcessed, "not processed")
	if noRows {
		fmt.Fprintf(w, "  %s\n", noDataRows(info))
	} else {
		if len(parts) == 0 {
			parts = append(parts, "nothing to import")
		}
		rows := importPlural(s.Rows, "row", "rows")
		if s.RestUnread {
			rows += " read"
		}
		fmt.Fprintf(w, "  %s: %s\n", rows, strings.Join(parts, ", "))
	}
	if d := s.DuplicatesLine(); d != "" {
		fmt.Fprintf(w, "  %s\n", d)
	}
	if s.RestartUndone {
		fmt.Fprintln(w, "  nothing reached the CRM, so the earlier run's reports and journal are left as they were")
	}
	if len(s.KeptAside) > 0 {
		names := make([]string, len(s.KeptAside))
		for i, p := range s.KeptAside {
			names[i] = filepath.Base(p)
		}
		fmt.Fprintf(w, "  the earlier run's reports and journal are kept as %s\n", strings.Join(names, ", "))
	}
	if s.SandboxJournalSetAside {
		fmt.Fprintln(w, "  the journal of an earlier sandbox rehearsal was set aside: this import started from the first row")
	}
	if s.MappingChanged {
		fmt.Fprintln(w, "  the mapping changed since the earlier run: rows it imported were kept, the others used the new mapping")
	}
	if s.InputChanged {
		fmt.Fprintln(w, "  the file changed since the earlier run: rows it imported were skipped where unchanged (a changed one is in the error report, not sent again), the others were sent")
	}
	if s.Resumed > 0 && !s.DryRun {
		// They are among the counts above (as the done report lists
		// them): say so, or "3 created" reads as three new clients.
		fmt.Fprintf(w, "  %d of them %s already done by an earlier run (from the journal), not sent again\n", s.Resumed, plural(s.Resumed, "was", "were"))
	}
	if s.Reports.Errors != "" {
		fmt.Fprintf(w, "  errors:  %s\n", s.Reports.Errors)
	}
	if s.Reports.Done != "" {
		fmt.Fprintf(w, "  done:    %s\n", s.Reports.Done)
	}
	if s.Reports.Journal != "" {
		fmt.Fprintf(w, "  journal: %s\n", s.Reports.Journal)
	}
	tooMany := errors.Is(runErr, job.ErrTooManyErrors)
	stoppedEarly := runErr != nil && !errors.Is(runErr, job.ErrSomeRowsFailed)
	if stoppedEarly && (s.NotProcessed > 0 || s.RestUnread) {
		interrupted := errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)
		fmt.Fprintln(w, notProcessedLine(s, tooMany, interrupted, s.Reports.Journal != "", opts.Sandbox && !s.DryRun))
	}
	switch {
	case isStop(runErr, job.StopFailing):
		// the error says what to do
	case stoppedEarly && !tooMany && opts.Sandbox && !s.DryRun && !isStop(runErr, job.StopRefused):
		fmt.Fprintln(w, sandboxNoResume)
	case stoppedEarly && !tooMany:
		if s.Reports.Journal != "" && s.NotProcessed == 0 && !s.RestUnread {
			fmt.Fprintln(w, "Run the same command again to continue: rows already imported are not sent twice.")
		}
	case s.DryRun && s.Failed > 0 && s.Reports.Errors != "":
		// Nothing was sent: importing only the error report would leave
		// out the good rows, so the original file is fixed and imported.
		fmt.Fprintf(w, "Fix the %s listed in %s (the reason is in the column %s) in the original file %s, then run the same command without --dry-run:\n  %s\n",
			importPlural(s.Failed, "row", "rows"), s.Reports.Errors, job.ColError, opts.Input, importCommandLine(opts, vendor, opts.Input, false))
	case s.DryRun && !tooMany && !noRows:
		fmt.Fprintf(w, "Run the same command without --dry-run to import:\n  %s\n", importCommandLine(opts, vendor, opts.Input, false))
	case s.Failed > 0 && s.FailedTemporarily == s.Failed && !tooMany:
		// Importing the error report would skip the journal's look-up:
		// a row whose create reached the CRM would be created twice.
		fmt.Fprintf(w, "The %s failed for a temporary reason (the CRM busy or failing, or its answer lost), not because of the data. Run the same command again: crmport looks %s up in the CRM first, so none is created twice:\n  %s\n",
			importPlural(s.Failed, "row", "rows"), plural(s.Failed, "it", "them"), importCommandLine(opts, vendor, opts.Input, false))
	case s.Failed > 0 && s.Reports.Errors != "" && !tooMany && s.FailedTemporarily > 0:
		fmt.Fprintf(w, "First run the same command again: the %s that failed for a temporary reason %s tried again (looked up in the CRM first, so none is created twice):\n  %s\n",
			importPlural(s.FailedTemporarily, "row", "rows"), plural(s.FailedTemporarily, "is", "are"), importCommandLine(opts, vendor, opts.Input, false))
		dups := ""
		if s.Duplicates > 0 {
			dups = fmt.Sprintf(", delete the %s that %s the same client as another row (they would create it twice),",
				importPlural(s.Duplicates, "row", "rows"), plural(s.Duplicates, "is", "are"))
		}
		fmt.Fprintf(w, "Then fix the rows still in %s (the reason is in the column %s)%s and run:\n  %s\n",
			s.Reports.Errors, job.ColError, dups, importCommandLine(opts, vendor, s.Reports.Errors, false))
	case s.Failed > 0 && s.Reports.Errors != "" && !tooMany && s.Duplicates == s.Failed:
		// Imported from the report, a duplicate row would create its
		// client a second time.
		fmt.Fprintf(w, "The %s in %s %s the same client as another row of the file, which was imported: there is nothing to import from %s (if one is in fact another client, give it its own e-mail and import it)\n",
			importPlural(s.Failed, "row", "rows"), s.Reports.Errors, plural(s.Failed, "is", "are"), plural(s.Failed, "it", "them"))
	case s.Failed > 0 && s.Reports.Errors != "" && !tooMany:
		fix := importPlural(s.Failed, "row", "rows")
		if s.Duplicates > 0 {
			fix = fmt.Sprintf("%s and delete the %s that %s the same client as another row (they would create it twice)",
				importPlural(s.Failed-s.Duplicates, "row", "rows"), importPlural(s.Duplicates, "row", "rows"), plural(s.Duplicates, "is", "are"))
		}
		fmt.Fprintf(w, "Fix the %s in %s (the reason is in the column %s) and run:\n  %s\n",
			fix, s.Reports.Errors, job.ColError, importCommandLine(opts, vendor, s.Reports.Errors, false))
	}
}
