// Package fake emulates the Thulium CRM customers API for tests and the
// sandbox. It is written from Thulium's documents (shared/seeds/001 and
// VENDOR-APIS.md §2), never from crmport's Thulium client.
//
// Paths are served relative to the handler's root (mount it under a base
// path such as /thulium with http.StripPrefix):
//
//	POST   /api/customers            create; 201 {"customer_id":"324"} (a string, as the seed)
//	GET    /api/customers            list: limit (default 100, max 1000), offset, filters
//	GET    /api/customers/{id}       one customer; 404 when unknown
//	PUT    /api/customers/{id}       update the given fields only; 200 {"customer_id":"324"}
//	DELETE /api/customers/{id}       204 with an empty body
//	POST   /api/batch/customers      {"customers":[...]} create many
//	PUT    /api/batch/customers      {"customers":[{"customer_id":..,...}]} update many
//
// Authentication is HTTP Basic with DefaultUser/DefaultPassword (or the
// Options values); anything else answers 401. Every error answers a 4xx
// status with Thulium's documented error body
//
//	{"request_id":"<hex>","errors":[{"message":"...","code":<int>}]}
//
// where every problem of the request is listed (400 validation, 401 auth,
// 404 not found, 405 method not allowed). The numeric codes are this
// emulator's own (Thulium publishes none): see the Code* constants.
//
// Choices where Thulium's documents are silent (VENDOR-APIS.md §5):
//
//   - The list answers {"result":[...]} (as Thulium's sibling list endpoints
//     do); Options.BareArray switches to a bare JSON array. No total count.
//   - Customers are listed by customer_id ascending. A SetPageSize value caps
//     every page, whatever limit the client asked for: a client that stops
//     at a page shorter than its limit sees the end early, so clients should
//     page until an empty page or a page shorter than min(limit, cap).
//   - Filters match exactly: email case-insensitively against any of the
//     customer's addresses, phone_number by digits against any number, nip
//     by digits. An empty identifier (or phone_number) selects customers
//     without one. company_id, company_flag, type and group match exactly.
//   - Several e-mail addresses come back joined with ", " in "email";
//     phone numbers come back as "phone_number" (the first) and
//     "phone_numbers" (all).
//   - Phone numbers must hold 6 to 15 digits once spaces, dashes, dots,
//     brackets and a leading + are removed ("Wrong format of phone
//     number."); a NIP must be 10 digits once dashes and spaces are removed
//     ("Wrong format of NIP.") and is stored as digits; e-mail needs
//     local@domain.tld; birthdate is YYYY-MM-DD; pesel 11 digits.
//   - Unknown fields in a body are rejected (400), so a misspelt field
//     name is caught rather than silently lost.
//   - Batch answers are HTTP 200 with an array aligned with the input:
//     {"customer_id":"325","http_status":201} for a created item,
//     {"customer_id":"325","http_status":200} for an updated one, and
//     {"http_status":400,"errors":[{"message":..,"code":..}]} (or 404 for an
//     unknown customer_id) for a refused one. Items are independent (no
//     transaction). At most Options.MaxBatch (default 1000) items per call.
//   - Address objects (address, invoice_address, mail_drop_address) are
//     shown only with include_address, include_invoice_address,
//     include_mail_drop_address set to true or 1; custom_fields always.
package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// The sandbox credentials.
const (
	DefaultUser     = "sandbox"
	DefaultPassword = "sandbox"
)

// DefaultLimit and MaxLimit are the documented page sizes of GET /api/customers.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// The error codes this emulator answers with (Thulium documents none).
const (
	CodeRequired     = 1001 // a required field is missing or empty
	CodePhone        = 1002 // wrong format of a phone number
	CodeEmail        = 1003 // wrong format of an e-mail address
	CodeNIP          = 1004 // wrong format of NIP
	CodeType         = 1005 // a value of the wrong JSON type or format
	CodeUnknownField = 1006 // a field Thulium does not know
	CodeBadJSON      = 1007 // the body is not JSON
	CodeParam        = 1008 // a bad query parameter (limit, offset)
	CodeBatch        = 1009 // a bad batch envelope
	CodeAuth         = 4010 // authentication failed
	CodeNotFound     = 4040 // no such customer or path
	CodeMethod       = 4050 // method not allowed on this path
	CodeRateLimit    = 4290 // injected rate-limit fault
)

// Options configures a Fake. The zero value is the documented behaviour.
type Options struct {
	User, Password string           // Basic auth; "" = DefaultUser / DefaultPassword
	BareArray      bool             // list answers a bare JSON array instead of {"result":[...]}
	MaxBatch       int              // items per batch call; 0 = 1000
	Now            func() time.Time // clock for updated_at; nil = time.Now
}

