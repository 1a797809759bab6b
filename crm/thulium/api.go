package thulium

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Wire types of the Thulium REST API (seeds/001, VENDOR-APIS.md §2).

// flexID is a Thulium id that arrives as a number ({"customer_id":273}) or a
// string ({"customer_id":"324"}); both are kept as a decimal string.
type flexID string

// UnmarshalJSON accepts a JSON number, a string or null.
func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("id %s is neither a number nor a string", b)
	}
	*f = flexID(n.String())
	return nil
}

// flexInt is an integer that may arrive as a number, a numeric string or "".
type flexInt int

// UnmarshalJSON accepts a JSON number, a numeric string, "" or null.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	var id flexID
	if err := id.UnmarshalJSON(b); err != nil {
		return err
	}
	if id == "" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(string(id))
	if err != nil {
		return fmt.Errorf("%q is not a whole number", string(id))
	}
	*f = flexInt(n)
	return nil
}

// apiError is Thulium's error body (https://api.thulium.com/docs/api/error_handling).
type apiError struct {
	RequestID flexID `json:"request_id"`
	Errors    []struct {
		Message string `json:"message"`
		Code    flexID `json:"code"`
	} `json:"errors"`
}

// createAnswer is the answer of POST /api/customers: {"customer_id":"324"}.
type createAnswer struct {
	CustomerID flexID `json:"customer_id"`
}

// batchBody is the body of PUT /api/batch/customers.
type batchBody struct {
	Customers []map[string]any `json:"customers"`
}

// batchItem is one per-customer answer of a batch call, as the batch-delete
// page documents it: {"http_status":404,"message":"Customer not found."}.
type batchItem struct {
	CustomerID flexID          `json:"customer_id"`
	HTTPStatus flexInt         `json:"http_status"`
	Status     flexInt         `json:"status"`
	Message    string          `json:"message"`
	Errors     json.RawMessage `json:"errors"`
}
