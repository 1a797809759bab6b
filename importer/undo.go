package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/sheet"
)

// Undo's per-row outcomes, in its journal and in the crmport_undo column.
const (
	undoDeleted crm.Status = "deleted" // deleted by this undo (or the interrupted one before it)
	undoGone    crm.Status = "gone"    // not in the CRM any more: deleted by someone else
	undoKept    crm.Status = "kept"    // edited since the import: not deleted (unless forced)
	undoFailed  crm.Status = "failed"
	undoLeft    crm.Status = "left" // not created by the import (updated, exists, unchanged): never deleted
)

// ColUndo is the undo report's column with each row's outcome.
const ColUndo = "crmport_undo"

// ModeUndo is the journal header's mode of an undo.
const ModeUndo Mode = "undo"

var (
	// ErrNotConfirmed is returned when the person (or the lack of a
	// terminal) did not confirm an undo: nothing was deleted.
	ErrNotConfirmed = errors.New("not confirmed: nothing was deleted")
	// ErrOtherTarget is wrapped by the error refusing to undo an import
	// into another CRM than the one configured.
	ErrOtherTarget = errors.New("the import went into another CRM")
)

// UndoOptions configures Undo.
type UndoOptions struct {
	// Report is the done report of the import to undo
	// (kontakty.xlsx.thulium.done.xlsx).
	Report string
	// Open opens Report (sheet.Open with the header in row 1).
	Open func(ctx context.Context) (sheet.Source, error)
	// CreateSink creates the undo report (sheet.Create).
	CreateSink func(path string, opt sheet.Options) (sheet.Sink, error)
	// Vendor is the CRM, wrapped by crm/retry like an import's (pacing,
	// retries); it must implement crm.Finder and crm.Deleter. Its Name must
	// be the vendor the import's journal names.
	Vendor crm.Vendor
	// Target is the configured CRM's address (as importer.Options.Target):
	// an import into another address is refused.
	Target string
	// DryRun lists what would be deleted; nothing is asked of the CRM.
	DryRun bool
	// Force deletes clients edited since the import too.
	Force bool
	// Advice names the front end's settings a row's message may suggest
	// (UndoForce).
	Advice Advice
	// Bind, if set, maps the done report's original columns as the import
	// did (the import's mapping), so that a client is checked by the
	// mapping's Key and e-mail fields exactly; nil: by the e-mail
	// addresses in the row's cells, else any of its values.
	Bind func(header []string) (Binder, error)
	// MappingDigest identifies Bind's mapping (mapping.Mapping.Fingerprint):
	// another mapping than the import's is refused.
	MappingDigest string
	// Key is the mapping's key field ("" = none).
	Key string
	// EmailFields are the fields holding e-mail addresses
	// (DedupeFieldsFor(...).Email).
	EmailFields []string
	// FieldTypes and Normalize compare values by meaning, as upsert does.
	FieldTypes map[string]crm.FieldType
	Normalize  func(field, value string) string
	// Confirm is asked, with the plan, before the first delete; false
	// stops with ErrNotConfirmed. nil = go on.
	Confirm func(UndoPlan) (bool, error)
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

// UndoPlan is what an undo is about to do, for the confirmation.
type UndoPlan struct {
	Vendor string // registry name
	Target string // the CRM's address
	Rows   int    // rows of the done report
	Delete int    // clients the import created, still to delete
	Done   int    // clients an earlier run of this undo already dealt with
}

// UndoSummary counts what an undo did.
type UndoSummary struct {
	Rows    int // data rows of the done report
	Deleted int // clients deleted
	Gone    int // created clients that were already not in the CRM
	Kept    int // created clients edited since: kept (see the report)
	Failed  int // deletes that failed
	Left    int // rows not created by the import: never deleted
	Resumed int // rows an earlier, interrupted run of this undo finished
	DryRun  bool
	// WouldDelete lists the rows a dry run would delete.
	WouldDelete []UndoRow
	Report      string // the undo report ("" when not written)
	Journal     string
}

// UndoRow is one client an undo deletes.
type UndoRow struct {
	Row    int      // the row of the imported file (crmport_row)
	ID     string   // the client's id
	Values []string // the row's first values (name, phone, e-mail…), for a person to recognise it
}

// ErrUndoIncomplete is wrapped by the error of an undo that finished with
// clients kept or failed: exit status 2.
var ErrUndoIncomplete = errors.New("some clients were not deleted")

// UndoPaths returns the import's journal, the undo's journal and the undo
// report of a done report (kontakty.csv.thulium.done.csv →
// kontakty.csv.thulium.journal, kontakty.csv.thulium.undo.journal,
// kontakty.csv.thulium.undo.csv; the numbered copies a restart kept,
// kontakty.csv.thulium.done.1.csv → kontakty.csv.thulium.1.journal, …), or
// an error when report is not named as a done report.
func UndoPaths(report string) (importJournal, undoJournal, undoReport string, err error) {
	ext := filepath.Ext(report)
	m := donePattern.FindStringSubmatch(report)
	if m == nil || (ext != ".csv" && ext != ".xlsx") {
		return "", "", "", fmt.Errorf("%s is not a done report of crmport import (those are named after the imported file and the CRM, like kontakty.xlsx.CRM.done.xlsx)", report)
	}
	prefix, n := m[1], m[2] // n: ".1" for a numbered copy, else ""
	return prefix + n + ".journal", prefix + ".undo" + n + ".journal", prefix + ".undo" + n + ext, nil
}

// donePattern matches a done report's path: the prefix, the number of a
// copy a restart kept (".1"), the extension.
var donePattern = regexp.MustCompile(`^(.*)\.done(\.[0-9]+)?\.(csv|xlsx)$`)

// undoLockPath is the lock an undo takes: the import's own (an import and
// an undo of it never run at once).
func undoLockPath(report string) string {
	m := donePattern.FindStringSubmatch(report)
	return m[1] + ".lock"
}

// ImportTarget returns the vendor and the CRM address recorded in the
// journal of the import whose done report is report.
func ImportTarget(report string) (vendor, target string, err error) {
	jpath, _, _, err := UndoPaths(report)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Stat(jpath); err != nil {
		return "", "", fmt.Errorf("cannot tell which CRM the import of %s went into: its journal %s is missing (%w); undo needs it beside the done report",
			filepath.Base(report), jpath, err)
	}
	_, h, err := readJournalLines(jpath, journalHeader{Vendor: journalVendor(jpath)})
	if err != nil {
		return "", "", err
	}
	return h.Vendor, h.Target, nil
}

// ImportMapping is the mapping the import that wrote the done report at
// report used, as its journal recorded it: the file's base name and the
// mapping's fingerprint (see Options.MappingDigest).
func ImportMapping(report string) (Fingerprint, error) {
	jpath, _, _, err := UndoPaths(report)
	if err != nil {
		return Fingerprint{}, err
	}
	_, h, err := readJournalLines(jpath, journalHeader{Vendor: journalVendor(jpath)})
	if err != nil {
		return Fingerprint{}, err
	}
	return h.Mapping, nil
}

// journalVendor reads the vendor of the journal at path ("" if none).
func journalVendor(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	h, _ := headerLine([]byte(line))
	return h.Vendor
}

// undoRow is one data row of the done report.
type undoRow struct {
	line   int // the done report's line
	row    int // crmport_row
	status crm.Status
	id     string
	cells  []sheet.Cell
}

// Undo deletes from the CRM the clients an import created, as its done
// report lists them (status created; never updated, exists or unchanged),
// after checking that each still holds a value the import gave it (an
// e-mail of the row, else any of its values): an edited client is kept
// and reported, unless Force. It is journaled (….undo.journal) and
// resumable: run again after an interruption, no client is deleted
// twice. Every row's outcome goes to ….undo.csv|xlsx.
func Undo(ctx context.Context, opt UndoOptions) (UndoSummary, error) {
	var sum UndoSummary
	sum.DryRun = opt.DryRun
	if opt.Now == nil {
		opt.Now = time.Now
	}
	importJournal, undoJournal, undoReport, err := UndoPaths(opt.Report)
	if err != nil {
		return sum, err
	}
	vendor, target, err := ImportTarget(opt.Report)
	if err != nil {
		return sum, err
	}
	name := opt.Vendor.Name()
	switch {
	case vendor != name:
		return sum, fmt.Errorf("%w: %s records an import into %s, not %s", ErrOtherTarget, importJournal, vendor, name)
	case target == SandboxTarget:
		return sum, fmt.Errorf("%w: %s was a rehearsal in the sandbox (crmport import --sandbox), whose clients went with the sandbox: nothing to undo", ErrOtherTarget, filepath.Base(opt.Report))
	case target == "" || target != opt.Target:
		return sum, fmt.Errorf("%w: %s was imported into %s, and %s is configured now; set the CRMPORT_ settings of that CRM to undo it",
			ErrOtherTarget, filepath.Base(opt.Report), orUnknown(target), orUnknown(opt.Target))
	}
	finder, okF := opt.Vendor.(crm.Finder)
	deleter, okD := opt.Vendor.(crm.Deleter)
	if !okF || !okD {
		return sum, fmt.Errorf("%s cannot look clients up and delete them, so crmport cannot undo an import into it", name)
	}
	lock, err := runlock.Acquire(undoLockPath(opt.Report), "undoing the import of "+filepath.Base(opt.Report), opt.Now())
	if err != nil {
		return sum, err
	}
	defer lock.Release()

	rows, header, info, err := readDoneReport(ctx, opt)
	if err != nil {
		return sum, err
	}
	sum.Rows = len(rows)
	in, err := FingerprintFile(opt.Report)
	if err != nil {
		return sum, err
	}
	h := journalHeader{Journal: "crmport", Version: JournalVersion, Input: in, Vendor: name, Mode: ModeUndo, Target: target}
	var binder Binder
	if opt.Bind != nil {
		if opt.MappingDigest != "" {
			if _, ih, err := readJournalLines(importJournal, journalHeader{Vendor: name}); err == nil && ih.Mapping.SHA256 != "" && ih.Mapping.SHA256 != opt.MappingDigest {
				return sum, fmt.Errorf("the mapping given is not the one the import of %s used (it changed since, or it is another file): give that mapping with -m, or leave -m out to check the clients by their e-mail addresses", filepath.Base(opt.Report))
			}
		}
		if binder, err = opt.Bind(header); err != nil {
			return sum, err
		}
	}
	priors, last, err := readJournalLines(undoJournal, h)
	if err != nil {
		return sum, err
	}
	// Rows are found again by the client's id; "in flight" row numbers
	// hold only for the same done report.
	byID := map[string]prior{}
	sameReport := priors != nil && !changeSince(last, h).input
	for line, p := range priors {
		if p.id != "" && p.status != "" {
			byID[p.id] = p
		}
		if sameReport && p.inflight && p.status == "" {
			for _, r := range rows {
				if r.line == line && r.id != "" {
					byID[r.id] = prior{inflight: true}
				}
			}
		}
	}
	plan := UndoPlan{Vendor: name, Target: target, Rows: len(rows)}
	for _, r := range rows {
		if r.status != crm.StatusCreated || r.id == "" {
			continue
		}
		if p := byID[r.id]; p.status == undoDeleted || p.status == undoGone {
			plan.Done++
			continue
		}
		plan.Delete++
		if opt.DryRun {
			var vals []string
			for _, c := range r.cells {
				if t := strings.TrimSpace(c.Text); t != "" && len(vals) < 4 {
					vals = append(vals, t)
				}
			}
			sum.WouldDelete = append(sum.WouldDelete, UndoRow{Row: r.row, ID: r.id, Values: vals})
		}
	}
	if opt.DryRun {
		return sum, nil
	}
	if plan.Delete > 0 && opt.Confirm != nil {
		ok, err := opt.Confirm(plan)
		if err != nil {
			return sum, err
		}
		if !ok {
			return sum, ErrNotConfirmed
		}
	}

	jr, err := func() (*journal, error) {
		if priors != nil {
			if err := cutTornTail(undoJournal); err != nil {
				return nil, err
			}
		}
		return openJournal(undoJournal, h, priors == nil, opt.Now)
	}()
	if err != nil {
		return sum, err
	}
	sum.Journal = undoJournal
	u := &undoer{opt: opt, finder: finder, deleter: deleter, idField: opt.Vendor.Capabilities().IDField, jr: jr, binder: binder}
	u.noteMerged(rows)
	sink, tmp, err := u.openReport(undoReport, header, info)
	if err != nil {
		jr.close()
		return sum, err
	}
	var runErr error
	var undone []int // input rows (crmport_row) whose client is no longer in the CRM
	for _, r := range rows {
		if runErr = ctx.Err(); runErr != nil {
			break
		}
		status, msg := undoLeft, fmt.Sprintf("not created by the import (%s): left as it is", orUnknown(string(r.status)))
		if r.status == crm.StatusCreated {
			if r.id == "" {
				status, msg = undoFailed, "the done report has no crmport_id for this row: check the client in the CRM"
			} else if p := byID[r.id]; p.status == undoDeleted || p.status == undoGone {
				status, msg = p.status, undoWords(p.status)
				sum.Resumed++
			} else {
				status, msg, runErr = u.undoOne(ctx, r, byID[r.id].inflight)
				if runErr != nil {
					break
				}
			}
		}
		switch status {
		case undoDeleted:
			sum.Deleted++
			undone = append(undone, r.row)
		case undoGone:
			sum.Gone++
			undone = append(undone, r.row)
		case undoKept:
			sum.Kept++
		case undoFailed:
			sum.Failed++
		default:
			sum.Left++
		}
		vals := append([]any{r.row, string(r.status), r.id, msg}, cellsAny(r.cells)...)
		if err := sink.WriteRow(vals); err != nil && runErr == nil {
			runErr = fmt.Errorf("cannot write the report %s: %w", undoReport, err)
			break
		}
	}
	jErr := jr.close()
	if !opt.DryRun && len(undone) > 0 {
		// The import's journal must not say these clients are in the CRM
		// any more: run again, the import sends them again instead of
		// skipping them as done.
		if err := markUndone(importJournal, undone, opt.Now); err != nil && jErr == nil {
			jErr = err
		}
	}
	cErr := sink.Close()
	if runErr == nil && cErr == nil {
		if err := os.Rename(tmp, undoReport); err != nil {
			cErr = fmt.Errorf("cannot write the report %s (is it open in Excel? close it and run again): %w", undoReport, err)
		} else {
			sum.Report = undoReport
		}
	} else {
		os.Remove(tmp)
	}
	switch {
	case runErr != nil && (errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded)):
		return sum, fmt.Errorf("interrupted; the journal %s is saved: run the same command again to go on (no client is deleted twice): %w", undoJournal, runErr)
	case runErr != nil:
		return sum, runErr
	case jErr != nil:
		return sum, jErr
	case cErr != nil:
		return sum, cErr
	case sum.Kept+sum.Failed > 0:
		return sum, fmt.Errorf("%w: %d kept, %d failed; the reasons are in %s", ErrUndoIncomplete, sum.Kept, sum.Failed, undoReport)
	}
	return sum, nil
}

