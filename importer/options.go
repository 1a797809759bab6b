package importer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/sheet"
)

// Mode says what the importer does with a row whose client may already
// exist.
type Mode string

// The import modes.
const (
	// ModeCreate creates every row (the vendor may answer "exists").
	ModeCreate Mode = "create"
	// ModeUpsert looks each row up by the mapping's key: found and equal →
	// unchanged, found and different → updated, not found → created.
	ModeUpsert Mode = "upsert"
)

// Binder turns one spreadsheet row into a vendor record, validating it.
// *mapping.Binding implements it. The error describes every bad cell of the
// row (an errors.Join of *sheet.CellError).
type Binder interface {
	Apply(row sheet.Row) (crm.Record, error)
}

// Progress receives events from a run. Implementations must be safe for
// concurrent use. cmd/crmport supplies a progress bar (TTY), a line logger
// (non-TTY); tests use a recorder.
type Progress interface {
	// Start is called once, with the number of data rows (-1 if unknown).
	Start(totalRows int64)
	// RowDone is called once per input row, in input order, as it finishes
	// (skipped blank rows have Status "").
	RowDone(row int, res crm.Result)
	// Retrying tells that a vendor call failed and is retried after wait.
	Retrying(op string, err error, wait time.Duration)
	// Finish is called once at the end with the summary.
	Finish(s Summary)
}

// MaxErrors stops a run early when too many rows fail. The zero value
// never stops.
type MaxErrors struct {
	Count   int     // stop when more than Count rows failed; 0 = no count limit
	Percent float64 // stop when more than Percent % of the finished rows failed (after MinSample rows); 0 = no limit
}

// MinSample is the number of finished rows after which a percentage
// MaxErrors is evaluated.
const MinSample = 20

// String formats m as the flag is written ("10", "5%", "" when unset).
func (m MaxErrors) String() string {
	switch {
	case m.Percent > 0:
		return strconv.FormatFloat(m.Percent, 'f', -1, 64) + "%"
	case m.Count > 0:
		return strconv.Itoa(m.Count)
	}
	return ""
}

// ParseMaxErrors parses "N" (a number of failed rows) or "P%" (a share of
// the rows). "" and "0" mean no limit.
func ParseMaxErrors(s string) (MaxErrors, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return MaxErrors{}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(p, ",", ".")), 64)
		if err != nil || v < 0 || v > 100 {
			return MaxErrors{}, fmt.Errorf("%q: a percentage must be between 0%% and 100%%, e.g. 5%%", s)
		}
		return MaxErrors{Percent: v}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return MaxErrors{}, fmt.Errorf("%q: give a number of rows (e.g. 10) or a percentage (e.g. 5%%)", s)
	}
	return MaxErrors{Count: n}, nil
}