// Fake is the Thulium emulator: an http.Handler with a crm.Controller.
type Fake struct {
	*fakekit.Kit
	opt     Options
	handler http.Handler

	mu       sync.RWMutex
	byID     map[int]*customer
	ids      []int // ascending
	nextID   int
	pageSize int
	reqSeq   uint64
}

var _ crm.Fake = (*Fake)(nil)

// New returns an empty emulator.
func New(opt Options) *Fake {
	if opt.User == "" {
		opt.User = DefaultUser
	}
	if opt.Password == "" {
		opt.Password = DefaultPassword
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 1000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	f := &Fake{opt: opt, byID: map[int]*customer{}, nextID: 1}
	f.Kit = fakekit.New(fakekit.Vendor{
		Op:            opName,
		IsWrite:       func(op string) bool { return !strings.HasPrefix(op, "GET ") },
		VendorError:   f.rateLimitError,
		SecretHeaders: []string{"Authorization"},
	})
	f.handler = f.Kit.Wrap(http.HandlerFunc(f.serve))
	return f
}

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// opName names the operation of a request for faults and the request log:
// "POST /api/customers", "GET /api/customers/:id", "PUT /api/batch/customers".
func opName(r *http.Request, _ []byte) string {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if rest, ok := strings.CutPrefix(p, "/api/customers/"); ok && rest != "" && !strings.Contains(rest, "/") {
		p = "/api/customers/:id"
	}
	return r.Method + " " + p
}

// rateLimitError answers the vendor's rate-limit fault: Thulium documents
// none, so it is a 429 with Retry-After and the usual error body.
func (f *Fake) rateLimitError(w http.ResponseWriter, _ *http.Request, _ string) {
	w.Header().Set("Retry-After", "1")
	f.writeErrors(w, http.StatusTooManyRequests, apiError{Message: "Too many requests.", Code: CodeRateLimit})
}

// apiError is one entry of Thulium's error body.
type apiError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

func (f *Fake) requestID() string {
	f.mu.Lock()
	f.reqSeq++
	n := f.reqSeq
	f.mu.Unlock()
	return fmt.Sprintf("%013x", 0x5367845040000+n)
}

func (f *Fake) writeErrors(w http.ResponseWriter, status int, errs ...apiError) {
	writeJSON(w, status, map[string]any{"request_id": f.requestID(), "errors": errs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.opt.User || pass != f.opt.Password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Thulium API"`)
		f.writeErrors(w, http.StatusUnauthorized, apiError{Message: "Authorization failed: wrong user name or password.", Code: CodeAuth})
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/api/customers":
		switch r.Method {
		case http.MethodGet:
			f.list(w, r)
		case http.MethodPost:
			f.create(w, r)
		default:
			f.notAllowed(w, r, "GET, POST")
		}
	case path == "/api/batch/customers":
		switch r.Method {
		case http.MethodPost:
			f.batch(w, r, false)
		case http.MethodPut:
			f.batch(w, r, true)
		default:
			f.notAllowed(w, r, "POST, PUT")
		}
	case strings.HasPrefix(path, "/api/customers/"):
		id, err := strconv.Atoi(strings.TrimPrefix(path, "/api/customers/"))
		if err != nil || id <= 0 {
			f.writeErrors(w, http.StatusNotFound, apiError{Message: "Customer not found.", Code: CodeNotFound})
			return
		}
		switch r.Method {
		case http.MethodGet:
			f.get(w, r, id)
		case http.MethodPut:
			f.updateOne(w, r, id)
		case http.MethodDelete:
			f.delete(w, id)
		default:
			f.notAllowed(w, r, "GET, PUT, DELETE")
		}
	default:
		f.writeErrors(w, http.StatusNotFound, apiError{
			Message: fmt.Sprintf("Resource %s not found (this emulator serves /api/customers and /api/batch/customers).", r.URL.Path),
			Code:    CodeNotFound,
		})
	}
}

func (f *Fake) notAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	f.writeErrors(w, http.StatusMethodNotAllowed, apiError{
		Message: fmt.Sprintf("Method %s is not allowed on %s (allowed: %s).", r.Method, r.URL.Path, allow),
		Code:    CodeMethod,
	})
}

// decodeObject reads a JSON object body.
func decodeObject(body []byte) (map[string]json.RawMessage, *apiError) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, &apiError{Message: "Request body must be a JSON object.", Code: CodeBadJSON}
	}
	return m, nil
}

func readBody(r *http.Request) []byte {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 32<<20))
	return buf.Bytes()
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	m, perr := decodeObject(readBody(r))
	if perr != nil {
		f.writeErrors(w, http.StatusBadRequest, *perr)
		return
	}
	id, errs := f.createOne(m)
	if len(errs) > 0 {
		f.writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"customer_id": strconv.Itoa(id)})
}

