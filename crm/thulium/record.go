package thulium

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// encodeRecord turns a record into the JSON object Thulium expects:
// dotted address paths become nested objects, custom_fields.<Name> goes
// into "custom_fields", []string stays an array for the multi fields.
// Anything that cannot be sent faithfully is a KindRejected error naming
// the field. For updates customer_id is required and kept.
func encodeRecord(op string, rec crm.Record, update bool) (map[string]any, error) {
	reject := func(field, format string, args ...any) error {
		return &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	out := map[string]any{}
	keys := slices.Sorted(maps.Keys(rec))
	for _, k := range keys {
		v := rec[k]
		if v == nil {
			continue
		}
		if k == "customer_id" {
			if !update {
				return nil, reject(k, "customer_id is given by Thulium and cannot be set on a new customer: import with --mode upsert to change existing customers")
			}
			id, err := vendorkit.ScalarString(v)
			if err != nil || strings.TrimSpace(id) == "" {
				return nil, reject(k, "customer_id %v is not a Thulium customer number", v)
			}
			out[k] = jsonID(strings.TrimSpace(id))
			continue
		}
		if name, ok := strings.CutPrefix(k, CustomFieldPrefix); ok {
			if !IsDynamicField(k) {
				return nil, reject(k, "custom field %q has no name: write custom_fields.<Name>", k)
			}
			w, err := customValue(v)
			if err != nil {
				return nil, reject(k, "field %s: %v", k, err)
			}
			cf, _ := out["custom_fields"].(map[string]any)
			if cf == nil {
				cf = map[string]any{}
				out["custom_fields"] = cf
			}
			cf[name] = w
			continue
		}
		f, ok := catalogueIndex[k]
		if !ok {
			return nil, reject(k, "%q is not a Thulium customer field (run `crmport fields --vendor thulium` for the list)", k)
		}
		if f.ReadOnly {
			return nil, reject(k, "%s is set by Thulium and cannot be imported", k)
		}
		w, err := wireValue(f, v)
		if err != nil {
			return nil, reject(k, "field %s: %v", k, err)
		}
		if obj, part, nested := strings.Cut(k, "."); nested {
			m, _ := out[obj].(map[string]any)
			if m == nil {
				m = map[string]any{}
				out[obj] = m
			}
			m[part] = w
			continue
		}
		out[k] = w
	}
	if update {
		if _, ok := out["customer_id"]; !ok {
			return nil, reject("customer_id", "customer_id is missing: an update needs the Thulium customer number (map the customer_id column as the key)")
		}
	}
	return out, nil
}

// jsonID sends a numeric id as a JSON number and anything else as a string.
func jsonID(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return n
	}
	return id
}

// wireValue converts a mapped value to the wire type of field f.
func wireValue(f crm.Field, v any) (any, error) {
	switch f.Type {
	case crm.TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			if x == 0 || x == 1 {
				return x == 1, nil
			}
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "1", "yes", "tak", "да":
				return true, nil
			case "false", "0", "no", "nie", "нет":
				return false, nil
			}
		}
		return nil, fmt.Errorf("%v is not true or false", v)
	case crm.TypeDate:
		if t, ok := v.(time.Time); ok {
			return t.Format("2006-01-02"), nil
		}
	}
	if ss, ok := v.([]string); ok {
		var keep []string
		for _, s := range ss {
			if strings.TrimSpace(s) != "" {
				keep = append(keep, s)
			}
		}
		if f.Multi {
			if keep == nil {
				keep = []string{}
			}
			return keep, nil
		}
		switch len(keep) {
		case 0:
			return "", nil
		case 1:
			return keep[0], nil
		}
		return nil, fmt.Errorf("%d values given but this field holds one", len(keep))
	}
	return vendorkit.ScalarString(v)
}

// customValue converts a custom field value: scalars keep their JSON type,
// dates become YYYY-MM-DD, lists stay lists.
func customValue(v any) (any, error) {
	switch x := v.(type) {
	case string, bool, int64, []string:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v is not a number", x)
		}
		return x, nil
	case time.Time:
		return vendorkit.FormatTime(x), nil
	}
	return vendorkit.ScalarString(v)
}

// idOf returns the customer_id of rec as a string ("" if absent).
func idOf(rec crm.Record) string {
	v, ok := rec["customer_id"]
	if !ok || v == nil {
		return ""
	}
	s, err := vendorkit.ScalarString(v)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// values returns the text values of a record value (one for a scalar).
func values(v any) []string {
	if x, ok := v.([]any); ok {
		var out []string
		for _, e := range x {
			if s, err := vendorkit.ScalarString(e); err == nil {
				out = append(out, s)
			}
		}
		return out
	}
	return vendorkit.Values(v)
}

// decodeJSON decodes body keeping numbers as json.Number.
func decodeJSON(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	return d.Decode(v)
}

// decodeList reads a GET /api/customers answer: a bare array, or an object
// with the rows under "result", "data" or "customers".
func decodeList(body []byte) ([]map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errors.New("empty answer")
	}
	if body[0] == '[' {
		var rows []map[string]any
		err := decodeJSON(body, &rows)
		return rows, err
	}
	var env map[string]json.RawMessage
	if err := decodeJSON(body, &env); err != nil {
		return nil, err
	}
	for _, k := range []string{"result", "data", "customers"} {
		raw, ok := env[k]
		if !ok {
			continue
		}
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			return nil, nil
		}
		var rows []map[string]any
		if err := decodeJSON(raw, &rows); err != nil {
			return nil, fmt.Errorf("%q is not a list of customers: %w", k, err)
		}
		return rows, nil
	}
	return nil, errors.New("no list of customers in the answer")
}

