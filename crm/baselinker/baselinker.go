// Package baselinker is the crmport client for the BaseLinker (Base.com)
// connector API's CRM methods (seeds/000, seeds/003, VENDOR-APIS.md §3).
//
// Every call is POST {URL} with the form fields method and parameters (JSON)
// and the token in the X-BLToken header only (never the deprecated token
// field, never the URL). BaseLinker answers HTTP 200 with status SUCCESS or
// ERROR; checkResponse classifies both. There is no batch method: Create and
// Update send one client per addCrmClient call, and the account's limit of
// 100 requests per minute (shared with other integrations) sets the pace
// (Capabilities.Rate 90/min, enforced by crm/retry, not here).
//
// Records use BaseLinker's field names; custom extra fields are
// "custom_extra_fields.<id>". List returns crm_client_id as a string,
// status_id, star and contractor_id as int64, texts as strings.
package baselinker

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
	"sort"
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
	EnvToken = "CRMPORT_BASELINKER_TOKEN"
	EnvURL   = "CRMPORT_BASELINKER_URL"
)

// DefaultURL is BaseLinker's public connector.
const DefaultURL = "https://api.baselinker.com/connector.php"

// PageSize is the number of clients getCrmClients returns per page.
const PageSize = 100

// maxBody caps how much of an answer is read.
const maxBody = 64 << 20

// Config configures a Client.
type Config struct {
	URL      string        // connector address; "" = DefaultURL
	Token    string        // API token (panel: Account & other → My account → API)
	Timeout  time.Duration // per-request timeout of the default HTTP client; 0 = 60s
	PageSize int           // clients per full getCrmClients page; 0 = 100 (set only for emulators with smaller pages)
}

// Client talks to one BaseLinker account.
type Client struct {
	url      string
	token    string
	pageSize int
	hc       *http.Client
	now      func() time.Time
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
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		return nil, fmt.Errorf("the BaseLinker API token is missing: set %s (BaseLinker panel: Account & other → My account → API)", EnvToken)
	}
	raw := strings.TrimSpace(cfg.URL)
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s is not a web address: leave it empty for %s", EnvURL, DefaultURL)
	}
	if u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("%s must be a plain address without user names or query parameters (the token goes in %s)", EnvURL, EnvToken)
	}
	if cfg.PageSize < 0 {
		return nil, fmt.Errorf("baselinker page size %d is negative", cfg.PageSize)
	}
	hc = vendorkit.HTTPClient(hc, cfg.Timeout)
	ps := cfg.PageSize
	if ps == 0 {
		ps = PageSize
	}
	return &Client{url: u.String(), token: token, pageSize: ps, hc: hc, now: time.Now}, nil
}

// Registration describes BaseLinker to the crm registry.
func Registration() crm.Registration {
	return crm.Registration{
		Name:        vendorName,
		Title:       "BaseLinker",
		Description: "BaseLinker / Base.com CRM clients (connector API)",
		Env: []crm.EnvVar{
			{Name: EnvToken, Description: "BaseLinker API token (panel: Account & other → My account → API)", Required: true, Secret: true},
			{Name: EnvURL, Description: "connector address", Default: DefaultURL},
		},
		New: func(cfg map[string]string, hc *http.Client) (crm.Vendor, error) {
			return New(Config{URL: cfg[EnvURL], Token: cfg[EnvToken]}, hc)
		},
		Catalogue:   Catalogue,
		Aliases:     aliases,
		Strict4Byte: true, // Base.com turns emoji into "?"
		Home:        "PL", // a Polish e-commerce platform
		Custom:      crm.CustomFields{Prefix: ExtraFieldPrefix, Noun: "extra field", Numeric: true},
		RetryNotice: retryNotice,
	}
}

// Name returns "baselinker".
func (c *Client) Name() string { return vendorName }

// Capabilities reports one client per call, one worker, and a pace of 90
// requests per minute (the token allows 100, shared with other integrations).
func (c *Client) Capabilities() crm.Capabilities {
	return crm.Capabilities{
		MaxBatch:     1,
		DefaultBatch: 1,
		Workers:      1,
		List:         true,
		PageSize:     c.pageSize,
		Rate:         rate.Every(time.Minute / 90),
		Burst:        1,
		IDField:      "crm_client_id",
	}
}

