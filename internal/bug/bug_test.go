package bug

// Plain testing, no testify: see internal/ahead's test.

import (
	"errors"
	"strings"
	"testing"
)

func TestCatch(t *testing.T) {
	want := errors.New("plain")
	if got := Catch(func() error { return want }); got != want {
		t.Errorf("an error passes through: got %v", got)
	}
	if got := Catch(func() error { return nil }); got != nil {
		t.Errorf("nil passes through: got %v", got)
	}

	err := Catch(func() error {
		var m map[string]int
		m["x"]++ // a nil map: a runtime panic
		return nil
	})
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if got := be.Error(); got != "internal error: assignment to entry in nil map (this is a bug)" {
		t.Errorf("message: %q", got)
	}
	if !strings.Contains(string(be.Stack), "bug.TestCatch") {
		t.Errorf("the stack does not show where the panic happened:\n%s", be.Stack)
	}

	be = &Error{Value: "boom", Saved: "the journal is saved"}
	if got := be.Error(); got != "internal error: boom (this is a bug; the journal is saved)" {
		t.Errorf("message: %q", got)
	}
	if strings.Contains(be.Error(), "goroutine") {
		t.Error("a stack in the message")
	}
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
	if err != first {
		t.Fatalf("got %v, want the same error raised again", err)
	}
	if strings.Contains(err.Error(), "internal error: internal error") {
		t.Errorf("read as two bugs: %q", err.Error())
	}
}