// flatten turns one customer object into a record: customer_id as a
// string, nested objects as dotted paths, phone_numbers as phone_number
// []string, JSON numbers as int64 or float64; nulls are left out.
func flatten(m map[string]any) crm.Record {
	r := crm.Record{}
	var put func(prefix string, v any)
	put = func(k string, v any) {
		switch x := v.(type) {
		case nil:
		case map[string]any:
			for kk, vv := range x {
				put(k+"."+kk, vv)
			}
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				if e == nil {
					continue
				}
				if s, err := vendorkit.ScalarString(e); err == nil {
					out = append(out, s)
				}
			}
			r[k] = out
		case json.Number:
			if n, err := x.Int64(); err == nil {
				r[k] = n
			} else if f, err := x.Float64(); err == nil {
				r[k] = f
			} else {
				r[k] = x.String()
			}
		default:
			r[k] = x
		}
	}
	for k, v := range m {
		switch k {
		case "customer_id", "company_id":
			if v == nil {
				continue
			}
			s, _ := vendorkit.ScalarString(v)
			r[k] = s
		case "phone_numbers":
		default:
			put(k, v)
		}
	}
	if pn, ok := m["phone_numbers"].([]any); ok && len(pn) > 0 {
		put("phone_number", pn)
	} else if s, ok := r["phone_number"].(string); ok {
		if s == "" {
			r["phone_number"] = []string{}
		} else {
			r["phone_number"] = []string{s}
		}
	}
	return r
}

// decodeBatchAnswer reads the answer of a batch call for the customers ids
// (in the order sent). An empty body means all succeeded; an array is
// aligned with the input (or matched by customer_id); an object is keyed
// by customer id, or wraps the list under "customers"/"result"/"data".
// Entries the answer does not mention are nil.
func decodeBatchAnswer(body []byte, ids []string) ([]*batchItem, error) {
	out := make([]*batchItem, len(ids))
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		for i := range out {
			out[i] = &batchItem{HTTPStatus: 200}
		}
		return out, nil
	}
	var list []batchItem
	switch body[0] {
	case '[':
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, err
		}
	case '{':
		var env map[string]json.RawMessage
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, err
		}
		wrapped := false
		for _, k := range []string{"customers", "result", "data"} {
			if raw, ok := env[k]; ok && len(bytes.TrimSpace(raw)) > 0 && bytes.TrimSpace(raw)[0] == '[' {
				if err := json.Unmarshal(raw, &list); err != nil {
					return nil, err
				}
				wrapped = true
				break
			}
		}
		if !wrapped {
			byID := map[string]*batchItem{}
			for k, raw := range env {
				var it batchItem
				if err := json.Unmarshal(raw, &it); err != nil {
					return nil, fmt.Errorf("entry %q: %w", k, err)
				}
				byID[strings.TrimSpace(k)] = &it
			}
			for i, id := range ids {
				out[i] = byID[id]
			}
			return out, nil
		}
	default:
		return nil, errors.New("not a JSON list or object")
	}
	aligned := len(list) == len(ids)
	if aligned {
		for i := range list {
			if list[i].CustomerID != "" && string(list[i].CustomerID) != ids[i] {
				aligned = false
				break
			}
		}
	}
	if aligned {
		for i := range list {
			out[i] = &list[i]
		}
		return out, nil
	}
	byID := map[string]*batchItem{}
	for i := range list {
		if list[i].CustomerID != "" {
			byID[string(list[i].CustomerID)] = &list[i]
		}
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// itemResult turns one per-customer batch answer into a result.
func itemResult(op, id string, it *batchItem) crm.Result {
	if it == nil {
		return crm.Result{Status: crm.StatusFailed, ID: id, Err: &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindAmbiguous,
			Message: "Thulium's answer does not mention customer " + id + "; the change may or may not have been applied"}}
	}
	st := int(it.HTTPStatus)
	if st == 0 {
		st = int(it.Status)
	}
	if st == 0 || (st >= 200 && st < 300) {
		return crm.Result{Status: crm.StatusUpdated, ID: id}
	}
	msg := strings.TrimSpace(it.Message)
	if m, reqID := decodeErrorBody(wrapErrors(it.Errors)); m != "" {
		if msg != "" {
			msg += "; "
		}
		msg += m
		if reqID != "" {
			msg += " (Thulium request id " + reqID + ")"
		}
	}
	if msg == "" {
		msg = "HTTP " + strconv.Itoa(st)
	}
	e := &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Code: strconv.Itoa(st), HTTPStatus: st, Message: msg}
	switch {
	case st == 404:
		e.Err = crm.ErrNotFound
	case st == 401 || st == 403:
		e.Kind = crm.KindFatal
	case st == 429 || st >= 500:
		e.Kind = crm.KindRetryable
	}
	return crm.Result{Status: crm.StatusFailed, ID: id, Err: e}
}

// wrapErrors puts a per-item "errors" list into an error body.
func wrapErrors(raw json.RawMessage) []byte {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	return append(append([]byte(`{"errors":`), raw...), '}')
}
