package sheet_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/sheet"
)

// Contact lists in the languages of Europe, as their people's Excel saves
// them.
const (
	frenchCSV = "Nom;Prénom;Ville;Adresse\r\n" +
		"Lefèvre;Hélène;Besançon;12 rue de la Gare\r\n" +
		"Dubois;François;Orléans;3 place de l'Église\r\n" +
		"Moreau;Chloé;Nîmes;8 allée des Pêcheurs\r\n" +
		"Girard;Jérôme;Périgueux;5 boulevard Hôtel de Ville\r\n"
	spanishCSV = "Apellido;Nombre;Ciudad\r\n" +
		"Muñoz;José;Logroño\r\n" +
		"Ibáñez;María;Cádiz\r\n" +
		"Núñez;Ramón;Málaga\r\n" +
		"Peña;Inés;A Coruña\r\n"
	germanCSV = "Name;Vorname;Straße;Ort\r\n" +
		"Müller;Jürgen;Hauptstraße 5;München\r\n" +
		"Schäfer;Björn;Gartenweg 12;Köln\r\n" +
		"Größ;Käthe;Am Bärenzwinger 1;Düsseldorf\r\n"
	czechCSV = "Příjmení;Jméno;Město\r\n" +
		"Šťastný;Jiří;Plzeň\r\n" +
		"Kovářová;Žaneta;České Budějovice\r\n" +
		"Dvořák;Tomáš;Ústí nad Labem\r\n" +
		"Růžička;Štěpán;Třeboň\r\n"
	slovakCSV = "Priezvisko;Meno;Mesto\r\n" +
		"Ľubomír;Šťastný;Žilina\r\n" +
		"Kováčová;Ľudmila;Košice\r\n" +
		"Šimko;Ján;Banská Štiavnica\r\n"
	lithuanianCSV = "Pavardė;Vardas;Miestas\r\n" +
		"Šarūnas;Žydrūnas;Šiauliai\r\n" +
		"Kazlauskienė;Jūratė;Klaipėda\r\n" +
		"Paulauskas;Mindaugas;Panevėžys\r\n" +
		"Žukauskaitė;Ieva;Marijampolė\r\n"
	latvianCSV = "Uzvārds;Vārds;Pilsēta\r\n" +
		"Bērziņš;Jānis;Rīga\r\n" +
		"Kalniņa;Līga;Jūrmala\r\n" +
		"Ozoliņš;Māris;Liepāja\r\n"
	frenchEuroCSV = "Nom;Prix;Note\r\n" +
		"Cœur de Bœuf;12 €;Très bon\r\n" +
		"Œuvre complète;30 €;Épuisé\r\n" +
		"Sœur Thérèse;8 €;Déjà lu\r\n"
)

func TestCSVEuropeanEncodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cm   *charmap.Charmap
		text string
		want string
		cell string // a cell that must read back exactly
	}{
		{"French in windows-1252", charmap.Windows1252, frenchCSV, "windows-1252", "Hélène"},
		{"French in iso-8859-1", charmap.ISO8859_1, frenchCSV, "windows-1252", "Hélène"}, // alike: named as Windows does
		{"French with œ and € in iso-8859-15", charmap.ISO8859_15, frenchEuroCSV, "iso-8859-15", "Cœur de Bœuf"},
		{"French with œ and € in windows-1252", charmap.Windows1252, frenchEuroCSV, "windows-1252", "Sœur Thérèse"},
		{"Spanish in windows-1252", charmap.Windows1252, spanishCSV, "windows-1252", "Logroño"},
		{"German in windows-1252", charmap.Windows1252, germanCSV, "windows-1252", "Düsseldorf"},
		{"German in Mac Roman", charmap.Macintosh, germanCSV, "macintosh", "Hauptstraße 5"},
		{"French in Mac Roman", charmap.Macintosh, frenchCSV, "macintosh", "Besançon"},
		{"Czech in windows-1250", charmap.Windows1250, czechCSV, "windows-1250", "Šťastný"},
		{"Czech in iso-8859-2", charmap.ISO8859_2, czechCSV, "iso-8859-2", "Šťastný"},
		{"Slovak in iso-8859-2", charmap.ISO8859_2, slovakCSV, "iso-8859-2", "Ľudmila"},
		{"Polish in iso-8859-2", charmap.ISO8859_2, polishCSV, "iso-8859-2", "Łódź"},
		{"Polish in windows-1250", charmap.Windows1250, polishCSV, "windows-1250", "Łódź"},
		{"Lithuanian in windows-1257", charmap.Windows1257, lithuanianCSV, "windows-1257", "Klaipėda"},
		{"Latvian in windows-1257", charmap.Windows1257, latvianCSV, "windows-1257", "Bērziņš"},
		{"Russian in windows-1251", charmap.Windows1251, russianCSV, "windows-1251", "Москва"},
		{"Russian in koi8-r", charmap.KOI8R, russianCSV, "koi8-r", "Москва"},
		{"Russian in ibm866", charmap.CodePage866, russianCSV, "ibm866", "Москва"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encode(t, tt.cm, tt.text)
			src, rows := readCSV(t, data, sheet.Options{})
			info := src.Info()
			assert.Equal(t, tt.want, info.Encoding)
			assert.Contains(t, []sheet.Confidence{sheet.ConfidenceSure, sheet.ConfidenceLikely}, info.EncodingConfidence)
			var cells []string
			for _, r := range rows {
				cells = append(cells, r.Texts()...)
			}
			assert.Contains(t, cells, tt.cell)
			// Every cell is what was written: no mojibake anywhere.
			want := strings.Join(strings.Fields(strings.NewReplacer(";", " ", "\r\n", " ").Replace(tt.text)), " ")
			got := strings.Join(strings.Fields(strings.Join(append(src.Header(), cells...), " ")), " ")
			assert.Equal(t, want, got)
		})
	}
}

