package mapping

import (
	"fmt"
	"sort"
	"strings"
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
	{crm.ConceptCompany, []string{"firma", "nazwa firmy", "nazwa", "company", "company name", "organization", "organisation", "kontrahent", "klient", "client", "customer", "компания", "организация", "название", "наименование", "название компании", "наименование организации", "контрагент", "клиент", "nazwa klienta", "business name"}},
	{crm.ConceptFullName, []string{"imie i nazwisko", "nazwisko i imie", "imie nazwisko", "full name", "fullname", "name surname", "contact name", "contact person", "osoba kontaktowa", "фио", "фамилия имя отчество", "контактное лицо", "name"}},
	{crm.ConceptFirstName, []string{"imie", "first name", "firstname", "given name", "имя", "forename"}},
	{crm.ConceptLastName, []string{"nazwisko", "last name", "lastname", "surname", "family name", "фамилия"}},
	{crm.ConceptEmail, []string{"email", "e mail", "mail", "adres e mail", "adres email", "poczta", "poczta e mail", "e mail address", "email address", "почта", "эл почта", "электронная почта", "e mail адрес", "емейл", "имейл"}},
	{crm.ConceptPhone, []string{"telefon", "tel", "nr tel", "nr telefonu", "numer telefonu", "telefon kontaktowy", "phone", "phone number", "telephone", "tel no", "телефон", "тел", "контактный телефон", "номер телефона", "телефоны", "phones", "telefony"}},
	{crm.ConceptMobile, []string{"komorka", "tel kom", "telefon komorkowy", "nr komorki", "mobile", "mobile phone", "cell", "cell phone", "мобильный", "мобильный телефон", "сотовый", "моб тел"}},
	{crm.ConceptFax, []string{"fax", "faks", "факс"}},
	{crm.ConceptWebsite, []string{"www", "strona www", "strona internetowa", "strona", "website", "web site", "web", "site", "url", "сайт", "веб сайт"}},
	{crm.ConceptAddress, []string{"adres", "address", "адрес", "почтовый адрес", "фактический адрес", "adres pocztowy", "full address"}},
	{crm.ConceptStreet, []string{"ulica", "ulica i numer", "street", "street address", "улица", "adres ulica"}},
	{crm.ConceptBuilding, []string{"nr domu", "numer domu", "budynek", "nr budynku", "house number", "building", "house no", "дом", "номер дома"}},
	{crm.ConceptFlat, []string{"nr lokalu", "numer lokalu", "lokal", "nr mieszkania", "numer mieszkania", "mieszkanie", "flat", "apartment", "квартира", "офис"}},
	{crm.ConceptCity, []string{"miasto", "miejscowosc", "city", "town", "город", "населенный пункт"}},
	{crm.ConceptPostcode, []string{"kod pocztowy", "kod", "kod poczt", "postcode", "post code", "postal code", "zip", "zip code", "индекс", "почтовый индекс"}},
	{crm.ConceptState, []string{"wojewodztwo", "region", "state", "province", "county", "область", "регион", "край"}},
	{crm.ConceptCountry, []string{"kraj", "panstwo", "country", "страна", "country code", "kod kraju"}},
	{crm.ConceptNIP, []string{"nip", "nr nip", "numer nip", "vat id", "tax id", "vat number", "vat", "tax number", "nip firmy", "vat no"}},
	{crm.ConceptINN, []string{"инн", "inn", "инн клиента", "инн организации"}},
	{crm.ConceptKPP, []string{"кпп", "kpp"}},
	{crm.ConceptOGRN, []string{"огрн", "огрнип", "ogrn"}},
	{crm.ConceptOKPO, []string{"окпо", "okpo"}},
	{crm.ConceptBIK, []string{"бик", "бик банка", "bik"}},
	{crm.ConceptBank, []string{"банк", "bank", "наименование банка"}},
	{crm.ConceptAccount, []string{"расчетный счет", "р с", "рс", "расч счет"}},
	{crm.ConceptCorrAcc, []string{"корр счет", "корреспондентский счет", "к с", "кс", "кор счет"}},
	{crm.ConceptLegalName, []string{"юридическое название", "полное наименование", "юридическое наименование", "юр название"}},
	{crm.ConceptLegalAddr, []string{"юридический адрес", "юр адрес", "adres siedziby", "adres rejestrowy", "legal address", "registered address"}},
	{crm.ConceptPESEL, []string{"pesel"}},
	{crm.ConceptNotes, []string{"uwagi", "notatki", "notatka", "opis", "komentarz", "notes", "note", "comment", "comments", "description", "remarks", "примечание", "примечания", "комментарий", "описание", "заметки"}},
	{crm.ConceptID, []string{"id", "nr klienta", "numer klienta", "id klienta", "identyfikator", "kod klienta", "customer id", "client id", "customer number", "external id", "код", "код клиента", "ид", "номер клиента", "идентификатор"}},
	{crm.ConceptBirthdate, []string{"data urodzenia", "urodziny", "birthday", "date of birth", "birth date", "birthdate", "дата рождения", "день рождения"}},
	{crm.ConceptCreated, []string{"data utworzenia", "data dodania", "data rejestracji", "created", "date created", "created at", "creation date", "дата создания", "дата регистрации", "дата добавления", "добавлен"}},
	{crm.ConceptJobTitle, []string{"stanowisko", "job title", "position", "должность"}},
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

// synIndex maps a folded synonym to the concepts that use it.
var synIndex = func() map[string]int {
	m := map[string]int{}
	for i, c := range concepts {
		for _, s := range c.syn {
			k := foldKey(s)
			if _, dup := m[k]; !dup {
				m[k] = i
			}
		}
	}
	return m
}()

// GuessedColumn is what Guess decided for one column of the file.
type GuessedColumn struct {
	Header     string   // the column's header as in the file
	Field      string   // vendor field; "" when the column could not be placed
	Reason     string   // "header" (recognised by its name) or "values" (by what its cells hold)
	Transforms []string // suggested transforms
	Split      string   // separators when cells hold several values
	Date       string   // date layout seen in the cells (Go layout), if any
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
	Key     string          // suggested key (your own id field), "" if none
	Info    *sheet.Info     // how the file was read, if the caller sets it (shown as comments)

	reg    crm.Registration  // the vendor's facts, for YAML's notes
	labels map[string]string // catalogue labels of the Off fields, for YAML's notes
}

// Guess guesses a mapping for vendor from a file's header and its first
// rows: headers are matched against a Polish/Russian/English synonym
// dictionary and the catalogue's own labels (case, accents and punctuation
// ignored), then columns left over are recognised by their values
// (e-mails, phones, postcodes, tax ids, countries, dates); reg.Aliases
// says which of the vendor's fields keeps each kind of column. Each field
// is used at most once.
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
	used := map[string]bool{}
	offUsed := map[string]bool{}
	type cand struct {
		col      int
		field    string
		score    int
		fallback bool
	}
	var cands []cand
	for i, h := range header {
		g.Columns[i].Header = h
		key := foldKey(h)
		if key == "" {
			continue
		}
		// 1. the vendor's own field name or label (an exported file)
		for _, f := range fields {
			if key == foldKey(f.Name) || (f.Label != "" && key == foldKey(f.Label)) {
				if !strings.HasSuffix(f.Name, "*") && !f.ReadOnly {
					cands = append(cands, cand{i, f.Name, 100, false})
				}
			}
		}
		// 2. dictionary: exact header, then synonyms contained as words
		for ci, c := range concepts {
			best := 0
			for _, s := range c.syn {
				fs := foldKey(s)
				switch {
				case fs == key:
					best = max(best, 90)
				case containsWords(key, fs):
					best = max(best, 40+len(fs))
				}
			}
			if best == 0 {
				continue
			}
			for _, f := range reg.Aliases[concepts[ci].name] {
				name, fb := strings.CutSuffix(f, "?")
				if have[name] == nil && len(fields) > 0 {
					continue
				}
				cands = append(cands, cand{i, name, best, fb})
			}
		}
	}
	sort.SliceStable(cands, func(a, b int) bool {
		if cands[a].fallback != cands[b].fallback {
			return !cands[a].fallback
		}
		return cands[a].score > cands[b].score
	})
	for _, c := range cands {
		if used[c.field] || g.Columns[c.col].Field != "" {
			continue
		}
		if !active(c.field) {
			// remembered in case no active field claims the column
			if g.Columns[c.col].Off == "" && !offUsed[c.field] {
				g.Columns[c.col].Off, g.Columns[c.col].Reason, offUsed[c.field] = c.field, "header", true
			}
			continue
		}
		used[c.field] = true
		g.Columns[c.col].Field, g.Columns[c.col].Reason = c.field, "header"
	}
	// 3. values of the columns still unplaced
	for i := range g.Columns {
		if g.Columns[i].Field != "" {
			continue
		}
		concept := sniff(i, sample, g.Region)
		if concept == "" {
			continue
		}
		for _, c := range concepts {
			if c.name != concept {
				continue
			}
			for _, f := range reg.Aliases[c.name] {
				name, _ := strings.CutSuffix(f, "?")
				if used[name] || (have[name] == nil && len(fields) > 0) {
					continue
				}
				if !active(name) {
					if g.Columns[i].Off == "" && !offUsed[name] {
						g.Columns[i].Off, g.Columns[i].Reason, offUsed[name] = name, "values", true
					}
					continue
				}
				used[name] = true
				g.Columns[i].Field, g.Columns[i].Reason = name, "values"
				break
			}
		}
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
		c.Transforms, c.Split, c.Date = suggestTransforms(f, i, sample)
		if f != nil && (c.Field == "uid" || c.Field == "identifier") {
			g.Key = c.Field
		}
	}
	for _, f := range fields {
		if f.Required && !f.ReadOnly && !used[f.Name] {
			g.Missing = append(g.Missing, f.Name)
		}
	}
	return g, nil
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
	ru, pl := 0, 0
	for _, h := range header {
		for _, r := range h {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				ru++
			case strings.ContainsRune("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", r):
				pl += 3
			}
		}
		if w := foldKey(h); w == "nip" || w == "miasto" || w == "telefon" || w == "nazwisko" || w == "imie" || w == "kod pocztowy" {
			pl += 5
		}
	}
	for _, row := range sample {
		for _, c := range row.Cells {
			t := strings.TrimSpace(c.Text)
			switch {
			case strings.HasPrefix(t, "+7") || strings.HasPrefix(t, "8 (9") || strings.HasPrefix(t, "8(9"):
				ru += 3
			case strings.HasPrefix(t, "+48") || strings.HasPrefix(t, "0048"):
				pl += 3
			}
		}
	}
	if ru > pl {
		return "RU"
	}
	return "PL"
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
	case count(func(c sheet.Cell) bool {
		if c.Kind == sheet.KindDate {
			return true
		}
		_, err := ParseDate(sheet.Cell{Text: text(c), Kind: sheet.KindText}, "")
		return err == nil && strings.ContainsAny(text(c), ".-/")
	}):
		return crm.ConceptCreated
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

// suggestTransforms proposes transforms by the field's type and the values.
func suggestTransforms(f *crm.Field, col int, sample []sheet.Row) (tr []string, split, date string) {
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
	case f.Name == "recv.castInn" || f.Name == "nip" || strings.HasSuffix(f.Name, "tax_id") || f.Name == "recv.castKpp" || f.Name == "pesel":
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
	b.WriteString("# Mapping guessed by `crmport mapping init` from the file's headers and first rows.\n")
	b.WriteString("# Check every line (vendor field: column header), then run `crmport mapping check -m THIS_FILE YOUR_FILE`.\n")
	fmt.Fprintf(&b, "# `crmport fields --vendor %s` lists every %s field you can map.\n", g.Vendor, vt)
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
	if g.Key != "" {
		fmt.Fprintf(&b, "# key: %s          # uncomment to update existing clients by this id (--mode upsert)\n", g.Key)
	}
	b.WriteString("blank: skip                # empty cells are not sent; `clear` would empty the field\n")
	b.WriteString("fields:\n")
	var unplaced []string
	for _, c := range g.Columns {
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
