package bug

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatch(t *testing.T) {
	want := errors.New("plain")
	assert.Equal(t, want, Catch(func() error { return want }), "an error passes through")
	assert.NoError(t, Catch(func() error { return nil }))

	err := Catch(func() error {
		var m map[string]int
		m["x"]++ // a nil map: a runtime panic
		return nil
	})
	var be *Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "internal error: assignment to entry in nil map (this is a bug)", be.Error())
	assert.Contains(t, string(be.Stack), "bug.TestCatch", "the stack shows where the panic happened")

	be = &Error{Value: "boom", Saved: "the journal is saved"}
	assert.Equal(t, "internal error: boom (this is a bug; the journal is saved)", be.Error())
	assert.False(t, strings.Contains(be.Error(), "goroutine"), "no stack in the message")
}

// A bug caught in a helper goroutine and raised again in the caller's
// (panic(err)) keeps the helper's stack and reads as one bug.
func TestCatchRaisedAgain(t *testing.T) {
	inner := make(chan error)
	go func() {
		inner <- Catch(func() error {
			var s []int
			_ = s[3]
			return nil
		})
	}()
	first := <-inner
	err := Catch(func() error { panic(first) })
	require.Same(t, first, err)
	assert.NotContains(t, err.Error(), "internal error: internal error")
}
