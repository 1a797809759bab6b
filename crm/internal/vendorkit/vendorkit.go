// Package vendorkit holds the small client-side helpers that the vendor
// clients (crm/baselinker, crm/thulium, crm/salesman) share: turning record
// values into text, normalising e-mails and phone numbers for matching,
// Retry-After parsing, the default HTTP client and the classification of
// transport failures.
//
// It is for clients only: the emulators under crm/*/fake are an independent
// reading of the vendor docs and must not use it (they share crm/fakekit).
package vendorkit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

// DefaultTimeout is the per-request timeout of the HTTP client a vendor
// client makes when it is given none and no timeout of its own.
const DefaultTimeout = 60 * time.Second

// HTTPClient returns hc, or when hc is nil a new client with timeout
// (DefaultTimeout when timeout is not positive).
func HTTPClient(hc *http.Client, timeout time.Duration) *http.Client {
	if hc != nil {
		return hc
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{Timeout: timeout}
}

// FormatTime writes a date as YYYY-MM-DD, or as YYYY-MM-DD HH:MM:SS when it
// has a time of day.
func FormatTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// ScalarString formats a scalar record value (string, int, int64, float64,
// bool, time.Time, json.Number) as text. NaN, infinities and other types
// are an error that says so.
func ScalarString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v is not a number", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return FormatTime(x), nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("values of type %T cannot be sent", v)
}

// Values returns the text values of a record value: a []string as it is,
// one value for a scalar ScalarString can format, nothing otherwise.
func Values(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []string:
		return x
	}
	s, err := ScalarString(v)
	if err != nil {
		return nil
	}
	return []string{s}
}

// NormalizeEmail trims and lower-cases an e-mail address for comparison.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Digits keeps only the ASCII digits of s (a phone number for comparison).
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// RetryAfter reads a Retry-After header given in seconds or as an HTTP
// date; 0 when it is absent, unreadable or in the past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// Transport names a vendor in the messages of TransportError.
type Transport struct {
	Vendor  string // registry name, e.g. "thulium" (crm.Error.Vendor)
	Display string // name for people, e.g. "Thulium"
	EnvURL  string // environment variable holding the address to check
}

// Error classifies err from the HTTP client or from reading the answer of
// op; write reports whether op changes data and sent whether the request
// was completely written. A cancelled ctx is returned as the context's
// error (not retryable), except for a write already sent: its outcome is
// unknown (KindAmbiguous, still wrapping the context error). Otherwise the
// failure is retryable, or ambiguous for a write that was sent.
func (t Transport) Error(ctx context.Context, op string, write, sent bool, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if sent && write {
			return &crm.Error{Vendor: t.Vendor, Op: op, Kind: crm.KindAmbiguous, Message: "cancelled after the request was sent; the change may or may not have been applied", Err: ctxErr}
		}
		return fmt.Errorf("%s %s: %w", t.Vendor, op, ctxErr)
	}
	kind := crm.KindRetryable
	msg := "could not reach " + t.Display + ": " + err.Error() + "; check " + t.EnvURL + " and the network"
	if sent {
		msg = "the request was sent but " + t.Display + "'s answer was lost: " + err.Error()
		if write {
			kind = crm.KindAmbiguous
			msg += " (the change may or may not have been applied)"
		}
	}
	return &crm.Error{Vendor: t.Vendor, Op: op, Kind: kind, Message: msg, Err: err}
}

// Agreement counts the fields of rec whose value the stored client holds
// too (text compared ignoring case and spacing; values with digits only
// compared by their digits). A look-up by e-mail or phone can match several
// clients (colleagues sharing a company address): the one that agrees on
// most fields is the client rec describes.
func Agreement(rec, stored map[string]any) int {
	n := 0
	for k, v := range rec {
		sv, ok := stored[k]
		if !ok {
			continue
		}
		a, b := strings.Join(Values(v), ","), strings.Join(Values(sv), ",")
		if a == "" {
			continue
		}
		if agreeText(a, b) {
			n++
		}
	}
	return n
}

func agreeText(a, b string) bool {
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	if fold(a) == fold(b) {
		return true
	}
	if strings.IndexFunc(a+b, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127 }) < 0 {
		da, db := Digits(a), Digits(b)
		return da != "" && (da == db || len(da) >= 9 && len(db) >= 9 && (strings.HasSuffix(da, db) || strings.HasSuffix(db, da)))
	}
	return false
}
