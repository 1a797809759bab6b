// Package memvendor is a tiny reference vendor for exercising crmtest and
// for proving that a vendor is one package: an in-memory HTTP emulator
// (Fake, built on crm/fakekit), a client for it (Client) and its
// Registration, which tests register as a fourth vendor. The fake and the
// client share no wire types, as a real vendor's must not. Its API:
//
//	X-Token: <token> on every request (401 otherwise)
//	POST /mem/api/create {"records":[{...}]}   max 10; per-record results
//	POST /mem/api/update {"records":[{"id":..., ...}]}
//	GET  /mem/api/list?offset=N&limit=N        newest first (pages shift when records are added)
//	GET  /mem/api/find?email=X                 partial, case-insensitive match
//	GET  /mem/api/fields
//
// Errors: {"error":{"code":..., "message":..., "field":..., "id":..., "retry_in":...}};
// "RATE_LIMIT" in an HTTP 200 body is the vendor's own rate-limit error.
package memvendor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// Path is the base path the fake serves under.
const Path = "/mem"

// Token is the only token the fake accepts.
const Token = "mem-secret-token-123"

// Fake is the in-memory emulator; it implements crm.Fake.
type Fake struct {
	*fakekit.Kit
	mux http.Handler

	mu       sync.Mutex
	recs     []crm.Record
	nextID   int
	pageSize int
}

var _ crm.Fake = (*Fake)(nil)

// NewFake returns an empty emulator.
func NewFake() *Fake {
	f := &Fake{nextID: 1, pageSize: 50}
	f.Kit = fakekit.New(fakekit.Vendor{
		Op: func(r *http.Request, _ []byte) string {
			return strings.TrimPrefix(r.URL.Path, Path+"/api/")
		},
		IsWrite: func(op string) bool { return op == "create" || op == "update" },
		VendorError: func(w http.ResponseWriter, _ *http.Request, _ string) {
			writeErr(w, 200, "RATE_LIMIT", "too many requests, try again in 1 s", "", "", 1)
		},
		SecretHeaders: []string{"X-Token"},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+Path+"/api/create", f.create)
	mux.HandleFunc("POST "+Path+"/api/update", f.update)
	mux.HandleFunc("GET "+Path+"/api/list", f.list)
	mux.HandleFunc("GET "+Path+"/api/find", f.find)
	mux.HandleFunc("GET "+Path+"/api/fields", f.fields)
	f.mux = f.Kit.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Token") != Token {
			writeErr(w, http.StatusUnauthorized, "AUTH", "invalid token", "", "", 0)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	return f
}

// ServeHTTP implements http.Handler.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// Reset empties the store, faults and request log.
func (f *Fake) Reset() {
	f.Kit.Reset()
	f.mu.Lock()
	f.recs, f.nextID, f.pageSize = nil, 1, 50
	f.mu.Unlock()
}

// Seed stores recs directly.
func (f *Fake) Seed(recs []crm.Record) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, r := range recs {
		ids = append(ids, f.store(stringify(r)))
	}
	return ids
}

// SetPageSize overrides the list page size.
func (f *Fake) SetPageSize(n int) {
	f.mu.Lock()
	f.pageSize = n
	f.mu.Unlock()
}

// Records returns the store in creation order.
func (f *Fake) Records() []crm.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]crm.Record, len(f.recs))
	for i, r := range f.recs {
		out[i] = r.Clone()
	}
	return out
}

// SaveState serialises the store.
func (f *Fake) SaveState() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return json.Marshal(f.recs)
}

