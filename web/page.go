package web

import (
	"embed"
	"html/template"
	"net/http"
)

//go:embed templates/index.html
var templates embed.FS

var pageTmpl = template.Must(template.New("index.html").ParseFS(templates, "templates/index.html"))

// handlePage renders the page in the request's language; the script reads
// the strings and the vendors from the JSON blocks in it.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	data := map[string]any{
		"Lang":    lang,
		"T":       languages[lang],
		"Strings": languages[lang],
		"Dir":     s.dir,
		"Vendors": s.vendorList(),
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, data); err != nil {
		s.logf("render the page: %v", err)
	}
}
