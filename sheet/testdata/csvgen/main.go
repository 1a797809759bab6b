// Command csvgen writes the CSV fixtures of sheet/testdata/csv: one file per
// class of real-world CSV that the sheet package must read without losing
// a row or a cell (line ends of old Mac Excel and mixed ones, a bank's ';'
// export with decimal commas and ragged rows, the single-byte encodings of
// Europe), and a manifest saying how each was written.
//
// With -libreoffice it also has LibreOffice read every fixture, told the
// right encoding and delimiter, and stores what it read as NAME.lo.csv
// (UTF-8, ';', every cell quoted): the expected output the tests compare
// with, cell by cell. LibreOffice need not be installed to run the tests.
//
//	go run ./sheet/testdata/csvgen [-libreoffice]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// fixture is one generated file.
type fixture struct {
	Name      string `json:"name"`
	Encoding  string `json:"encoding"`       // the encoding the file is written in
	Want      string `json:"want_encoding"`  // what detection must report (an alike encoding may be named)
	Delimiter string `json:"delimiter"`      // the delimiter it is written with
	HeaderRow int    `json:"header_row"`     // 0: the first non-blank row
	LineEnds  string `json:"line_ends"`      // what Info.LineEnds must say
	Class     string `json:"class"`          // what it stands for
	Note      string `json:"note,omitempty"` // how it differs from LibreOffice, if at all
	loCharset int    // LibreOffice's number for the encoding
	text      string // the content, in UTF-8, with \n line ends
	ends      []string
}

var charmaps = map[string]*charmap.Charmap{
	"windows-1250": charmap.Windows1250, "windows-1251": charmap.Windows1251, "windows-1252": charmap.Windows1252,
	"windows-1257": charmap.Windows1257, "iso-8859-1": charmap.ISO8859_1, "iso-8859-2": charmap.ISO8859_2,
	"iso-8859-15": charmap.ISO8859_15, "macintosh": charmap.Macintosh, "ibm866": charmap.CodePage866, "koi8-r": charmap.KOI8R,
}

