package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FormatOf returns "csv" or "xlsx" for a file name (opt.Format wins when
// set), or an error naming the extensions crmport understands.
func FormatOf(path string, opt Options) (string, error) {
	if opt.Format != "" {
		switch f := strings.ToLower(opt.Format); f {
		case "csv", "xlsx":
			return f, nil
		}
		return "", fmt.Errorf("unknown format %q: use csv or xlsx", opt.Format)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt", ".tsv":
		return "csv", nil
	case ".xlsx", ".xlsm":
		return "xlsx", nil
	case ".xls":
		return "", fmt.Errorf("%s: %w", filepath.Base(path), errXLS)
	}
	return "", fmt.Errorf("%s: unknown file type %q: use a .csv, .txt, .tsv, .xlsx or .xlsm file", filepath.Base(path), filepath.Ext(path))
}

// Open opens a CSV or XLSX file for reading. The format is decided by the
// file's content, not its name: a zip archive is read as XLSX and text as
// CSV (tab-delimited unless told otherwise when named .tsv), whatever the
// extension; an Excel 97-2003 file, a PDF, an image or other binary data
// is refused with a message saying what it is. The returned Source stops
// with ctx.Err() once ctx is cancelled. See NewCSVSource and OpenXLSX for
// what each format does.
func Open(ctx context.Context, path string, opt Options) (Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, openFailed(path, err)
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		_ = f.Close()
		return nil, fmt.Errorf("%s is a folder, not a file: give the name of the file inside it", path)
	}
	regular := err == nil && st.Mode().IsRegular()
	ahead := func(src Source) Source {
		if regular {
			return readAhead(src)
		}
		return src
	}
	head := make([]byte, 1024)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		_ = f.Close()
		return nil, openFailed(path, err)
	}
	kind := contentKind(head[:n])
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case kind == contentOLE2 && encryptedOLE(path):
		// A password-protected workbook, whatever its name (Excel writes an
		// encrypted OLE2 container, which looks like an old .xls).
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), errPasswordProtected)
	case kind == contentZip, kind == contentOLE2 && (ext == ".xlsx" || ext == ".xlsm"):
		// A workbook, whatever its name; an OLE2 file named .xlsx is a
		// password-protected workbook, which the XLSX reader explains.
		_ = f.Close()
		src, err := openXLSX(ctx, path, opt)
		if err != nil {
			return nil, err
		}
		return ahead(trimTrailingBlanks(src)), nil
	case kind != "":
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), notATableError(kind))
	}
	var r io.Reader = f
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		r = io.MultiReader(bytes.NewReader(head[:n]), f) // a pipe: put back what was read
	}
	if opt.Delimiter == 0 && ext == ".tsv" {
		opt.Delimiter = '\t'
	}
	src, err := newCSVSource(ctx, r, f, opt)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return ahead(trimTrailingBlanks(src)), nil
}

// Create creates (or truncates) a CSV or XLSX file for writing, choosing
// the format by its extension unless opt.Format is set (.tsv files get tab
// delimiters unless opt.Delimiter says otherwise). Closing the Sink closes
// the file.
func Create(path string, opt Options) (Sink, error) {
	format, err := FormatOf(path, opt)
	if err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, createFailed(path, err)
	}
	if format == "xlsx" {
		return &closingSink{Sink: NewXLSXSink(f, opt), f: f}, nil
	}
	if opt.Delimiter == 0 && strings.EqualFold(filepath.Ext(path), ".tsv") {
		opt.Delimiter = '\t'
	}
	return &closingSink{Sink: NewCSVSink(f, opt), f: f}, nil
}

// closingSink closes the file under a sink.
type closingSink struct {
	Sink
	f io.Closer
}

// Close closes the sink, then the file.
func (c *closingSink) Close() error {
	err := c.Sink.Close()
	if cerr := c.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close output: %w", cerr)
	}
	return err
}

// fileError is an error about a file, worded for the user, that keeps the
// operating system's error in its chain (errors.Is(err, fs.ErrNotExist)
// works) without repeating the path the way *fs.PathError prints it.
type fileError struct {
	msg string
	err error
}

func (e *fileError) Error() string { return e.msg }
func (e *fileError) Unwrap() error { return e.err }

// openFailed explains why path could not be opened for reading.
func openFailed(path string, err error) error {
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = "file not found (check the name and the folder)"
	case errors.Is(err, fs.ErrPermission):
		msg = "cannot open (is it open in another program? if not, check that you may read it)"
	default:
		msg = "cannot open: " + osReason(err)
	}
	return &fileError{msg: path + ": " + msg, err: err}
}

// createFailed explains why path could not be created for writing.
func createFailed(path string, err error) error {
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = "cannot create the file: the folder does not exist (check the folder name)"
	case errors.Is(err, fs.ErrPermission):
		msg = "cannot write the file (is it open in another program, e.g. Excel? close it and try again, or choose another folder)"
	default:
		msg = "cannot write the file (is it open in another program, e.g. Excel?): " + osReason(err)
	}
	return &fileError{msg: path + ": " + msg, err: err}
}

// osReason is the operating system's reason without the operation and path
// that *fs.PathError adds.
func osReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// trimTrailingBlanks wraps src so that blank rows at the very end of the
// file are not returned: Excel keeps formatted but empty rows below a
// table, and CSV files often end with empty lines, and nobody counts those
// as rows of their data. Blank rows between data rows are returned as
// before (the importer reports them as skipped).
func trimTrailingBlanks(src Source) Source { return &blankTrimmer{Source: src} }

type blankTrimmer struct {
	Source
	blanks  []int // line numbers of blank rows held back
	held    *Row  // the row after them, with its error
	heldErr error
	empty   []Cell // the cells of every blank row given back (read-only)
}

// Next returns the next row, holding blank rows back until a row with data
// (or an error) follows them; blank rows followed only by the end of the
// file are dropped.
func (t *blankTrimmer) Next() (Row, error) {
	if len(t.blanks) > 0 {
		line := t.blanks[0]
		t.blanks = t.blanks[1:]
		if t.empty == nil {
			t.empty = make([]Cell, len(t.Header()))
		}
		return Row{Line: line, Cells: t.empty, Blank: true}, nil
	}
	if t.held != nil {
		r, err := *t.held, t.heldErr
		t.held, t.heldErr = nil, nil
		return r, err
	}
	r, err := t.Source.Next()
	if err != nil || !r.Blank {
		return r, err
	}
	run := []int{r.Line}
	for {
		n, err := t.Source.Next()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		if err == nil && n.Blank {
			run = append(run, n.Line)
			continue
		}
		t.held, t.heldErr = &n, err
		t.blanks = run[1:]
		return r, nil
	}
}
