// Command gensamples writes the sample spreadsheets under samples/: a
// Polish CSV as Excel saves it (Windows-1250, ';', CRLF), a Russian one
// (Windows-1251; clean, and again with a broken e-mail), an English UTF-8 CSV and an XLSX with a title row.
// Run it from the repository root: go run ./sheet/internal/gensamples
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

func main() {
	dir := flag.String("dir", "samples", "directory to write the samples to")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gensamples:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(dir, "klienci-pl.csv"), polish, ';', charmap.Windows1250); err != nil {
		return err
	}
	// klienty-ru.csv imports cleanly (the README's first command);
	// klienty-ru-fix-me.csv is the same file with a broken e-mail in row 6,
	// for the README's step on the error report.
	if err := writeCSV(filepath.Join(dir, "klienty-ru.csv"), russianClean(), ';', charmap.Windows1251); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(dir, "klienty-ru-fix-me.csv"), russian, ';', charmap.Windows1251); err != nil {
		return err
	}
	if err := writeCSV(filepath.Join(dir, "contacts-en.csv"), english, ',', nil); err != nil {
		return err
	}
	return writeXLSX(filepath.Join(dir, "klienci.xlsx"))
}

func writeCSV(path string, rows [][]string, comma rune, enc encoding.Encoding) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = comma, enc != nil
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	out := buf.Bytes()
	if enc != nil {
		var err error
		if out, err = enc.NewEncoder().Bytes(out); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return os.WriteFile(path, out, 0o644)
}