var fixtures = []fixture{
	{
		Name: "mac_newlines", Encoding: "utf-8", Want: "utf-8", Delimiter: ",", LineEnds: "cr", loCharset: 76,
		Class: "CR-only line ends (old Mac Excel), a quoted cell with a CR inside, no final line end",
		Note:  "a CR inside a quoted cell is kept as CR; LibreOffice makes it LF",
		ends:  []string{"\r"},
		text: "name,company,notes\n" +
			"Anna Nowak,Piekarnia Żytnia,\"Once upon\ra time\"\n" +
			"Jan Kowalski,\"Kowalski, Syn i S-ka\",regular\n" +
			"Ewa Wiśniewska,Apteka Pod Orłem,\"call after 15:00\"\n" +
			"Piotr Zieliński,Hurtownia Bałtyk,",
	},
	{
		Name: "mixed_newlines", Encoding: "utf-8", Want: "utf-8", Delimiter: ";", LineEnds: "mixed", loCharset: 76,
		Class: "CR, LF and CRLF mixed in one file (files pasted together), a blank line in the middle",
		ends:  []string{"\r\n", "\n", "\r", "\r\n", "\r", "\n"},
		text: "Nazwisko;Imię;Miasto;Telefon\n" +
			"Kowalski;Jan;Łódź;600100200\n" +
			"Nowak;Anna;Kraków;601200300\n" +
			"Wiśniewska;Ewa;Gdańsk;602300400\n" +
			"\n" +
			"Wójcik;Piotr;\"Zielona Góra\";603400500\n" +
			"Kamińska;Zofia;\"Bielsko-Biała\r\nul. Długa 1\";604500600\n" +
			"Lewandowski;Marek;Poznań;605600700\n",
	},
	{
		Name: "bank_pl_1250", Encoding: "windows-1250", Want: "windows-1250", Delimiter: ";", HeaderRow: 5, LineEnds: "crlf", loCharset: 33,
		Class: "a bank's ';' statement: title lines above the table, decimal commas in every amount, rows of unequal length",
		ends:  []string{"\r\n"},
		text: "#Klient;\n" +
			"JAN KOWALSKI;\n" +
			"#Za okres:;\n" +
			"01.01.2024;31.01.2024;\n" +
			"#Data operacji;#Opis operacji;#Tytuł;#Kwota;#Saldo po operacji;\n" +
			"2024-01-02;PRZELEW ZEWNĘTRZNY;Czynsz za styczeń;-1 250,00;3 987,50;\n" +
			"2024-01-03;WPŁATA;Zwrot za bilety;100,00;4 087,50\n" +
			"2024-01-04;OPŁATA ZA KARTĘ;;-7,00\n" +
			"2024-01-05;ZAKUP PRZY UŻYCIU KARTY;Żabka Łódź;-45,99;4 034,51;PLN\n" +
			"2024-01-08;PRZELEW NA TELEFON;Dla Małgosi;-20,00;4 014,51;\n" +
			"2024-01-09;ODSETKI;Kapitalizacja;0,12;4 014,63\n" +
			"2024-01-10;PRZELEW ZEWNĘTRZNY;Składka ZUS;-1 600,32;2 414,31;\n",
	},
	{
		Name: "french_1252", Encoding: "windows-1252", Want: "windows-1252", Delimiter: ";", LineEnds: "crlf", loCharset: 1,
		Class: "French in windows-1252 (Hélène must not become Hélčne)",
		ends:  []string{"\r\n"},
		text: "Nom;Prénom;Société;Adresse;Ville\n" +
			"Lefèvre;Hélène;Boulangerie Lefèvre;12 rue de la Gare;Besançon\n" +
			"Dubois;François;Société Générale d'Électricité;3 place de l'Église;Orléans\n" +
			"Moreau;Chloé;Pâtisserie Moreau;8 allée des Pêcheurs;Nîmes\n" +
			"Girard;Jérôme;Hôtel du Lac;5 boulevard de la Forêt;Périgueux\n" +
			"Lemaître;Noël;Crème & Café;14 quai Voltaire;Saint-Étienne\n" +
			"Bérenger;Anaïs;Théâtre Molière;2 rue Molière;Aix-en-Provence\n",
	},
	{
		Name: "spanish_latin1", Encoding: "iso-8859-1", Want: "windows-1252", Delimiter: ",", LineEnds: "lf", loCharset: 12,
		Class: "Spanish in ISO-8859-1 (reads alike in windows-1252, which is named)",
		ends:  []string{"\n"},
		text: "Apellido,Nombre,Empresa,Ciudad\n" +
			"Muñoz,José,Panadería Muñoz,Logroño\n" +
			"Ibáñez,María,\"Ibáñez y Compañía, S.L.\",Cádiz\n" +
			"Núñez,Ramón,Ferretería Núñez,Málaga\n" +
			"Peña,Inés,Óptica Peña,A Coruña\n" +
			"Gutiérrez,Álvaro,Construcciones Gutiérrez,León\n",
	},
	{
		Name: "french_euro_iso885915", Encoding: "iso-8859-15", Want: "iso-8859-15", Delimiter: ";", LineEnds: "lf", loCharset: 22,
		Class: "French with œ and € in ISO-8859-15 (Latin-9)",
		ends:  []string{"\n"},
		text: "Produit;Prix;Commentaire\n" +
			"Cœur de Bœuf;12 €;Très bon, à commander\n" +
			"Œuvres complètes;30 €;Épuisé chez l'éditeur\n" +
			"Sœur Thérèse;8 €;Déjà lu\n" +
			"Vœux de Noël;4 €;Carte à l'unité\n",
	},
	{
		Name: "german_macroman", Encoding: "macintosh", Want: "macintosh", Delimiter: ";", LineEnds: "cr", loCharset: 2,
		Class: "German in Mac Roman with CR line ends: an old Mac Excel export",
		ends:  []string{"\r"},
		text: "Name;Vorname;Straße;Ort\n" +
			"Müller;Jürgen;Hauptstraße 5;München\n" +
			"Schäfer;Björn;Gartenweg 12;Köln\n" +
			"Größ;Käthe;Am Bärenzwinger 1;Düsseldorf\n" +
			"Weiß;Günter;Kö 4;Lübeck\n" +
			"Bäcker;Sören;Mühlenstraße 9;Nürnberg\n",
	},
	{
		Name: "czech_iso88592", Encoding: "iso-8859-2", Want: "iso-8859-2", Delimiter: ";", LineEnds: "crlf", loCharset: 13,
		Class: "Czech in ISO-8859-2 (not to be taken for windows-1250)",
		ends:  []string{"\r\n"},
		text: "Příjmení;Jméno;Firma;Město\n" +
			"Šťastný;Jiří;Pivovar Šťastný;Plzeň\n" +
			"Kovářová;Žaneta;Kavárna U Žlutého psa;České Budějovice\n" +
			"Dvořák;Tomáš;Truhlářství Dvořák;Ústí nad Labem\n" +
			"Růžička;Štěpán;Zámečnictví;Třeboň\n" +
			"Šebestová;Květa;Řeznictví Šebesta;Žďár nad Sázavou\n",
	},
	{
		Name: "slovak_1250", Encoding: "windows-1250", Want: "windows-1250", Delimiter: ";", LineEnds: "crlf", loCharset: 33,
		Class: "Slovak in windows-1250",
		ends:  []string{"\r\n"},
		text: "Priezvisko;Meno;Mesto;Poznámka\n" +
			"Šťastný;Ľubomír;Žilina;Volať po 15:00\n" +
			"Kováčová;Ľudmila;Košice;Nový zákazník\n" +
			"Šimko;Ján;Banská Štiavnica;Žiadosť o ponuku\n" +
			"Ďurica;Ľuboš;Trenčín;Dôležité\n",
	},
	{
		Name: "lithuanian_1257", Encoding: "windows-1257", Want: "windows-1257", Delimiter: ";", LineEnds: "crlf", loCharset: 39,
		Class: "Lithuanian in windows-1257 (Baltic)",
		ends:  []string{"\r\n"},
		text: "Pavardė;Vardas;Įmonė;Miestas\n" +
			"Kazlauskienė;Jūratė;UAB „Žalgiris“;Klaipėda\n" +
			"Paulauskas;Mindaugas;Ūkio bankas;Panevėžys\n" +
			"Žukauskaitė;Ieva;Šviesos studija;Marijampolė\n" +
			"Petrauskas;Šarūnas;Kęstučio kepykla;Šiauliai\n",
	},
	{
		Name: "latvian_1257", Encoding: "windows-1257", Want: "windows-1257", Delimiter: ",", LineEnds: "crlf", loCharset: 39,
		Class: "Latvian in windows-1257 (Baltic)",
		ends:  []string{"\r\n"},
		text: "Uzvārds,Vārds,Pilsēta\n" +
			"Bērziņš,Jānis,Rīga\n" +
			"Kalniņa,Līga,Jūrmala\n" +
			"Ozoliņš,Māris,Liepāja\n" +
			"Ābele,Ērika,Daugavpils\n",
	},
	{
		Name: "russian_ibm866", Encoding: "ibm866", Want: "ibm866", Delimiter: "\t", LineEnds: "crlf", loCharset: 30,
		Class: "Russian in IBM866 (DOS), tab-separated",
		ends:  []string{"\r\n"},
		text: "Фамилия\tИмя\tГород\tКомпания\n" +
			"Иванов\tИван\tМосква\tООО \"Ромашка\"\n" +
			"Смирнова\tОльга\tНовосибирск\tИП Смирнова\n" +
			"Васильев\tСергей\tРостов-на-Дону\tЗАО \"Дон-Агро\"\n",
	},
}

