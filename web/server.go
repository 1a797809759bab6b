package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/crmport/crmport/job"
)

//go:embed static
var static embed.FS

// Options configure the page's server.
type Options struct {
	// Env is the job layer's environment; its Getenv is consulted after
	// the credentials typed into the page. Nil = the real environment.
	Env *job.Env
	// Dir is the folder uploads, mappings, reports and exports go to; the
	// page shows it. It is created when missing.
	Dir string
	// Log receives one line per refused request and per job (never a
	// credential); nil = discarded.
	Log io.Writer
}

// Server is the page's HTTP server.
type Server struct {
	env    job.Env // Getenv replaced by s.getenv
	base   func(string) string
	dir    string
	secret string
	addr   string // 127.0.0.1:port
	ln     net.Listener
	log    io.Writer
	logMu  sync.Mutex
	creds  creds
	runs   runner
	pmu    sync.Mutex
	prac   *job.SandboxServer
}

// Listen creates the folder and listens on a free loopback port; Serve
// then answers requests.
func Listen(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("no folder for the files")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the folder %s: %w", opts.Dir, err)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	secret, err := newSecret()
	if err != nil {
		return nil, fmt.Errorf("make the page's secret: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	s := &Server{dir: dir, secret: secret, addr: ln.Addr().String(), ln: ln, log: opts.Log}
	if opts.Env != nil {
		s.env = *opts.Env
	}
	s.base = s.env.Getenv
	s.env.Getenv = s.getenv
	return s, nil
}

// URL is the address to open: it carries the secret.
func (s *Server) URL() string { return "http://" + s.addr + "/?" + secretParam + "=" + s.secret }

// Dir is the folder of the page's files.
func (s *Server) Dir() string { return s.dir }

// Serve answers requests until ctx is done, then stops a running job (its
// journal is kept) and the practice CRM.
func (s *Server) Serve(ctx context.Context) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		s.runs.stop()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	err := hs.Serve(s.ln)
	<-done
	s.runs.wait()
	s.closePractice()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Handler is the page's handler, every route behind the guard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handlePage)
	mux.Handle("GET /static/", http.FileServerFS(static))
	mux.HandleFunc("GET /api/strings", s.handleStrings)
	mux.HandleFunc("GET /api/vendors", s.handleVendors)
	mux.HandleFunc("POST /api/credentials", s.handleCredentials)
	mux.HandleFunc("POST /api/upload", s.handleUpload)
	mux.HandleFunc("POST /api/preview", s.handlePreview)
	mux.HandleFunc("GET /api/fields", s.handleFields)
	mux.HandleFunc("POST /api/mapping/guess", s.handleGuess)
	mux.HandleFunc("POST /api/mapping/view", s.handleMappingView)
	mux.HandleFunc("POST /api/mapping/set", s.handleMappingSet)
	mux.HandleFunc("POST /api/import", s.handleImport)
	mux.HandleFunc("POST /api/export", s.handleExport)
	mux.HandleFunc("POST /api/stop", s.handleStop)
	mux.HandleFunc("GET /api/events", s.handleEvents)
	mux.HandleFunc("GET /api/file", s.handleFile)
	return s.guard(mux)
}

func (s *Server) logf(format string, args ...any) {
	if s.log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, "crmport ui: "+format+"\n", args...)
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON reads the request's JSON body into v (at most 4 MiB).
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("the page sent a request crmport cannot read: %w", err)
	}
	return nil
}

// decode reads the request's JSON into v; when it cannot, it answers so
// and returns false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := readJSON(r, v); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return false
	}
	return true
}

// problem is an error answer: Message is for people, in the page's
// language; Kind lets the page offer the next step.
type problem struct {
	Message string   `json:"message"`
	Kind    string   `json:"kind,omitempty"`
	List    []string `json:"list,omitempty"`
}

// fail answers err, worded for people in the request's language.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := explain(langOf(r), err)
	writeJSON(w, status, p)
}
