package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"
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
