package salesman

import "github.com/crmport/crmport/crm"

// aliases says which field keeps each kind of column, best first, for
// `crmport mapping init` (a field written "field?" is a fallback; "field+"
// takes further columns of its kind too). uid is the user's own id for the
// client (ID, Nr klienta, Код), never a tax id.
var aliases = map[crm.Concept][]string{
	crm.ConceptCompany:   {"title"},
	crm.ConceptFullName:  {"title?"},
	crm.ConceptLastName:  {"title?"},
	crm.ConceptEmail:     {"mail_url+"}, // several addresses: a list
	crm.ConceptPhone:     {"phone+"},    // several numbers: a list
	crm.ConceptMobile:    {"phone+"},
	crm.ConceptFax:       {"fax"},
	crm.ConceptWebsite:   {"site_url"},
	crm.ConceptAddress:   {"address+"},
	crm.ConceptStreet:    {"address+"}, // the parts of an address joined into one text
	crm.ConceptBuilding:  {"address+"},
	crm.ConceptFlat:      {"address+"},
	crm.ConceptPostcode:  {"address+"},
	crm.ConceptCity:      {"address+"},
	crm.ConceptCountry:   {"address+"},
	crm.ConceptState:     {"territory"},
	crm.ConceptNIP:       {"recv.castInn?"},
	crm.ConceptINN:       {"recv.castInn"},
	crm.ConceptKPP:       {"recv.castKpp"},
	crm.ConceptOGRN:      {"recv.castOgrn"},
	crm.ConceptOKPO:      {"recv.castOkpo"},
	crm.ConceptBIK:       {"recv.castBankBik"},
	crm.ConceptBank:      {"recv.castBank"},
	crm.ConceptAccount:   {"recv.castBankRs"},
	crm.ConceptCorrAcc:   {"recv.castBankKs"},
	crm.ConceptLegalName: {"recv.castUrName"},
	crm.ConceptLegalAddr: {"recv.castUrAddr"},
	crm.ConceptNotes:     {"des"},
	crm.ConceptID:        {"uid"},
	crm.ConceptCreated:   {"date_create"},
	crm.ConceptStatus:    {"tip_cmr"},
	crm.ConceptType:      {"type"},
	crm.ConceptCategory:  {"idcategory"},
	crm.ConceptSource:    {"clientpath"},
	crm.ConceptManager:   {"user"},
}
