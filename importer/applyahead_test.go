package importer

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/internal/reuse"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// TestApplyAheadSameRowsWhateverTheWorkers reads one file through
// applyAhead with one mapping goroutine and with several, lean and not:
// every row comes in order with the same values, records and errors
// (rows that fail to map or to read, blank rows, rows with an extra
// cell), whatever the machine's number of cores.
func TestApplyAheadSameRowsWhateverTheWorkers(t *testing.T) {
	var b strings.Builder
	b.WriteString("Firma;E-mail;Telefon;Ulica;Miasto\n")
	const rows = 3000
	var blank, extra, badMail, badRow int
	for i := range rows {
		switch {
		case i%97 == 5:
			b.WriteString(";;;;\n")
			blank++
		case i%97 == 11:
			fmt.Fprintf(&b, "Firma %d;zly-adres-%d;;;\n", i, i) // a bad e-mail
			badMail++
		case i%97 == 17:
			fmt.Fprintf(&b, "Firma %d;a%d@b.pl;;;;extra\n", i, i) // a cell past the header
			extra++
		case i%97 == 23 && i > 2000: // past the sample the encoding is checked on at opening
			fmt.Fprintf(&b, "Firma \xff%d;a%d@b.pl;;;\n", i, i) // not UTF-8 although told so: a row error
			badRow++
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

	read := func(lean bool, workers int, reused bool) []string {
		src, err := sheet.NewCSVSource(strings.NewReader(data), sheet.Options{Encoding: "utf-8"})
		require.NoError(t, err)
		defer src.Close()
		bind, err := m.Bind(src.Header(), reg.Catalogue(), mapping.ApplyOptions{})
		require.NoError(t, err)
		var done, cells *reuse.Mark
		if reused {
			done, cells = new(reuse.Mark), sheet.ReuseCells(src)
			require.NotNil(t, cells)
		}
		a := newApplyAheadOn(src, bind, lean, done, nil, workers)
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
			if done != nil {
				done.Done(row.Line) // nothing of the row is kept: its cells and values may be used again
				cells.Done(row.Line)
			}
		}
	}
	for _, lean := range []bool{true, false} {
		want := read(lean, 1, false)
		require.Len(t, want, rows)
		all := strings.Join(want, "\n")
		require.Equal(t, blank, strings.Count(all, "blank=true"), "blank rows")
		require.Equal(t, extra, strings.Count(all, "extra=1"), "rows with an extra cell")
		require.Equal(t, badMail, strings.Count(all, "zly-adres"), "rows whose e-mail fails")
		require.Equal(t, badRow, strings.Count(all, "not UTF-8"), "rows the source fails")
		require.Positive(t, badRow)
		for _, workers := range []int{1, 2, 3, 4} {
			if workers > 1 {
				require.Equal(t, want, read(lean, workers, false), "lean=%v, %d mapping goroutines", lean, workers)
			}
			require.Equal(t, want, read(lean, workers, true), "lean=%v, %d mapping goroutines, cells and values reused", lean, workers)
		}
	}
}
