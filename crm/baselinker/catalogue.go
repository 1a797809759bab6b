package baselinker

import (
	"sort"
	"strconv"
	"strings"

	"github.com/crmport/crmport/crm"
)

// ExtraFieldPrefix starts the name of a custom extra field:
// "custom_extra_fields.12" is the extra field with id 12.
const ExtraFieldPrefix = "custom_extra_fields."

// addressSet is the invoice_*/delivery_* field set with its limits.
var addressSet = []struct {
	suffix string
	typ    crm.FieldType
	max    int
	desc   string
}{
	{"company", crm.TypeString, 500, "company name"},
	{"fullname", crm.TypeString, 500, "full name of the person"},
	{"address", crm.TypeString, 500, "street and number"},
	{"postcode", crm.TypeString, 20, "postcode"},
	{"city", crm.TypeString, 100, "city"},
	{"state", crm.TypeString, 35, "state or province"},
	{"country_code", crm.TypeCountry, 2, "country as a two-letter ISO code, e.g. PL"},
	{"tax_id", crm.TypeString, 50, "tax id (NIP); BaseLinker removes spaces and dashes"},
}

// Catalogue returns BaseLinker's CRM client fields (addCrmClient, seeds/000,
// and getCrmClients, seeds/003) with their documented limits. Custom extra
// fields of the account ("custom_extra_fields.<id>") are added by Fields.
func Catalogue() []crm.Field {
	f := []crm.Field{
		{Name: "crm_client_id", Label: "CRM client ID", Type: crm.TypeInt, ReadOnly: true, Active: true,
			Description: "BaseLinker's number for the client. Set by BaseLinker on create; use it as the key to update clients you exported."},
		{Name: "status_id", Label: "Status", Type: crm.TypeInt, Active: true,
			Description: "Client status, by its number in BaseLinker (see the statuses listed by `crmport fields --vendor baselinker`)."},
		{Name: "star", Label: "Star", Type: crm.TypeInt, Min: 0, Max: 5, Active: true,
			Description: "Star mark from 0 to 5; 0 means no star."},
		{Name: "contractor_id", Label: "Base Connect contractor", Type: crm.TypeInt, Active: true,
			Description: "Base Connect contractor number linked to the client (0 if none)."},
		{Name: "login", Label: "Login", Type: crm.TypeString, MaxLen: 156, Active: true,
			Description: "The client's login name (e.g. in your shop)."},
		{Name: "phone", Label: "Phone", Type: crm.TypePhone, MaxLen: 156, Multi: true, Active: true,
			Description: "Phone number. BaseLinker has one phone field: several numbers are joined with \", \"."},
		{Name: "email", Label: "Email", Type: crm.TypeEmail, MaxLen: 220, Active: true,
			Description: "E-mail address. crmport uses it to find clients again and never create them twice."},
		{Name: "notes", Label: "Notes", Type: crm.TypeText, Active: true,
			Description: "Free-text notes. Exported only with --with-notes (one extra request per client)."},
	}
	for _, kind := range []struct{ prefix, label, desc string }{
		{"invoice_", "Invoice", "for invoices"},
		{"delivery_", "Delivery", "for deliveries"},
	} {
		for _, a := range addressSet {
			d := strings.ToUpper(a.desc[:1]) + a.desc[1:] + " " + kind.desc + "."
			if a.suffix == "tax_id" && kind.prefix == "delivery_" {
				continue // BaseLinker has no delivery tax id
			}
			f = append(f, crm.Field{Name: kind.prefix + a.suffix, Label: kind.label + " " + strings.ReplaceAll(a.suffix, "_", " "),
				Type: a.typ, MaxLen: a.max, Active: true, Description: d})
		}
	}
	return f
}

// IsExtraField reports whether name is a custom extra field path
// ("custom_extra_fields.<id>" with a numeric id).
func IsExtraField(name string) bool {
	_, ok := extraFieldID(name)
	return ok
}

// extraFieldID returns the id of a custom_extra_fields.<id> path.
func extraFieldID(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, ExtraFieldPrefix)
	if !ok {
		return "", false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return "", false
	}
	return id, true
}

// catalogueIndex maps the static field names to their definitions.
var catalogueIndex = func() map[string]crm.Field {
	m := map[string]crm.Field{}
	for _, f := range Catalogue() {
		m[f.Name] = f
	}
	return m
}()

// sortNumeric sorts ids numerically (non-numbers last, alphabetically).
func sortNumeric(keys []string) {
	sort.Slice(keys, func(i, j int) bool {
		a, ea := strconv.ParseInt(keys[i], 10, 64)
		b, eb := strconv.ParseInt(keys[j], 10, 64)
		switch {
		case ea == nil && eb == nil:
			return a < b
		case ea == nil:
			return true
		case eb == nil:
			return false
		}
		return keys[i] < keys[j]
	})
}
