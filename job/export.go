package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/exporter"
	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// ExportSandboxClients is how many clients a sandbox export holds: enough
// for several pages of every vendor.
const ExportSandboxClients = 250

// ExportSettings are the plain settings of an export.
type ExportSettings struct {
	Vendor  string // "" = the mapping's
	Output  string // .xlsx or .csv file; "" with Stdout set = CSV on Stdout
	Stdout  io.Writer
	Mapping string   // export the mapping's columns with its headers
	Columns []string // or these fields, in this order
	Filters map[string]string
	// Since and Until bound the clients' creation days (Until included).
	Since, Until time.Time
	Format       string // "xlsx" or "csv"; "" = from the file name
	// CSV only: BOM and NoBOM force the byte order mark on or off (a .csv
	// file gets one by default); Delimiter 0 = ';' for a file (or the
	// mapping's), ',' on Stdout; Raw writes = + - @ as they are.
	BOM, NoBOM bool
	Delimiter  rune
	Raw        bool
	Sandbox    bool
	WithNotes  bool // BaseLinker: read each client's details too
	Rate       rate.Limit
	RateSet    bool
	Retries    int
	Timeout    time.Duration
}

// ExportResult is what an export did.
type ExportResult struct {
	Vendor, Title string
	Rows, Pages   int
	Elapsed       time.Duration
	Output        string // the file written, or "" for Stdout
	// Empty is set when no client was exported: why, as far as one more
	// request could tell.
	Empty *EmptyExport
}

// EmptyExport explains an export that found no client.
type EmptyExport struct {
	// Conditions are the filters and date bounds in effect ("" none).
	Conditions []string
	// Without them, the CRM holds Holds clients on its first page
	// (More: there are further pages); Unknown when that could not be read.
	Holds   int
	More    bool
	Unknown bool
}

// exportUsage is a UsageError for an export asked for in a way that cannot work
// (a file name that is neither .xlsx nor .csv, CSV options on XLSX…).
func exportUsage(format string, args ...any) error { return usagef(format, args...) }

