package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/baselinker/fake"
)

type env struct {
	f   *fake.Fake
	srv *httptest.Server
}

func newEnv(t testing.TB, opt fake.Options) *env {
	t.Helper()
	f := fake.New(opt)
	mux := http.NewServeMux()
	mux.Handle("/baselinker/", http.StripPrefix("/baselinker", f))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{f: f, srv: srv}
}

// post sends what the docs' curl sample sends:
// curl URL -H 'X-BLToken: …' --data-raw 'method=…&parameters=…'.
func (e *env) post(t testing.TB, form url.Values, token string) map[string]any {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+"/baselinker/connector.php", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-BLToken", token)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "BaseLinker answers HTTP 200, errors included")
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body: %s", b)
	return m
}

func (e *env) call(t testing.TB, method, params string) map[string]any {
	t.Helper()
	return e.post(t, url.Values{"method": {method}, "parameters": {params}}, fake.DefaultToken)
}

func ok(t testing.TB, m map[string]any) map[string]any {
	t.Helper()
	require.Equal(t, "SUCCESS", m["status"], "answer: %v", m)
	return m
}

func fails(t testing.TB, m map[string]any, code string) string {
	t.Helper()
	assert.Equal(t, "ERROR", m["status"], "answer: %v", m)
	assert.Equal(t, code, m["error_code"], "answer: %v", m)
	msg, _ := m["error_message"].(string)
	assert.NotEmpty(t, msg)
	return msg
}

func TestAuthAndEnvelope(t *testing.T) {
	e := newEnv(t, fake.Options{})
	form := url.Values{"method": {"getCrmClients"}, "parameters": {`{"page":1}`}}
	tests := []struct {
		name  string
		token string
	}{
		{"no token", ""},
		{"wrong token", "1-23-ABC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := fails(t, e.post(t, form, tt.token), fake.ErrBadToken)
			assert.Equal(t, "Invalid user token", msg)
		})
	}
	t.Run("deprecated token field", func(t *testing.T) {
		f := url.Values{"method": {"getCrmClients"}, "token": {fake.DefaultToken}}
		ok(t, e.post(t, f, ""))
	})
	t.Run("unknown method", func(t *testing.T) {
		msg := fails(t, e.call(t, "getOrders", `{}`), fake.ErrUnknownMethod)
		assert.Contains(t, msg, "getOrders")
		fails(t, e.call(t, "", `{}`), fake.ErrUnknownMethod)
	})
	t.Run("bad json", func(t *testing.T) {
		fails(t, e.call(t, "getCrmClients", `{"page":`), fake.ErrParseJSON)
		fails(t, e.call(t, "getCrmClients", `[1]`), fake.ErrParseJSON)
	})
	t.Run("unknown path is a loud 404", func(t *testing.T) {
		resp, err := http.Post(e.srv.URL+"/baselinker/api.php", "application/x-www-form-urlencoded", strings.NewReader("method=getCrmClients"))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	})
	for _, rq := range e.f.Requests() {
		assert.NotContains(t, rq.Body+rq.Path, fake.DefaultToken, "no token in the request log")
	}
}

