package fake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// scalar returns a parameter as PHP would see it in a string context;
// ok is false for null or a missing value.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		if x {
			return "1", true
		}
		return "", true
	case []any:
		return "Array", true
	case map[string]any:
		return "Array", true
	}
	return fmt.Sprint(v), true
}

// intval is PHP's (int) cast of a parameter.
func intval(v any) int64 {
	s, _ := scalar(v)
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && s[end] == '-') {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

func truthy(v any) bool {
	s, ok := scalar(v)
	return ok && s != "" && s != "0" && s != "false"
}

// phoneValue turns a phone parameter (string or array) into the stored
// text: numbers split on , and ; and joined with ",".
func phoneValue(v any) string {
	var parts []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := scalar(e); ok {
				parts = append(parts, splitPhones(s)...)
			}
		}
	case []string:
		for _, s := range x {
			parts = append(parts, splitPhones(s)...)
		}
	default:
		s, _ := scalar(v)
		parts = splitPhones(s)
	}
	return strings.Join(parts, ",")
}

// parseDate reads a date_create parameter the way strtotime mostly does;
// garbage gives now.
func (f *Fake) parseDate(s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	loc := f.opt.Location
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", "02.01.2006 15:04:05", "02.01.2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	return now
}

const (
	dbFormat      = "2006-01-02 15:04:05"
	displayFormat = "02.01.06,  15:04"
)
