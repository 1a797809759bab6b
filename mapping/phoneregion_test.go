package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// The importer compares an upsert's phone numbers in the region the
// mapping reads them with.
func TestBindingPhoneRegion(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: Firma\n  phone_number: {column: Telefon, region: ua}\n  custom_fields.Faks: {column: Faks, transform: [phone]}\n"), vendors)
	require.NoError(t, err)
	header := []string{"Firma", "Telefon", "Faks"}
	b, err := m.Bind(header, nil, ApplyOptions{})
	require.NoError(t, err)
	assert.Equal(t, "UA", b.PhoneRegion("phone_number"), "the field's region")
	assert.Equal(t, "PL", b.PhoneRegion("custom_fields.Faks"), "Thulium's home market")
	assert.Equal(t, "PL", b.PhoneRegion("not_mapped"))
	b, err = m.Bind(header, nil, ApplyOptions{Region: "ru"})
	require.NoError(t, err)
	assert.Equal(t, "UA", b.PhoneRegion("phone_number"))
	assert.Equal(t, "RU", b.PhoneRegion("custom_fields.Faks"), "the run's region")
	assert.Equal(t, "RU", b.PhoneRegion("not_mapped"))
}

// Without `transform: [phone]` a number is checked only as the vendor
// checks one and sent as written: SalesMan's own documented example phone
// imports with a mapping that has no region, SalesMan takes an extension
// Thulium refuses (issue 14, item 2). A value without digits or with an
// "@" is in the wrong column for every vendor.
func TestPhoneKeptAsWrittenWithoutTransform(t *testing.T) {
	tests := []struct {
		vendor, field, f0 string
		good, bad         []string
		msg               string
	}{
		{"salesman", "phone", "title", []string{"8(912)884-45-55", "8 912 884-45-55 доб. 123", "12"}, []string{"a1@example.pl", "звонить утром"}, ""},
		{"thulium", "phone_number", "surname", []string{"8(912)884-45-55", "+48 601 234 567"},
			[]string{"a1@example.pl", "12", "601 234 567 wew. 12", "+48 601 234 567 890 123 45"}, "digits with spaces, +, -, (, ) and . only"},
	}
	for _, tt := range tests {
		m, err := Parse("m.yaml", []byte("vendor: "+tt.vendor+"\nfields:\n  "+tt.f0+": Firma\n  "+tt.field+": Telefon\n"), vendors)
		require.NoError(t, err)
		b, err := m.Bind([]string{"Firma", "Telefon"}, registration(tt.vendor).Catalogue(), ApplyOptions{})
		require.NoError(t, err)
		for _, good := range tt.good {
			rec, err := b.Apply(textRow(2, "Ромашка", good))
			require.NoError(t, err, "%s %s", tt.vendor, good)
			assert.Equal(t, good, rec[tt.field])
		}
		for _, bad := range tt.bad {
			_, err := b.Apply(textRow(3, "Ромашка", bad))
			assert.ErrorContains(t, err, "is not a phone number", "%s %s", tt.vendor, bad)
		}
		if tt.msg != "" {
			_, err := b.Apply(textRow(3, "Ромашка", "601 234 567 wew. 12"))
			assert.ErrorContains(t, err, tt.msg)
		}
	}
}

