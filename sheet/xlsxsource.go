package sheet

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on what a workbook may cost to read. A real workbook stays far
// below each of them; a hostile or broken one is refused with a message
// instead of filling memory or running for hours.
const (
	maxSheetRows     = excelize.TotalRows // Excel's last row, 1,048,576
	maxSheetCols     = excelize.MaxColumns
	maxCellBytes     = maxCellChars * 4 // Excel's 32,767 characters in UTF-8 at worst
	maxRowBytes      = 16 << 20         // the values of one row
	maxPartBytes     = 64 << 20         // workbook, relationships, styles: unpacked
	maxSSTStrings    = 16 << 20         // entries of the shared string table
	maxSSTBytes      = 512 << 20        // their text together
	maxPackedRatio   = 100              // unpacked/packed size of a sheet above bombFloor
	bombFloor        = 256 << 20        // sheets unpacking to less are never refused for their ratio
	maxSheetUnpacked = 16 << 30         // any sheet
)

// maxSheetCells caps the cells a sheet's rows with values may cost: header
// width × rows (1M rows × 256 columns). Blank rows share their cells and
// do not count.
const maxSheetCells = 256 << 20

// errPasswordProtected is returned for workbooks saved with a password to
// open: Excel then writes an encrypted OLE2 container (or encrypted zip
// entries), not a readable zip.
var errPasswordProtected = errors.New("the workbook is password-protected: open it in Excel, save a copy without a password (File > Info > Protect Workbook > Encrypt with Password, clear the password) and use that copy")

// OpenXLSX opens an XLSX (or XLSM) workbook and reads one sheet, streaming:
// opt.Sheet by name, or by default the sheet Excel opens on (the
// workbook's active tab) when it holds data, else the first visible sheet
// with data; Info names the sheet read and the other visible sheets with
// data (Info.Sheet, Info.OtherSheets).
//
// The header is row opt.HeaderRow or found automatically among the first
// 20 rows with values (blank or merely formatted rows do not count): the
// row that holds the most of opt.ExpectedHeaders (the mapping's column
// names) when at least two, or all of them, are found; otherwise the first
// row with at least two values, at least 60% of a typical row's values and
// a row with values below it, that reads as a header: mostly text, or
// distinct whole numbers such as years (2005, 2006, …). Rows with values
// above the header are not data: they are listed in Info.TitleRows, so
// nothing is skipped unseen.
//
// Date cells (by their number format, 1900 and 1904 date systems) come
// back as KindDate; time-of-day cells (a format with hours, minutes or
// seconds and no date) as KindTime, "09:00" or "15:30:17" as Excel shows
// them, and durations ([h]:mm) as KindTime "27:30"; numbers as KindNumber
// without float noise; text exactly as stored (shared and inline strings).
// Rows missing from the file and rows with no value are returned with
// Blank set; Row.Line is the sheet's own row number.
//
// Part names are matched as OPC requires, ignoring case, and "\" in zip
// entry names is read as "/" (as Excel does). A zip holding the same part
// twice is refused, as are password-protected workbooks and files beyond
// the limits above (with a message saying which).
//
// The sheet's XML is read token by token straight from the zip entry
// (rather than through excelize's Rows, which hides cell types and styles);
// excelize supplies the date arithmetic.
func OpenXLSX(path string, opt Options) (Source, error) {
	return openXLSX(context.Background(), path, opt)
}

func openXLSX(ctx context.Context, p string, opt Options) (Source, error) {
	zr, err := zip.OpenReader(p)
	var pe *fs.PathError
	if err != nil && errors.As(err, &pe) {
		if st, serr := os.Stat(p); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("%s is a folder, not a file: give the name of the file inside it", p)
		}
		return nil, openFailed(p, err)
	}
	if err != nil {
		if encryptedOLE(p) {
			return nil, fmt.Errorf("%s: %w", filepath.Base(p), errPasswordProtected)
		}
		return nil, fmt.Errorf("open %s: %w (is it really an .xlsx file? save it from Excel as \"Excel Workbook (*.xlsx)\")", filepath.Base(p), err)
	}
	s, err := newXLSXSource(ctx, &zr.Reader, zr, opt)
	if err != nil {
		_ = zr.Close()
		return nil, fmt.Errorf("%s: %w", filepath.Base(p), err)
	}
	return s, nil
}

