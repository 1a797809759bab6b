package job

import (
	"context"

	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// guessSampleRows is how many data rows mapping init looks at.
const guessSampleRows = 50

// MappingInitSettings are the settings of mapping init.
type MappingInitSettings struct {
	Vendor   string
	File     string
	Sheet    string
	Encoding string
	// Sandbox reads the field list of the in-process emulator; otherwise
	// the account's when the vendor's settings are there, else the
	// built-in catalogue.
	Sandbox bool
}

// MappingInitResult is a guessed mapping.
type MappingInitResult struct {
	YAML    []byte   // the mapping file, with comments
	Vendor  string   // the vendor's name
	Placed  int      // columns given a field
	Columns int      // columns in the file
	Missing []string // required fields no column feeds
	// Live says the field list was the account's (switched-off and custom
	// fields known); otherwise the built-in catalogue was used.
	Live bool
	// OffOnFreshAccount lists the fields placed that a fresh account of
	// the vendor has switched off (offline only: the account may differ).
	OffOnFreshAccount []Field
}

// MappingInit guesses a mapping for s.Vendor from the file's header and
// first rows.
func (e *Env) MappingInit(ctx context.Context, s MappingInitSettings) (MappingInitResult, error) {
	var res MappingInitResult
	reg, err := e.lookup(s.Vendor)
	if err != nil {
		return res, err
	}
	src, err := sheet.Open(ctx, s.File, sheet.Options{Sheet: s.Sheet, Encoding: s.Encoding})
	if err != nil {
		return res, err
	}
	defer src.Close()
	sample, err := mapping.FirstRows(src, guessSampleRows)
	if err != nil {
		return res, err
	}
	fields, live, err := e.catalogue(ctx, s.Vendor, s.Sandbox)
	if err != nil {
		return res, err
	}
	res.Live = live
	off := map[string]Field{}
	if !live {
		// Offline, which fields are switched on is the account's
		// business: map by meaning, and say which ones a fresh account
		// has off.
		fields = append([]Field(nil), fields...)
		anyActive := false
		for _, f := range fields {
			anyActive = anyActive || f.Active
		}
		for i := range fields {
			if anyActive && !fields[i].Active {
				off[fields[i].Name] = fields[i]
				fields[i].Active = true
			}
		}
	}
	g, err := mapping.Guess(reg, fields, src.Header(), sample)
	if err != nil {
		return res, err
	}
	for _, c := range g.Columns {
		if f, ok := off[c.Field]; ok {
			res.OffOnFreshAccount = append(res.OffOnFreshAccount, f)
			delete(off, c.Field)
		}
	}
	info := src.Info()
	g.Info = &info
	res.YAML, res.Vendor, res.Columns, res.Missing = g.YAML(), reg.Name, len(g.Columns), g.Missing
	for _, c := range g.Columns {
		if c.Field != "" {
			res.Placed++
		}
	}
	return res, nil
}

// MappingCheckSettings are the settings of mapping check.
type MappingCheckSettings struct {
	Mapping string
	File    string // "" = check the mapping alone
	Sheet   string
	// Sandbox checks against the in-process emulator's fields; otherwise
	// the account's when the vendor's settings are there, else the
	// built-in catalogue.
	Sandbox bool
}

// MappingCheckResult is what mapping check found. Problems empty means the
// mapping is fine; Report is the table of field ← column (and, with
// problems, their list).
type MappingCheckResult struct {
	Vendor   string // the mapping's vendor
	Report   string
	Problems []error
	// SwitchedOff lists the mapped fields that are switched off (the CRM
	// drops their values silently): on the account when Live, else on a
	// fresh account. Only for a mapping without problems.
	SwitchedOff []string
	// Live says the fields were the account's, not the built-in catalogue.
	Live bool
	// Rows says, for a file given and a mapping without problems, how the
	// first rows (up to 1,000) map: per field how many fail, with an
	// example. Rows.Broken() lists the columns failing on every row.
	Rows *RowsReport
	// Info, Columns, HeaderRowGiven, SheetGiven describe how the file was
	// read (when one was given), as in ImportResult.
	Info           SheetInfo
	Columns        int
	HeaderRowGiven bool
	SheetGiven     bool
}

// MappingCheck checks a mapping against the CRM's fields and, when a file
// is given, against its header. A mapping that cannot be read at all is a
// *MappingProblems error.
func (e *Env) MappingCheck(ctx context.Context, s MappingCheckSettings) (MappingCheckResult, error) {
	var res MappingCheckResult
	// Go on past parse problems with whatever did parse, so one run lists
	// every mistake: the typo in a key and the missing column alike.
	m, err := mapping.LoadPartial(s.Mapping, e.Registry())
	if m == nil {
		return res, &MappingProblems{File: s.Mapping, Problems: mapping.Problems(err)}
	}
	fields, live, err := e.catalogue(ctx, m.Vendor, s.Sandbox)
	if err != nil {
		return res, err
	}
	res.Live = live
	var header []string
	var rows []sheet.Row
	if s.File != "" {
		sopt := m.SheetOptions()
		if s.Sheet != "" {
			sopt.Sheet = s.Sheet
		}
		sopt.ExpectedHeaders = m.Headers()
		src, err := sheet.Open(ctx, s.File, sopt)
		if err != nil {
			return res, err
		}
		header = src.Header()
		res.Info, res.Columns = src.Info(), len(header)
		res.HeaderRowGiven, res.SheetGiven = sopt.HeaderRow != 0, sopt.Sheet != ""
		rows, err = mapping.FirstRows(src, mapping.CheckRowsLimit)
		_ = src.Close()
		if err != nil {
			return res, err
		}
	}
	res.Vendor = m.Vendor
	res.Report, res.Problems = mapping.Check(m, fields, header)
	if len(res.Problems) == 0 {
		res.SwitchedOff = mapping.OffOnFreshAccount(m, fields)
	}
	if len(res.Problems) > 0 || s.File == "" {
		return res, nil
	}
	res.Rows, err = m.CheckRows(header, rows, fields, mapping.ApplyOptions{Info: &res.Info})
	return res, err
}
