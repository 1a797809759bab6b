package sheet_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/sheet"
)

// bankExport is shaped like a Polish bank's CSV statement: title lines
// above the table, ';' between cells, decimal commas in every amount, and
// rows of unequal length (an empty last cell is left out in some).
const bankExport = "#Klient;\n" +
	"JAN KOWALSKI;\n" +
	"#Za okres:;\n" +
	"01.01.2024;31.01.2024;\n" +
	"#Data operacji;#Opis operacji;#Kwota;#Saldo po operacji;\n" +
	"2024-01-02;PRZELEW ZEWNĘTRZNY;-12,50;1 987,50\n" +
	"2024-01-03;WPŁATA;100,00;2 087,50;PLN\n" +
	"2024-01-04;OPŁATA ZA KARTĘ;-7,00\n" +
	"2024-01-05;ZAKUP PRZY UŻYCIU KARTY;-45,99;2 034,51;PLN;Kraków\n" +
	"2024-01-08;PRZELEW NA TELEFON;-20,00;2 014,51\n" +
	"2024-01-09;ODSETKI;0,12\n"

func TestCSVDelimiterSniffing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		delim rune
		conf  sheet.Confidence
	}{
		{"bank export with decimal commas and ragged rows", bankExport, ';', sheet.ConfidenceSure},
		{"one amount per row, rows of unequal length", "Data;Opis;Kwota\n2024-01-02;Przelew;-12,50\n2024-01-03;Wpłata od X;100,00;PLN\n2024-01-04;Opłata;-1,00;PLN;dodatkowe\n", ';', sheet.ConfidenceSure},
		{"commas in a semicolon file", "Firma;Adres\r\nA;Kraków, ul. X 1\r\nB;Łódź, ul. Y 2, m. 3\r\n", ';', sheet.ConfidenceSure},
		{"a comma in every address, ragged rows", "Компания;Телефон;Адрес;Город\r\nА;+7 495;ул. Тверская, д. 7;Москва\r\nБ;+7 812;Невский пр., д. 2\r\nВ;+7 343;ул. Ленина, д. 1;Екатеринбург\r\nГ;+7 383;Красный пр., 5\r\n", ';', sheet.ConfidenceSure},
		{"comma file with numbers", "id,qty,price\n1,20,3.50\n2,5,10.00\n3,1,0.99\n", ',', sheet.ConfidenceSure},
		{"comma file with semicolons in text", "name,note\nA,\"x; y\"\nB,\"p;q;r\"\nC,z\n", ',', sheet.ConfidenceSure},
		{"tab", "a\tb\tc\n1\t2\t3\n4\t5\t6\n", '\t', sheet.ConfidenceSure},
		{"a single column", "Nazwisko\nKowalski\nNowak\n", ',', sheet.ConfidenceGuess},
		{"excel's sep line", "sep=|\na|b\n1|2\n", '|', sheet.ConfidenceMarked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mustCSV(t, tt.in)
			assert.Equal(t, string(tt.delim), string(src.Info().Delimiter))
			assert.Equal(t, tt.conf, src.Info().DelimiterConfidence)
		})
	}

	src, err := sheet.NewCSVSource(strings.NewReader(bankExport), sheet.Options{Delimiter: ';'})
	assert.NoError(t, err)
	assert.Equal(t, sheet.ConfidenceGiven, src.Info().DelimiterConfidence)
}

// The bank export reads with its amounts whole and no cell lost.
func TestCSVBankExportRows(t *testing.T) {
	t.Parallel()
	got, errs := readRows(t, []byte(bankExport), sheet.Options{HeaderRow: 5})
	assert.Empty(t, errs)
	assert.Equal(t, []string{
		"6 2024-01-02|PRZELEW ZEWNĘTRZNY|-12,50|1 987,50",
		"7 2024-01-03|WPŁATA|100,00|2 087,50",
		"8 2024-01-04|OPŁATA ZA KARTĘ|-7,00|",
		"9 2024-01-05|ZAKUP PRZY UŻYCIU KARTY|-45,99|2 034,51",
		"10 2024-01-08|PRZELEW NA TELEFON|-20,00|2 014,51",
		"11 2024-01-09|ODSETKI|0,12|",
	}, got)
}
