package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// benchRows is the number of rows per benchmark iteration.
const benchRows = 10000

// benchCSV builds a 20-column Polish contact CSV of n rows.
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("ID;Firma;Imię;Nazwisko;E-mail;Telefon;NIP;Ulica;Kod pocztowy;Miasto;Kraj;Uwagi;Status;Data;Obrót;VIP;Strona;Fax;Region;Źródło\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "K-%d;Firma Żółć %d Sp. z o.o.;Łukasz;Wójcik;Lukasz.Wojcik%d@Firma.pl;+48 601 %03d %03d;525-000-12-34;ul. Piotrkowska %d;90-926;Łódź;Polska;Stały klient;Lead;%02d.%02d.2023;1 234,56;tak;www.firma%d.pl;22 123 45 67;łódzkie;targi\n",
			i, i, i, i%1000, (i/1000)%1000, i%200, 1+i%28, 1+i%12, i)
	}
	return b.Bytes()
}

const benchMapping = `vendor: salesman
fields:
  uid: ID
  title: Firma
  mail_url: {column: E-mail, transform: [trim, lower, email]}
  phone: {column: Telefon, transform: [phone], region: PL}
  recv.castInn: {column: NIP, transform: [digits]}
  address: {columns: [Ulica, Kod pocztowy, Miasto], join: ", "}
  des: Uwagi
  tip_cmr: {column: Status, values: {Lead: Потенциальный клиент}, default: Клиент}
  date_create: {column: Data, date: "DD.MM.YYYY"}
  site_url: Strona
  fax: Fax
  territory: Region
  clientpath: Źródło
  type: {value: client}
`

func readAll(tb testing.TB, data []byte) (header []string, rows []sheet.Row) {
	src, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
	require.NoError(tb, err)
	defer src.Close()
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return src.Header(), rows
		}
		require.NoError(tb, err)
		rows = append(rows, r)
	}
}

// BenchmarkSheetRead is the baseline: reading the CSV with the sheet package.
func BenchmarkSheetRead(b *testing.B) {
	data := benchCSV(benchRows)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := src.Next(); err != nil {
				break
			}
		}
		src.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkApply maps the same rows to SalesMan records (14 fields: e-mail
// and phone validation, digits, a join, a values table, a date, a constant).
// Compare its ns/row with BenchmarkSheetRead's: the target is Apply within
// 2× of the bare read.
func BenchmarkApply(b *testing.B) {
	header, rows := readAll(b, benchCSV(benchRows))
	m, err := Parse("bench.yaml", []byte(benchMapping))
	require.NoError(b, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range rows {
			if _, err := bind.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}