// Fields returns the catalogue plus the account's custom extra fields
// (getCrmClientExtraFields, as custom_extra_fields.<id> labelled with their
// names); the status_id description lists the account's statuses
// (getCrmClientStatuses).
func (c *Client) Fields(ctx context.Context) ([]crm.Field, error) {
	fields := Catalogue()
	statuses, err := c.Statuses(ctx)
	if err != nil && crm.KindOf(err) != crm.KindRejected {
		return nil, err
	}
	if len(statuses) > 0 {
		var parts []string
		for _, s := range statuses {
			parts = append(parts, strconv.FormatInt(s.ID, 10)+" = "+s.Name)
		}
		for i := range fields {
			if fields[i].Name == "status_id" {
				fields[i].Description += " On this account: " + strings.Join(parts, ", ") + "."
			}
		}
	}
	extra, err := c.ExtraFields(ctx)
	if err != nil {
		return nil, err
	}
	return append(fields, extra...), nil
}

// ExtraFields returns the account's custom extra fields
// (getCrmClientExtraFields), decoding both the list form and the object
// keyed by id. File fields are read-only (a spreadsheet cannot carry the file).
func (c *Client) ExtraFields(ctx context.Context) ([]crm.Field, error) {
	const op = "getCrmClientExtraFields"
	var ans extraFieldsAnswer
	if err := c.call(ctx, op, struct{}{}, false, &ans); err != nil {
		return nil, err
	}
	list, keys, err := decodeList[extraField](ans.ExtraFields)
	if err != nil {
		return nil, badAnswer(op, false, 200, ans.ExtraFields, err)
	}
	out := make([]crm.Field, 0, len(list))
	for i, ef := range list {
		id := strconv.FormatInt(int64(ef.ExtraFieldID), 10)
		if ef.ExtraFieldID == 0 {
			id = keys[i]
		}
		if id == "" {
			continue
		}
		f := crm.Field{Name: ExtraFieldPrefix + id, Label: ef.Name, Type: crm.TypeString, Active: true}
		opts := decodeOptions(ef.Options)
		switch strings.ToLower(ef.EditorType) {
		case "number":
			f.Type = crm.TypeNumber
		case "date":
			f.Type = crm.TypeDate
		case "select", "radio":
			if len(opts) > 0 {
				f.Type, f.Values = crm.TypeEnum, opts
			}
		case "checkbox":
			if len(opts) > 0 {
				f.Type, f.Values, f.Multi = crm.TypeEnum, opts, true
			} else {
				f.Type = crm.TypeBool
			}
		case "file":
			f.ReadOnly = true
		}
		f.Description = fmt.Sprintf("Custom extra field %q (%s) of this BaseLinker account.", ef.Name, ef.EditorType)
		if f.ReadOnly {
			f.Description += " File fields cannot be imported from a spreadsheet."
		}
		out = append(out, f)
	}
	return out, nil
}

