package salesman

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/crmport/crmport/crm"
)

// Create adds recs with one client/add.list call. Results are index-aligned:
// created (ID = new clid); exists (304 with "exists", or the documented 406
// with "data": Err is a KindDuplicate *crm.Error, ID = the existing clid);
// failed (402/405/500…: a KindRejected *crm.Error with the server's text).
// A whole-call error means nothing can be said per record: KindFatal for
// auth or protocol problems (including "[]" for a non-empty batch: the
// server did not see the list), KindAmbiguous when the answer was lost, was
// not JSON (PHP fatal error), or had the wrong length — records before the
// failure may have been saved, look them up with Find before resending.
func (c *Client) Create(ctx context.Context, recs []Record) ([]crm.Result, error) {
	const op = "client/add.list"
	if len(recs) == 0 {
		return []crm.Result{}, nil
	}
	if len(recs) > MaxBatch {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindFatal,
			Message: fmt.Sprintf("batch of %d clients is larger than the maximum %d", len(recs), MaxBatch)}
	}
	wire := make([]map[string]any, len(recs))
	for i, r := range recs {
		w := toWire(r)
		delete(w, "clid") // the server assigns clids
		wire[i] = w
	}
	data, err := c.call(ctx, "add.list", map[string]any{"client": wire})
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if trimmed[0] != '[' {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindAmbiguous, HTTPStatus: 200,
			Message: "the server answered with an object instead of a list of results: " + c.redact(short(trimmed))}
	}
	var items []envelope
	if err := c.decode(op, trimmed, &items); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindFatal, HTTPStatus: 200,
			Message: fmt.Sprintf("the server answered an empty list for %d clients: it did not receive the client list (nothing was saved); check that %s points at SalesMan API v3", len(recs), EnvURL)}
	}
	if len(items) != len(recs) {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindAmbiguous, HTTPStatus: 200,
			Message: fmt.Sprintf("the server answered %d results for %d clients; which were saved is unknown", len(items), len(recs))}
	}
	out := make([]crm.Result, len(items))
	for i := range items {
		out[i] = c.addResult(op, &items[i])
		if out[i].Err != nil && crm.KindOf(out[i].Err) == crm.KindFatal {
			return nil, out[i].Err
		}
	}
	return out, nil
}

// Record is crm.Record (a shorter name in this package's signatures).
type Record = crm.Record

// addResult turns one add answer into a result.
func (c *Client) addResult(op string, env *envelope) crm.Result {
	if _, failed := env.failed(); failed {
		e := c.recordError(op, env)
		if e.Kind == crm.KindDuplicate {
			return crm.Result{Status: crm.StatusExists, ID: e.ID, Err: e}
		}
		return crm.Result{Status: crm.StatusFailed, Err: e}
	}
	id, ok := rawInt(env.Data)
	if !ok || id <= 0 {
		return crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, HTTPStatus: 200,
			Message: "the server did not create the client and gave no reason (" + c.redact(env.Result) + ")"}}
	}
	return crm.Result{Status: crm.StatusCreated, ID: strconv.FormatInt(id, 10)}
}

