package crm

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// EnvVar documents one environment variable a vendor is configured with.
// Only cmd/crmport reads the environment; vendors get the values in cfg.
type EnvVar struct {
	Name        string // e.g. "CRMPORT_SALESMAN_URL"
	Description string // for --help and error messages
	Required    bool
	Secret      bool   // never printed
	Default     string // used when unset
}

// Registration describes one vendor to the registry.
type Registration struct {
	Name        string   // "salesman"
	Title       string   // the name as people write it: "SalesMan"
	Description string   // one line for help texts
	Env         []EnvVar // documented variables; the cmd layer reads them
	// New builds a client from cfg, keyed by EnvVar.Name, and an HTTP client
	// (which carries timeouts, --debug tracing and redaction).
	New func(cfg map[string]string, hc *http.Client) (Vendor, error)
	// Catalogue returns the vendor's static field catalogue (no network).
	Catalogue func() []Field
}

// Registry holds the known vendors.
type Registry struct {
	regs map[string]Registration
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{regs: map[string]Registration{}} }

// Register adds a vendor. It panics on a duplicate name (a programming error).
func (r *Registry) Register(reg Registration) {
	if _, dup := r.regs[reg.Name]; dup {
		panic("crm: vendor registered twice: " + reg.Name)
	}
	r.regs[reg.Name] = reg
}

// Names returns the registered vendor names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.regs))
	for n := range r.regs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the registration for name, or an error listing the known
// vendors: `unknown vendor "salesmen" (known: baselinker, salesman, thulium)`.
func (r *Registry) Lookup(name string) (Registration, error) {
	reg, ok := r.regs[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Registration{}, fmt.Errorf("unknown vendor %q (known: %s)", name, strings.Join(r.Names(), ", "))
	}
	return reg, nil
}
