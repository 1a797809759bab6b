package ahead

// Plain testing, no testify: this tiny package's test binary then links
// without net/http (which testify's HTTP helpers bring), and every test
// binary linked is a second of the suite's CPU.

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/crmport/crmport/internal/bug"
)

func TestReaderGivesEveryItemInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 6, 7, 100} {
		i := 0
		r := New(3, 2, func() (int, bool) { i++; return i, i < n })
		var got []int
		for {
			v, ok := r.Next()
			if !ok {
				break
			}
			got = append(got, v)
		}
		want := []int{}
		for k := 1; k <= max(n, 1); k++ {
			want = append(want, k)
		}
		if !slices.Equal(want, got) {
			t.Errorf("n=%d: got %v, want %v", n, got, want)
		}
		r.Stop()
	}
}

func TestReaderStaysBoundedAndStops(t *testing.T) {
	made := 0
	r := New(4, 2, func() (int, bool) { made++; return made, true }) // endless
	v, ok := r.Next()
	if !ok || v != 1 {
		t.Fatalf("first item: %d, %v; want 1, true", v, ok)
	}
	r.Stop()
	if made > (2+2)*4 {
		t.Errorf("made %d items: never more than (batches+2)·batch = %d ahead", made, (2+2)*4)
	}
	if _, ok = r.Next(); ok {
		t.Error("an item after Stop")
	}
	r.Stop() // twice is fine
}

func TestReaderRaisesAPanicAfterTheItemsBefore(t *testing.T) {
	i := 0
	r := New(10, 1, func() (int, bool) {
		i++
		if i == 3 {
			var m map[string]int
			m["x"]++
		}
		return i, true
	})
	for want := 1; want <= 2; want++ {
		v, ok := r.Next()
		if !ok || v != want {
			t.Fatalf("item %d: %d, %v", want, v, ok)
		}
	}
	err := bug.Catch(func() error { r.Next(); return nil })
	var be *bug.Error
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *bug.Error", err)
	}
	if !strings.Contains(string(be.Stack), "ahead.TestReaderRaisesAPanicAfterTheItemsBefore") {
		t.Errorf("the producer's stack is missing:\n%s", be.Stack)
	}
	r.Stop()
}

func TestReaderStopsBeforeTheFirstNext(t *testing.T) {
	r := New(4, 2, func() (int, bool) { t.Error("produced before the first Next"); return 0, false })
	r.Stop()
	if _, ok := r.Next(); ok {
		t.Error("an item after Stop")
	}
}
