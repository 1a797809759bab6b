package memvendor

import (
	"net/http"

	"github.com/crmport/crmport/crm"
)

// The variables the client is configured with.
const (
	EnvURL   = "CRMPORT_MEMVENDOR_URL"   // the fake's root address
	EnvToken = "CRMPORT_MEMVENDOR_TOKEN" // Token
)

// Registration describes memvendor to a registry, with every vendor fact
// crmport reads, so that tests can register it as a fourth vendor beside
// the shipped three (crm/all does not list it).
func Registration() crm.Registration {
	return crm.Registration{
		Name:        "memvendor",
		Title:       "MemVendor",
		Description: "in-memory test vendor (tests only)",
		Env: []crm.EnvVar{
			{Name: EnvURL, Description: "the fake's root address", Required: true},
			{Name: EnvToken, Description: "the fake's token", Required: true, Secret: true},
		},
		New: func(cfg map[string]string, hc *http.Client) (crm.Vendor, error) {
			return NewClient(cfg[EnvURL]+Path, cfg[EnvToken], hc), nil
		},
		Catalogue: Catalogue,
		Aliases: map[crm.Concept][]string{
			crm.ConceptCompany:  {"name"},
			crm.ConceptFullName: {"name?"},
			crm.ConceptEmail:    {"email"},
			crm.ConceptPhone:    {"phone"},
			crm.ConceptMobile:   {"phone?"},
			crm.ConceptCity:     {"city"},
			crm.ConceptNotes:    {"note"},
		},
		// The fake stores emoji as sent; the rule is on so that tests see
		// it reach mapping from the registration.
		Strict4Byte: true,
		SwitchOn:    "Settings / Fields",
	}
}

// Catalogue returns the fields the fake serves at /api/fields.
func Catalogue() []crm.Field {
	return []crm.Field{
		{Name: "id", Type: crm.TypeString, ReadOnly: true, Active: true},
		{Name: "name", Type: crm.TypeString, MaxLen: 100, Required: true, Active: true},
		{Name: "email", Type: crm.TypeEmail, MaxLen: 100, Active: true},
		{Name: "phone", Type: crm.TypePhone, MaxLen: 30, Active: true},
		{Name: "city", Type: crm.TypeString, MaxLen: 100, Active: true},
		{Name: "note", Type: crm.TypeText, Active: true},
	}
}

// SampleCSV is a small contacts file (Polish headers, semicolons) whose
// five columns mapping init places on memvendor's fields; its second row
// holds an emoji, which Strict4Byte refuses.
const SampleCSV = "Firma;E-mail;Telefon;Miasto;Uwagi\n" +
	"Acme sp. z o.o.;biuro@acme.pl;601 234 567;Kraków;stały klient\n" +
	"Kwiaciarnia 🌸;kwiaty@example.pl;602 345 678;Gdańsk;\n" +
	"Beta;beta@example.pl;+48 603 456 789;Łódź;nowy\n"