// TestCSVUnclearEncoding stops, rather than guess, when the evidence is too
// thin: the error names the two best readings with a line read each way.
func TestCSVUnclearEncoding(t *testing.T) {
	t.Parallel()
	data := encode(t, charmap.Windows1252, "Name\r\nHélène\r\n")
	_, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "cannot tell which encoding the file is in")
	assert.Contains(t, msg, `"Hélène"`)
	assert.Contains(t, msg, "windows-1252")
	assert.Contains(t, msg, "encoding:")
	assert.Contains(t, msg, "source:")

	// Told the encoding, it reads.
	src, rows := readCSV(t, data, sheet.Options{Encoding: "windows-1252"})
	assert.Equal(t, sheet.ConfidenceGiven, src.Info().EncodingConfidence)
	assert.Equal(t, "Hélène", rows[0].Cells[0].Text)
}

func TestCSVEncodingConfidence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want sheet.Confidence
	}{
		{"utf-8 with a bom", append([]byte{0xEF, 0xBB, 0xBF}, polishCSV...), sheet.ConfidenceMarked},
		{"utf-8", []byte(polishCSV), sheet.ConfidenceSure},
		{"ascii to the end", []byte("a;b\r\n1;2\r\n"), sheet.ConfidenceSure},
		{"windows-1250 with plenty of text", encode(t, charmap.Windows1250, polishCSV), sheet.ConfidenceSure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, _ := readCSV(t, tt.data, sheet.Options{})
			assert.Equal(t, tt.want, src.Info().EncodingConfidence)
		})
	}
}

// TestCSVLateEncoding: the first non-ASCII text comes after detection's
// sample; the encoding is found from the text there on, or the reading
// stops at that row when it cannot be told.
func TestCSVLateEncoding(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("Nom;Prenom;Societe;Adresse;Ville\r\n")
	for b.Len() < 70_000 {
		b.WriteString("Smith;John;Acme;1 Main St;London\r\n")
	}
	ascii := bytes.Clone(b.Bytes())
	b.Write(encode(t, charmap.Windows1252, frenchCSV[strings.Index(frenchCSV, "\n")+1:]))
	src, rows := readCSV(t, b.Bytes(), sheet.Options{})
	assert.Equal(t, "windows-1252", src.Info().Encoding)
	assert.Equal(t, "Hélène", rows[len(rows)-4].Cells[1].Text)

	thin := append(ascii, encode(t, charmap.Windows1252, "Lefèvre;Hélène;x;y;z\r\n")...)
	src, err := sheet.NewCSVSource(bytes.NewReader(thin), sheet.Options{})
	require.NoError(t, err)
	var last error
	for last == nil {
		_, last = src.Next()
	}
	var re *sheet.RowError
	assert.False(t, errors.As(last, &re), "not a row error: reading stops")
	assert.Contains(t, last.Error(), "cannot tell which encoding the file is in")
	assert.Regexp(t, `^row \d+: `, last.Error())
}

// TestCSVLittleEvidence: files whose only non-ASCII characters are a few
// symbols or one word still read (the readings that differ are clearly
// worse), and read right.
func TestCSVLittleEvidence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cm   *charmap.Charmap
		text string
		cell string
	}{
		{"euro signs in a price list", charmap.Windows1252, "Produkt;Cena\r\nKawa;12 €\r\nHerbata;8 €\r\n", "8 €"},
		{"degrees", charmap.Windows1252, "Name;Temp\r\nA;12 °C\r\n", "12 °C"},
		{"copyright", charmap.Windows1250, "a;b\r\nx;© 2024\r\n", "© 2024"},
		{"one Polish name", charmap.Windows1250, "Nazwisko\r\nWałęsa\r\n", "Wałęsa"},
		{"one Polish city", charmap.Windows1250, "Nazwisko;Miasto\r\nKowalski;Kraków\r\n", "Kraków"},
		{"one French word", charmap.Windows1252, "Name;Notiz\r\nA;Café\r\n", "Café"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rows := readCSV(t, encode(t, tt.cm, tt.text), sheet.Options{})
			assert.Equal(t, tt.cell, rows[len(rows)-1].Cells[len(rows[0].Cells)-1].Text)
		})
	}
}
