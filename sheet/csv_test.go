package sheet_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/crmport/crmport/sheet"
)

const polishCSV = "Firma;Imię;Nazwisko;Ulica;Miasto\r\n" +
	"Piekarnia Żytnia;Łukasz;Wójcik;ul. Piotrkowska 104;Łódź\r\n" +
	"Zakład Ślusarski;Małgorzata;Świątek;ul. Floriańska 3;Kraków\r\n" +
	"Hurtownia Bałtyk;Grzegorz;Szczęsny;ul. Długa 45;Gdańsk\r\n" +
	"Źródło Sp. z o.o.;Żaneta;Ćwik;ul. Źródlana 1;Ząbki\r\n"

const russianCSV = "Компания;Контактное лицо;Город;Адрес\r\n" +
	"ООО \"Ромашка\";Иванов Иван Петрович;Москва;ул. Тверская, д. 7\r\n" +
	"ИП Смирнова О.В.;Смирнова Ольга;Новосибирск;Красный пр., д. 1\r\n" +
	"ЗАО \"Дон-Агро\";Васильев Сергей;Ростов-на-Дону;ул. Большая Садовая, д. 47\r\n"

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	if enc == nil {
		return []byte(s)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

func readCSV(t *testing.T, data []byte, opt sheet.Options) (sheet.Source, []sheet.Row) {
	t.Helper()
	src, err := sheet.NewCSVSource(bytes.NewReader(data), opt)
	require.NoError(t, err)
	var rows []sheet.Row
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return src, rows
		}
		require.NoError(t, err)
		rows = append(rows, r)
	}
}

func TestCSVEncodingDetection(t *testing.T) {
	t.Parallel()
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	tests := []struct {
		name string
		enc  encoding.Encoding
		bom  []byte
		text string
		want string
		city string
	}{
		{"utf-8", nil, nil, polishCSV, "utf-8", "Łódź"},
		{"utf-8 with BOM", nil, []byte{0xEF, 0xBB, 0xBF}, russianCSV, "utf-8", "Москва"},
		{"utf-16le with BOM", utf16le, nil, polishCSV, "utf-16le", "Łódź"},
		{"utf-16be with BOM", utf16be, nil, russianCSV, "utf-16be", "Москва"},
		{"windows-1250 Polish", charmap.Windows1250, nil, polishCSV, "windows-1250", "Łódź"},
		{"iso-8859-2 Polish", charmap.ISO8859_2, nil, polishCSV, "iso-8859-2", "Łódź"},
		{"windows-1251 Russian", charmap.Windows1251, nil, russianCSV, "windows-1251", "Москва"},
		{"koi8-r Russian", charmap.KOI8R, nil, russianCSV, "koi8-r", "Москва"},
		{"excel unicode text (utf-16le, tab)", utf16le, nil, strings.ReplaceAll(polishCSV, ";", "\t"), "utf-16le", "Łódź"},
		{"windows-1250 one accented word", charmap.Windows1250, nil, "Name;City\r\nJan;Łódź\r\n", "windows-1250", "Łódź"},
		{"windows-1251 one word", charmap.Windows1251, nil, "Name;City\r\nIvan;Москва\r\n", "windows-1251", "Москва"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(append([]byte{}, tt.bom...), encode(t, tt.enc, tt.text)...)
			src, rows := readCSV(t, data, sheet.Options{})
			assert.Equal(t, tt.want, src.Info().Encoding)
			assert.True(t, src.Info().Detected)
			if strings.Contains(tt.text, ";") {
				assert.Equal(t, ';', src.Info().Delimiter)
			} else {
				assert.Equal(t, '\t', src.Info().Delimiter)
			}
			require.NotEmpty(t, rows)
			found := false
			for _, r := range rows {
				for _, c := range r.Cells {
					found = found || c.Text == tt.city
				}
			}
			assert.True(t, found, "%q among %v", tt.city, rows[0].Texts())
			assert.NotContains(t, src.Header()[0], "\uFEFF", "byte order mark removed")
		})
	}
}

