package iostreams

import "testing"

func TestQuoteArg(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"klienci.csv", "klienci.csv"},
		{`C:\Users\ania\klienci.xlsx`, `C:\Users\ania\klienci.xlsx`},
		{`C:\Users\ania\Moje dokumenty\klienci.xlsx`, `"C:\Users\ania\Moje dokumenty\klienci.xlsx"`},
		{"/tmp/my mapping.yaml", `"/tmp/my mapping.yaml"`},
		{"a&b.csv", `"a&b.csv"`},
		{"it's.csv", `"it's.csv"`},
		{"клиенты (2).csv", `"клиенты (2).csv"`},
		{"", `""`},
	} {
		if got := QuoteArg(tt.in); got != tt.want {
			t.Errorf("QuoteArg(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
