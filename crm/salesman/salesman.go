// Package salesman is the client of SalesMan CRM API v3 (client method):
// POST {URL}/developer/v3/client/{action} with a JSON body and the headers
// Content-Type: application/json (exactly), apikey and login.
//
// It follows what the vendor's real server does (shared/vendor-recordings/
// salesman/RESULTS.md) where that differs from the documentation: every
// answer is HTTP 200 with the outcome in the body, duplicates are code 304
// with the existing clid in "exists" (the documented 406 with "data" is
// accepted too), client/list pages are 200 rows newest first and need
// "order", and titles are rewritten by the server (see Normalize).
//
// The client does not retry, pace or log: crm/retry does that. Every
// failure is a *crm.Error classified once, in checkResponse/recordError.
package salesman

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

const vendorName = "salesman"

// Environment variables of DESIGN.md "Credentials and endpoints".
const (
	EnvURL    = "CRMPORT_SALESMAN_URL"
	EnvLogin  = "CRMPORT_SALESMAN_LOGIN"
	EnvAPIKey = "CRMPORT_SALESMAN_APIKEY"
)

// Limits of the client.
const (
	// PageSize is the server's fixed client/list page size.
	PageSize = 200
	// MaxBatch is the largest add.list batch the client sends (the real
	// server took 1000 records in about 4 s).
	MaxBatch = 1000
	// DefaultBatch is the batch size the importer uses by default.
	DefaultBatch = 100
	// DefaultTimeout is the HTTP timeout used when New gets no client.
	DefaultTimeout = 2 * time.Minute
)

// Config holds what the client needs to reach one SalesMan CRM.
type Config struct {
	URL    string // CRM root, e.g. https://crm.example.ru (trailing slash tolerated)
	Login  string // login of the API user (header "login")
	APIKey string // API key (header "apikey"); never printed
}

// Client talks to one SalesMan CRM. It is safe for concurrent use.
type Client struct {
	base   string // CRM root without trailing slash
	login  string
	apikey string
	hc     *http.Client
}

var (
	_ crm.Vendor  = (*Client)(nil)
	_ crm.Updater = (*Client)(nil)
	_ crm.Finder  = (*Client)(nil)
	_ crm.Deleter = (*Client)(nil)
)

// New validates cfg and returns a client. hc carries timeouts and tracing;
// nil means a client with DefaultTimeout.
func New(cfg Config, hc *http.Client) (*Client, error) {
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		return nil, fmt.Errorf("salesman: the CRM address is missing: set %s to the CRM root, e.g. https://crm.example.ru", EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("salesman: %s=%q is not an http(s) address; use the CRM root, e.g. https://crm.example.ru", EnvURL, raw)
	}
	base := strings.TrimRight(raw, "/")
	// Tolerate a URL pasted with the API path.
	if i := strings.Index(base, "/developer/v3"); i >= 0 {
		base = base[:i]
	}
	if strings.TrimSpace(cfg.Login) == "" {
		return nil, fmt.Errorf("salesman: the login is missing: set %s to the SalesMan user's login (usually an e-mail)", EnvLogin)
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, fmt.Errorf("salesman: the API key is missing: set %s (SalesMan: Панель управления / Общие настройки / Настройки безопасности)", EnvAPIKey)
	}
	hc = vendorkit.HTTPClient(hc, DefaultTimeout)
	return &Client{base: base, login: strings.TrimSpace(cfg.Login), apikey: strings.TrimSpace(cfg.APIKey), hc: hc}, nil
}

// Registration describes the SalesMan client to the vendor registry.
func Registration() crm.Registration {
	return crm.Registration{
		Name:        vendorName,
		Title:       "SalesMan",
		Description: "SalesMan CRM (API v3): clients via client/add.list, update, list",
		Env: []crm.EnvVar{
			{Name: EnvURL, Description: "CRM root address, e.g. https://crm.example.ru", Required: true},
			{Name: EnvLogin, Description: "login of the SalesMan user the API acts as", Required: true},
			{Name: EnvAPIKey, Description: "API key (Панель управления / Общие настройки / Настройки безопасности)", Required: true, Secret: true},
		},
		New: func(cfg map[string]string, hc *http.Client) (crm.Vendor, error) {
			return New(Config{URL: cfg[EnvURL], Login: cfg[EnvLogin], APIKey: cfg[EnvAPIKey]}, hc)
		},
		Catalogue:   Catalogue,
		Aliases:     aliases,
		Strict4Byte: true, // utf8mb3 tables store emoji as "????"
		SwitchOn:    "Панель управления / Формы",
		Home:        "RU", // a Russian CRM: its own doc's phone is 8(912)884-45-55
		Normalize:   Normalize,
	}
}

