package mapping

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// concept is a kind of column people keep in contact spreadsheets, with
// the headers they give it (Polish, Russian, English). The field each
// vendor keeps it in is the vendor's fact: crm.Registration.Aliases.
type concept struct {
	name crm.Concept
	syn  []string
}

var concepts = []concept{
	{crm.ConceptCompany, []string{"firma", "nazwa firmy", "nazwa", "company", "company name", "organization", "organisation", "kontrahent", "klient", "client", "customer", "компания", "организация", "название", "наименование", "название компании", "наименование организации", "контрагент", "клиент", "nazwa klienta", "business name", "account name", "nazwa kontrahenta"}},
	{crm.ConceptFullName, []string{"imie i nazwisko", "nazwisko i imie", "imie nazwisko", "full name", "fullname", "name surname", "contact name", "contact person", "osoba kontaktowa", "фио", "фамилия имя отчество", "контактное лицо", "name"}},
	{crm.ConceptFirstName, []string{"imie", "first name", "firstname", "given name", "имя", "forename"}},
	{crm.ConceptLastName, []string{"nazwisko", "last name", "lastname", "surname", "family name", "фамилия"}},
	{crm.ConceptEmail, []string{"email", "e mail", "mail", "adres e mail", "adres email", "poczta", "poczta e mail", "e mail address", "email address", "почта", "эл почта", "эл адрес", "электронный адрес", "электронная почта", "e mail адрес", "емейл", "имейл"}},
	{crm.ConceptPhone, []string{"telefon", "tel", "nr tel", "nr telefonu", "numer telefonu", "telefon kontaktowy", "phone", "phone number", "telephone", "tel no", "телефон", "тел", "контактный телефон", "номер телефона", "телефоны", "phones", "telefony"}},
	{crm.ConceptMobile, []string{"komorka", "tel kom", "telefon komorkowy", "nr komorki", "mobile", "mobile phone", "cell", "cell phone", "мобильный", "мобильный телефон", "сотовый", "моб тел"}},
	{crm.ConceptFax, []string{"fax", "faks", "факс"}},
	{crm.ConceptWebsite, []string{"www", "strona www", "strona internetowa", "strona", "website", "web site", "web", "site", "url", "сайт", "веб сайт"}},
	{crm.ConceptAddress, []string{"adres", "address", "адрес", "почтовый адрес", "фактический адрес", "adres pocztowy", "full address"}},
	{crm.ConceptStreet, []string{"ulica", "ulica i numer", "street", "street address", "улица", "adres ulica", "address line", "address line 1", "address line 2", "address 1", "address 2", "adres 2", "adres cd", "ulica 2", "street 2", "adres linia 2"}},
	{crm.ConceptBuilding, []string{"nr domu", "numer domu", "budynek", "nr budynku", "house number", "building", "house no", "дом", "номер дома"}},
	{crm.ConceptFlat, []string{"nr lokalu", "numer lokalu", "lokal", "nr mieszkania", "numer mieszkania", "mieszkanie", "flat", "apartment", "квартира", "офис"}},
	{crm.ConceptCity, []string{"miasto", "miejscowosc", "city", "town", "город", "населенный пункт"}},
	{crm.ConceptPostcode, []string{"kod pocztowy", "kod", "kod poczt", "postcode", "post code", "postal code", "zip", "zip code", "индекс", "почтовый индекс"}},
	{crm.ConceptState, []string{"wojewodztwo", "region", "state", "province", "county", "область", "регион", "край"}},
	{crm.ConceptCountry, []string{"kraj", "panstwo", "country", "страна", "country code", "kod kraju", "kraj region", "country region"}},
	{crm.ConceptNIP, []string{"nip", "nr nip", "numer nip", "vat id", "tax id", "vat number", "vat", "tax number", "nip firmy", "vat no"}},
	{crm.ConceptINN, []string{"инн", "inn", "инн клиента", "инн организации"}},
	{crm.ConceptKPP, []string{"кпп", "kpp"}},
	{crm.ConceptOGRN, []string{"огрн", "огрнип", "ogrn"}},
	{crm.ConceptOKPO, []string{"окпо", "okpo"}},
	{crm.ConceptBIK, []string{"бик", "бик банка", "bik"}},
	{crm.ConceptBank, []string{"банк", "bank", "наименование банка"}},
	{crm.ConceptAccount, []string{"расчетный счет", "р с", "рс", "расч счет"}},
	{crm.ConceptCorrAcc, []string{"корр счет", "корреспондентский счет", "к с", "кс", "кор счет"}},
	{crm.ConceptLegalName, []string{"юридическое название", "полное наименование", "юридическое наименование", "юр название", "nazwa pelna", "pelna nazwa", "legal name"}},
	{crm.ConceptLegalAddr, []string{"юридический адрес", "юр адрес", "adres siedziby", "adres rejestrowy", "legal address", "registered address"}},
	{crm.ConceptPESEL, []string{"pesel"}},
	{crm.ConceptNotes, []string{"uwagi", "notatki", "notatka", "opis", "komentarz", "notes", "note", "comment", "comments", "description", "remarks", "примечание", "примечания", "комментарий", "описание", "заметки"}},
	{crm.ConceptID, []string{"id", "nr klienta", "numer klienta", "id klienta", "identyfikator", "kod klienta", "customer id", "client id", "customer number", "external id", "код", "код клиента", "ид", "номер клиента", "идентификатор", "customer no", "client no", "account number", "symbol", "nr kontrahenta", "kod kontrahenta", "symbol kontrahenta"}},
	{crm.ConceptBirthdate, []string{"data urodzenia", "urodziny", "birthday", "date of birth", "birth date", "birthdate", "дата рождения", "день рождения"}},
	{crm.ConceptCreated, []string{"data utworzenia", "data dodania", "data rejestracji", "created", "date created", "created at", "creation date", "дата создания", "дата регистрации", "дата добавления", "добавлен"}},
	{crm.ConceptJobTitle, []string{"stanowisko", "job title", "position", "должность", "organization title", "organisation title"}},
	{crm.ConceptEmployer, []string{"miejsce pracy", "pracodawca", "employer", "место работы"}},
	{crm.ConceptGender, []string{"plec", "gender", "sex", "пол"}},
	{crm.ConceptStatus, []string{"status", "status klienta", "typ relacji", "тип отношений", "статус", "этап"}},
	{crm.ConceptType, []string{"typ", "type", "typ klienta", "тип", "тип клиента", "тип записи"}},
	{crm.ConceptGroup, []string{"grupa", "group", "группа", "grupa klientow"}},
	{crm.ConceptCategory, []string{"kategoria", "branza", "industry", "category", "sector", "отрасль", "категория", "сфера", "сфера деятельности"}},
	{crm.ConceptSource, []string{"zrodlo", "zrodlo klienta", "source", "lead source", "источник", "источник клиента"}},
	{crm.ConceptManager, []string{"opiekun", "opiekun klienta", "handlowiec", "account manager", "owner", "sales rep", "ответственный", "менеджер"}},
	{crm.ConceptLogin, []string{"login", "логин", "nazwa uzytkownika", "username", "user name"}},
	{crm.ConceptRating, []string{"ocena", "gwiazdki", "rating", "stars", "star", "рейтинг", "оценка"}},
	{crm.ConceptVIP, []string{"vip"}},
}