// createOne validates and stores one new customer.
func (f *Fake) createOne(m map[string]json.RawMessage) (int, []apiError) {
	c := &customer{}
	errs := applyInput(c, m)
	if strings.TrimSpace(c.Surname) == "" && !hasError(errs, "surname") {
		errs = append(errs, apiError{Message: "Field surname is required.", Code: CodeRequired})
	}
	if len(errs) > 0 {
		return 0, errs
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c.UpdatedAt = f.opt.Now().Format(time.DateTime)
	f.insertLocked(c)
	return c.ID, nil
}

func hasError(errs []apiError, field string) bool {
	for _, e := range errs {
		if strings.Contains(e.Message, " "+field+" ") {
			return true
		}
	}
	return false
}

// insertLocked gives c the next id and stores it; f.mu must be held.
func (f *Fake) insertLocked(c *customer) {
	c.ID = f.nextID
	f.nextID++
	f.byID[c.ID] = c
	f.ids = append(f.ids, c.ID)
}

func (f *Fake) updateOne(w http.ResponseWriter, r *http.Request, id int) {
	m, perr := decodeObject(readBody(r))
	if perr != nil {
		f.writeErrors(w, http.StatusBadRequest, *perr)
		return
	}
	delete(m, "customer_id")
	status, errs := f.update(id, m)
	if len(errs) > 0 {
		f.writeErrors(w, status, errs...)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"customer_id": strconv.Itoa(id)})
}

// update changes the given fields of customer id; omitted fields are kept.
func (f *Fake) update(id int, m map[string]json.RawMessage) (int, []apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.byID[id]
	if !ok {
		return http.StatusNotFound, []apiError{{Message: "Customer not found.", Code: CodeNotFound}}
	}
	next := cur.clone()
	errs := applyInput(next, m)
	if strings.TrimSpace(next.Surname) == "" && !hasError(errs, "surname") {
		errs = append(errs, apiError{Message: "Field surname is required.", Code: CodeRequired})
	}
	if len(errs) > 0 {
		return http.StatusBadRequest, errs
	}
	next.UpdatedAt = f.opt.Now().Format(time.DateTime)
	f.byID[id] = next
	return http.StatusOK, nil
}