func TestAddAndUpdate(t *testing.T) {
	e := newEnv(t, fake.Options{})
	m := ok(t, e.call(t, "addCrmClient", `{"email":"jan@example.pl","phone":"+48 500 600 700","notes":"VIP od 2020",
		"invoice_company":"Firma Sp. z o.o.","invoice_tax_id":"525-000 00 00","invoice_country_code":"pl","star":3,
		"custom_extra_fields":{"1":"Hurt","2":"targi"}}`))
	assert.Equal(t, float64(1), m["crm_client_id"])

	d := ok(t, e.call(t, "getCrmClientData", `{"crm_client_id":1,"include_custom_extra_fields":true}`))
	assert.Equal(t, "jan@example.pl", d["email"])
	assert.Equal(t, "VIP od 2020", d["notes"])
	assert.Equal(t, "5250000000", d["invoice_tax_id"], "whitespace and dashes are removed")
	assert.Equal(t, "PL", d["invoice_country_code"])
	assert.Equal(t, float64(3), d["star"])
	assert.Equal(t, float64(1), d["status_id"], "the primary status by default")
	assert.Equal(t, map[string]any{"1": "Hurt", "2": "targi"}, d["custom_extra_fields"])
	d = ok(t, e.call(t, "getCrmClientData", `{"crm_client_id":"1"}`))
	assert.NotContains(t, d, "custom_extra_fields", "extra fields only when asked")

	m = ok(t, e.call(t, "addCrmClient", `{"crm_client_id":1,"phone":"500600701","custom_extra_fields":{"2":""}}`))
	assert.Equal(t, float64(1), m["crm_client_id"])
	recs := e.f.Records()
	require.NotEmpty(t, recs)
	assert.Equal(t, "500600701", recs[0]["phone"])
	assert.Equal(t, "jan@example.pl", recs[0]["email"], "only the provided fields change")
	assert.Equal(t, int64(3), recs[0]["star"])
	assert.Equal(t, "Hurt", recs[0]["custom_extra_fields.1"])
	assert.NotContains(t, recs[0], "custom_extra_fields.2", `"" removes an extra field`)

	t.Run("texts survive JSON escaping", func(t *testing.T) {
		for _, v := range []string{"Firma \"Łódź\" <b>&</b>", "linia 1\nlinia 2\ttab", `C:\dane\klienci`, "ООО «Ромашка» \u2028"} {
			b, _ := json.Marshal(map[string]string{"notes": v, "invoice_company": v})
			m := ok(t, e.call(t, "addCrmClient", string(b)))
			d := ok(t, e.call(t, "getCrmClientData", fmt.Sprintf(`{"crm_client_id":%v}`, m["crm_client_id"])))
			assert.Equal(t, v, d["notes"])
			assert.Equal(t, v, d["invoice_company"])
		}
	})
	fails(t, e.call(t, "addCrmClient", `{"crm_client_id":77,"phone":"1"}`), fake.ErrClientNotFound)
	fails(t, e.call(t, "getCrmClientData", `{"crm_client_id":77}`), fake.ErrClientNotFound)
	fails(t, e.call(t, "getCrmClientData", `{}`), fake.ErrInvalidValue)

	before := len(e.f.Records())
	ok(t, e.call(t, "deleteCrmClient", `{"crm_client_id":1}`))
	fails(t, e.call(t, "deleteCrmClient", `{"crm_client_id":1}`), fake.ErrClientNotFound)
	assert.Len(t, e.f.Records(), before-1)
}

