package baselinker

import "github.com/crmport/crmport/crm"

// aliases says which field keeps each kind of column, best first, for
// `crmport mapping init` (a field written "field?" is a fallback; "field+"
// takes further columns of its kind too).
var aliases = map[crm.Concept][]string{
	crm.ConceptCompany:   {"invoice_company"},
	crm.ConceptFullName:  {"invoice_fullname"},
	crm.ConceptFirstName: {"invoice_fullname+"}, // first and last name joined
	crm.ConceptLastName:  {"invoice_fullname+"},
	crm.ConceptEmail:     {"email"},
	crm.ConceptPhone:     {"phone+"}, // several numbers in its one field
	crm.ConceptMobile:    {"phone+"},
	crm.ConceptAddress:   {"invoice_address"},
	crm.ConceptStreet:    {"invoice_address+"}, // street, house and flat joined
	crm.ConceptBuilding:  {"invoice_address+"},
	crm.ConceptFlat:      {"invoice_address+"},
	crm.ConceptCity:      {"invoice_city"},
	crm.ConceptPostcode:  {"invoice_postcode"},
	crm.ConceptState:     {"invoice_state"},
	crm.ConceptCountry:   {"invoice_country_code"},
	crm.ConceptNIP:       {"invoice_tax_id"},
	crm.ConceptINN:       {"invoice_tax_id"},
	crm.ConceptNotes:     {"notes"},
	crm.ConceptLogin:     {"login"},
	crm.ConceptRating:    {"star"},

	crm.Delivery(crm.ConceptCompany):   {"delivery_company"},
	crm.Delivery(crm.ConceptFullName):  {"delivery_fullname"},
	crm.Delivery(crm.ConceptFirstName): {"delivery_fullname+"},
	crm.Delivery(crm.ConceptLastName):  {"delivery_fullname+"},
	crm.Delivery(crm.ConceptAddress):   {"delivery_address"},
	crm.Delivery(crm.ConceptStreet):    {"delivery_address+"},
	crm.Delivery(crm.ConceptBuilding):  {"delivery_address+"},
	crm.Delivery(crm.ConceptFlat):      {"delivery_address+"},
	crm.Delivery(crm.ConceptCity):      {"delivery_city"},
	crm.Delivery(crm.ConceptPostcode):  {"delivery_postcode"},
	crm.Delivery(crm.ConceptState):     {"delivery_state"},
	crm.Delivery(crm.ConceptCountry):   {"delivery_country_code"},
}