func TestCSVExplicitEncoding(t *testing.T) {
	t.Parallel()
	data := encode(t, charmap.Windows1251, russianCSV)
	src, rows := readCSV(t, data, sheet.Options{Encoding: "cp1251"})
	assert.Equal(t, "windows-1251", src.Info().Encoding)
	assert.False(t, src.Info().Detected)
	assert.Equal(t, "Москва", rows[0].Cells[2].Text)

	// An explicit encoding wins even when it is wrong.
	src, _ = readCSV(t, data, sheet.Options{Encoding: "Windows-1250"})
	assert.Equal(t, "windows-1250", src.Info().Encoding)

	_, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{Encoding: "big5"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown encoding "big5"`)
	assert.Contains(t, err.Error(), "windows-1250")
}

func TestCSVParsing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		opt    sheet.Options
		delim  rune
		header []string
		hline  int
		rows   [][]string // texts
		lines  []int
		blank  []bool
		extra  map[int][]string
	}{
		{name: "comma LF", in: "a,b\n1,2\n3,4\n", delim: ',', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"1", "2"}, {"3", "4"}}, lines: []int{2, 3}},
		{name: "tab", in: "a\tb\tc\n1\t2\t3\n", delim: '\t', header: []string{"a", "b", "c"}, hline: 1,
			rows: [][]string{{"1", "2", "3"}}, lines: []int{2}},
		{name: "pipe", in: "a|b\r\n1|2\r\n", delim: '|', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"1", "2"}}, lines: []int{2}},
		{name: "semicolon with commas in values", in: "Firma;Adres\r\nA;Kraków, ul. X 1\r\nB;Łódź, ul. Y 2, m. 3\r\n", delim: ';',
			header: []string{"Firma", "Adres"}, hline: 1, rows: [][]string{{"A", "Kraków, ul. X 1"}, {"B", "Łódź, ul. Y 2, m. 3"}}, lines: []int{2, 3}},
		// Not a sep line, so a row; one value above a wider row is a title
		// (Info.TitleRows, see TestCSVTitleRows), as in a workbook.
		{name: "sep line with an unusable delimiter is not dropped", in: "sep=\"\na;b\n", delim: ';', header: []string{"a", "b"}, hline: 2},
		{name: "excel sep line", in: "sep=;\r\na;b\r\n1;2\r\n", delim: ';', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"1", "2"}}, lines: []int{2}},
		{name: "quoted delimiters quotes newlines", in: "a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",z\nlast,row\n", delim: ',',
			header: []string{"a", "b"}, hline: 1, rows: [][]string{{"x,y", `he said "hi"`}, {"multi\nline", "z"}, {"last", "row"}}, lines: []int{2, 3, 4}},
		{name: "ragged rows", in: "a;b;c\n1\n1;2;3;4;;\n", delim: ';', header: []string{"a", "b", "c"}, hline: 1,
			rows: [][]string{{"1", "", ""}, {"1", "2", "3"}}, lines: []int{2, 3}, extra: map[int][]string{1: {"4"}}},
		{name: "blank lines count as rows", in: "a;b\n\n1;2\n;\n\n3;4\n", delim: ';', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"", ""}, {"1", "2"}, {"", ""}, {"", ""}, {"3", "4"}}, lines: []int{2, 3, 4, 5, 6},
			blank: []bool{true, false, true, true, false}},
		{name: "blank rows above header", in: "\n;;\na;b\n1;2\n", delim: ';', header: []string{"a", "b"}, hline: 3,
			rows: [][]string{{"1", "2"}}, lines: []int{4}},
		{name: "header row given", in: "Report 2025\nx;y\na;b\n1;2\n", opt: sheet.Options{HeaderRow: 3}, delim: ';',
			header: []string{"a", "b"}, hline: 3, rows: [][]string{{"1", "2"}}, lines: []int{4}},
		{name: "trailing empty header columns dropped", in: "a;b;;\n1;2;;\n", delim: ';', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"1", "2"}}, lines: []int{2}},
		{name: "bare quote inside a field", in: "a;b\nFirma \"Kowalski\";2\n", delim: ';', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{`Firma "Kowalski"`, "2"}}, lines: []int{2}},
		{name: "no trailing newline", in: "a,b\n1,2", delim: ',', header: []string{"a", "b"}, hline: 1,
			rows: [][]string{{"1", "2"}}, lines: []int{2}},
		{name: "delimiter given", in: "a;b,c\n1;2,3\n", opt: sheet.Options{Delimiter: ','}, delim: ',', header: []string{"a;b", "c"}, hline: 1,
			rows: [][]string{{"1;2", "3"}}, lines: []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, rows := readCSV(t, []byte(tt.in), tt.opt)
			assert.Equal(t, tt.delim, src.Info().Delimiter)
			assert.Equal(t, tt.header, src.Header())
			assert.Equal(t, tt.hline, src.Info().HeaderLine)
			require.Len(t, rows, len(tt.rows))
			for i, r := range rows {
				assert.Equal(t, tt.rows[i], r.Texts(), "row %d", i)
				assert.Equal(t, tt.lines[i], r.Line, "row %d", i)
				if tt.blank != nil {
					assert.Equal(t, tt.blank[i], r.Blank, "row %d blank", i)
				} else {
					assert.False(t, r.Blank, "row %d blank", i)
				}
				var extra []string
				for _, c := range r.Extra {
					extra = append(extra, c.Text)
				}
				assert.Equal(t, tt.extra[i], extra, "row %d extra", i)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		opt  sheet.Options
		want string
	}{
		{"empty file", "", sheet.Options{}, "no header row"},
		{"only blank lines", "\n\n;;\n", sheet.Options{}, "no header row"},
		{"header row beyond the end", "a;b\n1;2\n", sheet.Options{HeaderRow: 5}, "header row 5 not found"},
		{"header row blank", "a;b\n\n1;2\n", sheet.Options{HeaderRow: 2}, "header row 2 is empty"},
		{"quote as delimiter", "a;b\n", sheet.Options{Delimiter: '"'}, `delimiter '"' cannot separate cells`},
		{"newline as delimiter", "a;b\n", sheet.Options{Delimiter: '\n'}, `delimiter '\n' cannot separate cells`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sheet.NewCSVSource(strings.NewReader(tt.in), tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOpenByExtension(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tsv := filepath.Join(dir, "a.tsv")
	require.NoError(t, os.WriteFile(tsv, []byte("a\tb;c\n1\t2;3\n"), 0o644))
	src, err := sheet.Open(context.Background(), tsv, sheet.Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b;c"}, src.Header())
	require.NoError(t, src.Close())

	tests := []struct {
		name, file, want string
	}{
		{"missing file", "missing.csv", "missing.csv: file not found (check the name and the folder)"},
		{"missing xlsx", "missing.xlsx", "missing.xlsx: file not found (check the name and the folder)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sheet.Open(context.Background(), filepath.Join(dir, tt.file), sheet.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestOpenByContent decides the format by what a file holds, whatever its
// name, and never reads binary data as text.
func TestOpenByContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	xlsx, err := os.ReadFile(filepath.Join("testdata", "libreoffice-klienci.xlsx"))
	require.NoError(t, err)
	ole2 := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 600)...)
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i * 7 % 251)
	}
	ods := append([]byte("PK\x03\x04"), make([]byte, 26)...)
	ods = append(ods, "mimetypeapplication/vnd.oasis.opendocument.spreadsheet"...)
	tests := []struct {
		name, file string
		data       []byte
		format     string // read as this format, or
		want       string // refused with this message
	}{
		{"xlsx renamed to csv", "klienci.csv", xlsx, "xlsx", ""},
		{"xlsx without an extension", "klienci", xlsx, "xlsx", ""},
		{"csv named xlsx", "bad.xlsx", []byte("a,b\n1,2\n"), "csv", ""},
		{"tab-separated text named xls", "export.xls", []byte("a\tb\n1\t2\n"), "csv", ""},
		{"text with an unknown extension", "kontakty.dat", []byte("a;b\n1;2\n"), "csv", ""},
		{"old excel", "a.xls", ole2, "", "old Excel 97-2003 files (.xls) are not supported: open it in Excel and save it as .xlsx or .csv"},
		{"old excel named csv", "a.csv", ole2, "", "a.csv: old Excel 97-2003 files (.xls) are not supported"},
		{"pdf", "a.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "", "a.pdf: this is a PDF document, not a table"},
		{"png named csv", "a.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00"), "", "this is a PNG image, not a table"},
		{"binary junk named csv", "a.csv", junk, "", "a.csv: this is not a text or Excel file (it holds binary data)"},
		{"ods", "a.ods", ods, "", "a.ods: this is an OpenDocument spreadsheet (.ods): open it in LibreOffice or Excel and save it as .xlsx or .csv"},
		{"html named xls", "raport.xls", []byte("<html><body><table><tr><td>a</td></tr></table>"), "", "this is a web page (HTML), not a table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			require.NoError(t, os.WriteFile(path, tt.data, 0o644))
			src, err := sheet.Open(context.Background(), path, sheet.Options{})
			if tt.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, tt.format, src.Info().Format)
			if tt.format == "xlsx" {
				assert.Contains(t, src.Header(), "Nazwisko")
			} else {
				assert.Equal(t, []string{"a", "b"}, src.Header())
			}
		})
	}

	// A reader gets the same answers.
	for _, data := range [][]byte{xlsx, ole2, junk} {
		_, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "PK")
	}
}

func TestSourceContextCancel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "big.csv")
	var b strings.Builder
	b.WriteString("a,b\n")
	for range 5000 {
		b.WriteString("1,2\n")
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	src, err := sheet.Open(ctx, path, sheet.Options{})
	require.NoError(t, err)
	defer src.Close()
	cancel()
	var gotErr error
	for range 5000 {
		if _, gotErr = src.Next(); gotErr != nil {
			break
		}
	}
	assert.ErrorIs(t, gotErr, context.Canceled)
}

func TestCSVUnclosedQuote(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("Firma;Uwagi\r\nA;ok\r\n\r\nB;\"never closed\r\n")
	for i := range 3000 {
		b.WriteString("C" + strings.Repeat("x", 20) + ";" + string(rune('0'+i%10)) + "\r\n")
	}
	src, err := sheet.NewCSVSource(strings.NewReader(b.String()), sheet.Options{})
	require.NoError(t, err)
	r, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, 2, r.Line)
	r, err = src.Next()
	require.NoError(t, err)
	assert.True(t, r.Blank)
	_, err = src.Next()
	var re *sheet.RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 4, re.Line)
	assert.Contains(t, err.Error(), "row 4: ")
	assert.Contains(t, err.Error(), "never closed")
	for i := range 3000 {
		r, err = src.Next()
		require.NoError(t, err, "the rows swallowed by the quote are read again")
		require.Equal(t, 5+i, r.Line)
		require.Equal(t, string(rune('0'+i%10)), r.Cells[1].Text)
	}
	_, err = src.Next()
	assert.ErrorIs(t, err, io.EOF)
}

func TestCSVLateSingleByteText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		enc  encoding.Encoding
		tail string
		want string
		city string
	}{
		{"polish after 70 KB of ascii", charmap.Windows1250, "Wójcik;Łódź\r\nŻak;Gdańsk\r\n", "windows-1250", "Łódź"},
		{"russian after 70 KB of ascii", charmap.Windows1251, "Иванов;Москва\r\nПетров;Казань\r\n", "windows-1251", "Москва"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("Name;City\r\n")
			for b.Len() < 70_000 {
				b.WriteString("Smith;London\r\n")
			}
			b.Write(encode(t, tt.enc, tt.tail))
			src, rows := readCSV(t, b.Bytes(), sheet.Options{})
			last := rows[len(rows)-2]
			assert.Equal(t, tt.city, last.Cells[1].Text)
			assert.Equal(t, tt.want, src.Info().Encoding, "Info tells what was used in the end")
		})
	}
}
