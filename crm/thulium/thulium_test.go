package thulium

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

const (
	testUser     = "api_user"
	testPassword = "s3cret-Pa55"
)

// seen is one request the test server received.
type seen struct {
	Method, Path, Query, ContentType, Body string
	User, Password                         string
	AuthOK                                 bool
}

// server is a scripted Thulium stand-in on 127.0.0.1.
type server struct {
	mu   sync.Mutex
	reqs []seen
	srv  *httptest.Server
}

func newServer(t *testing.T, h http.HandlerFunc) (*server, *Client) {
	t.Helper()
	s := &server{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u, p, ok := r.BasicAuth()
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, ContentType: r.Header.Get("Content-Type"),
			Body: string(b), User: u, Password: p, AuthOK: ok})
		s.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		h(w, r)
	}))
	t.Cleanup(s.srv.Close)
	c, err := New(Config{URL: s.srv.URL, User: testUser, Password: testPassword}, s.srv.Client())
	require.NoError(t, err)
	return s, c
}

func (s *server) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// noSecret fails if err mentions the password.
func noSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		assert.NotContains(t, err.Error(), testPassword)
		var e *crm.Error
		if errors.As(err, &e) && e.Err != nil {
			assert.NotContains(t, e.Err.Error(), testPassword)
		}
	}
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing url", Config{User: "u", Password: "p"}, EnvURL},
		{"not a url", Config{URL: "thulium", User: "u", Password: "p"}, EnvURL},
		{"credentials in url", Config{URL: "https://u:hunter2@x.thulium.com", User: "u", Password: "p"}, EnvUser},
		{"missing user", Config{URL: "https://x.thulium.com", Password: "p"}, EnvUser},
		{"missing password", Config{URL: "https://x.thulium.com", User: "u"}, EnvPassword},
		{"page size too big", Config{URL: "https://x.thulium.com", User: "u", Password: "p", PageSize: 1001}, "1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
	c, err := New(Config{URL: "https://x.thulium.com/api/", User: "u", Password: "p"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://x.thulium.com", c.base, "a trailing /api is not doubled")
	assert.Equal(t, 60*time.Second, c.hc.Timeout)
}

func TestCreateSendsDocumentedRequest(t *testing.T) {
	s, c := newServer(t, reply(http.StatusCreated, `{"customer_id":"324"}`))
	res, err := c.Create(t.Context(), []crm.Record{{
		"surname":                      "Kowalski",
		"name":                         "Zażółć",
		"phone_number":                 []string{"333444555", "123432234"},
		"email":                        "jan@example.pl",
		"vip":                          true,
		"birthdate":                    time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC),
		"address.city":                 "Kraków",
		"address.postcode":             "31-827",
		"invoice_address.street":       "Złotej Jesieni",
		"custom_fields.Dodatkowe info": "AXX 121212",
		"custom_fields.Liczba":         int64(7),
	}})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, crm.Result{Status: crm.StatusCreated, ID: "324"}, res[0])

	reqs := s.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/api/customers", r.Path)
	assert.Equal(t, "application/json; charset=utf-8", r.ContentType)
	assert.True(t, r.AuthOK)
	assert.Equal(t, testUser, r.User)
	assert.Equal(t, testPassword, r.Password)
	assert.JSONEq(t, `{
		"surname":"Kowalski","name":"Zażółć","phone_number":["333444555","123432234"],
		"email":"jan@example.pl","vip":true,"birthdate":"1980-05-17",
		"address":{"city":"Kraków","postcode":"31-827"},
		"invoice_address":{"street":"Złotej Jesieni"},
		"custom_fields":{"Dodatkowe info":"AXX 121212","Liczba":7}
	}`, r.Body)
}

func TestCreateAcceptsNumericID(t *testing.T) {
	_, c := newServer(t, reply(http.StatusOK, `{"customer_id":325}`))
	res, err := c.Create(t.Context(), []crm.Record{{"surname": "Nowak"}})
	require.NoError(t, err)
	assert.Equal(t, "325", res[0].ID)
}