// foldedSyns holds each concept's synonyms folded (foldKey), by concept.
// Built on first use: folding them takes ~5 ms, which every command paid
// at start-up when it was a package variable, guessing or not.
var foldedSyns = sync.OnceValue(func() [][]string {
	out := make([][]string, len(concepts))
	for i, c := range concepts {
		for _, s := range c.syn {
			out[i] = append(out[i], foldKey(s))
		}
	}
	return out
})

// synIndex maps a folded synonym to the concept that uses it first.
var synIndex = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	for i, syns := range foldedSyns() {
		for _, k := range syns {
			if _, dup := m[k]; !dup {
				m[k] = i
			}
		}
	}
	return m
})

// GuessedColumn is what Guess decided for one column of the file.
type GuessedColumn struct {
	Header     string   // the column's header as in the file
	Field      string   // vendor field; "" when the column could not be placed
	Reason     string   // "header" (recognised by its name) or "values" (by what its cells hold)
	Transforms []string // suggested transforms
	Split      string   // separators when cells hold several values
	Date       string   // date layout seen in the cells (Go layout), if any
	Join       string   // when several columns feed Field: how they are joined ("" = one value each, a list)
	// Off is the field that would fit the column but is switched off on
	// the account (Active false, e.g. SalesMan's des or territory on a
	// fresh install); Field is then "" and YAML writes the line commented
	// out with a note on how to switch the field on.
	Off string
}

