package iostreams

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTestStreams(t *testing.T) {
	ios, _, out, errOut := Test()
	assert.False(t, ios.IsStdoutTTY())
	assert.False(t, ios.IsStderrTTY())
	ios.SetStderrTTY(true)
	assert.True(t, ios.IsStderrTTY())
	_, _ = ios.Out.Write([]byte("data"))
	_, _ = ios.ErrOut.Write([]byte("people"))
	assert.Equal(t, "data", out.String())
	assert.Equal(t, "people", errOut.String())
	assert.Equal(t, 80, ios.TerminalWidth())
}
