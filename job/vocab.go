package job

import (
	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/exporter"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// The words front ends read results in, from the packages that define
// them: a front end imports job and nothing below it.
type (
	// ImportSummary counts an import's rows and names its reports.
	ImportSummary = importer.Summary
	// MaxErrors stops an import early when too many rows fail.
	MaxErrors = importer.MaxErrors
	// SheetInfo says how a file was read.
	SheetInfo = sheet.Info
	// Confidence says how sure the reading of a CSV fact is.
	Confidence = sheet.Confidence
	// Cell is one cell of a row read from a file.
	Cell = sheet.Cell
	// CellKind is a cell's type (text, number, date…).
	CellKind = sheet.CellKind
	// Field is one client field of a CRM.
	Field = crm.Field
	// Sandbox is the running in-process emulators (test hooks).
	Sandbox = sandbox.Sandbox
	// SandboxOptions tune the emulators.
	SandboxOptions = sandbox.Options
	// BugError is a recovered panic: a bug in crmport, with its stack.
	BugError = bug.Error
	// ColumnError is an export column that names no field.
	ColumnError = exporter.ColumnError
	// RowsReport says how a mapping maps a file's first rows.
	RowsReport = mapping.RowsReport
)

// The confidences of SheetInfo.EncodingConfidence and DelimiterConfidence.
const (
	ConfidenceGiven  = sheet.ConfidenceGiven
	ConfidenceMarked = sheet.ConfidenceMarked
	ConfidenceSure   = sheet.ConfidenceSure
	ConfidenceLikely = sheet.ConfidenceLikely
	ConfidenceGuess  = sheet.ConfidenceGuess
)

// The kinds of Cell.Kind.
const (
	KindEmpty  = sheet.KindEmpty
	KindText   = sheet.KindText
	KindNumber = sheet.KindNumber
	KindDate   = sheet.KindDate
	KindTime   = sheet.KindTime
	KindBool   = sheet.KindBool
)

// Row statuses of RowDone.
const (
	StatusFailed = crm.StatusFailed
)

// ColError is the column of the error report that holds each row's reason.
const ColError = importer.ColError

// DefaultRetries is how often a failed request is retried by default.
const DefaultRetries = retry.DefaultRetries

var (
	// ErrSomeRowsFailed: the import finished, but some rows failed.
	ErrSomeRowsFailed = importer.ErrSomeRowsFailed
	// ErrTooManyErrors: the import stopped because too many rows failed.
	ErrTooManyErrors = importer.ErrTooManyErrors
	// ErrUnsupported: the vendor cannot do what was asked.
	ErrUnsupported = crm.ErrUnsupported
)

// ParseMaxErrors reads "10" (rows) or "5%".
func ParseMaxErrors(s string) (MaxErrors, error) { return importer.ParseMaxErrors(s) }

// Catch runs fn and turns a panic in it into a *BugError.
func Catch(fn func() error) error { return bug.Catch(fn) }

// The import's journal and early-stop errors, with their facts.
type (
	// JournalError: the journal beside the reports cannot be resumed.
	JournalError = importer.JournalError
	// JournalProblem says why.
	JournalProblem = importer.JournalProblem
	// TooManyErrorsError: MaxErrors stopped the import.
	TooManyErrorsError = importer.TooManyErrorsError
)

// The problems of JournalError.
const (
	JournalNotOurs      = importer.JournalNotOurs
	JournalOtherVersion = importer.JournalOtherVersion
	JournalOtherVendor  = importer.JournalOtherVendor
	JournalOtherTarget  = importer.JournalOtherTarget
	JournalOfRealImport = importer.JournalOfRealImport
	JournalDamaged      = importer.JournalDamaged
	JournalChanged      = importer.JournalChanged
	JournalOtherInput   = importer.JournalOtherInput
)

// StoppedError: the CRM stopped an import (refused, unreachable, failing);
// StopReason says which.
type (
	StoppedError = importer.StoppedError
	StopReason   = importer.StopReason
)

// The reasons of StoppedError.
const (
	StopRefused     = importer.StopRefused
	StopUnreachable = importer.StopUnreachable
	StopFailing     = importer.StopFailing
	// StopRetriesUsedUp: the CRM failed so often that the run's retries
	// are used up.
	StopRetriesUsedUp = importer.StopRetriesUsedUp
)

// Duplicates in the file and look-ups in the CRM before creating.
type (
	// Advice names a front end's settings that row messages may suggest.
	Advice = importer.Advice
	// DedupeRule is one way two rows are the same client (key, email…).
	DedupeRule = importer.DedupeRule
	// DuplicatePolicy says what happens to a later row of the same client.
	DuplicatePolicy = importer.DuplicatePolicy
)

// ParseDedupe reads "key,email,phone,tax_id" or "none".
func ParseDedupe(s string) ([]DedupeRule, error) { return importer.ParseDedupe(s) }

// ParseDuplicates reads "first", "error" or "merge".
func ParseDuplicates(s string) (DuplicatePolicy, error) { return importer.ParseDuplicates(s) }

// Undo's words.
type (
	// UndoPlan is what an undo is about to delete, for the confirmation.
	UndoPlan = importer.UndoPlan
	// UndoSummary counts what an undo did.
	UndoSummary = importer.UndoSummary
)

var (
	// ErrNotConfirmed: the undo was not confirmed, nothing was deleted.
	ErrNotConfirmed = importer.ErrNotConfirmed
	// ErrUndoIncomplete: some clients were kept (edited) or failed.
	ErrUndoIncomplete = importer.ErrUndoIncomplete
)

// KeyMissingError: an import that updates existing clients (upsert) with
// a mapping that has no `key:`; it names the vendor's fields that can
// serve as one, and each front end words where to choose it.
type (
	KeyMissingError = mapping.KeyMissingError
	KeyExample      = mapping.KeyExample
	KeyKind         = mapping.KeyKind
)

// The kinds of KeyExample.
const (
	KeyOwnID        = mapping.KeyOwnID
	KeyEmail        = mapping.KeyEmail
	KeyVendorNumber = mapping.KeyVendorNumber
)

// PosError is one problem of a mapping file, with its place; its Hint says
// what list of the vendor's fields would help, for the front end to word.
type (
	PosError = mapping.PosError
	Hint     = mapping.Hint
)

// The hints of PosError.
const (
	HintFieldList    = mapping.HintFieldList
	HintCustomFields = mapping.HintCustomFields
)
