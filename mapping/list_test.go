package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// Several columns into one multi-valued field give one value per
// non-empty cell, each checked on its own (issue 14, item 1); a join that
// is the field's own list separator means the same, any other join keeps
// one text.
func TestColumnsIntoAMultiValuedField(t *testing.T) {
	tests := []struct {
		name, vendor, field, opts string
		cells                     []string
		want                      any
		bad                       string // the error's text, when the row fails
	}{
		{"salesman, no join", "salesman", "phone", "", []string{"+48 22 555 0019", "+48 601 000019"},
			[]string{"+48 22 555 0019", "+48 601 000019"}, ""},
		{"salesman, join the list separator", "salesman", "phone", `, join: ","`, []string{"+48 22 555 0019", "+48 601 000019"},
			[]string{"+48 22 555 0019", "+48 601 000019"}, ""},
		{"salesman, join \"; \"", "salesman", "phone", `, join: "; "`, []string{"601 000 019", "22 555 00 19"},
			[]string{"601 000 019", "22 555 00 19"}, ""},
		{"second cell empty", "salesman", "phone", "", []string{"601 000 019", ""}, []string{"601 000 019"}, ""},
		{"a cell with two numbers", "salesman", "phone", "", []string{"601 000 019, 601 000 020", "22 555 00 19"},
			[]string{"601 000 019", "601 000 020", "22 555 00 19"}, ""},
		{"thulium array, E.164 with transform", "thulium", "phone_number", ", transform: [phone], region: PL", []string{"22 555 00 19", "601 000 019"},
			[]string{"+48225550019", "+48601000019"}, ""},
		{"each value checked on its own", "thulium", "phone_number", "", []string{"601 000 019", "biuro@firma.pl"},
			nil, `"biuro@firma.pl" is not a phone number`},
		{"baselinker keeps several phones in its one field", "baselinker", "phone", "", []string{"601 000 019", "22 555 00 19"},
			[]string{"601 000 019", "22 555 00 19"}, ""},
		{"e-mails", "thulium", "email", ", transform: [trim, lower, email]", []string{"Jan@Firma.pl", "biuro@firma.pl"},
			[]string{"jan@firma.pl", "biuro@firma.pl"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := map[string]string{"salesman": "  title: Firma\n", "thulium": "  surname: Firma\n", "baselinker": ""}[tt.vendor]
			src := "vendor: " + tt.vendor + "\nfields:\n" + req + "  " + tt.field + ": {columns: [Telefon, Komórka]" + tt.opts + "}\n"
			m, err := Parse("list.yaml", []byte(src), vendors)
			require.NoError(t, err)
			reg := registration(tt.vendor)
			b, err := m.Bind([]string{"Firma", "Telefon", "Komórka"}, reg.Catalogue(), ApplyOptions{})
			require.NoError(t, err)
			rec, err := b.Apply(textRow(2, append([]string{"Acme"}, tt.cells...)...))
			if tt.bad != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.bad)
				// The one cell at fault, its value once.
				assert.Contains(t, err.Error(), `column "Komórka": "biuro@firma.pl" is not a phone number`)
				assert.NotContains(t, err.Error(), "Telefon + Komórka")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, rec[tt.field])
		})
	}
}

// A join of its own (not the field's list separator) keeps one text, as
// before: it is checked as one value.
func TestColumnsIntoAMultiValuedFieldWithAnotherJoinIsOneText(t *testing.T) {
	m, err := Parse("list.yaml", []byte("vendor: thulium\nfields:\n  surname: Firma\n  phone_number: {columns: [Kierunkowy, Numer], join: \"\"}\n"), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Firma", "Kierunkowy", "Numer"}, registration("thulium").Catalogue(), ApplyOptions{})
	require.NoError(t, err)
	rec, err := b.Apply(textRow(2, "Acme", "22", "5550019"))
	require.NoError(t, err)
	assert.Equal(t, "225550019", rec["phone_number"])
}

// Export through the same mapping puts the values back one per column, so
// the file imports back to the same list.
func TestListFieldRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		vendor string
		stored any // as the vendor gives it back
		row    []any
		back   []string
	}{
		{"salesman joins with a comma", "salesman", "+48 22 555 0019,+48 601 000019", []any{"Acme", "+48 22 555 0019", "+48 601 000019"},
			[]string{"+48 22 555 0019", "+48 601 000019"}},
		{"thulium array", "thulium", []string{"+48225550019", "+48601000019"}, []any{"Acme", "+48225550019", "+48601000019"},
			[]string{"+48225550019", "+48601000019"}},
		{"more values than columns", "thulium", []string{"601000019", "601000020", "601000021"}, []any{"Acme", "601000019", "601000020, 601000021"},
			[]string{"601000019", "601000020", "601000021"}},
		{"one value", "salesman", "601 000 019", []any{"Acme", "601 000 019", ""}, []string{"601 000 019"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{"salesman": "phone", "thulium": "phone_number"}[tt.vendor]
			first := map[string]string{"salesman": "title", "thulium": "surname"}[tt.vendor]
			m, err := Parse("list.yaml", []byte("vendor: "+tt.vendor+"\nfields:\n  "+first+": Firma\n  "+f+": {columns: [Telefon, Komórka]}\n"), vendors)
			require.NoError(t, err)
			row, back := roundTrip(t, m, crm.Record{first: "Acme", f: tt.stored})
			assert.Equal(t, tt.row, row)
			assert.Equal(t, tt.back, back[f])
		})
	}
}

