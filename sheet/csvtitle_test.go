package sheet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/sheet"
)

// TestCSVTitleRows: a CSV file with a title and a blank row above its
// header (as Excel saves a sheet that has them: trailing delimiters
// included) is read as a workbook with the same rows is: the header is
// found, the title is listed in Info.TitleRows and every data row keeps
// its row number.
func TestCSVTitleRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		enc      encoding.Encoding // nil: UTF-8
		bom      bool
		text     string
		expected []string // Options.ExpectedHeaders
		encName  string
		header   []string
		hline    int
		titles   []sheet.TitleRow
		first    []string // the first data row
	}{
		{
			name: "polish windows-1250 semicolons", enc: charmap.Windows1250, encName: "windows-1250",
			text:   "Lista klientów 2026;;;;\r\n;;;;\r\n" + polishCSV,
			header: []string{"Firma", "Imię", "Nazwisko", "Ulica", "Miasto"}, hline: 3,
			titles: []sheet.TitleRow{{Line: 1, Cells: []string{"Lista klientów 2026"}}},
			first:  []string{"Piekarnia Żytnia", "Łukasz", "Wójcik", "ul. Piotrkowska 104", "Łódź"},
		},
		{
			name: "russian windows-1251, two title rows", enc: charmap.Windows1251, encName: "windows-1251",
			text:   "Список клиентов;;;\r\nна 01.02.2026;;;\r\n;;;\r\n" + russianCSV,
			header: []string{"Компания", "Контактное лицо", "Город", "Адрес"}, hline: 4,
			titles: []sheet.TitleRow{{Line: 1, Cells: []string{"Список клиентов"}}, {Line: 2, Cells: []string{"на 01.02.2026"}}},
			first:  []string{`ООО "Ромашка"`, "Иванов Иван Петрович", "Москва", "ул. Тверская, д. 7"},
		},
		{
			name: "utf-8 with a byte order mark", bom: true, encName: "utf-8",
			text:   "Klienci — stan na 2025-01-31\n\n" + polishCSV,
			header: []string{"Firma", "Imię", "Nazwisko", "Ulica", "Miasto"}, hline: 3,
			titles: []sheet.TitleRow{{Line: 1, Cells: []string{"Klienci — stan na 2025-01-31"}}},
			first:  []string{"Piekarnia Żytnia", "Łukasz", "Wójcik", "ul. Piotrkowska 104", "Łódź"},
		},
		{
			// A two-value title row as wide as a narrow table: the
			// mapping's column names decide.
			name: "the mapping's columns find the header", encName: "utf-8",
			text:     "Raport;styczeń 2026\nImię;E-mail\nJan;jan@example.com\nEwa;ewa@example.com\n",
			expected: []string{"E-mail", "Imię"},
			header:   []string{"Imię", "E-mail"}, hline: 2,
			titles: []sheet.TitleRow{{Line: 1, Cells: []string{"Raport", "styczeń 2026"}}},
			first:  []string{"Jan", "jan@example.com"},
		},
		{
			name: "a sep= line that names no delimiter is a title, not dropped", encName: "utf-8",
			text:   "sep=\"\na;b\n1;2\n",
			header: []string{"a", "b"}, hline: 2,
			titles: []sheet.TitleRow{{Line: 1, Cells: []string{`sep="`}}},
			first:  []string{"1", "2"},
		},
		{
			name: "no title: the first row is the header, as before", encName: "utf-8",
			text:   "Firma;Telefon\n2026;600100200\n2027;600100201\n",
			header: []string{"Firma", "Telefon"}, hline: 1,
			first: []string{"2026", "600100200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encode(t, tt.enc, tt.text)
			if tt.bom {
				data = append([]byte("\xEF\xBB\xBF"), data...)
			}
			path := filepath.Join(t.TempDir(), "klienci.csv")
			require.NoError(t, os.WriteFile(path, data, 0o600))
			src, err := sheet.Open(t.Context(), path, sheet.Options{ExpectedHeaders: tt.expected})
			require.NoError(t, err)
			defer src.Close()
			info := src.Info()
			assert.Equal(t, tt.encName, info.Encoding)
			assert.Equal(t, tt.header, src.Header())
			assert.Equal(t, tt.hline, info.HeaderLine)
			assert.Equal(t, tt.titles, info.TitleRows)
			row, err := src.Next()
			require.NoError(t, err)
			assert.Equal(t, tt.hline+1, row.Line)
			assert.Equal(t, tt.first, row.Texts())
		})
	}
}

// TestCSVTitleRowsBankStatement: a bank's statement has four lines of
// account details above its table; the header is found without being
// given (the fixture's manifest gives it for the LibreOffice comparison).
func TestCSVTitleRowsBankStatement(t *testing.T) {
	t.Parallel()
	src, err := sheet.Open(t.Context(), filepath.Join("testdata", "csv", "bank_pl_1250.csv"), sheet.Options{})
	require.NoError(t, err)
	defer src.Close()
	info := src.Info()
	assert.Equal(t, 5, info.HeaderLine)
	assert.Equal(t, []string{"#Data operacji", "#Opis operacji", "#Tytuł", "#Kwota", "#Saldo po operacji"}, src.Header())
	require.Len(t, info.TitleRows, 4)
	assert.Equal(t, "01.01.2024 | 31.01.2024", info.TitleRows[3].String())
}

// TestCSVHeaderRowGiven: a header row given in the options is used as it
// is; the rows with values above it are listed as titles, as a workbook's
// are (the front end decides whether to mention them).
func TestCSVHeaderRowGiven(t *testing.T) {
	t.Parallel()
	src, rows := readCSV(t, []byte("Lista klientów 2026;;\n;;\nFirma;Miasto;Telefon\nA;Łódź;1\n"), sheet.Options{HeaderRow: 3})
	assert.Equal(t, []sheet.TitleRow{{Line: 1, Cells: []string{"Lista klientów 2026"}}}, src.Info().TitleRows)
	assert.Equal(t, 3, src.Info().HeaderLine)
	require.Len(t, rows, 1)
	assert.Equal(t, 4, rows[0].Line)
}
