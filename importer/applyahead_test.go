package importer

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// TestApplyAheadSameRowsWhateverTheWorkers reads one file through
// applyAhead with one mapping goroutine and with several, lean and not:
// every row comes in order with the same values, records and errors
// (rows that fail, blank rows, rows with an extra cell), whatever the
// machine's number of cores.
func TestApplyAheadSameRowsWhateverTheWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("Firma;E-mail;Telefon;Ulica;Miasto\n")
	for i := range 1000 {
		switch i % 97 {
		case 5:
			b.WriteString(";;;;\n") // blank
		case 11:
			fmt.Fprintf(&b, "Firma %d;zly-adres-%d;;;\n", i, i) // a bad e-mail
		case 17:
			fmt.Fprintf(&b, "Firma %d;a%d@b.pl;;;;extra\n", i, i) // a cell past the header
		default:
			fmt.Fprintf(&b, "Firma %d;Osoba%d@Example.PL ;+48 601 %03d %03d;ul. Długa %d;Łódź\n", i, i, i%1000, i%7, i)
		}
	}
	data := b.String()
	reg, err := all.Vendors().Lookup("salesman")
	require.NoError(t, err)
	m, err := mapping.Parse("salesman.yaml", []byte(`vendor: salesman
fields:
  title: Firma
  mail_url: {column: E-mail, transform: [trim, lower, email]}
  phone: {column: Telefon, transform: [phone]}
  address: {columns: [Ulica, Miasto], join: ", "}
`), all.Vendors())
	require.NoError(t, err)

	read := func(lean bool, workers int) []string {
		src, err := sheet.NewCSVSource(strings.NewReader(data), sheet.Options{})
		require.NoError(t, err)
		defer src.Close()
		bind, err := m.Bind(src.Header(), reg.Catalogue(), mapping.ApplyOptions{})
		require.NoError(t, err)
		a := newApplyAheadOn(src, bind, lean, workers)
		defer a.stop()
		var out []string
		for {
			row, err := a.Next()
			if err == io.EOF {
				return out
			}
			line := fmt.Sprintf("%d blank=%v extra=%d err=%v", row.Line, row.Blank, len(row.Extra), err)
			if err == nil && !row.Blank && len(row.Extra) == 0 {
				fv, aerr := a.values(row)
				line += fmt.Sprintf(" apply=%v record=%v", aerr, fv.record())
			}
			out = append(out, line)
		}
	}
	for _, lean := range []bool{true, false} {
		want := read(lean, 1)
		require.Len(t, want, 1000)
		all := strings.Join(want, "\n")
		require.Equal(t, 11, strings.Count(all, "blank=true"), "blank rows")
		require.Equal(t, 11, strings.Count(all, "extra=1"), "rows with an extra cell")
		require.Equal(t, 11, strings.Count(all, "zly-adres"), "rows whose e-mail fails")
		for _, workers := range []int{2, 3, 4} {
			require.Equal(t, want, read(lean, workers), "lean=%v, %d mapping goroutines", lean, workers)
		}
	}
}
