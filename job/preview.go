package job

import (
	"context"

	"github.com/crmport/crmport/sheet"
)

// PreviewSettings choose how a file is read for a preview; the zero
// values detect everything.
type PreviewSettings struct {
	File      string
	Sheet     string
	Encoding  string
	Delimiter rune
	HeaderRow int
}

// PreviewRow is one row as crmport reads it.
type PreviewRow struct {
	Line  int    // the row's line in the file
	Cells []Cell // one per header column
	Blank bool
	Extra []Cell // cells past the last header column
	Err   error  // what is wrong with the row, if anything (it is still shown)
}

// Preview reads a file row by row as an import would, without a mapping.
type Preview struct {
	src sheet.Source
}

// OpenPreview opens s.File for a preview.
func (e *Env) OpenPreview(ctx context.Context, s PreviewSettings) (*Preview, error) {
	src, err := sheet.Open(ctx, s.File, sheet.Options{Sheet: s.Sheet, Encoding: s.Encoding, Delimiter: s.Delimiter, HeaderRow: s.HeaderRow})
	if err != nil {
		return nil, err
	}
	return &Preview{src: src}, nil
}

// Info says how the file is read.
func (p *Preview) Info() SheetInfo { return p.src.Info() }

// Header is the header row's cells.
func (p *Preview) Header() []string { return p.src.Header() }

// Next returns the next data row, or io.EOF. A row with a problem is
// returned with Err set; any other error ends the reading.
func (p *Preview) Next() (PreviewRow, error) {
	row, err := p.src.Next()
	if err != nil {
		rowErr, isRow := sheet.AsRowError(err)
		if !isRow {
			return PreviewRow{}, err
		}
		return PreviewRow{Line: rowErr.Line, Cells: rowErr.Cells, Err: rowErr.Err}, nil
	}
	return PreviewRow{Line: row.Line, Cells: row.Cells, Blank: row.Blank, Extra: row.Extra}, nil
}

// Close releases the file.
func (p *Preview) Close() error { return p.src.Close() }
