package web

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/crmport/crmport/job"
)

// saveMapping writes the page's mapping text beside the file it is for,
// as <file>.<vendor>.yaml: the same file `crmport import -m` takes.
func (s *Server) saveMapping(file, text string) (path, vendor string, err error) {
	if _, err := s.inDir(file); err != nil {
		return "", "", err
	}
	m, err := parseMapping(text)
	if err != nil {
		return "", "", err
	}
	vendor = m.vendor()
	if vendor == "" {
		return "", "", &userError{key: "err.novendor"}
	}
	if _, err := s.env.Registry().Lookup(vendor); err != nil {
		return "", "", &userError{key: "err.vendor", arg: vendor}
	}
	path, err = s.inDir(file + "." + vendor + ".yaml")
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", "", err
	}
	return path, vendor, nil
}

// inputAndMapping are the paths of an uploaded file and of its mapping,
// saved from the page's text, and the mapping's vendor.
func (s *Server) inputAndMapping(file, text string) (input, mapping, vendor string, err error) {
	if input, err = s.inDir(file); err != nil {
		return "", "", "", err
	}
	mapping, vendor, err = s.saveMapping(file, text)
	return input, mapping, vendor, err
}

// handleGuess guesses a mapping for the file (job.MappingInit) and writes
// into it how the page was told to read the file.
func (s *Server) handleGuess(w http.ResponseWriter, r *http.Request) {
	var req struct {
		previewReq
		Vendor   string `json:"vendor"`
		Practice bool   `json:"practice"` // the practice CRM's fields
	}
	if !s.decode(w, r, &req) {
		return
	}
	path, err := s.inDir(req.File)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	// The fields of the CRM chosen: the practice one's, or the account's
	// when its settings are there, else the built-in catalogue.
	env, err := s.envFor(r.Context(), req.Practice)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	res, err := env.MappingInit(r.Context(), job.MappingInitSettings{Vendor: req.Vendor, File: path, Sheet: req.Sheet, Encoding: req.Encoding})
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	text := string(res.YAML)
	if req.Delimiter != "" || req.HeaderRow != 0 || req.Sheet != "" || req.Encoding != "" {
		m, err := parseMapping(text)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if req.Encoding != "" {
			m.setSource("encoding", req.Encoding)
		}
		if req.Delimiter != "" {
			m.setSource("delimiter", req.Delimiter)
		}
		if req.Sheet != "" {
			m.setSource("sheet", req.Sheet)
		}
		if req.HeaderRow != 0 {
			m.setSource("header_row", strconv.Itoa(req.HeaderRow))
		}
		if text, err = m.text(); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"yaml": text, "placed": res.Placed, "columns": res.Columns, "missing": res.Missing})
}

// columnRow is one column of the file in the mapping table.
type columnRow struct {
	Column  string   `json:"column"`
	Samples []string `json:"samples"`
	Field   string   `json:"field"`
	Detail  string   `json:"detail,omitempty"`
	Shared  bool     `json:"shared,omitempty"` // read with other columns (columns: [...])
}

// sampleCount is how many sample values the table shows per column.
const sampleCount = 3

