package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/internal/reuse"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// ImportSettings are the plain settings of an import.
type ImportSettings struct {
	Input   string // the CSV or XLSX file
	Mapping string // the mapping file
	Vendor  string // "" = the mapping's
	Sheet   string // XLSX sheet; "" = the mapping's, else the one Excel opens on
	DryRun  bool
	Mode    string // "create" (default) or "upsert"
	// BatchSize, Workers: 0 = the vendor's defaults.
	BatchSize int
	Workers   int
	// Rate is requests per second when RateSet (rate.Inf = unpaced).
	Rate      rate.Limit
	RateSet   bool
	Retries   int
	Timeout   time.Duration // one request; 0 = 60 s
	MaxErrors MaxErrors
	ReportDir string
	// ReportFormat is "xlsx" (failing cells marked) or "csv"; "" = the
	// input's format.
	ReportFormat  string
	Restart       bool
	ResumeChanged bool
	// Sandbox imports into the in-process emulators.
	Sandbox bool
	// Dedupe and Duplicates find and settle rows of the file that are the
	// same client; LookUp also checks the CRM for each row before
	// creating it.
	Dedupe     []DedupeRule
	Duplicates DuplicatePolicy
	LookUp     bool
	// Advice names the front end's settings that row messages may
	// suggest (zero: none).
	Advice Advice
	// CountRows counts the data rows first, so progress has a total.
	CountRows bool

	// SandboxOptions tune the in-process emulators (tests: faults,
	// latency); OnSandbox is called with them before the import.
	SandboxOptions sandbox.Options
	OnSandbox      func(*sandbox.Sandbox)
}

// ImportResult is what an import did, as data for the front end to word.
type ImportResult struct {
	// Vendor is the vendor's name and Title its name as people write it.
	Vendor, Title string
	// Summary counts the rows and names the reports.
	Summary ImportSummary
	// Started is set when the run got as far as reading rows (a run that
	// could not start has only its error).
	Started bool
	// Info says how the file was read (format, encoding, delimiter,
	// sheet, title rows); Columns is the header's width.
	Info    SheetInfo
	Columns int
	// HeaderRowGiven, SheetGiven: the mapping (or the settings) named the
	// header row / the sheet, so the file was not searched for them.
	HeaderRowGiven bool
	SheetGiven     bool
}

// sourceOptions are the mapping's sheet options, adjusted so that an error
// report written by crmport (UTF-8 with a BOM, header in row 1) reads back
// right even when the mapping names the original file's encoding or
// header row.
func sourceOptions(m *mapping.Mapping, input, sheetName string) sheet.Options {
	so := m.SheetOptions()
	if sheetName != "" {
		so.Sheet = sheetName
	}
	so.ExpectedHeaders = m.Headers()
	if f, err := os.Open(input); err == nil {
		var b [3]byte
		n, _ := io.ReadFull(f, b[:])
		f.Close()
		if n == 3 && b == [3]byte{0xEF, 0xBB, 0xBF} {
			so.Encoding = "" // the BOM says UTF-8: detection honours it
		}
	}
	base := strings.ToLower(filepath.Base(input))
	if strings.Contains(base, ".errors.") || strings.Contains(base, ".done.") {
		so.HeaderRow = 0 // crmport's reports have their header in row 1
	}
	return so
}

// VendorMismatchError says the mapping was written for another vendor than
// the one asked for.
type VendorMismatchError struct {
	Mapping       string
	MappingVendor string // the mapping's vendor (name)
	Vendor        string // the vendor asked for (name)
	// MappingTitle and Title are the two vendors' names as people write them.
	MappingTitle, Title string
}

func (e *VendorMismatchError) Error() string {
	return fmt.Sprintf("the mapping %s is written for %s, not %s", e.Mapping, e.MappingVendor, e.Vendor)
}

// InputError is an input file that cannot be imported at all (missing, a
// folder, unreadable).
type InputError struct {
	Path     string
	NotFound bool
	IsDir    bool
	Err      error
}

func (e *InputError) Error() string {
	switch {
	case e.NotFound:
		return fmt.Sprintf("%s: file not found (check the name and the folder)", e.Path)
	case e.IsDir:
		return fmt.Sprintf("%s is a folder, not a file: give the CSV or XLSX file to import", e.Path)
	}
	return fmt.Sprintf("cannot read the file to import %s: %v", e.Path, e.Err)
}
func (e *InputError) Unwrap() error { return e.Err }

// checkInput tells a missing or unreadable input before anything starts.
func checkInput(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &InputError{Path: path, NotFound: true, Err: err}
	case err != nil:
		return &InputError{Path: path, Err: err}
	case st.IsDir():
		return &InputError{Path: path, IsDir: true}
	}
	return nil
}

