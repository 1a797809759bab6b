package salesman

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

// DateTimeLayout is how date_create is sent and listed.
const DateTimeLayout = "2006-01-02 15:04:05"

// toWire converts a record to the JSON object of add/update: "recv.X"
// fields go into the nested "recv" object; phones and faxes given as
// []string are sent as arrays (the server joins them with ","), other
// lists are joined with ", "; time.Time becomes "YYYY-MM-DD HH:MM:SS" in
// its own location; nil values are not sent. Empty strings are sent: on
// update they clear the field, so the importer leaves them out unless
// clearing is meant.
func toWire(rec crm.Record) map[string]any {
	out := make(map[string]any, len(rec))
	var recv map[string]any
	for k, v := range rec {
		if v == nil {
			continue
		}
		if sub, ok := strings.CutPrefix(k, "recv."); ok {
			if recv == nil {
				recv = map[string]any{}
			}
			recv[sub] = scalarString(v)
			continue
		}
		out[k] = wireValue(k, v)
	}
	if recv != nil {
		out["recv"] = recv
	}
	return out
}

func wireValue(field string, v any) any {
	switch x := v.(type) {
	case string, bool, int64, float64, int, json.Number:
		return x
	case time.Time:
		return x.Format(DateTimeLayout)
	case []string:
		switch field {
		case "phone", "fax":
			return x
		case "mail_url":
			return strings.Join(x, ",")
		}
		return strings.Join(x, ", ")
	}
	return scalarString(v)
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		return x.Format(DateTimeLayout)
	case []string:
		return strings.Join(x, ", ")
	}
	return fmt.Sprint(v)
}

// fromWire converts one client object of list or info to a record: keys
// as the server sends them, nested objects flattened with dots ("bankinfo"
// and "recv" both become "recv.X"), nulls and empty lists omitted, clid as
// a string, other integers as int64, fractions as float64, dates as the
// server's "YYYY-MM-DD HH:MM:SS" strings.
func fromWire(obj map[string]any) crm.Record {
	rec := make(crm.Record, len(obj))
	flatten(rec, "", obj)
	clidString(rec)
	return rec
}

// fromWireInPlace is fromWire reusing obj's map for the record, for rows
// that are not used again (list pages): no second map per row.
func fromWireInPlace(obj map[string]any) crm.Record {
	rec := crm.Record(obj)
	var nested []string
	for k, v := range obj {
		if _, ok := v.(map[string]any); ok {
			nested = append(nested, k)
			continue
		}
		if val, ok := wireScalar(v); ok {
			rec[k] = val
		} else {
			delete(rec, k)
		}
	}
	for _, k := range nested {
		x := obj[k].(map[string]any)
		delete(rec, k)
		p := k
		if k == "bankinfo" || k == "recv" {
			p = "recv"
		}
		flatten(rec, p, x)
	}
	clidString(rec)
	return rec
}

func clidString(rec crm.Record) {
	if n, ok := rec["clid"].(int64); ok {
		rec["clid"] = strconv.FormatInt(n, 10)
	}
}

func flatten(rec crm.Record, prefix string, obj map[string]any) {
	for k, v := range obj {
		name := k
		if prefix != "" {
			if k == "clid" { // bankinfo repeats the clid
				continue
			}
			name = prefix + "." + k
		}
		if x, ok := v.(map[string]any); ok {
			p := name
			if prefix == "" && (k == "bankinfo" || k == "recv") {
				p = "recv"
			}
			flatten(rec, p, x)
			continue
		}
		if val, ok := wireScalar(v); ok {
			rec[name] = val
		}
	}
}

// wireScalar converts one scalar or list of the server's JSON to a record
// value; false for nulls, empty lists and lists of objects.
func wireScalar(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		} else if f, err := x.Float64(); err == nil {
			return f, true
		}
		return x.String(), true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
		return x, true
	case string, bool, []string:
		return x, true
	case []any:
		var list []string
		for _, e := range x {
			switch s := e.(type) {
			case string:
				list = append(list, s)
			case json.Number:
				list = append(list, s.String())
			}
		}
		if len(list) > 0 && len(list) == len(x) {
			return list, true
		}
	}
	return nil, false
}

// infoRenames maps keys of client/info to the names client/list uses, so
// Find returns records shaped like List's.
var infoRenames = map[string]string{
	"created":       "date_create", // info's date_create is a display string "23.11.26,  13:58"
	"edited":        "date_edit",
	"category":      "idcategoryTitle",
	"territoryname": "territoryTitle",
	"head":          "head_clidTitle",
	"clientpath2":   "clientpath", // info's clientpath is the source's name
}

// infoDrop lists client/info keys that are not client fields.
var infoDrop = map[string]bool{
	"clientUID": true, "fav": true, "trash": true, "relation": true, "creator": true, "creatorID": true,
	"editor": true, "editorID": true, "dostup": true, "priceLevel": true, "contacts": true, "uids": true,
	"date_create": true, "date_edit": true, "clientpath": true,
}

// infoToList reshapes a client/info object into client/list's shape.
func infoToList(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		if k == "clientpath" {
			if s, ok := v.(string); ok {
				out["clientpathTitle"] = s
			}
			continue
		}
		if to, ok := infoRenames[k]; ok {
			out[to] = v
			continue
		}
		if infoDrop[k] {
			continue
		}
		out[k] = v
	}
	return out
}
