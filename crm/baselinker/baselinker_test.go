package baselinker

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
)

const testToken = "1-23-SECRETTOKEN"

// call is one request the test server received.
type call struct {
	Path, ContentType, Token, RawBody string
	Method                            string
	Params                            map[string]any
	Form                              url.Values
}

type server struct {
	mu    sync.Mutex
	calls []call
	srv   *httptest.Server
}

// newServer starts a scripted connector on 127.0.0.1; h gets the decoded
// method and parameters.
func newServer(t *testing.T, h func(w http.ResponseWriter, method string, params map[string]any)) (*server, *Client) {
	t.Helper()
	s := &server{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		var params map[string]any
		d := json.NewDecoder(strings.NewReader(form.Get("parameters")))
		d.UseNumber()
		_ = d.Decode(&params)
		s.mu.Lock()
		s.calls = append(s.calls, call{Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Token: r.Header.Get("X-BLToken"),
			RawBody: string(b), Method: form.Get("method"), Params: params, Form: form})
		s.mu.Unlock()
		h(w, form.Get("method"), params)
	}))
	t.Cleanup(s.srv.Close)
	c, err := New(Config{URL: s.srv.URL + "/connector.php", Token: testToken}, s.srv.Client())
	require.NoError(t, err)
	return s, c
}

func (s *server) got() []call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]call(nil), s.calls...)
}

func answer(body string) func(http.ResponseWriter, string, map[string]any) {
	return func(w http.ResponseWriter, _ string, _ map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	assert.NotContains(t, err.Error(), testToken)
	var e *crm.Error
	if errors.As(err, &e) && e.Err != nil {
		assert.NotContains(t, e.Err.Error(), testToken)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing token", Config{}, EnvToken},
		{"bad url", Config{Token: "t", URL: "api.baselinker.com"}, EnvURL},
		{"token in url", Config{Token: "t", URL: "https://api.baselinker.com/connector.php?token=abc"}, EnvURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "abc")
		})
	}
	c, err := New(Config{Token: "t"}, nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultURL, c.url)
	assert.Equal(t, 60*time.Second, c.hc.Timeout)
	caps := c.Capabilities()
	assert.Equal(t, rate.Every(time.Minute/90), caps.Rate)
	assert.Equal(t, 1, caps.Burst)
	assert.Equal(t, 1, caps.MaxBatch)
	assert.Equal(t, 100, caps.PageSize)
	assert.Equal(t, "crm_client_id", caps.IDField)
}

func TestCreateSendsDocumentedRequest(t *testing.T) {
	s, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":"6274"}`))
	res, err := c.Create(t.Context(), []crm.Record{{
		"email":                  "jan@example.pl",
		"phone":                  []string{"+48 600 100 200", "601 000 000"},
		"star":                   int64(3),
		"status_id":              "2",
		"invoice_company":        `Zakład "Żółw" & Syn`,
		"invoice_tax_id":         "PL 123-456-32-18",
		"invoice_country_code":   "PL",
		"notes":                  "Съешь же ещё",
		"custom_extra_fields.12": "VIP",
		"custom_extra_fields.13": int64(5),
	}})
	require.NoError(t, err)
	assert.Equal(t, []crm.Result{{Status: crm.StatusCreated, ID: "6274"}}, res)
	calls := s.got()
	require.Len(t, calls, 1)
	k := calls[0]
	assert.Equal(t, "/connector.php", k.Path)
	assert.Equal(t, "application/x-www-form-urlencoded", k.ContentType)
	assert.Equal(t, testToken, k.Token)
	assert.Equal(t, "addCrmClient", k.Method)
	assert.False(t, k.Form.Has("token"), "the deprecated token field is never sent")
	assert.ElementsMatch(t, []string{"method", "parameters"}, keysOf(k.Form))
	assert.JSONEq(t, `{"email":"jan@example.pl","phone":"+48 600 100 200, 601 000 000","star":3,"status_id":2,
		"invoice_company":"Zakład \"Żółw\" & Syn","invoice_tax_id":"PL 123-456-32-18","invoice_country_code":"PL",
		"notes":"Съешь же ещё","custom_extra_fields":{"12":"VIP","13":"5"}}`, k.Form.Get("parameters"))
	assert.NotContains(t, k.RawBody, testToken)
}

func keysOf(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}