// Options configures Run.
type Options struct {
	// Input is the path of the spreadsheet: reports are named after it and
	// the journal records its fingerprint.
	Input string
	// Open opens Input as a sheet.Source (Run may open it twice: once to
	// count rows for the progress bar when CountRows is set).
	Open func(ctx context.Context) (sheet.Source, error)
	// Bind prepares the mapping for the file's header.
	Bind func(header []string) (Binder, error)
	// CreateSink creates a report file (sheet.Create in production).
	CreateSink func(path string, opt sheet.Options) (sheet.Sink, error)
	// MappingFile is the mapping's path; its bytes are fingerprinted in the
	// journal ("" = no mapping fingerprint, for tests).
	MappingFile string

	// Vendor receives the records, already wrapped by crm/retry (pacing,
	// back-off, ambiguity resolution) by the caller.
	Vendor crm.Vendor
	// Mode is ModeCreate (default) or ModeUpsert.
	Mode Mode
	// Key is the record field identifying an existing client (mapping key);
	// upsert needs it; with the rule DedupeKey (default) a key value
	// repeated within the file makes the later row a duplicate.
	Key string
	// Dedupe are the rules finding rows of the file that are the same
	// client, before anything is sent (nil = DefaultDedupe: key and
	// e-mail; empty = none).
	Dedupe []DedupeRule
	// Duplicates says what happens to such rows ("" = DuplicatesFirst).
	Duplicates DuplicatePolicy
	// Advice names the settings a row's message may suggest, in the
	// words of the front end running the import (zero: none suggested).
	Advice Advice
	// DedupeFields names the fields holding e-mails, phones and tax ids
	// (DedupeFieldsFor); zero = the e-mail and phone fields of
	// FieldTypes, or guessed from field names.
	DedupeFields DedupeFields
	// LookUp looks every row up in the CRM by the Dedupe rules before
	// creating it: a client the CRM holds ends "exists" (create mode) or
	// is updated (upsert) instead of being created twice. The rows are
	// looked up one by one (crm.Finder), or matched against the CRM's
	// client list read once when that takes fewer requests.
	LookUp bool
	// OnLookUpPlan, if set, is told the way chosen (LookUpPlan), before
	// the first row is sent.
	OnLookUpPlan func(LookUpPlan)
	// BatchSize is the number of records per Create call (0 = the vendor's
	// DefaultBatch, at most its MaxBatch).
	BatchSize int
	// Workers is the number of calls in flight (0 = the vendor's default).
	Workers int
	// DryRun maps and validates every row but sends nothing; the error
	// report is written, no journal and no done report.
	DryRun bool
	// Restart ignores the journal of an earlier run and starts from the
	// first row. The earlier journal and reports are moved aside to
	// numbered names (kontakty.csv.thulium.done.1.csv, ….1.journal) just
	// before the first row is sent, and put back if nothing reached the
	// CRM (every create refused, e.g. a wrong password).
	Restart bool
	// Lock is this import's lock (importer.Lock) when the caller took it
	// itself, before contacting the CRM; nil: Run takes it and releases it
	// at the end. A second run of the same import is refused at once.
	Lock *runlock.Lock
	// Target names where the rows go, for the journal: the CRM's address,
	// or SandboxTarget. A journal written for another target is not
	// resumed ("" = unchecked).
	Target string
	// MappingDigest, if set, identifies the mapping in the journal instead
	// of the mapping file's bytes (mapping.Mapping.Fingerprint: comments
	// and layout do not count).
	MappingDigest string
	// ResumeChanged resumes from a journal written with another mapping or
	// another version of the input file (fixed after a stop): rows already
	// imported are skipped while their content is unchanged, an imported
	// row that changed or moved fails with a message, the others are sent
	// with the new mapping. Without it such a journal is refused
	// (ErrJournalMismatch).
	ResumeChanged bool
	// MaxErrors stops the run early when too many rows fail.
	MaxErrors MaxErrors
	// ReportDir is where reports and the journal go ("" = beside Input).
	ReportDir string
	// ReportFormat is the reports' format: "xlsx", "csv", or "" for the
	// input's. An XLSX error report marks every failing cell (a fill and
	// a comment with the reason; see the package documentation).
	ReportFormat string
	// ReportSheet names the sheet of XLSX reports of a CSV input: the
	// sheet the mapping names (source: sheet:), so that a report imports
	// again with the mapping unchanged; "" = the input's file name without
	// its extension (as Excel names a CSV file's sheet). Reports of an XLSX
	// input keep the sheet that was read.
	ReportSheet string
	// Progress receives events (nil = none).
	Progress Progress
	// Normalize, if set, says how the vendor stores a value, so that an
	// upsert tells "unchanged" from "changed" (crm.Registration.Normalize);
	// nil = values are stored as sent.
	Normalize func(field, value string) string
	// FieldTypes are the catalogue's field types by name, so that an
	// upsert compares phones, countries and e-mails by what they mean, not
	// how they are written (nil = guessed from values and field names).
	FieldTypes map[string]crm.FieldType
	// CountRows makes Run count the rows first for Progress.Start (a quick
	// newline count for CSV; XLSX reports -1).
	CountRows bool
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

// Advice names, in the words of the front end that runs an import (a
// command-line flag, an option of a page), the settings a row's message
// may suggest. An empty name leaves that suggestion out: the front end
// has no such setting, and a message must not point to one it cannot
// follow.
type Advice struct {
	// DuplicatesMerge fills a first row's empty cells from the later rows
	// of its client (the command line: "--duplicates merge").
	DuplicatesMerge string
	// DuplicatesError reports every row of such a client, none sent (the
	// command line: "--duplicates error").
	DuplicatesError string
	// UndoForce makes an undo delete clients edited since the import too
	// (the command line: "--force").
	UndoForce string
}
