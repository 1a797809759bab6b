package sheet

import (
	"archive/zip"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

type xlsxSheetRef struct {
	name   string
	part   string
	hidden bool
}

// chooseSheet picks the sheet named want (exactly, else ignoring case), or
// the sheet Excel opens on (tab active) when it is visible and holds data,
// else the first visible sheet with data, else the first visible one. It
// also returns the other visible sheets that hold data.
func chooseSheet(files parts, sheets []xlsxSheetRef, want string, active int, sst *sharedStrings) (xlsxSheetRef, []string, error) {
	chosen := -1
	if want != "" {
		for i, s := range sheets {
			if s.name == want {
				chosen = i
				break
			}
		}
		for i, s := range sheets {
			if chosen < 0 && strings.EqualFold(s.name, want) {
				chosen = i
			}
		}
		if chosen < 0 {
			names := make([]string, len(sheets))
			for i, s := range sheets {
				names[i] = strconv.Quote(s.name)
			}
			return xlsxSheetRef{}, nil, fmt.Errorf("no sheet named %q: the workbook has %s", want, strings.Join(names, ", "))
		}
	}
	var withData []int
	firstVisible := -1
	for i, s := range sheets {
		if s.hidden {
			continue
		}
		if firstVisible < 0 {
			firstVisible = i
		}
		if sheetHasData(files, files.get(s.part), sst) {
			withData = append(withData, i)
		}
	}
	switch {
	case chosen >= 0:
	case slices.Contains(withData, active):
		chosen = active
	case len(withData) > 0:
		chosen = withData[0]
	case firstVisible >= 0:
		chosen = firstVisible
	default:
		chosen = 0
	}
	var others []string
	for _, i := range withData {
		if i != chosen {
			others = append(others, sheets[i].name)
		}
	}
	return sheets[chosen], others, nil
}

// sheetHasData reports whether a worksheet part has at least one value.
func sheetHasData(files parts, f *zip.File, sst *sharedStrings) bool {
	if f == nil {
		return false
	}
	rc, err := files.openSheet(f, f.Name)
	if err != nil {
		return false
	}
	defer rc.Close()
	rr := &rowReader{dec: newXMLScanner(rc), sst: sst}
	for {
		row, err := rr.next()
		if err != nil {
			return false
		}
		if !row.blank() {
			return true
		}
	}
}
