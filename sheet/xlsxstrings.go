package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// readSharedStrings loads the shared string table: one string per <si>,
// the text of its runs joined, phonetic hints left out.
func readSharedStrings(files parts, name string) ([]string, error) {
	if name == "" || files.get(name) == nil {
		return nil, nil
	}
	rc, err := files.open(files.get(name), "the shared text table", maxSSTBytes*2)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := newXMLScanner(rc)
	var out []string
	var b strings.Builder
	total := 0
	inT, skip := false, 0
	for {
		kind, err := dec.scan()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shared strings: %w", err)
		}
		switch kind {
		case tokStart:
			switch dec.name.Local {
			case "si":
				b.Reset()
			case "t":
				inT = true
			case "rPh":
				skip++
			case "sst":
				if n, err := atoi(dec.attr("uniqueCount")); err == nil && n > 0 && n < 1<<20 {
					out = make([]string, 0, n)
				}
			}
		case tokEnd:
			switch dec.name.Local {
			case "si":
				if len(out) >= maxSSTStrings {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d texts, more than a sheet of Excel can use: save the sheet as CSV (UTF-8) and import that", maxSSTStrings)
				}
				total += b.Len()
				if total > maxSSTBytes {
					return nil, fmt.Errorf("the workbook's shared text table holds more than %d MiB of text: save the sheet as CSV (UTF-8) and import that", maxSSTBytes>>20)
				}
				out = append(out, b.String())
			case "t":
				inT = false
			case "rPh":
				skip--
			}
		case tokText:
			if t := dec.text; inT && skip == 0 {
				if b.Len()+len(t) > maxCellBytes {
					return nil, fmt.Errorf("text %d of the workbook's shared text table is longer than the %d characters a cell of Excel can hold: the file is damaged", len(out)+1, maxCellChars)
				}
				b.Write(t)
			}
		}
	}
}
