package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/crmport/crmport/sheet"
)

// Report column names.
const (
	ColRow    = "crmport_row"
	ColError  = "crmport_error"
	ColStatus = "crmport_status"
	ColID     = "crmport_id"
)

// reportExt is the extension of the reports: Options.ReportFormat, else
// the input's format.
func (r *run) reportExt() string {
	if r.opt.ReportFormat != "" {
		return r.opt.ReportFormat
	}
	if r.srcInfo.Format == "xlsx" {
		return "xlsx"
	}
	return "csv"
}

// sinkOptions writes reports in reportExt's format: XLSX with the sheet
// name the input's mapping reads (reportSheet); CSV in UTF-8 with a BOM
// (Excel) and the input's delimiter, values exactly as read (no formula
// neutralisation, so that importing the error report again sends the
// same text).
func (r *run) sinkOptions() sheet.Options {
	if r.reportExt() == "xlsx" {
		return sheet.Options{Format: "xlsx", Sheet: r.reportSheet()}
	}
	d := r.srcInfo.Delimiter
	if d == 0 {
		d = ','
	}
	return sheet.Options{Format: "csv", Delimiter: d, BOM: true, Raw: true}
}

// reportSheet is the sheet name of XLSX reports: the sheet read from an
// XLSX input; for a CSV input the mapping's (Options.ReportSheet), else
// the input's name without its extension, as Excel names the sheet of a
// CSV file it opens. A mapping that names a sheet therefore reads the
// reports too, and one that names none reads their only sheet.
func (r *run) reportSheet() string {
	if r.srcInfo.Format == "xlsx" && r.srcInfo.Sheet != "" {
		return r.srcInfo.Sheet
	}
	if r.opt.ReportSheet != "" {
		return r.opt.ReportSheet
	}
	base := filepath.Base(r.opt.Input)
	return sheet.CleanSheetName(strings.TrimSuffix(base, filepath.Ext(base)))
}

// partPath is where a report is written before it replaces the old one.
func partPath(final string) string {
	ext := filepath.Ext(final)
	return strings.TrimSuffix(final, ext) + ".part" + ext
}

func (r *run) originalColumns() []sheet.Column {
	cols := make([]sheet.Column, 0, len(r.keep)+3)
	for _, i := range r.keep {
		cols = append(cols, sheet.Column{Name: r.header[i], Kind: sheet.ColumnAuto})
	}
	return cols
}

func (r *run) originals(dst []any, cells []sheet.Cell) []any {
	for _, i := range r.keep {
		if i < len(cells) {
			dst = append(dst, cells[i])
		} else {
			dst = append(dst, nil)
		}
	}
	return dst
}

func (r *run) openSink(final string, cols []sheet.Column) (sheet.Sink, string, error) {
	return createReport(r.opt.CreateSink, final, r.sinkOptions(), cols)
}

// createReport starts the report final at its part path (partPath) with
// its header; it is renamed into place when complete.
func createReport(create func(string, sheet.Options) (sheet.Sink, error), final string, so sheet.Options, cols []sheet.Column) (sheet.Sink, string, error) {
	tmp := partPath(final)
	s, err := create(tmp, so)
	if err != nil {
		return nil, "", fmt.Errorf("cannot write the report %s: %w", final, err)
	}
	if err := s.WriteHeader(cols); err != nil {
		s.Close()
		os.Remove(tmp)
		return nil, "", fmt.Errorf("cannot write the report %s: %w", final, err)
	}
	return s, tmp, nil
}

func (r *run) writeError(it *item) {
	if r.sinkErr != nil || r.opt.CreateSink == nil {
		return
	}
	if r.errSink == nil {
		r.reports.Errors = r.errPath + "." + r.reportExt()
		cols := append(r.originalColumns(), sheet.Column{Name: ColRow, Kind: sheet.ColumnNumber}, sheet.Column{Name: ColError, Kind: sheet.ColumnText})
		r.errSink, r.errTmp, r.sinkErr = r.openSink(r.reports.Errors, cols)
		if r.sinkErr != nil {
			return
		}
	}
	vals := r.originals(make([]any, 0, len(r.keep)+2), it.cells)
	if len(it.marks) > 0 && r.reportExt() == "xlsx" {
		r.markCells(vals, it.marks)
	}
	vals = append(vals, it.line, it.errText)
	// Cells past the last header go after the report's own columns, so
	// that no cell is lost: fixed in the report (a header added, or the
	// cells removed), the row imports from it.
	for _, c := range it.extra {
		vals = append(vals, c)
	}
	if err := r.errSink.WriteRow(vals); err != nil {
		r.sinkErr = fmt.Errorf("cannot write the report %s: %w", r.reports.Errors, err)
	}
}

// FieldColumner is an optional interface of a Binder (*mapping.Binding
// has it): the places in the header of the columns a field is read from.
// With it the error workbook also marks the cells of a field the CRM
// refused, and of a key repeated in the file.
type FieldColumner interface {
	FieldColumns(field string) []int
}

