package mapping

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language/display"
)

func TestCountryCodeKnowsEveryCountry(t *testing.T) {
	ix := countries()
	// ISO 3166-1 has 249 countries; CLDR adds Kosovo (XK, user-assigned).
	assert.Len(t, ix.codes, 250)
	for _, code := range []string{"MA", "TW", "HK", "MO", "PS", "XK", "AQ", "BQ", "SX", "UM", "VA", "PL", "GB"} {
		assert.True(t, ix.codes[code], code)
	}
	namers := map[string]display.Namer{"English": display.English.Regions(), "Polish": display.Polish.Regions(), "Russian": display.Russian.Regions()}
	for code := range ix.codes {
		r, ok := isoCountry(code)
		require.True(t, ok, code)
		got, err := CountryCode(strings.ToLower(code))
		require.NoError(t, err, code)
		assert.Equal(t, code, got)
		got, err = CountryCode(r.ISO3())
		require.NoError(t, err, r.ISO3())
		assert.Equal(t, code, got, "alpha-3 %s", r.ISO3())
		for lang, n := range namers {
			name := n.Name(r)
			got, err := CountryCode(name)
			require.NoError(t, err, "%s name %q of %s", lang, name, code)
			assert.Equal(t, code, got, "%s name %q", lang, name)
		}
	}
}

func TestCountryCodeNamesPeopleType(t *testing.T) {
	for in, want := range map[string]string{
		// the examples
		"MA": "MA", "Morocco": "MA", "Maroko": "MA", "Марокко": "MA", "TW": "TW", "Tajwan": "TW", "Тайвань": "TW",
		"HK": "HK", "Hong Kong": "HK", "Hongkong": "HK", "Гонконг": "HK",
		// case, diacritics, spaces and punctuation
		"WIELKA  BRYTANIA": "GB", "wielka-brytania": "GB", "WielkaBrytania": "GB", " Węgry ": "HU", "wegry": "HU",
		"Côte d’Ivoire": "CI", "Cote d'Ivoire": "CI", "Кот-д'Ивуар": "CI", "Wybrzeże Kości Słoniowej": "CI", "Ivory Coast": "CI",
		"Соединенные Штаты": "US", "Соединённые Штаты Америки": "US", "БЕЛАРУСЬ": "BY", "Białoruś": "BY", "bialorus": "BY",
		// short and long forms, abbreviations, old names
		"UK": "GB", "uk": "GB", "GBR": "GB", "England": "GB", "Anglia": "GB", "USA": "US", "usa": "US", "США": "US", "Stany Zjednoczone": "US",
		"Rosja": "RU", "Россия": "RU", "РФ": "RU", "Federacja Rosyjska": "RU", "Niemcy": "DE", "niemcy": "DE", "RFN": "DE", "Deutschland": "DE", "GER": "DE",
		"Polska": "PL", "POLSKA": "PL", "Rzeczpospolita Polska": "PL", "pol": "PL", "Czech Republic": "CZ", "Czechy": "CZ",
		"North Macedonia": "MK", "Korea": "KR", "Южная Корея": "KR", "Myanmar": "MM", "Burma": "MM", "Birma": "MM",
		"Antigua and Barbuda": "AG", "Bosnia and Herzegovina": "BA", "Saint Lucia": "LC", "St. Lucia": "LC",
		"DR Congo": "CD", "Demokratyczna Republika Konga": "CD", "Kongo": "CG", "Папуа — Новая Гвинея": "PG", "Papua Nowa Gwinea": "PG",
		"Фарерские острова": "FO", "Wyspy Owcze": "FO", "Palestyna": "PS", "Türkiye": "TR", "Turcja": "TR", "RPA": "ZA",
		"Виргинские о-ва (США)": "VI", "Wyspy Dziewicze Stanów Zjednoczonych": "VI", "Deutschland ": "DE",
		"U.S.": "US", "U.S.A.": "US", "U.K.": "GB", "Emiraty Arabskie": "AE", "ОАЭ": "AE", "Kirgizja": "KG", "Кыргызстан": "KG", "Белоруссия": "BY",
	} {
		got, err := CountryCode(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "Atlantyda", "Mordor", "EU", "Unia Europejska", "UN", "ZZ", "AA", "QO", "SU", "YU", "XX", "616", "48",
		"Europe", "Виргинские острова", "Wyspy"} {
		_, err := CountryCode(in)
		assert.ErrorIs(t, err, ErrNotCountry, "%q", in)
	}
}

func TestCountryAliasesNameCountries(t *testing.T) {
	ix := countries()
	for _, line := range strings.Split(strings.TrimSpace(countryAliases), "\n") {
		code, names, ok := strings.Cut(line, ":")
		require.True(t, ok, line)
		assert.True(t, ix.codes[code], "alias line for %s, not an ISO 3166-1 code", code)
		for _, n := range strings.Split(names, "|") {
			got, err := CountryCode(n)
			require.NoError(t, err, n)
			assert.Equal(t, code, got, "alias %q is taken by another country's name", n)
		}
	}
}

// The index is built once, lazily, and read by every row's goroutine.
func TestCountryCodeConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, in := range []string{"Polska", "Niemcy", "Россия", "MA", "Hong Kong"} {
				_, err := CountryCode(in)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
}

// BenchmarkCountryCode is the per-cell cost of the country transform on
// the values a column typically holds (codes, Polish, Russian, English
// names).
func BenchmarkCountryCode(b *testing.B) {
	in := []string{"PL", "Polska", "Niemcy", "Россия", "Wielka Brytania", "DEU", "de", "Czechy", "Ukraina", "United States"}
	_, _ = CountryCode("PL") // the index is built once, outside the loop
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := CountryCode(in[i%len(in)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountryIndex is the one-time cost of building the index.
func BenchmarkCountryIndex(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buildCountryIndex(countryAliases)
	}
}
