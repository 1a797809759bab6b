package job

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// UndoSettings are the plain settings of an undo: delete from the CRM the
// clients an import created, as its done report lists them.
type UndoSettings struct {
	Report  string // the import's done report
	Mapping string // the import's mapping: clients are checked by its key and e-mail fields
	DryRun  bool   // list what would be deleted; delete nothing
	Force   bool   // delete clients edited since the import too
	// Advice names the front end's settings a row's message may suggest
	// (Advice.UndoForce: how to delete edited clients too).
	Advice  Advice
	Retries int
	Timeout time.Duration
	// Confirm is asked, with the plan, before anything is deleted (not
	// in a dry run); false, or an error, deletes nothing.
	Confirm func(UndoPlan) (bool, error)
}

// UndoResult is what an undo did.
type UndoResult struct {
	Vendor, Title string
	// Mapping is the import's mapping, found beside the report, when no
	// mapping was given ("" when none was found).
	Mapping string
	Summary UndoSummary
}

// Undo deletes the clients the import of s.Report created, reporting
// retries through ev. The error wraps ErrUndoIncomplete when some were
// kept or failed, ErrNotConfirmed when Confirm said no.
func (e *Env) Undo(ctx context.Context, s UndoSettings, ev Events) (UndoResult, error) {
	var res UndoResult
	if st, err := os.Stat(s.Report); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return res, &InputError{Path: s.Report, NotFound: true, Err: err}
		}
		return res, &InputError{Path: s.Report, Err: err}
	} else if st.IsDir() {
		return res, fmt.Errorf("%s is a folder: give the done report of the import (e.g. kontakty.xlsx.thulium.done.xlsx)", s.Report)
	}
	vendor, _, err := importer.ImportTarget(s.Report)
	if err != nil {
		return res, err
	}
	res.Vendor, res.Title = vendor, e.Title(vendor)
	reg := e.Vendor(vendor)
	v, cleanup, err := e.openVendor(ctx, vendor, false, vendorSetup{Timeout: s.Timeout})
	if err != nil {
		return res, err
	}
	defer cleanup()
	now := e.clock()
	wrapped := retry.Wrap(v, retry.Policy{Retries: retry.Times(s.Retries), Now: now, Sleep: e.Sleep,
		OnRetry: func(op string, err error, wait time.Duration) { emit(ev, retrying(reg, op, err, wait, now())) }})
	uo := importer.UndoOptions{
		Report: s.Report,
		Open: func(ctx context.Context) (sheet.Source, error) {
			return sheet.Open(ctx, s.Report, sheet.Options{HeaderRow: 1})
		},
		CreateSink: sheet.Create,
		Vendor:     wrapped,
		Target:     e.target(vendor, false),
		DryRun:     s.DryRun,
		Force:      s.Force,
		Advice:     s.Advice,
		Now:        now,
		Confirm:    s.Confirm,
	}
	if s.Mapping == "" {
		// The import's own mapping, when it is still where it was
		// (beside the report, or in this folder) and unchanged: undo
		// then compares every field the import sent, not only e-mails.
		s.Mapping = e.findImportMapping(s.Report)
		res.Mapping = s.Mapping
	}
	if s.Mapping != "" {
		m, err := mapping.Load(s.Mapping, e.Registry())
		if err != nil {
			return res, mappingError(s.Mapping, err)
		}
		if m.Vendor != "" && m.Vendor != vendor {
			return res, fmt.Errorf("the mapping %s is written for %s, but the import went into %s: give the import's mapping", s.Mapping, e.Title(m.Vendor), res.Title)
		}
		fields, err := wrapped.Fields(ctx)
		if err != nil {
			return res, &FieldListError{Vendor: res.Title, Err: err}
		}
		types := make(map[string]crm.FieldType, len(fields))
		for _, fd := range fields {
			types[fd.Name] = fd.Type
		}
		uo.Bind = func(header []string) (importer.Binder, error) {
			b, err := m.Bind(header, fields, mapping.ApplyOptions{Now: now})
			if err != nil {
				return nil, err
			}
			return b, nil
		}
		uo.MappingDigest, uo.Key, uo.FieldTypes = m.Fingerprint(), m.Key, types
		uo.EmailFields = importer.DedupeFieldsFor(reg, types).Email
		uo.Normalize = reg.Normalize
	}
	res.Summary, err = importer.Undo(ctx, uo)
	return res, err
}

// findImportMapping returns the path of the mapping the import of report
// used, if a file of its name with the same content is beside the report
// or in the current folder; "" otherwise.
func (e *Env) findImportMapping(report string) string {
	fp, err := importer.ImportMapping(report)
	if err != nil || fp.Name == "" || fp.SHA256 == "" {
		return ""
	}
	for _, dir := range []string{filepath.Dir(report), "."} {
		path := filepath.Join(dir, fp.Name)
		m, err := mapping.Load(path, e.Registry())
		if err == nil && m.Fingerprint() == fp.SHA256 {
			return path
		}
	}
	return ""
}

// ReportVendor is the vendor whose import wrote the done report at path.
func ReportVendor(path string) (string, error) {
	vendor, _, err := importer.ImportTarget(path)
	return vendor, err
}