func TestCreateClassifiesAnswers(t *testing.T) {
	twoErrors := `{"request_id":"53678450401cf","errors":[{"message":"Wrong format of phone number.","code":111111},{"message":"Duplicated customer name.","code":222222}]}`
	tests := []struct {
		name       string
		h          http.HandlerFunc
		rowKind    crm.Kind // the row failed with this kind (call succeeded)
		callKind   crm.Kind // the call failed with this kind
		retryAfter time.Duration
		contains   []string
	}{
		{name: "400 keeps every message and the request id", h: reply(400, twoErrors), rowKind: crm.KindRejected,
			contains: []string{"Wrong format of phone number.", "Duplicated customer name.", "; ", "53678450401cf"}},
		{name: "404 rejected", h: reply(404, `{"request_id":"r1","errors":[{"message":"Company not found.","code":1}]}`), rowKind: crm.KindRejected, contains: []string{"Company not found."}},
		{name: "404 without Thulium's body is a wrong address", h: reply(404, `404 page not found`), callKind: crm.KindFatal, contains: []string{EnvURL}},
		{name: "409 rejected", h: reply(409, twoErrors), rowKind: crm.KindRejected},
		{name: "422 rejected", h: reply(422, twoErrors), rowKind: crm.KindRejected},
		{name: "401 fatal", h: reply(401, `{"request_id":"r2","errors":[{"message":"Unauthorized","code":401}]}`), callKind: crm.KindFatal, contains: []string{EnvUser, EnvPassword, "Unauthorized"}},
		{name: "403 fatal", h: reply(403, ``), callKind: crm.KindFatal, contains: []string{"403"}},
		{name: "429 retryable with Retry-After", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
		}, callKind: crm.KindRetryable, retryAfter: 7 * time.Second},
		{name: "500 retryable", h: reply(500, `<html>oops</html>`), callKind: crm.KindRetryable},
		{name: "503 retryable", h: reply(503, ``), callKind: crm.KindRetryable},
		{name: "2xx empty body is ambiguous", h: reply(201, ``), callKind: crm.KindAmbiguous},
		{name: "2xx html is ambiguous", h: reply(200, `<html><body>Fatal error</body></html>`), callKind: crm.KindAmbiguous, contains: []string{"HTML"}},
		{name: "2xx without id is ambiguous", h: reply(200, `{}`), callKind: crm.KindAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := newServer(t, tt.h)
			res, err := c.Create(t.Context(), []crm.Record{{"surname": "Kowalski", "phone_number": "abc"}})
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
			assert.Equal(t, tt.retryAfter, crm.RetryAfterOf(got))
			for _, s := range tt.contains {
				assert.Contains(t, got.Error(), s)
			}
			noSecret(t, got)
		})
	}
}

func TestCreateRejectsLocallyWithoutSending(t *testing.T) {
	tests := []struct {
		name  string
		rec   crm.Record
		field string
	}{
		{"unknown field", crm.Record{"surname": "A", "nazwisko": "B"}, "nazwisko"},
		{"customer_id on create", crm.Record{"surname": "A", "customer_id": "5"}, "customer_id"},
		{"read-only field", crm.Record{"surname": "A", "updated_at": "x"}, "updated_at"},
		{"bad bool", crm.Record{"surname": "A", "vip": "maybe"}, "vip"},
		{"several values for one-value field", crm.Record{"surname": "A", "nip": []string{"1", "2"}}, "nip"},
		{"unnamed custom field", crm.Record{"surname": "A", "custom_fields.": "x"}, "custom_fields."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newServer(t, reply(201, `{"customer_id":"1"}`))
			res, err := c.Create(t.Context(), []crm.Record{tt.rec})
			require.NoError(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, crm.StatusFailed, res[0].Status)
			var e *crm.Error
			require.ErrorAs(t, res[0].Err, &e)
			assert.Equal(t, crm.KindRejected, e.Kind)
			assert.Equal(t, tt.field, e.Field)
			assert.Empty(t, s.requests(), "nothing is sent for a record that cannot be sent faithfully")
		})
	}
}

func TestCreateRefusesMoreThanOne(t *testing.T) {
	s, c := newServer(t, reply(201, `{"customer_id":"1"}`))
	_, err := c.Create(t.Context(), []crm.Record{{"surname": "A"}, {"surname": "B"}})
	require.Error(t, err)
	assert.Empty(t, s.requests())
}

