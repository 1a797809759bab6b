// Package fake emulates BaseLinker's CRM API (connector.php) for tests and
// the sandbox. It is written from BaseLinker's documents (shared/seeds/000,
// 003 and VENDOR-APIS.md §3), never from crmport's BaseLinker client.
//
// It serves /connector.php relative to its root (mount it under a base path
// such as /baselinker with http.StripPrefix). A request is a form (POST body
// or query) with `method` and `parameters` (a JSON object), authenticated by
// the X-BLToken header (or the deprecated `token` form field) equal to
// DefaultToken or Options.Token. Methods: addCrmClient, getCrmClients,
// getCrmClientData, deleteCrmClient, getCrmClientExtraFields,
// getCrmClientStatuses.
//
// Every answer is HTTP 200 with {"status":"SUCCESS",...} or
// {"status":"ERROR","error_code":"...","error_message":"..."}; numbers are
// JSON integers. Error codes (BaseLinker publishes no list; see the Err*
// constants): ERROR_BAD_TOKEN "Invalid user token", ERROR_UNKNOWN_METHOD,
// ERROR_PARSE_JSON_PARAMETERS, ERROR_BLOCKED_TOKEN, and for bad data
// ERROR_UNKNOWN_FIELD, ERROR_FIELD_TOO_LONG, ERROR_INVALID_FIELD_VALUE,
// ERROR_CRM_CLIENT_NOT_FOUND, ERROR_STATUS_NOT_FOUND,
// ERROR_EXTRA_FIELD_NOT_FOUND, each message naming the field. A refused
// addCrmClient changes nothing (validation happens before any change).
//
// Rate limit: with Options.Limit > 0, a token may make Limit requests in any
// 60 seconds (a sliding window; the real API's figure is DefaultLimit). The
// next request blocks the token for Options.BlockFor (default 60 s, rounded
// up to a whole second) and answers ERROR_BLOCKED_TOKEN "Query limit
// exceeded, token blocked until YYYY-MM-DD HH:MM:SS"; while blocked every
// request gets the same answer (a blocked call does not extend the block).
// The timestamp is Polish local time (Europe/Warsaw), as the real service
// presumably uses. Requests with a bad token are not counted. The random
// vendor fault of the fault kit answers the same error with a 1-second
// block that is not enforced.
//
// Choices where the documents are silent: getCrmClients lists clients by
// crm_client_id ascending, 100 per page (SetPageSize changes it) and
// honours include_custom_extra_fields (the extra-fields page says it
// exists); partial filters are case-insensitive substring matches
// (filter_invoice_tax_id and filter_phone also compare digits only);
// status_id 0 on a create means the primary status; unknown parameters are
// refused with ERROR_UNKNOWN_FIELD so a misspelt field name is caught.
package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Warsaw on machines without a zoneinfo database (Windows)
	"unicode/utf8"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// DefaultToken is the sandbox API token.
const DefaultToken = "sandbox-token"

// DefaultLimit is BaseLinker's documented limit: requests per minute per token.
const DefaultLimit = 100

// DefaultPageSize is the number of clients per getCrmClients page.
const DefaultPageSize = 100

// The error codes the emulator answers with.
const (
	ErrBadToken           = "ERROR_BAD_TOKEN"
	ErrBlockedToken       = "ERROR_BLOCKED_TOKEN"
	ErrUnknownMethod      = "ERROR_UNKNOWN_METHOD"
	ErrParseJSON          = "ERROR_PARSE_JSON_PARAMETERS"
	ErrUnknownField       = "ERROR_UNKNOWN_FIELD"
	ErrFieldTooLong       = "ERROR_FIELD_TOO_LONG"
	ErrInvalidValue       = "ERROR_INVALID_FIELD_VALUE"
	ErrClientNotFound     = "ERROR_CRM_CLIENT_NOT_FOUND"
	ErrStatusNotFound     = "ERROR_STATUS_NOT_FOUND"
	ErrExtraFieldNotFound = "ERROR_EXTRA_FIELD_NOT_FOUND"
)

// ExtraField is one custom extra field of the account.
type ExtraField struct {
	ID         int      `json:"extra_field_id"`
	Name       string   `json:"name"`
	EditorType string   `json:"editor_type"` // text, number, select, checkbox, radio, date, file
	Options    []string `json:"options,omitempty"`
}

// Status is one CRM client status of the account.
type Status struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Color     string `json:"color"`
	GroupID   int    `json:"group_id"`
	IsPrimary int    `json:"is_primary"`
}

// DefaultExtraFields are the account's extra fields unless Options say otherwise.
var DefaultExtraFields = []ExtraField{
	{ID: 1, Name: "Segment", EditorType: "select", Options: []string{"Hurt", "Detal", "VIP"}},
	{ID: 2, Name: "Źródło", EditorType: "text"},
	{ID: 3, Name: "Obrót roczny", EditorType: "number"},
}

// DefaultStatuses are the account's client statuses unless Options say otherwise.
var DefaultStatuses = []Status{
	{ID: 1, Name: "Nowy", Color: "#1C8752", GroupID: 1, IsPrimary: 1},
	{ID: 2, Name: "Stały klient", Color: "#2A6EBB", GroupID: 1},
	{ID: 3, Name: "Nieaktywny", Color: "#9E9E9E", GroupID: 1},
}

