package main

// What the import summary advises: the next command to run and why.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// noDataRows says that the input has a header but not one data row, and
// what to check: a run that finds nothing must not look like one that
// imported everything.
func noDataRows(info job.SheetInfo) string {
	if info.Format == "xlsx" && info.Sheet != "" {
		return fmt.Sprintf("the file has a header but no data rows in the sheet %q: nothing to import (if the clients are on another sheet, choose it with --sheet NAME)", info.Sheet)
	}
	return "the file has a header but no data rows: nothing to import (is it the right file?)"
}

// sandboxNoResume is said when an import into --sandbox stopped early:
// the next run starts with empty emulators, so nothing can be resumed.
const sandboxNoResume = "The --sandbox emulators start empty on every run, so this rehearsal cannot be resumed: the same command starts it over. " +
	"To rehearse stopping and resuming an import, run 'crmport sandbox' in another window, set the CRMPORT_* variables it prints, and import without --sandbox."

// notProcessedLine tells how many rows are in no report because the import
// stopped early, and what to do about them.
func notProcessedLine(s job.ImportSummary, tooMany, interrupted, journal, sandbox bool) string {
	what := importPlural(s.NotProcessed, "row", "rows") + " not processed"
	if s.RestUnread {
		what = importPlural(s.NotProcessed, "row", "rows") + " read but not processed, and the rest of the file was not read"
	}
	why := "the import stopped early"
	switch {
	case interrupted:
		why = "the import was interrupted"
	case s.DryRun:
		why = "the dry run stopped early"
	}
	var todo string
	switch {
	case tooMany && (s.DryRun || sandbox):
		todo = "fix the mapping or data, then run the same command again"
	case interrupted && s.DryRun:
		todo = "run the same command again to check the whole file (a dry run sends nothing, so it starts over)"
	case sandbox:
		todo = "the sandbox starts empty on every run, so this rehearsal cannot be resumed (see below)"
	case tooMany:
		todo = "fix the mapping or data, then run the same command again with --resume-changed — rows already done are skipped"
	case journal:
		todo = "run the same command again to continue — rows already done are skipped"
	default:
		todo = "fix the problem above, then run the same command again"
	}
	return fmt.Sprintf("  %s (%s): %s", what, why, todo)
}

// importCommandLine is the import command for input with the options that
// matter (mapping, vendor, sandbox, mode), with --dry-run if dryRun.
func importCommandLine(opts *importOptions, vendor, input string, dryRun bool) string {
	args := []string{"crmport", "import", "-m", iostreams.QuoteArg(opts.Mapping)}
	if opts.Vendor != "" {
		args = append(args, "--vendor", vendor)
	}
	if opts.Sheet != "" {
		args = append(args, "--sheet", iostreams.QuoteArg(opts.Sheet))
	}
	if opts.Sandbox {
		args = append(args, "--sandbox")
	}
	if opts.Mode != "create" && opts.Mode != "" {
		args = append(args, "--mode", opts.Mode)
	}
	if opts.ReportDir != "" {
		args = append(args, "--report-dir", iostreams.QuoteArg(opts.ReportDir))
	}
	if opts.LookUp {
		rules := make([]string, len(opts.Dedupe))
		for i, r := range opts.Dedupe {
			rules[i] = string(r)
		}
		args = append(args, "--dedupe", strings.Join(rules, ","))
	}
	if opts.Duplicates != "" && opts.Duplicates != "first" {
		args = append(args, "--duplicates", string(opts.Duplicates))
	}
	if opts.ReportFormat != "" {
		args = append(args, "--report-format", opts.ReportFormat)
	}
	if dryRun {
		args = append(args, "--dry-run")
	}
	return strings.Join(append(args, iostreams.QuoteArg(input)), " ")
}

// isStop reports whether err is a StoppedError for reason.
func isStop(err error, reason job.StopReason) bool {
	var se *job.StoppedError
	return errors.As(err, &se) && se.Reason == reason
}
