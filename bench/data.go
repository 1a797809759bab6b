// Package bench holds crmport's import and export benchmarks and their
// data generator (bench/gen). They build only with the tag bench, so that
// `go test ./...` does not link a test binary for them (.ci/run vets them
// and runs their one test, TestExportSmall). Run them with
//
//	go test -tags bench ./bench -run '^$' -bench . -benchtime 1x
//
// and see bench/README.md for the numbers and the peak-RSS script.
package bench

import (
	"bufio"
	"fmt"
	"io"
)

// Header is the header row the generator writes (20 columns).
var Header = []string{"Firma", "Imię", "Nazwisko", "E-mail", "Telefon", "NIP", "Ulica", "Kod pocztowy", "Miasto", "Kraj",
	"Uwagi", "Stanowisko", "Branża", "Źródło", "Opiekun", "Data", "Status", "WWW", "Fax", "Notatka"}

var (
	firms  = []string{"Piekarnia Żytnia", "Zakład Ślusarski", "Apteka Pod Orłem", "Hurtownia Łęcka", "Biuro Rachunkowe Źródło", "Kwiaciarnia Różana"}
	first  = []string{"Łukasz", "Małgorzata", "Katarzyna", "Paweł", "Zofia", "Grzegorz", "Agnieszka", "Jędrzej"}
	last   = []string{"Wójcik", "Kowalczyk", "Nowak", "Dąbrowski", "Wiśniewska", "Zieliński", "Szymańska", "Woźniak"}
	cities = []string{"Łódź", "Kraków", "Warszawa", "Gdańsk", "Poznań", "Wrocław", "Szczecin", "Białystok"}
)

// WriteContacts writes rows data rows (plus the header) to w.
func WriteContacts(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintln(bw, joinSemi(Header))
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(bw, "%s %d Sp. z o.o.;%s;%s;biuro%d@firma%d.pl;+48 6%02d %03d %03d;%010d;ul. Piotrkowska %d;%02d-%03d;%s;PL;Stały klient;Kierownik;Handel;Targi;Jan Nowak;2024-%02d-%02d;Aktywny;https://firma%d.pl;+48 42 000 00 00;Uwagi do klienta %d\n",
			firms[i%len(firms)], i, first[i%len(first)], last[i%len(last)], i, i%97, i%100, (i/100)%1000, i%1000, 1000000000+i,
			i%200+1, i%100, i%1000, cities[i%len(cities)], i%12+1, i%28+1, i, i)
	}
	return bw.Flush()
}

func joinSemi(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ";"
		}
		out += v
	}
	return out
}
