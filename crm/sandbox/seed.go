package sandbox

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

// person is one generated client, vendor-neutral.
type person struct {
	first, last string
	company     string // "" = a private person
	street      string
	building    string
	postcode    string
	city        string
	country     string // ISO alpha-2
	countryName string
	phone       string
	email       string
	taxID       string // NIP (PL) or INN (RU)
	russian     bool
}

var (
	plFirstM = []string{"Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Grzegorz", "Łukasz", "Józef", "Wojciech"}
	plFirstF = []string{"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Magdalena", "Joanna", "Żaneta", "Zofia", "Urszula"}
	plLastM  = []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk"}
	plCities = []struct{ city, postcode string }{
		{"Warszawa", "00-950"}, {"Kraków", "31-004"}, {"Łódź", "90-001"}, {"Wrocław", "50-001"}, {"Poznań", "61-001"},
		{"Gdańsk", "80-001"}, {"Szczecin", "70-001"}, {"Bydgoszcz", "85-001"}, {"Lublin", "20-001"}, {"Białystok", "15-001"},
		{"Katowice", "40-001"}, {"Gdynia", "81-001"}, {"Częstochowa", "42-200"}, {"Radom", "26-600"}, {"Zielona Góra", "65-001"},
	}
	plStreets   = []string{"Marszałkowska", "Długa", "Piotrkowska", "Świętokrzyska", "Grunwaldzka", "Mickiewicza", "Kościuszki", "Słowackiego", "Żeromskiego", "3 Maja", "Polna", "Leśna"}
	plCompanies = []string{"Hurtownia", "Przedsiębiorstwo Handlowe", "Zakład Usługowy", "Biuro Rachunkowe", "Pracownia", "Piekarnia", "Transport", "Serwis", "Drukarnia", "Apteka"}
	plForms     = []string{"Sp. z o.o.", "S.A.", "s.c.", "Sp.j.", ""}

	ruFirstM = []string{"Иван", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Николай", "Юрий", "Павел", "Владимир"}
	ruFirstF = []string{"Ольга", "Татьяна", "Наталья", "Елена", "Ирина", "Светлана", "Юлия", "Анна", "Мария", "Екатерина"}
	ruLastM  = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков"}
	ruCities = []struct{ city, postcode, code string }{
		{"Москва", "101000", "495"}, {"Санкт-Петербург", "190000", "812"}, {"Новосибирск", "630000", "383"}, {"Екатеринбург", "620000", "343"},
		{"Казань", "420000", "843"}, {"Нижний Новгород", "603000", "831"}, {"Самара", "443000", "846"}, {"Ростов-на-Дону", "344000", "863"},
	}
	ruStreets   = []string{"Ленина", "Садовая", "Тверская", "Мира", "Гагарина", "Пушкина", "Советская", "Набережная"}
	ruCompanies = []string{"Ромашка", "Вектор", "Альфа-Трейд", "СтройМаркет", "Северный ветер", "ТехноСервис", "Гранит", "Радуга", "Меридиан", "Уралсталь"}
	ruForms     = []string{"ООО", "АО", "ИП", "ЗАО"}
)

var translit = strings.NewReplacer(
	"ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z",
	"Ą", "a", "Ć", "c", "Ę", "e", "Ł", "l", "Ń", "n", "Ó", "o", "Ś", "s", "Ź", "z", "Ż", "z",
	"а", "a", "б", "b", "в", "v", "г", "g", "д", "d", "е", "e", "ё", "e", "ж", "zh", "з", "z", "и", "i", "й", "y",
	"к", "k", "л", "l", "м", "m", "н", "n", "о", "o", "п", "p", "р", "r", "с", "s", "т", "t", "у", "u", "ф", "f",
	"х", "kh", "ц", "ts", "ч", "ch", "ш", "sh", "щ", "sch", "ъ", "", "ы", "y", "ь", "", "э", "e", "ю", "yu", "я", "ya",
)

func ascii(s string) string {
	return translit.Replace(strings.ToLower(s))
}

// feminine turns a Polish or Russian male surname into its female form.
func feminine(last string, russian bool) string {
	switch {
	case russian && (strings.HasSuffix(last, "ов") || strings.HasSuffix(last, "ев") || strings.HasSuffix(last, "ин")):
		return last + "а"
	case !russian && strings.HasSuffix(last, "ski"):
		return strings.TrimSuffix(last, "ski") + "ska"
	case !russian && strings.HasSuffix(last, "cki"):
		return strings.TrimSuffix(last, "cki") + "cka"
	}
	return last
}

// nip returns a 10-digit Polish NIP with a valid check digit.
func nip(rng *rand.Rand) string {
	w := []int{6, 5, 7, 2, 3, 4, 5, 6, 7}
	for {
		d := make([]byte, 9)
		sum := 0
		for i := range d {
			n := rng.Intn(10)
			if i == 0 {
				n = 1 + rng.Intn(9)
			}
			d[i] = byte('0' + n)
			sum += n * w[i]
		}
		if c := sum % 11; c != 10 {
			return string(d) + string(rune('0'+c))
		}
	}
}

// inn returns a 10-digit Russian company INN with a valid check digit.
func inn(rng *rand.Rand) string {
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	d := make([]byte, 9)
	sum := 0
	for i := range d {
		n := rng.Intn(10)
		if i == 0 {
			n = 1 + rng.Intn(9)
		}
		d[i] = byte('0' + n)
		sum += n * w[i]
	}
	return string(d) + string(rune('0'+sum%11%10))
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.Intn(len(s))] }

