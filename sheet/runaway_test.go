package sheet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/sheet"
)

// readRows reads every row and row error: a row becomes "line cell|cell|…"
// ("line blank" for a blank row), an error "line ERR" with its message in
// errs.
func readRows(t *testing.T, data []byte, opt sheet.Options) (got, errs []string) {
	t.Helper()
	src, err := sheet.NewCSVSource(bytes.NewReader(data), opt)
	require.NoError(t, err)
	defer src.Close()
	for range 100_000 {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return got, errs
		}
		var re *sheet.RowError
		if err != nil {
			require.ErrorAs(t, err, &re)
			got = append(got, fmt.Sprintf("%d ERR", re.Line))
			errs = append(errs, err.Error())
			continue
		}
		if row.Blank {
			got = append(got, fmt.Sprintf("%d blank", row.Line))
			continue
		}
		texts := make([]string, len(row.Cells))
		for i, c := range row.Cells {
			texts[i] = c.Text
		}
		got = append(got, fmt.Sprintf("%d %s", row.Line, strings.Join(texts, "|")))
	}
	require.FailNow(t, "the source never ended")
	return nil, nil
}

const uqHeader = "Nazwisko;Imię;E-mail\r\nKowalski;Jan;jan@x.pl\r\n"

func TestCSVRunawayQuote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
		errs []string // a part of each error message, in order
	}{
		{
			name: "quote at the start of a cell",
			in:   uqHeader + "\"Zielinski;Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Lewandowski|Adam|adam@x.pl", "5 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Nazwisko" is never closed, so everything after it was read as one cell; this row was skipped (the rows below it were read normally): remove the quote or close it`},
		},
		{
			name: "quote opened mid-row",
			in:   uqHeader + "Zielinski;\"Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Lewandowski|Adam|adam@x.pl", "5 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Imię" is never closed`},
		},
		{
			name: "quote in the last row",
			in:   uqHeader + "Lewandowski;Adam;adam@x.pl\r\nNowak;\"Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 Lewandowski|Adam|adam@x.pl", "4 ERR"},
			errs: []string{`row 4: a quote (") in column "Imię" is never closed, so the rest of the row was read as one cell`},
		},
		{
			name: "quote in the last row without a final line break",
			in:   uqHeader + "\"Nowak;Ewa;e@x.pl",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR"},
			errs: []string{`row 3: a quote (") in column "Nazwisko" is never closed`},
		},
		{
			name: "closed by accident by a later quoted cell",
			in:   uqHeader + "\"Zielinski;Piotr;p@x.pl\r\nLewandowski;\"Adam\";adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Lewandowski|Adam|adam@x.pl", "5 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Nazwisko"`},
		},
		{
			name: "closed by a stray quote at the end of a later row",
			in:   uqHeader + "\"Zielinski;Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\"\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Lewandowski|Adam|adam@x.pl\"", "5 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Nazwisko"`},
		},
		{
			name: "escaped quotes inside a runaway cell",
			in:   uqHeader + "\"Zielinski \"\"Ziel\"\";Piotr;p@x.pl\r\nNowak;\"Ewa \"\"Ewka\"\"\";e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Nowak|Ewa \"Ewka\"|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Nazwisko"`},
		},
		{
			name: "blank lines after the bad row keep their numbers",
			in:   uqHeader + "\"Zielinski;Piotr;p@x.pl\r\n\r\n\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 blank", "5 blank", "6 Nowak|Ewa|e@x.pl"},
			errs: []string{"row 3: "},
		},
		{
			name: "a legit multi-line cell before the bad one",
			in:   uqHeader + "\"Zieliński\nz d. Nowak\";\"Piotr;p@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column "Imię"`},
		},
		{
			name: "two runaway quotes",
			in:   uqHeader + "\"Zielinski;Piotr;p@x.pl\r\nNowak;Ewa;e@x.pl\r\nWójcik;\"Anna;a@x.pl\r\nŻak;Ola;o@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Nowak|Ewa|e@x.pl", "5 ERR", "6 Żak|Ola|o@x.pl"},
			errs: []string{`row 3: a quote (") in column "Nazwisko"`, `row 5: a quote (") in column "Imię"`},
		},
		{
			name: "two-column file",
			in:   "Firma;Uwagi\r\nA;ok\r\nB;\"never closed\r\nC;1\r\nD;2\r\n",
			want: []string{"2 A|ok", "3 ERR", "4 C|1", "5 D|2"},
			errs: []string{`row 3: a quote (") in column "Uwagi"`},
		},
		{
			name: "single-column file",
			in:   "Nazwisko\r\nKowalski\r\n\"Nowak\r\nZieliński\r\nWójcik\r\n",
			want: []string{"2 Kowalski", "3 ERR", "4 Zieliński", "5 Wójcik"},
			errs: []string{`row 3: a quote (") in column "Nazwisko"`},
		},
		{
			name: "column without a header is named by its letter",
			in:   "Nazwisko;;E-mail\r\nKowalski;Jan;jan@x.pl\r\nZielinski;\"Piotr;p@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Nowak|Ewa|e@x.pl"},
			errs: []string{`row 3: a quote (") in column B is never closed`},
		},
		{
			name: "excel's sep line before the header",
			in:   "sep=;\r\n" + uqHeader + "\"Zielinski;Piotr;p@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 Kowalski|Jan|jan@x.pl", "3 ERR", "4 Nowak|Ewa|e@x.pl"},
			errs: []string{"row 3: "},
		},
		{
			name: "delimiter found although the quote swallows the sample",
			in:   "Nazwisko;Imię;E-mail\r\n\"Zielinski;Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
			want: []string{"2 ERR", "3 Lewandowski|Adam|adam@x.pl", "4 Nowak|Ewa|e@x.pl"},
			errs: []string{"row 2: "},
		},
		{
			name: "legit multi-line address",
			in:   "Nazwisko;Ulica;Miasto\r\nKowalski;\"ul. Długa 5\nklatka B\";Łódź\r\nNowak;\"ul. Krótka 1\r\nm. 4\";Gdańsk\r\n",
			want: []string{"2 Kowalski|ul. Długa 5\nklatka B|Łódź", "3 Nowak|ul. Krótka 1\nm. 4|Gdańsk"},
		},
		{
			name: "legit multi-line notes with a delimiter in a line",
			in:   "Nazwisko;Uwagi;Miasto\r\nKowalski;\"Zadzwonić po 15; pilne\nMa psa; uwaga\";Łódź\r\nNowak;x;Gdańsk\r\n",
			want: []string{"2 Kowalski|Zadzwonić po 15; pilne\nMa psa; uwaga|Łódź", "3 Nowak|x|Gdańsk"},
		},
		{
			name: "legit multi-line note in the last cell of the last row",
			in:   "Nazwisko;Uwagi\r\nKowalski;\"Zadzwonić\npo 15; pilne\"\r\n",
			want: []string{"2 Kowalski|Zadzwonić\npo 15; pilne"},
		},
		{
			name: "excel-style escaped quotes",
			in:   "Firma;Uwagi;Miasto\r\n\"Piekarnia \"\"Żytnia\"\"; sp. j.\";\"Mówi \"\"tak\"\";\nale \"\"nie\"\"\";Łódź\r\n\"\"\"\";\"\";x\r\n",
			want: []string{"2 Piekarnia \"Żytnia\"; sp. j.|Mówi \"tak\";\nale \"nie\"|Łódź", "3 \"||x"},
		},
		{
			name: "a stray quote inside a single-line cell is kept",
			in:   "Firma;Miasto\r\nZakład \"Bałtyk\";Gdańsk\r\n\"Firma \"Max\" sp\";Kraków\r\n",
			want: []string{"2 Zakład \"Bałtyk\"|Gdańsk", "3 Firma \"Max\" sp|Kraków"},
		},
		{
			name: "an unclosed quote at the end with nothing swallowed",
			in:   "Firma;Miasto\r\nA;\"Gdańsk\r\n",
			want: []string{"2 A|Gdańsk\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := readRows(t, []byte(tt.in), sheet.Options{})
			assert.Equal(t, tt.want, got)
			require.Len(t, errs, len(tt.errs))
			for i, e := range errs {
				assert.Contains(t, e, tt.errs[i])
				assert.Contains(t, e, "remove the quote or close it")
			}
		})
	}
}

