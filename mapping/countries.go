package mapping

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// countryAliases are what people type for a country that CLDR's names
// (English, Polish, Russian: see countryIndex) do not cover: short and
// long official forms, older names, abbreviations, the country's own name.
// Each line is an ISO 3166-1 alpha-2 code, a colon and names separated by
// "|", compared like every name (countryKey: case, diacritics, spaces and
// punctuation ignored). CLDR names win over an alias that folds alike.
const countryAliases = `
AE:UAE|ZEA|Объединённые Арабские Эмираты|Emirates|Emiraty|Emiraty Arabskie|Arabskie Emiraty
AL:Shqipëria
AM:Հայաստան
AT:Österreich
AZ:Azərbaycan
BA:Bosnia|Bosna i Hercegovina
BE:België|Belgique
BG:България
BR:Brasil
BY:Белоруссия|Республика Беларусь|Білорусь
CD:DR Congo|DRC|Democratic Republic of the Congo|DR Konga|DRK|ДР Конго|Демократическая Республика Конго
CG:Congo|Republic of the Congo|Republika Konga|Конго|Республика Конго
CH:Schweiz|Suisse|Svizzera
CI:Ivory Coast|Wybrzeże Kości Słoniowej|Берег Слоновой Кости
CN:中国
CV:Cabo Verde|Wyspy Zielonego Przylądka
CY:Κύπρος
CZ:Czech Republic|Republika Czeska|Česko|Česká republika
DE:Deutschland|Bundesrepublik Deutschland|Republika Federalna Niemiec|RFN|ФРГ|GER
DK:Danmark
EE:Eesti
ES:España
FI:Suomi
GB:UK|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|Anglia|Szkocja|Walia|Irlandia Północna|Zjednoczone Królestwo|Соединённое Королевство|Англия|Шотландия|Уэльс|Северная Ирландия
GE:საქართველო
GR:Ελλάδα|Hellas
HK:Hong Kong|Hongkong|Сянган
HR:Hrvatska
HU:Magyarország
IE:Éire
IS:Ísland
IT:Italia
JP:日本
KG:Кыргызстан|Kirgizja
KP:Democratic People's Republic of Korea
KR:Korea|Republic of Korea|Korea Republic|Южная Корея|Корея
KZ:Қазақстан
LT:Lietuva
LU:Lëtzebuerg
LV:Latvija
MD:Молдавия|Moldavia
ME:Crna Gora
MK:North Macedonia|Macedonia Północna|Северная Македония
MM:Burma|Birma|Бирма
MO:Macau|Macao|Makau|Аомынь
NL:The Netherlands|Holland|Niderlandy|Голландия|Nederland
NO:Norge
PL:Rzeczpospolita Polska|RP|Republic of Poland|Republika Polska
PS:Palestine|Palestyna|Палестина|State of Palestine
RS:Србија|Srbija
RU:Russian Federation|Federacja Rosyjska|Российская Федерация|РФ
SE:Sverige
SI:Slovenija
SK:Slovensko
TL:East Timor
TM:Туркмения
TR:Türkiye
UA:Україна
US:America|United States of America|Stany Zjednoczone Ameryki|США|Соединённые Штаты Америки|Америка
UZ:Oʻzbekiston
VA:Vatican|Holy See
XK:XKX
ZA:RPA|ЮАР|Южная Африка
`

// countryIndex is built once, on first use: every ISO 3166-1 country
// (with Kosovo's user-assigned XK, as CLDR has it), by alpha-2 and alpha-3
// code and by its CLDR names in English, Polish and Russian (also without
// a bracketed part, with "and" for "&" and "Saint" for "St."), then the
// aliases.
type countryIndex struct {
	codes map[string]bool   // alpha-2 codes
	names map[string]string // countryKey(name or alpha-3) -> alpha-2
}

var countries = sync.OnceValue(func() *countryIndex { return buildCountryIndex(countryAliases) })

