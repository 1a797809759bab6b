package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// roundTrip exports rec with m (Headers, Reverse) and imports the row back
// with the same mapping (Bind on the exported headers, Apply).
func roundTrip(t *testing.T, m *Mapping, rec crm.Record) ([]any, crm.Record) {
	t.Helper()
	hs := m.Headers()
	row := m.Reverse(rec)
	require.Len(t, row, len(hs))
	b, err := m.Bind(hs, nil, ApplyOptions{})
	require.NoError(t, err, "the exported headers must bind with the same mapping")
	in := sheet.Row{Line: 2}
	for _, v := range row {
		s := ""
		if v != nil {
			s = v.(string)
		}
		in.Cells = append(in.Cells, sheet.Cell{Text: s, Kind: sheet.KindText})
	}
	got, err := b.Apply(in)
	require.NoError(t, err)
	return row, got
}

func TestReverseJoinedColumnsRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		mapping string
		headers []string
		rec     crm.Record
		row     []any
		back    crm.Record // nil: the same as rec
	}{
		{
			name:    "latin, join space",
			mapping: "vendor: baselinker\nfields:\n  invoice_fullname: {columns: [First name, Last name]}\n  email: E-mail\n",
			headers: []string{"First name", "Last name", "E-mail"},
			rec:     crm.Record{"invoice_fullname": "John Smith", "email": "john@example.com"},
			row:     []any{"John", "Smith", "john@example.com"},
		},
		{
			name:    "more separators than columns: the rest stays in the last column",
			mapping: "vendor: baselinker\nfields:\n  invoice_fullname: {columns: [First name, Last name]}\n",
			headers: []string{"First name", "Last name"},
			rec:     crm.Record{"invoice_fullname": "John Paul Smith"},
			row:     []any{"John", "Paul Smith"},
		},
		{
			name:    "no separator: all in the first column, no trailing join on import",
			mapping: "vendor: baselinker\nfields:\n  invoice_fullname: {columns: [First name, Last name]}\n",
			headers: []string{"First name", "Last name"},
			rec:     crm.Record{"invoice_fullname": "John"},
			row:     []any{"John", ""},
		},
		{
			name:    "cyrillic, join comma",
			mapping: "vendor: salesman\nfields:\n  address: {columns: [Город, Улица], join: \", \"}\n",
			headers: []string{"Город", "Улица"},
			rec:     crm.Record{"address": "Екатеринбург, ул. Ленина"},
			row:     []any{"Екатеринбург", "ул. Ленина"},
		},
		{
			name:    "join newline, three columns",
			mapping: "vendor: salesman\nfields:\n  des: {columns: [Notes, Comment, Extra], join: \"\\n\"}\n",
			headers: []string{"Notes", "Comment", "Extra"},
			rec:     crm.Record{"des": "первая строка\nsecond line"},
			row:     []any{"первая строка", "second line", ""},
		},
		{
			name:    "missing joined field: its columns stay empty",
			mapping: "vendor: baselinker\nfields:\n  invoice_fullname: {columns: [First name, Last name]}\n  email: E-mail\n",
			headers: []string{"First name", "Last name", "E-mail"},
			rec:     crm.Record{"email": "john@example.com"},
			row:     []any{nil, nil, "john@example.com"},
		},
		{
			name:    "shared header: the field taking it whole writes it, the joined field gets the rest",
			mapping: "vendor: thulium\nfields:\n  name: {columns: [Imię, Nazwisko]}\n  surname: Nazwisko\n",
			headers: []string{"Imię", "Nazwisko"},
			rec:     crm.Record{"name": "Jan Maria Kowalski", "surname": "Kowalski"},
			row:     []any{"Jan Maria", "Kowalski"},
		},
		{
			name:    "shared header, whole field first and spelt differently",
			mapping: "vendor: thulium\nfields:\n  surname: nazwisko\n  name: {columns: [Imię, Nazwisko]}\n",
			headers: []string{"nazwisko", "Imię"},
			rec:     crm.Record{"name": "Anna Nowak", "surname": "Nowak"},
			row:     []any{"Nowak", "Anna"},
		},
		{
			name:    "shared header, joined value is only the shared part",
			mapping: "vendor: thulium\nfields:\n  name: {columns: [Imię, Nazwisko]}\n  surname: Nazwisko\n",
			headers: []string{"Imię", "Nazwisko"},
			rec:     crm.Record{"name": "Kowalski", "surname": "Kowalski"},
			row:     []any{"", "Kowalski"},
		},
		{
			name:    "shared header, joined value does not end with the other field: the whole field keeps its value",
			mapping: "vendor: thulium\nfields:\n  name: {columns: [Imię, Nazwisko]}\n  surname: Nazwisko\n",
			headers: []string{"Imię", "Nazwisko"},
			rec:     crm.Record{"name": "Jan", "surname": "Kowalski"},
			row:     []any{"Jan", "Kowalski"},
			back:    crm.Record{"name": "Jan Kowalski", "surname": "Kowalski"},
		},
		{
			name:    "header shared by two joined fields: the first writes it",
			mapping: "vendor: salesman\nfields:\n  title: {columns: [A, B]}\n  des: {columns: [B, C]}\n",
			headers: []string{"A", "B", "C"},
			rec:     crm.Record{"title": "1 2", "des": "2 3"},
			row:     []any{"1", "2", "3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(tt.mapping), vendors)
			require.NoError(t, err)
			assert.Equal(t, tt.headers, m.Headers())
			assert.Len(t, m.Columns(nil), len(tt.headers))
			row, back := roundTrip(t, m, tt.rec)
			assert.Equal(t, tt.row, row)
			want := tt.back
			if want == nil {
				want = tt.rec
			}
			assert.Equal(t, want, back)
		})
	}
}

func TestColumnsJoinedParts(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: salesman\nfields:\n  phone: {columns: [Tel kierunkowy, Tel numer], join: \"\"}\n  date_create: Created\n"), vendors)
	require.NoError(t, err)
	cols := m.Columns([]crm.Field{{Name: "phone", Type: crm.TypePhone}, {Name: "date_create", Type: crm.TypeDateTime}})
	assert.Equal(t, []sheet.Column{
		{Name: "Tel kierunkowy", Kind: sheet.ColumnText},
		{Name: "Tel numer", Kind: sheet.ColumnText},
		{Name: "Created", Kind: sheet.ColumnDate},
	}, cols)
}

func TestColumnKindOneRuleForEveryExport(t *testing.T) {
	for _, tt := range []struct {
		field string
		typ   crm.FieldType
		want  sheet.ColumnKind
	}{
		{"updated_at", crm.TypeString, sheet.ColumnDate}, // Thulium types it as text
		{"created_at", "", sheet.ColumnDate},             // seen in records, not in the catalogue
		{"date_create", crm.TypeDateTime, sheet.ColumnDate},
		{"address.postcode", crm.TypeString, sheet.ColumnText},
		{"phone_number", crm.TypeString, sheet.ColumnText},
		{"mob", crm.TypeString, sheet.ColumnText},
		{"nip", crm.TypeInt, sheet.ColumnText},
		{"recv", crm.TypePhone, sheet.ColumnText},
		{"amount", crm.TypeNumber, sheet.ColumnNumber},
		{"vip", crm.TypeBool, sheet.ColumnAuto},
		{"comment", crm.TypeString, sheet.ColumnAuto},
	} {
		assert.Equal(t, tt.want, ColumnKind(tt.field, tt.typ), tt.field)
	}
}