// Export writes every client of a CRM to s.Output (or s.Stdout), page by
// page, reporting pages and retries through ev.
func (e *Env) Export(ctx context.Context, s ExportSettings, ev Events) (ExportResult, error) {
	now := e.clock()
	start := now()
	var res ExportResult
	toStdout := s.Output == "" || s.Output == "-"
	if toStdout && s.Stdout == nil {
		return res, exportUsage("no file to write: give a .xlsx or .csv file name")
	}
	if s.Mapping != "" && len(s.Columns) > 0 {
		return res, exportUsage("a mapping and a list of fields both choose the columns: use one of them")
	}
	sopt := sheet.Options{BOM: s.BOM, Raw: s.Raw, Format: s.Format, Delimiter: s.Delimiter}
	format := "csv"
	var err error
	if !toStdout {
		ext := strings.ToLower(filepath.Ext(s.Output))
		if s.Format == "" && ext != ".xlsx" && ext != ".csv" {
			return res, &OutputNameError{Output: s.Output}
		}
		if format, err = sheet.FormatOf(s.Output, sopt); err != nil {
			return res, usagef("%s: %w", s.Output, err)
		}
		if st, err := os.Stat(filepath.Dir(s.Output)); err != nil || !st.IsDir() {
			return res, usagef("%s: the folder %s does not exist", s.Output, filepath.Dir(s.Output))
		}
	} else if s.Format == "xlsx" {
		return res, exportUsage("XLSX cannot be written to standard output; give a file name such as clients.xlsx")
	}
	sopt.Format = format
	if toStdout {
		// Standard output feeds a script or a pipe, which wants the values
		// as they are: no apostrophe before a "+48…" phone or "-5" (that
		// guard is for files Excel opens).
		sopt.Raw = true
	}
	if format == "xlsx" && (s.BOM || s.NoBOM || s.Delimiter != 0 || s.Raw) {
		return res, &UsageError{Setting: "csv-options", Err: errors.New("the byte order mark, the delimiter and raw values apply to CSV output only")}
	}
	if s.BOM && s.NoBOM {
		return res, exportUsage("a byte order mark both on and off: choose one")
	}
	if format == "csv" && !toStdout {
		// A file opens on a double click in the users' Excel: UTF-8 with a
		// BOM and ';' (Polish and Russian Excel split at ';').
		sopt.BOM = !s.NoBOM
		if sopt.Delimiter == 0 {
			sopt.Delimiter = ';'
		}
	}
	q := crm.ListQuery{Filters: s.Filters, Since: s.Since, Until: s.Until}
	if !q.Until.IsZero() {
		q.Until = q.Until.AddDate(0, 0, 1) // "until 2025-01-31" includes that day
	}
	vendorName := strings.ToLower(strings.TrimSpace(s.Vendor))
	var m *mapping.Mapping
	if s.Mapping != "" {
		if m, err = mapping.Load(s.Mapping, e.Registry()); err != nil {
			return res, mappingError(s.Mapping, err)
		}
		if d := m.SheetOptions().Delimiter; d != 0 && s.Delimiter == 0 && format == "csv" && !toStdout {
			sopt.Delimiter = d // exported with the mapping, the file imports back with it
		}
		if vendorName == "" {
			vendorName = m.Vendor
		} else if vendorName != m.Vendor {
			return res, &VendorMismatchError{Mapping: s.Mapping, MappingVendor: m.Vendor, Vendor: vendorName,
				MappingTitle: e.Title(m.Vendor), Title: e.Title(vendorName)}
		}
	}
	if vendorName == "" {
		return res, &UsageError{Setting: "vendor", Err: errors.New("no CRM chosen (salesman, thulium or baselinker)")}
	}
	res.Vendor, res.Title = vendorName, e.Title(vendorName)
	reg, err := e.lookup(vendorName)
	if err != nil {
		return res, err
	}

	// One export into a file at a time: a second one is refused before it
	// asks the CRM anything (the lock file is beside the output).
	if !toStdout {
		doing := fmt.Sprintf("exporting from %s to %s", res.Title, filepath.Base(s.Output))
		if s.Sandbox {
			doing = fmt.Sprintf("exporting from the %s sandbox to %s", res.Title, filepath.Base(s.Output))
		}
		lock, err := runlock.Acquire(s.Output+".lock", doing, now())
		if err != nil {
			return res, err
		}
		defer lock.Release()
	}

	raw, cleanup, err := e.openVendor(ctx, vendorName, s.Sandbox, vendorSetup{Timeout: s.Timeout, Sandbox: sandbox.Options{Seed: ExportSandboxClients}})
	if err != nil {
		return res, err
	}
	defer cleanup()
	pol := retry.Policy{Retries: retry.Times(s.Retries), Now: now, Sleep: e.Sleep, OnRetry: func(op string, err error, wait time.Duration) {
		emit(ev, retrying(reg, op, err, wait, now()))
	}}
	if s.RateSet {
		pol.Rate = s.Rate
	}
	v := retry.Wrap(raw, pol)

	fields, err := v.Fields(ctx)
	if err != nil {
		return res, &FieldListError{Vendor: res.Title, Err: err}
	}
	eopt := exporter.Options{Vendor: v, Fields: fields, Query: q, Now: now}
	if m != nil {
		if err := m.Validate(fields); err != nil {
			return res, &MappingProblems{File: s.Mapping, Problems: mapping.Problems(err)}
		}
		eopt.Mapping = m
	}
	eopt.Columns = s.Columns
	if s.WithNotes {
		enrich, err := notesEnricher(v, raw)
		if err != nil {
			return res, err
		}
		eopt.Enrich = enrich
		emit(ev, Warning{Kind: "with-notes", Vendor: res.Title,
			Text: fmt.Sprintf("reading each client's details takes one more request; at %s that adds about %s per 100 clients", paceText(v), perHundred(v))})
	}

	// Write to a temporary file beside the output and rename it at the end:
	// a failed export never leaves a half-written file under the real name.
	var sink sheet.Sink
	var file *exporter.File
	if toStdout {
		sink = sheet.NewCSVSink(s.Stdout, sopt)
	} else {
		if m != nil {
			// The file reads back with the same mapping: its sheet, and
			// its header on the row the mapping says.
			sopt.Sheet = m.SheetOptions().Sheet
			sopt.HeaderRow = m.SheetOptions().HeaderRow
		}
		sopt.Sheet = exporter.SheetName(res.Title, sopt.Sheet)
		if file, err = exporter.CreateFile(s.Output, sopt); err != nil {
			return res, err
		}
		defer file.Discard()
		sink = file
	}
	emit(ev, Started{Job: "export", Vendor: res.Title, Total: -1})
	eopt.Sink = sink
	eopt.Progress = exportEvents{ev}
	sum, runErr := exporter.Run(ctx, eopt)
	var closeErr error
	if file == nil {
		closeErr = sink.Close() // stdout: what was written so far is flushed
	}
	res.Rows, res.Pages = sum.Rows, sum.Pages
	if runErr != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		var colErr *exporter.ColumnError
		if sum.Rows == 0 && (errors.Is(runErr, crm.ErrUnsupported) || errors.As(runErr, &colErr)) {
			// A request the vendor cannot serve (dates on BaseLinker) or an
			// unknown field name: a usage problem, not a broken export.
			if colErr != nil {
				return res, &UsageError{Setting: "fields", Err: colErr}
			}
			return res, usagef("%s", e.plainMessage(runErr))
		}
		return res, fmt.Errorf("export stopped after %d clients: %w", sum.Rows, runErr)
	}
	if closeErr != nil {
		return res, fmt.Errorf("write %s: %w", s.Output, closeErr)
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return res, err
		}
		res.Output = s.Output
	}
	if len(sum.LateFields) > 0 {
		emit(ev, Warning{Kind: "late-fields", Vendor: res.Title, Fields: sum.LateFields,
			Text: "some clients have fields that got no column (" + strings.Join(sum.LateFields, ", ") + ")"})
	}
	res.Elapsed = now().Sub(start)
	if sum.Rows == 0 {
		res.Empty = emptyExport(ctx, v, q, s)
	}
	return res, nil
}

