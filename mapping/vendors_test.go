package mapping

import (
	"strings"
	"testing"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
)

// vendors is the registry of the shipped vendors, which the mapping files
// of these tests name.
var vendors = all.Vendors()

// registration returns the registration of a shipped vendor.
func registration(name string) crm.Registration {
	reg, err := vendors.Lookup(name)
	if err != nil {
		panic(err)
	}
	return reg
}

// Every alias a vendor declares names a concept the header dictionary
// knows (else mapping init never meets it) and a field of the vendor's
// catalogue (else Guess skips it).
func TestVendorAliasesAreKnown(t *testing.T) {
	known := map[crm.Concept]bool{}
	for _, c := range concepts {
		known[c.name] = true
	}
	reg := all.Vendors()
	reg.Register(memvendor.Registration())
	for _, name := range reg.Names() {
		r, err := reg.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]bool{}
		for _, f := range r.Catalogue() {
			fields[f.Name] = true
		}
		if len(r.Aliases) == 0 {
			t.Errorf("%s declares no aliases: mapping init would place no column", name)
		}
		for c, list := range r.Aliases {
			if !known[c] {
				t.Errorf("%s: concept %q has no headers in mapping's dictionary", name, c)
			}
			for _, f := range list {
				if f = strings.TrimSuffix(f, "?"); !fields[f] {
					t.Errorf("%s: alias %s → %q is not in its catalogue", name, c, f)
				}
			}
		}
	}
}