// buildCountryIndex builds the index from CLDR and aliases (lines
// "CODE:name|name").
func buildCountryIndex(aliases string) *countryIndex {
	ix := &countryIndex{codes: map[string]bool{}, names: map[string]string{}}
	add := func(name, code string) {
		if k := countryKey(name); k != "" {
			if _, taken := ix.names[k]; !taken {
				ix.names[k] = code
			}
		}
	}
	namers := []display.Namer{display.English.Regions(), display.Polish.Regions(), display.Russian.Regions()}
	var regions []language.Region
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if r, ok := isoCountry(code); ok && r.String() == code {
				regions = append(regions, r)
				ix.codes[code] = true
			}
		}
	}
	// CLDR's names first; then the shortened forms, unless two countries
	// shorten alike ("Виргинские о-ва (США)", "Виргинские о-ва
	// (Британские)"): such a form names neither.
	short := map[string]string{}
	for _, r := range regions {
		for _, n := range namers {
			name := n.Name(r)
			add(name, r.String())
			for _, v := range nameVariants(name)[1:] {
				k := countryKey(v)
				if c, seen := short[k]; seen && c != r.String() {
					short[k] = ""
				} else {
					short[k] = r.String()
				}
			}
		}
	}
	for k, code := range short {
		if _, taken := ix.names[k]; !taken && code != "" && k != "" {
			ix.names[k] = code
		}
	}
	for _, r := range regions {
		add(r.String(), r.String()) // "U.S." as well as "US"
		add(r.ISO3(), r.String())
	}
	for _, line := range strings.Split(aliases, "\n") {
		code, names, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		for _, n := range strings.Split(names, "|") {
			add(n, code)
		}
	}
	return ix
}

// isoCountry returns the region of an ISO 3166-1 code (alpha-2 or
// alpha-3, any case; a withdrawn code CLDR maps to its successor, such as
// UK → GB, gives the successor). Continents, the EU, the UN, private-use
// and withdrawn codes without a successor are not countries.
func isoCountry(code string) (language.Region, bool) {
	if len(code) != 2 && len(code) != 3 {
		return language.Region{}, false
	}
	for i := 0; i < len(code); i++ {
		if c := code[i] | 0x20; c < 'a' || c > 'z' {
			return language.Region{}, false // numeric codes are not taken: a column of numbers is no country
		}
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return language.Region{}, false
	}
	r = r.Canonicalize()
	// M49 is 0 for the EU, the UN, the eurozone and the exceptionally
	// reserved codes (Ascension, Canary Islands...), which are not
	// countries of ISO 3166-1.
	if !r.IsCountry() || r.M49() == 0 || display.English.Regions().Name(r) == "" {
		return language.Region{}, false
	}
	return r, true
}

// nameVariants returns name as CLDR writes it, then the forms people type:
// without a bracketed part ("Myanmar (Burma)" → "Myanmar"), "and" for "&",
// "Saint" for "St.", Russian "острова" for "о-ва".
func nameVariants(name string) []string {
	out := []string{name}
	if i := strings.IndexByte(name, '('); i > 0 {
		out = append(out, strings.TrimSpace(name[:i]))
	}
	r := strings.NewReplacer("&", " and ", "St. ", "Saint ", "о-ва ", "острова ", "о-в ", "остров ", " о-ва", " острова")
	for _, v := range out {
		if w := r.Replace(v); w != v {
			out = append(out, w)
		}
	}
	return out
}

// countryKey is the comparison form of a country name: lower case,
// without diacritics (ł → l, ё → е), letters and digits only, so that
// "Wielka  Brytania", "wielka-brytania" and "WIELKA BRYTANIA" meet.
func countryKey(s string) string {
	var buf [64]byte
	return string(appendCountryKey(buf[:0], s))
}

// appendCountryKey appends countryKey(s) to b (a lookup with a stack
// buffer allocates nothing for ASCII input).
func appendCountryKey(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				b = append(b, c)
			}
		}
		return b
	}
	for _, r := range norm.NFD.String(s) {
		switch r {
		case 'ł', 'Ł':
			r = 'l'
		case 'ø', 'Ø':
			r = 'o'
		case 'đ', 'Đ':
			r = 'd'
		case 'ı':
			r = 'i'
		case 'ß':
			b = append(b, "ss"...)
			continue
		case 'æ', 'Æ':
			b = append(b, "ae"...)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	return b
}

// CountryCode returns the ISO 3166-1 alpha-2 code of a country given by
// its alpha-2 or alpha-3 code or by name: CLDR's English, Polish or Russian
// name, a common short form ("UK", "USA", "Rosja") or its own name
// ("Deutschland"), in any case, with or without diacritics and spaces.
func CountryCode(s string) (string, error) {
	s = trimSpace(s)
	ix := countries()
	if len(s) == 2 {
		if up := strings.ToUpper(s); ix.codes[up] {
			return up, nil
		}
		if r, ok := isoCountry(s); ok {
			return r.String(), nil // a withdrawn code with a successor (UK → GB)
		}
	}
	var buf [64]byte
	if c, ok := ix.names[string(appendCountryKey(buf[:0], s))]; ok {
		return c, nil
	}
	if len(s) == 3 {
		if r, ok := isoCountry(s); ok {
			return r.String(), nil // a withdrawn alpha-3 code with a successor
		}
	}
	return "", ErrNotCountry
}
