package sheettest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// CheckDimension fails t unless every worksheet of the XLSX file at path
// declares a <dimension> that covers all of its cells (or declares none,
// which the format allows). Readers such as openpyxl in read-only mode —
// what pandas.read_excel uses — trust the element and read nothing
// outside it.
func CheckDimension(t testing.TB, path string) {
	t.Helper()
	if err := Dimension(path); err != nil {
		t.Error(err)
	}
}

// Dimension checks the file at path as CheckDimension does and returns
// what is wrong.
func Dimension(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") || !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		if err := checkSheetDimension(f); err != nil {
			return fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
	}
	return nil
}

func checkSheetDimension(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var (
		dim                string
		hasDim             bool
		dc1, dr1, dc2, dr2 int
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "dimension":
			hasDim = true
			for _, a := range se.Attr {
				if a.Name.Local == "ref" {
					dim = a.Value
				}
			}
			first, last, _ := strings.Cut(dim, ":")
			if last == "" {
				last = first
			}
			if dc1, dr1, err = excelize.CellNameToCoordinates(first); err != nil {
				return fmt.Errorf("dimension %q: %w", dim, err)
			}
			if dc2, dr2, err = excelize.CellNameToCoordinates(last); err != nil {
				return fmt.Errorf("dimension %q: %w", dim, err)
			}
		case "c":
			for _, a := range se.Attr {
				if a.Name.Local != "r" {
					continue
				}
				c, r, err := excelize.CellNameToCoordinates(a.Value)
				if err != nil {
					return fmt.Errorf("cell %q: %w", a.Value, err)
				}
				if hasDim && (c < dc1 || c > dc2 || r < dr1 || r > dr2) {
					return fmt.Errorf("cell %s lies outside the declared dimension %q", a.Value, dim)
				}
			}
		}
	}
	return nil
}
