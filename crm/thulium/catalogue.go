package thulium

import (
	"strings"

	"github.com/crmport/crmport/crm"
)

// CustomFieldPrefix starts the name of a Thulium custom field in records and
// mappings: "custom_fields.Kraj" is the custom field named "Kraj".
const CustomFieldPrefix = "custom_fields."

// addressKinds are the three address objects of a customer.
var addressKinds = []struct{ name, label, desc string }{
	{"address", "Adres", "the customer's address"},
	{"invoice_address", "Adres do faktur", "the address printed on invoices"},
	{"mail_drop_address", "Adres korespondencyjny", "the address for letters"},
}

// addressParts are the parts of each address object.
var addressParts = []struct{ name, label, desc string }{
	{"street", "Nazwa ulicy", "street name"},
	{"building", "Numer budynku", "building number"},
	{"flat", "Numer mieszkania", "flat number"},
	{"postcode", "Kod pocztowy", "postcode, e.g. 31-827"},
	{"city", "Miasto", "city"},
	{"country", "Kraj", "country"},
}

// Catalogue returns Thulium's static customer fields (POST /api/customers,
// seeds/001 and VENDOR-APIS.md §2.3). Thulium documents no length limits,
// so MaxLen is 0 everywhere. Custom fields are dynamic: any
// "custom_fields.<Name>" is allowed (see IsDynamicField); the entry named
// "custom_fields.*" describes them.
func Catalogue() []crm.Field {
	f := []crm.Field{
		{Name: "customer_id", Label: "ID klienta", Type: crm.TypeString, ReadOnly: true, Active: true,
			Description: "Thulium's number for the customer. Set by Thulium; use it as the key to update customers you exported."},
		{Name: "surname", Label: "Nazwisko", Type: crm.TypeString, Required: true, Active: true,
			Description: "Surname (family name). Required: Thulium refuses a customer without it. For a company put the company name here."},
		{Name: "name", Label: "Imię", Type: crm.TypeString, Active: true,
			Description: "First name."},
		{Name: "email", Label: "Adres e-mail", Type: crm.TypeEmail, Multi: true, Active: true,
			Description: "E-mail address; several addresses are allowed."},
		{Name: "phone_number", Label: "Numer telefonu", Type: crm.TypePhone, Multi: true, Active: true,
			Description: "Phone number; several numbers are allowed. Thulium checks the format and refuses numbers it cannot read."},
		{Name: "company_id", Label: "Identyfikator firmy", Type: crm.TypeString, Active: true,
			Description: "Thulium's number of the company the customer belongs to (the company must already exist)."},
		{Name: "type", Label: "Typ klienta", Type: crm.TypeString, Active: true,
			Description: "Customer type, by its name as defined in Thulium (it must already exist there)."},
		{Name: "group", Label: "Grupa klienta", Type: crm.TypeString, Active: true,
			Description: "Customer group, by its name as defined in Thulium (it must already exist there)."},
		{Name: "identifier", Label: "Identyfikator klienta", Type: crm.TypeString, Active: true,
			Description: "Your own id for the customer (e.g. the id from your old system). Strongly recommended: crmport uses it to find customers again and never create them twice."},
		{Name: "gender", Label: "Płeć", Type: crm.TypeString, Active: true,
			Description: "Gender."},
		{Name: "homepage", Label: "Strona WWW", Type: crm.TypeString, Active: true,
			Description: "Web site address."},
		{Name: "birthdate", Label: "Data urodzenia", Type: crm.TypeDate, Active: true,
			Description: "Date of birth, sent as YYYY-MM-DD."},
		{Name: "nip", Label: "NIP", Type: crm.TypeString, Active: true,
			Description: "Polish tax id (NIP). Thulium checks the format."},
		{Name: "note", Label: "Notatka", Type: crm.TypeText, Active: true,
			Description: "Free-text note about the customer."},
		{Name: "pesel", Label: "PESEL", Type: crm.TypeString, Active: true,
			Description: "Polish personal id number (PESEL)."},
		{Name: "job", Label: "Miejsce pracy", Type: crm.TypeString, Active: true,
			Description: "Workplace (employer)."},
		{Name: "job_title", Label: "Stanowisko", Type: crm.TypeString, Active: true,
			Description: "Job title."},
		{Name: "account_manager", Label: "Opiekun klienta", Type: crm.TypeString, Active: true,
			Description: "Login of the Thulium user who looks after the customer."},
		{Name: "vip", Label: "VIP", Type: crm.TypeBool, Active: true,
			Description: "VIP customer: true or false."},
		{Name: "fill_read_only_custom_fields", Label: "Wypełnij pola tylko do odczytu", WriteOnly: true, Type: crm.TypeBool, Active: true,
			Description: "Set to true to fill custom fields that are read-only in Thulium as well (otherwise Thulium skips them)."},
	}
	for _, a := range addressKinds {
		for _, p := range addressParts {
			f = append(f, crm.Field{
				Name: a.name + "." + p.name, Label: a.label + ": " + p.label, Type: crm.TypeString, Active: true,
				Description: strings.ToUpper(p.desc[:1]) + p.desc[1:] + " in " + a.desc + ".",
			})
		}
	}
	f = append(f,
		crm.Field{Name: "updated_at", Label: "Ostatnia zmiana", Type: crm.TypeString, ReadOnly: true, Active: true,
			Description: "When the customer was last changed, as Thulium reports it (export only)."},
		crm.Field{Name: "company_flag", Label: "Firma (znacznik)", Type: crm.TypeString, ReadOnly: true, Active: true,
			Description: "Whether the customer is a company, as Thulium reports it in lists (export only; a filter of GET /api/customers)."},
		crm.Field{Name: CustomFieldPrefix + "*", Label: "Pola specjalne", Type: crm.TypeString, Active: true,
			Description: "Any custom field of your Thulium system: write custom_fields.<Name> with the field's name exactly as Thulium shows it (spaces and Polish letters allowed), e.g. custom_fields.Kraj. The field must already exist in Thulium."},
	)
	return f
}

// IsDynamicField reports whether name is a custom field path
// ("custom_fields.<Name>" with a non-empty name), which Thulium accepts
// for any custom field defined in the account.
func IsDynamicField(name string) bool {
	rest, ok := strings.CutPrefix(name, CustomFieldPrefix)
	return ok && strings.TrimSpace(rest) != "" && rest != "*"
}

// catalogueIndex maps the static field names to their definitions.
var catalogueIndex = func() map[string]crm.Field {
	m := map[string]crm.Field{}
	for _, f := range Catalogue() {
		if !strings.HasSuffix(f.Name, "*") {
			m[f.Name] = f
		}
	}
	return m
}()