// Guessed is a mapping guessed by Guess, for `crmport mapping init`.
type Guessed struct {
	Vendor  string
	Region  string          // phone region guessed from the headers' language and the numbers
	Columns []GuessedColumn // one per header column, in file order
	Missing []string        // required vendor fields no column feeds
	Key     string          // suggested key: your own id field, else the e-mail field, when the sample holds it once per row; "" if none
	Info    *sheet.Info     // how the file was read, if the caller sets it (shown as comments)

	keyShared bool // Key is an e-mail: colleagues may share one, so YAML proposes it commented out

	reg    crm.Registration  // the vendor's facts, for YAML's notes
	labels map[string]string // catalogue labels of the Off fields, for YAML's notes
}

// Guess guesses a mapping for vendor from a file's header and its first
// rows: each header is matched against the catalogue's own names and
// labels and a Polish/Russian/English synonym dictionary (case, accents,
// punctuation and column numbers ignored) to the one kind of column it
// names best; reg.Aliases says which of the vendor's fields keeps that
// kind. A field is offered a column only when the sample's values fit it
// (a number field gets numbers, a phone field phone numbers). Columns
// whose header names nothing are recognised by their values (e-mails,
// phones, postcodes, tax ids, countries). A field is used once, except
// one its alias marks "field+": further columns of such a kind join it —
// a list for a multi-valued field (Telefon + Komórka → phone), else one
// text (Ulica + Kod pocztowy + Miasto → address).
func Guess(reg crm.Registration, fields []crm.Field, header []string, sample []sheet.Row) (*Guessed, error) {
	if len(header) == 0 {
		return nil, fmt.Errorf("the file has no header row to guess a mapping from; check that the first row holds the column names")
	}
	g := &Guessed{Vendor: reg.Name, Region: guessRegion(header, sample), reg: reg}
	g.Columns = make([]GuessedColumn, len(header))
	have := map[string]*crm.Field{}
	for i := range fields {
		have[fields[i].Name] = &fields[i]
	}
	// active reports whether a field may be mapped: catalogues that set
	// Active on no field at all are taken as all on.
	anyActive := false
	for i := range fields {
		anyActive = anyActive || fields[i].Active
	}
	active := func(name string) bool {
		f := have[name]
		return f == nil || f.Active || !anyActive
	}
	fits := func(name string, col int) bool {
		return valuesFit(have[name], reg, col, sample, g.Region)
	}
	type cand struct {
		col      int
		field    string
		score    int
		fallback bool
		join     bool // "field+": further columns of this kind join the field
	}
	var cands []cand
	// listField: fields an alias marks "field+" (several columns join
	// them), however a column found them — by the dictionary, or by the
	// field's own name or label (SalesMan's phone is labelled Телефон).
	listField := map[string]bool{}
	for _, as := range reg.Aliases {
		for _, a := range as {
			if name, ok := strings.CutSuffix(a, "+"); ok {
				listField[strings.TrimSuffix(name, "?")] = true
			}
		}
	}
	best := make([]int, len(header)) // the concept each header names best, -1 = none
	named := make([]bool, len(header))
	deliv := make([]bool, len(header)) // the header names a part of a delivery address
	score := make([]int, len(header))  // how well: 90 an exact synonym; 30 recognised by its values
	for i, h := range header {
		g.Columns[i].Header = h
		best[i] = -1
		key := foldKey(h)
		if key == "" {
			continue
		}
		// 1. the vendor's own field name or label (an exported file)
		for _, f := range fields {
			if h == f.Name || (f.Label != "" && key == foldKey(f.Label)) {
				if !strings.HasSuffix(f.Name, "*") && !f.ReadOnly && fits(f.Name, i) {
					cands = append(cands, cand{col: i, field: f.Name, score: 100, join: listField[f.Name]})
					named[i] = true
				}
			}
		}
		if named[i] {
			continue
		}
		// 2. the dictionary: the kind of column the header names best
		var rest string
		rest, deliv[i] = cutDelivery(key)
		best[i], score[i] = headerConcept(rest)
		named[i] = best[i] >= 0
	}
	// A full name column and separate first and last name columns say the
	// same: a vendor with a first-name field takes the parts, another the
	// whole.
	hasConcept := func(c crm.Concept) bool {
		for _, b := range best {
			if b >= 0 && concepts[b].name == c {
				return true
			}
		}
		return false
	}
	for i, b := range best {
		if b < 0 || deliv[i] {
			continue
		}
		switch concepts[b].name {
		case crm.ConceptFullName:
			if len(reg.Aliases[crm.ConceptFirstName]) > 0 && hasConcept(crm.ConceptFirstName) && hasConcept(crm.ConceptLastName) {
				best[i] = -1
			}
		case crm.ConceptFirstName, crm.ConceptLastName:
			if len(reg.Aliases[crm.ConceptFirstName]) == 0 && hasConcept(crm.ConceptFullName) {
				best[i] = -1
			}
		}
	}
	// 3. the values of the columns whose header names nothing
	for i := range header {
		if named[i] {
			continue
		}
		c := sniff(i, sample, g.Region)
		for ci := range concepts {
			if concepts[ci].name == c {
				best[i], score[i] = ci, 30 // below any header
			}
		}
	}
	for i, b := range best {
		if b < 0 {
			continue
		}
		concept := concepts[b].name
		if deliv[i] {
			concept = crm.Delivery(concept)
		}
		for _, f := range reg.Aliases[concept] {
			name, join := strings.CutSuffix(f, "+")
			name, fb := strings.CutSuffix(name, "?")
			if (have[name] == nil && len(fields) > 0) || !fits(name, i) {
				continue
			}
			cands = append(cands, cand{col: i, field: name, score: score[i], fallback: fb, join: join})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].fallback != cands[b].fallback {
			return !cands[a].fallback
		}
		return cands[a].score > cands[b].score
	})
	used := map[string]bool{}     // field → taken
	joinable := map[string]bool{} // field → taken by a "field+" alias: more columns may join
	offUsed := map[string]bool{}
	for _, c := range cands {
		col := &g.Columns[c.col]
		if col.Field != "" {
			continue
		}
		reason := "header"
		if !named[c.col] {
			reason = "values"
		}
		if !active(c.field) {
			// remembered in case no active field claims the column
			if col.Off == "" && !offUsed[c.field] {
				col.Off, col.Reason, offUsed[c.field] = c.field, reason, true
			}
			continue
		}
		if used[c.field] && !(c.join && joinable[c.field]) {
			continue
		}
		used[c.field], joinable[c.field] = true, c.join
		col.Field, col.Reason = c.field, reason
		col.Join = joinFor(concepts[max(best[c.col], 0)].name, have[c.field])
	}
	for i := range g.Columns {
		c := &g.Columns[i]
		if c.Field != "" {
			c.Off = "" // an active field claimed the column after all
		}
		if c.Field == "" && c.Off == "" {
			continue
		}
		f := have[c.Field]
		if c.Field == "" {
			f = have[c.Off]
			if f != nil && f.Label != "" && f.Label != f.Name {
				if g.labels == nil {
					g.labels = map[string]string{}
				}
				g.labels[c.Off] = f.Label
			}
		}
		c.Transforms, c.Split, c.Date = suggestTransforms(f, i, sample, digitFields(reg))
	}
	g.Key, g.keyShared = proposeKey(g, reg, sample)
	for _, f := range fields {
		if f.Required && !f.ReadOnly && !used[f.Name] {
			g.Missing = append(g.Missing, f.Name)
		}
	}
	return g, nil
}

