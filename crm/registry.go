package crm

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
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

	// The facts below are read by mapping, importer and the command
	// layer, which name no vendor themselves. All are optional.

	// Aliases says which fields keep each kind of column, best first, for
	// `crmport mapping init`; a field written "field?" is a fallback, used
	// only when no column claimed the field by a better match.
	Aliases map[Concept][]string
	// Strict4Byte: the vendor destroys characters outside the Basic
	// Multilingual Plane (emoji), so mapping rejects them before sending.
	Strict4Byte bool
	// Phone is what the vendor refuses in a phone number sent as written
	// (a mapping without `transform: [phone]`); the zero value refuses
	// nothing but the field's length.
	Phone PhoneRule
	// Home is the vendor's home market (ISO 3166-1 alpha-2, e.g. "RU"):
	// phone numbers without a country code are read as this country's
	// when neither the mapping nor the file says otherwise; "" = none.
	Home string
	// SwitchOn is where a person switches on a field the account has
	// switched off (Field.Active false), e.g. "Панель управления / Формы";
	// "" = the vendor's settings.
	SwitchOn string
	// Custom describes the fields an account defines itself, if any.
	Custom CustomFields
	// Normalize returns a value as the vendor stores it in field, so that
	// an upsert compares what it sends with what the vendor holds; nil =
	// values are stored as sent.
	Normalize func(field, value string) string
	// RetryNotice words a retried error the vendor explains in its own
	// way, given when crmport tries again (e.g. a blocked token, in the
	// user's clock); "" = the error's message is shown.
	RetryNotice func(e *Error, again time.Time) string
}

// PhoneRule is what a vendor refuses in a phone number it is sent as
// written.
type PhoneRule struct {
	MinDigits, MaxDigits int    // digits a number must have; 0 = no bound
	Chars                string // characters allowed besides digits and a leading "+"; "" = any
}

// CustomFields describes the fields an account adds to a vendor's
// catalogue, mapped as Prefix followed by their name or number.
type CustomFields struct {
	Prefix  string // "custom_fields."; "" = the vendor has none
	Noun    string // what the vendor calls one: "custom field", "extra field"
	Numeric bool   // named by number (custom_extra_fields.12), not by name
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

// Lookup returns the registration for name, or an error naming the vendor
// meant and listing the known ones: `unknown vendor "salesmen"; did you
// mean "salesman"? (known: baselinker, salesman, thulium)`.
func (r *Registry) Lookup(name string) (Registration, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	reg, ok := r.regs[key]
	if !ok {
		hint := ""
		if m := r.meant(key); m != "" {
			hint = fmt.Sprintf("; did you mean %q?", m)
		}
		return Registration{}, fmt.Errorf("unknown vendor %q%s (known: %s)", name, hint, strings.Join(r.Names(), ", "))
	}
	return reg, nil
}

// meant returns the one vendor name that shares its first four letters
// with key, or contains it or is contained in it: the likely typo
// ("salesmen", "thullium", "base"); "" when none or several do.
func (r *Registry) meant(key string) string {
	if len(key) < 3 {
		return ""
	}
	found := ""
	for _, n := range r.Names() {
		if (len(key) >= 4 && len(n) >= 4 && key[:4] == n[:4]) || strings.Contains(n, key) || strings.Contains(key, n) {
			if found != "" {
				return ""
			}
			found = n
		}
	}
	return found
}
