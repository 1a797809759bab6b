package thulium

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

// vendorName is the registry name used in every error.
const vendorName = "thulium"

// checkResponse is the only place that reads Thulium's status codes and
// error bodies. It returns nil for a 2xx answer and a *crm.Error otherwise:
// 400/404/409/422 → rejected (with every vendor message), 401/403 → fatal,
// 429/5xx → retryable (RetryAfter from the Retry-After header).
func checkResponse(op string, resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &crm.Error{Vendor: vendorName, Op: op, HTTPStatus: resp.StatusCode, Code: strconv.Itoa(resp.StatusCode)}
	msg, reqID := decodeErrorBody(body)
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.Kind = crm.KindFatal
		msg = "Thulium refused the API user (" + msg + "): check CRMPORT_THULIUM_USER and CRMPORT_THULIUM_PASSWORD, and that the API user has permission for the CRM area"
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		e.Kind = crm.KindRetryable
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	case resp.StatusCode == http.StatusNotFound && strings.HasSuffix(op, "/:id"):
		e.Kind = crm.KindRejected
		e.Err = crm.ErrNotFound
	case resp.StatusCode == http.StatusNotFound && reqID == "" && !strings.Contains(msg, "(code "):
		// Not Thulium's error body: the address is wrong, and every
		// further request would fail the same way.
		e.Kind = crm.KindFatal
		msg += ": no Thulium API at this address; check CRMPORT_THULIUM_URL (it should look like https://NAME.thulium.com)"
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		// 400, 404, 409, 422 and the rest of 4xx: the data was refused.
		e.Kind = crm.KindRejected
	default:
		// 1xx/3xx that the HTTP client did not follow: nothing we understand.
		e.Kind = crm.KindFatal
		msg = "unexpected answer " + msg + ": check CRMPORT_THULIUM_URL"
	}
	if reqID != "" {
		msg += " (Thulium request id " + reqID + ")"
	}
	e.Message = msg
	return e
}

// decodeErrorBody returns all messages of a {"request_id","errors":[…]} body
// joined with "; ", and the request id for support.
func decodeErrorBody(body []byte) (msg, requestID string) {
	var ae apiError
	if err := json.Unmarshal(body, &ae); err != nil {
		return "", ""
	}
	var msgs []string
	for _, e := range ae.Errors {
		m := strings.TrimSpace(e.Message)
		if m == "" {
			continue
		}
		if e.Code != "" {
			m += " (code " + string(e.Code) + ")"
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; "), string(ae.RequestID)
}

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
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

// transportError classifies an error from the HTTP client or from reading the
// body. sent reports whether the request was completely written. A context
// cancellation is returned as the context's error (not retryable), except for
// a write that was already sent: its outcome is unknown (KindAmbiguous, still
// wrapping the context error).
func transportError(ctx context.Context, op string, write, sent bool, err error) error {
	kind := crm.KindRetryable
	msg := "could not reach Thulium: " + err.Error() + "; check CRMPORT_THULIUM_URL and the network"
	if sent {
		msg = "the request was sent but Thulium's answer was lost: " + err.Error()
		if write {
			kind = crm.KindAmbiguous
			msg += " (the change may or may not have been applied)"
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if sent && write {
			return &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindAmbiguous, Message: "cancelled after the request was sent; the change may or may not have been applied", Err: ctxErr}
		}
		return fmt.Errorf("thulium %s: %w", op, ctxErr)
	}
	return &crm.Error{Vendor: vendorName, Op: op, Kind: kind, Message: msg, Err: err}
}

// badAnswer classifies a 2xx answer whose body cannot be understood: for a
// write the outcome is unknown (ambiguous), for a read it is retryable.
func badAnswer(op string, write bool, status int, body []byte, why error) error {
	kind := crm.KindRetryable
	if write {
		kind = crm.KindAmbiguous
	}
	desc := "an empty answer"
	if len(body) > 0 {
		desc = "an answer that is not the expected JSON"
		if len(strings.TrimSpace(string(body))) > 0 && strings.HasPrefix(strings.TrimSpace(string(body)), "<") {
			desc = "an HTML page instead of JSON"
		}
	}
	msg := fmt.Sprintf("Thulium sent %s (HTTP %d)", desc, status)
	if write {
		msg += "; the change may or may not have been applied"
	}
	return &crm.Error{Vendor: vendorName, Op: op, Kind: kind, HTTPStatus: status, Message: msg, Err: why}
}

// errIsNotFound reports whether err is a "no such customer" answer.
func errIsNotFound(err error) bool { return errors.Is(err, crm.ErrNotFound) }