func TestUpdateSendsOnlyGivenFields(t *testing.T) {
	s, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":77}`))
	res, err := c.Update(t.Context(), []crm.Record{{"crm_client_id": "77", "invoice_city": "Łódź"}})
	require.NoError(t, err)
	assert.Equal(t, []crm.Result{{Status: crm.StatusUpdated, ID: "77"}}, res)
	assert.JSONEq(t, `{"crm_client_id":77,"invoice_city":"Łódź"}`, s.got()[0].Form.Get("parameters"))

	res, err = c.Update(t.Context(), []crm.Record{{"invoice_city": "Łódź"}})
	require.NoError(t, err)
	assert.Equal(t, crm.KindRejected, crm.KindOf(res[0].Err))
	assert.Len(t, s.got(), 1, "an update without an id is not sent")
}

func TestCreateRejectsManglingValuesLocally(t *testing.T) {
	tests := []struct {
		name  string
		rec   crm.Record
		field string
		msg   string
	}{
		{"too long login", crm.Record{"login": strings.Repeat("ż", 157)}, "login", "157 characters"},
		{"too long postcode", crm.Record{"delivery_postcode": strings.Repeat("1", 21)}, "delivery_postcode", "at most 20"},
		{"country name instead of code", crm.Record{"invoice_country_code": "Polska"}, "invoice_country_code", "at most 2"},
		{"emoji", crm.Record{"invoice_fullname": "Jan 😀"}, "invoice_fullname", "4-byte"},
		{"emoji in extra field", crm.Record{"custom_extra_fields.5": "🎉"}, "custom_extra_fields.5", "4-byte"},
		{"star out of range", crm.Record{"star": int64(9)}, "star", "0–5"},
		{"star not a number", crm.Record{"star": "dużo"}, "star", "whole number"},
		{"unknown field", crm.Record{"first_name": "Jan"}, "first_name", "not a BaseLinker client field"},
		{"delivery tax id does not exist", crm.Record{"delivery_tax_id": "1"}, "delivery_tax_id", "not a BaseLinker"},
		{"id on create", crm.Record{"crm_client_id": int64(5)}, "crm_client_id", "--mode upsert"},
		{"two e-mails", crm.Record{"email": []string{"a@b.pl", "c@d.pl"}}, "email", "keeps one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":1}`))
			res, err := c.Create(t.Context(), []crm.Record{tt.rec})
			require.NoError(t, err)
			require.Len(t, res, 1)
			var e *crm.Error
			require.ErrorAs(t, res[0].Err, &e)
			assert.Equal(t, crm.KindRejected, e.Kind)
			assert.Equal(t, tt.field, e.Field)
			assert.Contains(t, e.Error(), tt.msg)
			assert.Empty(t, s.got())
		})
	}
	t.Run("limits count characters, not bytes", func(t *testing.T) {
		_, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":1}`))
		res, err := c.Create(t.Context(), []crm.Record{{"login": strings.Repeat("ż", 156)}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusCreated, res[0].Status)
	})
}