// Options configures a Fake.
type Options struct {
	Token             string           // accepted token; "" = DefaultToken
	Limit             int              // requests per minute per token; 0 = no limit (DefaultLimit is BaseLinker's)
	BlockFor          time.Duration    // how long a token stays blocked; 0 = 60 s
	Now               func() time.Time // clock for the rate limit; nil = time.Now
	ExtraFieldsAsList bool             // getCrmClientExtraFields answers a list instead of an object keyed by id
	ExtraFields       []ExtraField     // nil = DefaultExtraFields
	Statuses          []Status         // nil = DefaultStatuses
}

// Fake is the BaseLinker emulator: an http.Handler with a crm.Controller.
type Fake struct {
	*fakekit.Kit
	opt     Options
	handler http.Handler
	warsaw  *time.Location
	extra   map[int]ExtraField
	status  map[int]Status
	primary int

	mu       sync.RWMutex
	byID     map[int]*client
	ids      []int // ascending
	nextID   int
	pageSize int

	rlMu    sync.Mutex
	windows map[string]*window
}

// window is the sliding rate-limit window of one token.
type window struct {
	times        []time.Time
	blockedUntil time.Time
}

var _ crm.Fake = (*Fake)(nil)

// New returns an empty emulator.
func New(opt Options) *Fake {
	if opt.Token == "" {
		opt.Token = DefaultToken
	}
	if opt.BlockFor <= 0 {
		opt.BlockFor = time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ExtraFields == nil {
		opt.ExtraFields = DefaultExtraFields
	}
	if opt.Statuses == nil {
		opt.Statuses = DefaultStatuses
	}
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		loc = time.FixedZone("CET", 3600)
	}
	f := &Fake{opt: opt, warsaw: loc, extra: map[int]ExtraField{}, status: map[int]Status{},
		byID: map[int]*client{}, nextID: 1, pageSize: DefaultPageSize, windows: map[string]*window{}}
	for _, e := range opt.ExtraFields {
		f.extra[e.ID] = e
	}
	for _, s := range opt.Statuses {
		f.status[s.ID] = s
		if s.IsPrimary == 1 || f.primary == 0 {
			f.primary = s.ID
		}
	}
	f.Kit = fakekit.New(fakekit.Vendor{
		Op:            opName,
		IsWrite:       func(op string) bool { return op == "addCrmClient" || op == "deleteCrmClient" },
		VendorError:   f.vendorError,
		SecretHeaders: []string{"X-BLToken", formTokenHeader, formTokenEscHeader},
	})
	f.handler = f.Kit.Wrap(http.HandlerFunc(f.serve))
	return f
}

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.handler.ServeHTTP(w, r) }

// Headers through which a deprecated `token` form field reaches the kit's
// redaction (the kit redacts header values only).
const (
	formTokenHeader    = "X-Crmport-Form-Token"
	formTokenEscHeader = "X-Crmport-Form-Token-Escaped"
)

// formOf parses the request's form from the query and the body, whatever
// the Content-Type says.
func formOf(r *http.Request, body []byte) url.Values {
	v, _ := url.ParseQuery(r.URL.RawQuery)
	if v == nil {
		v = url.Values{}
	}
	if b, err := url.ParseQuery(string(body)); err == nil {
		for k, vals := range b {
			v[k] = append(vals, v[k]...)
		}
	}
	return v
}

// opName names a request by its BaseLinker method and makes a form token
// visible to the kit's redaction.
func opName(r *http.Request, body []byte) string {
	form := formOf(r, body)
	if tok := form.Get("token"); tok != "" {
		r.Header.Set(formTokenHeader, tok)
		r.Header.Set(formTokenEscHeader, url.QueryEscape(tok))
	}
	return form.Get("method")
}

// vendorError answers an injected vendor error (code "" = the rate limit).
func (f *Fake) vendorError(w http.ResponseWriter, _ *http.Request, code string) {
	switch code {
	case "", ErrBlockedToken:
		writeError(w, ErrBlockedToken, f.blockedMessage(f.opt.Now().Add(time.Second)))
	case "ERROR_USER_ACCOUNT_BLOCKED":
		writeError(w, code, "User account blocked")
	default:
		writeError(w, code, "Injected error "+code)
	}
}

func (f *Fake) blockedMessage(until time.Time) string {
	return "Query limit exceeded, token blocked until " + until.In(f.warsaw).Format(time.DateTime)
}

// allow applies the rate limit to one request of token; it returns the
// block end when the request is refused.
func (f *Fake) allow(token string) (time.Time, bool) {
	f.rlMu.Lock()
	defer f.rlMu.Unlock()
	if f.opt.Limit <= 0 {
		return time.Time{}, true
	}
	now := f.opt.Now()
	w := f.windows[token]
	if w == nil {
		w = &window{}
		f.windows[token] = w
	}
	if now.Before(w.blockedUntil) {
		return w.blockedUntil, false
	}
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(w.times) && !w.times[i].After(cut) {
		i++
	}
	w.times = w.times[i:]
	if len(w.times) >= f.opt.Limit {
		until := now.Add(f.opt.BlockFor)
		if t := until.Truncate(time.Second); !t.Equal(until) {
			until = t.Add(time.Second)
		}
		w.blockedUntil = until
		w.times = nil
		return until, false
	}
	w.times = append(w.times, now)
	return time.Time{}, true
}