// The upsert error of a mapping without a key names the vendor's own
// fields (issue 14, item 3).
func TestUpsertKeyErrorNamesTheVendorsFields(t *testing.T) {
	tests := map[string]string{
		"salesman":   "`key: uid` (your own id for the client), `key: mail_url` (the e-mail, if no two clients share one), `key: clid` (SalesMan's number, in a file exported from SalesMan)",
		"thulium":    "`key: identifier` (your own id for the client), `key: email` (the e-mail, if no two clients share one), `key: customer_id` (Thulium's number",
		"baselinker": "e.g. `key: email` (the e-mail, if no two clients share one), `key: crm_client_id` (BaseLinker's number",
	}
	for vendor, want := range tests {
		f := map[string]string{"salesman": "title", "thulium": "surname", "baselinker": "email"}[vendor]
		m, err := Parse("m.yaml", []byte("vendor: "+vendor+"\nfields:\n  "+f+": A\n"), vendors)
		require.NoError(t, err)
		err = m.UpsertKeyError()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "updating existing clients needs a key: add a line `key: FIELD` to m.yaml")
		assert.NotContains(t, err.Error(), "--", "the engine names no command-line flag")
		assert.Contains(t, err.Error(), want)
		m.Key = f
		assert.NoError(t, m.UpsertKeyError())
	}
}

// mapping check says a list field takes one value per column.
func TestCheckSaysListFields(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: Firma\n  phone_number: {columns: [Telefon, Komórka]}\n  note: {columns: [Uwagi, Opis]}\n"), vendors)
	require.NoError(t, err)
	report, problems := Check(m, registration("thulium").Catalogue(), []string{"Firma", "Telefon", "Komórka", "Uwagi", "Opis"})
	require.Empty(t, problems, report)
	assert.Contains(t, report, "phone_number ← Telefon + Komórka  (one value per column)\n")
	assert.Contains(t, report, "note         ← Uwagi + Opis\n")
}

// CheckRows counts the rows each field fails on, with one example, and
// calls a column that fails on every row broken (issue 14, item 5).
func TestCheckRows(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  phone_number: E-mail\n  email: Telefon\n  note: Uwagi\n"), vendors)
	require.NoError(t, err)
	header := []string{"Nazwisko", "E-mail", "Telefon", "Uwagi"}
	rows := []sheet.Row{
		textRow(2, "Kowalski", "a1@example.pl", "601 000 019", ""),
		textRow(3, "Nowak", "a2@example.pl", "jan@firma.pl", ""),
		textRow(4, "Wiśniewski", "a3@example.pl", "", "x"),
	}
	rr, err := m.CheckRows(header, rows, registration("thulium").Catalogue(), ApplyOptions{})
	require.NoError(t, err)
	require.Len(t, rr.Fields, 2, rr.String())
	assert.Equal(t, "phone_number", rr.Fields[0].Field)
	assert.Equal(t, 3, rr.Fields[0].Failed)
	assert.Equal(t, `"a1@example.pl" is not a phone number (it looks like an e-mail address)`, rr.Fields[0].Reason())
	assert.Equal(t, 1, rr.Fields[1].Failed, "a blank cell of an optional field is no failure")
	require.Len(t, rr.Broken(), 1)
	assert.Equal(t, "phone_number", rr.Broken()[0].Field)
	assert.Contains(t, rr.String(), `phone_number ← E-mail: 3 of 3 rows fail: "a1@example.pl" is not a phone number (it looks like an e-mail address) (e.g. row 2); every row fails`)
	assert.Contains(t, rr.String(), `email ← Telefon: 1 of 3 rows fail: "601 000 019" is not an e-mail address (e.g. row 2)`+"\n")

	rr, err = m.CheckRows(header, nil, registration("thulium").Catalogue(), ApplyOptions{})
	require.NoError(t, err)
	assert.Empty(t, rr.Broken())
	assert.Equal(t, "the file has no rows under its headers to map\n", rr.String())
}