func TestClassification(t *testing.T) {
	now := time.Date(2022, 5, 3, 15, 14, 34, 0, time.UTC) // 17:14:34 in Warsaw (CEST)
	tests := []struct {
		name       string
		h          func(http.ResponseWriter, string, map[string]any)
		rowKind    crm.Kind
		callKind   crm.Kind
		code       string
		retryAfter time.Duration
		contains   string
	}{
		{name: "blocked token waits until the stated Warsaw time", h: answer(`{"status":"ERROR","error_code":"ERROR_BLOCKED_TOKEN","error_message":"Query limit exceeded, token blocked until 2022-05-03 17:15:34"}`),
			callKind: crm.KindRetryable, code: "ERROR_BLOCKED_TOKEN", retryAfter: 62 * time.Second, contains: "100 requests per minute"},
		{name: "account blocked is retryable", h: answer(`{"status":"ERROR","error_code":"ERROR_USER_ACCOUNT_BLOCKED","error_message":"Account blocked until 2022-05-03 17:19:34"}`),
			callKind: crm.KindRetryable, code: "ERROR_USER_ACCOUNT_BLOCKED", retryAfter: 5*time.Minute + 2*time.Second},
		{name: "unreadable block time waits 60s", h: answer(`{"status":"ERROR","error_code":"ERROR_BLOCKED_TOKEN","error_message":"Query limit exceeded"}`),
			callKind: crm.KindRetryable, retryAfter: 60 * time.Second},
		{name: "bad token is fatal", h: answer(`{"status":"ERROR","error_code":"ERROR_BAD_TOKEN","error_message":"Invalid user token"}`),
			callKind: crm.KindFatal, code: "ERROR_BAD_TOKEN", contains: EnvToken},
		{name: "auth token is fatal", h: answer(`{"status":"ERROR","error_code":"ERROR_AUTH_TOKEN","error_message":"Invalid token"}`), callKind: crm.KindFatal},
		{name: "unknown method is fatal", h: answer(`{"status":"ERROR","error_code":"ERROR_UNKNOWN_METHOD","error_message":"Unknown method"}`), callKind: crm.KindFatal},
		{name: "other error rejects the client", h: answer(`{"status":"ERROR","error_code":"ERROR_EMAIL","error_message":"Invalid e-mail address"}`),
			rowKind: crm.KindRejected, code: "ERROR_EMAIL", contains: "Invalid e-mail address"},
		{name: "http 500 is retryable", h: func(w http.ResponseWriter, _ string, _ map[string]any) { w.WriteHeader(500) }, callKind: crm.KindRetryable},
		{name: "http 429 honours Retry-After", h: func(w http.ResponseWriter, _ string, _ map[string]any) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(429)
		}, callKind: crm.KindRetryable, retryAfter: 30 * time.Second},
		{name: "http 401 is fatal", h: func(w http.ResponseWriter, _ string, _ map[string]any) { w.WriteHeader(401) }, callKind: crm.KindFatal, contains: EnvToken},
		{name: "http 404 is fatal", h: func(w http.ResponseWriter, _ string, _ map[string]any) { w.WriteHeader(404) }, callKind: crm.KindFatal, contains: EnvURL},
		{name: "html on a write is ambiguous", h: answer(`<html>502 Bad Gateway</html>`), callKind: crm.KindAmbiguous, contains: "HTML"},
		{name: "empty body on a write is ambiguous", h: answer(``), callKind: crm.KindAmbiguous},
		{name: "success without id is ambiguous", h: answer(`{"status":"SUCCESS"}`), callKind: crm.KindAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newServer(t, tt.h)
			c.now = func() time.Time { return now }
			res, err := c.Create(t.Context(), []crm.Record{{"email": "jan@example.pl"}})
			var got error
			if tt.callKind != 0 {
				require.Error(t, err)
				assert.Nil(t, res)
				assert.Equal(t, tt.callKind, crm.KindOf(err))
				got = err
			} else {
				require.NoError(t, err)
				require.Len(t, res, 1)
				assert.Equal(t, crm.StatusFailed, res[0].Status)
				assert.Equal(t, tt.rowKind, crm.KindOf(res[0].Err))
				got = res[0].Err
			}
			var e *crm.Error
			require.ErrorAs(t, got, &e)
			if tt.code != "" {
				assert.Equal(t, tt.code, e.Code)
			}
			assert.Equal(t, tt.retryAfter, e.RetryAfter)
			if tt.contains != "" {
				assert.Contains(t, got.Error(), tt.contains)
			}
			noSecret(t, got)
		})
	}
	t.Run("html on a read is retryable", func(t *testing.T) {
		_, c := newServer(t, answer(`<html>oops</html>`))
		_, err := c.List(t.Context(), crm.ListQuery{}, "")
		assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
	})
}

func TestBlockWait(t *testing.T) {
	winter := time.Date(2024, 1, 10, 11, 0, 0, 0, time.UTC) // 12:00 in Warsaw (CET)
	tests := []struct {
		name string
		msg  string
		want time.Duration
	}{
		{"winter time", "token blocked until 2024-01-10 12:01:00", 62 * time.Second},
		{"already over", "token blocked until 2024-01-10 11:00:00", blockMargin},
		{"no timestamp", "token blocked", defaultBlockWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, blockWait(tt.msg, winter)) })
	}
}

