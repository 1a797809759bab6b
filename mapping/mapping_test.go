package mapping

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/thulium"
	"github.com/crmport/crmport/sheet"
)

// designExample is the mapping of DESIGN.md § "Mapping file", verbatim.
const designExample = `vendor: salesman            # salesman | thulium | baselinker
source:                     # all optional
  sheet: Klienci            # XLSX sheet (default: the first)
  header_row: 1             # 1-based row with the headers (default: found automatically)
  encoding: auto            # auto | utf-8 | windows-1250 | windows-1251 | iso-8859-2 | koi8-r | ...
  delimiter: auto           # auto | ";" | "," | "\t" | "|"
key: uid                    # field that identifies an existing client (upsert, lookups)
blank: skip                 # skip (default: empty cells are not sent) | clear (send "")
fields:                     # vendor field  <-  column(s), in the order of export columns
  title: Company                                   # short form: the column's header
  uid: {column: ID}
  phone: {column: Phones, split: ",;"}             # several values -> array
  mail_url: {column: E-mail, transform: [trim, lower, email]}
  recv.castInn: {column: INN, transform: [digits]} # nested field path
  des: {columns: [Notes, Comment], join: "\n"}
  type: {value: client}                            # constant
  tip_cmr: {column: Status, values: {Lead: Потенциальный клиент}, default: Потенциальный клиент}
  date_create: {column: Created, date: "02.01.2006"}
`

// salesmanFields is a small SalesMan catalogue for tests (the real one is
// crm/salesman.Catalogue).
func salesmanFields() []crm.Field {
	return []crm.Field{
		{Name: "clid", Type: crm.TypeInt, ReadOnly: true, Active: true},
		{Name: "uid", Type: crm.TypeString, MaxLen: 30, Active: true},
		{Name: "title", Label: "Название", Type: crm.TypeString, MaxLen: 250, Required: true, Active: true},
		{Name: "type", Type: crm.TypeEnum, Values: []string{"client", "person", "concurent", "contractor", "parnter"}, Active: true},
		{Name: "tip_cmr", Type: crm.TypeString, MaxLen: 255},
		{Name: "des", Type: crm.TypeText},
		{Name: "address", Type: crm.TypeText, Active: true},
		{Name: "phone", Type: crm.TypePhone, MaxLen: 250, Multi: true, Active: true},
		{Name: "mail_url", Type: crm.TypeEmail, MaxLen: 250, Multi: true, Active: true},
		{Name: "site_url", Type: crm.TypeString, MaxLen: 250, Active: true},
		{Name: "date_create", Type: crm.TypeDateTime, Active: true},
		{Name: "recv.castInn", Label: "ИНН", Type: crm.TypeText, Active: true},
		{Name: "recv.castKpp", Label: "КПП", Type: crm.TypeText, Active: true},
		{Name: "user", Type: crm.TypeString, Active: true},
		{Name: "idcategory", Type: crm.TypeString},
		{Name: "territory", Type: crm.TypeString},
		{Name: "clientpath", Type: crm.TypeString},
		{Name: "fax", Type: crm.TypePhone, MaxLen: 250, Multi: true, Active: true},
	}
}

// baselinkerFields is a BaseLinker catalogue for tests.
func baselinkerFields() []crm.Field {
	f := []crm.Field{
		{Name: "crm_client_id", Type: crm.TypeInt, ReadOnly: true, Active: true},
		{Name: "status_id", Type: crm.TypeInt, Active: true},
		{Name: "star", Type: crm.TypeInt, Min: 0, Max: 5, Active: true},
		{Name: "login", Type: crm.TypeString, MaxLen: 156, Active: true},
		{Name: "phone", Type: crm.TypePhone, MaxLen: 156, Active: true},
		{Name: "email", Type: crm.TypeEmail, MaxLen: 220, Active: true},
		{Name: "notes", Type: crm.TypeText, Active: true},
	}
	for _, p := range []string{"invoice_", "delivery_"} {
		f = append(f,
			crm.Field{Name: p + "company", Type: crm.TypeString, MaxLen: 500, Active: true},
			crm.Field{Name: p + "fullname", Type: crm.TypeString, MaxLen: 500, Active: true},
			crm.Field{Name: p + "address", Type: crm.TypeString, MaxLen: 500, Active: true},
			crm.Field{Name: p + "postcode", Type: crm.TypeString, MaxLen: 20, Active: true},
			crm.Field{Name: p + "city", Type: crm.TypeString, MaxLen: 100, Active: true},
			crm.Field{Name: p + "state", Type: crm.TypeString, MaxLen: 35, Active: true},
			crm.Field{Name: p + "country_code", Type: crm.TypeCountry, MaxLen: 2, Active: true},
			crm.Field{Name: p + "tax_id", Type: crm.TypeString, MaxLen: 50, Active: true},
		)
	}
	return f
}

