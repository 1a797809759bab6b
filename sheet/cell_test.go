package sheet

import (
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// TestTimeCellKeepsTheTime: a cell keeps its date or time to the
// microsecond over Excel's whole range, in 32 bytes.
func TestTimeCellKeepsTheTime(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1985, 7, 4, 13, 14, 15, 0, time.UTC),
		time.Date(2024, 2, 29, 23, 59, 59, 123456000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
		time.Time{}.Add(27*time.Hour + 30*time.Minute), // a duration, [h]:mm
		time.Time{}.Add(time.Second),
	} {
		c := TimeCell("x", KindDate, tm)
		assert.True(t, tm.Equal(c.Time()), "%v came back as %v", tm, c.Time())
		assert.Equal(t, tm.Format(time.RFC3339Nano), c.Time().Format(time.RFC3339Nano))
	}
	assert.True(t, TimeCell("00:00", KindTime, time.Time{}).Time().IsZero())
	assert.True(t, Cell{Text: "a", Kind: KindText}.Time().IsZero())
	local := time.Date(2024, 3, 15, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	assert.True(t, local.Equal(TimeCell("x", KindDate, local).Time()), "the same instant, as UTC")
	assert.Equal(t, uintptr(32), unsafe.Sizeof(Cell{}))
}
