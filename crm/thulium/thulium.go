// Package thulium is the crmport client for the Thulium contact-centre CRM
// REST API (https://NAME.thulium.com/api/...; seeds/001 and VENDOR-APIS.md §2).
//
// Create sends one customer per POST /api/customers. Thulium also has
// POST /api/batch/customers, but the shape of its answer is not documented:
// with it a failed batch would leave every customer's outcome unknown, so
// crmport does not use it and runs several single creates in parallel
// instead (Capabilities: MaxBatch 1, Workers 4). Updates use the documented
// PUT /api/batch/customers; UpdateOne uses PUT /api/customers/:id.
//
// Records use Thulium's field names; address objects are flattened
// ("address.city", "invoice_address.postcode"), custom fields are
// "custom_fields.<Name>". List returns customer_id as a string, phone_number
// as []string (all the customer's numbers), e-mail as Thulium sends it (a
// string, or []string when it sends several), other numbers as int64 or
// float64 and dates as the strings Thulium sends.
package thulium

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// Environment variables of DESIGN.md "Credentials and endpoints".
const (
	EnvURL      = "CRMPORT_THULIUM_URL"
	EnvUser     = "CRMPORT_THULIUM_USER"
	EnvPassword = "CRMPORT_THULIUM_PASSWORD"
)

// DefaultPageSize is the number of customers asked for per GET page.
const DefaultPageSize = 100

// maxPageSize is Thulium's documented maximum for limit.
const maxPageSize = 1000

// maxBody caps how much of an answer is read.
const maxBody = 64 << 20

// Config configures a Client.
type Config struct {
	URL      string        // https://NAME.thulium.com; the client appends /api/...
	User     string        // API user (Panel → Administracja → Użytkownicy API)
	Password string        // API user's password
	Timeout  time.Duration // per-request timeout of the default HTTP client; 0 = 60s
	PageSize int           // customers per List page (limit); 0 = 100, at most 1000
}

// Client talks to one Thulium system.
type Client struct {
	base     string // scheme://host[/prefix], no trailing slash
	user     string
	password string
	pageSize int
	hc       *http.Client
}

var (
	_ crm.Vendor  = (*Client)(nil)
	_ crm.Updater = (*Client)(nil)
	_ crm.Finder  = (*Client)(nil)
	_ crm.Deleter = (*Client)(nil)
)

// New validates cfg and returns a client. hc carries timeouts and tracing;
// nil means a client with cfg.Timeout (default 60s).
func New(cfg Config, hc *http.Client) (*Client, error) {
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		return nil, fmt.Errorf("the Thulium address is missing: set %s to your system's address, e.g. https://NAME.thulium.com", EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s is not a web address: it should look like https://NAME.thulium.com", EnvURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s must not contain a user name or password: put them in %s and %s", EnvURL, EnvUser, EnvPassword)
	}
	if strings.TrimSpace(cfg.User) == "" {
		return nil, fmt.Errorf("the Thulium API user is missing: set %s (Thulium panel: Administracja → Użytkownicy → Użytkownicy API)", EnvUser)
	}
	if cfg.Password == "" {
		return nil, fmt.Errorf("the Thulium API password is missing: set %s", EnvPassword)
	}
	if cfg.PageSize < 0 || cfg.PageSize > maxPageSize {
		return nil, fmt.Errorf("thulium page size %d is out of range: use 1 to %d", cfg.PageSize, maxPageSize)
	}
	u.RawQuery, u.Fragment = "", ""
	base := strings.TrimRight(u.String(), "/")
	base = strings.TrimSuffix(base, "/api")
	hc = vendorkit.HTTPClient(hc, cfg.Timeout)
	ps := cfg.PageSize
	if ps == 0 {
		ps = DefaultPageSize
	}
	return &Client{base: base, user: strings.TrimSpace(cfg.User), password: cfg.Password, pageSize: ps, hc: hc}, nil
}