// OutputNameError is an export file name crmport cannot tell the format
// of (neither .xlsx nor .csv).
type OutputNameError struct{ Output string }

func (e *OutputNameError) Error() string {
	return fmt.Sprintf("%s: crmport writes .xlsx or .csv files: use a name such as %s.xlsx", e.Output,
		strings.TrimSuffix(filepath.Base(e.Output), filepath.Ext(e.Output)))
}

// exportEvents turns exporter.Progress calls into PageDone events.
type exportEvents struct{ ev Events }

// Page implements exporter.Progress.
func (p exportEvents) Page(pages, rows int) { emit(p.ev, PageDone{Pages: pages, Rows: rows}) }

// emptyExport explains an export that found no client. With a filter (or
// date bounds) it reads the first page without it, one more request, to
// tell "the filter matches nothing" from "the CRM is empty".
func emptyExport(ctx context.Context, v crm.Vendor, q crm.ListQuery, s ExportSettings) *EmptyExport {
	out := &EmptyExport{}
	for _, k := range slices.Sorted(maps.Keys(q.Filters)) {
		out.Conditions = append(out.Conditions, k+"="+q.Filters[k])
	}
	if !s.Since.IsZero() {
		out.Conditions = append(out.Conditions, "created since "+s.Since.Format("2006-01-02"))
	}
	if !s.Until.IsZero() {
		out.Conditions = append(out.Conditions, "created until "+s.Until.Format("2006-01-02"))
	}
	if len(out.Conditions) == 0 {
		return out
	}
	page, err := v.List(ctx, crm.ListQuery{}, "")
	if err != nil {
		out.Unknown = true
		return out
	}
	out.Holds, out.More = len(page.Records), page.Next != ""
	return out
}

func paceText(v crm.Vendor) string {
	r := v.Capabilities().Rate
	if r <= 0 || r > 1e6 {
		return "full speed"
	}
	return fmt.Sprintf("%.0f requests/min", float64(r)*60)
}

func perHundred(v crm.Vendor) string {
	r := v.Capabilities().Rate
	if r <= 0 || r > 1e6 {
		return "a few seconds"
	}
	return (time.Duration(100/float64(r)) * time.Second).Round(time.Second).String()
}

// plainMessage returns the innermost vendor message of err without the
// chain of "what crmport was doing" prefixes, for usage errors.
func (e *Env) plainMessage(err error) string {
	var ce *crm.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return e.Title(ce.Vendor) + ": " + strings.TrimSuffix(ce.Message, ": "+crm.ErrUnsupported.Error())
	}
	return strings.TrimSuffix(err.Error(), ": "+crm.ErrUnsupported.Error())
}

// clientDataReader is implemented by vendors that read one client's full
// details (BaseLinker getCrmClientData: notes and extra fields).
type clientDataReader interface {
	ClientData(ctx context.Context, id string) (crm.Record, error)
}

// notesEnricher returns the exporter's Enrich step for client details: one
// details call per client, paced and retried by the wrapper v.
func notesEnricher(v, raw crm.Vendor) (func(context.Context, crm.Record) (crm.Record, error), error) {
	reader, ok := raw.(clientDataReader)
	if !ok {
		return nil, &NoClientDetailsError{Vendor: raw.Name()}
	}
	doer, ok := v.(retry.Doer)
	if !ok {
		return nil, fmt.Errorf("internal: the vendor is not wrapped for pacing")
	}
	idField := raw.Capabilities().IDField
	return func(ctx context.Context, rec crm.Record) (crm.Record, error) {
		id := fmt.Sprint(rec[idField])
		var full crm.Record
		err := doer.Do(ctx, "client details", func(ctx context.Context) error {
			var err error
			full, err = reader.ClientData(ctx, id)
			return err
		})
		if err != nil {
			return nil, err
		}
		merged := rec.Clone()
		for k, val := range full {
			merged[k] = val
		}
		return merged, nil
	}, nil
}

// NoClientDetailsError: client details (notes) were asked of a vendor whose
// client list already holds every field.
type NoClientDetailsError struct{ Vendor string }

func (e *NoClientDetailsError) Error() string {
	return fmt.Sprintf("%s has no separate client details to read: its client list holds every field already", e.Vendor)
}
