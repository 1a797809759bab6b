package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
)

// vendorOptions tunes how a command reaches its vendor.
type vendorOptions struct {
	Timeout time.Duration   // per HTTP request; 0 = 60s
	Sandbox sandbox.Options // used with --sandbox
	// onSandbox, if set, is called with the in-process sandbox (tests
	// reach the emulators' control surface through it).
	onSandbox func(*sandbox.Sandbox)
	// noBaseLinkerLimit turns the emulated 100 requests/minute off.
	noBaseLinkerLimit bool
}

// openVendor builds the client for vendor name from the CRMPORT_*
// variables, or, with useSandbox, starts the in-process emulators and points
// the client at them. The vendor is not wrapped with retries; cleanup
// closes the client's idle connections and stops the sandbox (it is never
// nil).
func (f *factory) openVendor(ctx context.Context, name string, useSandbox bool, opts vendorOptions) (crm.Vendor, func(), error) {
	reg, err := f.vendors().Lookup(name)
	if err != nil {
		return nil, func() {}, flagErrorf("%w", err)
	}
	cfg := map[string]string{}
	cleanup := func() {}
	if useSandbox {
		sopt := opts.Sandbox
		if sopt.Now == nil {
			sopt.Now = f.Now // the BaseLinker limit counts on the command's clock
		}
		if sopt.BaseLinkerLimit == 0 && !opts.noBaseLinkerLimit {
			sopt.BaseLinkerLimit = 100 // as the real API: crmport's pacing must keep under it
		}
		sb, err := sandbox.Start(ctx, sopt)
		if err != nil {
			return nil, cleanup, fmt.Errorf("start the sandbox: %w", err)
		}
		cleanup = func() { _ = sb.Close() }
		if opts.onSandbox != nil {
			opts.onSandbox(sb)
		}
		if f.onSandbox != nil {
			f.onSandbox(sb)
		}
		for _, kv := range sb.Env() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				cfg[k] = v
			}
		}
	} else {
		var missing []string
		for _, e := range reg.Env {
			v := strings.TrimSpace(f.Getenv(e.Name))
			if v == "" {
				v = e.Default
			}
			if v == "" && e.Required {
				missing = append(missing, e.Name)
				continue
			}
			if v != "" {
				cfg[e.Name] = v
			}
		}
		if len(missing) > 0 {
			return nil, cleanup, fmt.Errorf("%s needs %s: set %s, or add --sandbox to try crmport with the built-in emulator",
				reg.Name, strings.Join(missing, ", "), plural(len(missing), "it", "them"))
		}
	}
	hc := f.httpClient(opts.Timeout)
	v, err := reg.New(cfg, hc)
	if err != nil {
		cleanup()
		return nil, func() {}, fmt.Errorf("configure %s: %w", reg.Name, err)
	}
	stop := cleanup
	// Hang up the connections kept for reuse when the command is done: a
	// connection dialled but never used would keep the server (the
	// sandbox) waiting 5 s for it on shutdown.
	return v, func() { hc.CloseIdleConnections(); stop() }, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// vendors returns the registry the commands reach vendors through: the
// shipped vendors (crm/all), or f.Vendors when set (tests add a vendor).
func (f *factory) vendors() *crm.Registry {
	if f != nil && f.Vendors != nil {
		return f.Vendors
	}
	return all.Vendors()
}

// vendorReg returns the registration of vendor v (its facts), or a
// Registration holding just the name when v is unknown.
func (f *factory) vendorReg(v string) crm.Registration {
	if reg, err := f.vendors().Lookup(v); err == nil {
		return reg
	}
	return crm.Registration{Name: v}
}

// vendorTitle is the vendor's name as people write it ("SalesMan"), from
// the registry; an unknown name is returned as given.
func (f *factory) vendorTitle(v string) string {
	if reg := f.vendorReg(v); reg.Title != "" {
		return reg.Title
	}
	return v
}

// importTarget names the CRM an import writes to, for its journal: the
// vendor's address (CRMPORT_*_URL, or its default), or the sandbox. It
// holds no secret.
func (f *factory) importTarget(vendor string, useSandbox bool) string {
	if useSandbox {
		return importer.SandboxTarget
	}
	reg, err := f.vendors().Lookup(vendor)
	if err != nil {
		return ""
	}
	for _, e := range reg.Env {
		if !strings.HasSuffix(e.Name, "_URL") || e.Secret {
			continue
		}
		if v := strings.TrimRight(strings.TrimSpace(f.Getenv(e.Name)), "/"); v != "" {
			return v
		}
		return e.Default
	}
	return ""
}