// people generates n clients, deterministically for a given salt; a share
// ruShare of them Russian, the rest Polish. Company names, e-mails and
// phones are unique within one call.
func people(n int, salt int64, ruShare float64) []person {
	rng := rand.New(rand.NewSource(20240501 + salt))
	out := make([]person, 0, n)
	usedCompany := map[string]int{}
	for i := range n {
		p := person{russian: rng.Float64() < ruShare}
		female := rng.Intn(2) == 0
		if p.russian {
			p.first = pick(rng, ruFirstM)
			if female {
				p.first = pick(rng, ruFirstF)
			}
			p.last = pick(rng, ruLastM)
			c := pick(rng, ruCities)
			p.city, p.postcode, p.country, p.countryName = c.city, c.postcode, "RU", "Россия"
			p.street = "ул. " + pick(rng, ruStreets)
			p.building = fmt.Sprint(1 + rng.Intn(120))
			p.phone = fmt.Sprintf("+7 %s %03d-%02d-%02d", c.code, 100+i%900, rng.Intn(100), rng.Intn(100))
			p.taxID = inn(rng)
			if rng.Intn(3) > 0 {
				p.company = fmt.Sprintf("%s \"%s\"", pick(rng, ruForms), pick(rng, ruCompanies))
			}
		} else {
			p.first = pick(rng, plFirstM)
			if female {
				p.first = pick(rng, plFirstF)
			}
			p.last = pick(rng, plLastM)
			c := pick(rng, plCities)
			p.city, p.postcode, p.country, p.countryName = c.city, c.postcode, "PL", "Polska"
			p.street = "ul. " + pick(rng, plStreets)
			p.building = fmt.Sprintf("%d/%d", 1+rng.Intn(150), 1+rng.Intn(40))
			p.phone = fmt.Sprintf("+48 %s%d %03d %03d", pick(rng, plMobilePrefixes), rng.Intn(10), i%1000, rng.Intn(1000))
			p.taxID = nip(rng)
			if rng.Intn(2) == 0 {
				p.company = strings.TrimSpace(fmt.Sprintf("%s %s %s", pick(rng, plCompanies), p.last, pick(rng, plForms)))
			}
		}
		if female {
			p.last = feminine(p.last, p.russian)
		}
		if p.company != "" {
			usedCompany[p.company]++
			if k := usedCompany[p.company]; k > 1 {
				p.company = fmt.Sprintf("%s (%s %d)", p.company, p.city, k)
			}
		}
		dom := "example.pl"
		if p.russian {
			dom = "example.ru"
		}
		p.email = fmt.Sprintf("%s.%s.%d@%s", ascii(p.first), ascii(p.last), i+1, dom)
		out = append(out, p)
	}
	return out
}

