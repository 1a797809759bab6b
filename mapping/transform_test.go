package mapping

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

func TestStringTransforms(t *testing.T) {
	tests := []struct {
		name, transform, region, in, want string
		err                               error
	}{
		{"trim nbsp polish", "trim", "", "\u00a0 Łódź \t", "Łódź", nil},
		{"trim russian", "trim", "", "  Москва ", "Москва", nil},
		{"lower polish", "lower", "", "ŻÓŁĆ Gęślą", "żółć gęślą", nil},
		{"lower russian", "lower", "", "ООО РОМАШКА", "ооо ромашка", nil},
		{"upper polish", "upper", "", "zażółć", "ZAŻÓŁĆ", nil},
		{"upper russian", "upper", "", "ёжик", "ЁЖИК", nil},
		{"digits nip", "digits", "", "PL 525-000-12-34", "5250001234", nil},
		{"digits inn", "digits", "", "ИНН 7707 083893", "7707083893", nil},
		{"email ok", "email", "", " jan.kowalski@firma.pl ", "jan.kowalski@firma.pl", nil},
		{"email cyrillic domain", "email", "", "info@почта.рф", "info@почта.рф", nil},
		{"email mailto", "email", "", "mailto:a@b.pl", "a@b.pl", nil},
		{"email missing domain", "email", "", "jan@", "", ErrNotEmail},
		{"email two ats", "email", "", "a@b@c.pl", "", ErrNotEmail},
		{"email space", "email", "", "jan kowalski@firma.pl", "", ErrNotEmail},
		{"email no dot", "email", "", "jan@localhost", "", ErrNotEmail},
		{"email double dot", "email", "", "jan..k@firma.pl", "", ErrNotEmail},
		{"phone pl mobile", "phone", "PL", "601 234 567", "+48601234567", nil},
		{"phone pl 0048", "phone", "PL", "0048 12 421 55 80", "+48124215580", nil},
		{"phone pl +48 dashes", "phone", "PL", "+48-601-234-567", "+48601234567", nil},
		{"phone ru 8", "phone", "RU", "8 (912) 345-67-89", "+79123456789", nil},
		{"phone ru +7", "phone", "RU", "+7 495 123-45-67", "+74951234567", nil},
		{"phone de from pl", "phone", "PL", "+49 30 901820", "+4930901820", nil},
		{"phone with text", "phone", "PL", "tel. 601 234 567", "+48601234567", nil},
		{"phone short", "phone", "PL", "12", "", ErrNotPhone},
		{"phone letters", "phone", "RU", "звонить утром", "", ErrNotPhone},
		{"country polish name", "country", "", "Niemcy", "DE", nil},
		{"country polish lower no diacritics", "country", "", "wegry", "HU", nil},
		{"country russian", "country", "", "Россия", "RU", nil},
		{"country russian belarus", "country", "", "беларусь", "BY", nil},
		{"country native", "country", "", "Deutschland", "DE", nil},
		{"country czech polish", "country", "", "Czechy", "CZ", nil},
		{"country ukraine polish", "country", "", "Ukraina", "UA", nil},
		{"country english", "country", "", "Germany", "DE", nil},
		{"country code", "country", "", "pl", "PL", nil},
		{"country alpha3", "country", "", "POL", "PL", nil},
		{"country uk", "country", "", "UK", "GB", nil},
		{"country unknown", "country", "", "Mordor", "", ErrNotCountry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := TransformFunc(tt.transform, tt.region)
			require.NoError(t, err)
			got, err := fn(tt.in)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPhoneFastPathAgreesWithLibphonenumber(t *testing.T) {
	for _, tt := range []struct{ in, region string }{
		{"601234567", "PL"}, {"+48 22 123 45 67", "PL"}, {"0048 58 301 22 14", "PL"}, {"(12) 421-55-80", "PL"},
		{"8 912 345 67 89", "RU"}, {"+7 (812) 234-56-78", "RU"}, {"9123456789", "RU"}, {"8-495-123-45-67", "RU"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			num, err := phonenumbers.Parse(tt.in, tt.region)
			require.NoError(t, err)
			got, err := PhoneE164(tt.in, tt.region)
			require.NoError(t, err)
			assert.Equal(t, phonenumbers.Format(num, phonenumbers.E164), got)
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1234", 1234, true}, {"1 234,56", 1234.56, true}, {"1\u00a0234,56", 1234.56, true}, {"1.234,56", 1234.56, true},
		{"1,234.56", 1234.56, true}, {"-12,5", -12.5, true}, {"1.234.567", 1234567, true}, {"1,5", 1.5, true},
		{"5525.14", 5525.14, true}, {"1'234.5", 1234.5, true}, {"−3", -3, true}, {"12 zł", 0, false}, {"abc", 0, false},
		{"1,2,3.4,5", 0, false}, {"", 0, false}, {"1-2", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			if !tt.ok {
				assert.ErrorIs(t, err, ErrNotNumber)
				return
			}
			require.NoError(t, err)
			assert.InDelta(t, tt.want, got, 1e-9)
		})
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in   string
		want bool
		ok   bool
	}{
		{"tak", true, true}, {"Nie", false, true}, {"PRAWDA", true, true}, {"fałsz", false, true}, {"да", true, true},
		{"Нет", false, true}, {"ИСТИНА", true, true}, {"ложь", false, true}, {"yes", true, true}, {"No", false, true},
		{"true", true, true}, {"1", true, true}, {"0", false, true}, {" y ", true, true}, {"może", false, false}, {"", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBool(tt.in)
			if !tt.ok {
				assert.ErrorIs(t, err, ErrNotBool)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDate(t *testing.T) {
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		cell   sheet.Cell
		layout string
		want   time.Time
		ok     bool
	}{
		{"polish dotted", sheet.Cell{Text: "31.12.2024"}, "", d(2024, 12, 31), true},
		{"iso", sheet.Cell{Text: "2024-12-31"}, "", d(2024, 12, 31), true},
		{"iso time", sheet.Cell{Text: "2024-12-31 10:20:30"}, "", time.Date(2024, 12, 31, 10, 20, 30, 0, time.UTC), true},
		{"excel serial", sheet.Cell{Text: "45657", Kind: sheet.KindNumber}, "", d(2024, 12, 31), true},
		{"excel serial with time", sheet.Cell{Text: "45657.5", Kind: sheet.KindNumber}, "", time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC), true},
		{"date cell", sheet.TimeCell("2024-12-31", sheet.KindDate, d(2024, 12, 31)), "02.01.2006", d(2024, 12, 31), true},
		{"layout slash", sheet.Cell{Text: "12/31/2024"}, "01/02/2006", d(2024, 12, 31), true},
		{"russian text", sheet.Cell{Text: "вчера"}, "", time.Time{}, false},
		{"wrong layout", sheet.Cell{Text: "2024-12-31x"}, "02.01.2006", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.cell, tt.layout)
			if !tt.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestGoLayout(t *testing.T) {
	for in, want := range map[string]string{"DD.MM.YYYY": "02.01.2006", "YYYY-MM-DD HH:mm": "2006-01-02 15:04", "02.01.2006": "02.01.2006", "D.M.YY": "2.1.06"} {
		got, err := goLayout(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := goLayout("whenever")
	assert.Error(t, err)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(designExample))
	f.Add([]byte("vendor: thulium\nfields:\n  surname: {column: A, transform: [trim, lowr]}\n"))
	f.Add([]byte("vendor: baselinker\nsource: {delimiter: \"\\t\"}\nfields:\n  star: {value: 3}\n"))
	f.Add([]byte("- [a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("f.yaml", data, vendors)
		if err != nil {
			for _, p := range Problems(err) {
				if _, ok := p.(*PosError); !ok {
					t.Fatalf("problem %T is not a *PosError: %v", p, p)
				}
			}
			return
		}
		_ = m.SheetOptions()
		_ = m.Validate(salesmanFields())
		hs := m.Headers()
		seen := map[string]bool{}
		for _, h := range hs {
			if seen[normHeader(h)] {
				t.Fatalf("header %q twice in %q", h, hs)
			}
			seen[normHeader(h)] = true
		}
		if row := m.Reverse(crm.Record{}); len(row) != len(hs) {
			t.Fatalf("%d values for %d headers", len(row), len(hs))
		}
		if b, err := m.Bind(hs, nil, ApplyOptions{}); err == nil {
			row := sheet.Row{Line: 2}
			for _, h := range hs {
				row.Cells = append(row.Cells, sheet.Cell{Text: h, Kind: sheet.KindText})
			}
			_, _ = b.Apply(row)
		}
	})
}

func FuzzTransforms(f *testing.F) {
	for _, s := range []string{"Łódź", "Москва", "+48 601 234 567", "8 (912) 345-67-89", "jan@firma.pl", "1 234,56", "Niemcy", "31.12.2024", "45657", "tak", "\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range []string{"trim", "lower", "upper", "digits", "email", "phone", "country"} {
			fn, err := TransformFunc(name, "PL")
			if err != nil {
				t.Fatal(err)
			}
			out, err := fn(s)
			if err != nil {
				continue
			}
			if name == "trim" || name == "digits" || name == "email" || name == "phone" || name == "country" {
				again, err := fn(out)
				if err != nil || again != out {
					t.Fatalf("%s is not idempotent on %q: %q then %q (%v)", name, s, out, again, err)
				}
			}
			if utf8.ValidString(s) && !utf8.ValidString(out) {
				t.Fatalf("%s made invalid UTF-8 from %q", name, s)
			}
		}
		_, _ = ParseNumber(s)
		_, _ = ParseBool(s)
		_, _ = ParseDate(sheet.Cell{Text: s}, "02.01.2006")
		_, _ = ParseDate(sheet.Cell{Text: s}, "")
	})
}