// headerConcept finds the kind of column a folded header names best: an
// exact synonym (90), else the longest synonym found in it as whole words,
// column numbers ignored ("Phone 2 - Value" → phone). A general word for an
// address yields to the part it qualifies ("Address 1 - City" is a city).
func headerConcept(key string) (concept, score int) {
	words := stripNumbers(key)
	concept = -1
	for ci, c := range concepts {
		s := 0
		for _, fs := range foldedSyns()[ci] {
			switch {
			case fs == key:
				s = max(s, 90)
			case fs == words:
				s = max(s, 85) // "Telefon 2"; below "address 2" said whole
			case containsWords(words, fs) || containsWords(key, fs):
				n := 40 + len(fs)
				if c.name == crm.ConceptAddress || (c.name == crm.ConceptStreet && strings.HasPrefix(fs, "address")) {
					n = 30 + len(fs) // "address …" qualifies the part named with it
				}
				s = max(s, n)
			}
		}
		if s > score {
			concept, score = ci, s
		}
	}
	return concept, score
}

// deliveryWords qualify a header as part of a delivery (shipping) address.
var deliveryWords = []string{"shipping", "delivery", "ship to", "dostawy", "dostawa", "do dostawy", "wysylki", "do wysylki", "wysylka", "доставки", "доставка"}

