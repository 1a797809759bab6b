package sheet_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// hostileCSV generates a CSV file as it is read, never holding it: head,
// then body repeated until total bytes, then tail. Every 4 MB it samples
// the heap, so that the peak during a single Next call is seen too.
type hostileCSV struct {
	head, body, tail string
	block            string // body repeated to at least 64 KiB: few, long copies
	total, done      int
	sinceSample      int
	peak             uint64
}

func (h *hostileCSV) Read(p []byte) (int, error) {
	if h.sinceSample += len(p); h.sinceSample >= 4<<20 {
		h.sinceSample = 0
		h.sample()
	}
	n := 0
	for n < len(p) {
		var src string
		switch {
		case h.done < len(h.head):
			src = h.head[h.done:]
		case h.done < h.total:
			if h.block == "" {
				h.block = strings.Repeat(h.body, max(1, 64<<10/len(h.body)))
			}
			off := (h.done - len(h.head)) % len(h.body)
			src = h.block[off:]
			src = src[:min(len(src), h.total-h.done)]
		case h.done < h.total+len(h.tail):
			src = h.tail[h.done-h.total:]
		default:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
		c := copy(p[n:], src)
		n += c
		h.done += c
	}
	return n, nil
}

func (h *hostileCSV) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapInuse)
}

// TestCSVBoundedMemory reads hostile files of 96 MB, twice the growth it
// allows (a reader holding the file, a line or a row's cells fails it):
// memory stays flat,
// the broken row is reported with its row and column, and reading goes
// on with the rows after it.
func TestCSVBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 384 MB of generated text")
	}
	const size = 96 << 20
	line := "1;2;" + strings.Repeat("x", 994) + "\n" // 1,000 bytes
	tests := []struct {
		name     string
		in       *hostileCSV
		errLine  int
		errParts []string
		rows     int // rows read after the error
	}{
		{
			name:     "unclosed quote before 96 MB of rows",
			in:       &hostileCSV{head: "a;b;c\n1;2;3\nx;\"unclosed;z\n", body: line, tail: "last;row;here\n"},
			errLine:  3,
			errParts: []string{"row 3: ", `a quote (") in column "b" is never closed`, "remove the quote or close it"},
			rows:     size/len(line) + 1,
		},
		{
			name:     "one line of 96 MB",
			in:       &hostileCSV{head: "a;b\n1;2\n", body: "xxxxxxx\"", tail: "\nnext;row\n"},
			errLine:  3,
			errParts: []string{"row 3: ", `column "a" holds more than 131072 characters in one line`},
			rows:     1,
		},
		{
			name:     "96 MB of delimiters",
			in:       &hostileCSV{head: "a;b\n1;2\n", body: ";", tail: "\r\nnext;row\r\n"},
			errLine:  3,
			errParts: []string{"row 3: ", "the row has more than 16384 cells"},
			rows:     1,
		},
		{
			name:     "96 MB of long cells",
			in:       &hostileCSV{head: "a;b\n1;2\n", body: strings.Repeat("y", 100_000) + ";", tail: "\rnext;row\r"},
			errLine:  3,
			errParts: []string{"row 3: ", "the row holds more than 4 MB of text", `from column AP on`},
			rows:     1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.total = len(tt.in.head) + size
			runtime.GC()
			tt.in.sample()
			base := tt.in.peak
			src, err := sheet.NewCSVSource(tt.in, sheet.Options{})
			require.NoError(t, err)
			r, err := src.Next()
			require.NoError(t, err)
			assert.Equal(t, 2, r.Line)
			_, err = src.Next()
			var re *sheet.RowError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.errLine, re.Line)
			for _, p := range tt.errParts {
				assert.Contains(t, err.Error(), p)
			}
			n := 0
			for {
				r, err = src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				n++
				require.Equal(t, tt.errLine+n, r.Line)
			}
			assert.Equal(t, tt.rows, n)
			assert.Equal(t, tt.in.total+len(tt.in.tail), tt.in.done, "read to the end")
			grown := int64(tt.in.peak) - int64(base)
			t.Logf("heap in use grew by at most %d KiB while reading %d MB", grown>>10, tt.in.done>>20)
			assert.Less(t, grown, int64(48<<20), "memory stays flat")
		})
	}
}

// A quote never closed in the header row of a huge file stops opening it
// with a message, at flat memory.
func TestCSVBoundedHeader(t *testing.T) {
	in := &hostileCSV{head: "a;\"b;c\n", body: "1;2;3\n", tail: "", total: 50 << 20}
	_, err := sheet.NewCSVSource(in, sheet.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `row 1: a quote (") in column B is never closed, so the rows below it were read as one cell`)
	assert.Less(t, in.done, 1<<20, "stopped soon after the bound")
}
