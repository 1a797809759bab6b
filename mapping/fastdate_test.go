package mapping

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumLayoutAgreesWithTimeParse(t *testing.T) {
	tests := []struct {
		name, layout string
		compiles     bool
		inputs       []string
	}{
		{"polish date", "02.01.2006", true, []string{"31.12.2024", "29.02.2024", "29.02.2023", "31.04.2024", "00.01.2024", "01.13.2024", "1.1.2024", "01.01.24", "01.01.2024 ", "01.01.2024x", "0a.01.2024", ""}},
		{"iso date time", "2006-01-02 15:04", true, []string{"2024-03-15 13:07", "2024-03-15 24:00", "2024-03-15 23:60", "2024-03-15  13:07", "2024-03-15 9:07", "2024-03-15"}},
		{"seconds", "2006-01-02T15:04:05", true, []string{"2024-03-15T13:07:09", "2024-03-15T13:07:60", "2024-03-15T13:07:09.5"}},
		{"no separators", "20060102", true, []string{"20241231", "20240230", "2024123"}},
		{"slashes", "02/01/2006", true, []string{"15/03/2024", "15-03-2024"}},
		{"one-digit day", "2.1.2006", false, []string{"5.3.2024"}},
		{"month name", "02 Jan 2006", false, []string{"15 Mar 2024"}},
		{"two-digit year", "02.01.06", false, []string{"15.03.24"}},
		{"fraction after seconds", "15:04:05.02.01.2006", false, nil},
		{"no year", "02.01", false, nil},
		{"zone", "2006-01-02T15:04:05-07:00", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := compileNumLayout(tt.layout)
			require.Equal(t, tt.compiles, l != nil)
			if l == nil {
				return
			}
			for _, in := range tt.inputs {
				want, err := time.Parse(tt.layout, in)
				got, ok := l.parse(in)
				if ok {
					require.NoError(t, err, "%q: fast path accepted what time.Parse refuses", in)
					assert.True(t, want.Equal(got) && got.Location() == want.Location(), "%q: %v, time.Parse %v", in, got, want)
				} else if err == nil {
					t.Logf("%q left to time.Parse", in)
				}
			}
		})
	}
}

// FuzzNumLayout checks that the fast path never accepts a text time.Parse
// refuses or reads it differently.
func FuzzNumLayout(f *testing.F) {
	for _, s := range []string{"31.12.2024", "29.02.2023", "2024-03-15 13:07:09", "00.00.0000"} {
		f.Add(s)
	}
	layouts := []string{"02.01.2006", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "20060102", "02/01/2006 15:04"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, layout := range layouts {
			l := compileNumLayout(layout)
			require.NotNil(t, l)
			got, ok := l.parse(s)
			if !ok {
				continue
			}
			want, err := time.Parse(layout, s)
			require.NoError(t, err, "%q in %q", s, layout)
			require.True(t, want.Equal(got), "%q in %q: %v, time.Parse %v", s, layout, got, want)
		}
	})
}

func TestTrimSpace(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii", "Jan", "Jan"},
		{"polish letters at both ends", "Łódź", "Łódź"},
		{"russian", "Москва", "Москва"},
		{"spaces", "  Jan \t", "Jan"},
		{"non-breaking spaces", "\u00a0Łódź\u00a0", "Łódź"},
		{"zero-width space and BOM", "\ufeff\u200bJan\u200b", "Jan"},
		{"ideographic space at the end", "Jan\u3000", "Jan"},
		{"only spaces", " \u00a0 ", ""},
		{"invalid utf-8 kept", "\xffJan\xc5", "\xffJan\xc5"},
		{"control byte kept", "\x01Jan", "\x01Jan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, trimSpace(tt.in))
			assert.Equal(t, strings.TrimFunc(tt.in, isTrimRune), trimSpace(tt.in), "differs from the plain TrimFunc")
		})
	}
}