// cutDelivery removes a delivery qualifier from a folded header: "shipping
// city" → "city", true; "adres dostawy" → "adres", true.
func cutDelivery(key string) (string, bool) {
	for _, w := range deliveryWords {
		if containsWords(key, w) {
			rest := strings.Join(strings.Fields(strings.Replace(" "+key+" ", " "+w+" ", " ", 1)), " ")
			if rest == "" {
				rest = "address" // "Delivery": the whole address
			}
			return rest, true
		}
	}
	return key, false
}

// stripNumbers drops the words of a folded key that are only digits
// ("phone 2 value" → "phone value").
func stripNumbers(key string) string {
	fs := strings.Fields(key)
	out := fs[:0]
	for _, w := range fs {
		if digitsOnly(w) != w {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// joinFor is how the columns of a composite field are joined: names with
// a space ("Jan Kowalski"), the parts of an address with ", "; nothing
// for a multi-valued field, whose columns give one value each.
func joinFor(c crm.Concept, f *crm.Field) string {
	switch {
	case f != nil && f.Multi:
		return ""
	case c == crm.ConceptFirstName || c == crm.ConceptLastName || c == crm.ConceptFullName:
		return " "
	}
	return ", "
}

// valuesFit reports whether the sample's values of col fit field f: at
// least 4 of 5 non-blank cells convert as an import would convert them
// (a number field takes numbers, a phone field phone numbers, an enum
// field its values). Text fields take anything; no sample fits anything.
func valuesFit(f *crm.Field, reg crm.Registration, col int, sample []sheet.Row, region string) bool {
	if f == nil {
		return true
	}
	switch f.Type {
	case crm.TypeString, crm.TypeText:
		return true
	}
	fm := &FieldMap{Field: f.Name}
	conv := converterFor(f, fm, reg, region)
	conv.maxLen, conv.strict4 = 0, false // too long is the person's to shorten, not a wrong column
	n, ok := 0, 0
	for _, r := range sample {
		if col >= len(r.Cells) {
			continue
		}
		c := r.Cells[col]
		t := trimSpace(c.Text)
		if t == "" {
			continue
		}
		n++
		if _, err := conv.convert(&c, t); err == nil {
			ok++
		}
	}
	return ok*5 >= n*4
}

// proposeKey proposes the field that finds a client again (`key:`): the
// user's own id (the vendor's field for an ID column), else the e-mail
// (shared: colleagues may share one address), when the sample holds it in
// every row, each value once.
func proposeKey(g *Guessed, reg crm.Registration, sample []sheet.Row) (key string, shared bool) {
	for _, concept := range []crm.Concept{crm.ConceptID, crm.ConceptEmail} {
		for _, a := range reg.Aliases[concept] {
			name := strings.TrimRight(a, "?+")
			cols := 0
			at := -1
			for i, c := range g.Columns {
				if c.Field == name {
					cols++
					at = i
				}
			}
			if cols == 1 && uniqueValues(at, sample) {
				return name, concept == crm.ConceptEmail
			}
		}
	}
	return "", false
}

// uniqueValues reports whether every sample row has a value in col, each
// a different one (compared ignoring case).
func uniqueValues(col int, sample []sheet.Row) bool {
	if len(sample) == 0 {
		return false
	}
	seen := map[string]bool{}
	for _, r := range sample {
		if col >= len(r.Cells) {
			return false
		}
		v := strings.ToLower(trimSpace(r.Cells[col].Text))
		if v == "" || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// containsWords reports whether the words of sub appear in s, in order and
// next to each other.
func containsWords(s, sub string) bool {
	if sub == "" {
		return false
	}
	i := strings.Index(" "+s+" ", " "+sub+" ")
	return i >= 0
}

func guessRegion(header []string, sample []sheet.Row) string {
	votes := map[string]int{}
	for _, h := range header {
		for _, r := range h {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				votes["RU"]++
			case strings.ContainsRune("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", r):
				votes["PL"] += 3
			}
		}
		if w := foldKey(h); w == "nip" || w == "miasto" || w == "telefon" || w == "nazwisko" || w == "imie" || w == "kod pocztowy" {
			votes["PL"] += 5
		}
	}
	// Numbers written with a country code say where the clients are,
	// whatever the headers' language (+44 in a Polish sheet: GB).
	for _, row := range sample {
		for _, c := range row.Cells {
			t := strings.TrimSpace(c.Text)
			if strings.HasPrefix(t, "8 (9") || strings.HasPrefix(t, "8(9") {
				votes["RU"] += 3
				continue
			}
			if r, _, n := columnRegion([]int{0}, []sheet.Row{{Cells: []sheet.Cell{c}}}); n > 0 && validRegion(r) {
				votes[r] += 3
			}
		}
	}
	best, most := "PL", votes["PL"]
	for _, r := range slices.Sorted(maps.Keys(votes)) {
		if votes[r] > most {
			best, most = r, votes[r]
		}
	}
	return best
}

// sniff recognises a column by its sample values: at least 80 % of the
// non-blank cells (and at least one) must look alike.
func sniff(col int, sample []sheet.Row, region string) crm.Concept {
	var vals []sheet.Cell
	for _, r := range sample {
		if col < len(r.Cells) && strings.TrimSpace(r.Cells[col].Text) != "" {
			vals = append(vals, r.Cells[col])
		}
	}
	if len(vals) == 0 {
		return ""
	}
	count := func(pred func(sheet.Cell) bool) bool {
		n := 0
		for _, v := range vals {
			if pred(v) {
				n++
			}
		}
		return n*5 >= len(vals)*4
	}
	text := func(c sheet.Cell) string { return strings.TrimSpace(c.Text) }
	switch {
	case count(func(c sheet.Cell) bool { _, err := checkEmail(text(c)); return err == nil }):
		return crm.ConceptEmail
	case count(func(c sheet.Cell) bool {
		return isPLPostcode(text(c)) || (region == "RU" && len(text(c)) == 6 && digitsOnly(text(c)) == text(c))
	}):
		return crm.ConceptPostcode
	case count(func(c sheet.Cell) bool { d := digitsOnly(text(c)); return len(d) == 10 && validNIP(d) }) && region == "PL":
		return crm.ConceptNIP
	case count(func(c sheet.Cell) bool {
		d := digitsOnly(text(c))
		return (len(d) == 10 || len(d) == 12) && validINN(d)
	}):
		if region == "RU" {
			return crm.ConceptINN
		}
		return crm.ConceptNIP
	case count(func(c sheet.Cell) bool {
		_, err := PhoneE164(text(c), region)
		return err == nil && strings.ContainsAny(text(c), "0123456789")
	}):
		return crm.ConceptPhone
	case count(func(c sheet.Cell) bool {
		_, err := CountryCode(text(c))
		return err == nil && len(text(c)) > 2
	}):
		return crm.ConceptCountry
	}
	return ""
}

func isPLPostcode(s string) bool {
	return len(s) == 6 && s[2] == '-' && digitsOnly(s[:2]+s[3:]) == s[:2]+s[3:]
}

// validNIP checks the Polish tax id checksum.
func validNIP(d string) bool {
	w := []int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	sum := 0
	for i, x := range w {
		sum += x * int(d[i]-'0')
	}
	return sum%11 == int(d[9]-'0')
}

// validINN checks the Russian tax id (INN) checksum, 10 or 12 digits.
func validINN(d string) bool {
	ctl := func(w []int, n int) int {
		sum := 0
		for i, x := range w {
			sum += x * int(d[i]-'0')
		}
		return sum % 11 % 10
	}
	switch len(d) {
	case 10:
		return ctl([]int{2, 4, 10, 3, 5, 9, 4, 6, 8}, 9) == int(d[9]-'0')
	case 12:
		return ctl([]int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}, 10) == int(d[10]-'0') &&
			ctl([]int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}, 11) == int(d[11]-'0')
	}
	return false
}

// digitConcepts are the ids written with spaces, dashes or a country
// prefix in spreadsheets ("PL 525-000-12-34") that vendors keep as digits.
var digitConcepts = []crm.Concept{crm.ConceptNIP, crm.ConceptINN, crm.ConceptKPP, crm.ConceptPESEL}

// digitFields returns the fields reg keeps digitConcepts in (its aliases
// for them): the vendor says which they are, mapping names none.
func digitFields(reg crm.Registration) map[string]bool {
	out := map[string]bool{}
	for _, c := range digitConcepts {
		for _, a := range reg.Aliases[c] {
			out[strings.TrimRight(a, "?+")] = true
		}
	}
	return out
}

// suggestTransforms proposes transforms by the field's type, the values and
// whether the vendor keeps an id of digits in it (digits).
func suggestTransforms(f *crm.Field, col int, sample []sheet.Row, digits map[string]bool) (tr []string, split, date string) {
	if f == nil {
		return nil, "", ""
	}
	multi := false
	dotted := 0
	for _, r := range sample {
		if col >= len(r.Cells) {
			continue
		}
		t := strings.TrimSpace(r.Cells[col].Text)
		if f.Multi && strings.ContainsAny(t, ",;") {
			multi = true
		}
		if r.Cells[col].Kind != sheet.KindDate && len(t) >= 8 && len(t) <= 10 && strings.Count(t, ".") == 2 {
			dotted++
		}
	}
	if multi {
		split = ",;"
	}
	switch f.Type {
	case crm.TypeEmail:
		tr = []string{"trim", "lower", "email"}
	case crm.TypePhone:
		tr = []string{"phone"}
	case crm.TypeDate, crm.TypeDateTime:
		if dotted > 0 {
			date = "02.01.2006"
		}
	case crm.TypeCountry:
		tr = []string{"country"}
	}
	switch {
	case digits[f.Name]:
		tr = []string{"digits"}
	case strings.HasSuffix(f.Name, ".country"):
		tr = []string{"country"}
	}
	return tr, split, date
}

// YAML renders the guess as a commented mapping file, ready to edit: the
// vendor, the source (with how the file was read as comments), the fields
// in the file's column order, then comments listing the columns that were
// not placed and the required fields left without a source.
func (g *Guessed) YAML() []byte {
	var b strings.Builder
	vt := title(g.reg)
	// The file serves both front ends (the page offers it for download):
	// its comments say how to do each step in either.
	b.WriteString("# Mapping guessed by crmport from the file's headers and first rows.\n")
	b.WriteString("# Check every line (vendor field: column header) before importing: on the command line with\n")
	b.WriteString("# `crmport mapping check -m THIS_FILE YOUR_FILE`, on crmport's page in its mapping step.\n")
	fmt.Fprintf(&b, "# `crmport fields --vendor %s` (on the page: the CRM field menus) lists every %s field you can map.\n", g.Vendor, vt)
	fmt.Fprintf(&b, "vendor: %s\n", g.Vendor)
	b.WriteString("source:\n")
	if g.Info != nil {
		switch g.Info.Format {
		case "xlsx":
			fmt.Fprintf(&b, "  sheet: %s\n", yamlScalar(g.Info.Sheet))
			if g.Info.HeaderLine > 0 {
				fmt.Fprintf(&b, "  header_row: %d\n", g.Info.HeaderLine)
			}
		default:
			how, enc := "given", g.Info.Encoding
			if g.Info.Detected {
				how, enc = "detected", "auto"
				if g.Info.EncodingConfidence != "" {
					how += ", " + string(g.Info.EncodingConfidence)
				}
			}
			fmt.Fprintf(&b, "  # read as %s (%s), delimiter %q; write them here if that was wrong\n", g.Info.Encoding, how, string(g.Info.Delimiter))
			fmt.Fprintf(&b, "  encoding: %s\n  delimiter: auto\n", enc) // an encoding given to init is kept
			if g.Info.HeaderLine > 1 {
				fmt.Fprintf(&b, "  header_row: %d\n", g.Info.HeaderLine)
			}
		}
	} else {
		b.WriteString("  encoding: auto\n  delimiter: auto\n")
	}
	switch {
	case g.Key != "" && g.keyShared:
		fmt.Fprintf(&b, "# key: %s  # uncomment to find clients again by it (an import that updates clients, --mode upsert, then updates them instead of adding them twice), if no two clients share one\n", g.Key)
	case g.Key != "":
		fmt.Fprintf(&b, "key: %s  # finds a client again: an import that updates clients (--mode upsert) updates it instead of adding it twice\n", g.Key)
	}
	b.WriteString("blank: skip                # empty cells are not sent; `clear` would empty the field\n")
	b.WriteString("fields:\n")
	var unplaced []string
	group := map[string][]string{} // field → the headers of all its columns
	for _, c := range g.Columns {
		if c.Field != "" {
			group[c.Field] = append(group[c.Field], c.Header)
		}
	}
	written := map[string]bool{}
	for _, c := range g.Columns {
		if c.Field != "" && written[c.Field] {
			continue // one of several columns, written with the first
		}
		written[c.Field] = true
		field, prefix := c.Field, "  "
		if field == "" && c.Off != "" {
			field, prefix = c.Off, "  # "
			label := ""
			if l := g.labels[c.Off]; l != "" {
				label = " (" + l + ")"
			}
			if g.reg.SwitchOn != "" {
				fmt.Fprintf(&b, "  # %s -> %s%s is switched off on a fresh %s install; switch it on in %s, then uncomment\n", yamlScalar(c.Header), c.Off, label, vt, g.reg.SwitchOn)
			} else {
				fmt.Fprintf(&b, "  # %s -> %s%s is switched off on the %s account; switch it on there, then uncomment\n", yamlScalar(c.Header), c.Off, label, vt)
			}
		}
		if field == "" {
			if strings.TrimSpace(c.Header) != "" {
				unplaced = append(unplaced, c.Header)
			}
			continue
		}
		var opts []string
		if c.Split != "" {
			opts = append(opts, "split: "+yamlScalar(c.Split))
		}
		if len(c.Transforms) > 0 {
			opts = append(opts, "transform: ["+strings.Join(c.Transforms, ", ")+"]")
			for _, t := range c.Transforms {
				if t == "phone" {
					opts = append(opts, "region: "+g.Region)
				}
			}
		}
		if c.Date != "" {
			opts = append(opts, "date: "+yamlScalar(c.Date))
		}
		why := "recognised by its header"
		if c.Reason == "values" {
			why = "recognised by its values: check it"
		}
		if cols := group[c.Field]; len(cols) > 1 {
			quoted := make([]string, len(cols))
			for i, h := range cols {
				quoted[i] = yamlFlowScalar(h)
			}
			src := "columns: [" + strings.Join(quoted, ", ") + "]"
			why = "several values, one per column"
			if c.Join != "" {
				src += ", join: " + yamlQuote(c.Join)
				why = "the columns joined into one text"
			}
			opts = append([]string{src}, opts...)
			fmt.Fprintf(&b, "%s%s: {%s}   # %s\n", prefix, field, strings.Join(opts, ", "), why)
			continue
		}
		if len(opts) == 0 {
			fmt.Fprintf(&b, "%s%s: %s   # %s\n", prefix, field, yamlScalar(c.Header), why)
			continue
		}
		fmt.Fprintf(&b, "%s%s: {column: %s, %s}   # %s\n", prefix, field, yamlFlowScalar(c.Header), strings.Join(opts, ", "), why)
	}
	if len(unplaced) > 0 {
		fmt.Fprintf(&b, "# Columns not placed (add them by hand as `field: column` if %s should get them):\n", vt)
		for _, h := range unplaced {
			fmt.Fprintf(&b, "#   %s\n", yamlScalar(h))
		}
		if cf := g.reg.Custom; cf.Prefix != "" {
			name := "<Name>"
			if cf.Numeric {
				name = "<id>"
			}
			fmt.Fprintf(&b, "#   (%s %ss: `%s%s: <column>`)\n", vt, cf.Noun, cf.Prefix, name)
		}
	}
	for _, f := range g.Missing {
		fmt.Fprintf(&b, "# REQUIRED: %s needs %q but no column was recognised for it; add `  %s: <column header>` under fields:\n", vt, f, f)
	}
	return []byte(b.String())
}

// yamlScalar writes s as a YAML scalar, quoted when plain style would
// change its meaning.
func yamlScalar(s string) string {
	if needsQuote(s, false) {
		return yamlQuote(s)
	}
	return s
}

// yamlFlowScalar is yamlScalar for use inside `{...}`.
func yamlFlowScalar(s string) string {
	if needsQuote(s, true) {
		return yamlQuote(s)
	}
	return s
}

func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == '\ufeff':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func needsQuote(s string, flow bool) bool {
	if s == "" || s != strings.TrimSpace(s) {
		return true
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return true
	}
	if _, err := ParseNumber(s); err == nil {
		return true
	}
	if strings.ContainsAny(s[:1], "!&*?|>'\"%@`#-[]{},:=<") {
		return true
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.ContainsAny(s, "\n\t\"\\") {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\u00a0' || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == '\ufeff' || !unicode.IsPrint(r) {
			return true
		}
	}
	if flow && strings.ContainsAny(s, ",[]{}") {
		return true
	}
	return false
}
