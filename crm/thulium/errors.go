package thulium

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// vendorName is the registry name used in every error.
// transport classifies failures to reach the server.
var transport = vendorkit.Transport{Vendor: vendorName, Display: "Thulium", EnvURL: EnvURL}

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
		e.RetryAfter = vendorkit.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
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
