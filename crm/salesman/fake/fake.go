// Package fake emulates the client API of SalesMan CRM v3
// (/developer/v3/client/{fields,list,info,add,add.list,update,delete}) as
// the vendor's real server answers it — the 188 recordings in
// shared/vendor-recordings/salesman win over the vendor's documents:
//
//   - HTTP 200 for every answer; errors in the body ({"result":"Error",
//     "error":{"code":N,"text":…}}), PHP fatal errors as an HTML body, an
//     empty body for an unknown method file;
//   - auth by apikey/login headers (or inside the JSON body when the
//     headers are absent), Content-Type exactly "application/json", form
//     mode (credentials and parameters in the query or a form body, values
//     passed through the server's Cleaner) for any other Content-Type;
//   - duplicates answered with code 304 and "exists" (Options.Duplicate406
//     switches to the documented 406 form), title rewriting, fieldClean,
//     phones split and rejoined, over-long values cut (or code 500 with
//     Options.Strict), 4-byte characters turned into "????";
//   - list pages of 200 by page index (offset), newest first whatever
//     "first" says, "order" required, "count" per page;
//   - switched-off form fields silently dropped (Options.ActiveFields);
//   - responses encoded like json_encode_cyr (basic Cyrillic raw, other
//     non-ASCII as \uXXXX, "/" as "\/").
//
// It deliberately does not emulate: the person/* methods (every person
// action answers 404 "Неизвестный метод"), deals and their effect on
// delete, notifications and webhooks, users other than the one configured
// (an unknown "user" login gives iduser 0 as on the real server), gzip
// compression of answers, the CRM's HTML front page (a short HTML page
// stands in for it), header-name case (net/http canonicalises names, so
// "APIKEY" or "Content-type" are accepted where the real server refuses
// them), and SQL injection through "order" beyond the one recorded
// "col ASC,col" form.
//
// Paths are served relative to the handler's root (mount it with
// http.StripPrefix, e.g. under /salesman). The store is in memory, safe for
// concurrent use, and clids are deterministic (1, 2, 3…).
package fake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// Path is the API prefix every client method lives under, relative to the
// fake's root.
const Path = "/developer/v3/client/"

// The sandbox credentials.
const (
	DefaultLogin  = "sandbox@example.com"
	DefaultAPIKey = "sandbox-key"
)

// DefaultPageSize is the fixed page size of client/list on the real server.
const DefaultPageSize = 200

// Options configures a Fake. The zero value gives the sandbox defaults.
type Options struct {
	Login    string // login of the only user (iduser 1); default DefaultLogin
	APIKey   string // the account's API key; default DefaultAPIKey
	UserName string // display name of that user (creator/editor in info); default "Sandbox Admin"

	// Duplicate406 answers a duplicate with the documented form
	// {"result":"Error","error":{"code":406,…},"data":clid} instead of the
	// real server's code 304 with "exists".
	Duplicate406 bool
	// ActiveFields are the client form fields switched on; nil means
	// FreshFields. Values sent for other fields are silently dropped.
	ActiveFields []string
	// Now is the clock for date_create/date_edit; default time.Now.
	Now func() time.Time
	// Location is the account's time zone; default Moscow (UTC+3).
	Location *time.Location
	// PageSize of client/list; default DefaultPageSize (200).
	PageSize int
	// Strict emulates MariaDB's strict sql_mode: an over-long value or a
	// 4-byte character answers code 500 instead of being cut or turned
	// into "????".
	Strict bool
}

// Fake is the SalesMan emulator: an http.Handler with the crm.Controller
// test surface.
type Fake struct {
	kit     *fakekit.Kit
	handler http.Handler

	mu       sync.Mutex
	opt      Options
	active   map[string]bool
	pageSize int
	st       state
	byClid   map[int64]*client
	byTitle  map[string][]*client
}

var _ crm.Fake = (*Fake)(nil)

// New returns an emulator with an empty store.
func New(opt Options) *Fake {
	if opt.Login == "" {
		opt.Login = DefaultLogin
	}
	if opt.APIKey == "" {
		opt.APIKey = DefaultAPIKey
	}
	if opt.UserName == "" {
		opt.UserName = "Sandbox Admin"
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.FixedZone("MSK", 3*3600)
	}
	if opt.PageSize <= 0 {
		opt.PageSize = DefaultPageSize
	}
	f := &Fake{opt: opt, pageSize: opt.PageSize}
	f.setActive(opt.ActiveFields)
	f.resetStore()
	f.kit = fakekit.New(fakekit.Vendor{
		Op:            opName,
		IsWrite:       isWrite,
		VendorError:   vendorError,
		SecretHeaders: []string{"apikey", "login", secretHeader + "1", secretHeader + "2"},
	})
	f.handler = f.kit.Wrap(http.HandlerFunc(f.serve))
	return f
}