func TestFieldLimits(t *testing.T) {
	e := newEnv(t, fake.Options{})
	long := func(n int) string { return strings.Repeat("ż", n) }
	tests := []struct {
		name   string
		params string
		code   string // "" = accepted
		field  string // named in the message
	}{
		{"login at limit", fmt.Sprintf(`{"login":%q}`, long(156)), "", ""},
		{"login too long", fmt.Sprintf(`{"login":%q}`, long(157)), fake.ErrFieldTooLong, "login"},
		{"phone too long", fmt.Sprintf(`{"phone":%q}`, strings.Repeat("5", 157)), fake.ErrFieldTooLong, "phone"},
		{"email too long", fmt.Sprintf(`{"email":%q}`, strings.Repeat("a", 216)+"@x.pl"), fake.ErrFieldTooLong, "email"},
		{"company at limit", fmt.Sprintf(`{"invoice_company":%q}`, long(500)), "", ""},
		{"company too long", fmt.Sprintf(`{"invoice_company":%q}`, long(501)), fake.ErrFieldTooLong, "invoice_company"},
		{"postcode too long", fmt.Sprintf(`{"invoice_postcode":%q}`, strings.Repeat("0", 21)), fake.ErrFieldTooLong, "invoice_postcode"},
		{"city too long", fmt.Sprintf(`{"delivery_city":%q}`, long(101)), fake.ErrFieldTooLong, "delivery_city"},
		{"state in Polish at limit", fmt.Sprintf(`{"invoice_state":%q}`, long(35)), "", ""},
		{"state too long", fmt.Sprintf(`{"invoice_state":%q}`, long(36)), fake.ErrFieldTooLong, "invoice_state"},
		{"tax id counted without dashes", fmt.Sprintf(`{"invoice_tax_id":%q}`, strings.Repeat("1-", 50)), "", ""},
		{"tax id too long", fmt.Sprintf(`{"invoice_tax_id":%q}`, strings.Repeat("1", 51)), fake.ErrFieldTooLong, "invoice_tax_id"},
		{"country name", `{"invoice_country_code":"Polska"}`, fake.ErrInvalidValue, "invoice_country_code"},
		{"country digits", `{"delivery_country_code":"12"}`, fake.ErrInvalidValue, "delivery_country_code"},
		{"star 6", `{"star":6}`, fake.ErrInvalidValue, "star"},
		{"star -1", `{"star":-1}`, fake.ErrInvalidValue, "star"},
		{"star text", `{"star":"dużo"}`, fake.ErrInvalidValue, "star"},
		{"star as string", `{"star":"5"}`, "", ""},
		{"unknown status", `{"status_id":99}`, fake.ErrStatusNotFound, "status_id"},
		{"known status", `{"status_id":2}`, "", ""},
		{"unknown field", `{"invoice_nip":"1"}`, fake.ErrUnknownField, "invoice_nip"},
		{"unknown extra field", `{"custom_extra_fields":{"9":"x"}}`, fake.ErrExtraFieldNotFound, "9"},
		{"select option", `{"custom_extra_fields":{"1":"Inny"}}`, fake.ErrInvalidValue, "custom_extra_fields.1"},
		{"number extra field", `{"custom_extra_fields":{"3":"dużo"}}`, fake.ErrInvalidValue, "custom_extra_fields.3"},
		{"object expected", `{"custom_extra_fields":["x"]}`, fake.ErrInvalidValue, "custom_extra_fields"},
		{"text as array", `{"email":["a@b.pl"]}`, fake.ErrInvalidValue, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.f.Records())
			m := e.call(t, "addCrmClient", tt.params)
			if tt.code == "" {
				ok(t, m)
				assert.Len(t, e.f.Records(), before+1)
				return
			}
			msg := fails(t, m, tt.code)
			assert.Contains(t, msg, tt.field)
			assert.Len(t, e.f.Records(), before, "a refused client is not stored")
		})
	}
	t.Run("refused update changes nothing", func(t *testing.T) {
		ids := e.f.Seed([]crm.Record{{"email": "a@b.pl", "phone": "1"}})
		fails(t, e.call(t, "addCrmClient", `{"crm_client_id":`+ids[0]+`,"phone":"2","star":9}`), fake.ErrInvalidValue)
		recs := e.f.Records()
		assert.Equal(t, "1", recs[len(recs)-1]["phone"])
	})
}

