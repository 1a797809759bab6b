package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"weak"
)

// sharedStrings is a workbook's shared text table: its texts one after the
// other in one string, and where each ends. Two allocations the collector
// need not look into: held as a []string, the 2 million texts of a
// 100,000-row workbook saved by Excel were 2 million pointers marked at
// every collection (a quarter of a dry run's CPU) and twice the memory.
type sharedStrings struct {
	all  string
	ends []uint32 // ends[i]: where text i ends in all (maxSSTBytes < 4 GiB)
}

// count is the number of texts (0 for a nil table).
func (s *sharedStrings) count() int {
	if s == nil {
		return 0
	}
	return len(s.ends)
}

// text returns text i, 0 <= i < count().
func (s *sharedStrings) text(i int) string {
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.all[start:s.ends[i]]
}

// sstKey names a workbook's text table: the file (path, size, time of
// its last change) and the part's own CRC-32 and sizes from the zip's
// directory.
type sstKey struct {
	workbook     string
	part         string
	crc          uint32
	usize, csize uint64
}

// sstShared holds the text tables of the workbooks open now, without
// keeping them alive: an import opens its workbook twice (the rows, and
// the first rows again for the phones' region), and a workbook Excel saved
// keeps its texts in a table that took a fifth of a 100,000-row dry run
// to read, twice.
var sstShared = struct {
	sync.Mutex
	m map[sstKey]weak.Pointer[sharedStrings]
}{m: map[sstKey]weak.Pointer[sharedStrings]{}}

// sharedStringsOf is readSharedStrings, sharing the table with any source
// of the same unchanged workbook (workbook, see Options) still open.
func sharedStringsOf(files parts, name, workbook string) (*sharedStrings, error) {
	f := files.get(name)
	if workbook == "" || f == nil {
		return readSharedStrings(files, name)
	}
	k := sstKey{workbook: workbook, part: name, crc: f.CRC32, usize: f.UncompressedSize64, csize: f.CompressedSize64}
	sstShared.Lock()
	s := sstShared.m[k].Value()
	sstShared.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := readSharedStrings(files, name)
	if err != nil || s == nil {
		return s, err
	}
	sstShared.Lock()
	for key, p := range sstShared.m {
		if p.Value() == nil {
			delete(sstShared.m, key) // tables no source holds any more
		}
	}
	sstShared.m[k] = weak.Make(s)
	sstShared.Unlock()
	return s, nil
}

// readSharedStrings loads the shared string table: one text per <si>, the
// text of its runs joined, phonetic hints left out. It is nil when the
// workbook has none.
func readSharedStrings(files parts, name string) (*sharedStrings, error) {
	if name == "" || files.get(name) == nil {
		return nil, nil
	}
	rc, err := files.open(files.get(name), "the shared text table", maxSSTBytes*2)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := newXMLScanner(rc)
	var ends []uint32
	var all strings.Builder
	siStart := -1 // where the open <si>'s text starts in all; -1 outside one
	inT, skip := false, 0
	for {
		kind, err := dec.scan()
		if errors.Is(err, io.EOF) {
			return &sharedStrings{all: all.String(), ends: ends}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shared strings: %w", err)
		}
		switch kind {
		case tokStart:
			switch dec.name.Local {
			case "si":
				siStart = all.Len()
			case "t":
				inT = true
			case "rPh":
				skip++
			case "sst":
				if n, err := atoi(dec.attr("uniqueCount")); err == nil && n > 0 && n < 1<<20 {
					ends = make([]uint32, 0, n)
				}
			}
		case tokEnd:
			switch dec.name.Local {
			case "si":
				if len(ends) >= maxSSTStrings {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d texts, more than a sheet of Excel can use: save the sheet as CSV (UTF-8) and import that", maxSSTStrings)
				}
				if all.Len() > maxSSTBytes {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d MiB of text: save the sheet as CSV (UTF-8) and import that", maxSSTBytes>>20)
				}
				// An </si> without its <si> closes an empty text: text
				// outside an <si> is not kept (siStart < 0).
				ends = append(ends, uint32(all.Len()))
				siStart = -1
			case "t":
				inT = false
			case "rPh":
				skip--
			}
		case tokText:
			if t := dec.text; inT && skip == 0 && siStart >= 0 {
				if all.Len()-siStart+len(t) > maxCellBytes {
					return nil, fmt.Errorf("text %d of the workbook's shared text table is longer than the %d characters a cell of Excel can hold: the file is damaged", len(ends)+1, maxCellChars)
				}
				all.Write(t)
			}
		}
	}
}