// undoer deletes the clients of one undo.
type undoer struct {
	opt     UndoOptions
	finder  crm.Finder
	deleter crm.Deleter
	idField string
	jr      *journal
	binder  Binder // the import's mapping (nil: checked by the cells)
	// merged holds, by client id, the rows an import with --duplicates
	// merge merged into that client: their values are the import's too.
	merged map[string][]undoRow
	md     *dedupe // merges them as the import did
}

// noteMerged keeps the done report's merged rows by their client's id.
func (u *undoer) noteMerged(rows []undoRow) {
	for _, r := range rows {
		if r.status == StatusMerged && r.id != "" {
			if u.merged == nil {
				u.merged = map[string][]undoRow{}
			}
			u.merged[r.id] = append(u.merged[r.id], r)
		}
	}
	if u.merged == nil {
		return
	}
	// Merged values are told apart as the import's duplicate check does
	// (a phone however written): the same finder, used only to merge.
	var region func(string) string
	if pr, ok := u.binder.(PhoneRegioner); ok {
		region = pr.PhoneRegion
	}
	u.md = newDedupe(Options{Dedupe: []DedupeRule{DedupePhone}, FieldTypes: u.opt.FieldTypes}, region)
}

// undoOne checks and deletes the client of r. A non-nil error stops the
// undo (interrupted, the CRM refused the account, the journal failed).
func (u *undoer) undoOne(ctx context.Context, r undoRow, inflight bool) (crm.Status, string, error) {
	idField := u.idField
	if idField == "" {
		idField = "id"
	}
	_, stored, err := u.finder.Find(ctx, crm.Record{idField: r.id})
	switch {
	case errors.Is(err, crm.ErrNotFound):
		st := undoGone
		if inflight {
			st = undoDeleted // the interrupted run's delete went through
		}
		return st, undoWords(st), u.jr.finished([]journalLine{{Row: r.line, Status: st, ID: r.id}})
	case err != nil:
		return u.failed(ctx, r, "could not look the client up: ", err)
	}
	if !u.opt.Force {
		if why := u.editedSince(r, stored); why != "" {
			msg := "kept: " + why + "; it was edited since the import — check it"
			if f := u.opt.Advice.UndoForce; f != "" {
				msg += ", or run again with " + f + " to delete it anyway"
			}
			return undoKept, msg, u.jr.finished([]journalLine{{Row: r.line, Status: undoKept, ID: r.id, Error: msg}})
		}
	}
	if err := u.jr.inFlight([]int{r.line}); err != nil {
		return "", "", err
	}
	err = u.deleter.Delete(ctx, r.id)
	if errors.Is(err, crm.ErrNotFound) {
		err = nil
	}
	if crm.KindOf(err) == crm.KindAmbiguous && ctx.Err() == nil {
		// Sent, the answer lost: the journal keeps it in flight, so the
		// next run, finding the client gone, says it was deleted.
		return undoFailed, "the delete was sent but its answer was lost: run the same command again to check it", nil
	}
	if err != nil {
		return u.failed(ctx, r, "could not delete it: ", err)
	}
	return undoDeleted, undoWords(undoDeleted), u.jr.finished([]journalLine{{Row: r.line, Status: undoDeleted, ID: r.id}})
}

