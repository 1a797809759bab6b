package mapping

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// realSheet is a header set of a real-world shape (an export of 1C,
// Bitrix24, Outlook, Google Contacts, Shoper, WooCommerce, PrestaShop, an
// accounting program, a hand-made Excel list) with the field a person
// would choose for each column: "" = a person leaves it out; "#f" = f fits
// but is switched off on a fresh account (the line is written commented
// out with how to switch it on). Columns a person joins into one field
// (street + postcode + city → address; Telefon + Komórka → phone) expect
// the same field.
type realSheet struct {
	name, lang, shape, vendor string
	cols                      [][2]string
	rows                      [][]string
}

var realSheets = []realSheet{
	{"Outlook address book (PL)", "pl", "csv", "thulium", [][2]string{
		{"Imię", "name"}, {"Drugie imię", ""}, {"Nazwisko", "surname"}, {"Firma", "job"}, {"Dział", ""}, {"Stanowisko", "job_title"},
		{"Ulica (służbowa)", "address.street"}, {"Miejscowość (służbowa)", "address.city"}, {"Województwo (służbowe)", ""},
		{"Kod pocztowy (służbowy)", "address.postcode"}, {"Kraj/region (służbowy)", "address.country"}, {"Telefon służbowy", "phone_number"},
		{"Telefon komórkowy", "phone_number"}, {"Adres e-mail", "email"}, {"Urodziny", "birthdate"}, {"Notatki", "note"},
	}, [][]string{
		{"Jan", "Maria", "Kowalski", "Żółć sp. z o.o.", "Zakupy", "Kierownik", "ul. Długa 5", "Warszawa", "mazowieckie", "00-950", "Polska", "+48 22 555 00 19", "601 000 019", "jan.kowalski@zolc.pl", "1985-07-04", ""},
		{"Anna", "", "Nowak", "Beta SA", "", "Księgowa", "ul. Krótka 1", "Kraków", "małopolskie", "31-827", "Polska", "12 421 55 80", "", "a.nowak@beta.pl", "", "VIP"},
	}},
	{"Shoper customers (PL)", "pl", "csv", "baselinker", [][2]string{
		{"ID klienta", ""}, {"Imię", "invoice_fullname"}, {"Nazwisko", "invoice_fullname"}, {"E-mail", "email"}, {"Telefon", "phone"},
		{"Firma", "invoice_company"}, {"NIP", "invoice_tax_id"}, {"Ulica", "invoice_address"}, {"Nr domu", "invoice_address"}, {"Nr lokalu", "invoice_address"},
		{"Kod pocztowy", "invoice_postcode"}, {"Miejscowość", "invoice_city"}, {"Kraj", "invoice_country_code"}, {"Data rejestracji", ""}, {"Newsletter", ""},
	}, [][]string{
		{"101", "Jan", "Kowalski", "jan@example.pl", "601 000 019", "", "", "Długa", "5", "3", "00-950", "Warszawa", "Polska", "2024-03-15 10:00", "tak"},
		{"102", "Anna", "Nowak", "anna@example.pl", "+48 602 000 020", "Beta SA", "5250001233", "Krótka", "1", "", "31-827", "Kraków", "Polska", "2024-03-16 11:00", "nie"},
	}},
	{"accounting program contractors (PL, xlsx)", "pl", "xlsx", "salesman", [][2]string{
		{"Symbol", "uid"}, {"Nazwa", "title"}, {"Nazwa pełna", "recv.castUrName"}, {"NIP", "recv.castInn"}, {"Ulica", "address"}, {"Kod pocztowy", "address"},
		{"Miejscowość", "address"}, {"Telefon", "phone"}, {"Telefon 2", "phone"}, {"E-mail", "mail_url"}, {"WWW", "site_url"}, {"Uwagi", "#des"}, {"Opiekun", "user"},
	}, [][]string{
		{"ZOLC", "Żółć", "Żółć spółka z o.o.", "525-000-12-34", "ul. Długa 5", "00-950", "Warszawa", "22 555 00 19", "601 000 019", "biuro@zolc.pl", "zolc.pl", "", "jkowalski"},
		{"BETA", "Beta", "Beta SA", "6762461659", "ul. Krótka 1", "31-827", "Kraków", "12 421 55 80", "", "beta@beta.pl", "", "stały", "anowak"},
	}},
	{"headers that say nothing (PL)", "pl", "csv", "thulium", [][2]string{
		{"Kolumna1", ""}, {"Kolumna2", "email"}, {"Kolumna3", "phone_number"}, {"Kolumna4", "address.postcode"}, {"Kolumna5", "nip"},
	}, [][]string{
		{"Jan Kowalski", "jan@example.pl", "601 000 019", "00-950", "5250001233"},
		{"Anna Nowak", "anna@example.pl", "+48 22 555 00 19", "31-827", "6762461659"},
		{"Piotr Wiśniewski", "piotr@example.pl", "602 000 020", "90-926", "7251801126"},
	}},
	{"1C counterparties (RU, xlsx)", "ru", "xlsx", "salesman", [][2]string{
		{"Код", "uid"}, {"Наименование", "title"}, {"Полное наименование", "recv.castUrName"}, {"ИНН", "recv.castInn"}, {"КПП", "recv.castKpp"},
		{"ОГРН", "recv.castOgrn"}, {"Юридический адрес", "recv.castUrAddr"}, {"Фактический адрес", "address"}, {"Телефон", "phone"},
		{"Электронная почта", "mail_url"}, {"Контактное лицо", ""}, {"Комментарий", "#des"}, {"Основной менеджер", "user"}, {"Банк", "recv.castBank"},
		{"БИК", "recv.castBankBik"}, {"Расчетный счет", "recv.castBankRs"}, {"Корр. счет", "recv.castBankKs"},
	}, [][]string{
		{"00-000017", "Ромашка ООО", "Общество с ограниченной ответственностью \"Ромашка\"", "7707083893", "773601001", "1027700132195", "г. Москва, ул. Ленина, 1", "г. Москва, ул. Ленина, 1", "+7 495 100-44-47", "info@romashka.ru", "Иванов И.И.", "", "Петров", "ПАО Сбербанк", "044525225", "40702810900000000001", "30101810400000000225"},
	}},
	{"Bitrix24 companies (RU)", "ru", "csv", "salesman", [][2]string{
		{"ID", "uid"}, {"Название компании", "title"}, {"Сфера деятельности", "#idcategory"}, {"Рабочий телефон", "phone"}, {"Мобильный телефон", "phone"},
		{"Рабочий e-mail", "mail_url"}, {"Корпоративный сайт", "site_url"}, {"Адрес", "address"}, {"Ответственный", "user"}, {"Дата создания", "date_create"},
		{"Комментарий", "#des"}, {"Источник", "#clientpath"},
	}, [][]string{
		{"17", "Ромашка", "Торговля", "+7 (495) 100-44-47", "+7 912 884-45-55", "info@romashka.ru", "romashka.ru", "Москва, ул. Ленина, 1", "Иван Петров", "15.03.2024 10:00:00", "", "Сайт"},
		{"18", "Лютик", "Производство", "8 (343) 555-12-12", "", "office@lutik.ru", "", "Екатеринбург", "Иван Петров", "16.03.2024 11:00:00", "", "Звонок"},
	}},
	{"client list (RU) for Thulium", "ru", "xlsx", "thulium", [][2]string{
		{"Фамилия", "surname"}, {"Имя", "name"}, {"Отчество", ""}, {"Дата рождения", "birthdate"}, {"Мобильный телефон", "phone_number"},
		{"Домашний телефон", "phone_number"}, {"E-mail", "email"}, {"Город", "address.city"}, {"Улица", "address.street"}, {"Дом", "address.building"},
		{"Квартира", "address.flat"}, {"Индекс", "address.postcode"}, {"Примечание", "note"},
	}, [][]string{
		{"Иванов", "Иван", "Иванович", "1980-05-01", "+7 912 884-45-55", "8 (343) 555-12-12", "ivanov@mail.ru", "Пермь", "Ленина", "1", "17", "614000", ""},
	}},
	{"headers that say nothing (RU)", "ru", "csv", "salesman", [][2]string{
		{"Столбец1", ""}, {"Столбец2", "recv.castInn"}, {"Столбец3", "phone"}, {"Столбец4", "mail_url"}, {"Столбец5", ""}, {"Столбец6", ""},
	}, [][]string{
		{"Ромашка", "7707083893", "+7 495 100-44-47", "info@romashka.ru", "Москва", "15.03.2024"},
		{"Лютик", "500100732259", "8 (343) 555-12-12", "office@lutik.ru", "Екатеринбург", "16.03.2024"},
	}},
	{"relationship types and a birthday (RU)", "ru", "csv", "salesman", [][2]string{
		{"Клиент", "title"}, {"Тип отношений", "#tip_cmr"}, {"Территория", "#territory"}, {"Отрасль", "#idcategory"}, {"Телефон", "phone"},
		{"Email", "mail_url"}, {"Дата рождения", ""}, {"Адрес", "address"}, {"Сайт", "site_url"}, {"ИНН", "recv.castInn"},
	}, [][]string{
		{"Ромашка", "Потенциальный клиент", "Пермь", "Торговля", "8(912)884-45-55", "info@romashka.ru", "01.05.1980", "Пермь, Ленина 1", "romashka.ru", "7707083893"},
	}},
	{"Google Contacts (EN)", "en", "csv", "thulium", [][2]string{
		{"Name", ""}, {"Given Name", "name"}, {"Additional Name", ""}, {"Family Name", "surname"}, {"Birthday", "birthdate"}, {"Notes", "note"},
		{"E-mail 1 - Type", ""}, {"E-mail 1 - Value", "email"}, {"Phone 1 - Type", ""}, {"Phone 1 - Value", "phone_number"},
		{"Phone 2 - Type", ""}, {"Phone 2 - Value", "phone_number"}, {"Organization 1 - Name", "job"}, {"Organization 1 - Title", "job_title"},
		{"Address 1 - Street", "address.street"}, {"Address 1 - City", "address.city"}, {"Address 1 - Postal Code", "address.postcode"}, {"Address 1 - Country", "address.country"},
	}, [][]string{
		{"John Smith", "John", "", "Smith", "1985-07-04", "", "* Work", "john@acme.co.uk", "Mobile", "+44 7911 123456", "Work", "+44 20 7946 0958", "Acme Ltd", "Buyer", "1 High St", "London", "SW1A 1AA", "United Kingdom"},
	}},
	{"Outlook contacts (EN)", "en", "csv", "salesman", [][2]string{
		{"First Name", ""}, {"Last Name", ""}, {"Company", "title"}, {"Job Title", ""}, {"Business Street", "address"}, {"Business City", "address"},
		{"Business Postal Code", "address"}, {"Business Country/Region", "address"}, {"Business Phone", "phone"}, {"Mobile Phone", "phone"},
		{"E-mail Address", "mail_url"}, {"Web Page", "site_url"}, {"Birthday", ""}, {"Notes", "#des"},
	}, [][]string{
		{"John", "Smith", "Acme Ltd", "Buyer", "1 High St", "London", "SW1A 1AA", "United Kingdom", "+44 20 7946 0958", "+44 7911 123456", "john@acme.co.uk", "acme.co.uk", "1985-07-04", ""},
	}},
	{"WooCommerce customers (EN)", "en", "csv", "baselinker", [][2]string{
		{"Customer ID", ""}, {"Username", "login"}, {"Email", "email"}, {"First Name", "invoice_fullname"}, {"Last Name", "invoice_fullname"},
		{"Billing Company", "invoice_company"}, {"Billing Address 1", "invoice_address"}, {"Billing Address 2", "invoice_address"}, {"Billing City", "invoice_city"},
		{"Billing Postcode", "invoice_postcode"}, {"Billing State", "invoice_state"}, {"Billing Country", "invoice_country_code"}, {"Billing Phone", "phone"},
		{"VAT Number", "invoice_tax_id"}, {"Date Registered", ""}, {"Orders", ""}, {"Total Spent", ""},
	}, [][]string{
		{"12", "jsmith", "john@acme.co.uk", "John", "Smith", "Acme Ltd", "1 High St", "Unit 4", "London", "SW1A 1AA", "", "GB", "+44 20 7946 0958", "GB123456789", "2024-03-15 10:00:00", "3", "120.50"},
	}},
	{"PrestaShop customers (EN, xlsx)", "en", "xlsx", "thulium", [][2]string{
		{"ID", "identifier"}, {"Social title", ""}, {"First name", "name"}, {"Last name", "surname"}, {"Email", "email"}, {"Company", "job"},
		{"Birthday", "birthdate"}, {"Newsletter", ""}, {"Registration", ""},
	}, [][]string{
		{"1", "Mr.", "John", "Smith", "john@acme.co.uk", "Acme Ltd", "1985-07-04", "1", "2024-03-15 10:00:00"},
		{"2", "Mrs.", "Anna", "Nowak", "anna@example.pl", "", "", "0", "2024-03-16 11:00:00"},
	}},
	{"CRM export with tax ids (EN)", "en", "csv", "salesman", [][2]string{
		{"Customer no.", "uid"}, {"Company name", "title"}, {"VAT ID", "recv.castInn"}, {"Phone", "phone"}, {"Mobile", "phone"}, {"Email", "mail_url"},
		{"Website", "site_url"}, {"Street", "address"}, {"Address line 2", "address"}, {"ZIP", "address"}, {"City", "address"}, {"Country", "address"},
		{"Status", "#tip_cmr"}, {"Created", "date_create"}, {"Owner", "user"},
	}, [][]string{
		{"C-1001", "Acme Ltd", "GB123456789", "+44 20 7946 0958", "+44 7911 123456", "john@acme.co.uk", "acme.co.uk", "1 High St", "Unit 4", "SW1A 1AA", "London", "United Kingdom", "Lead", "2024-03-15", "jsmith"},
	}},
	{"WooCommerce orders with shipping (EN)", "en", "csv", "baselinker", [][2]string{
		{"Billing First Name", "invoice_fullname"}, {"Billing Last Name", "invoice_fullname"}, {"Billing Company", "invoice_company"},
		{"Billing Address 1", "invoice_address"}, {"Billing City", "invoice_city"}, {"Billing Postcode", "invoice_postcode"}, {"Billing Country", "invoice_country_code"},
		{"Billing Email", "email"}, {"Billing Phone", "phone"}, {"Shipping First Name", "delivery_fullname"}, {"Shipping Last Name", "delivery_fullname"},
		{"Shipping Address 1", "delivery_address"}, {"Shipping Address 2", "delivery_address"}, {"Shipping City", "delivery_city"},
		{"Shipping Postcode", "delivery_postcode"}, {"Shipping Country", "delivery_country_code"}, {"Order Total", ""},
	}, [][]string{
		{"John", "Smith", "Acme Ltd", "1 High St", "London", "SW1A 1AA", "GB", "john@acme.co.uk", "+44 20 7946 0958", "Jane", "Smith", "2 Low Rd", "Flat 3", "Leeds", "LS1 1AA", "GB", "120.50"},
	}},
	{"e-shop orders with a delivery address (PL) for SalesMan", "pl", "csv", "salesman", [][2]string{
		{"Firma", "title"}, {"Ulica", "address"}, {"Miasto", "address"}, {"Ulica dostawy", ""}, {"Miasto dostawy", ""}, {"Telefon", "phone"}, {"E-mail", "mail_url"},
	}, [][]string{
		{"Żółć sp. z o.o.", "ul. Długa 5", "Warszawa", "ul. Magazynowa 1", "Pruszków", "601 000 019", "biuro@zolc.pl"},
	}},
	{"headers that say nothing (EN)", "en", "csv", "baselinker", [][2]string{
		{"Field 1", ""}, {"Field 2", "email"}, {"Field 3", "phone"}, {"Field 4", "invoice_postcode"}, {"Field 5", "invoice_tax_id"}, {"Field 6", "invoice_country_code"}, {"Field 7", ""},
	}, [][]string{
		{"Żółć sp. z o.o.", "biuro@zolc.pl", "601 000 019", "00-950", "5250001233", "Polska", "2024-03-15"},
		{"Beta SA", "beta@beta.pl", "+48 22 555 00 19", "31-827", "6762461659", "Niemcy", "2024-03-16"},
	}},
}

