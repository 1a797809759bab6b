package iostreams

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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
		assert.Equal(t, tt.want, QuoteArg(tt.in), "QuoteArg(%q)", tt.in)
	}
}
