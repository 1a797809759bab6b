package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/crmport/crmport/job"
)

// maxMapping is the largest mapping file the page loads.
const maxMapping = 1 << 20

// uploadKinds are the file types the page takes, by extension.
var uploadKinds = map[string]string{".csv": "data", ".txt": "data", ".tsv": "data", ".xlsx": "data", ".yaml": "mapping", ".yml": "mapping"}

// handleUpload streams one file of a multipart form into the page's
// folder, under its own name (so that uploading the same file again after
// a stop resumes its import). A mapping file comes back as text.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, errors.New("no file was sent"))
		return
	}
	part, err := mr.NextPart()
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, errors.New("no file was sent"))
		return
	}
	defer part.Close()
	name := filepath.Base(filepath.Clean("/" + strings.ReplaceAll(part.FileName(), `\`, "/")))
	kind := uploadKinds[strings.ToLower(filepath.Ext(name))]
	if name == "" || name == "/" || name == "." || kind == "" {
		s.fail(w, r, http.StatusBadRequest, &userError{key: "err.filetype", arg: part.FileName()})
		return
	}
	if kind == "mapping" {
		b, err := io.ReadAll(io.LimitReader(part, maxMapping+1))
		if err != nil || len(b) > maxMapping || !utf8.Valid(b) {
			s.fail(w, r, http.StatusBadRequest, &userError{key: "err.mappingfile", arg: name})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": kind, "name": name, "yaml": string(b)})
		return
	}
	dst := filepath.Join(s.dir, name)
	tmp, err := os.CreateTemp(s.dir, name+".*.upload")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	n, err := io.Copy(tmp, part)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("save %s: %w", name, err))
		return
	}
	s.logf("received %s (%d bytes)", name, n)
	writeJSON(w, http.StatusOK, map[string]any{"kind": kind, "name": name, "size": n, "path": dst, "journals": s.journals(name)})
}

// journals are the vendors with a journal of an earlier import of the file
// name: an import of it with the same settings resumes.
func (s *Server) journals(name string) []string {
	var out []string
	for _, v := range s.env.Registry().Names() {
		if _, err := os.Stat(filepath.Join(s.dir, name+"."+v+".journal")); err == nil {
			out = append(out, v)
		}
		if _, err := os.Stat(filepath.Join(s.dir, practiceDir, name+"."+v+".journal")); err == nil {
			out = append(out, practiceDir+":"+v)
		}
	}
	return out
}

// inDir returns the path of name (slash-separated, relative) in the
// page's folder, refusing anything that would lead out of it.
func (s *Server) inDir(name string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(name))
	if name == "" || strings.Contains(name, `\`) || filepath.IsAbs(clean) || filepath.VolumeName(clean) != "" ||
		clean == "." || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", &userError{key: "err.nofile", arg: name}
	}
	return filepath.Join(s.dir, clean), nil
}

// rel is path as the page names it: relative to the folder, with slashes.
func (s *Server) rel(path string) string {
	if path == "" {
		return ""
	}
	r, err := filepath.Rel(s.dir, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return ""
	}
	return filepath.ToSlash(r)
}

type previewReq struct {
	File      string `json:"file"`
	Sheet     string `json:"sheet"`
	Encoding  string `json:"encoding"`
	Delimiter string `json:"delimiter"`
	HeaderRow int    `json:"header_row"`
}

// previewRows is how many rows the page shows.
const previewRows = 10

// handlePreview reads the file as an import would (job.OpenPreview) and
// answers what was detected and the first rows.
func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request) {
	var req previewReq
	if !s.decode(w, r, &req) {
		return
	}
	path, err := s.inDir(req.File)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	delim, err := parseDelimiter(req.Delimiter)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	p, err := s.env.OpenPreview(r.Context(), job.PreviewSettings{File: path, Sheet: req.Sheet, Encoding: req.Encoding, Delimiter: delim, HeaderRow: req.HeaderRow})
	if err != nil {
		s.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	defer p.Close()
	info := p.Info()
	out := map[string]any{
		"format": info.Format, "encoding": info.Encoding, "encoding_sure": string(info.EncodingConfidence),
		"delimiter": delimiterText(info.Delimiter), "delimiter_sure": string(info.DelimiterConfidence),
		"sheet": info.Sheet, "other_sheets": info.OtherSheets, "header_row": info.HeaderLine,
		"header": p.Header(),
	}
	var rows []map[string]any
	for len(rows) < previewRows {
		row, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(w, r, http.StatusUnprocessableEntity, err)
			return
		}
		if row.Blank {
			continue
		}
		cells := make([]string, len(row.Cells))
		for i, c := range row.Cells {
			cells[i] = c.Text
		}
		m := map[string]any{"line": row.Line, "cells": cells}
		if row.Err != nil {
			m["problem"] = row.Err.Error()
		}
		rows = append(rows, m)
	}
	out["rows"] = rows
	writeJSON(w, http.StatusOK, out)
}

// parseDelimiter reads the page's delimiter choice: "" (detect), "tab" or
// one character.
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "", "auto":
		return 0, nil
	case "tab", `\t`:
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) {
		return 0, &userError{key: "err.delimiter", arg: s}
	}
	return r, nil
}

// delimiterText is a delimiter as the page and the mapping write it.
func delimiterText(r rune) string {
	switch r {
	case 0:
		return ""
	case '\t':
		return "tab"
	}
	return string(r)
}

// handleFile sends a file of the page's folder: a report, a mapping or an
// export. Journals and lock files are not for people.
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	path, err := s.inDir(name)
	if err == nil && (strings.HasSuffix(name, ".journal") || strings.HasSuffix(name, ".lock")) {
		err = &userError{key: "err.nofile", arg: name}
	}
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, &userError{key: "err.nofile", arg: name})
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		s.fail(w, r, http.StatusNotFound, &userError{key: "err.nofile", arg: name})
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", url.PathEscape(filepath.Base(path))))
	http.ServeContent(w, r, name, st.ModTime(), f)
}
