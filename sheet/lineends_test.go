package sheet_test

import (
	"github.com/stretchr/testify/require"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/sheet"
)

// TestCSVLineEnds reads files with CR-only line ends (old Mac Excel) and
// with CR, LF and CRLF mixed: every row is read, and inside quotes a lone
// CR is kept (CRLF becomes LF, as before).
func TestCSVLineEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
		ends string
	}{
		{
			name: "CR only",
			in:   "Firma;Miasto\rA;Łódź\rB;Kraków\r",
			want: []string{"2 A|Łódź", "3 B|Kraków"},
			ends: "cr",
		},
		{
			name: "CR only without a final line end",
			in:   "a,b,c\r1,2,3\r\"Once upon\ra time\",5,6\r7,8,9",
			want: []string{"2 1|2|3", "3 Once upon\ra time|5|6", "4 7|8|9"},
			ends: "cr",
		},
		{
			name: "mixed CR, LF and CRLF",
			in:   "a;b\r\n1;2\n3;4\r5;6\r\n\"x\r\ny\";\"p\rq\"\n7;8",
			want: []string{"2 1|2", "3 3|4", "4 5|6", "5 x\ny|p\rq", "6 7|8"},
			ends: "mixed",
		},
		{
			name: "blank CR lines are rows",
			in:   "a;b\r\r1;2\r\r\r3;4\r",
			want: []string{"2 blank", "3 1|2", "4 blank", "5 blank", "6 3|4"},
			ends: "cr",
		},
		{
			name: "a quote closed right before a CR",
			in:   "a;b\r\"x\";\"y\"\r\"z\";w\r",
			want: []string{"2 x|y", "3 z|w"},
			ends: "cr",
		},
		{
			name: "excel's sep line ended by CR",
			in:   "sep=,\ra,b\r1;2,3\r",
			want: []string{"2 1;2|3"},
			ends: "cr",
		},
		{
			name: "an unclosed quote in a CR file",
			in:   "a;b;c\r1;2;3\r4;\"5;6\r7;8;9\r10;11;12\r",
			want: []string{"2 1|2|3", "3 ERR", "4 7|8|9", "5 10|11|12"},
			ends: "cr",
		},
		{
			name: "LF",
			in:   "a;b\n1;2\n",
			want: []string{"2 1|2"},
			ends: "lf",
		},
		{
			name: "CRLF",
			in:   "a;b\r\n1;2\r\n",
			want: []string{"2 1|2"},
			ends: "crlf",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readRows(t, []byte(tt.in), sheet.Options{})
			assert.Equal(t, tt.want, got)
			src := mustCSV(t, tt.in)
			assert.Equal(t, tt.ends, src.Info().LineEnds)
		})
	}
}

// mustCSV opens CSV text with detection on.
func mustCSV(t *testing.T, text string) sheet.Source {
	t.Helper()
	src, err := sheet.NewCSVSource(strings.NewReader(text), sheet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	return src
}