func writeRaw(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, code, msg string) {
	var b bytes.Buffer
	b.WriteString(`{"status":"ERROR","error_code":`)
	writeString(&b, code)
	b.WriteString(`,"error_message":`)
	writeString(&b, msg)
	b.WriteString("}")
	writeRaw(w, b.Bytes())
}

// writeString writes s as a JSON string, without HTML escaping.
func writeString(b *bytes.Buffer, s string) {
	plain := utf8.ValidString(s)
	for i := 0; plain && i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			plain = false
		}
	}
	if plain && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029") {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// apiErr is a BaseLinker error answer.
type apiErr struct{ code, msg string }

func errf(code, format string, args ...any) *apiErr {
	return &apiErr{code, fmt.Sprintf(format, args...)}
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSuffix(r.URL.Path, "/") != "/connector.php" {
		http.Error(w, fmt.Sprintf("404 page not found: %s (this emulator serves only /connector.php)", r.URL.Path), http.StatusNotFound)
		return
	}
	body := readBody(r)
	form := formOf(r, body)
	token := r.Header.Get("X-BLToken")
	if token == "" {
		token = form.Get("token")
	}
	if token != f.opt.Token {
		writeError(w, ErrBadToken, "Invalid user token")
		return
	}
	if until, ok := f.allow(token); !ok {
		writeError(w, ErrBlockedToken, f.blockedMessage(until))
		return
	}
	method := form.Get("method")
	params := map[string]json.RawMessage{}
	if p := strings.TrimSpace(form.Get("parameters")); p != "" {
		if err := json.Unmarshal([]byte(p), &params); err != nil || params == nil {
			writeError(w, ErrParseJSON, "Invalid JSON in parameters: a JSON object is expected, e.g. {\"page\":1}")
			return
		}
	}
	var out []byte
	var aerr *apiErr
	switch method {
	case "addCrmClient":
		out, aerr = f.addClient(params)
	case "getCrmClients":
		out, aerr = f.getClients(params)
	case "getCrmClientData":
		out, aerr = f.getClientData(params)
	case "deleteCrmClient":
		out, aerr = f.deleteClient(params)
	case "getCrmClientExtraFields":
		out, aerr = f.extraFields(params)
	case "getCrmClientStatuses":
		out, aerr = f.statuses(params)
	case "":
		aerr = errf(ErrUnknownMethod, "Missing method: send the form field \"method\"")
	default:
		aerr = errf(ErrUnknownMethod, "Unknown method %q", method)
	}
	if aerr != nil {
		writeError(w, aerr.code, aerr.msg)
		return
	}
	writeRaw(w, out)
}

func readBody(r *http.Request) []byte {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 32<<20))
	return buf.Bytes()
}

// onlyKeys refuses parameters other than allowed.
func onlyKeys(params map[string]json.RawMessage, allowed ...string) *apiErr {
	for k := range params {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return errf(ErrUnknownField, "Unknown parameter %q (known: %s)", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// intParam reads an integer given as a number or a numeric string ("" = 0).
func intParam(params map[string]json.RawMessage, k string) (int, bool, *apiErr) {
	raw, ok := params[k]
	if !ok {
		return 0, false, nil
	}
	n, ok2 := parseInt(raw)
	if !ok2 {
		return 0, true, errf(ErrInvalidValue, "Field %q must be an integer", k)
	}
	return n, true, nil
}

func parseInt(raw json.RawMessage) (int, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	switch x := v.(type) {
	case nil:
		return 0, true
	case float64:
		if x != float64(int(x)) {
			return 0, false
		}
		return int(x), true
	case string:
		if strings.TrimSpace(x) == "" {
			return 0, true
		}
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func boolParam(params map[string]json.RawMessage, k string) bool {
	raw, ok := params[k]
	if !ok {
		return false
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x == "1" || strings.EqualFold(x, "true")
	}
	return false
}

func (f *Fake) extraFields(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params); e != nil {
		return nil, e
	}
	var b bytes.Buffer
	b.WriteString(`{"status":"SUCCESS","extra_fields":`)
	if f.opt.ExtraFieldsAsList {
		data, _ := json.Marshal(f.opt.ExtraFields)
		b.Write(data)
	} else {
		b.WriteString("{")
		for i, e := range f.opt.ExtraFields {
			if i > 0 {
				b.WriteString(",")
			}
			data, _ := json.Marshal(e)
			fmt.Fprintf(&b, "%q:%s", strconv.Itoa(e.ID), data)
		}
		b.WriteString("}")
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

func (f *Fake) statuses(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params); e != nil {
		return nil, e
	}
	data, _ := json.Marshal(map[string]any{"status": "SUCCESS", "statuses": f.opt.Statuses})
	return data, nil
}
