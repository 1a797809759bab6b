package main

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// parseRate reads --rate: "90/min", "90", "2/s", "0" (unpaced). "" keeps the
// vendor's default (ok is false then).
func parseRate(s string) (lim rate.Limit, ok bool, err error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" {
		return 0, false, nil
	}
	num, unit, _ := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n < 0 {
		return 0, false, flagErrorf("--rate %q: expected requests per minute such as 90/min (0 = no pacing)", s)
	}
	if n == 0 {
		return rate.Inf, true, nil
	}
	per := time.Minute
	switch strings.TrimSpace(unit) {
	case "", "min", "m", "minute":
	case "s", "sec", "second":
		per = time.Second
	case "h", "hour":
		per = time.Hour
	default:
		return 0, false, flagErrorf("--rate %q: unknown unit %q (use /min, /s or /h)", s, unit)
	}
	return rate.Limit(n / per.Seconds()), true, nil
}

// parseFilters reads repeated --filter key=value flags.
func parseFilters(in []string) (map[string]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(in))
	for _, kv := range in {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, flagErrorf("--filter %q: expected key=value, e.g. --filter filter_email=@firma.pl", kv)
		}
		out[k] = v
	}
	return out, nil
}

// parseDay reads --since/--until: YYYY-MM-DD (also DD.MM.YYYY, as Polish
// and Russian users write it).
func parseDay(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range []string{"2006-01-02", "02.01.2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, flagErrorf("%s %q: expected a date such as 2025-01-31", flag, s)
}

// parseDelimiter reads --delimiter: one character, or "tab"/"\t".
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	case "semicolon":
		return ';', nil
	case "comma":
		return ',', nil
	}
	r := []rune(s)
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		return 0, flagErrorf("--delimiter %q: use one character such as ';' or ',' (or tab)", s)
	}
	return r[0], nil
}
