package fakekit

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// IndexByID checks the items of a loaded emulator state and indexes them
// by id: every item must be non-nil with a positive id (idOf), and no id
// may appear twice. It returns the items by id, the ids in ascending order
// and the next free id (at least nextID and 1, above every stored id).
// what and idField name an item and its id field in the errors, e.g.
// "customer" and "customer_id"; the caller adds which emulator failed.
func IndexByID[T any](items []*T, idOf func(*T) int, nextID int, what, idField string) (map[int]*T, []int, int, error) {
	byID := make(map[int]*T, len(items))
	ids := make([]int, 0, len(items))
	next := max(nextID, 1)
	for _, it := range items {
		if it == nil || idOf(it) <= 0 {
			return nil, nil, 0, fmt.Errorf("a %s without a valid %s", what, idField)
		}
		id := idOf(it)
		if _, dup := byID[id]; dup {
			return nil, nil, 0, fmt.Errorf("%s %d appears twice", idField, id)
		}
		byID[id] = it
		ids = append(ids, id)
		next = max(next, id+1)
	}
	sort.Ints(ids)
	return byID, ids, next, nil
}

// InOrder returns the items of byID in the order of ids (for SaveState).
func InOrder[T any](byID map[int]*T, ids []int) []*T {
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out
}

// ScalarText accepts a JSON string, number or null as text (null as "");
// ok is false for anything else.
func ScalarText(raw json.RawMessage) (string, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}