// oleMagic starts every OLE2 compound file (old .xls, and the container
// Excel writes for a password-protected .xlsx).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptedOLE reports whether the file at p is an OLE2 compound file
// holding an "EncryptedPackage" stream: an .xlsx saved with a password.
func encryptedOLE(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	return isEncryptedOLE(f)
}

// isEncryptedOLE reports whether r holds an OLE2 compound file whose
// directory names an "EncryptedPackage" stream (names are UTF-16LE). The
// directory may lie anywhere, so the file is scanned, in blocks, up to
// 64 MiB.
func isEncryptedOLE(r io.Reader) bool {
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil || !bytes.Equal(magic[:], oleMagic) {
		return false
	}
	name := utf16LE("EncryptedPackage")
	buf := make([]byte, 64<<10)
	keep := 0
	for read := 0; read < 64<<20; {
		n, err := r.Read(buf[keep:])
		read += n
		if bytes.Contains(buf[:keep+n], name) {
			return true
		}
		if err != nil {
			return false
		}
		keep = copy(buf, buf[max(0, keep+n-len(name)):keep+n])
	}
	return false
}

func utf16LE(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

type xlsxSource struct {
	ctx    context.Context
	closer io.Closer
	header []string
	width  int
	info   Info

	rr        *rowReader
	pending   []rawRow // rows read ahead (header detection)
	aheadErr  error    // the error that ended reading ahead, returned after pending
	line      int      // Line of the last row returned
	gapTo     int      // blank rows to report up to this row number
	slabs     cellSlabs
	blank     []Cell // the cells of every blank row (never written to)
	cellsRead int    // cells returned in rows with values
	cellCap   int    // most cellsRead may reach: maxSheetCells (lower in tests)
	sinceCtx  int
}

func newXLSXSource(ctx context.Context, z *zip.Reader, closer io.Closer, opt Options) (*xlsxSource, error) {
	files, err := newParts(z)
	if err != nil {
		return nil, err
	}
	if files.get("EncryptionInfo") != nil || files.get("EncryptedPackage") != nil {
		return nil, errPasswordProtected
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(files, "_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = r.Target
			}
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Views []struct {
			ActiveTab string `xml:"activeTab,attr"`
		} `xml:"bookViews>workbookView"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"` // r:id, transitional or strict namespace
		} `xml:"sheets>sheet"`
	}
	if err := readXMLPart(files, wbPath, &wb); err != nil {
		if errors.Is(err, errPasswordProtected) {
			return nil, err
		}
		return nil, fmt.Errorf("not a readable xlsx workbook: %w", err)
	}
	rels, err := readRels(files, path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels"), path.Dir(wbPath))
	if err != nil {
		return nil, fmt.Errorf("not a readable xlsx workbook: %w", err)
	}
	relByID := map[string]string{}
	var sstPath, stylesPath string
	for _, r := range rels {
		relByID[r.ID] = r.Target
		switch {
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			sstPath = r.Target
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPath = r.Target
		}
	}
	var sheets []xlsxSheetRef
	for _, sh := range wb.Sheets {
		sheets = append(sheets, xlsxSheetRef{name: sh.Name, part: relByID[sh.RID], hidden: sh.State == "hidden" || sh.State == "veryHidden"})
	}
	if len(sheets) == 0 {
		return nil, errors.New("the workbook has no sheets")
	}
	active := 0
	if len(wb.Views) > 0 {
		if n, err := strconv.Atoi(wb.Views[0].ActiveTab); err == nil {
			active = n
		}
	}
	date1904 := wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	formats, err := readNumFormats(files, stylesPath)
	if err != nil {
		return nil, err
	}
	sst, err := readSharedStrings(files, sstPath)
	if err != nil {
		return nil, err
	}
	chosen, others, err := chooseSheet(files, sheets, opt.Sheet, active, sst)
	if err != nil {
		return nil, err
	}
	zf := files.get(chosen.part)
	if zf == nil {
		return nil, fmt.Errorf("sheet %q: its data (%s) is missing from the file", chosen.name, chosen.part)
	}
	sheetRC, err := files.openSheet(zf, chosen.name)
	if err != nil {
		return nil, err
	}
	rc := newByteAhead(sheetRC) // inflated on a goroutine of its own
	s := &xlsxSource{
		ctx:     ctx,
		closer:  multiCloser{rc, closer},
		info:    Info{Format: "xlsx", Sheet: chosen.name, OtherSheets: others},
		rr:      &rowReader{dec: newXMLScanner(rc), sst: sst, formats: formats, date1904: date1904},
		cellCap: maxSheetCells,
	}
	if err := s.findHeader(opt.HeaderRow, opt.ExpectedHeaders); err != nil {
		_ = rc.Close()
		return nil, fmt.Errorf("sheet %q: %w", chosen.name, err)
	}
	return s, nil
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Header returns the header row's cells (trailing empty columns dropped).
func (s *xlsxSource) Header() []string { return s.header }

// Info says which sheet and header row are being read.
func (s *xlsxSource) Info() Info { return s.info }

// Next returns the next row, io.EOF after the last one. Rows missing from
// the sheet between data rows come back as blank rows.
func (s *xlsxSource) Next() (Row, error) {
	if s.gapTo > s.line+1 {
		s.line++
		return Row{Line: s.line, Cells: s.blankCells(), Blank: true}, nil
	}
	var raw rawRow
	if len(s.pending) > 0 {
		raw = s.pending[0]
		s.pending = s.pending[1:]
	} else if err := s.aheadErr; err != nil {
		s.aheadErr = nil
		return Row{}, err
	} else {
		if s.sinceCtx++; s.sinceCtx >= 1024 {
			s.sinceCtx = 0
			if err := s.ctx.Err(); err != nil {
				return Row{}, err
			}
		}
		var err error
		if raw, err = s.rr.next(); err != nil {
			return Row{}, err
		}
	}
	if raw.num <= s.line { // rows out of order: keep numbering monotonic
		raw.num = s.line + 1
	}
	if raw.num > s.line+1 {
		s.pending = append([]rawRow{raw}, s.pending...)
		s.gapTo = raw.num
		s.line++
		return Row{Line: s.line, Cells: s.blankCells(), Blank: true}, nil
	}
	if raw.num > maxSheetRows {
		return Row{}, fmt.Errorf("the sheet has more rows than Excel's %d: the file is damaged", maxSheetRows)
	}
	s.line = raw.num
	if raw.blank() {
		return Row{Line: raw.num, Cells: s.blankCells(), Blank: true}, nil
	}
	if s.cellsRead += s.width; s.cellsRead > s.cellCap {
		return Row{}, fmt.Errorf("row %d: the sheet holds more than %d million cells (%d columns wide), more than crmport reads: save the columns you need as CSV (UTF-8) and import that", raw.num, s.cellCap>>20, s.width)
	}
	row := Row{Line: raw.num, Cells: s.cells()}
	n := copy(row.Cells, raw.cells)
	if len(raw.cells) > n {
		extra := raw.cells[n:]
		for len(extra) > 0 && extra[len(extra)-1].Kind == KindEmpty {
			extra = extra[:len(extra)-1]
		}
		if len(extra) > 0 {
			row.Extra = extra
		}
	}
	if raw.err != nil {
		return Row{}, &RowError{Line: row.Line, Err: raw.err, Cells: append(row.Cells, row.Extra...)}
	}
	return row, nil
}

// blankCells returns the cells of a blank row: one slice of empty cells
// shared by every blank row, so that a few bytes naming row 1,048,576
// below a wide header do not cost a million rows of cells.
func (s *xlsxSource) blankCells() []Cell {
	if s.width == 0 {
		return nil
	}
	if s.blank == nil {
		s.blank = make([]Cell, s.width)
	}
	return s.blank[:s.width:s.width]
}

// cells returns width empty cells for row s.line (see csvSource.cells).
func (s *xlsxSource) cells() []Cell { return s.slabs.take(s.width, s.line) }

// Close releases the file.
func (s *xlsxSource) Close() error { return s.closer.Close() }
