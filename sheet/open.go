package sheet

import (
	"context"
	"fmt"
	"io"
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
		return "", fmt.Errorf("%s: old Excel 97-2003 files (.xls) are not supported: open it in Excel and save it as .xlsx or .csv", filepath.Base(path))
	}
	return "", fmt.Errorf("%s: unknown file type %q: use a .csv, .txt, .tsv, .xlsx or .xlsm file", filepath.Base(path), filepath.Ext(path))
}

// Open opens a CSV or XLSX file for reading, choosing the format by its
// extension (.csv, .txt, .tsv → CSV; .xlsx, .xlsm → XLSX) unless
// opt.Format is set. The returned Source stops with ctx.Err() once ctx is
// cancelled. See NewCSVSource and OpenXLSX for what each format does.
func Open(ctx context.Context, path string, opt Options) (Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	format, err := FormatOf(path, opt)
	if err != nil {
		return nil, err
	}
	if format == "xlsx" {
		return openXLSX(ctx, path, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opt.Delimiter == 0 && strings.EqualFold(filepath.Ext(path), ".tsv") {
		opt.Delimiter = '\t'
	}
	src, err := newCSVSource(ctx, f, f, opt)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return src, nil
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
		return nil, fmt.Errorf("create %s: %w", path, err)
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
