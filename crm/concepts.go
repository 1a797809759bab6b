package crm

// Concept is a kind of column people keep in contact spreadsheets: the
// company, an e-mail, a Russian INN. `crmport mapping init` recognises a
// column's concept by its header (package mapping holds the Polish,
// Russian and English headers of each concept) or by its values, then
// looks in the vendor's Registration.Aliases for the field that keeps it.
type Concept string

// Delivery is concept c of a delivery (shipping) address: "Shipping City",
// "Miasto dostawy", "Город доставки". A vendor that keeps a delivery
// address apart names its fields under Delivery(c) in its Aliases; for
// other vendors such columns are left out, not mixed into the main address.
func Delivery(c Concept) Concept { return "delivery." + c }

// The concepts mapping init knows.
const (
	ConceptCompany   Concept = "company"
	ConceptFullName  Concept = "fullname"
	ConceptFirstName Concept = "firstname"
	ConceptLastName  Concept = "lastname"
	ConceptEmail     Concept = "email"
	ConceptPhone     Concept = "phone"
	ConceptMobile    Concept = "mobile"
	ConceptFax       Concept = "fax"
	ConceptWebsite   Concept = "www"
	ConceptAddress   Concept = "address"
	ConceptStreet    Concept = "street"
	ConceptBuilding  Concept = "building"
	ConceptFlat      Concept = "flat"
	ConceptCity      Concept = "city"
	ConceptPostcode  Concept = "postcode"
	ConceptState     Concept = "state"
	ConceptCountry   Concept = "country"
	ConceptNIP       Concept = "nip"       // Polish tax id
	ConceptINN       Concept = "inn"       // Russian tax id
	ConceptKPP       Concept = "kpp"       // Russian tax registration reason code
	ConceptOGRN      Concept = "ogrn"      // Russian state registration number
	ConceptOKPO      Concept = "okpo"      // Russian statistics code
	ConceptBIK       Concept = "bik"       // Russian bank code
	ConceptBank      Concept = "bank"      // bank name
	ConceptAccount   Concept = "rs"        // settlement account
	ConceptCorrAcc   Concept = "ks"        // correspondent account
	ConceptLegalName Concept = "legalname" // registered name
	ConceptLegalAddr Concept = "legaladdr" // registered address
	ConceptPESEL     Concept = "pesel"     // Polish personal id
	ConceptNotes     Concept = "notes"
	ConceptID        Concept = "id" // the user's own client id
	ConceptBirthdate Concept = "birthdate"
	ConceptCreated   Concept = "created"
	ConceptJobTitle  Concept = "jobtitle"
	ConceptEmployer  Concept = "employer"
	ConceptGender    Concept = "gender"
	ConceptStatus    Concept = "status"
	ConceptType      Concept = "type"
	ConceptGroup     Concept = "group"
	ConceptCategory  Concept = "category"
	ConceptSource    Concept = "source"
	ConceptManager   Concept = "manager"
	ConceptLogin     Concept = "login"
	ConceptRating    Concept = "rating"
	ConceptVIP       Concept = "vip"
)