func main() {
	lo := flag.Bool("libreoffice", false, "also store what LibreOffice reads from each fixture (NAME.lo.csv)")
	flag.Parse()
	dir := filepath.Join("sheet", "testdata", "csv")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, f := range fixtures {
		data, err := encodeFixture(f)
		if err != nil {
			log.Fatalf("%s: %v", f.Name, err)
		}
		path := filepath.Join(dir, f.Name+".csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
		if *lo {
			if err := libreoffice(dir, f); err != nil {
				log.Fatalf("%s: %v", f.Name, err)
			}
		}
	}
	manifest, err := json.MarshalIndent(fixtures, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(manifest, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

// encodeFixture gives each line its line end in turn (a CRLF written
// inside a quoted cell stays as written) and encodes the text.
func encodeFixture(f fixture) ([]byte, error) {
	lines := strings.SplitAfter(f.text, "\n")
	var b strings.Builder
	for i, l := range lines {
		if body, ok := strings.CutSuffix(l, "\n"); ok {
			l = body + f.ends[i%len(f.ends)]
		}
		b.WriteString(l)
	}
	s := b.String()
	if f.Encoding == "utf-8" {
		return []byte(s), nil
	}
	cm, ok := charmaps[f.Encoding]
	if !ok {
		return nil, fmt.Errorf("unknown encoding %s", f.Encoding)
	}
	return cm.NewEncoder().Bytes([]byte(s))
}

// libreoffice has LibreOffice read the fixture with its encoding and
// delimiter, every column as text, and write what it read as UTF-8.
func libreoffice(dir string, f fixture) error {
	sep := int(f.Delimiter[0])
	var cols []string
	for i := 1; i <= 12; i++ {
		cols = append(cols, fmt.Sprintf("%d/2", i)) // 2: text, as read
	}
	in := fmt.Sprintf("CSV:%d,34,%d,1,%s,1033,true,false", sep, f.loCharset, strings.Join(cols, "/"))
	tmp, err := os.MkdirTemp("", "csvgen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("soffice", "--headless", "--infilter="+in,
		"--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,true,false,false",
		"--outdir", tmp, filepath.Join(dir, f.Name+".csv"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("libreoffice: %v: %s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(tmp, f.Name+".csv"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, f.Name+".lo.csv"), data, 0o644)
}
