package ahead

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		assert.Equal(t, want, append([]int{}, got...), "n=%d", n)
		r.Stop()
	}
}

func TestReaderStaysBoundedAndStops(t *testing.T) {
	made := 0
	r := New(4, 2, func() (int, bool) { made++; return made, true }) // endless
	v, ok := r.Next()
	require.True(t, ok)
	assert.Equal(t, 1, v)
	r.Stop()
	assert.LessOrEqual(t, made, (2+2)*4, "never more than (batches+2)·batch ahead")
	_, ok = r.Next()
	assert.False(t, ok, "nothing after Stop")
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
		require.True(t, ok)
		assert.Equal(t, want, v)
	}
	err := bug.Catch(func() error { r.Next(); return nil })
	var be *bug.Error
	require.ErrorAs(t, err, &be)
	assert.Contains(t, string(be.Stack), "ahead.TestReaderRaisesAPanicAfterTheItemsBefore", "the producer's stack")
	r.Stop()
}