func TestListPagingAndFilters(t *testing.T) {
	e := newEnv(t, fake.Options{})
	var recs []crm.Record
	for i := 1; i <= 250; i++ {
		recs = append(recs, crm.Record{
			"email": fmt.Sprintf("klient%03d@example.pl", i), "phone": fmt.Sprintf("+48 500 600 %03d", i),
			"invoice_fullname": fmt.Sprintf("Klient %d", i), "invoice_tax_id": fmt.Sprintf("525%07d", i),
			"status_id": 1 + i%3, "notes": "tajne", "custom_extra_fields.2": "targi",
		})
	}
	recs[6]["invoice_company"] = "Łódzka Hurtownia"
	recs[6]["login"] = "Zbyszek"
	e.f.Seed(recs)

	clients := func(t *testing.T, params string) []any {
		t.Helper()
		m := ok(t, e.call(t, "getCrmClients", params))
		cl, isList := m["clients"].([]any)
		require.True(t, isList, "clients is a list: %v", m)
		return cl
	}
	tests := []struct {
		name    string
		params  string
		n       int
		firstID float64
	}{
		{"first page", `{}`, 100, 1},
		{"page 2", `{"page":2}`, 100, 101},
		{"short last page", `{"page":3}`, 50, 201},
		{"past the end", `{"page":4}`, 0, 0},
		{"id exact", `{"filter_crm_client_id":42}`, 1, 42},
		{"email partial, any case", `{"filter_email":"KLIENT04"}`, 10, 40},
		{"phone partial", `{"filter_phone":"600 007"}`, 1, 7},
		{"phone digits", `{"filter_phone":"600007"}`, 1, 7},
		{"tax id partial without dashes", `{"filter_invoice_tax_id":"525-000-012"}`, 10, 120},
		{"company partial Unicode", `{"filter_invoice_company":"łódzka"}`, 1, 7},
		{"login", `{"filter_login":"zbysz"}`, 1, 7},
		{"fullname", `{"filter_invoice_fullname":"klient 25"}`, 2, 25},
		{"status exact", `{"filter_status_id":1,"page":1}`, 83, 3},
		{"filters combine", `{"filter_status_id":3,"filter_email":"klient007"}`, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := clients(t, tt.params)
			assert.Len(t, cl, tt.n)
			if tt.n > 0 {
				assert.Equal(t, tt.firstID, cl[0].(map[string]any)["crm_client_id"])
			}
		})
	}
	t.Run("rows have the documented fields, no notes", func(t *testing.T) {
		row := clients(t, `{"filter_crm_client_id":7}`)[0].(map[string]any)
		for _, k := range []string{"crm_client_id", "status_id", "star", "login", "phone", "email", "contractor_id",
			"invoice_company", "invoice_fullname", "invoice_address", "invoice_postcode", "invoice_city", "invoice_state",
			"invoice_country_code", "invoice_tax_id", "delivery_company", "delivery_fullname", "delivery_address",
			"delivery_postcode", "delivery_city", "delivery_state", "delivery_country_code"} {
			assert.Contains(t, row, k)
		}
		assert.NotContains(t, row, "notes")
		assert.NotContains(t, row, "custom_extra_fields")
		assert.IsType(t, float64(0), row["star"], "numbers are JSON numbers")
		row = clients(t, `{"filter_crm_client_id":7,"include_custom_extra_fields":true}`)[0].(map[string]any)
		assert.Equal(t, map[string]any{"2": "targi"}, row["custom_extra_fields"])
	})
	t.Run("unknown filter", func(t *testing.T) {
		fails(t, e.call(t, "getCrmClients", `{"filter_city":"Łódź"}`), fake.ErrUnknownField)
	})
	t.Run("page size", func(t *testing.T) {
		e.f.SetPageSize(7)
		defer e.f.SetPageSize(0)
		seen := map[float64]bool{}
		for p := 1; ; p++ {
			cl := clients(t, fmt.Sprintf(`{"page":%d}`, p))
			for _, c := range cl {
				id := c.(map[string]any)["crm_client_id"].(float64)
				assert.False(t, seen[id])
				seen[id] = true
			}
			if len(cl) < 7 {
				break
			}
		}
		assert.Len(t, seen, 250)
	})
}