// handleMappingView saves the mapping, checks it against the file
// (job.MappingCheck, as `crmport mapping check`) and answers the table:
// each column with samples and its field, the constants, the check.
func (s *Server) handleMappingView(w http.ResponseWriter, r *http.Request) {
	var req struct {
		File    string `json:"file"`
		Mapping string `json:"mapping"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	input, path, vendor, err := s.inputAndMapping(req.File, req.Mapping)
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	m, _ := parseMapping(req.Mapping) // parsed by saveMapping
	header, samples, err := s.samples(r, input, m)
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	entries := m.entries()
	var rows []columnRow
	for i, col := range header {
		row := columnRow{Column: col, Samples: samples[i]}
		for _, e := range entries {
			for _, c := range e.Columns {
				if c == col && row.Field == "" {
					row.Field, row.Detail, row.Shared = e.Field, e.Detail, len(e.Columns) > 1
				}
			}
		}
		rows = append(rows, row)
	}
	var constants []entry
	for _, e := range entries {
		if len(e.Columns) == 0 {
			constants = append(constants, e)
		}
	}
	out := map[string]any{"vendor": vendor, "rows": rows, "constants": constants, "key": m.key(), "saved": s.rel(path)}
	chk, err := s.env.MappingCheck(r.Context(), job.MappingCheckSettings{Mapping: path, File: input})
	var mp *job.MappingProblems
	switch {
	case errors.As(err, &mp):
		out["check"] = explain(langOf(r), err)
	case err != nil:
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	default:
		lang := langOf(r)
		var list, notes []string
		for _, p := range chk.Problems {
			list = append(list, problemText(lang, p))
		}
		reg := s.env.Vendor(chk.Vendor)
		title := cmp.Or(reg.Title, reg.Name)
		for _, f := range chk.SwitchedOff {
			if chk.Live {
				notes = append(notes, tr(lang, "note.offlive", f, title, title))
			} else {
				notes = append(notes, tr(lang, "note.offfresh", f, title))
			}
		}
		out["check"] = map[string]any{"report": chk.Report, "list": list, "notes": notes, "ok": len(list) == 0}
	}
	writeJSON(w, http.StatusOK, out)
}

// samples reads the header and the first values of each column, as the
// mapping says to read the file.
func (s *Server) samples(r *http.Request, input string, m *mappingDoc) ([]string, [][]string, error) {
	delim, err := parseDelimiter(m.source("delimiter"))
	if err != nil {
		return nil, nil, err
	}
	hr, _ := strconv.Atoi(m.source("header_row"))
	p, err := s.env.OpenPreview(r.Context(), job.PreviewSettings{File: input, Sheet: m.source("sheet"),
		Encoding: m.source("encoding"), Delimiter: delim, HeaderRow: hr})
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	header := p.Header()
	out := make([][]string, len(header))
	for i := range out {
		out[i] = []string{}
	}
	for n := 0; n < 50; n++ {
		row, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		for i, c := range row.Cells {
			if i < len(out) && c.Text != "" && len(out[i]) < sampleCount {
				out[i] = append(out[i], c.Text)
			}
		}
	}
	return header, out, nil
}

// handleMappingSet changes one thing of the mapping text: the field a
// column feeds, how the file is read (source), or the key.
func (s *Server) handleMappingSet(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Mapping string  `json:"mapping"`
		Column  string  `json:"column"`
		Field   string  `json:"field"`
		Source  string  `json:"source"` // encoding, delimiter, sheet, header_row
		Value   string  `json:"value"`
		Key     *string `json:"key"` // the mapping's key: ("" removes it)
	}
	if !s.decode(w, r, &req) {
		return
	}
	m, err := parseMapping(req.Mapping)
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	switch {
	case req.Key != nil:
		m.setKey(*req.Key)
	case req.Source == "":
		err = m.setField(req.Column, req.Field)
	case req.Source == "encoding" || req.Source == "delimiter" || req.Source == "sheet" || req.Source == "header_row":
		m.setSource(req.Source, req.Value)
	default:
		err = &userError{key: "err.request"}
	}
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	text, err := m.text()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"yaml": text})
}

// fieldDTO is one CRM field for the page's chooser.
type fieldDTO struct {
	Name        string `json:"name"`
	Label       string `json:"label,omitempty"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Off         bool   `json:"off,omitempty"` // switched off on the account
}

// handleFields lists a CRM's fields (job.Fields): the account's when the
// page can reach it, else the built-in catalogue.
func (s *Server) handleFields(w http.ResponseWriter, r *http.Request) {
	vendor := r.URL.Query().Get("vendor")
	practice := r.URL.Query().Get("practice") == "1"
	live := r.URL.Query().Get("live") == "1" || practice
	env, err := s.envFor(r.Context(), practice)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	fields, isLive, err := env.Fields(r.Context(), job.FieldsSettings{Vendor: vendor, Offline: !live})
	var note *problem
	if err != nil && live && !job.IsUsage(err) {
		p := explain(langOf(r), err)
		note = &p
		fields, isLive, err = env.Fields(r.Context(), job.FieldsSettings{Vendor: vendor, Offline: true})
	}
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	out := make([]fieldDTO, 0, len(fields))
	for _, f := range fields {
		if f.ReadOnly {
			continue
		}
		out = append(out, fieldDTO{Name: f.Name, Label: f.Label, Description: f.Description, Required: f.Required, Off: isLive && !f.Active})
	}
	writeJSON(w, http.StatusOK, map[string]any{"fields": out, "live": isLive, "note": note})
}
