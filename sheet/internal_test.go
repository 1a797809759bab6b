package sheet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnescapeOOXML(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"carriage return", "linia 1_x000D_\nlinia 2", "linia 1\r\nlinia 2"},
		{"escaped underscore", "a_x005F_x000D_b", "a_x000D_b"},
		{"not an escape", "ul. Długa_x12", "ul. Długa_x12"},
		{"bad hex", "_xZZZZ_", "_xZZZZ_"},
		{"plain", "Łódź", "Łódź"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, unescapeOOXML(tt.in))
		})
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"float noise", 5525.1400000000003, "5525.14"},
		{"sum noise", 0.1 + 0.2, "0.3"},
		{"integer", 42, "42"},
		{"negative", -7.5, "-7.5"},
		{"small", 0.0015, "0.0015"},
		{"large", 1e20, "100000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, formatNumber(tt.in))
		})
	}
}

func TestIsDateFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		want bool
	}{
		{"yyyy-mm-dd", true},
		{"dd.mm.yyyy", true},
		{"[$-415]d mmmm yyyy;@", true},
		{"[h]:mm:ss", true},
		{"h:mm AM/PM", true},
		{"#,##0.00 \"zł\"", false},
		{"0.00%", false},
		{"[Red]#,##0", false},
		{"General", false},
		{"@", false},
		{"\"Dzień\" 0", false},
		{"#,##0 [$₽-419]", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			assert.Equal(t, tt.want, isDateFormat(tt.code))
		})
	}
	assert.True(t, isBuiltinDateFormat(14))
	assert.True(t, isBuiltinDateFormat(22))
	assert.False(t, isBuiltinDateFormat(2))
	assert.False(t, isBuiltinDateFormat(49))
}

func TestFileErrorMessages(t *testing.T) {
	t.Parallel()
	pathErr := func(op string, err error) error { return &fs.PathError{Op: op, Path: "dane.csv", Err: err} }
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"open: not found", openFailed("dane.csv", pathErr("open", fs.ErrNotExist)), "dane.csv: file not found (check the name and the folder)", fs.ErrNotExist},
		{"open: permission", openFailed("dane.csv", pathErr("open", fs.ErrPermission)), "dane.csv: cannot open (is it open in another program? if not, check that you may read it)", fs.ErrPermission},
		{"open: other", openFailed("dane.csv", pathErr("open", errors.New("i/o error"))), "dane.csv: cannot open: i/o error", nil},
		{"create: no folder", createFailed("dane.csv", pathErr("open", fs.ErrNotExist)), "dane.csv: cannot create the file: the folder does not exist (check the folder name)", fs.ErrNotExist},
		{"create: permission", createFailed("dane.csv", pathErr("open", fs.ErrPermission)), "dane.csv: cannot write the file (is it open in another program, e.g. Excel? close it and try again, or choose another folder)", fs.ErrPermission},
		{"create: other", createFailed("dane.csv", pathErr("open", errors.New("disk full"))), "dane.csv: cannot write the file (is it open in another program, e.g. Excel?): disk full", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			var pe *fs.PathError
			assert.ErrorAs(t, tt.err, &pe, "the os error stays in the chain")
			if tt.is != nil {
				assert.ErrorIs(t, tt.err, tt.is)
			}
		})
	}
}

func TestColumnName(t *testing.T) {
	t.Parallel()
	header := []string{"Nazwisko", " ", "Imię"}
	tests := []struct {
		name string
		i    int
		want string
	}{
		{"named", 0, `column "Nazwisko"`},
		{"blank header", 1, "column B"},
		{"polish letters", 2, `column "Imię"`},
		{"past the header", 25, "column Z"},
		{"two letters", 26, "column AA"},
		{"far right", 702, "column AAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, columnName(header, tt.i))
		})
	}
}

func TestSharedStringsTexts(t *testing.T) {
	s := &sharedStrings{all: "AcmeŁódź+48 601", ends: []uint32{4, 4, 11, 18}}
	if s.count() != 4 {
		t.Fatalf("count %d", s.count())
	}
	for i, want := range []string{"Acme", "", "Łódź", "+48 601"} {
		if got := s.text(i); got != want {
			t.Errorf("text %d = %q, want %q", i, got, want)
		}
	}
	var none *sharedStrings
	if none.count() != 0 {
		t.Error("a workbook without a table has no texts")
	}
}

// TestLazyLinesGiveTheSameRows reads files of every kind of line a CSV
// has — plain, quoted, blank, only spaces, cells protected against
// formulas, more cells than the header, fewer, bytes that are not UTF-8
// late in the file — with the cells of plain lines cut straight into
// their rows and through a record, and gets the same rows and errors.
func TestLazyLinesGiveTheSameRows(t *testing.T) {
	lines := []string{
		"Zakład 1;jan@x.pl;+48 601 000 001;Łódź",
		"\"Quoted; firm\";a@b.pl;1;2",
		"",
		"  ;  ;  ;  ",
		"'=SUM(A1);'+48 1;'@x;'-1",
		"a;b;c;d;e;f;;",
		"a;b;c;d;e;f;g",
		"only one",
		";;;",
		"x;\"multi\nline\";y;z",
		"tab\there;ü;ß;€",
	}
	var b strings.Builder
	b.WriteString("Firma;E-mail;Telefon;Miasto\r\n")
	for i := range 3000 {
		b.WriteString(lines[i%len(lines)])
		b.WriteString("\r\n")
	}
	utf8File := b.String()
	late := utf8File + "Caf\xe9;x;y;z\r\n" + utf8File // a Latin-1 byte after the sample
	for name, data := range map[string]string{"utf-8": utf8File, "late single-byte": late} {
		t.Run(name, func(t *testing.T) {
			read := func(lazy bool) []string {
				defer func(old bool) { lazyLines = old }(lazyLines)
				lazyLines = lazy
				src, err := NewCSVSource(strings.NewReader(data), Options{})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for {
					row, err := src.Next()
					if errors.Is(err, io.EOF) {
						return out
					}
					out = append(out, fmt.Sprintf("%d %v %+v %+v %v", row.Line, row.Blank, row.Cells, row.Extra, err))
					if EndsRows(err) {
						return out // an error that ends the rows is given again by every later call
					}
				}
			}
			cut, record := read(true), read(false)
			assert.Equal(t, record, cut)
			assert.GreaterOrEqual(t, len(cut), 3000)
		})
	}
}