func TestExtraFieldsAndStatuses(t *testing.T) {
	t.Run("object keyed by id", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		m := ok(t, e.call(t, "getCrmClientExtraFields", ""))
		ef, isObj := m["extra_fields"].(map[string]any)
		require.True(t, isObj, "%v", m)
		require.Contains(t, ef, "1")
		seg := ef["1"].(map[string]any)
		assert.Equal(t, float64(1), seg["extra_field_id"])
		assert.Equal(t, "Segment", seg["name"])
		assert.Equal(t, "select", seg["editor_type"])
		assert.NotEmpty(t, seg["options"])
		assert.Equal(t, "Źródło", ef["2"].(map[string]any)["name"])
	})
	t.Run("list form", func(t *testing.T) {
		e := newEnv(t, fake.Options{ExtraFieldsAsList: true})
		m := ok(t, e.call(t, "getCrmClientExtraFields", "{}"))
		ef, isList := m["extra_fields"].([]any)
		require.True(t, isList, "%v", m)
		assert.Len(t, ef, len(fake.DefaultExtraFields))
	})
	t.Run("statuses", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		m := ok(t, e.call(t, "getCrmClientStatuses", ""))
		st := m["statuses"].([]any)
		require.Len(t, st, len(fake.DefaultStatuses))
		first := st[0].(map[string]any)
		for _, k := range []string{"id", "name", "color", "group_id", "is_primary"} {
			assert.Contains(t, first, k)
		}
	})
}

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestRateLimit(t *testing.T) {
	// 2022-05-03 15:14:34 UTC is 17:14:34 in Warsaw (CEST).
	clk := &clock{t: time.Date(2022, 5, 3, 15, 14, 34, 0, time.UTC)}
	e := newEnv(t, fake.Options{Limit: 5, Now: clk.Now})
	for i := range 5 {
		ok(t, e.call(t, "getCrmClients", "{}"))
		clk.Add(time.Second)
		_ = i
	}
	// 6th request within the minute trips the block.
	msg := fails(t, e.call(t, "getCrmClients", "{}"), fake.ErrBlockedToken)
	assert.Equal(t, "Query limit exceeded, token blocked until 2022-05-03 17:15:39", msg, "60 s from the moment it trips, Warsaw time")

	t.Run("bad token is not blocked but refused", func(t *testing.T) {
		fails(t, e.post(t, url.Values{"method": {"getCrmClients"}}, "wrong"), fake.ErrBadToken)
	})
	clk.Add(30 * time.Second)
	msg2 := fails(t, e.call(t, "addCrmClient", `{"email":"x@y.pl"}`), fake.ErrBlockedToken)
	assert.Equal(t, msg, msg2, "while blocked every request gets the same answer")
	assert.Empty(t, e.f.Records(), "a blocked write is not applied")

	clk.Add(30 * time.Second)
	ok(t, e.call(t, "getCrmClients", "{}"))

	t.Run("sliding window", func(t *testing.T) {
		clk2 := &clock{t: time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)}
		g := newEnv(t, fake.Options{Limit: 3, Now: clk2.Now, BlockFor: 5 * time.Second})
		for range 3 {
			ok(t, g.call(t, "getCrmClients", "{}"))
			clk2.Add(25 * time.Second)
		}
		// now t=75 s: the request at t=0 left the window, two remain.
		ok(t, g.call(t, "getCrmClients", "{}"))
		m := fails(t, g.call(t, "getCrmClients", "{}"), fake.ErrBlockedToken)
		assert.Contains(t, m, "2024-01-10 13:01:20", "winter time: UTC+1, block of 5 s")
		clk2.Add(5 * time.Second)
		ok(t, g.call(t, "getCrmClients", "{}"))
	})
	t.Run("limit off", func(t *testing.T) {
		g := newEnv(t, fake.Options{})
		for range 150 {
			ok(t, g.call(t, "getCrmClientStatuses", "{}"))
		}
	})
}

func TestStateRoundTrip(t *testing.T) {
	e := newEnv(t, fake.Options{})
	e.f.Seed([]crm.Record{
		{"email": "a@b.pl", "invoice_city": "Kraków", "star": int64(2), "custom_extra_fields.1": "VIP"},
		{"invoice_fullname": "Иван Петров", "status_id": "3"},
	})
	data, err := e.f.SaveState()
	require.NoError(t, err)
	g := fake.New(fake.Options{})
	require.NoError(t, g.LoadState(data))
	assert.Equal(t, e.f.Records(), g.Records())
	assert.Equal(t, int64(3), g.Records()[1]["status_id"])
	assert.Equal(t, []string{"3"}, g.Seed([]crm.Record{{"email": "c@d.pl"}}))
	assert.Error(t, g.LoadState([]byte(`{"clients":[{"crm_client_id":1},{"crm_client_id":1}]}`)))
	g.Reset()
	assert.Empty(t, g.Records())
}