// LoadState replaces the store.
func (f *Fake) LoadState(data []byte) error {
	var recs []crm.Record
	if err := json.Unmarshal(data, &recs); err != nil {
		return fmt.Errorf("memvendor state: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recs, f.nextID = nil, 1
	for _, r := range recs {
		f.store(stringify(r))
	}
	return nil
}

func stringify(r crm.Record) crm.Record {
	out := crm.Record{}
	for k, v := range r {
		if k != "id" {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// store appends r with a new id; f.mu is held.
func (f *Fake) store(r crm.Record) string {
	id := strconv.Itoa(f.nextID)
	f.nextID++
	r["id"] = id
	f.recs = append(f.recs, r)
	return id
}

func writeErr(w http.ResponseWriter, status int, code, msg, field, id string, retryIn int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "field": field, "id": id, "retry_in": retryIn}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func decodeRecords(w http.ResponseWriter, r *http.Request) ([]map[string]any, bool) {
	var body struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErr(w, http.StatusBadRequest, "BAD_JSON", "request body is not JSON: "+err.Error(), "", "", 0)
		return nil, false
	}
	if len(body.Records) == 0 || len(body.Records) > 10 {
		writeErr(w, http.StatusBadRequest, "BATCH", "send 1 to 10 records per call", "", "", 0)
		return nil, false
	}
	return body.Records, true
}

// check validates a record; f.mu is held.
func (f *Fake) check(in map[string]any, skipID string) map[string]any {
	name, _ := in["name"].(string)
	if strings.TrimSpace(name) == "" {
		return map[string]any{"code": "INVALID", "field": "name", "message": "name is required"}
	}
	if len([]rune(name)) > 100 {
		return map[string]any{"code": "INVALID", "field": "name", "message": "name is longer than 100 characters"}
	}
	email, _ := in["email"].(string)
	if email != "" && !strings.Contains(email, "@") {
		return map[string]any{"code": "INVALID", "field": "email", "message": fmt.Sprintf("%q is not an e-mail address", email)}
	}
	if email != "" {
		for _, r := range f.recs {
			if r["id"] != skipID && strings.EqualFold(str(r["email"]), email) {
				return map[string]any{"code": "DUPLICATE", "field": "email", "id": r["id"], "message": "a client with this e-mail already exists"}
			}
		}
	}
	return nil
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	recs, ok := decodeRecords(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var results []map[string]any
	for _, in := range recs {
		if e := f.check(in, ""); e != nil {
			results = append(results, map[string]any{"error": e})
			continue
		}
		rec := crm.Record{}
		for k, v := range in {
			if s, ok := v.(string); ok && k != "id" {
				rec[k] = s
			}
		}
		if _, ok := rec["email"]; !ok {
			rec["email"] = ""
		}
		results = append(results, map[string]any{"id": f.store(rec)})
	}
	writeJSON(w, map[string]any{"results": results})
}

func (f *Fake) update(w http.ResponseWriter, r *http.Request) {
	recs, ok := decodeRecords(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var results []map[string]any
	for _, in := range recs {
		id, _ := in["id"].(string)
		var target crm.Record
		for _, s := range f.recs {
			if s["id"] == id {
				target = s
			}
		}
		if target == nil {
			results = append(results, map[string]any{"error": map[string]any{"code": "NOT_FOUND", "message": "no client with id " + id}})
			continue
		}
		merged := target.Clone()
		for k, v := range in {
			if s, ok := v.(string); ok {
				merged[k] = s
			}
		}
		if e := f.check(merged, id); e != nil {
			results = append(results, map[string]any{"error": e})
			continue
		}
		for k, v := range merged {
			target[k] = v
		}
		results = append(results, map[string]any{"id": id})
	}
	writeJSON(w, map[string]any{"results": results})
}

func (f *Fake) list(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	f.mu.Lock()
	defer f.mu.Unlock()
	if limit <= 0 || limit > f.pageSize {
		limit = f.pageSize
	}
	out := []crm.Record{}
	for i := len(f.recs) - 1 - offset; i >= 0 && len(out) < limit; i-- {
		out = append(out, f.recs[i].Clone())
	}
	writeJSON(w, map[string]any{"records": out, "limit": limit})
}

func (f *Fake) find(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("email")))
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []crm.Record{}
	for _, rec := range f.recs {
		if q != "" && strings.Contains(strings.ToLower(str(rec["email"])), q) {
			out = append(out, rec.Clone())
		}
	}
	writeJSON(w, map[string]any{"records": out})
}

func (f *Fake) fields(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{"fields": []map[string]any{
		{"name": "id", "type": "string", "read_only": true},
		{"name": "name", "type": "string", "max": 100, "required": true},
		{"name": "email", "type": "email", "max": 100},
		{"name": "phone", "type": "phone", "max": 30},
		{"name": "city", "type": "string", "max": 100},
		{"name": "note", "type": "text"},
	}})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// Len is the number of stored clients (len(Records()) without a copy).
func (f *Fake) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recs)
}