func textRow(line int, cells ...string) sheet.Row {
	r := sheet.Row{Line: line}
	for _, c := range cells {
		k := sheet.KindText
		if c == "" {
			k = sheet.KindEmpty
		}
		r.Cells = append(r.Cells, sheet.Cell{Text: c, Kind: k})
	}
	return r
}

func TestParseDesignExample(t *testing.T) {
	m, err := Parse("mapping.yaml", []byte(designExample), vendors)
	require.NoError(t, err)
	assert.Equal(t, "salesman", m.Vendor)
	assert.Equal(t, "uid", m.Key)
	assert.Equal(t, "skip", m.Blank)
	assert.Equal(t, SourceOptions{Sheet: "Klienci", HeaderRow: 1, Encoding: "auto", Delimiter: "auto"}, m.Source)
	assert.Equal(t, sheet.Options{Sheet: "Klienci", HeaderRow: 1}, m.SheetOptions())
	require.Len(t, m.Fields, 9)
	assert.Equal(t, FieldMap{Field: "title", Column: "Company", Line: 10, Col: 3}, stripPrivate(m.Fields[0]))
	assert.Equal(t, ",;", m.Fields[2].Split)
	assert.Equal(t, []string{"trim", "lower", "email"}, m.Fields[3].Transforms)
	assert.Equal(t, []string{"Notes", "Comment"}, m.Fields[5].Columns)
	assert.Equal(t, "\n", m.Fields[5].Join)
	assert.Equal(t, "client", m.Fields[6].Value)
	require.NotNil(t, m.Fields[7].Default)
	assert.Equal(t, "Потенциальный клиент", *m.Fields[7].Default)
	assert.Equal(t, map[string]string{"Lead": "Потенциальный клиент"}, m.Fields[7].Values)
	assert.Equal(t, "02.01.2006", m.Fields[8].Date)
	assert.Equal(t, []string{"Company", "ID", "Phones", "E-mail", "INN", "Notes", "Comment", "type", "Status", "Created"}, m.Headers())
	require.NoError(t, m.Validate(salesmanFields()))
}

func stripPrivate(f FieldMap) FieldMap {
	f.pos, f.reverse, f.valuesCI, f.layout = nil, nil, nil, ""
	return f
}

func TestDesignExampleApply(t *testing.T) {
	m, err := Parse("mapping.yaml", []byte(designExample), vendors)
	require.NoError(t, err)
	header := []string{"ID", " company\u00a0", "Phones", "E-mail", "INN", "Notes", "Comment", "Status", "Created"}
	b, err := m.Bind(header, salesmanFields(), ApplyOptions{Region: "RU"})
	require.NoError(t, err)
	rec, err := b.Apply(textRow(2, "A-1", "ООО Ромашка", "8 (912) 345-67-89; +48 601 234 567", " Ivan@Example.RU ", "77-07-083893", "first", "second", "Lead", "15.03.2024"))
	require.NoError(t, err)
	assert.Equal(t, crm.Record{
		"title":        "ООО Ромашка",
		"uid":          "A-1",
		"phone":        []string{"8 (912) 345-67-89", "+48 601 234 567"}, // as written: no `transform: [phone]`
		"mail_url":     "ivan@example.ru",
		"recv.castInn": "7707083893",
		"des":          "first\nsecond",
		"type":         "client",
		"tip_cmr":      "Потенциальный клиент",
		"date_create":  time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC),
	}, rec)

	// unknown status → default; blank cells are not sent
	rec, err = b.Apply(textRow(3, "", "Firma", "", "", "", "", "", "Klient", ""))
	require.NoError(t, err)
	assert.Equal(t, crm.Record{"title": "Firma", "type": "client", "tip_cmr": "Потенциальный клиент"}, rec)
}