var polish = [][]string{
	{"Firma", "Imię", "Nazwisko", "E-mail", "Telefon", "NIP", "Ulica", "Kod pocztowy", "Miasto", "Kraj", "Uwagi"},
	{"Piekarnia Żytnia Sp. z o.o.", "Łukasz", "Wójcik", "lukasz.wojcik@zytnia.pl", "+48 601 234 567", "7251801126", "ul. Piotrkowska 104", "90-926", "Łódź", "PL", "Stały klient"},
	{"Zakład Ślusarski Kowalczyk", "Małgorzata", "Kowalczyk", "biuro@kowalczyk-slusarz.pl", "0048 12 421 55 80", "6762461659", "ul. Floriańska 3", "31-019", "Kraków", "PL", ""},
	{"Hurtownia Bałtyk", "Grzegorz", "Szczęsny", "g.szczesny@hurtowniabaltyk.pl", "+48 58 301 22 14", "5832870542", "ul. Długa 45", "80-831", "Gdańsk", "PL", "Kontakt tylko rano"},
	{"Odra Logistyka S.A.", "Agnieszka", "Dąbrowska", "a.dabrowska@odralog.pl", "+48 71 344 90 12", "8971793845", "pl. Solny 14", "50-062", "Wrocław", "PL", "Uwaga:\r\nfaktury wysyłać pocztą,\r\nnie e-mailem"},
	{"Winnica Lubuska", "Paweł", "Zieliński", "pawel@winnicalubuska.pl", "+48 68 452 11 09", "9291865473", "ul. Kupiecka 22", "65-058", "Zielona Góra", "PL", ""},
	{"Apteka Pod Orłem", "Katarzyna", "Nowak", "jan@", "+48 602 345 678", "5252248481", "ul. Marszałkowska 1", "00-950", "Warszawa", "PL", "Błędny e-mail do poprawy"},
	{"", "Tomasz", "Wiśniewski", "t.wisniewski@example.pl", "+48 603 456 789", "", "ul. Grunwaldzka 8", "60-780", "Poznań", "PL", "Brak nazwy firmy"},
	{"Studio Grafiki Źdźbło", "Żaneta", "Ćwik", "zaneta@zdzblo.pl", "+48 604 567 890", "7792433422", "ul. Święty Marcin 29", "61-806", "Poznań", "PL", ""},
	{"", "", "", "", "", "", "", "", "", "", ""},
	{"Mleczarnia Mazury", "Jerzy", "Kamiński", "j.kaminski@mleczarnia-mazury.pl", "+48 89 527 33 10", "7393840567", "ul. Kościuszki 15", "10-502", "Olsztyn", "PL", ""},
	{"Kancelaria Lewandowski i Wspólnicy", "Anna", "Lewandowska", "anna@kancelaria-lewandowski.pl", "+48 22 628 44 12", "5261040828", "al. Jerozolimskie 65", "00-697", "Warszawa", "PL", "VIP"},
	{"Tartak Beskidy", "Stanisław", "Góral", "tartak@beskidy.com.pl", "0048 33 812 45 67", "5471007213", "ul. Zamkowa 2", "43-300", "Bielsko-Biała", "PL", ""},
	{"Sklep Rowerowy Pedał", "Michał", "Jabłoński", "michal@pedal.pl", "+48 605 678 901", "6342518791", "ul. Mariacka 7", "40-014", "Katowice", "PL", ""},
	{"Firma Handlowa Łęczyca", "Elżbieta", "Pawłowska", "e.pawlowska@fhleczyca.pl", "+48 24 721 03 44", "7752390116", "ul. Ozorkowska 12", "99-100", "Łęczyca", "PL", ""},
	{"Przychodnia Zdrowie", "Krzysztof", "Wróbel", "rejestracja@zdrowie-lublin.pl", "+48 81 532 20 20", "9462577138", "ul. Narutowicza 9", "20-004", "Lublin", "PL", "Godziny: 8–16"},
	{"Drukarnia Ósemka", "Beata", "Michalska", "beata@osemka.pl", "+48 606 789 012", "8133129451", "ul. Rejtana 40", "35-310", "Rzeszów", "PL", ""},
	{"Auto-Serwis Szybki", "Zbigniew", "Kozłowski", "serwis@szybki.pl", "+48 52 345 67 89", "9532566219", "ul. Fordońska 120", "85-719", "Bydgoszcz", "PL", ""},
	{"Księgarnia Pod Sową", "Joanna", "Mazur", "joanna.mazur@podsowa.pl", "+48 607 890 123", "8792627183", "ul. Szeroka 28", "87-100", "Toruń", "PL", ""},
	{"Hotel Nad Jeziorem", "Dariusz", "Krawczyk", "recepcja@nadjeziorem.pl", "+48 87 428 50 00", "8451978032", "ul. Jeziorna 1", "11-500", "Giżycko", "PL", "Rezerwacje grupowe"},
	{"Cukiernia Słodki Kąt", "Ewa", "Grabowska", "ewa@slodkikat.pl", "+48 608 901 234", "5542782165", "ul. Dworcowa 3", "85-009", "Bydgoszcz", "PL", ""},
	{"Instal-Bud Sp.j.", "Andrzej", "Zając", "biuro@instalbud.pl", "+48 41 344 12 12", "6572839047", "ul. Sienkiewicza 50", "25-002", "Kielce", "PL", ""},
	{"Gospodarstwo Ekologiczne Łąka", "Halina", "Król", "laka@eko-laka.pl", "+48 609 012 345", "8411721490", "Wólka 17", "16-400", "Suwałki", "PL", ""},
	{"Biuro Rachunkowe Saldo", "Iwona", "Wieczorek", "iwona@saldo-biuro.pl", "+48 94 342 88 01", "6692404125", "ul. Zwycięstwa 140", "75-613", "Koszalin", "PL", ""},
	{"Pracownia Ceramiki Glina", "Marek", "Jaworski", "marek@glina-ceramika.pl", "+48 600 111 222", "7161809350", "ul. Grodzka 16", "20-112", "Lublin", "PL", ""},
}

