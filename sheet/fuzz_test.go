package sheet_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/sheet"
)

// FuzzCSVSource feeds arbitrary bytes through encoding detection, delimiter
// sniffing and parsing: it must never panic, and rows must be numbered from
// 2 upwards without going backwards, row errors included (a quote that is
// never closed is reported once and the rows it swallowed read again).
func FuzzCSVSource(f *testing.F) {
	seeds := []string{
		"a,b\n1,2\n",
		"\xEF\xBB\xBFa;b\r\n1;2\r\n",
		"\xFF\xFEa\x00;\x00b\x00\n\x001\x00;\x002\x00\n\x00",
		"\xFE\xFF\x00a\x00;\x00b\x00\n",
		"sep=;\r\na;b\r\n1;2\r\n",
		"sep=\n",
		"sep=|||\na|b\n",
		"a,b\n\"unterminated,2\n3,4\n",
		"a;b\n\"x\"\"y\";\"\n\"\n",
		"a\tb\n1\t2\t3\t4\n\n\n5\n",
		"\n\n\n",
		"\"",
		"a,b\r\r\n1,2\r",
		"a|b\n\"|\"|\"\"\"\"\n",
		"\xEF\xBB",
		"Nazwisko;Imię;E-mail\r\nKowalski;Jan;jan@x.pl\r\n\"Zielinski;Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n",
		"a;b;c\nx;\"y;z\n\nq;\"r\";s\nt;u;v\"\n",
		"a;b\n\"x\ny\";\"1;2\n3;4\n5;6",
		"a\n\"b\nc\nd",
		"a;b;c\n\"p \"\"q\"\";r;s\n\"\"\"\";\"\";\"m\nn; o\"\n",
		"\xFF\xFE\x00",
		"a;b\r1;2\r\"x\ry\";3\r",
		"a;b\r\n1;2\n3;4\r5;6",
		"sep=;\ra;b\r\r1;\"2\r",
		"a,b,c\r1,2,3\r\"Once upon\ra time\",5,6\r",
		"#Klient;\n#Data;#Kwota;\n2024-01-02;-12,50\n2024-01-03;100,00;PLN\n",
		"Nom;Pr\xe9nom\r\nLef\xe8vre;H\xe9l\xe8ne\r\n",
		"PK\x03\x04",
		"a\x00b",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "")
	}
	pl, _ := charmap.Windows1250.NewEncoder().String("Firma;Miasto\r\nŻytnia;Łódź\r\n")
	ru, _ := charmap.Windows1251.NewEncoder().String("Компания;Город\r\nРомашка;Москва\r\n")
	f.Add([]byte(pl), "")
	f.Add([]byte(ru), "")
	f.Add([]byte(ru), "koi8-r")
	f.Add([]byte(pl), "utf-16")
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		if len(data) > 1<<16 {
			return
		}
		src, err := sheet.NewCSVSource(bytes.NewReader(data), sheet.Options{Encoding: enc})
		if err != nil {
			return
		}
		defer src.Close()
		head := src.Info().HeaderLine
		if head < 1 {
			t.Fatalf("header line %d", head)
		}
		last := head
		for range 1 << 16 {
			row, err := src.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var re *sheet.RowError
				if !errors.As(err, &re) {
					t.Fatalf("unexpected error type %T: %v", err, err)
				}
				if re.Line <= last {
					t.Fatalf("row error at line %d after %d", re.Line, last)
				}
				last = re.Line
				continue
			}
			if row.Line <= last {
				t.Fatalf("row line %d after %d", row.Line, last)
			}
			last = row.Line
			if len(row.Cells) != len(src.Header()) {
				t.Fatalf("row has %d cells, header %d", len(row.Cells), len(src.Header()))
			}
		}
		t.Fatalf("too many rows from %d bytes", len(data))
	})
}