// Update changes existing clients, one client/update call per record
// (the API has no batch update). A record names its client by "clid" or,
// without clid, by "uid"; only the fields present are sent ("" clears a
// field on SalesMan). Results: updated (the server answered "hid"),
// unchanged (identical data, no "hid", no requisites sent), failed (403
// not found: a KindRejected error wrapping crm.ErrNotFound; 500…). A
// transport failure or a fatal answer ends the call with an error (records
// before it may be updated; updates are safe to repeat).
func (c *Client) Update(ctx context.Context, recs []Record) ([]crm.Result, error) {
	const op = "client/update"
	out := make([]crm.Result, len(recs))
	for i, r := range recs {
		w := toWire(r)
		clid := strings.TrimSpace(scalarString(r["clid"]))
		if r["clid"] == nil {
			clid = ""
		}
		uid := ""
		if r["uid"] != nil {
			uid = strings.TrimSpace(scalarString(r["uid"]))
		}
		switch {
		case clid != "":
			n, err := strconv.ParseInt(clid, 10, 64)
			if err != nil || n <= 0 {
				out[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Field: "clid",
					Message: fmt.Sprintf("clid %q is not a SalesMan client number", clid)}}
				continue
			}
			w["clid"] = n
		case uid != "":
			delete(w, "clid")
		default:
			out[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected,
				Message: "the record has neither clid nor uid: SalesMan cannot tell which client to update"}}
			continue
		}
		data, err := c.call(ctx, "update", w)
		if err != nil {
			return nil, err
		}
		var env envelope
		if err := c.decode(op, data, &env); err != nil {
			return nil, err
		}
		if _, failed := env.failed(); failed {
			e := c.recordError(op, &env)
			if e.Kind == crm.KindFatal {
				return nil, e
			}
			out[i] = crm.Result{Status: crm.StatusFailed, Err: e}
			continue
		}
		id, _ := rawInt(env.Data)
		res := crm.Result{Status: crm.StatusUnchanged, ID: strconv.FormatInt(id, 10)}
		if id == 0 {
			res.ID = clid
		}
		if _, changed := rawInt(env.Hid); changed || hasRecv(r) {
			// Without "hid" nothing but the requisites may have changed;
			// the server does not say whether they did.
			res.Status = crm.StatusUpdated
		}
		out[i] = res
	}
	return out, nil
}

func hasRecv(r Record) bool {
	for k := range r {
		if strings.HasPrefix(k, "recv.") {
			return true
		}
	}
	return false
}

// Delete removes the client with clid id. An unknown id is a KindRejected
// error wrapping crm.ErrNotFound; a client with deals cannot be deleted
// (KindRejected).
func (c *Client) Delete(ctx context.Context, id string) error {
	const op = "client/delete"
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Err: crm.ErrNotFound,
			Message: fmt.Sprintf("%q is not a SalesMan client number (clid)", id)}
	}
	data, err := c.call(ctx, "delete", map[string]any{"clid": n})
	if err != nil {
		return err
	}
	var env envelope
	if err := c.decode(op, data, &env); err != nil {
		return err
	}
	if _, failed := env.failed(); failed {
		return c.recordError(op, &env)
	}
	return nil
}

// Fields returns the catalogue with Active set from client/fields: a field
// the account's answer does not list is switched off in Панель управления /
// Формы, and the server silently drops values sent for it. "recv" switches
// all requisites, "iduser" also "user". Labels come from the account; form
// fields the catalogue does not know are added as text fields.
func (c *Client) Fields(ctx context.Context) ([]crm.Field, error) {
	const op = "client/fields"
	data, err := c.call(ctx, "fields", map[string]any{})
	if err != nil {
		return nil, err
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := c.decode(op, data, &env); err != nil {
		return nil, err
	}
	active := map[string]string{}
	if err := json.Unmarshal(env.Data, &active); err != nil {
		// Some builds may send labels as non-strings: accept any values.
		var anyMap map[string]any
		if err2 := json.Unmarshal(env.Data, &anyMap); err2 != nil {
			return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRetryable,
				Message: "the field list is not in the expected form: " + c.redact(short(env.Data))}
		}
		for k, v := range anyMap {
			active[k] = fmt.Sprint(v)
		}
	}
	cat := Catalogue()
	known := map[string]bool{}
	for i := range cat {
		f := &cat[i]
		known[f.Name] = true
		key := f.Name
		if strings.HasPrefix(key, "recv.") {
			key = "recv"
		}
		if key == "user" {
			key = "iduser"
		}
		label, ok := active[key]
		f.Active = ok
		if ok && key == f.Name && label != "" {
			f.Label = label
		}
	}
	var extra []string
	for k := range active {
		if !known[k] && k != "recv" {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		cat = append(cat, crm.Field{Name: k, Label: active[k], Type: crm.TypeString, MaxLen: 255, Active: true,
			Description: "Form field of this account: " + active[k]})
	}
	return cat, nil
}

// short returns the start of b for messages.
func short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}
