package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/crmport/crmport/job"
)

// languages are the page's languages, each with one table of strings
// (strings_en.go, strings_pl.go, strings_ru.go); English is the fallback.
var languages = map[string]map[string]string{"en": stringsEN, "pl": stringsPL, "ru": stringsRU}

// langCookie keeps the language chosen on the page.
const langCookie = "crmport_lang"

// langOf is the request's language: the one chosen on the page (?lang= or
// its cookie), else the first of the browser's Accept-Language the page
// speaks, else English.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); languages[l] != nil {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && languages[c.Value] != nil {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if languages[base] != nil {
			return base
		}
	}
	return "en"
}

// tr is the string key in lang, with args put in its %s / %d verbs.
func tr(lang, key string, args ...any) string {
	s, ok := languages[lang][key]
	if !ok {
		s = stringsEN[key]
	}
	if s == "" {
		s = key
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// userError is a problem the page words from its string tables.
type userError struct {
	key string
	arg string
}

func (e *userError) Error() string { return tr("en", e.key, e.arg) }

// explain words err for people in lang, with a Kind for the page's next
// step (credentials, journal, stopped, mapping).
func explain(lang string, err error) problem {
	var ue *userError
	var ms *job.MissingSettingsError
	var mp *job.MappingProblems
	var je *job.JournalError
	var be *job.BugError
	var se *job.StoppedError
	var tm *job.TooManyErrorsError
	var ie *job.InputError
	var ke *job.KeyMissingError
	var ce *job.ColumnError
	switch {
	case errors.As(err, &ce):
		mean := ""
		if ce.Suggestion != "" {
			mean = tr(lang, "err.column.mean", ce.Suggestion)
		}
		return problem{Message: tr(lang, "err.column", ce.Name, mean), Kind: "fields"}
	case errors.As(err, &ke):
		return problem{Message: tr(lang, "err.nokey", keyExamples(lang, ke)), Kind: "key"}
	case errors.As(err, &ue):
		if ue.arg == "" {
			return problem{Message: tr(lang, ue.key)}
		}
		return problem{Message: tr(lang, ue.key, ue.arg)}
	case errors.Is(err, context.Canceled):
		return problem{Message: tr(lang, "stopped"), Kind: "stopped"}
	case errors.As(err, &ms):
		return problem{Message: tr(lang, "err.missing", ms.Vendor, strings.Join(ms.Names, ", ")), Kind: "credentials"}
	case errors.As(err, &mp):
		p := problem{Message: tr(lang, "err.mappingproblems"), Kind: "mapping"}
		for _, e := range mp.Problems {
			p.List = append(p.List, problemText(lang, e))
		}
		return p
	case errors.As(err, &je):
		kind := "journal"
		if je.Problem == job.JournalChanged {
			kind = "journal-changed"
		}
		return problem{Message: tr(lang, "err.journal", err.Error()), Kind: kind}
	case errors.As(err, &se):
		key := "err.refused"
		switch se.Reason {
		case job.StopUnreachable:
			key = "err.unreachable"
		case job.StopFailing:
			key = "err.failing"
		}
		return problem{Message: tr(lang, key, se.Err.Error())}
	case errors.As(err, &tm):
		p := problem{Message: tr(lang, "err.toomany", tm.Failed, tm.Finished, tm.Limit.String())}
		for _, f := range tm.First {
			p.List = append(p.List, tr(lang, "err.rowfailed", f.Row, f.Error))
		}
		return p
	case errors.As(err, &ie) && ie.NotFound:
		return problem{Message: tr(lang, "err.nofile", filepath.Base(ie.Path))}
	case errors.As(err, &be):
		return problem{Message: tr(lang, "err.bug", be.Error())}
	}
	return problem{Message: err.Error()}
}

// handleStrings answers the page's strings in the request's language and
// remembers a language chosen with ?lang=.
func (s *Server) handleStrings(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	if r.URL.Query().Get("lang") != "" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", SameSite: http.SameSiteStrictMode})
	}
	writeJSON(w, http.StatusOK, map[string]any{"lang": lang, "strings": languages[lang]})
}

// keyExamples words the fields a key-less mapping could use as its key.
func keyExamples(lang string, e *job.KeyMissingError) string {
	var out []string
	for _, x := range e.Examples {
		what := ""
		switch x.Kind {
		case job.KeyOwnID:
			what = tr(lang, "key.ownid")
		case job.KeyEmail:
			what = tr(lang, "key.email")
		case job.KeyVendorNumber:
			what = tr(lang, "key.number", e.Vendor, e.Vendor)
		}
		out = append(out, x.Field+" ("+what+")")
	}
	return strings.Join(out, ", ")
}

// problemText is a mapping problem with, where it helps, where the page
// lists the vendor's fields.
func problemText(lang string, p error) string {
	var pe *job.PosError
	if !errors.As(p, &pe) {
		return p.Error()
	}
	switch pe.Hint {
	case job.HintFieldList:
		return p.Error() + "; " + tr(lang, "hint.fieldlist")
	case job.HintCustomFields:
		return p.Error() + "; " + tr(lang, "hint.customfields", pe.HintNoun)
	}
	return p.Error()
}