func (f *Fake) delete(w http.ResponseWriter, id int) {
	f.mu.Lock()
	_, ok := f.byID[id]
	if ok {
		delete(f.byID, id)
		i := sort.SearchInts(f.ids, id)
		f.ids = append(f.ids[:i], f.ids[i+1:]...)
	}
	f.mu.Unlock()
	if !ok {
		f.writeErrors(w, http.StatusNotFound, apiError{Message: "Customer not found.", Code: CodeNotFound})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) get(w http.ResponseWriter, r *http.Request, id int) {
	inc := includesOf(r)
	f.mu.RLock()
	c, ok := f.byID[id]
	var out map[string]any
	if ok {
		out = c.render(inc)
	}
	f.mu.RUnlock()
	if !ok {
		f.writeErrors(w, http.StatusNotFound, apiError{Message: "Customer not found.", Code: CodeNotFound})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// batchItem is one entry of a batch answer.
type batchItem struct {
	CustomerID string     `json:"customer_id,omitempty"`
	HTTPStatus int        `json:"http_status"`
	Errors     []apiError `json:"errors,omitempty"`
}

func (f *Fake) batch(w http.ResponseWriter, r *http.Request, update bool) {
	m, perr := decodeObject(readBody(r))
	if perr != nil {
		f.writeErrors(w, http.StatusBadRequest, *perr)
		return
	}
	var items []json.RawMessage
	raw, ok := m["customers"]
	if !ok || json.Unmarshal(raw, &items) != nil {
		f.writeErrors(w, http.StatusBadRequest, apiError{Message: `Field customers is required and must be an array of customers: {"customers":[...]}.`, Code: CodeBatch})
		return
	}
	if len(items) == 0 {
		f.writeErrors(w, http.StatusBadRequest, apiError{Message: "Field customers must not be empty.", Code: CodeBatch})
		return
	}
	if len(items) > f.opt.MaxBatch {
		f.writeErrors(w, http.StatusBadRequest, apiError{Message: fmt.Sprintf("Too many customers in one request: %d (at most %d).", len(items), f.opt.MaxBatch), Code: CodeBatch})
		return
	}
	for k := range m {
		if k != "customers" {
			f.writeErrors(w, http.StatusBadRequest, apiError{Message: fmt.Sprintf("Unknown field %s.", k), Code: CodeUnknownField})
			return
		}
	}
	out := make([]batchItem, len(items))
	for i, raw := range items {
		obj, perr := decodeObject(raw)
		if perr != nil {
			out[i] = batchItem{HTTPStatus: http.StatusBadRequest, Errors: []apiError{{Message: "Each customer must be a JSON object.", Code: CodeBatch}}}
			continue
		}
		if !update {
			id, errs := f.createOne(obj)
			if len(errs) > 0 {
				out[i] = batchItem{HTTPStatus: http.StatusBadRequest, Errors: errs}
				continue
			}
			out[i] = batchItem{CustomerID: strconv.Itoa(id), HTTPStatus: http.StatusCreated}
			continue
		}
		idRaw, has := obj["customer_id"]
		id, idOK := 0, false
		if has {
			id, idOK = parseID(idRaw)
		}
		delete(obj, "customer_id")
		if !idOK {
			out[i] = batchItem{HTTPStatus: http.StatusBadRequest, Errors: []apiError{{Message: "Field customer_id is required.", Code: CodeRequired}}}
			continue
		}
		status, errs := f.update(id, obj)
		if len(errs) > 0 {
			out[i] = batchItem{CustomerID: strconv.Itoa(id), HTTPStatus: status, Errors: errs}
			continue
		}
		out[i] = batchItem{CustomerID: strconv.Itoa(id), HTTPStatus: http.StatusOK}
	}
	writeJSON(w, http.StatusOK, out)
}

// parseID reads a customer id given as a JSON number or a numeric string.
func parseID(raw json.RawMessage) (int, bool) {
	var n int
	if json.Unmarshal(raw, &n) == nil && n > 0 {
		return n, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 {
			return n, true
		}
	}
	return 0, false
}

type includes struct{ address, invoice, mailDrop bool }

func flag(r *http.Request, name string) bool {
	v := strings.ToLower(r.URL.Query().Get(name))
	return v == "1" || v == "true"
}

func includesOf(r *http.Request) includes {
	return includes{flag(r, "include_address"), flag(r, "include_invoice_address"), flag(r, "include_mail_drop_address")}
}

func (f *Fake) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := DefaultLimit, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			f.writeErrors(w, http.StatusBadRequest, apiError{Message: fmt.Sprintf("Wrong value of limit: %q (a number from 1 to %d).", v, MaxLimit), Code: CodeParam})
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			f.writeErrors(w, http.StatusBadRequest, apiError{Message: fmt.Sprintf("Wrong value of offset: %q (a number from 0).", v), Code: CodeParam})
			return
		}
		offset = n
	}
	match := filterOf(q)
	inc := includesOf(r)
	f.mu.RLock()
	if f.pageSize > 0 && limit > f.pageSize {
		limit = f.pageSize
	}
	res := make([]map[string]any, 0, min(limit, len(f.ids)))
	skipped := 0
	for _, id := range f.ids {
		c := f.byID[id]
		if !match(c) {
			continue
		}
		if skipped < offset {
			skipped++
			continue
		}
		res = append(res, c.render(inc))
		if len(res) == limit {
			break
		}
	}
	f.mu.RUnlock()
	if f.opt.BareArray {
		writeJSON(w, http.StatusOK, res)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": res})
}

// filterOf builds the list filter from the query.
func filterOf(q map[string][]string) func(*customer) bool {
	var tests []func(*customer) bool
	get := func(k string) (string, bool) {
		v, ok := q[k]
		if !ok || len(v) == 0 {
			return "", ok
		}
		return strings.TrimSpace(v[0]), true
	}
	if v, ok := get("identifier"); ok {
		tests = append(tests, func(c *customer) bool { return c.Identifier == v })
	}
	if v, ok := get("email"); ok {
		tests = append(tests, func(c *customer) bool {
			if v == "" {
				return len(c.Emails) == 0
			}
			for _, e := range c.Emails {
				if strings.EqualFold(e, v) {
					return true
				}
			}
			return false
		})
	}
	if v, ok := get("phone_number"); ok {
		d := digits(v)
		tests = append(tests, func(c *customer) bool {
			if v == "" {
				return len(c.Phones) == 0
			}
			for _, p := range c.Phones {
				if digits(p) == d {
					return true
				}
			}
			return false
		})
	}
	if v, ok := get("nip"); ok {
		d := digits(v)
		tests = append(tests, func(c *customer) bool { return c.NIP == d })
	}
	for _, k := range []string{"company_id", "type", "group"} {
		if v, ok := get(k); ok {
			tests = append(tests, func(c *customer) bool { return c.str(k) == v })
		}
	}
	if v, ok := get("company_flag"); ok {
		want := v == "1" || strings.EqualFold(v, "true")
		tests = append(tests, func(c *customer) bool { return (c.CompanyFlag == "1") == want })
	}
	return func(c *customer) bool {
		for _, t := range tests {
			if !t(c) {
				return false
			}
		}
		return true
	}
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
