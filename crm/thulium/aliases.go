package thulium

import "github.com/crmport/crmport/crm"

// aliases says which field keeps each kind of column, best first, for
// `crmport mapping init` (a field written "field?" is a fallback; "field+"
// takes further columns of its kind too).
var aliases = map[crm.Concept][]string{
	crm.ConceptCompany:   {"surname?", "job?"},
	crm.ConceptFullName:  {"surname"},
	crm.ConceptFirstName: {"name"},
	crm.ConceptLastName:  {"surname"},
	crm.ConceptEmail:     {"email+"},        // several addresses: a list
	crm.ConceptPhone:     {"phone_number+"}, // several numbers: a list
	crm.ConceptMobile:    {"phone_number+"},
	crm.ConceptWebsite:   {"homepage"},
	crm.ConceptAddress:   {"address.street?"},
	crm.ConceptStreet:    {"address.street"},
	crm.ConceptBuilding:  {"address.building"},
	crm.ConceptFlat:      {"address.flat"},
	crm.ConceptCity:      {"address.city"},
	crm.ConceptPostcode:  {"address.postcode"},
	crm.ConceptCountry:   {"address.country"},
	crm.ConceptNIP:       {"nip"},
	crm.ConceptINN:       {"nip"},
	crm.ConceptPESEL:     {"pesel"},
	crm.ConceptNotes:     {"note"},
	crm.ConceptID:        {"identifier"},
	crm.ConceptBirthdate: {"birthdate"},
	crm.ConceptJobTitle:  {"job_title"},
	crm.ConceptEmployer:  {"job"},
	crm.ConceptGender:    {"gender"},
	crm.ConceptType:      {"type"},
	crm.ConceptGroup:     {"group"},
	crm.ConceptManager:   {"account_manager"},
	crm.ConceptVIP:       {"vip"},
}
