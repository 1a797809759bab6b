package baselinker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Wire types of the BaseLinker connector (seeds/000, seeds/003,
// VENDOR-APIS.md §3).

// envelope is the part every answer shares.
type envelope struct {
	Status       string `json:"status"`
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// lenientInt decodes an int that may arrive as a number, a numeric string,
// "" or null (BaseLinker answers are loosely typed).
type lenientInt int64

// UnmarshalJSON accepts 12, "12", "" and null.
func (n *lenientInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = lenientInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) {
		return fmt.Errorf("%s is not a whole number", b)
	}
	*n = lenientInt(int64(f))
	return nil
}

// addAnswer is the answer of addCrmClient.
type addAnswer struct {
	CrmClientID lenientInt `json:"crm_client_id"`
}

// clientsAnswer is the answer of getCrmClients.
type clientsAnswer struct {
	Clients []map[string]json.RawMessage `json:"clients"`
}

// extraField is one entry of getCrmClientExtraFields.
type extraField struct {
	ExtraFieldID lenientInt      `json:"extra_field_id"`
	Name         string          `json:"name"`
	EditorType   string          `json:"editor_type"`
	Options      json.RawMessage `json:"options"`
}

// extraFieldsAnswer is the answer of getCrmClientExtraFields; extra_fields
// is a list or an object keyed by id (both forms are decoded).
type extraFieldsAnswer struct {
	ExtraFields json.RawMessage `json:"extra_fields"`
}

// CrmStatus is one client status of getCrmClientStatuses.
type CrmStatus struct {
	ID        int64  // status id, the value of status_id
	Name      string // the status name shown in BaseLinker
	Color     string // hex colour, e.g. "#1C8752"
	GroupID   int64  // status group
	IsPrimary bool   // the account's primary status
}

// wireStatus is the wire form of CrmStatus.
type wireStatus struct {
	ID        lenientInt `json:"id"`
	StatusID  lenientInt `json:"status_id"`
	Name      string     `json:"name"`
	Color     string     `json:"color"`
	GroupID   lenientInt `json:"group_id"`
	IsPrimary lenientInt `json:"is_primary"`
}

// statusesAnswer is the answer of getCrmClientStatuses.
type statusesAnswer struct {
	Statuses json.RawMessage `json:"statuses"`
}

// decodeList decodes raw as a JSON list of T or an object of T keyed by id;
// keys are returned alongside (empty for the list form).
func decodeList[T any](raw json.RawMessage) ([]T, []string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil, nil
	}
	if raw[0] == '[' {
		var out []T
		err := json.Unmarshal(raw, &out)
		return out, make([]string, len(out)), err
	}
	var m map[string]T
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortNumeric(keys)
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out, keys, nil
}
