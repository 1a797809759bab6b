// Command gen writes a contacts spreadsheet for the import benchmarks:
// N rows × 20 columns of realistic Polish contact data, UTF-8 with ";"
// (or Windows-1250 with -cp1250), every row distinct.
//
//	go run ./bench/gen -rows 1000000 -o /tmp/contacts-1m.csv
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/bench"
)

func main() {
	rows := flag.Int("rows", 1000000, "data rows")
	out := flag.String("o", "contacts.csv", "output file")
	cp1250 := flag.Bool("cp1250", false, "write Windows-1250 instead of UTF-8")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	var w io.Writer = f
	if *cp1250 {
		w = charmap.Windows1250.NewEncoder().Writer(f)
	}
	if err := bench.WriteContacts(w, *rows); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