var russian = [][]string{
	{"Компания", "Контактное лицо", "Телефон", "E-mail", "ИНН", "Адрес", "Город", "Примечание"},
	{`ООО "Ромашка"`, "Иванов Иван Петрович", "+7 (495) 123-45-67", "info@romashka.ru", "7701234567", "ул. Тверская, д. 7", "Москва", "Постоянный клиент"},
	{"ИП Иванов И.И.", "Иванов Игорь Ильич", "+7 (812) 234-56-78", "ivanov.ip@mail.ru", "781234567890", "Невский пр., д. 28", "Санкт-Петербург", ""},
	{`АО "Северсталь-Сервис"`, "Петрова Анна Сергеевна", "+7 (8202) 53-09-00", "a.petrova@severstal-service.ru", "3528000597", "ул. Мира, д. 30", "Череповец", ""},
	{`ООО "Уральские Самоцветы"`, "Сидоров Павел Андреевич", "+7 (343) 371-22-33", "sidorov@samocvety.ru", "6671234501", "ул. Малышева, д. 51", "Екатеринбург", "Звонить после 14:00"},
	{`ООО "Волга-Трейд"`, "Кузнецова Елена Викторовна", "+7 (843) 292-11-00", "kuznetsova@", "1655012345", "ул. Баумана, д. 15", "Казань", "Ошибка в e-mail"},
	{"ИП Смирнова О.В.", "Смирнова Ольга Владимировна", "+7 (383) 210-44-55", "olga.smirnova@yandex.ru", "540123456789", "Красный пр., д. 1", "Новосибирск", ""},
	{`ООО "Байкал Тур"`, "Попов Дмитрий Олегович", "+7 (3952) 20-30-40", "popov@baikaltour.ru", "3808123456", "ул. Карла Маркса, д. 14", "Иркутск", "Сезонные заказы"},
	{`ЗАО "Дон-Агро"`, "Васильев Сергей Николаевич", "+7 (863) 240-50-60", "vasiliev@donagro.ru", "6163012345", "ул. Большая Садовая, д. 47", "Ростов-на-Дону", ""},
	{`ООО "Кубань Продукт"`, "Морозова Татьяна Юрьевна", "+7 (861) 255-66-77", "morozova@kubanprodukt.ru", "2310123456", "ул. Красная, д. 122", "Краснодар", ""},
	{"ИП Новиков А.А.", "Новиков Алексей Алексеевич", "+7 (846) 332-11-22", "novikov.aa@gmail.com", "631234567890", "ул. Ленинградская, д. 33", "Самара", ""},
	{`ООО "Сибирский Лес"`, "Фёдоров Михаил Ильич", "+7 (391) 227-88-99", "fedorov@siblez.ru", "2460123456", "пр. Мира, д. 10", "Красноярск", "Договор до 31.12"},
	{`ООО "Нижегородская Ярмарка"`, "Волкова Наталья Петровна", "+7 (831) 277-55-44", "volkova@yarmarka-nn.ru", "5260123456", "ул. Большая Покровская, д. 2", "Нижний Новгород", ""},
	{`АО "Приморский Порт"`, "Соколов Артём Игоревич", "+7 (423) 241-00-11", "sokolov@primport.ru", "2540123456", "ул. Светланская, д. 20", "Владивосток", ""},
	{`ООО "Пермские Моторы"`, "Лебедев Виктор Семёнович", "+7 (342) 212-33-44", "lebedev@permmotor.ru", "5902123456", "Комсомольский пр., д. 5", "Пермь", ""},
	{"ИП Козлова Е.С.", "Козлова Екатерина Сергеевна", "+7 (473) 255-12-34", "kozlova.es@mail.ru", "366123456789", "пр. Революции, д. 9", "Воронеж", ""},
	{`ООО "Тула Оружейная"`, "Егоров Николай Павлович", "+7 (4872) 36-45-67", "egorov@tulaoruzh.ru", "7106123456", "ул. Советская, д. 1", "Тула", ""},
	{`ООО "Омский Хлеб"`, "Павлова Ирина Андреевна", "+7 (3812) 24-35-46", "pavlova@omskhleb.ru", "5503123456", "ул. Ленина, д. 18", "Омск", "Доставка по вторникам"},
	{`ООО "Ярославский Текстиль"`, "Семёнов Константин Львович", "+7 (4852) 30-40-50", "semenov@yartex.ru", "7604123456", "ул. Кирова, д. 11", "Ярославль", ""},
	{`АО "Калининград Янтарь"`, "Голубева Марина Олеговна", "+7 (4012) 53-00-01", "golubeva@kaliningrad-amber.ru", "3906123456", "Ленинский пр., д. 83", "Калининград", ""},
	{"ИП Виноградов П.П.", "Виноградов Пётр Петрович", "+7 (8442) 38-49-50", "vinogradov@list.ru", "344123456789", "пр. Ленина, д. 56", "Волгоград", ""},
	{`ООО "Тюмень Нефтесервис"`, "Богданов Руслан Маратович", "+7 (3452) 45-67-89", "bogdanov@tns72.ru", "7203123456", "ул. Республики, д. 65", "Тюмень", ""},
	{`ООО "Смоленский Лён"`, "Орлова Светлана Дмитриевна", "+7 (4812) 38-12-13", "orlova@smollen.ru", "6731123456", "ул. Большая Советская, д. 4", "Смоленск", "Образцы отправлены"},
	{`ООО "Курская Аномалия"`, "Киселёв Антон Васильевич", "+7 (4712) 70-80-90", "kiselev@kursk-anomaly.ru", "4632123456", "ул. Ленина, д. 2", "Курск", ""},
	{`ООО "Ромашка-Юг"`, "Иванова Мария Ивановна", "+7 (862) 264-00-00", "maria@romashka-yug.ru", "2320123456", "Курортный пр., д. 18", "Сочи", ""},
}