// failed ends r as failed, or stops the undo when err says so.
func (u *undoer) failed(ctx context.Context, r undoRow, what string, err error) (crm.Status, string, error) {
	if ctx.Err() != nil {
		return "", "", ctx.Err()
	}
	if crm.KindOf(err) == crm.KindFatal {
		return "", "", fmt.Errorf("the CRM refused the request, so the undo stopped (the journal is saved; fix the cause and run the same command again): %w", err)
	}
	msg := what + err.Error()
	return undoFailed, msg, u.jr.finished([]journalLine{{Row: r.line, Status: undoFailed, ID: r.id, Error: msg}})
}

// undoWords says an outcome in the report.
func undoWords(s crm.Status) string {
	switch s {
	case undoDeleted:
		return "deleted"
	case undoGone:
		return "already not in the CRM (deleted by someone else)"
	}
	return string(s)
}

// editedSince says how the stored client no longer looks like the row the
// import created it from ("" when it does). With the import's mapping,
// its key and e-mail fields must hold what the row gives them (compared
// by meaning: case, spaces, phone formats aside); without it, or when the
// row fills neither, see cellsEdited.
func (u *undoer) editedSince(r undoRow, stored crm.Record) string {
	if u.binder == nil {
		return cellsEdited(r.cells, stored)
	}
	rec, err := u.binder.Apply(sheet.Row{Line: r.row, Cells: r.cells})
	if err != nil {
		return cellsEdited(r.cells, stored)
	}
	for _, m := range u.merged[r.id] {
		// A later row merged into this client (--duplicates merge): the
		// import sent its values too.
		if mrec, err := u.binder.Apply(sheet.Row{Line: m.row, Cells: m.cells}); err == nil {
			u.md.mergeRecord(rec, mrec)
		}
	}
	// Every field the import sent, the key and e-mail first: an address
	// or a phone changed since says someone works with this client.
	// Fields the CRM does not give back (a list without notes) are not
	// compared.
	var first []string
	if u.opt.Key != "" {
		first = append(first, u.opt.Key)
	}
	for _, f := range u.opt.EmailFields {
		if !slices.Contains(first, f) {
			first = append(first, f)
		}
	}
	rest := make([]string, 0, len(rec))
	for f := range rec {
		if !slices.Contains(first, f) {
			rest = append(rest, f)
		}
	}
	slices.Sort(rest)
	checked := false
	var changed []string
	var detail string
	for _, f := range append(first, rest...) {
		if isEmpty(rec[f]) {
			continue
		}
		if _, ok := stored[f]; !ok && !slices.Contains(first, f) {
			continue
		}
		checked = true
		typ := u.opt.FieldTypes[f]
		want, got := canonTyped(f, typ, rec[f], u.opt.Normalize), canonTyped(f, typ, stored[f], u.opt.Normalize)
		if want == got {
			continue
		}
		changed = append(changed, f)
		if detail == "" {
			if got == "" {
				detail = fmt.Sprintf("its %s is empty now (the import gave it %s)", f, want)
			} else {
				detail = fmt.Sprintf("its %s is now %s (the import gave it %s)", f, got, want)
			}
		}
	}
	if !checked {
		return cellsEdited(r.cells, stored)
	}
	switch len(changed) {
	case 0:
		return ""
	case 1:
		return detail
	}
	return detail + fmt.Sprintf("; %s changed too", strings.Join(changed[1:], ", "))
}