// ImportDoing says what an import run does, for the message a second run
// of the same import shows: "importing contacts.csv into BaseLinker".
func (e *Env) importDoing(s ImportSettings, vendor string) string {
	name := filepath.Base(s.Input)
	where := e.Title(vendor)
	if s.Sandbox {
		where = "the " + where + " sandbox"
	}
	if s.DryRun {
		return fmt.Sprintf("checking %s for %s (a dry run)", name, where)
	}
	return fmt.Sprintf("importing %s into %s", name, where)
}

// Import imports the rows of s.Input into the CRM as the mapping says,
// reporting through ev. The error is nil when every row was done; it
// wraps ErrSomeRowsFailed when the run finished with failed rows, and
// ErrTooManyErrors when MaxErrors stopped it.
func (e *Env) Import(ctx context.Context, s ImportSettings, ev Events) (ImportResult, error) {
	now := e.clock()
	var res ImportResult
	vendorName := strings.ToLower(strings.TrimSpace(s.Vendor))
	if vendorName != "" {
		// A misspelt vendor is a usage error, not a mapping mismatch.
		if _, err := e.lookup(vendorName); err != nil {
			return res, err
		}
	}
	m, err := mapping.Load(s.Mapping, e.Registry())
	if err != nil {
		return res, mappingError(s.Mapping, err)
	}
	if s.Mode == "upsert" {
		if err := m.UpsertKeyError(); err != nil {
			return res, err
		}
	}
	switch {
	case vendorName == "":
		vendorName = m.Vendor
	case m.Vendor != "" && m.Vendor != vendorName:
		return res, &VendorMismatchError{Mapping: s.Mapping, MappingVendor: m.Vendor, Vendor: vendorName,
			MappingTitle: e.Title(m.Vendor), Title: e.Title(vendorName)}
	}
	res.Vendor, res.Title = vendorName, e.Title(vendorName)
	if err := checkInput(s.Input); err != nil {
		return res, err
	}
	so := sourceOptions(m, s.Input, s.Sheet)
	res.HeaderRowGiven, res.SheetGiven = so.HeaderRow != 0, so.Sheet != ""
	reg := e.Vendor(vendorName)

	v, cleanup, err := e.openVendor(ctx, vendorName, s.Sandbox, vendorSetup{Timeout: s.Timeout, Sandbox: s.SandboxOptions, OnSandbox: s.OnSandbox})
	offline := false
	var missing *MissingSettingsError
	if err != nil && s.DryRun && !s.Sandbox && errors.As(err, &missing) {
		// A dry run sends nothing: without credentials, check the rows
		// against the vendor's standard field list.
		emit(ev, Warning{Kind: "offline-catalogue", Vendor: res.Title,
			Text: fmt.Sprintf("no %s credentials set, so the rows are checked against %s's standard fields only (custom fields of your account are not known)", res.Title, res.Title)})
		v, cleanup, err, offline = offlineVendor{name: reg.Name, fields: reg.Catalogue()}, func() {}, nil, true
	}
	if err != nil {
		return res, err
	}
	defer cleanup()

	// One run of an import at a time, taken before the CRM is first asked
	// anything: a second run sends nothing and touches no report.
	lock, err := importer.Lock(s.Input, s.ReportDir, v.Name(), e.importDoing(s, vendorName), now())
	if err != nil {
		return res, err
	}
	defer lock.Release()

	prog := newImportEvents(ev, reg, res.Title, now)
	// The importer installs its rule telling our client from another one
	// with the same e-mail or phone after a lost answer (retry.Judging).
	policy := retry.Policy{Retries: retry.Times(s.Retries), OnRetry: prog.Retrying, Now: now, Sleep: e.Sleep}
	if s.RateSet {
		policy.Rate = s.Rate
		policy.Burst = 1
	}
	wrapped := retry.Wrap(v, policy)
	fields, err := wrapped.Fields(ctx)
	if err != nil {
		return res, &FieldListError{Vendor: res.Title, Err: err}
	}
	switchedOffFields(ev, reg, m, fields, offline)
	fieldTypes := make(map[string]crm.FieldType, len(fields))
	for _, fd := range fields {
		fieldTypes[fd.Name] = fd.Type
	}

	mode := s.Mode
	if mode == "" {
		mode = "create"
	}
	// The first rows are evidence of the phones' region (the country codes
	// of other numbers in the column), as mapping check reads them: check
	// and import decide alike. They are read from the source the import
	// reads, and given to it again (the file is not opened twice: a
	// workbook Excel saved would have its whole text table read twice).
	var sample []sheet.Row
	sampled := false
	iopt := importer.Options{
		Input: s.Input,
		Open: func(ctx context.Context) (sheet.Source, error) {
			src, err := sheet.Open(ctx, s.Input, so)
			if err != nil {
				return nil, err
			}
			res.Info, res.Columns = src.Info(), len(src.Header())
			if !sampled {
				sampled = true
				sample, src = peekFirstRows(src, mapping.CheckRowsLimit)
			}
			return src, nil
		},
		Bind: func(header []string) (importer.Binder, error) {
			b, err := m.Bind(header, fields, mapping.ApplyOptions{Now: now, Info: &res.Info, Sample: sample})
			if err != nil {
				return nil, err
			}
			return b, nil
		},
		CreateSink:   sheet.Create,
		MappingFile:  s.Mapping,
		Vendor:       wrapped,
		Mode:         importer.Mode(mode),
		Key:          m.Key,
		Dedupe:       s.Dedupe,
		Duplicates:   s.Duplicates,
		Advice:       s.Advice,
		DedupeFields: importer.DedupeFieldsFor(reg, fieldTypes),
		LookUp:       s.LookUp,
		OnLookUpPlan: func(p importer.LookUpPlan) {
			emit(ev, Warning{Kind: "lookup-plan", Vendor: res.Title, Text: p.Describe(res.Title)})
		},
		BatchSize: s.BatchSize,
		Workers:   s.Workers,
		DryRun:    s.DryRun,
		// The in-process sandbox starts empty every time, so a journal of an
		// earlier sandbox run describes clients that no longer exist.
		Restart:       s.Restart || s.Sandbox,
		ResumeChanged: s.ResumeChanged,
		MappingDigest: m.Fingerprint(),
		Target:        e.target(vendorName, s.Sandbox),
		MaxErrors:     s.MaxErrors,
		ReportDir:     s.ReportDir,
		ReportFormat:  s.ReportFormat,
		ReportSheet:   so.Sheet,
		Lock:          lock,
		Progress:      prog,
		Normalize:     reg.Normalize,
		FieldTypes:    fieldTypes,
		CountRows:     s.CountRows,
		Now:           now,
	}
	sum, runErr := importer.Run(ctx, iopt)
	res.Summary = sum
	res.Started = runErr == nil || sum.Rows > 0 || sum.Reports.Journal != "" || errors.Is(runErr, importer.ErrSomeRowsFailed)
	return res, runErr
}

