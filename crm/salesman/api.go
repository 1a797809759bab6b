package salesman

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Wire types of SalesMan API v3 (seed 002 and the recordings in
// shared/vendor-recordings/salesman). The server answers HTTP 200 for
// everything; errors live in the body.

// envelope is the answer of one client operation: add (and each element of
// add.list), update, delete, info, fields, list.
//
//	{"result":"Успешно","data":4}
//	{"result":"Error","exists":1,"error":{"code":304,"text":"Найден существующий клиент - … (clid = 1)…"}}
//	{"data":1,"hid":256,"result":"Успешно"}
//	{"data":{…}}                                  // info, fields
//	{"data":[…],"params":{…},"count":200}         // list
type envelope struct {
	Result  string          `json:"result"`
	Data    json.RawMessage `json:"data"`
	Exists  json.RawMessage `json:"exists"`
	Hid     json.RawMessage `json:"hid"`
	Error   json.RawMessage `json:"error"` // object {code,text}, string, or absent
	Message string          `json:"message"`
	Params  *listParams     `json:"params"`
}

// listParams is the "params" object of client/list.
type listParams struct {
	Page    flexInt `json:"page"`
	PageAll flexInt `json:"pageall"`
	Count   flexInt `json:"count"`
}

// apiError is the error object: {"code":402,"text":"…"}; code may be a
// string ("405") in the documented form.
type apiError struct {
	Code flexInt `json:"code"`
	Text string  `json:"text"`
}

// flexInt decodes a JSON number or a string holding a number; anything
// else (null, "", garbage) decodes to 0.
type flexInt int64

// UnmarshalJSON accepts 12, "12", 12.0, null and "".
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*f = flexInt(n)
		return nil
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		*f = flexInt(int64(x))
		return nil
	}
	*f = 0
	return nil
}

// rawInt reads a raw JSON value (number, numeric string, null, absent) as
// an int64; ok is false when there is no number in it.
func rawInt(raw json.RawMessage) (int64, bool) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return 0, false
	}
	var f flexInt
	_ = f.UnmarshalJSON(raw)
	return int64(f), f != 0
}

// decodeError reads the "error" member: an object {code,text}, a plain
// string, or nothing. present reports whether it signals a failure.
func decodeError(raw json.RawMessage) (e apiError, present bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` || string(raw) == "false" {
		return apiError{}, false
	}
	switch raw[0] {
	case '{':
		if err := json.Unmarshal(raw, &e); err != nil {
			return apiError{Text: string(raw)}, true
		}
		return e, e.Code != 0 || e.Text != ""
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			s = strings.TrimSpace(s)
			return apiError{Text: s}, s != ""
		}
	case '[':
		var list []any
		if err := json.Unmarshal(raw, &list); err == nil && len(list) == 0 {
			return apiError{}, false
		}
	}
	return apiError{Text: string(raw)}, true
}

// failed reports whether env describes a failure, and the error if so.
// It never compares "result" with "Успешно": success texts vary.
func (env *envelope) failed() (apiError, bool) {
	e, present := decodeError(env.Error)
	if present {
		return e, true
	}
	if strings.EqualFold(strings.TrimSpace(env.Result), "error") {
		return apiError{Text: env.Result}, true
	}
	return apiError{}, false
}
