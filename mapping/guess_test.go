package mapping

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/salesman"
	"github.com/crmport/crmport/crm/thulium"
	"github.com/crmport/crmport/sheet"
)

func salesmanFullFields() []crm.Field {
	f := salesmanFields()
	for _, n := range []string{"castOgrn", "castOkpo", "castBankBik", "castBank", "castBankRs", "castBankKs", "castUrName", "castUrAddr"} {
		f = append(f, crm.Field{Name: "recv." + n, Type: crm.TypeText, Active: true})
	}
	return f
}

// evalSheet is a spreadsheet header as users write it, with the field a
// person would choose for each column ("" = no field fits; "#des" = des
// fits but is switched off on the account, so the line is commented out).
type evalSheet struct {
	name   string
	vendor string
	fields []crm.Field
	cols   [][2]string // header, expected field
	rows   [][]string
}

var evalSheets = []evalSheet{
	{"polish thulium", "thulium", thulium.Catalogue(), [][2]string{
		{"Lp.", ""}, {"Imię", "name"}, {"Nazwisko", "surname"}, {"Nr tel.", "phone_number"}, {"Adres e-mail", "email"},
		{"Ulica", "address.street"}, {"Nr domu", "address.building"}, {"Kod", "address.postcode"}, {"Miejscowość", "address.city"},
		{"NIP", "nip"}, {"PESEL", "pesel"}, {"Uwagi", "note"}, {"Data urodzenia", "birthdate"}, {"Stanowisko", "job_title"}, {"Firma", "job"},
	}, [][]string{
		{"1", "Jan", "Kowalski", "601 234 567", "Jan.Kowalski@Firma.pl", "Długa", "5", "00-950", "Warszawa", "525-000-12-34", "85070412345", "", "04.07.1985", "Kierownik", "Żółć sp. z o.o."},
		{"2", "Łucja", "Nowak", "+48 22 123 45 67, 601 000 111", "l.nowak@example.com", "Krótka", "12a", "31-827", "Kraków", "", "", "VIP", "1990-01-31", "", ""},
	}},
	{"russian salesman", "salesman", salesmanFullFields(), [][2]string{
		{"Наименование организации", "title"}, {"ИНН", "recv.castInn"}, {"КПП", "recv.castKpp"}, {"Контактный телефон", "phone"},
		{"Эл. почта", "mail_url"}, {"Адрес", "address"}, {"Сайт", "site_url"}, {"Примечание", "#des"}, {"Код клиента", "uid"},
		{"Дата создания", "date_create"}, {"Ответственный", "user"}, {"Отрасль", "#idcategory"}, {"ОГРН", "recv.castOgrn"}, {"Отчество", ""},
	}, [][]string{
		{"ООО \"Ромашка\"", "7707083893", "773601001", "8 (912) 345-67-89", "info@romashka.ru", "г. Пермь, ул. Ленина, 1", "romashka.ru", "", "A-17", "15.03.2024", "ivanov", "Торговля", "1027700132195", "Иванович"},
	}},
	{"english baselinker", "baselinker", baselinkerFields(), [][2]string{
		{"Company Name", "invoice_company"}, {"Full name", "invoice_fullname"}, {"Email Address", "email"}, {"Phone", "phone"},
		{"Street address", "invoice_address"}, {"City", "invoice_city"}, {"ZIP", "invoice_postcode"}, {"State", "invoice_state"},
		{"Country", "invoice_country_code"}, {"VAT number", "invoice_tax_id"}, {"Notes", "notes"}, {"Rating", "star"}, {"Customer ID", ""},
	}, [][]string{
		{"Acme Ltd", "John Smith", "john@acme.co.uk", "+44 20 7946 0958", "1 High St", "London", "SW1A 1AA", "", "United Kingdom", "GB123456789", "", "4", "C-1"},
	}},
	{"polish baselinker", "baselinker", baselinkerFields(), [][2]string{
		{"Nazwa firmy", "invoice_company"}, {"Imię i nazwisko", "invoice_fullname"}, {"E-mail", "email"}, {"Telefon komórkowy", "phone"},
		{"Adres", "invoice_address"}, {"Kod pocztowy", "invoice_postcode"}, {"Miasto", "invoice_city"}, {"Województwo", "invoice_state"},
		{"Kraj", "invoice_country_code"}, {"NIP", "invoice_tax_id"}, {"Notatki", "notes"}, {"Login", "login"},
	}, nil},
	{"english salesman, values only for some", "salesman", salesmanFullFields(), [][2]string{
		{"Company", "title"}, {"Contact", ""}, {"Column C", "mail_url"}, {"Column D", "phone"}, {"Website", "site_url"},
		{"Address", "address"}, {"Comments", "#des"}, {"Client ID", "uid"}, {"Industry", "#idcategory"}, {"Lead source", "#clientpath"},
	}, [][]string{
		{"Acme", "Jan", "jan@acme.pl", "601234567", "acme.pl", "Warszawa", "", "7", "IT", "web"},
		{"Beta", "Ola", "ola@beta.pl", "+48 601 234 568", "", "", "", "8", "", ""},
	}},
}