// mappingError turns a mapping that did not load into a MappingProblems
// listing each of its problems, or returns err as it is (a missing file).
func mappingError(file string, err error) error {
	var pe *mapping.PosError
	if ps := mapping.Problems(err); len(ps) > 1 || errors.As(err, &pe) {
		return &MappingProblems{File: file, Problems: ps}
	}
	return err
}

// importEvents turns importer.Progress calls into Events.
type importEvents struct {
	ev    Events
	rows  RowEvents // ev, when it takes rows without boxing them
	reg   crm.Registration
	title string
	now   func() time.Time
}

func newImportEvents(ev Events, reg crm.Registration, title string, now func() time.Time) *importEvents {
	rows, _ := ev.(RowEvents)
	return &importEvents{ev: ev, rows: rows, reg: reg, title: title, now: now}
}

// Start implements importer.Progress.
func (p *importEvents) Start(total int64) {
	emit(p.ev, Started{Job: "import", Vendor: p.title, Total: total})
}

// RowDone implements importer.Progress.
func (p *importEvents) RowDone(row int, res crm.Result) {
	if p.rows != nil {
		p.rows.RowDone(RowDone{Row: row, Status: res.Status})
		return
	}
	emit(p.ev, RowDone{Row: row, Status: res.Status})
}

// Retrying implements importer.Progress (and retry.Policy.OnRetry).
func (p *importEvents) Retrying(op string, err error, wait time.Duration) {
	emit(p.ev, retrying(p.reg, op, err, wait, p.now()))
}

// Finish implements importer.Progress.
func (p *importEvents) Finish(importer.Summary) {}

// retrying is the Retrying event of a call to the vendor of reg retried
// after wait: the message in the vendor's own words (its RetryNotice), or
// the vendor's message without the advice meant for someone retrying by
// hand (crm.Error.Hint).
func retrying(reg crm.Registration, op string, err error, wait time.Duration, now time.Time) Retrying {
	title := reg.Title
	if title == "" {
		title = reg.Name
	}
	msg := err.Error()
	var ce *crm.Error
	if errors.As(err, &ce) {
		if ce.Message != "" {
			msg = ce.Message
		}
		if reg.RetryNotice != nil {
			if own := reg.RetryNotice(ce, now.Add(wait)); own != "" {
				msg = own
			}
		}
	}
	msg = strings.TrimRight(strings.TrimSpace(msg), ";,:. ")
	if msg == "" {
		msg = "the request failed"
	}
	return Retrying{Vendor: title, Op: op, Message: msg, Wait: wait, Err: err}
}