func TestFaults(t *testing.T) {
	t.Run("commit then drop", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		e.f.Inject(crm.Fault{Op: "addCrmClient", Commit: true})
		form := url.Values{"method": {"addCrmClient"}, "parameters": {`{"email":"lost@example.pl"}`}}
		req, err := http.NewRequest("POST", e.srv.URL+"/baselinker/connector.php", strings.NewReader(form.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-BLToken", fake.DefaultToken)
		resp, err := e.srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		assert.Error(t, err, "the connection is dropped")
		recs := e.f.Records()
		require.Len(t, recs, 1)
		assert.Equal(t, "lost@example.pl", recs[0]["email"])
	})
	t.Run("vendor error", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		e.f.Inject(crm.Fault{Code: fake.ErrBlockedToken})
		msg := fails(t, e.call(t, "getCrmClients", "{}"), fake.ErrBlockedToken)
		assert.Contains(t, msg, "Query limit exceeded, token blocked until ")
		ok(t, e.call(t, "getCrmClients", "{}"))
	})
	t.Run("a retrying client finishes under 20% faults with every client once", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		e.f.SetFaultRate(0.2, 7)
		e.f.SetRetryAfter(0)
		hc := &http.Client{Timeout: 5 * time.Second}
		send := func(method, params string) (map[string]any, error) {
			form := url.Values{"method": {method}, "parameters": {params}}
			req, err := http.NewRequest("POST", e.srv.URL+"/baselinker/connector.php", strings.NewReader(form.Encode()))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-BLToken", fake.DefaultToken)
			resp, err := hc.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			var m map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
				return nil, err
			}
			if m["status"] != "SUCCESS" {
				return nil, fmt.Errorf("%v", m["error_code"])
			}
			return m, nil
		}
		const n = 60
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 4 {
					email := fmt.Sprintf("klient%d@example.pl", i)
					for range 50 {
						// Look it up first (exact compare: the filter is partial).
						m, err := send("getCrmClients", fmt.Sprintf(`{"filter_email":%q}`, email))
						if err != nil {
							continue
						}
						found := false
						for _, c := range m["clients"].([]any) {
							if c.(map[string]any)["email"] == email {
								found = true
							}
						}
						if found {
							break
						}
						if _, err := send("addCrmClient", fmt.Sprintf(`{"email":%q,"phone":"500600%03d","invoice_city":"Gdańsk"}`, email, i)); err == nil {
							break
						}
					}
				}
			}()
		}
		wg.Wait()
		count := map[string]int{}
		for _, r := range e.f.Records() {
			count[r["email"].(string)]++
			assert.Equal(t, "Gdańsk", r["invoice_city"], "no half-applied client")
			assert.NotEmpty(t, r["phone"], "no half-applied client")
		}
		assert.Len(t, count, n)
		for k, c := range count {
			assert.Equal(t, 1, c, k)
		}
	})
}

func BenchmarkAddAndList(b *testing.B) {
	e := newEnv(b, fake.Options{})
	hc := e.srv.Client()
	add := url.Values{"method": {"addCrmClient"}, "parameters": {`{"email":"jan@example.pl","phone":"500600700","invoice_city":"Kraków"}`}}.Encode()
	list := url.Values{"method": {"getCrmClients"}, "parameters": {`{"page":1,"filter_email":"nobody"}`}}.Encode()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			body := add
			if i%2 == 0 {
				body = list
			}
			req, _ := http.NewRequest("POST", e.srv.URL+"/baselinker/connector.php", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-BLToken", fake.DefaultToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// TestDocSamples replays the documents' samples kept in testdata.
func TestDocSamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "docs_samples.json"))
	require.NoError(t, err)
	var cases []struct {
		Name       string          `json:"name"`
		Method     string          `json:"method"`
		Parameters json.RawMessage `json:"parameters"`
		Response   json.RawMessage `json:"response"`
	}
	require.NoError(t, json.Unmarshal(data, &cases))
	require.NotEmpty(t, cases)
	e := newEnv(t, fake.Options{})
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			got, err := json.Marshal(e.call(t, c.Method, string(c.Parameters)))
			require.NoError(t, err)
			assert.JSONEq(t, string(c.Response), string(got))
		})
	}
}