// Registration describes Thulium to the crm registry.
func Registration() crm.Registration {
	return crm.Registration{
		Name:        vendorName,
		Title:       "Thulium",
		Description: "Thulium contact-centre CRM (REST API, customers)",
		Env: []crm.EnvVar{
			{Name: EnvURL, Description: "your Thulium address, e.g. https://NAME.thulium.com", Required: true},
			{Name: EnvUser, Description: "Thulium API user name", Required: true},
			{Name: EnvPassword, Description: "Thulium API user password", Required: true, Secret: true},
		},
		New: func(cfg map[string]string, hc *http.Client) (crm.Vendor, error) {
			return New(Config{URL: cfg[EnvURL], User: cfg[EnvUser], Password: cfg[EnvPassword]}, hc)
		},
		Catalogue: Catalogue,
		Aliases:   aliases,
		Home:      "PL", // a Polish contact-centre platform
		// "Wrong format of phone number." (VENDOR-APIS.md §2; the
		// emulator's rule: 6-15 digits, spaces, - ( ) and .)
		Phone:  crm.PhoneRule{MinDigits: 6, MaxDigits: 15, Chars: " -()."},
		Custom: crm.CustomFields{Prefix: "custom_fields.", Noun: "custom field"},
	}
}

// Name returns "thulium".
func (c *Client) Name() string { return vendorName }

// Capabilities reports one customer per create (see the package comment for
// why the batch endpoint is not used), four creates in flight, and no
// documented rate limit.
func (c *Client) Capabilities() crm.Capabilities {
	return crm.Capabilities{
		MaxBatch:     1,
		DefaultBatch: 1,
		Workers:      4,
		List:         true,
		PageSize:     c.pageSize,
		Rate:         rate.Inf,
		Burst:        1,
		IDField:      "customer_id",
	}
}

// Fields returns the static catalogue: Thulium has no endpoint listing the
// account's custom fields, so any custom_fields.<Name> is accepted.
func (c *Client) Fields(ctx context.Context) ([]crm.Field, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return Catalogue(), nil
}

// Create adds one customer with POST /api/customers. A customer Thulium
// refuses (4xx) is a failed result carrying every vendor message; an answer
// without a customer_id, or a lost answer, is KindAmbiguous.
func (c *Client) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	const op = "POST /api/customers"
	if len(recs) > 1 {
		return nil, fmt.Errorf("thulium create: %d customers given, at most 1 per call", len(recs))
	}
	results := make([]crm.Result, len(recs))
	for i, rec := range recs {
		body, err := encodeRecord(op, rec, false)
		if err != nil {
			results[i] = crm.Result{Status: crm.StatusFailed, Err: err}
			continue
		}
		status, ans, err := c.send(ctx, http.MethodPost, "/api/customers", nil, body, true, op)
		if err != nil {
			if crm.KindOf(err) == crm.KindRejected {
				results[i] = crm.Result{Status: crm.StatusFailed, Err: err}
				continue
			}
			return nil, err
		}
		var ca createAnswer
		if err := json.Unmarshal(ans, &ca); err != nil || ca.CustomerID == "" {
			if err == nil {
				err = errors.New("no customer_id in the answer")
			}
			return nil, badAnswer(op, true, status, ans, err)
		}
		results[i] = crm.Result{Status: crm.StatusCreated, ID: string(ca.CustomerID)}
	}
	return results, nil
}

// Update changes existing customers with one PUT /api/batch/customers
// {"customers":[{"customer_id":…,…}]}; only the fields present are sent.
// The answer is read defensively: an empty 2xx body means all were updated;
// an array is aligned with the input; an object keyed by customer id
// carries a per-customer http_status (as the batch-delete answer does).
// A customer the answer does not mention fails with KindAmbiguous.
func (c *Client) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	const op = "PUT /api/batch/customers"
	results := make([]crm.Result, len(recs))
	var sent []int
	var body batchBody
	for i, rec := range recs {
		w, err := encodeRecord(op, rec, true)
		if err != nil {
			results[i] = crm.Result{Status: crm.StatusFailed, Err: err}
			continue
		}
		sent = append(sent, i)
		body.Customers = append(body.Customers, w)
	}
	if len(sent) == 0 {
		return results, nil
	}
	status, ans, err := c.send(ctx, http.MethodPut, "/api/batch/customers", nil, body, true, op)
	if err != nil {
		if crm.KindOf(err) == crm.KindRejected && len(sent) == 1 {
			results[sent[0]] = crm.Result{Status: crm.StatusFailed, ID: idOf(recs[sent[0]]), Err: err}
			return results, nil
		}
		return nil, err
	}
	ids := make([]string, len(sent))
	for k, i := range sent {
		ids[k] = idOf(recs[i])
	}
	items, err := decodeBatchAnswer(ans, ids)
	if err != nil {
		return nil, badAnswer(op, true, status, ans, err)
	}
	for k, i := range sent {
		results[i] = itemResult(op, ids[k], items[k])
	}
	return results, nil
}