// secretHeader carries credentials found in the query or body to the
// request recorder, so that they are redacted there too.
const secretHeader = "X-Fake-Secret-"

// ServeHTTP answers one API request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := readBody(r)
	n := 0
	for _, v := range bodyCredentials(r, body) {
		if n < 2 && v != "" {
			n++
			r.Header.Set(secretHeader+string(rune('0'+n)), v)
		}
	}
	f.handler.ServeHTTP(w, r)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	_ = r.Body.Close()
	r.Body = readCloser{bytes.NewReader(b.Bytes())}
	return b.Bytes(), err
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// bodyCredentials returns the apikey values sent in the query or body
// (the login is not a secret).
func bodyCredentials(r *http.Request, body []byte) []string {
	out := []string{r.URL.Query().Get("apikey")}
	if bytes.Contains(body, []byte("apikey")) {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			s, _ := m["apikey"].(string)
			out = append(out, s)
		} else if v, err := url.ParseQuery(string(body)); err == nil {
			out = append(out, v.Get("apikey"))
		}
	}
	return out
}

// opName names the operation of a request: "client/<action>".
func opName(r *http.Request, _ []byte) string {
	rest := strings.TrimPrefix(r.URL.Path, "/developer/v3/")
	rest = strings.TrimSuffix(rest, "/")
	return rest
}

func isWrite(op string) bool {
	switch op {
	case "client/add", "client/add.list", "client/update", "client/delete":
		return true
	}
	return false
}

// vendorError answers a fault in SalesMan's own style: "html" (or any
// other code) is a PHP fatal error with status 200, "empty" an empty body;
// "" (random mode; SalesMan has no rate-limit error) picks one of the two
// from the request.
func vendorError(w http.ResponseWriter, r *http.Request, code string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if code == "" {
		if len(r.URL.Path)%2 == 0 {
			code = "html"
		} else {
			code = "empty"
		}
	}
	w.WriteHeader(http.StatusOK)
	if code == "empty" {
		return
	}
	_, _ = w.Write([]byte(fatalTimeout))
}

const fatalTimeout = "<br />\n<b>Fatal error</b>:  Maximum execution time of 300 seconds exceeded in <b>CRM_ROOT/inc/class/Client.php</b> on line <b>1406</b><br />\n"

// SetActiveFields switches the given client form fields on and every
// other optional field off (nil = FreshFields).
func (f *Fake) SetActiveFields(fields []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setActive(fields)
}

func (f *Fake) setActive(fields []string) {
	if fields == nil {
		fields = FreshFields
	}
	f.active = map[string]bool{}
	for _, k := range FreshFields[:5] { // ids and dates are always there
		f.active[k] = true
	}
	f.active["title"] = true
	for _, k := range fields {
		f.active[k] = true
	}
}

// ActiveFields returns the client form fields switched on, in form order.
func (f *Fake) ActiveFields() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, k := range fieldOrder {
		if f.active[k] {
			out = append(out, k)
		}
	}
	return out
}

// SetStrict switches the strict sql_mode emulation on or off.
func (f *Fake) SetStrict(on bool) {
	f.mu.Lock()
	f.opt.Strict = on
	f.mu.Unlock()
}

// Reset empties the store, the fault queue and the request log; clids
// start at 1 again.
func (f *Fake) Reset() {
	f.kit.Reset()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pageSize = f.opt.PageSize
	f.resetStore()
}

// SetPageSize overrides the 200-row page of client/list.
func (f *Fake) SetPageSize(n int) {
	if n <= 0 {
		n = f.opt.PageSize
	}
	f.mu.Lock()
	f.pageSize = n
	f.mu.Unlock()
}

// Inject queues a fault for the next matching request(s); Op is
// "client/<action>", Code "html" answers a PHP fatal error and "empty" an
// empty body (both with status 200).
func (f *Fake) Inject(flt crm.Fault) { f.kit.Inject(flt) }

// SetFaultRate answers a fraction p of requests with a random transient
// fault (5xx, 429, dropped connection, HTML fatal or empty body, and for
// writes an applied-but-lost answer), reproducibly from seed.
func (f *Fake) SetFaultRate(p float64, seed int64) { f.kit.SetFaultRate(p, seed) }

// SetLatency adds d before every answer.
func (f *Fake) SetLatency(d time.Duration) { f.kit.SetLatency(d) }

// SetRetryAfter sets the Retry-After of random 429 faults (tests use 0).
func (f *Fake) SetRetryAfter(d time.Duration) { f.kit.SetRetryAfter(d) }

// Requests returns the recorded requests with apikey values redacted.
func (f *Fake) Requests() []crm.RecordedRequest { return f.kit.Requests() }