// SalesManRecords returns n deterministic SalesMan clients (mostly Russian):
// title, phone, mail_url, address, recv.castInn.
func SalesManRecords(n int) []crm.Record {
	out := make([]crm.Record, 0, n)
	used := map[string]int{}
	// Creation dates spread over three years, oldest first (clids grow with
	// them), so `export --since/--until` shows something in the sandbox.
	step := seedSpan / time.Duration(max(n, 1))
	for i, p := range people(n, 1, 0.7) {
		title := p.company
		if title == "" {
			title = p.last + " " + p.first
		}
		// SalesMan refuses a second client with the same title (and
		// phone or e-mail): keep titles unique, as a real account has them.
		key := strings.ToLower(title)
		used[key]++
		if k := used[key]; k > 1 {
			title = fmt.Sprintf("%s (%s %d)", title, p.city, k)
		}
		r := crm.Record{
			"title":       title,
			"phone":       p.phone,
			"mail_url":    p.email,
			"address":     fmt.Sprintf("%s %s, %s %s", p.postcode, p.city, p.street, p.building),
			"date_create": seedStart.Add(time.Duration(i) * step).Truncate(time.Second).Format("2006-01-02 15:04:05"),
		}
		if p.company != "" && p.russian {
			r["recv.castInn"] = p.taxID
		}
		out = append(out, r)
	}
	return out
}

// ThuliumRecords returns n deterministic Thulium customers (mostly Polish):
// name, surname, email, phone_number, nip, identifier, address.*.
func ThuliumRecords(n int) []crm.Record {
	out := make([]crm.Record, 0, n)
	for i, p := range people(n, 2, 0.2) {
		r := crm.Record{
			"name":             p.first,
			"surname":          p.last,
			"email":            p.email,
			"phone_number":     p.phone,
			"identifier":       fmt.Sprintf("SB-%05d", i+1),
			"address.street":   p.street,
			"address.building": p.building,
			"address.postcode": p.postcode,
			"address.city":     p.city,
			"address.country":  p.countryName,
		}
		if p.company != "" && !p.russian {
			r["nip"] = p.taxID
			r["job"] = p.company
		}
		out = append(out, r)
	}
	return out
}

// BaseLinkerRecords returns n deterministic BaseLinker clients (mostly
// Polish): email, phone, invoice_*, custom_extra_fields.1 (Segment).
func BaseLinkerRecords(n int) []crm.Record {
	segments := []string{"Hurt", "Detal", "VIP"}
	out := make([]crm.Record, 0, n)
	for i, p := range people(n, 3, 0.2) {
		r := crm.Record{
			"email":                 p.email,
			"phone":                 p.phone,
			"invoice_fullname":      p.first + " " + p.last,
			"invoice_address":       p.street + " " + p.building,
			"invoice_postcode":      p.postcode,
			"invoice_city":          p.city,
			"invoice_country_code":  p.country,
			"delivery_fullname":     p.first + " " + p.last,
			"delivery_address":      p.street + " " + p.building,
			"delivery_postcode":     p.postcode,
			"delivery_city":         p.city,
			"delivery_country_code": p.country,
			"custom_extra_fields.1": segments[i%len(segments)],
			"status_id":             int64(1 + i%3),
			"star":                  int64(i % 6),
		}
		if p.company != "" {
			r["invoice_company"] = p.company
			r["invoice_tax_id"] = p.taxID
		}
		out = append(out, r)
	}
	return out
}

// plMobilePrefixes are Polish mobile number prefixes that libphonenumber
// (and so crmport's phone check) accepts: a seeded client exported and
// imported back must pass validation.
var plMobilePrefixes = []string{"50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"}

// seedStart and seedSpan bound the creation dates of seeded SalesMan
// clients (fixed, so seeded data is the same on every run).
var (
	seedStart = time.Date(2023, 1, 2, 9, 0, 0, 0, time.UTC)
	seedSpan  = 3 * 365 * 24 * time.Hour
)