func TestTransportErrors(t *testing.T) {
	t.Run("connection refused is retryable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		c, err := New(Config{URL: "http://" + addr + "/connector.php", Token: testToken}, nil)
		require.NoError(t, err)
		_, err = c.Create(t.Context(), []crm.Record{{"email": "a@b.pl"}})
		assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
		noSecret(t, err)
	})
	hangUp := func(w http.ResponseWriter, _ string, _ map[string]any) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	t.Run("lost answer to a create is ambiguous", func(t *testing.T) {
		_, c := newServer(t, hangUp)
		_, err := c.Create(t.Context(), []crm.Record{{"email": "a@b.pl"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
		noSecret(t, err)
	})
	t.Run("lost answer to a list is retryable", func(t *testing.T) {
		_, c := newServer(t, hangUp)
		_, err := c.List(t.Context(), crm.ListQuery{}, "")
		assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
	})
	t.Run("timeout after sending is ambiguous", func(t *testing.T) {
		release := make(chan struct{})
		s, _ := newServer(t, func(http.ResponseWriter, string, map[string]any) { <-release })
		defer close(release)
		hc := s.srv.Client()
		hc.Timeout = 100 * time.Millisecond
		c, err := New(Config{URL: s.srv.URL, Token: testToken}, hc)
		require.NoError(t, err)
		_, err = c.Create(t.Context(), []crm.Record{{"email": "a@b.pl"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
		noSecret(t, err)
	})
	t.Run("cancelled context", func(t *testing.T) {
		s, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":1}`))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.Create(ctx, []crm.Record{{"email": "a@b.pl"}})
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, crm.Kind(0), crm.KindOf(err))
		assert.Empty(t, s.got())
	})
}

func client(id int, email string) string {
	b, _ := json.Marshal(map[string]any{"crm_client_id": id, "email": email, "status_id": "3", "star": "", "contractor_id": 0,
		"phone": "600 100 200", "invoice_tax_id": "1234563218", "invoice_city": "Kraków"})
	return string(b)
}

func TestListPages(t *testing.T) {
	s, _ := newServer(t, func(w http.ResponseWriter, _ string, p map[string]any) {
		switch p["page"].(json.Number).String() {
		case "1":
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(1, "a@b.pl")+`,`+client(2, "c@d.pl")+`]}`)
		case "2":
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(3, "e@f.pl")+`]}`)
		default:
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[]}`)
		}
	})
	c, err := New(Config{URL: s.srv.URL, Token: testToken, PageSize: 2}, s.srv.Client())
	require.NoError(t, err)
	var got []crm.Record
	for r, err := range crm.All(t.Context(), c, crm.ListQuery{Filters: map[string]string{"status_id": "3", "filter_email": "@"}}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 3)
	assert.Equal(t, crm.Record{"crm_client_id": "1", "email": "a@b.pl", "status_id": int64(3), "star": int64(0), "contractor_id": int64(0),
		"phone": "600 100 200", "invoice_tax_id": "1234563218", "invoice_city": "Kraków"}, got[0])
	calls := s.got()
	require.Len(t, calls, 2, "a short page ends the list")
	for i, c := range calls {
		assert.Equal(t, "getCrmClients", c.Method)
		assert.Equal(t, json.Number(string(rune('1'+i))), c.Params["page"])
		assert.Equal(t, json.Number("3"), c.Params["filter_status_id"])
		assert.Equal(t, "@", c.Params["filter_email"])
	}
}

func TestListRefusesWhatBaseLinkerCannotDo(t *testing.T) {
	s, c := newServer(t, answer(`{"status":"SUCCESS","clients":[]}`))
	_, err := c.List(t.Context(), crm.ListQuery{Until: time.Now()}, "")
	require.ErrorIs(t, err, crm.ErrUnsupported)
	_, err = c.List(t.Context(), crm.ListQuery{Filters: map[string]string{"city": "x"}}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "filter_email")
	_, err = c.List(t.Context(), crm.ListQuery{Filters: map[string]string{"filter_status_id": "new"}}, "")
	require.Error(t, err)
	_, err = c.List(t.Context(), crm.ListQuery{}, "0")
	require.Error(t, err)
	assert.Empty(t, s.got())
	p, err := c.List(t.Context(), crm.ListQuery{}, "")
	require.NoError(t, err)
	assert.Empty(t, p.Records)
	assert.Empty(t, p.Next)
}

func TestFindComparesExactly(t *testing.T) {
	// Filters are partial matches: the server returns near misses first.
	h := func(w http.ResponseWriter, _ string, p map[string]any) {
		switch {
		case p["filter_crm_client_id"] != nil:
			if p["filter_crm_client_id"].(json.Number) == "7" {
				_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(7, "x@y.pl")+`]}`)
				return
			}
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[]}`)
		case p["filter_email"] != nil:
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(1, "xjan@foo.pl")+`,`+client(2, "Jan@Foo.pl ")+`]}`)
		case p["filter_phone"] != nil:
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[{"crm_client_id":3,"phone":"600100200 ext 1"},{"crm_client_id":4,"phone":"+48 600-100-200"}]}`)
		case p["filter_invoice_tax_id"] != nil:
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[{"crm_client_id":5,"invoice_tax_id":"PL1234563218"},{"crm_client_id":6,"invoice_tax_id":"1234563218"}]}`)
		}
	}
	tests := []struct {
		name    string
		rec     crm.Record
		wantID  string
		notFind bool
		filter  string
		sent    any
	}{
		{"by id", crm.Record{"crm_client_id": "7", "email": "zzz@y.pl"}, "7", false, "filter_crm_client_id", json.Number("7")},
		{"unknown id", crm.Record{"crm_client_id": int64(8)}, "", true, "filter_crm_client_id", json.Number("8")},
		{"email exact among partial hits", crm.Record{"email": "jan@foo.pl", "phone": "1"}, "2", false, "filter_email", "jan@foo.pl"},
		{"email only partial", crm.Record{"email": "an@foo.pl"}, "", true, "filter_email", "an@foo.pl"},
		{"phone by digits", crm.Record{"phone": "+48600100200"}, "4", false, "filter_phone", "+48600100200"},
		{"tax id without dashes", crm.Record{"invoice_tax_id": "123-456-32-18"}, "6", false, "filter_invoice_tax_id", "1234563218"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newServer(t, h)
			id, stored, err := c.Find(t.Context(), tt.rec)
			calls := s.got()
			require.Len(t, calls, 1, "the first key present decides")
			assert.Equal(t, tt.sent, calls[0].Params[tt.filter])
			if tt.notFind {
				require.ErrorIs(t, err, crm.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, id)
			assert.Equal(t, tt.wantID, stored["crm_client_id"])
		})
	}
	t.Run("nothing to look up by", func(t *testing.T) {
		s, c := newServer(t, h)
		_, _, err := c.Find(t.Context(), crm.Record{"invoice_fullname": "Jan", "email": " "})
		require.Error(t, err)
		assert.NotErrorIs(t, err, crm.ErrNotFound)
		assert.Empty(t, s.got())
	})
	t.Run("looks at further pages", func(t *testing.T) {
		s, _ := newServer(t, func(w http.ResponseWriter, _ string, p map[string]any) {
			if p["page"].(json.Number) == "1" {
				_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(1, "ajan@foo.pl")+`,`+client(2, "bjan@foo.pl")+`]}`)
				return
			}
			_, _ = io.WriteString(w, `{"status":"SUCCESS","clients":[`+client(3, "jan@foo.pl")+`]}`)
		})
		c, err := New(Config{URL: s.srv.URL, Token: testToken, PageSize: 2}, s.srv.Client())
		require.NoError(t, err)
		id, _, err := c.Find(t.Context(), crm.Record{"email": "jan@foo.pl"})
		require.NoError(t, err)
		assert.Equal(t, "3", id)
		assert.Len(t, s.got(), 2)
	})
}