// TestCSVRunawayQuoteLarge puts the bad quote and the rows it swallows
// across many read buffers, in Windows-1250 as Excel saves it.
func TestCSVRunawayQuoteLarge(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("Nazwisko;Imię;Miasto\r\n")
	for i := range 4000 {
		fmt.Fprintf(&b, "Wójcik %d;Łukasz;Łódź\r\n", i)
	}
	b.WriteString("Zieliński;\"Piotr;Kraków\r\n")
	for i := range 4000 {
		fmt.Fprintf(&b, "Żak %d;Ola;Gdańsk\r\n", i)
	}
	data, err := charmap.Windows1250.NewEncoder().String(b.String())
	require.NoError(t, err)
	got, errs := readRows(t, []byte(data), sheet.Options{})
	require.Len(t, got, 8001)
	assert.Equal(t, "4001 Wójcik 3999|Łukasz|Łódź", got[3999])
	assert.Equal(t, "4002 ERR", got[4000])
	assert.Equal(t, "4003 Żak 0|Ola|Gdańsk", got[4001])
	assert.Equal(t, "8002 Żak 3999|Ola|Gdańsk", got[8000])
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], `row 4002: a quote (") in column "Imię" is never closed`)
}

func TestOpenFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name  string
		path  string
		want  string
		isErr error
	}{
		{"missing csv", filepath.Join(dir, "nonexist.csv"), filepath.Join(dir, "nonexist.csv") + ": file not found (check the name and the folder)", fs.ErrNotExist},
		{"missing xlsx", filepath.Join(dir, "nonexist.xlsx"), filepath.Join(dir, "nonexist.xlsx") + ": file not found (check the name and the folder)", fs.ErrNotExist},
		{"missing folder", filepath.Join(dir, "brak", "a.csv"), filepath.Join(dir, "brak", "a.csv") + ": file not found", fs.ErrNotExist},
		{"folder named like a csv", dir + string(filepath.Separator) + "dane.csv", "is a folder, not a file", nil},
		{"folder named like an xlsx", dir + string(filepath.Separator) + "dane.xlsx", "is a folder, not a file", nil},
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dane.csv"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dane.xlsx"), 0o755))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sheet.Open(context.Background(), tt.path, sheet.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, 1, strings.Count(err.Error(), tt.path), "the path is named once: %v", err)
			if tt.isErr != nil {
				assert.ErrorIs(t, err, tt.isErr)
			}
		})
	}
}

func TestCreateFileErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "brak", "wynik.csv")
	_, err := sheet.Create(path, sheet.Options{})
	require.Error(t, err)
	assert.Equal(t, path+": cannot create the file: the folder does not exist (check the folder name)", err.Error())
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestCSVRunawayQuoteInHeader(t *testing.T) {
	t.Parallel()
	_, err := sheet.NewCSVSource(strings.NewReader("Nazwisko;\"Imię;E-mail\r\nKowalski;Jan;jan@x.pl\r\nNowak;Ewa;e@x.pl\r\n"), sheet.Options{})
	require.Error(t, err)
	assert.Equal(t, `header row 1: a quote (") in column B is never closed, so the rows below it were read as a column name; remove the quote or close it, then import again`, err.Error())

	src, err := sheet.NewCSVSource(strings.NewReader("\"Imię i\nnazwisko\";\"Adres\nkorespondencyjny\"\r\nJan Kowalski;Łódź\r\n"), sheet.Options{})
	require.NoError(t, err, "multi-line column names without a delimiter are fine")
	assert.Equal(t, []string{"Imię i\nnazwisko", "Adres\nkorespondencyjny"}, src.Header())
}