// fieldMarks marks the source cells of field with note (none when the
// binder cannot say which columns feed it).
func (r *run) fieldMarks(field, note string) []cellMark {
	if r.fieldCols == nil {
		return nil
	}
	cols := r.fieldCols(field)
	marks := make([]cellMark, 0, len(cols))
	for _, c := range cols {
		marks = append(marks, cellMark{col: c, note: note})
	}
	return marks
}

// markCells turns the failing cells of an error report row (vals, the
// row's original cells in r.keep order) into sheet.Marked values: the
// marked error workbook (ErrorReport). Two problems of one cell share its
// comment.
func (r *run) markCells(vals []any, marks []cellMark) {
	if r.keepAt == nil {
		r.keepAt = make(map[int]int, len(r.keep))
		for pos, i := range r.keep {
			r.keepAt[i] = pos
		}
	}
	for _, m := range marks {
		pos, ok := r.keepAt[m.col]
		if !ok || pos >= len(vals) {
			continue // a crmport_* column: not in the report
		}
		if prev, ok := vals[pos].(sheet.Marked); ok {
			if !strings.Contains(prev.Note, m.note) {
				prev.Note += "; " + m.note
			}
			vals[pos] = prev
			continue
		}
		vals[pos] = sheet.Marked{Value: vals[pos], Note: m.note}
	}
}

func (r *run) writeDone(it *item) {
	if r.sinkErr != nil {
		return
	}
	if r.doneSink == nil {
		r.reports.Done = r.donePath + "." + r.reportExt()
		cols := []sheet.Column{{Name: ColRow, Kind: sheet.ColumnNumber}, {Name: ColStatus, Kind: sheet.ColumnText}, {Name: ColID, Kind: sheet.ColumnText}}
		if r.merging() {
			cols = append(cols, sheet.Column{Name: ColNote, Kind: sheet.ColumnText})
		}
		cols = append(cols, r.originalColumns()...)
		r.doneSink, r.doneTmp, r.sinkErr = r.openSink(r.reports.Done, cols)
		if r.sinkErr != nil {
			return
		}
	}
	vals := make([]any, 0, len(r.keep)+3)
	vals = append(vals, it.line, string(it.res.Status), it.res.ID)
	if r.merging() {
		vals = append(vals, it.note)
	}
	vals = r.originals(vals, it.cells)
	if err := r.doneSink.WriteRow(vals); err != nil {
		r.sinkErr = fmt.Errorf("cannot write the report %s: %w", r.reports.Done, err)
	}
}

// closeReports finishes both reports and moves them into place. A report
// with no rows is not written; after a complete run, a stale one from an
// earlier run of the same import (in either format) is removed (the reports always describe
// the whole file, and the journal holds what they said). A run that
// stopped early removes nothing.
func (r *run) closeReports(complete bool) error {
	err := r.sinkErr
	finalize := func(s sheet.Sink, tmp, final string) {
		if s == nil {
			return
		}
		if cerr := s.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("cannot write the report %s: %w", final, cerr)
		}
		if err != nil {
			os.Remove(tmp)
			return
		}
		if rerr := os.Rename(tmp, final); rerr != nil {
			err = fmt.Errorf("cannot write the report %s (is it open in Excel? close it and run again): %w", final, rerr)
		}
	}
	finalize(r.errSink, r.errTmp, r.reports.Errors)
	finalize(r.doneSink, r.doneTmp, r.reports.Done)
	if !complete {
		return err
	}
	// Reports of the other format (an earlier run with another
	// --report-format) describe this import too, but no longer: removed.
	ext := r.reportExt()
	for _, e := range []string{"csv", "xlsx"} {
		if r.errSink == nil || e != ext {
			os.Remove(r.errPath + "." + e)
		}
		if (r.doneSink == nil || e != ext) && !r.opt.DryRun {
			os.Remove(r.donePath + "." + e)
		}
	}
	return err
}

// discardReports drops the reports being written (a restart that is
// undone leaves the earlier run's reports as they were).
func (r *run) discardReports() {
	for _, s := range []struct {
		sink sheet.Sink
		tmp  string
	}{{r.errSink, r.errTmp}, {r.doneSink, r.doneTmp}} {
		if s.sink != nil {
			_ = s.sink.Close()
			os.Remove(s.tmp)
		}
	}
	r.errSink, r.doneSink = nil, nil
	r.reports.Errors, r.reports.Done = "", ""
}

// countRows estimates the number of data rows for the progress bar: the
// newlines of a CSV file minus the header (a multi-line cell makes it a
// little high); -1 for other formats.
func countRows(path string, info sheet.Info) int64 {
	if info.Format != "csv" {
		return -1
	}
	f, err := os.Open(path)
	if err != nil {
		return -1
	}
	defer f.Close()
	var n, last int64
	buf := make([]byte, 256*1024)
	br := bufio.NewReaderSize(f, 0)
	var lastByte byte = '\n'
	for {
		k, err := br.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			lastByte = buf[k-1]
			last += int64(k)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return -1
		}
	}
	if last > 0 && lastByte != '\n' {
		n++
	}
	hl := int64(info.HeaderLine)
	if hl < 1 {
		hl = 1
	}
	n -= hl
	if n < 0 {
		return 0
	}
	return n
}