// With `transform: [phone]` and no `region:`, the region comes from the
// strongest evidence, and the binding says which.
func TestPhoneRegionEvidence(t *testing.T) {
	rows := func(cells ...string) []sheet.Row {
		var out []sheet.Row
		for i, c := range cells {
			out = append(out, textRow(i+2, "Firma", c))
		}
		return out
	}
	tests := []struct {
		name, vendor, opts string
		opt                ApplyOptions
		region, from       string
		in, want           string
	}{
		{"the field's region wins", "thulium", ", region: RU", ApplyOptions{Sample: rows("+48 601 234 567")},
			"RU", "its `region:`", "8 (912) 884-45-55", "+79128844555"},
		{"the column's other numbers", "thulium", "", ApplyOptions{Sample: rows("+7 912 884-45-56", "8 (912) 884-45-55", "0048 601 234 567", "+7 343 555 12 12")},
			"RU", `2 numbers with a country code (+7) in column "Telefon"`, "8 (912) 884-45-55", "+79128844555"},
		{"the file's encoding", "thulium", "", ApplyOptions{Info: &sheet.Info{Encoding: "windows-1251"}, Sample: rows("8 (912) 884-45-55")},
			"RU", "the file's encoding windows-1251", "8 (912) 884-45-55", "+79128844555"},
		{"the vendor's home market", "salesman", "", ApplyOptions{Info: &sheet.Info{Encoding: "utf-8"}},
			"RU", "SalesMan's home market", "8(912)884-45-55", "+79128844555"},
		{"polish by encoding for salesman", "salesman", "", ApplyOptions{Info: &sheet.Info{Encoding: "windows-1250"}},
			"PL", "the file's encoding windows-1250", "601 234 567", "+48601234567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{"salesman": "title", "thulium": "surname"}[tt.vendor]
			p := map[string]string{"salesman": "phone", "thulium": "phone_number"}[tt.vendor]
			m, err := Parse("m.yaml", []byte("vendor: "+tt.vendor+"\nfields:\n  "+f+": Firma\n  "+p+": {column: Telefon, transform: [phone]"+tt.opts+"}\n"), vendors)
			require.NoError(t, err)
			b, err := m.Bind([]string{"Firma", "Telefon"}, registration(tt.vendor).Catalogue(), tt.opt)
			require.NoError(t, err)
			require.Len(t, b.Regions(), 1)
			assert.Equal(t, RegionChoice{Field: p, Region: tt.region, From: tt.from}, b.Regions()[0])
			rec, err := b.Apply(textRow(2, "Firma", tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, rec[p])
		})
	}
}

// TestColumnRegionInHalvesCountsAsOnePass checks that a sample large
// enough to be parsed in two halves at once gives the counts of one pass,
// ties and all (run with -race for the sharing).
func TestColumnRegionInHalvesCountsAsOnePass(t *testing.T) {
	var rows []sheet.Row
	for i := range 3 * regionSplit {
		var text string
		switch i % 5 {
		case 0, 1:
			text = "+48 601 000 " + string(rune('0'+i%10)) + "01"
		case 2:
			text = "0049 30 1234567" + string(rune('0'+i%10))
		case 3:
			text = "+7 912 884-45-5" + string(rune('0'+i%10)) + ", +48 22 555 01 0" + string(rune('0'+i%10))
		case 4:
			text = "601 000 001" // no country code: not counted
		}
		rows = append(rows, sheet.Row{Cells: []sheet.Cell{{Text: "x"}, {Text: text}}})
	}
	want := countryCodes([]int{1}, rows)
	require.Len(t, want, 3, "%v", want)
	region, code, n := columnRegion([]int{1}, rows)
	assert.Equal(t, "PL", region)
	assert.Equal(t, 48, code)
	assert.Equal(t, want[48], n)
	assert.Equal(t, 3*regionSplit/5*3, n, "rows 0, 1 and 3 of every five hold a +48 number")
	// The halves disagree: the first is all +7, the second all +48 and one
	// more; the whole sample decides, not either half.
	var split []sheet.Row
	for i := range regionSplit + 1 {
		text := "+7 912 884-45-55"
		if i >= regionSplit/2 {
			text = "+48 601 000 001"
		}
		split = append(split, sheet.Row{Cells: []sheet.Cell{{Text: text}}})
	}
	region, code, n = columnRegion([]int{0}, split)
	assert.Equal(t, "PL", region)
	assert.Equal(t, 48, code)
	assert.Equal(t, regionSplit/2+1, n)
}

// TestCountryCodesCountsEveryRepeat checks that a number parsed once and
// met again is counted every time it is written, and an impossible one
// never.
func TestCountryCodesCountsEveryRepeat(t *testing.T) {
	var rows []sheet.Row
	for range 7 {
		rows = append(rows,
			sheet.Row{Cells: []sheet.Cell{{Text: "+48 42 000 00 00"}, {Text: "+999 1"}}},
			sheet.Row{Cells: []sheet.Cell{{Text: "+7 912 884-45-55; +48 42 000 00 00"}, {Text: "0049 30 12345678"}}})
	}
	assert.Equal(t, map[int]int{48: 14, 7: 7, 49: 7}, countryCodes([]int{0, 1}, rows))
}