func TestGuessEvaluation(t *testing.T) {
	total, right := 0, 0
	for _, es := range evalSheets {
		t.Run(es.name, func(t *testing.T) {
			header := make([]string, len(es.cols))
			for i, c := range es.cols {
				header[i] = c[0]
			}
			var sample []sheet.Row
			for i, r := range es.rows {
				sample = append(sample, textRow(i+2, r...))
			}
			g, err := Guess(registration(es.vendor), es.fields, header, sample)
			require.NoError(t, err)
			ok := 0
			for i, c := range es.cols {
				got := g.Columns[i].Field
				if got == "" && g.Columns[i].Off != "" {
					got = "#" + g.Columns[i].Off
				}
				if got == c[1] {
					ok++
				} else {
					t.Logf("column %q: guessed %q, expected %q", c[0], got, c[1])
				}
			}
			t.Logf("%s: %d of %d columns as a person would map them", es.name, ok, len(es.cols))
			total += len(es.cols)
			right += ok
			assert.GreaterOrEqual(t, ok*10, len(es.cols)*9, "at least 9 of 10 columns must be right")

			y := g.YAML()
			m, err := Parse("guessed.yaml", y, vendors)
			require.NoError(t, err, "%s", y)
			assert.NoError(t, m.Validate(es.fields), "%s", y)
			_, err = m.Bind(header, es.fields, ApplyOptions{})
			assert.NoError(t, err, "%s", y)
			report, problems := Check(m, es.fields, header)
			assert.Empty(t, problems, report)
			assert.NotContains(t, report, "switched off", "a guessed mapping must not map fields the account drops")
		})
	}
	t.Logf("mapping init evaluation: %d of %d columns (%.1f%%)", right, total, 100*float64(right)/float64(total))
}

func TestGuessLeavesSwitchedOffFieldsCommentedOut(t *testing.T) {
	header := []string{"Firma", "Telefon", "E-mail", "Uwagi", "Województwo"}
	sample := []sheet.Row{textRow(2, "Żółć sp. z o.o.", "601 234 567", "biuro@zolc.pl", "stały klient", "małopolskie")}
	cat := salesman.Catalogue()
	g, err := Guess(registration("salesman"), cat, header, sample)
	require.NoError(t, err)
	tests := []struct{ header, field, off string }{
		{"Firma", "title", ""},
		{"Telefon", "phone", ""},
		{"E-mail", "mail_url", ""},
		{"Uwagi", "", "des"},
		{"Województwo", "", "territory"},
	}
	for i, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			assert.Equal(t, tt.header, g.Columns[i].Header)
			assert.Equal(t, tt.field, g.Columns[i].Field)
			assert.Equal(t, tt.off, g.Columns[i].Off)
		})
	}
	y := string(g.YAML())
	assert.Contains(t, y, "  # Uwagi -> des (Описание) is switched off on a fresh SalesMan install; switch it on in Панель управления / Формы, then uncomment\n  # des: Uwagi   #")
	assert.Contains(t, y, "  # Województwo -> territory (Территория) is switched off")
	assert.NotContains(t, y, "#   Uwagi\n", "a commented-out column is not also listed as unplaced")

	m, err := Parse("guessed.yaml", []byte(y), vendors)
	require.NoError(t, err, y)
	report, problems := Check(m, cat, header)
	require.Empty(t, problems, report)
	assert.Empty(t, OffOnFreshAccount(m, cat))

	// uncommenting the suggested line gives a mapping that parses and checks
	on := strings.ReplaceAll(y, "  # des: Uwagi", "  des: Uwagi")
	m, err = Parse("guessed.yaml", []byte(on), vendors)
	require.NoError(t, err, on)
	report, problems = Check(m, cat, header)
	require.Empty(t, problems, report)
	assert.Equal(t, []string{"des"}, OffOnFreshAccount(m, cat))

	// with the fields switched on (an account's own catalogue), they are mapped
	for i := range cat {
		cat[i].Active = true
	}
	g, err = Guess(registration("salesman"), cat, header, sample)
	require.NoError(t, err)
	assert.Equal(t, "des", g.Columns[3].Field)
	assert.Empty(t, g.Columns[3].Off)
}

func TestGuessYAMLListsLeftovers(t *testing.T) {
	g, err := Guess(registration("thulium"), thulium.Catalogue(), []string{"Imię", "Telefon", "Ulubiony kolor"}, nil)
	require.NoError(t, err)
	y := string(g.YAML())
	assert.Contains(t, y, "#   Ulubiony kolor\n")
	assert.Contains(t, y, `# REQUIRED: Thulium needs "surname"`)
	assert.Contains(t, y, "  phone_number: {column: Telefon, transform: [phone], region: PL}")
	_, err = Parse("g.yaml", []byte(y), vendors)
	require.NoError(t, err)

}

func TestYAMLScalarQuoting(t *testing.T) {
	for _, s := range []string{"Nr tel.", "E-mail", "- dash", "yes", "123", "a: b", "# hash", " padded ", "Kod, pocztowy", "x\ty", `back\slash "q"`, "[x]", "Dział: Sprzedaż", "\u00a0Firma"} {
		t.Run(s, func(t *testing.T) {
			y := "vendor: thulium\nfields:\n  surname: " + yamlScalar(s) + "\n  name: {column: " + yamlFlowScalar(s) + "}\n"
			m, err := Parse("q.yaml", []byte(y), vendors)
			require.NoError(t, err, y)
			assert.Equal(t, s, m.Fields[0].Column)
			assert.Equal(t, s, m.Fields[1].Column)
		})
	}
}