// cellsEdited is editedSince without the mapping: the client must still
// hold one of the row's e-mail addresses, or, for a row without one, one
// of its values (compared by meaning).
func cellsEdited(cells []sheet.Cell, stored crm.Record) string {
	var rowMails, rowVals []string
	for _, c := range cells {
		for _, v := range splitValues(c.Text) {
			if strings.Contains(v, "@") {
				rowMails = append(rowMails, strings.ToLower(v))
			}
			rowVals = append(rowVals, canon("", v, nil))
		}
	}
	var storedMails, storedVals []string
	for k, v := range stored {
		for _, s := range splitValues(v) {
			if strings.Contains(s, "@") {
				storedMails = append(storedMails, strings.ToLower(s))
			}
			storedVals = append(storedVals, canon(k, s, nil))
		}
	}
	if len(rowMails) > 0 {
		for _, m := range rowMails {
			for _, s := range storedMails {
				if m == s {
					return ""
				}
			}
		}
		if len(storedMails) == 0 {
			return "it has no e-mail address now (the import gave it " + rowMails[0] + ")"
		}
		return "its e-mail address is now " + storedMails[0] + " (the import gave it " + rowMails[0] + ")"
	}
	for _, v := range rowVals {
		for _, s := range storedVals {
			if v != "" && v == s {
				return ""
			}
		}
	}
	return "it holds none of the values of this row any more"
}

