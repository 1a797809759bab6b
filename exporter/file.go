package exporter

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/crmport/crmport/sheet"
)

// File is an export being written to a file: rows go to a temporary file
// beside it (".klienci.xlsx.123456.partial"), which Commit moves into place.
// A failed or interrupted export therefore never leaves a half-written
// file under the real name, and Discard removes the temporary one.
type File struct {
	sheet.Sink
	path, tmp string
	done      bool
}

// CreateFile starts an export to path in the format opt says (opt.Format
// must be set). Call it holding the output's lock (the export of one file
// runs once at a time): temporary files of earlier exports of the same
// path, left by a process that was killed (SIGKILL, a power cut), are
// removed first. The file is created with the mode of any file the user
// saves (0666 less the umask), not the private mode of a temporary file.
func CreateFile(path string, opt sheet.Options) (*File, error) {
	dir := filepath.Dir(path)
	if err := RemoveStalePartials(path); err != nil {
		return nil, err
	}
	fh, err := os.CreateTemp(dir, partialPattern(path))
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	tmp := fh.Name()
	_ = fh.Close()
	// CreateTemp makes the file private (0600): create it anew instead.
	_ = os.Remove(tmp)
	sink, err := sheet.Create(tmp, opt)
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	return &File{Sink: sink, path: path, tmp: tmp}, nil
}

// partialPattern is the os.CreateTemp pattern of path's temporary files:
// hidden, named after the output, ending in .partial.
func partialPattern(path string) string {
	return "." + filepath.Base(path) + ".*.partial"
}

// RemoveStalePartials removes the temporary files that exports of path
// left beside it (".NAME.<digits>.partial"); files of other names are
// never touched. The caller holds the output's lock, so none of them
// belongs to a running export.
func RemoveStalePartials(path string) error {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("cannot read the folder %s: %w", dir, err)
	}
	prefix := "." + filepath.Base(path) + "."
	for _, e := range entries {
		name := e.Name()
		mid, ok := strings.CutPrefix(name, prefix)
		if !ok || e.IsDir() {
			continue
		}
		mid, ok = strings.CutSuffix(mid, ".partial")
		if !ok || mid == "" || strings.Trim(mid, "0123456789") != "" {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot remove %s, left by an export that was stopped (is it open in another program?): %w", name, err)
		}
	}
	return nil
}

// Commit finishes the file and moves it to its path, replacing an older
// file there. On failure the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return errors.New("exporter: the file is already finished")
	}
	f.done = true
	if err := f.Sink.Close(); err != nil {
		_ = os.Remove(f.tmp)
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	if err := replaceFile(f.tmp, f.path); err != nil {
		_ = os.Remove(f.tmp)
		return err
	}
	return nil
}

// Discard drops the file being written (an export that failed or was
// interrupted): the temporary file is closed and removed, and a file
// already at the path is left as it was. Discard after Commit does
// nothing, so it can be deferred.
func (f *File) Discard() {
	if f.done {
		return
	}
	f.done = true
	_ = f.Sink.Close() // closed before the removal: Windows cannot remove an open file
	_ = os.Remove(f.tmp)
}

// replaceFile moves tmp to dst, replacing dst (Windows refuses a rename over
// an existing file, so remove it first there).
func replaceFile(tmp, dst string) error {
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(dst); statErr == nil {
			if rmErr := os.Remove(dst); rmErr != nil {
				return fmt.Errorf("replace %s (is it open in Excel?): %w", dst, rmErr)
			}
			if err = os.Rename(tmp, dst); err == nil {
				return nil
			}
		}
		return fmt.Errorf("save %s: %w", dst, err)
	}
	return nil
}

// SheetName is the name of an XLSX export's sheet: the sheet the mapping
// names (source: sheet:), so that the file imports back with that
// mapping; else "<CRM> clients" ("SalesMan clients"), which says what the
// sheet holds and where it came from, and keeps sheets apart when a user
// copies exports of two CRMs into one workbook.
func SheetName(vendorTitle, mappingSheet string) string {
	if mappingSheet != "" {
		return mappingSheet
	}
	return sheet.CleanSheetName(vendorTitle + " clients")
}
