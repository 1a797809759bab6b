package mapping

import (
	"strings"
	"unsafe"
)

// Apply stores most values as strings in a crm.Record, a map[string]any.
// Putting a string into an `any` makes Go allocate 16 bytes for its header,
// one allocation per field and row, which was a third of Apply's
// allocations. A boxer instead keeps the headers of one row's strings in a
// single slice and makes each `any` point into it, as Go itself does with
// the header it allocates: the value is still an ordinary, immutable
// string in an interface (type switches, reflect and fmt see a string),
// and the garbage collector keeps the slice alive while any of its values
// is referenced. The slice is never written again once a header is handed
// out.

// eface is the layout of an empty interface value: its type word and a
// pointer to the value (Go's runtime.eface).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// stringTypeWord is the type word of an `any` holding a string.
var stringTypeWord = func() unsafe.Pointer {
	var a any = ""
	return (*eface)(unsafe.Pointer(&a)).typ
}()

// boxer boxes the strings of one row with one allocation, and holds the
// new texts the row's transforms make (lower case, digits, E.164 numbers,
// joined columns), also in one allocation: they are slices of w, which
// only ever grows, so they never change.
type boxer struct {
	slab []string
	n    int // headers handed out
	size int // strings a row needs at most
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
func (x *boxer) box(s string) any {
	if x == nil {
		return s
	}
	if x.n == len(x.slab) {
		if x.n > 0 || x.size == 0 {
			return s // more strings than counted: box them one by one
		}
		x.slab = make([]string, x.size)
	}
	p := &x.slab[x.n]
	*p = s
	x.n++
	var a any
	e := (*eface)(unsafe.Pointer(&a))
	e.typ = stringTypeWord
	e.data = unsafe.Pointer(p)
	return a
}