// readDoneReport reads the rows of the done report.
func readDoneReport(ctx context.Context, opt UndoOptions) ([]undoRow, []string, sheet.Info, error) {
	src, err := opt.Open(ctx)
	if err != nil {
		return nil, nil, sheet.Info{}, err
	}
	defer src.Close()
	header := src.Header()
	col := func(name string) int {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		return -1
	}
	rowCol, statusCol, idCol := col(ColRow), col(ColStatus), col(ColID)
	if statusCol < 0 || idCol < 0 {
		return nil, nil, sheet.Info{}, fmt.Errorf("%s has no %s and %s columns: is it the done report of crmport import (named like kontakty.xlsx.CRM.done.xlsx)?", opt.Report, ColStatus, ColID)
	}
	var keep []int
	for i, h := range header {
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(h)), "crmport_") {
			keep = append(keep, i)
		}
	}
	cellAt := func(cells []sheet.Cell, i int) string {
		if i < 0 || i >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[i].Text)
	}
	var rows []undoRow
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, sheet.Info{}, err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, sheet.Info{}, fmt.Errorf("cannot read %s: %w", opt.Report, err)
		}
		if row.Blank {
			continue
		}
		r := undoRow{line: row.Line, status: crm.Status(strings.ToLower(cellAt(row.Cells, statusCol))), id: cellAt(row.Cells, idCol)}
		fmt.Sscan(cellAt(row.Cells, rowCol), &r.row)
		for _, i := range keep {
			if i < len(row.Cells) {
				r.cells = append(r.cells, row.Cells[i])
			} else {
				r.cells = append(r.cells, sheet.Cell{})
			}
		}
		rows = append(rows, r)
	}
	var names []string
	for _, i := range keep {
		names = append(names, header[i])
	}
	return rows, names, src.Info(), nil
}