// header is the set's header row.
func (rs realSheet) header() []string {
	out := make([]string, len(rs.cols))
	for i, c := range rs.cols {
		out[i] = c[0]
	}
	return out
}

// sample builds the sample as the file's reader gives it: in an XLSX file a
// date is a date cell.
func (rs realSheet) sample() []sheet.Row {
	var out []sheet.Row
	for i, r := range rs.rows {
		row := textRow(i+2, r...)
		if rs.shape == "xlsx" {
			for j, c := range row.Cells {
				if t, err := time.Parse("2006-01-02", c.Text); err == nil {
					row.Cells[j] = sheet.TimeCell(c.Text, sheet.KindDate, t)
				}
			}
		}
		out = append(out, row)
	}
	return out
}

// TestGuessRealSheets measures `mapping init` on header sets of real
// shapes: the share of columns placed as a person would, per language; at
// least 9 of 10 in each language, and nothing placed that must not be (a
// column a person leaves out). Run with -v for the table.
func TestGuessRealSheets(t *testing.T) {
	type tally struct{ right, total, wrongPlaced int }
	per := map[string]*tally{}
	for _, rs := range realSheets {
		t.Run(rs.name, func(t *testing.T) {
			reg := registration(rs.vendor)
			header := rs.header()
			g, err := Guess(reg, reg.Catalogue(), header, rs.sample())
			require.NoError(t, err)
			tl := per[rs.lang]
			if tl == nil {
				tl = &tally{}
				per[rs.lang] = tl
			}
			ok := 0
			for i, c := range rs.cols {
				got := g.Columns[i].Field
				if got == "" && g.Columns[i].Off != "" {
					got = "#" + g.Columns[i].Off
				}
				if got == c[1] {
					ok++
					continue
				}
				if c[1] == "" {
					tl.wrongPlaced++
					t.Errorf("column %q: placed in %q, but a person leaves it out", c[0], got)
				} else {
					t.Logf("column %q: guessed %q, a person chooses %q", c[0], got, c[1])
				}
			}
			tl.right += ok
			tl.total += len(rs.cols)
			t.Logf("%s (%s, %s, %s): %d of %d", rs.name, rs.lang, rs.shape, rs.vendor, ok, len(rs.cols))

			y := g.YAML()
			m, err := Parse("guessed.yaml", y, vendors)
			require.NoError(t, err, "%s", y)
			if len(g.Missing) > 0 {
				return // the person adds the required field's column
			}
			_, err = m.Bind(header, reg.Catalogue(), ApplyOptions{})
			require.NoError(t, err, "%s", y)
			rr, err := m.CheckRows(header, rs.sample(), reg.Catalogue(), ApplyOptions{})
			require.NoError(t, err)
			assert.Empty(t, rr.Broken(), "no guessed column fails on every row:\n%s\n%s", rr, y)
		})
	}
	langs := make([]string, 0, len(per))
	for l := range per {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var b strings.Builder
	for _, l := range langs {
		tl := per[l]
		fmt.Fprintf(&b, "%s: %d of %d (%.0f%%); ", l, tl.right, tl.total, 100*float64(tl.right)/float64(tl.total))
		assert.GreaterOrEqual(t, tl.right*10, tl.total*9, "%s: at least 9 of 10 columns placed as a person would", l)
	}
	t.Log("mapping init on real shapes: " + b.String())
}

// guessYAML guesses a mapping for the header set named name.
func guessYAML(t *testing.T, name string) (*Guessed, string) {
	t.Helper()
	for _, rs := range realSheets {
		if rs.name == name {
			reg := registration(rs.vendor)
			g, err := Guess(reg, reg.Catalogue(), rs.header(), rs.sample())
			require.NoError(t, err)
			return g, string(g.YAML())
		}
	}
	t.Fatalf("no header set %q", name)
	return nil, ""
}

// Columns a person joins are written as one field: a composite address
// joined into one text, two phone columns as a list, first and last name
// into BaseLinker's full name.
func TestGuessJoinsColumnsIntoOneField(t *testing.T) {
	_, y := guessYAML(t, "accounting program contractors (PL, xlsx)")
	assert.Contains(t, y, "  address: {columns: [Ulica, Kod pocztowy, Miejscowość], join: \", \"}   # the columns joined into one text\n")
	assert.Contains(t, y, "  phone: {columns: [Telefon, Telefon 2], transform: [phone], region: PL}   # several values, one per column\n")
	assert.Contains(t, y, "  recv.castInn: {column: NIP, transform: [digits]}")
	assert.NotContains(t, y, "uid: NIP")
	_, y = guessYAML(t, "Shoper customers (PL)")
	assert.Contains(t, y, "  invoice_fullname: {columns: [Imię, Nazwisko], join: \" \"}")
	assert.Contains(t, y, "  invoice_address: {columns: [Ulica, Nr domu, Nr lokalu], join: \", \"}")
}

// A clean unique id in the sample is proposed as the key: the user's own
// id as is, an e-mail commented out (colleagues may share one).
func TestGuessProposesAKey(t *testing.T) {
	g, y := guessYAML(t, "accounting program contractors (PL, xlsx)")
	assert.Equal(t, "uid", g.Key)
	assert.Contains(t, y, "\nkey: uid  # finds a client again")
	g, y = guessYAML(t, "Outlook address book (PL)")
	assert.Equal(t, "email", g.Key)
	assert.Contains(t, y, "\n# key: email  # uncomment to find clients again by it")
	g, _ = guessYAML(t, "headers that say nothing (RU)")
	assert.Equal(t, "mail_url", g.Key)

	reg := registration("thulium")
	g, err := Guess(reg, reg.Catalogue(), []string{"Nazwisko", "E-mail"}, []sheet.Row{textRow(2, "Kowalski", "biuro@firma.pl"), textRow(3, "Nowak", "biuro@firma.pl")})
	require.NoError(t, err)
	assert.Empty(t, g.Key, "an e-mail two rows share is no key")
}

var _ = crm.ConceptID // the dictionary's concepts are the vendors' Aliases keys