func TestApplyReportsEveryBadCell(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`vendor: salesman
fields:
  title: Firma
  mail_url: {column: E-mail, transform: [trim, lower, email]}
  phone: Telefon
  uid: ID
`), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Firma", "E-mail", "Telefon", "ID"}, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	rec, err := b.Apply(textRow(17, "", "jan@", "zadzwonić", strings.Repeat("x", 31)))
	require.Error(t, err)
	assert.Nil(t, rec)
	probs := Problems(err)
	require.Len(t, probs, 4)
	want := []string{
		`row 17, column "Firma": the cell is empty, but SalesMan needs a value for title (Название)`,
		`row 17, column "E-mail": "jan@" is not an e-mail address`,
		`row 17, column "Telefon": "zadzwonić" is not a phone number (it has no digits)`,
		`row 17, column "ID": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" is too long: 31 characters, SalesMan takes at most 30 in uid`,
	}
	for i, p := range probs {
		var ce *sheet.CellError
		require.True(t, errors.As(p, &ce), "problem %d is %T", i, p)
		assert.Equal(t, 17, ce.Line)
		assert.Equal(t, want[i], p.Error())
	}
	assert.ErrorIs(t, err, ErrNotEmail)
}

func TestApplyBlankCellMessagesReadAsSentences(t *testing.T) {
	tests := []struct {
		name  string
		field string
		cell  string
		want  string
	}{
		{"required and empty", "title: Firma", "", `row 5, column "Firma": the cell is empty, but SalesMan needs a value for title (Название)`},
		{"required and only spaces", "title: Firma", " \u00a0 ", `row 5, column "Firma": the cell is empty, but SalesMan needs a value for title (Название)`},
		{"required, split, only separators", `title: {column: Firma, split: ",;"}`, " , ;", `row 5, column "Firma": " , ;" holds no value, but SalesMan needs a value for title (Название)`},
		{"default the transforms refuse", "title: Firma\n  uid: {column: ID, transform: [email], default: none}", "", `row 5, column "ID": the cell is empty and its default "none" is not an e-mail address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("vendor: salesman\nfields:\n  "+tt.field+"\n"), vendors)
			require.NoError(t, err)
			fields := salesmanFields()
			for i := range fields {
				if fields[i].Name == "title" {
					fields[i].Multi = true // lets the split case through Validate
				}
			}
			b, err := m.Bind([]string{"Firma", "ID"}, fields, ApplyOptions{})
			require.NoError(t, err)
			cells := []string{"Acme", ""}
			if strings.Contains(tt.field, "ID") {
				cells[1] = tt.cell
			} else {
				cells[0] = tt.cell
			}
			_, err = b.Apply(textRow(5, cells...))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.NotContains(t, err.Error(), `": is`)
		})
	}
}