// russianClean is russian with row 6's e-mail fixed.
func russianClean() [][]string {
	out := make([][]string, len(russian))
	for i, r := range russian {
		out[i] = append([]string(nil), r...)
		if r[3] == "kuznetsova@" {
			out[i][3], out[i][7] = "kuznetsova@volga.ru", ""
		}
	}
	return out
}

var english = [][]string{
	{"Company", "First name", "Last name", "Email", "Phone", "Tax ID", "Street", "Postcode", "City", "Country", "Created", "Notes"},
	{"Acme Widgets Ltd", "John", "Smith", "john.smith@acmewidgets.co.uk", "+44 20 7946 0018", "GB123456789", "12 Baker Street", "NW1 6XE", "London", "GB", "2024-03-15", "Key account"},
	{"Northwind Traders", "Mary", "Johnson", "mary@northwind.example", "+1 206 555 0100", "91-1144442", "500 Pine St", "98101", "Seattle", "US", "2024-04-02", ""},
	{"Blue Harbor Foods", "Peter", "O'Neil", "peter.oneil@blueharbor.ie", "+353 1 555 0199", "IE6388047V", "3 Quay Road", "D02 X285", "Dublin", "IE", "2024-05-20", "Prefers email, not calls"},
	{"Maple Leaf Consulting", "Sarah", "Tremblay", "sarah@mapleleaf.ca", "+1 416 555 0142", "123456789RT0001", "100 King St W", "M5X 1A9", "Toronto", "CA", "2024-06-11", ""},
	{"Kangaroo Logistics", "Liam", "Brown", "liam.brown@kangaroolog.com.au", "+61 2 5550 1234", "51 824 753 556", "1 George St", "2000", "Sydney", "AU", "2024-07-01", ""},
	{"Alpine Gear GmbH", "Anna", "Müller", "anna.mueller@alpinegear.de", "+49 89 555 0123", "DE129273398", "Marienplatz 8", "80331", "Munich", "DE", "2024-07-19", ""},
	{"Sunrise Bakery", "Carlos", "Garcia", "carlos@sunrisebakery.example", "+1 305 555 0177", "", "220 Ocean Dr", "33139", "Miami", "US", "2024-08-05", "Delivery, mornings only"},
	{"Evergreen Nurseries", "Emily", "Davis", "emily.davis@", "+1 503 555 0133", "93-1234567", "45 Rose Ave", "97201", "Portland", "US", "2024-08-22", "Bad email on purpose"},
	{"Thames Valley Printing", "George", "Wilson", "george@tvprint.co.uk", "+44 118 496 0555", "GB987654321", "7 Reading Rd", "RG1 1AA", "Reading", "GB", "2024-09-03", ""},
	{"Harbour View Hotel", "Olivia", "Taylor", "reservations@harbourview.co.nz", "+64 9 555 0160", "", "88 Quay St", "1010", "Auckland", "NZ", "2024-09-17", ""},
	{"Redwood Analytics", "James", "Anderson", "j.anderson@redwood-analytics.com", "+1 415 555 0199", "94-7654321", "1 Market St", "94105", "San Francisco", "US", "2024-10-01", ""},
	{"Celtic Crafts", "Aoife", "Murphy", "aoife@celticcrafts.ie", "+353 21 555 0111", "IE1234567T", "12 Patrick St", "T12 XY34", "Cork", "IE", "2024-10-14", ""},
	{"Prairie Seeds Co", "Noah", "Martin", "noah@prairieseeds.ca", "+1 306 555 0188", "", "400 Main St", "S7K 1M1", "Saskatoon", "CA", "2024-10-30", ""},
	{"Oxford Tutors", "Charlotte", "White", "charlotte@oxfordtutors.co.uk", "+44 1865 555 010", "", "2 High St", "OX1 4AP", "Oxford", "GB", "2024-11-08", "=not a formula"},
	{"Lone Star BBQ", "William", "Thompson", "will@lonestarbbq.example", "+1 512 555 0122", "74-1112223", "600 Congress Ave", "78701", "Austin", "US", "2024-11-21", ""},
	{"Nordic Design AB", "Elsa", "Lindqvist", "elsa@nordicdesign.se", "+46 8 555 010 00", "SE556677889901", "Drottninggatan 50", "111 21", "Stockholm", "SE", "2024-12-02", ""},
	{"Coastal Surf Shop", "Jack", "Harris", "jack@coastalsurf.com.au", "+61 7 5555 0199", "", "9 The Esplanade", "4217", "Surfers Paradise", "AU", "2024-12-16", ""},
	{"Granite State Tools", "Benjamin", "Clark", "ben.clark@granitetools.example", "+1 603 555 0144", "02-0456789", "15 Elm St", "03101", "Manchester", "US", "2025-01-06", "Postcode has a leading zero"},
	{"Highland Distillers", "Isla", "Campbell", "isla@highlanddistillers.co.uk", "+44 1463 555 012", "GB246813579", "30 Castle St", "IV2 3DU", "Inverness", "GB", "2025-01-20", ""},
	{"Great Lakes Shipping", "Ethan", "Lewis", "ethan@greatlakes.example", "+1 312 555 0166", "36-5550123", "233 S Wacker Dr", "60606", "Chicago", "US", "2025-02-03", ""},
	{"Pacific Rim Imports", "Mia", "Walker", "mia.walker@pacrim.example", "+1 808 555 0155", "99-0001112", "1450 Ala Moana Blvd", "96814", "Honolulu", "US", "2025-02-17", ""},
	{"Cotswold Cheese", "Harry", "Hall", "harry@cotswoldcheese.co.uk", "+44 1451 555 077", "", "4 Market Sq", "GL54 1AB", "Stow-on-the-Wold", "GB", "2025-03-03", "Seasonal orders,\nsee last year"},
	{"Yukon Outfitters", "Ava", "Young", "ava@yukonoutfitters.ca", "+1 867 555 0101", "", "208 Main St", "Y1A 2B2", "Whitehorse", "CA", "2025-03-17", ""},
	{"Garden Route Tours", "Lucas", "King", "lucas@gardenroute.example", "+27 44 555 0123", "4123456789", "5 Main Rd", "6530", "George", "ZA", "2025-03-31", ""},
}

