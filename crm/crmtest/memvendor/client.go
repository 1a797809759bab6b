package memvendor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
)

// Client talks to a Fake; it implements crm.Vendor, crm.Finder and
// crm.Updater and never retries (crm/retry does).
type Client struct {
	base  string
	token string
	hc    *http.Client
}

var (
	_ crm.Vendor  = (*Client)(nil)
	_ crm.Finder  = (*Client)(nil)
	_ crm.Updater = (*Client)(nil)
)

// NewClient returns a client for the fake at baseURL (ending in Path).
func NewClient(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// Name returns "memvendor".
func (c *Client) Name() string { return "memvendor" }

// Capabilities reports the fake's limits.
func (c *Client) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: 10, DefaultBatch: 10, Workers: 2, List: true, PageSize: 50, Rate: rate.Inf, Burst: 1, IDField: "id"}
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	ID      any    `json:"id"`
	RetryIn int    `json:"retry_in"`
}

type answer struct {
	Error   *apiError        `json:"error"`
	Results []answerResult   `json:"results"`
	Records []map[string]any `json:"records"`
	Limit   int              `json:"limit"`
	Fields  []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Max      int    `json:"max"`
		Required bool   `json:"required"`
		ReadOnly bool   `json:"read_only"`
	} `json:"fields"`
}

type answerResult struct {
	ID    any       `json:"id"`
	Error *apiError `json:"error"`
}

func idString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// do sends one request and classifies the answer (the only place that
// reads statuses and error bodies).
func (c *Client) do(ctx context.Context, op, method, path string, body any, write bool) (*answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("memvendor %s: encode request: %w", op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("memvendor %s: %w", op, err)
	}
	req.Header.Set("X-Token", c.token)
	req.Header.Set("Content-Type", "application/json")
	lost := crm.KindRetryable
	if write {
		lost = crm.KindAmbiguous
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &crm.Error{Vendor: "memvendor", Op: op, Kind: lost, Message: "no answer from the server", Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &crm.Error{Vendor: "memvendor", Op: op, Kind: lost, HTTPStatus: resp.StatusCode, Message: "the answer was cut off", Err: err}
	}
	return checkResponse(op, resp, data, lost)
}

func checkResponse(op string, resp *http.Response, data []byte, lost crm.Kind) (*answer, error) {
	e := &crm.Error{Vendor: "memvendor", Op: op, HTTPStatus: resp.StatusCode}
	var a answer
	jsonErr := json.Unmarshal(data, &a)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		e.Kind, e.Message = crm.KindFatal, "the server refused the token; check CRMPORT_MEM_TOKEN"
		return nil, e
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind, e.Message = crm.KindRetryable, "too many requests"
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return nil, e
	case resp.StatusCode >= 500:
		e.Kind, e.Message = crm.KindRetryable, "server error "+resp.Status
		return nil, e
	case jsonErr != nil:
		e.Kind, e.Message = lost, "the answer is not JSON, so the outcome is unknown"
		return nil, e
	case a.Error != nil:
		e.Code, e.Message, e.Field = a.Error.Code, a.Error.Message, a.Error.Field
		e.Kind = crm.KindRejected
		if a.Error.Code == "RATE_LIMIT" {
			e.Kind = crm.KindRetryable
			e.RetryAfter = time.Duration(a.Error.RetryIn) * time.Second
		}
		return nil, e
	case resp.StatusCode != http.StatusOK:
		e.Kind, e.Message = crm.KindFatal, "unexpected answer "+resp.Status
		return nil, e
	}
	return &a, nil
}

func wire(r crm.Record) map[string]any {
	out := map[string]any{}
	for k, v := range r {
		out[k] = fmt.Sprint(v)
	}
	return out
}

func (c *Client) results(op string, a *answer, n int, ok crm.Status) ([]crm.Result, error) {
	if len(a.Results) != n {
		return nil, &crm.Error{Vendor: "memvendor", Op: op, Kind: crm.KindAmbiguous, Message: fmt.Sprintf("%d results for %d records", len(a.Results), n)}
	}
	out := make([]crm.Result, n)
	for i, r := range a.Results {
		switch {
		case r.Error == nil:
			out[i] = crm.Result{Status: ok, ID: idString(r.ID)}
		case r.Error.Code == "DUPLICATE":
			id := idString(r.Error.ID)
			out[i] = crm.Result{Status: crm.StatusExists, ID: id, Err: &crm.Error{Vendor: "memvendor", Op: op, Kind: crm.KindDuplicate, Code: r.Error.Code, Message: r.Error.Message, Field: r.Error.Field, ID: id}}
		default:
			out[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: "memvendor", Op: op, Kind: crm.KindRejected, Code: r.Error.Code, Message: r.Error.Message, Field: r.Error.Field}}
		}
	}
	return out, nil
}