func TestApplyTypedFields(t *testing.T) {
	m, err := Parse("m.yaml", []byte(`vendor: baselinker
fields:
  invoice_company: Firma
  star: Ocena
  invoice_country_code: Kraj
  email: E-mail
  phone: Telefon
  invoice_tax_id: {column: NIP, transform: digits}
  custom_extra_fields.12: Segment
`), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Firma", "Ocena", "Kraj", "E-mail", "Telefon", "NIP", "Segment"}, baselinkerFields(), ApplyOptions{})
	require.NoError(t, err)
	tests := []struct {
		name  string
		cells []string
		want  crm.Record
		errs  []string
	}{
		{"all good", []string{"Żółć Sp. z o.o.", "5", "Niemcy", "a@b.pl", "601-234-567", "PL 525-000-12-34", "VIP"},
			crm.Record{"invoice_company": "Żółć Sp. z o.o.", "star": int64(5), "invoice_country_code": "DE", "email": "a@b.pl", "phone": "601-234-567", "invoice_tax_id": "5250001234", "custom_extra_fields.12": "VIP"}, nil},
		{"russian country name", []string{"ООО Ромашка", "0", "Россия", "", "", "", ""},
			crm.Record{"invoice_company": "ООО Ромашка", "star": int64(0), "invoice_country_code": "RU"}, nil},
		{"bad values", []string{"X", "7", "Atlantyda", "a b@c.pl", "abc", "", ""}, nil, []string{
			`row 5, column "Ocena": "7" is out of range: BaseLinker takes 0 to 5 in star`,
			`row 5, column "Kraj": "Atlantyda" is not a country`,
			`row 5, column "E-mail": "a b@c.pl" is not an e-mail address`,
			`row 5, column "Telefon": "abc" is not a phone number`,
		}},
		{"star not whole", []string{"X", "2,5", "", "", "", "", ""}, nil, []string{`row 5, column "Ocena": "2,5" is not a whole number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := b.Apply(textRow(5, tt.cells...))
			if tt.errs == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, rec)
				return
			}
			require.Error(t, err)
			probs := Problems(err)
			require.Len(t, probs, len(tt.errs))
			for i, p := range probs {
				assert.Contains(t, p.Error(), tt.errs[i])
			}
		})
	}
}

func TestApplyBlankClearAndSalesman4Byte(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: salesman\nblank: clear\nfields:\n  title: Firma\n  address: Adres\n"), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Firma", "Adres"}, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	rec, err := b.Apply(textRow(2, "Kwiaciarnia", " "))
	require.NoError(t, err)
	assert.Equal(t, crm.Record{"title": "Kwiaciarnia", "address": ""}, rec)

	_, err = b.Apply(textRow(3, "Kwiaciarnia 🌸", ""))
	require.Error(t, err)
	assert.Equal(t, `row 3, column "Firma": "Kwiaciarnia 🌸" contains characters SalesMan cannot store (emoji): 🌸; remove them`, err.Error())
}

// The 4-byte rule is the vendor's Registration.Strict4Byte, not a name
// mapping knows: Thulium keeps emoji, BaseLinker (like SalesMan) does not,
// and ApplyOptions.Reject4Byte turns the rule on for any vendor.
func TestApply4ByteRuleFollowsTheRegistration(t *testing.T) {
	tests := []struct {
		vendor, yaml string
		opt          ApplyOptions
		want         string
	}{
		{"thulium", "surname: Firma", ApplyOptions{}, ""},
		{"thulium", "surname: Firma", ApplyOptions{Reject4Byte: true}, "Thulium cannot store (emoji): 🌸"},
		{"baselinker", "invoice_company: Firma", ApplyOptions{}, "BaseLinker cannot store (emoji): 🌸"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("vendor: "+tt.vendor+"\nfields:\n  "+tt.yaml+"\n"), vendors)
			require.NoError(t, err)
			b, err := m.Bind([]string{"Firma"}, nil, tt.opt)
			require.NoError(t, err)
			_, err = b.Apply(textRow(2, "Kwiaciarnia 🌸"))
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestApplyDateCellsAndSerials(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  birthdate: Urodziny\n"), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Nazwisko", "Urodziny"}, thulium.Catalogue(), ApplyOptions{})
	require.NoError(t, err)
	day := time.Date(1985, 7, 4, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		cell sheet.Cell
	}{
		{"date cell", sheet.TimeCell("1985-07-04", sheet.KindDate, day)},
		{"excel serial", sheet.Cell{Text: "31232", Kind: sheet.KindNumber}},
		{"polish text", sheet.Cell{Text: "04.07.1985", Kind: sheet.KindText}},
		{"iso text", sheet.Cell{Text: "1985-07-04", Kind: sheet.KindText}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := sheet.Row{Line: 2, Cells: []sheet.Cell{{Text: "Kowalski", Kind: sheet.KindText}, tt.cell}}
			rec, err := b.Apply(row)
			require.NoError(t, err)
			assert.Equal(t, day, rec["birthdate"])
		})
	}
}

func TestBindMissingColumn(t *testing.T) {
	m, err := Parse("mapping.yaml", []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: Emial}\n"), vendors)
	require.NoError(t, err)
	_, err = m.Bind([]string{"Nazwisko", "Email", "Telefon"}, thulium.Catalogue(), ApplyOptions{})
	require.Error(t, err)
	assert.Equal(t, `mapping.yaml:4:19: column "Emial" is not in the file (did you mean "Email"?)`, err.Error())
}

func TestBindMissingColumnSuggestsTheClosestHeader(t *testing.T) {
	tests := []struct {
		name   string
		column string
		header []string
		want   string
	}{
		{"typo", "Emial", []string{"Nazwisko", "Email", "Telefon"}, ` (did you mean "Email"?)`},
		{"case and diacritics", "miejscowosc", []string{"Nazwisko", "Miejscowość"}, ` (did you mean "Miejscowość"?)`},
		{"cyrillic for latin", "Телефон", []string{"Firma", "Telefon", "Tel. kom."}, ` (did you mean "Telefon"?)`},
		{"latin for cyrillic", "Adres", []string{"Название", "Адрес"}, ` (did you mean "Адрес"?)`},
		{"a header holding the column's words", "Poczta", []string{"Firma", "Poczta e-mail", "Telefon"}, ` (did you mean "Poczta e-mail"?)`},
		{"a synonym", "Poczta", []string{"Firma", "E-mail", "Telefon"}, ` (did you mean "E-mail"?)`},
		{"nothing close: the list", "Poczta", []string{"Firma", "NIP", "Telefon"}, `; the file's headers are: Firma, NIP, Telefon`},
		{"two synonyms: the list", "Poczta", []string{"E-mail", "Mail"}, `; the file's headers are: E-mail, Mail`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: "+tt.column+"\n"), vendors)
			require.NoError(t, err)
			_, err = m.Bind(tt.header, nil, ApplyOptions{})
			require.Error(t, err)
			assert.Equal(t, `m.yaml:3:12: column "`+tt.column+`" is not in the file`+tt.want, err.Error())
		})
	}
}

func TestBindMissingColumnsOfAFlowListAtEachItem(t *testing.T) {
	y := "vendor: salesman\nfields:\n  title: Firma\n  address: {columns: [Город, Адрес]}\n"
	m, err := Parse("m.yaml", []byte(y), vendors)
	require.NoError(t, err)
	_, err = m.Bind([]string{"Firma"}, nil, ApplyOptions{})
	require.Error(t, err)
	probs := Problems(err)
	require.Len(t, probs, 2)
	assert.True(t, strings.HasPrefix(probs[0].Error(), `m.yaml:4:23: column "Город" is not in the file`), probs[0].Error())
	assert.True(t, strings.HasPrefix(probs[1].Error(), `m.yaml:4:30: column "Адрес" is not in the file`), probs[1].Error())
}

func TestReverse(t *testing.T) {
	m, err := Parse("mapping.yaml", []byte(designExample), vendors)
	require.NoError(t, err)
	row := m.Reverse(crm.Record{
		"title":       "Ромашка, ООО",
		"phone":       []string{"+79123456789", "+48601234567"},
		"tip_cmr":     "Потенциальный клиент",
		"date_create": "2024-03-15 10:20:30",
		"type":        "client",
		"des":         "первая строка\nвторая строка\nтретья",
	})
	assert.Equal(t, []any{"Ромашка, ООО", nil, "+79123456789,+48601234567", nil, nil, "первая строка", "вторая строка\nтретья", "client", "Lead", "15.03.2024"}, row)
	assert.Len(t, row, len(m.Headers()))
}
