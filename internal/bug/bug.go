// Package bug turns a panic — a bug in crmport — into an error, so that a
// run stops the way it stops for any other error: its goroutines end, the
// journal is closed, and the command exits with status 1 and says it is a
// bug. Left alone, a panic ends the process with Go's exit status 2, which
// crmport documents as "finished, some rows failed".
package bug

import (
	"fmt"
	"runtime/debug"
)

// Error is a panic recovered by Catch.
type Error struct {
	Value any    // what was passed to panic
	Stack []byte // the stack of the goroutine that panicked, for a bug report
	// Saved says what the run kept safe despite the panic (e.g. "the
	// journal is saved"); "" when nothing needs saying.
	Saved string
}

// Error says "internal error: VALUE (this is a bug; SAVED)", without the
// stack: that goes to a bug report, not to the user.
func (e *Error) Error() string {
	msg := fmt.Sprintf("internal error: %v (this is a bug", e.Value)
	if e.Saved != "" {
		msg += "; " + e.Saved
	}
	return msg + ")"
}

// Catch calls f and returns its error, or an *Error carrying the panic's
// value and stack if f panics. Every goroutine of a run calls its work
// through Catch and cancels the run with the error.
func Catch(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if e, ok := v.(*Error); ok {
				err = e // a bug caught in another goroutine, raised again here: its own stack
				return
			}
			err = &Error{Value: v, Stack: debug.Stack()}
		}
	}()
	return f()
}