func TestClientData(t *testing.T) {
	s, c := newServer(t, answer(`{"status":"SUCCESS","crm_client_id":"12","status_id":"","star":2,"email":"a@b.pl","notes":"Dzwonić rano",
		"custom_extra_fields":{"5":"VIP","6":{"title":"umowa.pdf"}}}`))
	rec, err := c.ClientData(t.Context(), "12")
	require.NoError(t, err)
	assert.Equal(t, crm.Record{"crm_client_id": "12", "status_id": int64(0), "star": int64(2), "email": "a@b.pl", "notes": "Dzwonić rano",
		"custom_extra_fields.5": "VIP", "custom_extra_fields.6": "umowa.pdf"}, rec)
	k := s.got()[0]
	assert.Equal(t, "getCrmClientData", k.Method)
	assert.JSONEq(t, `{"crm_client_id":12,"include_custom_extra_fields":true}`, k.Form.Get("parameters"))
	_, err = c.ClientData(t.Context(), "x")
	require.Error(t, err)
}

func TestFieldsAddsExtraFields(t *testing.T) {
	statuses := `{"status":"SUCCESS","statuses":[{"id":1,"name":"Nowy","color":"#1C8752","group_id":1,"is_primary":1},{"id":"2","name":"Stały","color":"#000000","group_id":"1","is_primary":"0"}]}`
	forms := []struct {
		name, extra string
	}{
		{"object keyed by id", `{"status":"SUCCESS","extra_fields":{"12":{"extra_field_id":12,"name":"Segment","editor_type":"select","options":["A","B"]},"3":{"name":"Urodziny","editor_type":"date"},"20":{"extra_field_id":"20","name":"Umowa","editor_type":"file"}}}`},
		{"list", `{"status":"SUCCESS","extra_fields":[{"extra_field_id":3,"name":"Urodziny","editor_type":"date"},{"extra_field_id":12,"name":"Segment","editor_type":"select","options":{"1":"A","2":"B"}},{"extra_field_id":20,"name":"Umowa","editor_type":"file"}]}`},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			_, c := newServer(t, func(w http.ResponseWriter, m string, _ map[string]any) {
				if m == "getCrmClientStatuses" {
					_, _ = io.WriteString(w, statuses)
					return
				}
				_, _ = io.WriteString(w, f.extra)
			})
			fields, err := c.Fields(t.Context())
			require.NoError(t, err)
			byName := map[string]crm.Field{}
			for _, fl := range fields {
				assert.NotContains(t, byName, fl.Name, "field listed twice")
				assert.NotEmpty(t, fl.Type, fl.Name)
				byName[fl.Name] = fl
			}
			assert.Contains(t, byName, c.Capabilities().IDField)
			assert.Contains(t, byName["status_id"].Description, "1 = Nowy, 2 = Stały")
			seg := byName["custom_extra_fields.12"]
			assert.Equal(t, "Segment", seg.Label)
			assert.Equal(t, crm.TypeEnum, seg.Type)
			assert.Equal(t, []string{"A", "B"}, seg.Values)
			assert.Equal(t, crm.TypeDate, byName["custom_extra_fields.3"].Type)
			assert.True(t, byName["custom_extra_fields.20"].ReadOnly)
			assert.Len(t, fields, len(Catalogue())+3)
			assert.Equal(t, "custom_extra_fields.3", fields[len(Catalogue())].Name, "extra fields in id order")
		})
	}
	t.Run("an auth error is returned", func(t *testing.T) {
		_, c := newServer(t, answer(`{"status":"ERROR","error_code":"ERROR_BAD_TOKEN","error_message":"Invalid user token"}`))
		_, err := c.Fields(t.Context())
		assert.Equal(t, crm.KindFatal, crm.KindOf(err))
	})
}