func TestTransportErrors(t *testing.T) {
	t.Run("connection refused is retryable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		c, err := New(Config{URL: "http://" + addr, User: testUser, Password: testPassword}, nil)
		require.NoError(t, err)
		_, err = c.Create(t.Context(), []crm.Record{{"surname": "A"}})
		assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
		noSecret(t, err)
	})
	hangUp := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	t.Run("dropped answer to a create is ambiguous", func(t *testing.T) {
		_, c := newServer(t, hangUp)
		_, err := c.Create(t.Context(), []crm.Record{{"surname": "A"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
		noSecret(t, err)
	})
	t.Run("dropped answer to an update is ambiguous", func(t *testing.T) {
		_, c := newServer(t, hangUp)
		_, err := c.Update(t.Context(), []crm.Record{{"customer_id": "1", "name": "A"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
	})
	t.Run("dropped answer to a list is retryable", func(t *testing.T) {
		_, c := newServer(t, hangUp)
		_, err := c.List(t.Context(), crm.ListQuery{}, "")
		assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
	})
	t.Run("timeout after sending a create is ambiguous", func(t *testing.T) {
		release := make(chan struct{})
		s, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		hc := s.srv.Client()
		hc.Timeout = 100 * time.Millisecond
		c, err := New(Config{URL: s.srv.URL, User: testUser, Password: testPassword}, hc)
		require.NoError(t, err)
		_, err = c.Create(t.Context(), []crm.Record{{"surname": "A"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
		noSecret(t, err)
	})
	t.Run("cancelled context is not retryable", func(t *testing.T) {
		s, c := newServer(t, reply(201, `{"customer_id":"1"}`))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.Create(ctx, []crm.Record{{"surname": "A"}})
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, crm.Kind(0), crm.KindOf(err))
		_, err = c.List(ctx, crm.ListQuery{}, "")
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, s.requests())
	})
}

func TestUpdateBatch(t *testing.T) {
	recs := []crm.Record{
		{"customer_id": "13", "name": "Jan"},
		{"customer_id": int64(14), "address.city": "Łódź"},
		{"customer_id": "15", "email": []string{"a@b.pl", "c@d.pl"}},
	}
	tests := []struct {
		name   string
		answer string
		status int
		want   []crm.Status
		kinds  []crm.Kind
	}{
		{"empty 204 means all updated", ``, 204, []crm.Status{crm.StatusUpdated, crm.StatusUpdated, crm.StatusUpdated}, []crm.Kind{0, 0, 0}},
		{"array aligned with input", `[{"http_status":200},{"http_status":404,"message":"Customer not found."},{"http_status":200}]`, 200,
			[]crm.Status{crm.StatusUpdated, crm.StatusFailed, crm.StatusUpdated}, []crm.Kind{0, crm.KindRejected, 0}},
		{"map keyed by id", `{"13":{"http_status":204},"14":{"http_status":204},"15":{"http_status":400,"errors":[{"message":"Wrong e-mail.","code":3}]}}`, 200,
			[]crm.Status{crm.StatusUpdated, crm.StatusUpdated, crm.StatusFailed}, []crm.Kind{0, 0, crm.KindRejected}},
		{"wrapped list matched by id", `{"customers":[{"customer_id":15,"http_status":200},{"customer_id":"13","http_status":200}]}`, 200,
			[]crm.Status{crm.StatusUpdated, crm.StatusFailed, crm.StatusUpdated}, []crm.Kind{0, crm.KindAmbiguous, 0}},
		{"per-item 503 is retryable", `[{"http_status":503},{"http_status":200},{"http_status":200}]`, 200,
			[]crm.Status{crm.StatusFailed, crm.StatusUpdated, crm.StatusUpdated}, []crm.Kind{crm.KindRetryable, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newServer(t, reply(tt.status, tt.answer))
			res, err := c.Update(t.Context(), recs)
			require.NoError(t, err)
			require.Len(t, res, 3)
			for i := range res {
				assert.Equal(t, tt.want[i], res[i].Status, "record %d", i)
				assert.Equal(t, tt.kinds[i], crm.KindOf(res[i].Err), "record %d", i)
			}
			assert.Equal(t, []string{"13", "14", "15"}, []string{res[0].ID, res[1].ID, res[2].ID})
			reqs := s.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, http.MethodPut, reqs[0].Method)
			assert.Equal(t, "/api/batch/customers", reqs[0].Path)
			assert.JSONEq(t, `{"customers":[{"customer_id":13,"name":"Jan"},{"customer_id":14,"address":{"city":"Łódź"}},{"customer_id":15,"email":["a@b.pl","c@d.pl"]}]}`, reqs[0].Body)
		})
	}
	t.Run("not-found message kept", func(t *testing.T) {
		_, c := newServer(t, reply(200, `[{"http_status":404,"message":"Customer not found."}]`))
		res, err := c.Update(t.Context(), recs[:1])
		require.NoError(t, err)
		require.ErrorIs(t, res[0].Err, crm.ErrNotFound)
		assert.Contains(t, res[0].Err.Error(), "Customer not found.")
	})
	t.Run("html answer is ambiguous", func(t *testing.T) {
		_, c := newServer(t, reply(200, `<html>gateway</html>`))
		_, err := c.Update(t.Context(), recs)
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
	})
	t.Run("missing customer_id fails locally, the rest is sent", func(t *testing.T) {
		s, c := newServer(t, reply(204, ``))
		res, err := c.Update(t.Context(), []crm.Record{{"name": "no id"}, {"customer_id": "9", "name": "x"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusFailed, res[0].Status)
		assert.Equal(t, crm.KindRejected, crm.KindOf(res[0].Err))
		assert.Equal(t, crm.StatusUpdated, res[1].Status)
		require.Len(t, s.requests(), 1)
		assert.JSONEq(t, `{"customers":[{"customer_id":9,"name":"x"}]}`, s.requests()[0].Body)
	})
	t.Run("a single rejected record is a row failure", func(t *testing.T) {
		_, c := newServer(t, reply(400, `{"request_id":"q","errors":[{"message":"Wrong format of phone number.","code":1}]}`))
		res, err := c.Update(t.Context(), []crm.Record{{"customer_id": "9", "phone_number": "x"}})
		require.NoError(t, err)
		assert.Equal(t, crm.KindRejected, crm.KindOf(res[0].Err))
	})
}

func TestUpdateOne(t *testing.T) {
	s, c := newServer(t, reply(200, `{}`))
	res, err := c.UpdateOne(t.Context(), crm.Record{"customer_id": "273", "surname": "Nowak"})
	require.NoError(t, err)
	assert.Equal(t, crm.Result{Status: crm.StatusUpdated, ID: "273"}, res)
	r := s.requests()[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Equal(t, "/api/customers/273", r.Path)
	assert.JSONEq(t, `{"surname":"Nowak"}`, r.Body)
}

func TestListPagesAndDecodes(t *testing.T) {
	rows := []string{
		`{"customer_id":273,"name":"Jan","surname":"Kowalski","phone_number":"222333444","phone_numbers":["222333444","213443523"],"email":"jan.kowalski@foo.bar","company_id":"","vip":true,"address":{"street":"Złota","flat":null,"city":"Kraków"},"custom_fields":{"ID":null,"Dodatkowe informacje":"Numer dowodu"}}`,
		`{"customer_id":"274","surname":"Иванов","phone_number":"","email":["a@b.pl","c@d.pl"]}`,
		`{"customer_id":275,"surname":"Nowak","company_id":28}`,
	}
	envelopes := []struct {
		name string
		wrap func(string) string
	}{
		{"result envelope", func(s string) string { return `{"result":[` + s + `]}` }},
		{"bare array", func(s string) string { return `[` + s + `]` }},
		{"data envelope", func(s string) string { return `{"data":[` + s + `],"total":3}` }},
	}
	for _, env := range envelopes {
		t.Run(env.name, func(t *testing.T) {
			s, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				var page []string
				switch r.URL.Query().Get("offset") {
				case "0":
					page = rows[:2]
				case "2":
					page = rows[2:]
				}
				_, _ = io.WriteString(w, env.wrap(strings.Join(page, ",")))
			})
			c, err := New(Config{URL: s.srv.URL, User: testUser, Password: testPassword, PageSize: 2}, s.srv.Client())
			require.NoError(t, err)
			var got []crm.Record
			for r, err := range crm.All(t.Context(), c, crm.ListQuery{Filters: map[string]string{"type": "VIP", "custom_fields[Kraj][0]": "POLSKA"}}) {
				require.NoError(t, err)
				got = append(got, r)
			}
			require.Len(t, got, 3)
			assert.Equal(t, crm.Record{
				"customer_id": "273", "name": "Jan", "surname": "Kowalski",
				"phone_number": []string{"222333444", "213443523"}, "email": "jan.kowalski@foo.bar",
				"company_id": "", "vip": true, "address.street": "Złota", "address.city": "Kraków",
				"custom_fields.Dodatkowe informacje": "Numer dowodu",
			}, got[0])
			assert.Equal(t, crm.Record{"customer_id": "274", "surname": "Иванов", "phone_number": []string{}, "email": []string{"a@b.pl", "c@d.pl"}}, got[1])
			assert.Equal(t, "28", got[2]["company_id"])

			reqs := s.requests()
			require.Len(t, reqs, 2, "a short page ends the list")
			for i, want := range []string{"0", "2"} {
				q := reqs[i]
				assert.Equal(t, http.MethodGet, q.Method)
				assert.Equal(t, "/api/customers", q.Path)
				assert.Contains(t, q.Query, "offset="+want)
				assert.Contains(t, q.Query, "limit=2")
				assert.Contains(t, q.Query, "type=VIP")
				assert.Contains(t, q.Query, "custom_fields%5BKraj%5D%5B0%5D=POLSKA")
				assert.Contains(t, q.Query, "include_address=1")
			}
		})
	}
}

func TestListRefusesWhatThuliumCannotDo(t *testing.T) {
	s, c := newServer(t, reply(200, `[]`))
	_, err := c.List(t.Context(), crm.ListQuery{Since: time.Now()}, "")
	require.ErrorIs(t, err, crm.ErrUnsupported)
	assert.Contains(t, err.Error(), "--since")
	_, err = c.List(t.Context(), crm.ListQuery{Filters: map[string]string{"city": "Kraków"}}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "identifier")
	_, err = c.List(t.Context(), crm.ListQuery{}, "abc")
	require.Error(t, err)
	assert.Empty(t, s.requests())

	p, err := c.List(t.Context(), crm.ListQuery{}, "")
	require.NoError(t, err)
	assert.Empty(t, p.Records)
	assert.Empty(t, p.Next)
}

func TestListBadAnswerIsRetryable(t *testing.T) {
	_, c := newServer(t, reply(200, `<html>maintenance</html>`))
	_, err := c.List(t.Context(), crm.ListQuery{}, "")
	assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
}

func TestFind(t *testing.T) {
	// The server answers partial matches for every filter; Find must compare exactly.
	h := func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.URL.Path == "/api/customers/273":
			_, _ = io.WriteString(w, `{"customer_id":273,"surname":"Kowalski","identifier":"K-1"}`)
		case strings.HasPrefix(r.URL.Path, "/api/customers/"):
			w.WriteHeader(404)
			_, _ = io.WriteString(w, `{"request_id":"x","errors":[{"message":"Customer not found.","code":404}]}`)
		case q.Has("identifier"):
			_, _ = io.WriteString(w, `{"result":[{"customer_id":1,"identifier":"K-10"},{"customer_id":2,"identifier":"K-1"}]}`)
		case q.Has("email"):
			_, _ = io.WriteString(w, `{"result":[{"customer_id":3,"email":"xjan@foo.bar"},{"customer_id":4,"email":["other@x.pl","Jan@Foo.bar"]},{"customer_id":8,"email":"z@x.pl, Jan@Foo.bar"}]}`)
		case q.Has("phone_number"):
			_, _ = io.WriteString(w, `{"result":[{"customer_id":5,"phone_number":"48222333444","phone_numbers":["48222333444"]},{"customer_id":6,"phone_number":"222 333 444"}]}`)
		default:
			_, _ = io.WriteString(w, `{"result":[{"customer_id":99}]}`)
		}
	}
	tests := []struct {
		name    string
		rec     crm.Record
		wantID  string
		notFind bool
		query   string
	}{
		{"by customer_id", crm.Record{"customer_id": "273", "identifier": "zzz"}, "273", false, ""},
		{"customer_id unknown", crm.Record{"customer_id": "5"}, "", true, ""},
		{"identifier exact among partial hits", crm.Record{"identifier": " K-1 ", "email": "none@x.pl"}, "2", false, "identifier=K-1"},
		{"identifier without exact hit", crm.Record{"identifier": "K-"}, "", true, "identifier=K-"},
		{"empty identifier is never sent", crm.Record{"identifier": "  ", "email": "jan@foo.bar"}, "4", false, "email=jan%40foo.bar"},
		{"e-mail inside a joined list", crm.Record{"email": "z@x.pl"}, "8", false, "email=z%40x.pl"},
		{"phone by digits", crm.Record{"phone_number": []string{"+48 (222) 333-444"}}, "5", false, "phone_number="},
		{"phone digits differ", crm.Record{"phone_number": "333444"}, "", true, "phone_number=333444"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := newServer(t, h)
			id, stored, err := c.Find(t.Context(), tt.rec)
			for _, r := range s.requests() {
				assert.NotContains(t, r.Query+"&", "identifier=&", "an empty identifier filter returns everyone without one")
				if tt.query != "" {
					assert.Contains(t, r.Query, tt.query)
				}
			}
			if tt.notFind {
				require.ErrorIs(t, err, crm.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, id)
			assert.Equal(t, tt.wantID, stored["customer_id"])
		})
	}
	t.Run("nothing to look up by", func(t *testing.T) {
		s, c := newServer(t, h)
		_, _, err := c.Find(t.Context(), crm.Record{"surname": "Kowalski", "identifier": ""})
		require.Error(t, err)
		assert.NotErrorIs(t, err, crm.ErrNotFound, "no key is not the same as not found: resending could duplicate")
		assert.Empty(t, s.requests())
	})
}

func TestDelete(t *testing.T) {
	s, c := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/customers/13" {
			w.WriteHeader(204)
			return
		}
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"request_id":"x","errors":[{"message":"Customer not found.","code":1}]}`)
	})
	require.NoError(t, c.Delete(t.Context(), "13"))
	err := c.Delete(t.Context(), "14")
	require.ErrorIs(t, err, crm.ErrNotFound)
	assert.Equal(t, crm.KindRejected, crm.KindOf(err))
	assert.Equal(t, http.MethodDelete, s.requests()[0].Method)
}

func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Catalogue() {
		assert.False(t, seen[f.Name], "duplicate %s", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Description, f.Name)
		assert.NotEmpty(t, f.Type, f.Name)
	}
	for _, want := range []string{"surname", "name", "email", "phone_number", "identifier", "nip", "vip", "birthdate",
		"address.city", "invoice_address.postcode", "mail_drop_address.street", "custom_fields.*", "customer_id"} {
		assert.True(t, seen[want], want)
	}
	assert.True(t, catalogueIndex["surname"].Required)
	assert.True(t, catalogueIndex["email"].Multi)
	assert.True(t, catalogueIndex["customer_id"].ReadOnly)
	assert.Equal(t, crm.TypeDate, catalogueIndex["birthdate"].Type)

	for _, tt := range []struct {
		name string
		want bool
	}{
		{"custom_fields.Kraj", true},
		{"custom_fields.Dodatkowe informacje", true},
		{"custom_fields.", false},
		{"custom_fields.*", false},
		{"address.city", false},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, IsDynamicField(tt.name)) })
	}
}

func TestRegistration(t *testing.T) {
	reg := Registration()
	assert.Equal(t, "thulium", reg.Name)
	secret := map[string]bool{}
	for _, e := range reg.Env {
		secret[e.Name] = e.Secret
		assert.True(t, e.Required, e.Name)
	}
	assert.Equal(t, map[string]bool{EnvURL: false, EnvUser: false, EnvPassword: true}, secret)
	v, err := reg.New(map[string]string{EnvURL: "https://x.thulium.com", EnvUser: "u", EnvPassword: "p"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "thulium", v.Name())
	assert.Equal(t, "customer_id", v.Capabilities().IDField)
	_, err = reg.New(map[string]string{EnvURL: "https://x.thulium.com"}, nil)
	require.Error(t, err)
	fields, err := v.Fields(t.Context())
	require.NoError(t, err)
	assert.Equal(t, Catalogue(), fields)
}

// Ensure request bodies are valid JSON objects even with awkward text.
func TestCreateKeepsTextExactly(t *testing.T) {
	s, c := newServer(t, reply(201, `{"customer_id":"1"}`))
	_, err := c.Create(t.Context(), []crm.Record{{"surname": `O'Brien "<b>" & Съешь же ещё`}})
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(s.requests()[0].Body), &m))
	assert.Equal(t, `O'Brien "<b>" & Съешь же ещё`, m["surname"])
}
