package mapping

import "strings"

// boxer holds the new texts one row's transforms make (lower case,
// digits, E.164 numbers, joined columns) in one growing buffer: they are
// slices of w, which only ever grows, so a text handed out never changes.
//
// An earlier version also packed the row's string headers into one slice
// and built the interface values by hand with unsafe; that saved one small
// allocation per field but tied correctness to the runtime's interface
// layout, so values are now boxed the ordinary way.
type boxer struct {
	size int // strings a row needs at most (kept for sizing the text buffer)
	w    strings.Builder
}

// text returns the buffer for new texts; nil for a nil boxer.
func (x *boxer) text() *strings.Builder {
	if x == nil {
		return nil
	}
	return &x.w
}

// box returns s as an `any`.
func (x *boxer) box(s string) any { return s }
