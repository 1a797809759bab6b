package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/internal/runlock"
	"github.com/crmport/crmport/sheet"
)

// reportPrefix is DIR/NAME.EXT.VENDOR: the file's whole name, extension
// included, so that kontakty.csv and kontakty.xlsx in one folder never
// share a journal or reports.
func reportPrefix(input, reportDir, vendor string) string {
	dir := reportDir
	if dir == "" {
		dir = filepath.Dir(input)
	}
	return filepath.Join(dir, filepath.Base(input)+"."+vendor)
}

// LockPath is the lock file of the import of input into vendor, beside its
// journal (kontakty.csv.thulium.lock).
func LockPath(input, reportDir, vendor string) string {
	return reportPrefix(input, reportDir, vendor) + ".lock"
}

// Lock takes the lock of the import of input into vendor without waiting:
// one run at a time owns its journal and reports. doing describes the run
// for the message a second run shows ("importing kontakty.csv into
// Thulium"). Held elsewhere, the error is a *runlock.BusyError.
func Lock(input, reportDir, vendor, doing string, now time.Time) (*runlock.Lock, error) {
	return runlock.Acquire(LockPath(input, reportDir, vendor), doing, now)
}

// oldJournalPath is where crmport 1.0 kept the journal: the input's name
// without its extension (kontakty.thulium.journal).
func oldJournalPath(input, reportDir, vendor string) string {
	dir := reportDir
	if dir == "" {
		dir = filepath.Dir(input)
	}
	base := filepath.Base(input)
	return filepath.Join(dir, strings.TrimSuffix(base, filepath.Ext(base))+"."+vendor+".journal")
}

// adoptOldJournal renames a journal of the old naming scheme to path when
// it was written for this very input (same contents), so that an import
// begun by an earlier crmport resumes. A journal of another input (the old
// name was shared by kontakty.csv and kontakty.xlsx) is left alone.
func (r *run) adoptOldJournal(path string, want journalHeader) error {
	old := oldJournalPath(r.opt.Input, r.opt.ReportDir, r.vendor)
	if old == path {
		return nil
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	rows, last, err := readJournalLines(old, want)
	if err != nil || rows == nil || changeSince(last, want).input {
		return nil
	}
	if err := os.Rename(old, path); err != nil {
		return fmt.Errorf("cannot rename the journal %s of this import to %s: %w", old, path, err)
	}
	return nil
}

// otherInput reports whether a journal whose input changed belongs to
// another file: it imported rows, and not one of them is in this file
// (reading the file once more, and stopping at the first row found).
func (r *run) otherInput(ctx context.Context, rows map[int]prior) (bool, error) {
	imported := map[string]bool{}
	for _, p := range rows {
		if p.done() && p.hash != "" {
			imported[p.hash] = true
		}
	}
	if len(imported) == 0 {
		return false, nil // nothing imported, or a journal without row hashes: cannot tell
	}
	src, err := r.opt.Open(ctx)
	if err != nil {
		return false, err
	}
	defer src.Close()
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if sheet.EndsRows(err) {
			return false, fmt.Errorf("cannot read %s: %w", filepath.Base(r.opt.Input), err)
		}
		if err == nil && imported[rowHash(row.Cells, r.keep)] {
			return false, nil
		}
	}
}

// numbered inserts .n before the extension: kontakty.csv.thulium.done.csv
// → kontakty.csv.thulium.done.1.csv (Excel still opens it),
// kontakty.csv.thulium.journal → kontakty.csv.thulium.1.journal.
func numbered(path string, n int) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "." + strconv.Itoa(n) + ext
}

// movedFile is a file of an earlier run moved aside by a restart.
type movedFile struct{ from, to string }

// earlierFiles are the journal and reports an earlier run of this import
// left (either report format: a file's format is told by its contents).
func (r *run) earlierFiles() []string {
	files := []string{r.reports.Journal}
	for _, ext := range []string{"csv", "xlsx"} {
		files = append(files, r.errPath+"."+ext, r.donePath+"."+ext)
	}
	return files
}

// setAside moves the journal and reports of an earlier run to numbered
// names, one number for the set (the first free one), so that no restart
// ever loses them. It runs just before a restarted run writes its first
// journal line, that is before it sends its first row; rollBack undoes
// it when nothing reached the CRM.
func (r *run) setAside() error {
	if r.replaceEarlier {
		return nil
	}
	files := r.earlierFiles()
	var present []string
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			present = append(present, f)
		}
	}
	if len(present) == 0 {
		return nil
	}
	n := 1
	for ; ; n++ {
		free := true
		for _, f := range files {
			if _, err := os.Lstat(numbered(f, n)); !errors.Is(err, fs.ErrNotExist) {
				free = false
				break
			}
		}
		if free {
			break
		}
	}
	for _, f := range present {
		to := numbered(f, n)
		if err := os.Rename(f, to); err != nil {
			return fmt.Errorf("cannot move the earlier run's %s aside to %s (is it open in Excel? close it and run again): %w", f, filepath.Base(to), err)
		}
		r.movedAside = append(r.movedAside, movedFile{from: f, to: to})
	}
	return nil
}

// rollBack puts the files setAside moved back in place, after a restarted
// run that sent nothing the CRM could have kept (every create or update
// was refused, e.g. a wrong password). Its own journal is removed first.
func (r *run) rollBack() error {
	if len(r.movedAside) == 0 {
		return nil
	}
	if err := os.Remove(r.reports.Journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot put the earlier run's journal back: %w", err)
	}
	var errs []error
	for _, m := range r.movedAside {
		if err := os.Rename(m.to, m.from); err != nil {
			errs = append(errs, fmt.Errorf("cannot put %s back (it is kept as %s): %w", m.from, m.to, err))
		}
	}
	r.movedAside = nil
	return errors.Join(errs...)
}