// UpdateOne changes one customer with PUT /api/customers/:id (listed in
// Thulium's docs index as "Edycja klienta"); rec must carry customer_id and
// only its other fields are sent.
func (c *Client) UpdateOne(ctx context.Context, rec crm.Record) (crm.Result, error) {
	const op = "PUT /api/customers/:id"
	w, err := encodeRecord(op, rec, true)
	if err != nil {
		return crm.Result{Status: crm.StatusFailed, Err: err}, nil
	}
	id := idOf(rec)
	delete(w, "customer_id")
	_, _, err = c.send(ctx, http.MethodPut, "/api/customers/"+url.PathEscape(id), nil, w, true, op)
	if err != nil {
		if crm.KindOf(err) == crm.KindRejected {
			return crm.Result{Status: crm.StatusFailed, ID: id, Err: err}, nil
		}
		return crm.Result{}, err
	}
	return crm.Result{Status: crm.StatusUpdated, ID: id}, nil
}

// Delete removes a customer with DELETE /api/customers/:id. A customer that
// does not exist gives an error wrapping crm.ErrNotFound.
func (c *Client) Delete(ctx context.Context, id string) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return errors.New("thulium delete: the customer_id is empty")
	}
	_, _, err := c.send(ctx, http.MethodDelete, "/api/customers/"+url.PathEscape(id), nil, nil, true, "DELETE /api/customers/:id")
	return err
}

// listFilters are the documented query filters of GET /api/customers
// (custom_fields[...] filters are accepted as well).
var listFilters = map[string]bool{
	"identifier": true, "email": true, "phone_number": true, "nip": true, "company_id": true,
	"company_flag": true, "type": true, "group": true, "order": true,
}

// List returns one page of GET /api/customers (limit/offset; the cursor is
// the record offset). It ends when fewer than limit customers come back.
// q.Filters are passed as query parameters (identifier, email, phone_number,
// nip, company_id, company_flag, type, group, order, custom_fields[Name]).
// Thulium has no date filter, so q.Since/q.Until give an error wrapping
// crm.ErrUnsupported.
func (c *Client) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	if !q.Since.IsZero() || !q.Until.IsZero() {
		return crm.Page{}, fmt.Errorf("thulium cannot filter customers by date (its API has no date filter): remove --since/--until: %w", crm.ErrUnsupported)
	}
	offset := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return crm.Page{}, fmt.Errorf("thulium list: bad page cursor %q", cursor)
		}
		offset = n
	}
	v := url.Values{}
	keys := slices.Sorted(maps.Keys(q.Filters))
	for _, k := range keys {
		if !listFilters[k] && !strings.HasPrefix(k, "custom_fields[") {
			return crm.Page{}, fmt.Errorf("thulium cannot filter by %q: use one of company_flag, company_id, custom_fields[Name], email, group, identifier, nip, order, phone_number, type", k)
		}
		v.Set(k, q.Filters[k])
	}
	includes(v, q.Fields)
	rows, err := c.listPage(ctx, v, offset)
	if err != nil {
		return crm.Page{}, err
	}
	p := crm.Page{Records: rows}
	if len(rows) >= c.pageSize {
		p.Next = strconv.Itoa(offset + len(rows))
	}
	return p, nil
}

// includes asks for the address and custom-field objects that fields needs
// (all of them when fields is nil).
func includes(v url.Values, fields []string) {
	want := func(prefix string) bool {
		if fields == nil {
			return true
		}
		for _, f := range fields {
			if strings.HasPrefix(f, prefix) {
				return true
			}
		}
		return false
	}
	for _, p := range []struct{ param, prefix string }{
		{"include_address", "address."},
		{"include_invoice_address", "invoice_address."},
		{"include_mail_drop_address", "mail_drop_address."},
		{"include_custom_fields", CustomFieldPrefix},
	} {
		if want(p.prefix) {
			v.Set(p.param, "1")
		}
	}
}

// listPage fetches one page with the given query and offset.
func (c *Client) listPage(ctx context.Context, v url.Values, offset int) ([]crm.Record, error) {
	const op = "GET /api/customers"
	v.Set("limit", strconv.Itoa(c.pageSize))
	v.Set("offset", strconv.Itoa(offset))
	status, body, err := c.send(ctx, http.MethodGet, "/api/customers", v, nil, false, op)
	if err != nil {
		return nil, err
	}
	raw, err := decodeList(body)
	if err != nil {
		return nil, badAnswer(op, false, status, body, err)
	}
	out := make([]crm.Record, len(raw))
	for i, r := range raw {
		out[i] = flatten(r)
	}
	return out, nil
}

