package fakekit

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type item struct{ ID int }

func itemID(i *item) int { return i.ID }

func TestIndexByID(t *testing.T) {
	tests := []struct {
		name     string
		items    []*item
		nextID   int
		wantIDs  []int
		wantNext int
		wantErr  string
	}{
		{"empty", nil, 0, []int{}, 1, ""},
		{"sorted and next above max", []*item{{ID: 5}, {ID: 2}}, 3, []int{2, 5}, 6, ""},
		{"saved next kept when higher", []*item{{ID: 2}}, 10, []int{2}, 10, ""},
		{"nil item", []*item{nil}, 1, nil, 0, "a thing without a valid thing_id"},
		{"zero id", []*item{{ID: 0}}, 1, nil, 0, "a thing without a valid thing_id"},
		{"duplicate", []*item{{ID: 3}, {ID: 3}}, 1, nil, 0, "thing_id 3 appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byID, ids, next, err := IndexByID(tt.items, itemID, tt.nextID, "thing", "thing_id")
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantNext, next)
			assert.Len(t, byID, len(tt.items))
			assert.Equal(t, len(tt.items), len(InOrder(byID, ids)))
		})
	}
	byID, ids, _, err := IndexByID([]*item{{ID: 9}, {ID: 4}}, itemID, 0, "thing", "thing_id")
	require.NoError(t, err)
	assert.Equal(t, []*item{{ID: 4}, {ID: 9}}, InOrder(byID, ids))
}

func TestScalarText(t *testing.T) {
	tests := []struct {
		name, raw string
		want      string
		ok        bool
	}{
		{"string", `"abc"`, "abc", true},
		{"number", `12.5`, "12.5", true},
		{"big integer", `600100200`, "600100200", true},
		{"null", `null`, "", true},
		{"bool", `true`, "", false},
		{"array", `["a"]`, "", false},
		{"broken", `{`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ScalarText(json.RawMessage(tt.raw))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
