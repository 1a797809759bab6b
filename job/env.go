package job

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/httptrace"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
)

// Env is what every job takes from the world outside it: the settings
// (environment variables), the clock, the vendors and the HTTP transport.
// A front end builds one and passes it to each job; tests swap each piece.
// The zero value works: real environment is not read (Getenv nil reads
// nothing), real clock, the shipped vendors.
type Env struct {
	// Getenv reads the CRMPORT_* settings (os.Getenv in the CLI; the web
	// page adds what the user typed, kept in memory only).
	Getenv func(string) string
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then; it is
	// the waiting side of Now for the retry back-off, Retry-After waits and
	// request pacing. nil waits on a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Vendors, if set, replaces the shipped vendors (crm/all).
	Vendors *crm.Registry
	// Trace, if set, receives one line per HTTP request (method, URL,
	// status, time, sizes), every secret hidden.
	Trace io.Writer
	// WrapTransport, if set, wraps every vendor HTTP transport.
	WrapTransport func(http.RoundTripper) http.RoundTripper
	// OnSandbox, if set, is called with the in-process emulators of a
	// sandbox job before the job uses them (tests seed and read them).
	OnSandbox func(*sandbox.Sandbox)
}

func (e *Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func (e *Env) clock() func() time.Time {
	if e.Now == nil {
		return time.Now
	}
	return e.Now
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// Registry returns the vendors jobs reach: the shipped ones, or e.Vendors.
func (e *Env) Registry() *crm.Registry {
	if e != nil && e.Vendors != nil {
		return e.Vendors
	}
	return all.Vendors()
}

// Vendor returns the registration of vendor name (its facts), or one
// holding just the name when the name is unknown.
func (e *Env) Vendor(name string) crm.Registration {
	if reg, err := e.Registry().Lookup(name); err == nil {
		return reg
	}
	return crm.Registration{Name: name}
}

// Title is the vendor's name as people write it ("SalesMan"); an unknown
// name is returned as given.
func (e *Env) Title(name string) string {
	if reg := e.Vendor(name); reg.Title != "" {
		return reg.Title
	}
	return name
}

// lookup returns the registration of name, or a UsageError.
func (e *Env) lookup(name string) (crm.Registration, error) {
	reg, err := e.Registry().Lookup(name)
	if err != nil {
		return reg, usage(err)
	}
	return reg, nil
}

// vendorSetup tunes how a job reaches its vendor.
type vendorSetup struct {
	Timeout time.Duration   // per HTTP request; 0 = 60s
	Sandbox sandbox.Options // used with the sandbox
	// OnSandbox, if set, is called with the in-process sandbox, after
	// Env.OnSandbox.
	OnSandbox func(*sandbox.Sandbox)
}

// openVendor builds the client for vendor name from the CRMPORT_*
// settings, or, with useSandbox, starts the in-process emulators and points
// the client at them. The vendor is not wrapped with retries; cleanup
// closes the client's idle connections and stops the sandbox (it is never
// nil).
func (e *Env) openVendor(ctx context.Context, name string, useSandbox bool, opts vendorSetup) (crm.Vendor, func(), error) {
	reg, err := e.lookup(name)
	if err != nil {
		return nil, func() {}, err
	}
	cfg := map[string]string{}
	cleanup := func() {}
	if useSandbox {
		sopt := opts.Sandbox
		if sopt.Now == nil {
			sopt.Now = e.Now // the BaseLinker limit counts on the job's clock
		}
		if sopt.BaseLinkerLimit == 0 {
			sopt.BaseLinkerLimit = 100 // as the real API: crmport's pacing must keep under it
		}
		sb, err := sandbox.Start(ctx, sopt)
		if err != nil {
			return nil, cleanup, fmt.Errorf("start the sandbox: %w", err)
		}
		cleanup = func() { _ = sb.Close() }
		if e.OnSandbox != nil {
			e.OnSandbox(sb)
		}
		if opts.OnSandbox != nil {
			opts.OnSandbox(sb)
		}
		for _, kv := range sb.Env() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				cfg[k] = v
			}
		}
	} else {
		var missing []string
		for _, ev := range reg.Env {
			v := strings.TrimSpace(e.getenv(ev.Name))
			if v == "" {
				v = ev.Default
			}
			if v == "" && ev.Required {
				missing = append(missing, ev.Name)
				continue
			}
			if v != "" {
				cfg[ev.Name] = v
			}
		}
		if len(missing) > 0 {
			return nil, cleanup, &MissingSettingsError{Vendor: reg.Name, Names: missing}
		}
	}
	hc := e.httpClient(opts.Timeout)
	v, err := reg.New(cfg, hc)
	if err != nil {
		cleanup()
		return nil, func() {}, fmt.Errorf("configure %s: %w", reg.Name, err)
	}
	stop := cleanup
	// Hang up the connections kept for reuse when the job is done: a
	// connection dialled but never used would keep the server (the
	// sandbox) waiting 5 s for it on shutdown.
	return v, func() { hc.CloseIdleConnections(); stop() }, nil
}

// httpClient returns the HTTP client of vendors: a timeout per request
// and, with Trace, a trace line per request.
func (e *Env) httpClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if e.Trace != nil {
		rt = httptrace.Transport(rt, e.Trace, e.secrets)
	}
	if e.WrapTransport != nil {
		rt = e.WrapTransport(rt)
	}
	return &http.Client{Timeout: timeout, Transport: rt}
}

// secrets lists the values of every secret CRMPORT_* setting, so the trace
// can hide them wherever they appear.
func (e *Env) secrets() []string {
	var out []string
	for _, name := range e.Registry().Names() {
		reg, err := e.Registry().Lookup(name)
		if err != nil {
			continue
		}
		for _, ev := range reg.Env {
			if v := e.getenv(ev.Name); ev.Secret && v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// target names the CRM an import writes to, for its journal: the vendor's
// address (CRMPORT_*_URL, or its default), or the sandbox. It holds no
// secret.
func (e *Env) target(vendor string, useSandbox bool) string {
	if useSandbox {
		return importer.SandboxTarget
	}
	reg, err := e.Registry().Lookup(vendor)
	if err != nil {
		return ""
	}
	for _, ev := range reg.Env {
		if !strings.HasSuffix(ev.Name, "_URL") || ev.Secret {
			continue
		}
		if v := strings.TrimRight(strings.TrimSpace(e.getenv(ev.Name)), "/"); v != "" {
			return v
		}
		return ev.Default
	}
	return ""
}