func TestDelete(t *testing.T) {
	s, c := newServer(t, answer(`{"status":"SUCCESS"}`))
	require.NoError(t, c.Delete(t.Context(), "44"))
	assert.Equal(t, "deleteCrmClient", s.got()[0].Method)
	assert.JSONEq(t, `{"crm_client_id":44}`, s.got()[0].Form.Get("parameters"))
	require.Error(t, c.Delete(t.Context(), "abc"))

	_, c = newServer(t, answer(`{"status":"ERROR","error_code":"ERROR_CRM_CLIENT_NOT_FOUND","error_message":"CRM client with crm_client_id 45 not found"}`))
	err := c.Delete(t.Context(), "45")
	require.ErrorIs(t, err, crm.ErrNotFound)
	assert.Equal(t, crm.KindRejected, crm.KindOf(err))
	assert.Contains(t, err.Error(), "45 not found")
}

func TestLenientInt(t *testing.T) {
	tests := []struct {
		in      string
		want    lenientInt
		wantErr bool
	}{
		{`12`, 12, false}, {`"12"`, 12, false}, {`""`, 0, false}, {`null`, 0, false}, {`12.0`, 12, false},
		{`"abc"`, 0, true}, {`1.5`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var n lenientInt
			err := json.Unmarshal([]byte(tt.in), &n)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
}

func TestCatalogueAndRegistration(t *testing.T) {
	want := map[string]int{"login": 156, "phone": 156, "email": 220, "invoice_company": 500, "invoice_postcode": 20,
		"invoice_city": 100, "invoice_state": 35, "invoice_country_code": 2, "invoice_tax_id": 50, "delivery_fullname": 500,
		"delivery_country_code": 2, "notes": 0}
	for name, max := range want {
		f, ok := catalogueIndex[name]
		require.True(t, ok, name)
		assert.Equal(t, max, f.MaxLen, name)
	}
	assert.Equal(t, 5, catalogueIndex["star"].Max)
	assert.True(t, catalogueIndex["crm_client_id"].ReadOnly)
	assert.True(t, IsExtraField("custom_extra_fields.12"))
	assert.False(t, IsExtraField("custom_extra_fields.x"))

	reg := Registration()
	assert.Equal(t, "baselinker", reg.Name)
	for _, e := range reg.Env {
		assert.Equal(t, e.Name == EnvToken, e.Secret, e.Name)
	}
	v, err := reg.New(map[string]string{EnvToken: "t"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "baselinker", v.Name())
	_, err = reg.New(map[string]string{}, nil)
	require.Error(t, err)
}