type client struct {
	firma, imie, nazwisko, email, telefon, kod, miasto string
	od                                                 time.Time
	obrot                                              float64
}

func writeXLSX(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	// An empty first sheet, as workbooks often have: the reader skips it.
	if err := f.SetSheetName("Sheet1", "Arkusz1"); err != nil {
		return err
	}
	if _, err := f.NewSheet("Klienci"); err != nil {
		return err
	}
	if _, err := f.NewSheet("Info"); err != nil {
		return err
	}
	const sh = "Klienci"
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sh, cell, cell, style)
		}
		return nil
	}
	if err := set("A1", "Lista klientów — stan na 2025-01-31", bold); err != nil {
		return err
	}
	header := []string{"Firma", "Imię", "Nazwisko", "E-mail", "Telefon", "Kod pocztowy", "Miasto", "Klient od", "Obrót"}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := set(cell, h, bold); err != nil {
			return err
		}
	}
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	clients := []client{
		{"Piekarnia Żytnia Sp. z o.o.", "Łukasz", "Wójcik", "lukasz.wojcik@zytnia.pl", "0048601234567", "90-926", "Łódź", d(2019, 5, 14), 5525.14},
		{"Zakład Ślusarski Kowalczyk", "Małgorzata", "Kowalczyk", "biuro@kowalczyk-slusarz.pl", "0048124215580", "31-019", "Kraków", d(2020, 11, 2), 12800},
		{"Hurtownia Bałtyk", "Grzegorz", "Szczęsny", "g.szczesny@hurtowniabaltyk.pl", "+48 58 301 22 14", "80-831", "Gdańsk", d(2021, 1, 29), 98150.5},
		{"Odra Logistyka S.A.", "Agnieszka", "Dąbrowska", "a.dabrowska@odralog.pl", "0048713449012", "50-062", "Wrocław", d(2018, 7, 3), 250000.99},
		{"Winnica Lubuska", "Paweł", "Zieliński", "pawel@winnicalubuska.pl", "0048684521109", "65-058", "Zielona Góra", d(2022, 9, 30), 1999.9},
		{"Apteka Pod Orłem", "Katarzyna", "Nowak", "jan@", "0048602345678", "00-950", "Warszawa", d(2023, 2, 28), 730.25},
		{}, // an empty row in the middle of the data
		{"Studio Grafiki Źdźbło", "Żaneta", "Ćwik", "zaneta@zdzblo.pl", "0048604567890", "61-806", "Poznań", d(2024, 3, 15), 4100},
		{"Mleczarnia Mazury", "Jerzy", "Kamiński", "j.kaminski@mleczarnia-mazury.pl", "0048895273310", "10-502", "Olsztyn", d(2017, 12, 1), 67000.01},
		{"Kancelaria Lewandowski i Wspólnicy", "Anna", "Lewandowska", "anna@kancelaria-lewandowski.pl", "0048226284412", "00-697", "Warszawa", d(2016, 4, 18), 15300.75},
	}
	for i, c := range clients {
		row := 4 + i
		if c.firma == "" {
			continue
		}
		vals := []any{c.firma, c.imie, c.nazwisko, c.email, c.telefon, c.kod, c.miasto, c.od, c.obrot}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+1, row)
			style := 0
			switch j {
			case 4, 5:
				style = textStyle
			case 7:
				style = dateStyle
			}
			if err := set(cell, v, style); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sh, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sh, "B", "I", 16); err != nil {
		return err
	}
	if err := f.SetCellValue("Info", "A1", "Plik przykładowy crmport: dane na arkuszu Klienci."); err != nil {
		return err
	}
	idx, err := f.GetSheetIndex(sh)
	if err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	// excelize leaves the template's <dimension ref="A1">, and readers that
	// trust it (openpyxl read-only, so pandas.read_excel) see one cell.
	last, _ := excelize.CoordinatesToCellName(len(header), 3+len(clients))
	if err := f.SetSheetDimension(sh, "A1:"+last); err != nil {
		return err
	}
	return f.SaveAs(path)
}
