package sheet

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closeCounter is a ReadCloser that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestByteAheadGivesEveryByteInOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, aheadChunk - 1, aheadChunk, aheadChunk + 1, 5*aheadChunk + 3, 40 * aheadChunk} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rnd.UintN(256))
		}
		for _, inner := range []struct {
			name string
			r    func() io.Reader
		}{
			{"whole reads", func() io.Reader { return bytes.NewReader(data) }},
			{"one byte a read", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }},
			{"half reads", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }},
		} {
			if size > 2*aheadChunk && inner.name == "one byte a read" {
				continue // slow, and says nothing more
			}
			cc := &closeCounter{Reader: inner.r()}
			b := newByteAhead(cc)
			// iotest.TestReader reads it in many ways (small and large
			// reads, reads of nothing) and checks every byte.
			require.NoError(t, iotest.TestReader(b, data), "size %d, %s", size, inner.name)
			require.NoError(t, b.Close())
			assert.Equal(t, 1, cc.closed)
		}
	}
}

func TestByteAheadReturnsTheErrorAfterTheBytesBeforeIt(t *testing.T) {
	data := bytes.Repeat([]byte("<row/>"), 3*aheadChunk/6+100)
	broken := errors.New("flate: corrupt input before offset 200000")
	cc := &closeCounter{Reader: io.MultiReader(bytes.NewReader(data), iotest.ErrReader(broken))}
	b := newByteAhead(cc)
	got, err := io.ReadAll(b)
	assert.ErrorIs(t, err, broken)
	assert.Equal(t, data, got, "every byte before the error")
	_, err = b.Read(make([]byte, 10))
	assert.ErrorIs(t, err, broken, "and again on the next read")
	require.NoError(t, b.Close())
}

func TestByteAheadClosedMidwayStopsReading(t *testing.T) {
	// An endless reader: Close must stop the goroutine all the same.
	cc := &closeCounter{Reader: iotest.HalfReader(endless{})}
	b := newByteAhead(cc)
	buf := make([]byte, 1000)
	_, err := io.ReadFull(b, buf)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	assert.Equal(t, 1, cc.closed)
	_, err = b.Read(buf)
	assert.Error(t, err, "a read after Close")
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}
