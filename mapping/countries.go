package mapping

import (
	"strings"
)

// countryTable lists ISO 3166-1 alpha-2 codes with their names in English,
// Polish, Russian and the country's own language, and the alpha-3 code:
// all EU members, their neighbours, the post-Soviet states and the largest
// trading partners. Names are compared by foldKey (case, diacritics and
// punctuation ignored).
const countryTable = `
AT:Austria|Austria|Австрия|Österreich|AUT
BE:Belgium|Belgia|Бельгия|België|Belgique|BEL
BG:Bulgaria|Bułgaria|Болгария|България|BGR
HR:Croatia|Chorwacja|Хорватия|Hrvatska|HRV
CY:Cyprus|Cypr|Кипр|Κύπρος|CYP
CZ:Czech Republic|Czechia|Czechy|Republika Czeska|Чехия|Česko|Česká republika|CZE
DK:Denmark|Dania|Дания|Danmark|DNK
EE:Estonia|Estonia|Эстония|Eesti|EST
FI:Finland|Finlandia|Финляндия|Suomi|FIN
FR:France|Francja|Франция|FRA
DE:Germany|Niemcy|Германия|Deutschland|Bundesrepublik Deutschland|Republika Federalna Niemiec|RFN|ФРГ|DEU|GER
GR:Greece|Grecja|Греция|Ελλάδα|Hellas|GRC
HU:Hungary|Węgry|Венгрия|Magyarország|HUN
IE:Ireland|Irlandia|Ирландия|Éire|IRL
IT:Italy|Włochy|Италия|Italia|ITA
LV:Latvia|Łotwa|Латвия|Latvija|LVA
LT:Lithuania|Litwa|Литва|Lietuva|LTU
LU:Luxembourg|Luksemburg|Люксембург|Lëtzebuerg|LUX
MT:Malta|Malta|Мальта|MLT
NL:Netherlands|The Netherlands|Holland|Holandia|Niderlandy|Нидерланды|Голландия|Nederland|NLD
PL:Poland|Polska|Польша|Rzeczpospolita Polska|RP|POL
PT:Portugal|Portugalia|Португалия|PRT
RO:Romania|Rumunia|Румыния|România|ROU
SK:Slovakia|Słowacja|Словакия|Slovensko|SVK
SI:Slovenia|Słowenia|Словения|Slovenija|SVN
ES:Spain|Hiszpania|Испания|España|ESP
SE:Sweden|Szwecja|Швеция|Sverige|SWE
GB:United Kingdom|UK|Great Britain|Britain|England|Scotland|Wales|Wielka Brytania|Anglia|Zjednoczone Królestwo|Великобритания|Соединённое Королевство|Англия|GBR
NO:Norway|Norwegia|Норвегия|Norge|NOR
CH:Switzerland|Szwajcaria|Швейцария|Schweiz|Suisse|Svizzera|CHE
IS:Iceland|Islandia|Исландия|Ísland|ISL
LI:Liechtenstein|Liechtenstein|Лихтенштейн|LIE
MC:Monaco|Monako|Монако|MCO
AD:Andorra|Andora|Андорра|AND
SM:San Marino|San Marino|Сан-Марино|SMR
VA:Vatican|Vatican City|Watykan|Ватикан|VAT
UA:Ukraine|Ukraina|Украина|Україна|UKR
BY:Belarus|Białoruś|Беларусь|Белоруссия|Республика Беларусь|Білорусь|BLR
RU:Russia|Russian Federation|Rosja|Federacja Rosyjska|Россия|Российская Федерация|РФ|RUS
MD:Moldova|Mołdawia|Молдова|Молдавия|MDA
RS:Serbia|Serbia|Сербия|Србија|Srbija|SRB
BA:Bosnia and Herzegovina|Bosnia|Bośnia i Hercegowina|Босния и Герцеговина|Bosna i Hercegovina|BIH
ME:Montenegro|Czarnogóra|Черногория|Crna Gora|MNE
MK:North Macedonia|Macedonia|Macedonia Północna|Северная Македония|Македония|MKD
AL:Albania|Albania|Албания|Shqipëria|ALB
XK:Kosovo|Kosowo|Косово|XKX
TR:Turkey|Türkiye|Turcja|Турция|TUR
GE:Georgia|Gruzja|Грузия|საქართველო|GEO
AM:Armenia|Armenia|Армения|Հայաստան|ARM
AZ:Azerbaijan|Azerbejdżan|Азербайджан|Azərbaycan|AZE
KZ:Kazakhstan|Kazachstan|Казахстан|Қазақстан|KAZ
UZ:Uzbekistan|Uzbekistan|Узбекистан|Oʻzbekiston|UZB
KG:Kyrgyzstan|Kirgistan|Киргизия|Кыргызстан|KGZ
TJ:Tajikistan|Tadżykistan|Таджикистан|TJK
TM:Turkmenistan|Turkmenistan|Туркмения|Туркменистан|TKM
MN:Mongolia|Mongolia|Монголия|MNG
US:United States|United States of America|USA|America|Stany Zjednoczone|Stany Zjednoczone Ameryki|США|Соединённые Штаты|Соединенные Штаты Америки|Америка
CA:Canada|Kanada|Канада|CAN
MX:Mexico|Meksyk|Мексика|México|MEX
BR:Brazil|Brazylia|Бразилия|Brasil|BRA
AR:Argentina|Argentyna|Аргентина|ARG
CL:Chile|Chile|Чили|CHL
CN:China|Chiny|Китай|中国|CHN
JP:Japan|Japonia|Япония|日本|JPN
KR:South Korea|Korea|Korea Południowa|Южная Корея|Корея|KOR
IN:India|Indie|Индия|IND
VN:Vietnam|Viet Nam|Wietnam|Вьетнам|VNM
TH:Thailand|Tajlandia|Таиланд|THA
ID:Indonesia|Indonezja|Индонезия|IDN
AU:Australia|Australia|Австралия|AUS
NZ:New Zealand|Nowa Zelandia|Новая Зеландия|NZL
ZA:South Africa|Republika Południowej Afryki|RPA|ЮАР|Южная Африка|ZAF
EG:Egypt|Egipt|Египет|EGY
IL:Israel|Izrael|Израиль|ISR
AE:United Arab Emirates|UAE|Zjednoczone Emiraty Arabskie|ZEA|ОАЭ|Объединённые Арабские Эмираты|ARE
SA:Saudi Arabia|Arabia Saudyjska|Саудовская Аравия|SAU
IR:Iran|Iran|Иран|IRN
SG:Singapore|Singapur|Сингапур|SGP
`

var countries = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(countryTable, "\n") {
		code, names, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		m[strings.ToLower(code)] = code
		for _, n := range strings.Split(names, "|") {
			k := foldKey(n)
			if _, taken := m[k]; !taken {
				m[k] = code
			}
		}
	}
	return m
}()

// countryCodes is every alpha-2 code of the table, for BaseLinker's checks.
var countryCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, code := range countries {
		m[code] = true
	}
	return m
}()

// CountryCode returns the ISO 3166-1 alpha-2 code of a country given by
// name (in English, Polish, Russian or its own language, any case, with or
// without diacritics) or by its alpha-2 or alpha-3 code.
func CountryCode(s string) (string, error) {
	s = trimSpace(s)
	if len(s) == 2 {
		up := strings.ToUpper(s)
		if countryCodes[up] {
			return up, nil
		}
	}
	if c, ok := countries[foldKey(s)]; ok {
		return c, nil
	}
	return "", ErrNotCountry
}
