package web

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/crmport/crmport/job"
)

// exportReq is an export as the page asks for it.
type exportReq struct {
	Vendor   string `json:"vendor"`
	Practice bool   `json:"practice"`
	// Columns: "catalogue" (every field), "mapping" (Mapping's columns and
	// headers, for File) or "fields" (Fields, in order).
	Columns string   `json:"columns"`
	Fields  []string `json:"fields"`
	File    string   `json:"file"`
	Mapping string   `json:"mapping"`
	Filters string   `json:"filters"` // field=value, one a line
	Since   string   `json:"since"`   // 2006-01-02
	Until   string   `json:"until"`
	Format  string   `json:"format"` // xlsx or csv
}

// exportResult is an export's outcome for the page.
type exportResult struct {
	File  string `json:"file"`
	Rows  int    `json:"rows"`
	Pages int    `json:"pages"`
	Empty bool   `json:"empty"`
}

// handleExport starts an export into a new file of the page's folder.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	var req exportReq
	if !s.decode(w, r, &req) {
		return
	}
	set, err := s.exportSettings(req)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	err = s.runs.start("export", langOf(r), req.Practice, s.env.Now, func(ctx context.Context, rn *run) (any, error) {
		env, err := s.envFor(ctx, req.Practice)
		if err != nil {
			return nil, err
		}
		s.logf("export from %s started", req.Vendor)
		res, err := env.Export(ctx, set, rn)
		s.logf("export from %s ended", req.Vendor)
		if err != nil {
			return nil, err
		}
		return exportResult{File: s.rel(res.Output), Rows: res.Rows, Pages: res.Pages, Empty: res.Empty != nil}, nil
	})
	if err != nil {
		s.fail(w, r, http.StatusConflict, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"started": true})
}

func (s *Server) exportSettings(req exportReq) (job.ExportSettings, error) {
	format := strings.ToLower(req.Format)
	if format != "csv" {
		format = "xlsx"
	}
	now := time.Now
	if s.env.Now != nil {
		now = s.env.Now
	}
	name := fmt.Sprintf("%s-clients-%s.%s", req.Vendor, now().Format("2006-01-02-150405"), format)
	if req.Practice {
		name = practiceDir + "-" + name
	}
	set := job.ExportSettings{Vendor: req.Vendor, Output: filepath.Join(s.dir, name), Format: format,
		Sandbox: false, Retries: job.DefaultRetries}
	switch req.Columns {
	case "mapping":
		path, vendor, err := s.saveMapping(req.File, req.Mapping)
		if err != nil {
			return set, err
		}
		set.Mapping, set.Vendor = path, vendor
	case "fields":
		for _, f := range req.Fields {
			if f = strings.TrimSpace(f); f != "" {
				set.Columns = append(set.Columns, f)
			}
		}
		if len(set.Columns) == 0 {
			return set, &userError{key: "err.nofields"}
		}
	}
	for _, line := range strings.Split(req.Filters, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return set, &userError{key: "err.filter", arg: line}
		}
		if set.Filters == nil {
			set.Filters = map[string]string{}
		}
		set.Filters[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	var err error
	if set.Since, err = parseDay(req.Since); err != nil {
		return set, err
	}
	if set.Until, err = parseDay(req.Until); err != nil {
		return set, err
	}
	return set, nil
}

func parseDay(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, &userError{key: "err.date", arg: s}
	}
	return t, nil
}