// decodeOptions reads select/checkbox options given as a list of strings, a
// list of objects with a name or value, or an object keyed by id.
func decodeOptions(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var out []string
	var ss []string
	if json.Unmarshal(raw, &ss) == nil {
		return ss
	}
	var objs []map[string]any
	if json.Unmarshal(raw, &objs) == nil {
		for _, o := range objs {
			for _, k := range []string{"name", "value", "title", "label"} {
				if s, ok := o[k].(string); ok {
					out = append(out, s)
					break
				}
			}
		}
		return out
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sortNumeric(keys)
		for _, k := range keys {
			if s, ok := m[k].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// Statuses returns the account's client statuses (getCrmClientStatuses).
func (c *Client) Statuses(ctx context.Context) ([]CrmStatus, error) {
	const op = "getCrmClientStatuses"
	var ans statusesAnswer
	if err := c.call(ctx, op, struct{}{}, false, &ans); err != nil {
		return nil, err
	}
	list, keys, err := decodeList[wireStatus](ans.Statuses)
	if err != nil {
		return nil, badAnswer(op, false, 200, ans.Statuses, err)
	}
	out := make([]CrmStatus, 0, len(list))
	for i, s := range list {
		id := int64(s.ID)
		if id == 0 {
			id = int64(s.StatusID)
		}
		if id == 0 {
			id, _ = strconv.ParseInt(keys[i], 10, 64)
		}
		out = append(out, CrmStatus{ID: id, Name: s.Name, Color: s.Color, GroupID: int64(s.GroupID), IsPrimary: s.IsPrimary != 0})
	}
	return out, nil
}

// Create adds one client with addCrmClient (no crm_client_id). A client
// BaseLinker refuses is a failed result with its error_code and message; a
// SUCCESS without a crm_client_id, or a lost answer, is KindAmbiguous.
func (c *Client) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	return c.add(ctx, recs, false)
}

// Update changes existing clients with addCrmClient and their crm_client_id;
// only the fields present are sent (and changed). One call per record.
func (c *Client) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	return c.add(ctx, recs, true)
}

// add sends each record with addCrmClient.
func (c *Client) add(ctx context.Context, recs []crm.Record, update bool) ([]crm.Result, error) {
	const op = "addCrmClient"
	if !update && len(recs) > 1 {
		return nil, fmt.Errorf("baselinker create: %d clients given, at most 1 per call", len(recs))
	}
	results := make([]crm.Result, len(recs))
	for i, rec := range recs {
		params, err := encodeRecord(op, rec, update)
		if err != nil {
			results[i] = crm.Result{Status: crm.StatusFailed, Err: err}
			continue
		}
		var ans addAnswer
		err = c.call(ctx, op, params, true, &ans)
		if err != nil {
			if crm.KindOf(err) == crm.KindRejected {
				results[i] = crm.Result{Status: crm.StatusFailed, ID: idOf(rec), Err: err}
				continue
			}
			return nil, err
		}
		if ans.CrmClientID <= 0 {
			if update {
				results[i] = crm.Result{Status: crm.StatusUpdated, ID: idOf(rec)}
				continue
			}
			return nil, badAnswer(op, true, 200, nil, errors.New("SUCCESS without a crm_client_id"))
		}
		st := crm.StatusCreated
		if update {
			st = crm.StatusUpdated
		}
		results[i] = crm.Result{Status: st, ID: strconv.FormatInt(int64(ans.CrmClientID), 10)}
	}
	return results, nil
}

// Delete removes a client with deleteCrmClient.
func (c *Client) Delete(ctx context.Context, id string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("baselinker delete: %q is not a crm_client_id", id)
	}
	return c.call(ctx, "deleteCrmClient", map[string]any{"crm_client_id": n}, true, nil)
}

// listFilters are getCrmClients' filters; true = integer value.
var listFilters = map[string]bool{
	"filter_crm_client_id": true, "filter_status_id": true,
	"filter_email": false, "filter_phone": false, "filter_login": false,
	"filter_invoice_company": false, "filter_invoice_tax_id": false, "filter_invoice_fullname": false,
}

// List returns one page of getCrmClients (100 per page from page 1; the
// cursor is the next page number). It ends when fewer than 100 clients
// come back. q.Filters are getCrmClients' filter_* parameters (the
// "filter_" prefix may be left out); BaseLinker clients carry no dates, so
// q.Since/q.Until give an error wrapping crm.ErrUnsupported.
func (c *Client) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	if !q.Since.IsZero() || !q.Until.IsZero() {
		return crm.Page{}, fmt.Errorf("baselinker CRM clients have no dates to filter by: remove --since/--until: %w", crm.ErrUnsupported)
	}
	page := 1
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 1 {
			return crm.Page{}, fmt.Errorf("baselinker list: bad page cursor %q", cursor)
		}
		page = n
	}
	params := map[string]any{}
	for k, v := range q.Filters {
		key := k
		if !strings.HasPrefix(key, "filter_") {
			key = "filter_" + key
		}
		isInt, ok := listFilters[key]
		if !ok {
			names := make([]string, 0, len(listFilters))
			for n := range listFilters {
				names = append(names, n)
			}
			sort.Strings(names)
			return crm.Page{}, fmt.Errorf("baselinker cannot filter clients by %q: use one of %s", k, strings.Join(names, ", "))
		}
		if isInt {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return crm.Page{}, fmt.Errorf("baselinker filter %s needs a whole number, not %q", k, v)
			}
			params[key] = n
			continue
		}
		params[key] = v
	}
	rows, err := c.clients(ctx, params, page)
	if err != nil {
		return crm.Page{}, err
	}
	p := crm.Page{Records: rows}
	if len(rows) >= c.pageSize {
		p.Next = strconv.Itoa(page + 1)
	}
	return p, nil
}

// clients fetches one getCrmClients page.
func (c *Client) clients(ctx context.Context, params map[string]any, page int) ([]crm.Record, error) {
	params["page"] = page
	var ans clientsAnswer
	if err := c.call(ctx, "getCrmClients", params, false, &ans); err != nil {
		return nil, err
	}
	out := make([]crm.Record, len(ans.Clients))
	for i, row := range ans.Clients {
		out[i] = decodeClient(row)
	}
	return out, nil
}

