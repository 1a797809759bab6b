package sheet_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/sheet"
)

// A Polish CSV as Excel saves it: Windows-1250 bytes, ';', CRLF.
func ExampleNewCSVSource() {
	data, _ := charmap.Windows1250.NewEncoder().String("Firma;Miasto\r\nPiekarnia Żytnia;Łódź\r\n\r\nZakład Ślusarski;Kraków\r\n")
	src, err := sheet.NewCSVSource(strings.NewReader(data), sheet.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	info := src.Info()
	fmt.Printf("read as %s, %q, header on row %d: %q\n", info.Encoding, info.Delimiter, info.HeaderLine, src.Header())
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if row.Blank {
			fmt.Printf("row %d: blank\n", row.Line)
			continue
		}
		fmt.Printf("row %d: %q\n", row.Line, row.Texts())
	}
	// Output:
	// read as windows-1250, ';', header on row 1: ["Firma" "Miasto"]
	// row 2: ["Piekarnia Żytnia" "Łódź"]
	// row 3: blank
	// row 4: ["Zakład Ślusarski" "Kraków"]
}

// CSV for Excel users: ';' and formula-like text neutralised.
func ExampleNewCSVSink() {
	var out strings.Builder
	s := sheet.NewCSVSink(&out, sheet.Options{Delimiter: ';'})
	_ = s.WriteHeader([]sheet.Column{{Name: "Firma"}, {Name: "Od", Kind: sheet.ColumnDate}, {Name: "Saldo"}})
	_ = s.WriteRow([]any{"=HYPERLINK(\"x\")", time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), -5})
	if err := s.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // lines end in CRLF
	// Output:
	// Firma;Od;Saldo
	// "'=HYPERLINK(""x"")";2024-03-15;-5
}
