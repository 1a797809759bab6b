package mapping

import (
	"strings"
	"testing"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
	"github.com/crmport/crmport/sheet"
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
			if !known[crm.Concept(strings.TrimPrefix(string(c), string(crm.Delivery(""))))] {
				t.Errorf("%s: concept %q has no headers in mapping's dictionary", name, c)
			}
			for _, f := range list {
				if f = strings.TrimRight(f, "?+"); !fields[f] {
					t.Errorf("%s: alias %s → %q is not in its catalogue", name, c, f)
				}
			}
		}
	}
}

// The fields an account defines itself are the vendor's own
// (Registration.Custom): BaseLinker's numbered extra fields, Thulium's
// named custom fields; another vendor's prefix is an unknown field.
func TestCustomFieldsFollowTheRegistration(t *testing.T) {
	tests := []struct {
		vendor, field, want string
	}{
		{"baselinker", "custom_extra_fields.12", ""},
		{"baselinker", "custom_extra_fields.Kolor", `BaseLinker extra fields are named by their number, e.g. custom_extra_fields.12, not "custom_extra_fields.Kolor"`},
		{"baselinker", "custom_fields.Kolor", `unknown field "custom_fields.Kolor" for BaseLinker`},
		{"thulium", "custom_fields.Segment klienta", ""},
		{"thulium", "custom_extra_fields.12", `unknown field "custom_extra_fields.12" for Thulium`},
		{"salesman", "custom_fields.Kolor", `unknown field "custom_fields.Kolor" for SalesMan`},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+" "+tt.field, func(t *testing.T) {
			r := registration(tt.vendor)
			m, err := Parse("m.yaml", []byte("vendor: "+tt.vendor+"\nfields:\n  "+tt.field+": Kolor\n"), vendors)
			if err != nil {
				t.Fatal(err)
			}
			var problems []string
			for _, p := range Problems(m.Validate(r.Catalogue())) {
				if !strings.Contains(p.Error(), "requires field") {
					problems = append(problems, p.Error())
				}
			}
			if tt.want == "" {
				if len(problems) > 0 {
					t.Fatalf("unexpected problems: %v", problems)
				}
				return
			}
			if len(problems) != 1 || !strings.Contains(problems[0], tt.want) {
				t.Fatalf("problems %v, want one containing %q", problems, tt.want)
			}
		})
	}
}

// Each vendor's field for a tax or personal id gets the digits transform
// from mapping init: the vendor's aliases say which field that is.
func TestGuessSuggestsDigitsForEachVendorsIDField(t *testing.T) {
	header := []string{"NIP", "PESEL", "Miasto"}
	sample := []sheet.Row{{Line: 2, Cells: []sheet.Cell{{Text: "PL 525-000-12-34", Kind: sheet.KindText}, {Text: "44051401359", Kind: sheet.KindText}, {Text: "Łódź", Kind: sheet.KindText}}}}
	want := map[string]map[string]bool{
		"salesman":   {"recv.castInn": true},
		"thulium":    {"nip": true, "pesel": true},
		"baselinker": {"invoice_tax_id": true},
	}
	for vendor, fields := range want {
		reg := registration(vendor)
		g, err := Guess(reg, reg.Catalogue(), header, sample)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, c := range g.Columns {
			if c.Field == "" {
				continue
			}
			digits := strings.Join(c.Transforms, ",") == "digits"
			if fields[c.Field] != digits {
				t.Errorf("%s: column %q → %s has transforms %v", vendor, c.Header, c.Field, c.Transforms)
			}
			got[c.Field] = true
		}
		for f := range fields {
			if !got[f] {
				t.Errorf("%s: no column was placed in %s (columns: %+v)", vendor, f, g.Columns)
			}
		}
	}
}