// ClientData returns one client with notes and custom extra fields
// (getCrmClientData with include_custom_extra_fields); export
// --with-notes calls it once per client. An unknown id is an error of kind
// rejected with BaseLinker's message.
func (c *Client) ClientData(ctx context.Context, id string) (crm.Record, error) {
	const op = "getCrmClientData"
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("baselinker %s: %q is not a crm_client_id", op, id)
	}
	var raw map[string]json.RawMessage
	if err := c.call(ctx, op, map[string]any{"crm_client_id": n, "include_custom_extra_fields": true}, false, &raw); err != nil {
		return nil, err
	}
	for _, k := range []string{"status", "error_code", "error_message"} {
		delete(raw, k)
	}
	// Some answers may nest the client under "client"; accept both.
	if inner, ok := raw["client"]; ok && len(raw) == 1 {
		var m map[string]json.RawMessage
		if json.Unmarshal(inner, &m) == nil {
			raw = m
		}
	}
	rec := decodeClient(raw)
	if _, ok := rec["crm_client_id"]; !ok {
		rec["crm_client_id"] = strconv.FormatInt(n, 10)
	}
	return rec, nil
}

// Find looks a client up by crm_client_id (filter_crm_client_id), else
// e-mail (filter_email), else phone (filter_phone), else invoice_tax_id
// (filter_invoice_tax_id). The filters match partially, so every row of
// the answer (and of further pages) is compared exactly after
// normalisation: e-mail trimmed and lower-cased, phone by its digits, tax
// id without spaces and dashes. No match gives an error wrapping
// crm.ErrNotFound.
func (c *Client) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	keys := []struct {
		field, filter string
		norm          func(string) string
		query         func(string) any
	}{
		{"crm_client_id", "filter_crm_client_id", strings.TrimSpace, func(s string) any {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return nil
			}
			return n
		}},
		{"email", "filter_email", vendorkit.NormalizeEmail, func(s string) any { return strings.TrimSpace(s) }},
		{"phone", "filter_phone", vendorkit.Digits, func(s string) any { return strings.TrimSpace(s) }},
		{"invoice_tax_id", "filter_invoice_tax_id", normTaxID, func(s string) any { return normTaxID(s) }},
	}
	for _, k := range keys {
		wants := vendorkit.Values(rec[k.field])
		tried := false
		for _, w := range wants {
			nw := k.norm(w)
			q := k.query(w)
			if nw == "" || q == nil {
				continue
			}
			tried = true
			// Of several clients sharing the value (colleagues with one
			// company e-mail), the one agreeing with rec on most fields is
			// ours.
			var best crm.Record
			bestScore := -1
			for page := 1; ; page++ {
				rows, err := c.clients(ctx, map[string]any{k.filter: q}, page)
				if err != nil {
					return "", nil, err
				}
				for _, r := range rows {
					for _, got := range vendorkit.Values(r[k.field]) {
						if k.norm(got) == nw {
							if score := vendorkit.Agreement(rec, r); score > bestScore {
								best, bestScore = r, score
							}
							break
						}
					}
				}
				if len(rows) < c.pageSize {
					break
				}
			}
			if best != nil {
				id, _ := best["crm_client_id"].(string)
				return id, best, nil
			}
		}
		if tried {
			return "", nil, fmt.Errorf("baselinker: no client with %s %s: %w", k.field, strings.Join(wants, ", "), crm.ErrNotFound)
		}
	}
	return "", nil, &crm.Error{Vendor: vendorName, Op: "find", Kind: crm.KindRejected,
		Message: "cannot look this client up: it has no crm_client_id, e-mail, phone or invoice tax id (map one of them)"}
}

// call sends one connector request and decodes a SUCCESS answer into out.
func (c *Client) call(ctx context.Context, method string, params any, write bool, out any) error {
	var pj bytes.Buffer
	enc := json.NewEncoder(&pj)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(params); err != nil {
		return &crm.Error{Vendor: vendorName, Op: method, Kind: crm.KindRejected, Message: "cannot encode the parameters as JSON: " + err.Error()}
	}
	form := url.Values{"method": {method}, "parameters": {strings.TrimSpace(pj.String())}}
	var sent atomic.Bool
	tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				sent.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, c.url, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("baselinker %s: cannot build the request (check %s): %w", method, EnvURL, err)
	}
	req.Header.Set("X-BLToken", c.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return transport.Error(ctx, method, write, sent.Load(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return transport.Error(ctx, method, write, true, err)
	}
	if err := checkResponse(method, write, resp, body, c.now()); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return badAnswer(method, write, resp.StatusCode, body, err)
	}
	return nil
}