// Find looks a customer up by customer_id (GET /api/customers/:id), else by
// identifier, else e-mail, else phone_number (GET /api/customers?…=value).
// Hits are compared exactly after normalisation (identifier trimmed, e-mail
// trimmed and lower-cased, phone by its digits); an empty value is never
// sent (an empty identifier filter would return every customer without one).
// No match gives an error wrapping crm.ErrNotFound.
func (c *Client) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	if id := idOf(rec); id != "" {
		const op = "GET /api/customers/:id"
		v := url.Values{}
		includes(v, nil)
		status, body, err := c.send(ctx, http.MethodGet, "/api/customers/"+url.PathEscape(id), v, nil, false, op)
		if err != nil {
			if errIsNotFound(err) {
				return "", nil, fmt.Errorf("thulium: no customer with customer_id %s: %w", id, crm.ErrNotFound)
			}
			return "", nil, err
		}
		var m map[string]any
		if err := decodeJSON(body, &m); err != nil || m == nil {
			return "", nil, badAnswer(op, false, status, body, err)
		}
		r := flatten(m)
		if got, _ := r["customer_id"].(string); got != "" {
			id = got
		}
		return id, r, nil
	}
	for _, key := range []struct {
		field string
		norm  func(string) string
	}{
		{"identifier", strings.TrimSpace},
		{"email", vendorkit.NormalizeEmail},
		{"phone_number", vendorkit.Digits},
	} {
		wants := values(rec[key.field])
		for _, want := range wants {
			nw := key.norm(want)
			if nw == "" {
				continue
			}
			id, stored, err := c.findBy(ctx, rec, key.field, strings.TrimSpace(want), nw, key.norm)
			if err == nil || !errors.Is(err, crm.ErrNotFound) {
				return id, stored, err
			}
		}
		if len(wants) > 0 && key.norm(strings.Join(wants, "")) != "" {
			return "", nil, fmt.Errorf("thulium: no customer with %s %s: %w", key.field, strings.Join(wants, ", "), crm.ErrNotFound)
		}
	}
	return "", nil, &crm.Error{Vendor: vendorName, Op: "find", Kind: crm.KindRejected,
		Message: "cannot look this customer up: it has no customer_id, identifier, e-mail or phone number (map identifier to a unique column)"}
}

// findBy pages through GET /api/customers?field=value until a customer whose
// field equals want after norm.
func (c *Client) findBy(ctx context.Context, rec crm.Record, field, value, want string, norm func(string) string) (string, crm.Record, error) {
	var best crm.Record
	bestScore := -1
	for offset := 0; ; {
		v := url.Values{}
		v.Set(field, value)
		includes(v, nil)
		rows, err := c.listPage(ctx, v, offset)
		if err != nil {
			return "", nil, err
		}
		for _, r := range rows {
			for _, got := range splitValues(field, values(r[field])) {
				// Of several customers sharing the value (colleagues with
				// one company e-mail), the one agreeing with rec on most
				// fields is ours.
				if norm(got) == want {
					if score := vendorkit.Agreement(rec, r); score > bestScore {
						best, bestScore = r, score
					}
					break
				}
			}
		}
		if len(rows) < c.pageSize {
			if best == nil {
				return "", nil, fmt.Errorf("thulium: no customer with %s %s: %w", field, value, crm.ErrNotFound)
			}
			id, _ := best["customer_id"].(string)
			return id, best, nil
		}
		offset += len(rows)
	}
}

// splitValues splits e-mail values that Thulium may join with ", " or ";"
// into single addresses; other fields are returned as they are.
func splitValues(field string, vals []string) []string {
	if field != "email" {
		return vals
	}
	var out []string
	for _, v := range vals {
		out = append(out, strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' })...)
	}
	return out
}

// send performs one request and returns the 2xx answer's status and body,
// or a classified error.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body any, write bool, op string) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(body); err != nil {
			return 0, nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Message: "cannot encode the customer as JSON: " + err.Error()}
		}
		rd = &buf
	}
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var sent atomic.Bool
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				sent.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(tctx, method, u, rd)
	if err != nil {
		return 0, nil, fmt.Errorf("thulium %s: cannot build the request (check %s): %w", op, EnvURL, err)
	}
	req.SetBasicAuth(c.user, c.password)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, transport.Error(ctx, op, write, sent.Load(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, transport.Error(ctx, op, write, true, err)
	}
	if err := checkResponse(op, resp, data); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, data, nil
}