// switchedOffFields warns once per field the mapping fills that the
// vendor has switched off: the CRM would drop its values without an error.
// offline says the field list is the vendor's static catalogue (a dry run
// without credentials), which describes a fresh account.
func switchedOffFields(ev Events, reg crm.Registration, m *mapping.Mapping, fields []crm.Field, offline bool) {
	byName := make(map[string]crm.Field, len(fields))
	anyActive := false
	for _, f := range fields {
		byName[f.Name] = f
		anyActive = anyActive || f.Active
	}
	if !anyActive {
		return // a vendor that does not report Active at all
	}
	title := reg.Title
	if title == "" {
		title = reg.Name
	}
	where := "on this account"
	if offline {
		where = "on a fresh " + title + " account (without credentials crmport cannot see yours)"
	}
	howTo := "switch it on in " + title + "'s settings"
	if where := reg.SwitchOn; where != "" {
		howTo = "switch it on in " + where
	}
	seen := map[string]bool{}
	for _, fm := range m.Fields {
		f, ok := byName[fm.Field]
		if !ok || f.Active || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		label := ""
		if f.Label != "" && f.Label != f.Name {
			label = " (" + f.Label + ")"
		}
		emit(ev, Warning{Kind: "field-switched-off", Vendor: title, Field: f.Name,
			Text: fmt.Sprintf("%s field %q%s is switched off %s, so its values would be dropped: %s, or remove it from the mapping",
				title, f.Name, label, where, howTo)})
	}
}

// offlineVendor stands in for a vendor in a dry run without credentials:
// it knows the static field catalogue and never sends anything.
type offlineVendor struct {
	name   string
	fields []crm.Field
}

func (o offlineVendor) Name() string { return o.name }

func (o offlineVendor) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: 1, DefaultBatch: 1, Workers: 1, Rate: rate.Inf}
}

func (o offlineVendor) Fields(context.Context) ([]crm.Field, error) { return o.fields, nil }

func (o offlineVendor) Create(context.Context, []crm.Record) ([]crm.Result, error) {
	return nil, errors.New("a dry run sends nothing")
}

func (o offlineVendor) List(context.Context, crm.ListQuery, string) (crm.Page, error) {
	return crm.Page{}, crm.ErrUnsupported
}

// peekFirstRows reads src's first n rows as mapping check does
// (mapping.FirstRows), for evidence, and returns them with a source that
// gives everything read from src again, in order and with its errors,
// before the rest: its reader sees the file from its first row. A file
// that cannot be read gives what was read before the error (the import
// itself reports why, when it reads the error again).
func peekFirstRows(src sheet.Source, n int) ([]sheet.Row, sheet.Source) {
	r := &replaySource{Source: src, info: src.Info()}
	rows, _ := mapping.FirstRows(recorder{r}, n)
	return rows, r
}

// replaySource gives the rows (and errors) recorded from its Source again
// before reading on. Its Info is the source's as it was before they were
// read (a CSV source's can change once rows are read), until they are all
// given again.
type replaySource struct {
	sheet.Source
	rows []recorded
	info sheet.Info
}

// recorded is what one call of Next gave.
type recorded struct {
	row sheet.Row
	err error
}

// Next returns the next recorded row, then the source's.
func (r *replaySource) Next() (sheet.Row, error) {
	if len(r.rows) == 0 {
		return r.Source.Next()
	}
	next := r.rows[0]
	r.rows[0] = recorded{} // given: the replay keeps nothing of it
	r.rows = r.rows[1:]
	return next.row, next.err
}

// Info is the source's Info as it was opened while recorded rows remain.
func (r *replaySource) Info() sheet.Info {
	if len(r.rows) > 0 {
		return r.info
	}
	return r.Source.Info()
}

// Through is the Source once every recorded row was given again
// (sheet.Passthrough), nil before.
func (r *replaySource) Through() sheet.Source {
	if len(r.rows) > 0 {
		return nil
	}
	return r.Source
}

// ReusedCells is the Source's (sheet.ReuseCells): the rows recorded are
// given again before any later one, so a caller marks them done in order
// too. The first rows the binding was given (the region's evidence) are
// read when it is bound, before any row is marked done.
func (r *replaySource) ReusedCells() *reuse.Mark { return sheet.ReuseCells(r.Source) }

// recorder reads from a replaySource's Source, recording each row and
// error for it to give again.
type recorder struct{ r *replaySource }

func (c recorder) Next() (sheet.Row, error) {
	row, err := c.r.Source.Next()
	c.r.rows = append(c.r.rows, recorded{row, err})
	return row, err
}
