package sheet

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The blocks compressed apart, each with the previous block's end as its
// dictionary, must inflate to the input for any size and write pattern.
func TestParallelDeflaterRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	row := func(i int) string {
		return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>ООО Ромашка %d</t></is></c><c r="B%d"><v>%d</v></c></row>`,
			i, i, rng.IntN(1000), i, rng.Int64())
	}
	var xml bytes.Buffer
	for i := 1; xml.Len() < 5*deflateBlock+1234; i++ {
		xml.WriteString(row(i))
	}
	noise := make([]byte, 2*deflateBlock+7)
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	inputs := map[string][]byte{
		"empty":     nil,
		"small":     []byte("<x/>"),
		"one block": xml.Bytes()[:deflateBlock],
		"xml":       xml.Bytes(),
		"noise":     noise,
	}
	for name, in := range inputs {
		for _, chunk := range []int{1 << 30, 4096, 33333} {
			var out bytes.Buffer
			w, err := newParallelDeflater(&out)
			require.NoError(t, err)
			for p := in; len(p) > 0; {
				k := min(chunk, len(p))
				n, err := w.Write(p[:k])
				require.NoError(t, err)
				require.Equal(t, k, n)
				p = p[k:]
			}
			require.NoError(t, w.Close())
			got, err := io.ReadAll(flate.NewReader(&out))
			require.NoError(t, err, "%s in writes of %d", name, chunk)
			require.True(t, bytes.Equal(in, got), "%s in writes of %d: %d bytes back of %d", name, chunk, len(got), len(in))
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n--; f.n < 0 {
		return 0, io.ErrShortWrite
	}
	return len(p), nil
}

// A failing output is reported, not lost, and no worker is left behind.
func TestParallelDeflaterWriteError(t *testing.T) {
	t.Parallel()
	w, err := newParallelDeflater(&failWriter{n: 1})
	require.NoError(t, err)
	block := bytes.Repeat([]byte("abcdefgh"), deflateBlock/8)
	for range 12 {
		if _, err = w.Write(block); err != nil {
			break
		}
	}
	require.ErrorIs(t, w.Close(), io.ErrShortWrite)
}