// Create sends up to 10 records in one call.
func (c *Client) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	body := map[string]any{"records": mapSlice(recs)}
	a, err := c.do(ctx, "create", http.MethodPost, "/api/create", body, true)
	if err != nil {
		return nil, err
	}
	return c.results("create", a, len(recs), crm.StatusCreated)
}

// Update changes the records named by their "id".
func (c *Client) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	a, err := c.do(ctx, "update", http.MethodPost, "/api/update", map[string]any{"records": mapSlice(recs)}, true)
	if err != nil {
		return nil, err
	}
	return c.results("update", a, len(recs), crm.StatusUpdated)
}

func mapSlice(recs []crm.Record) []map[string]any {
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = wire(r)
	}
	return out
}

func toRecord(m map[string]any) crm.Record {
	r := crm.Record{}
	for k, v := range m {
		if k == "id" {
			r[k] = idString(v)
			continue
		}
		r[k] = v
	}
	return r
}

// List returns one page, newest first. The cursor holds the offset and
// the smallest id seen, so records that shift into a later page because
// new ones were added are not returned twice.
func (c *Client) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	if !q.Since.IsZero() || !q.Until.IsZero() {
		return crm.Page{}, fmt.Errorf("memvendor list by date: %w", crm.ErrUnsupported)
	}
	offset, minID := 0, 0
	if cursor != "" {
		o, m, ok := strings.Cut(cursor, ":")
		var err1, err2 error
		offset, err1 = strconv.Atoi(o)
		minID, err2 = strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil {
			return crm.Page{}, fmt.Errorf("memvendor list: bad cursor %q", cursor)
		}
	}
	a, err := c.do(ctx, "list", http.MethodGet, "/api/list?offset="+strconv.Itoa(offset), nil, false)
	if err != nil {
		return crm.Page{}, err
	}
	var p crm.Page
	for _, m := range a.Records {
		r := toRecord(m)
		id, _ := strconv.Atoi(r["id"].(string))
		if minID != 0 && id >= minID {
			continue
		}
		minID = id
		p.Records = append(p.Records, r)
	}
	if a.Limit > 0 && len(a.Records) == a.Limit {
		p.Next = strconv.Itoa(offset+len(a.Records)) + ":" + strconv.Itoa(minID)
	}
	return p, nil
}

// Find looks a record up by e-mail, comparing exactly (the server's
// filter matches parts of addresses).
func (c *Client) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	email := strings.TrimSpace(fmt.Sprint(rec["email"]))
	if rec["email"] == nil || email == "" {
		return "", nil, fmt.Errorf("memvendor find: the record has no e-mail to look it up by: %w", crm.ErrNotFound)
	}
	a, err := c.do(ctx, "find", http.MethodGet, "/api/find?email="+url.QueryEscape(email), nil, false)
	if err != nil {
		return "", nil, err
	}
	for _, m := range a.Records {
		if strings.EqualFold(strings.TrimSpace(fmt.Sprint(m["email"])), email) {
			r := toRecord(m)
			return r["id"].(string), r, nil
		}
	}
	return "", nil, fmt.Errorf("memvendor find %s: %w", email, crm.ErrNotFound)
}

// Fields reads the field catalogue.
func (c *Client) Fields(ctx context.Context) ([]crm.Field, error) {
	a, err := c.do(ctx, "fields", http.MethodGet, "/api/fields", nil, false)
	if err != nil {
		return nil, err
	}
	if len(a.Fields) == 0 {
		return nil, errors.New("memvendor fields: the server listed no fields")
	}
	out := make([]crm.Field, len(a.Fields))
	for i, f := range a.Fields {
		out[i] = crm.Field{Name: f.Name, Type: crm.FieldType(f.Type), MaxLen: f.Max, Required: f.Required, ReadOnly: f.ReadOnly, Active: true}
	}
	return out, nil
}