// Name returns "salesman".
func (c *Client) Name() string { return vendorName }

// Capabilities reports SalesMan's limits: batches of up to MaxBatch
// (default 100), 4 requests in flight (the server serves several at once),
// list/update/delete, 200-row pages, no documented rate limit, ids in
// "clid", and 4-byte characters destroyed (utf8mb3 tables).
func (c *Client) Capabilities() crm.Capabilities {
	return crm.Capabilities{
		MaxBatch:     MaxBatch,
		DefaultBatch: DefaultBatch,
		Workers:      4,
		List:         true,
		PageSize:     PageSize,
		Rate:         rate.Inf,
		Burst:        1,
		IDField:      "clid",
	}
}

// call POSTs body as JSON to client/{action} and returns the raw answer
// after checkResponse. op is "client/{action}".
func (c *Client) call(ctx context.Context, action string, body any) ([]byte, error) {
	return c.post(ctx, action, body, true)
}

// post is call; with envelope false the answer's "error"/"result" are left
// for the caller to check with callFailed.
func (c *Client) post(ctx context.Context, action string, body any, envelope bool) ([]byte, error) {
	op := "client/" + action
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("salesman %s: %w", op, err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Message: "cannot encode the request: " + err.Error()}
	}
	var wrote atomic.Bool // set on the transport's goroutine
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost,
		c.base+"/developer/v3/client/"+action, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindFatal, Message: "cannot build the request; check " + EnvURL}
	}
	// Set the map directly: the server compares Content-Type with exact
	// string equality, and these lower-case names are what it looks up.
	req.Header["Content-Type"] = []string{"application/json"}
	req.Header["apikey"] = []string{c.apikey}
	req.Header["login"] = []string{c.login}
	req.Header["Accept"] = []string{"application/json"}

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, op, wrote.Load(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, c.transportError(ctx, op, true, err)
	}
	if err := c.checkResponse(op, resp, data, envelope); err != nil {
		return nil, err
	}
	return data, nil
}

// transportError classifies a failure to get an answer. Before the request
// was written it is retryable; after, a write's outcome is unknown.
func (c *Client) transportError(ctx context.Context, op string, wrote bool, err error) error {
	msg := c.redact(err.Error())
	if cerr := ctx.Err(); cerr != nil {
		if wrote && isWrite(op) {
			return &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindAmbiguous,
				Message: "cancelled after the request was sent; the outcome is unknown", Err: cerr}
		}
		return fmt.Errorf("salesman %s: %w", op, cerr)
	}
	e := &crm.Error{Vendor: vendorName, Op: op, Err: errors.New(msg)}
	if !wrote {
		e.Kind = crm.KindRetryable
		e.Message = "cannot reach the server (" + msg + "); check " + EnvURL + " and the network"
		return e
	}
	e.Kind = lostKind(op)
	if isWrite(op) {
		e.Message = "the request was sent but the answer was lost (" + msg + "); the outcome is unknown"
	} else {
		e.Message = "the answer was lost (" + msg + ")"
	}
	return e
}

// redact removes the API key and login from s.
func (c *Client) redact(s string) string {
	for _, secret := range []string{c.apikey, c.login} {
		if len(secret) >= 3 {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}

// decode unmarshals a JSON answer. The server emits invalid JSON when a
// stored text contains a literal backslash-u (RESULTS.md §2.6); such
// escapes are repaired before giving up.
func (c *Client) decode(op string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		dec = json.NewDecoder(bytes.NewReader(repairEscapes(data)))
		dec.UseNumber()
		if err2 := dec.Decode(v); err2 == nil {
			return nil
		}
	}
	return &crm.Error{Vendor: vendorName, Op: op, Kind: lostKind(op),
		Message: "the server's answer is not the expected JSON: " + c.redact(err.Error())}
}

// repairEscapes doubles backslashes inside JSON strings that do not start
// a valid escape, so `"C:\А\\path"` becomes `"C:\\А\\path"`.
func repairEscapes(b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	inStr := false
	for i := 0; i < len(b); i++ {
		ch := b[i]
		if !inStr {
			if ch == '"' {
				inStr = true
			}
			out = append(out, ch)
			continue
		}
		switch ch {
		case '"':
			inStr = false
			out = append(out, ch)
		case '\\':
			if i+1 < len(b) {
				n := b[i+1]
				valid := strings.IndexByte(`"\/bfnrt`, n) >= 0
				if n == 'u' && i+5 < len(b) && isHex4(b[i+2:i+6]) {
					valid = true
				}
				if valid {
					out = append(out, ch, n)
					i++
					continue
				}
			}
			out = append(out, '\\', '\\')
		default:
			out = append(out, ch)
		}
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return len(b) == 4
}
