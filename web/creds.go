package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/crmport/crmport/job"
)

// creds are the CRMPORT_* settings typed into the page. They live in this
// map only: never written to a file or a log, never sent back to the page
// (which learns only whether each setting is set).
type creds struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *creds) get(k string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *creds) set(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	if v == "" {
		delete(c.m, k)
		return
	}
	c.m[k] = v
}

// getenv is the jobs' Getenv: what the page was given, then the process's
// environment.
func (s *Server) getenv(k string) string {
	if v := s.creds.get(k); v != "" {
		return v
	}
	if s.base != nil {
		return s.base(k)
	}
	return ""
}

// envFor is the environment of a job: the real CRMs, or, for practice,
// the page's own emulators (started on first use).
func (s *Server) envFor(ctx context.Context, practice bool) (*job.Env, error) {
	e := s.env
	if !practice {
		return &e, nil
	}
	sb, err := s.practice(ctx)
	if err != nil {
		return nil, err
	}
	settings := map[string]string{}
	for _, kv := range sb.Settings() {
		settings[kv[0]] = kv[1]
	}
	e.Getenv = func(k string) string { return settings[k] }
	return &e, nil
}

// practice starts the emulators of the practice CRM once. They keep their
// clients in the page's folder, and come back on the same port when they
// can, so a stopped practice import resumes after the program restarts.
func (s *Server) practice(ctx context.Context) (*job.SandboxServer, error) {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.prac != nil {
		return s.prac, nil
	}
	dir := filepath.Join(s.dir, practiceDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	addrFile := filepath.Join(dir, "address.txt")
	opts := job.SandboxSettings{StateFile: filepath.Join(dir, "clients.json"), BaseLinkerLimit: 100}
	if b, err := os.ReadFile(addrFile); err == nil {
		opts.Addr = strings.TrimSpace(string(b))
	}
	// Detached from the request: the emulators outlive it.
	sb, err := s.env.StartSandbox(context.WithoutCancel(ctx), opts)
	if err != nil && opts.Addr != "" {
		opts.Addr = "" // the old port is taken: any free one
		sb, err = s.env.StartSandbox(context.WithoutCancel(ctx), opts)
	}
	if err != nil {
		return nil, err
	}
	addr := strings.TrimPrefix(sb.URL(), "http://")
	_ = os.WriteFile(addrFile, []byte(addr+"\n"), 0o600)
	s.prac = sb
	return sb, nil
}

func (s *Server) closePractice() {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	if s.prac != nil {
		_ = s.prac.Close()
		s.prac = nil
	}
}

// vendorInfo describes one CRM to the page.
type vendorInfo struct {
	Name     string       `json:"name"`
	Title    string       `json:"title"`
	Settings []settingDTO `json:"settings"`
	Ready    bool         `json:"ready"` // every required setting is set
}

// settingDTO is one CRMPORT_* setting: whether it is set and where from,
// never its value.
type settingDTO struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Secret      bool   `json:"secret"`
	Set         bool   `json:"set"`
	From        string `json:"from,omitempty"` // "page" or "environment"
	Default     string `json:"default,omitempty"`
}

func (s *Server) vendorList() []vendorInfo {
	var out []vendorInfo
	reg := s.env.Registry()
	for _, name := range reg.Names() {
		r := s.env.Vendor(name)
		vi := vendorInfo{Name: r.Name, Title: s.env.Title(name), Ready: true}
		for _, ev := range r.Env {
			d := settingDTO{Name: ev.Name, Description: ev.Description, Required: ev.Required, Secret: ev.Secret}
			if !ev.Secret {
				d.Default = ev.Default
			}
			switch {
			case s.creds.get(ev.Name) != "":
				d.Set, d.From = true, "page"
			case s.base != nil && s.base(ev.Name) != "":
				d.Set, d.From = true, "environment"
			}
			if ev.Required && !d.Set && ev.Default == "" {
				vi.Ready = false
			}
			vi.Settings = append(vi.Settings, d)
		}
		out = append(out, vi)
	}
	return out
}

func (s *Server) handleVendors(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"vendors": s.vendorList(), "dir": s.dir})
}

// handleCredentials keeps the settings typed into the page (in memory).
// Only the names the vendors document are taken; an empty value forgets
// one.
func (s *Server) handleCredentials(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Values map[string]string `json:"values"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	known := map[string]bool{}
	for _, name := range s.env.Registry().Names() {
		for _, ev := range s.env.Vendor(name).Env {
			known[ev.Name] = true
		}
	}
	for k, v := range req.Values {
		if known[k] {
			s.creds.set(k, strings.TrimSpace(v))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"vendors": s.vendorList()})
}
