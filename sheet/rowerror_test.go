package sheet

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAsRowErrorAndEndsRows(t *testing.T) {
	re := &RowError{Line: 7, Err: errors.New("has 3 more cells")}
	for _, tc := range []struct {
		name string
		err  error
		row  bool
		ends bool
	}{
		{"no error", nil, false, false},
		{"a row's error", re, true, false},
		{"a row's error, wrapped", fmt.Errorf("reading: %w", re), true, false},
		{"the end", io.EOF, false, true},
		{"a broken file", errors.New("unexpected EOF in the zip"), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := AsRowError(tc.err)
			assert.Equal(t, tc.row, ok)
			if tc.row {
				assert.Same(t, re, got)
			} else {
				assert.Nil(t, got)
			}
			assert.Equal(t, tc.ends, EndsRows(tc.err))
		})
	}
	// Called once a row: with no error it must not allocate (a variable
	// given to errors.As moves to the heap).
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		if EndsRows(nil) {
			t.Fatal("nil ends the rows")
		}
		if _, ok := AsRowError(nil); ok {
			t.Fatal("nil is a row error")
		}
	}))
}