// openReport starts the undo report beside the done report, in its format.
func (u *undoer) openReport(final string, names []string, info sheet.Info) (sheet.Sink, string, error) {
	so := sheet.Options{Format: "csv", Delimiter: info.Delimiter, BOM: true, Raw: true}
	if strings.HasSuffix(final, ".xlsx") {
		so = sheet.Options{Format: "xlsx", Sheet: info.Sheet}
	} else if so.Delimiter == 0 {
		so.Delimiter = ','
	}
	cols := []sheet.Column{{Name: ColRow, Kind: sheet.ColumnNumber}, {Name: ColStatus, Kind: sheet.ColumnText},
		{Name: ColID, Kind: sheet.ColumnText}, {Name: ColUndo, Kind: sheet.ColumnText}}
	for _, n := range names {
		cols = append(cols, sheet.Column{Name: n, Kind: sheet.ColumnAuto})
	}
	return createReport(u.opt.CreateSink, final, so, cols)
}

func cellsAny(cells []sheet.Cell) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown CRM"
	}
	return s
}

// markUndone appends to the import's journal that the clients of rows are
// no longer in the CRM (deleted by an undo, or found gone), so that the
// import run again sends those rows instead of skipping them as done. A
// second undo run marks them again; that does no harm.
func markUndone(importJournal string, rows []int, now func() time.Time) error {
	if st, err := os.Stat(importJournal); err != nil || st.Size() == 0 {
		return nil // no journal to correct (undo needs one to start)
	}
	if err := cutTornTail(importJournal); err != nil {
		return err
	}
	j, err := openJournal(importJournal, journalHeader{}, false, now)
	if err != nil {
		return err
	}
	lines := make([]journalLine, 0, len(rows))
	for _, r := range rows {
		if r > 0 { // a done report without crmport_row cannot be matched
			lines = append(lines, journalLine{Row: r, Undone: true})
		}
	}
	err = j.finished(lines)
	if cerr := j.close(); err == nil {
		err = cerr
	}
	return err
}
