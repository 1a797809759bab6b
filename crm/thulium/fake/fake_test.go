package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/thulium/fake"
)

// env is one emulator behind a loopback server under /thulium, as the
// sandbox mounts it.
type env struct {
	f   *fake.Fake
	srv *httptest.Server
}

func newEnv(t testing.TB, opt fake.Options) *env {
	t.Helper()
	f := fake.New(opt)
	mux := http.NewServeMux()
	mux.Handle("/thulium/", http.StripPrefix("/thulium", f))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{f: f, srv: srv}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// call sends one curl-style request: `curl -u user:pass -X METHOD -d BODY URL`.
func (e *env) call(t testing.TB, method, path, body string, auth ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+"/thulium"+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if len(auth) == 2 {
		req.SetBasicAuth(auth[0], auth[1])
	} else {
		req.SetBasicAuth(fake.DefaultUser, fake.DefaultPassword)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, resp.Header, b}
}

func messages(t testing.TB, r reply) []string {
	t.Helper()
	var body struct {
		RequestID string `json:"request_id"`
		Errors    []struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(r.body, &body), "body: %s", r.body)
	require.NotEmpty(t, body.RequestID, "error bodies carry a request_id")
	var out []string
	for _, e := range body.Errors {
		assert.NotZero(t, e.Code)
		out = append(out, e.Message)
	}
	return out
}

func TestAuth(t *testing.T) {
	e := newEnv(t, fake.Options{})
	tests := []struct {
		name string
		auth []string
	}{
		{"wrong password", []string{fake.DefaultUser, "nope"}},
		{"wrong user", []string{"admin", fake.DefaultPassword}},
		{"empty", []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "GET", "/api/customers", "", tt.auth...)
			assert.Equal(t, http.StatusUnauthorized, r.status)
			assert.Len(t, messages(t, r), 1)
		})
	}
	t.Run("no header", func(t *testing.T) {
		resp, err := http.Post(e.srv.URL+"/thulium/api/customers", "application/json", strings.NewReader(`{"surname":"X"}`))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Empty(t, e.f.Records(), "a refused create stores nothing")
	})
	for _, rq := range e.f.Requests() {
		assert.NotContains(t, rq.Body+rq.Path, fake.DefaultPassword+"x")
	}
}

func TestCreateDocumentedSample(t *testing.T) {
	e := newEnv(t, fake.Options{})
	// The seed's sample: POST {"surname":"Kowalski","phone_number":["333444555","123432234"]}.
	r := e.call(t, "POST", "/api/customers", `{"surname":"Kowalski","phone_number":["333444555","123432234"]}`)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.JSONEq(t, `{"customer_id":"1"}`, string(r.body), "the id is a string, as in the seed")

	g := e.call(t, "GET", "/api/customers/1", "")
	require.Equal(t, http.StatusOK, g.status)
	m := g.json(t)
	assert.Equal(t, float64(1), m["customer_id"], "GET answers the id as an integer")
	assert.Equal(t, "Kowalski", m["surname"])
	assert.Equal(t, "333444555", m["phone_number"])
	assert.Equal(t, []any{"333444555", "123432234"}, m["phone_numbers"])
	assert.Equal(t, "", m["company_id"])
	assert.Equal(t, map[string]any{}, m["custom_fields"])
	assert.NotContains(t, m, "address", "addresses only with include_address")

	r = e.call(t, "POST", "/api/customers", `{"surname":"Nowak","name":"Anna","email":"anna@example.pl","nip":"525-000-00-00",
		"address":{"street":"Marszałkowska","building":"1","postcode":"00-950","city":"Warszawa","country":"Polska"},
		"custom_fields":{"Segment":"A"}}`)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	g = e.call(t, "GET", "/api/customers/2?include_address=1", "")
	m = g.json(t)
	assert.Equal(t, "anna@example.pl", m["email"])
	assert.Equal(t, "5250000000", m["nip"], "dashes are removed from a NIP")
	addr, ok := m["address"].(map[string]any)
	require.True(t, ok, "address object: %s", g.body)
	assert.Equal(t, "00-950", addr["postcode"])
	assert.Equal(t, "Warszawa", addr["city"])

	recs := e.f.Records()
	require.Len(t, recs, 2)
	assert.Equal(t, "Warszawa", recs[1]["address.city"])
	assert.Equal(t, "A", recs[1]["custom_fields.Segment"])
	assert.Equal(t, []string{"333444555", "123432234"}, recs[0]["phone_number"])
}

func TestValidation(t *testing.T) {
	e := newEnv(t, fake.Options{})
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"surname missing", `{"name":"Jan"}`, []string{"Field surname is required."}},
		{"surname blank", `{"surname":"  "}`, []string{"Field surname is required."}},
		{"bad phone", `{"surname":"K","phone_number":"12ab"}`, []string{"Wrong format of phone number."}},
		{"bad phone in array", `{"surname":"K","phone_number":["500600700","1"]}`, []string{"Wrong format of phone number."}},
		{"bad nip", `{"surname":"K","nip":"123-45"}`, []string{"Wrong format of NIP."}},
		{"bad email", `{"surname":"K","email":["a@b.pl","jan@"]}`, []string{`Wrong format of e-mail address: "jan@".`}},
		{"unknown field", `{"surname":"K","last_name":"K"}`, []string{"Unknown field last_name."}},
		{"several errors", `{"phone_number":"x","nip":"1"}`, []string{"Wrong format of NIP.", "Wrong format of phone number.", "Field surname is required."}},
		{"not json", `surname=K`, []string{"Request body must be a JSON object."}},
		{"wrong type", `{"surname":["K"]}`, []string{"Field surname must be a string."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "POST", "/api/customers", tt.body)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, tt.want, messages(t, r))
		})
	}
	assert.Empty(t, e.f.Records(), "no refused create is stored")

	t.Run("phones and e-mails as strings or arrays", func(t *testing.T) {
		r := e.call(t, "POST", "/api/customers", `{"surname":"Иванов","email":"ivan@example.ru","phone_number":"+48 500-600-700"}`)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		r = e.call(t, "POST", "/api/customers", `{"surname":"Petrov","email":["a@example.ru","b@example.ru"],"phone_number":["500600700"]}`)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		recs := e.f.Records()
		require.Len(t, recs, 2)
		assert.Equal(t, "Иванов", recs[0]["surname"])
		assert.Equal(t, "+48 500-600-700", recs[0]["phone_number"])
		assert.Equal(t, []string{"a@example.ru", "b@example.ru"}, recs[1]["email"])
	})
}

func TestNotFoundAndMethods(t *testing.T) {
	e := newEnv(t, fake.Options{})
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown id", "GET", "/api/customers/99", http.StatusNotFound},
		{"bad id", "GET", "/api/customers/abc", http.StatusNotFound},
		{"delete unknown", "DELETE", "/api/customers/99", http.StatusNotFound},
		{"unknown path", "GET", "/api/customer", http.StatusNotFound},
		{"patch", "PATCH", "/api/customers/1", http.StatusMethodNotAllowed},
		{"delete list", "DELETE", "/api/customers", http.StatusMethodNotAllowed},
		{"get batch", "GET", "/api/batch/customers", http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, tt.method, tt.path, "")
			assert.Equal(t, tt.status, r.status)
			assert.Len(t, messages(t, r), 1)
		})
	}
}

func TestUpdateAndDelete(t *testing.T) {
	e := newEnv(t, fake.Options{})
	ids := e.f.Seed([]crm.Record{{"surname": "Kowalski", "name": "Jan", "email": "jan@example.pl"}})
	require.Equal(t, []string{"1"}, ids)

	r := e.call(t, "PUT", "/api/customers/1", `{"name":"Janusz"}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	rec := e.f.Records()[0]
	assert.Equal(t, "Janusz", rec["name"])
	assert.Equal(t, "Kowalski", rec["surname"], "fields not given are kept")
	assert.Equal(t, "jan@example.pl", rec["email"])

	r = e.call(t, "PUT", "/api/customers/1", `{"surname":""}`)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "Kowalski", e.f.Records()[0]["surname"], "a refused update changes nothing")

	r = e.call(t, "DELETE", "/api/customers/1", "")
	assert.Equal(t, http.StatusNoContent, r.status)
	assert.Empty(t, r.body)
	assert.Equal(t, http.StatusNotFound, e.call(t, "GET", "/api/customers/1", "").status)
	assert.Equal(t, http.StatusNotFound, e.call(t, "PUT", "/api/customers/1", `{"name":"X"}`).status)
}

func TestBatch(t *testing.T) {
	e := newEnv(t, fake.Options{MaxBatch: 3})
	r := e.call(t, "POST", "/api/batch/customers", `{"customers":[{"surname":"A"},{"name":"no surname"},{"surname":"C","nip":"5250000000"}]}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var items []struct {
		CustomerID string `json:"customer_id"`
		HTTPStatus int    `json:"http_status"`
		Errors     []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(r.body, &items))
	require.Len(t, items, 3, "one answer per input item, in order")
	assert.Equal(t, 201, items[0].HTTPStatus)
	assert.Equal(t, "1", items[0].CustomerID)
	assert.Equal(t, 400, items[1].HTTPStatus)
	require.Len(t, items[1].Errors, 1)
	assert.Equal(t, "Field surname is required.", items[1].Errors[0].Message)
	assert.Equal(t, 201, items[2].HTTPStatus)
	assert.Equal(t, "2", items[2].CustomerID)

	r = e.call(t, "PUT", "/api/batch/customers", `{"customers":[{"customer_id":2,"name":"Cezary"},{"name":"no id"},{"customer_id":"77","name":"X"},{"customer_id":"1","nip":"1"}]}`)
	assert.Equal(t, http.StatusBadRequest, r.status, "4 items exceed MaxBatch 3")

	r = e.call(t, "PUT", "/api/batch/customers", `{"customers":[{"customer_id":2,"name":"Cezary"},{"name":"no id"},{"customer_id":"77","name":"X"}]}`)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.NoError(t, json.Unmarshal(r.body, &items))
	require.Len(t, items, 3)
	assert.Equal(t, []int{200, 400, 404}, []int{items[0].HTTPStatus, items[1].HTTPStatus, items[2].HTTPStatus})
	recs := e.f.Records()
	require.Len(t, recs, 2)
	assert.Equal(t, "Cezary", recs[1]["name"])
	assert.Equal(t, "5250000000", recs[1]["nip"])

	for _, body := range []string{`{}`, `{"customers":[]}`, `{"customers":{"surname":"A"}}`, `[{"surname":"A"}]`} {
		r = e.call(t, "POST", "/api/batch/customers", body)
		assert.Equal(t, http.StatusBadRequest, r.status, body)
	}
}

func TestListPagingAndFilters(t *testing.T) {
	e := newEnv(t, fake.Options{})
	var recs []crm.Record
	for i := 1; i <= 250; i++ {
		r := crm.Record{"surname": fmt.Sprintf("Klient %03d", i), "phone_number": fmt.Sprintf("500 600 %03d", i)}
		if i%2 == 0 {
			r["identifier"] = fmt.Sprintf("EXT-%d", i)
		}
		if i == 7 {
			r["email"] = "Jan.Kowalski@Example.PL"
			r["nip"] = "5250000000"
		}
		recs = append(recs, r)
	}
	e.f.Seed(recs)

	page := func(t *testing.T, query string) []map[string]any {
		t.Helper()
		r := e.call(t, "GET", "/api/customers"+query, "")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var body struct {
			Result []map[string]any `json:"result"`
		}
		require.NoError(t, json.Unmarshal(r.body, &body), "%s", r.body)
		require.NotNil(t, body.Result, "list answers {\"result\":[...]}: %s", r.body)
		return body.Result
	}
	tests := []struct {
		name    string
		query   string
		n       int
		firstID float64
	}{
		{"default limit", "", 100, 1},
		{"second page", "?limit=100&offset=100", 100, 101},
		{"short last page", "?limit=100&offset=200", 50, 201},
		{"past the end", "?offset=300", 0, 0},
		{"max limit", "?limit=1000", 250, 1},
		{"identifier", "?identifier=EXT-10", 1, 10},
		{"empty identifier selects those without", "?identifier=&limit=1000", 125, 1},
		{"email case-insensitive", "?email=jan.kowalski@example.pl", 1, 7},
		{"phone by digits", "?phone_number=%2B500-600-042", 1, 42},
		{"phone not partial", "?phone_number=600042", 0, 0},
		{"phone exact digits", "?phone_number=500600042", 1, 42},
		{"nip with dashes", "?nip=525-000-00-00", 1, 7},
		{"filters combine", "?nip=5250000000&identifier=EXT-7", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := page(t, tt.query)
			assert.Len(t, res, tt.n)
			if tt.n > 0 {
				assert.Equal(t, tt.firstID, res[0]["customer_id"])
			}
		})
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x", "?offset=-1"} {
		t.Run("bad "+q, func(t *testing.T) {
			r := e.call(t, "GET", "/api/customers"+q, "")
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Len(t, messages(t, r), 1)
		})
	}
	t.Run("page size cap", func(t *testing.T) {
		e.f.SetPageSize(7)
		defer e.f.SetPageSize(0)
		seen := map[float64]bool{}
		for off := 0; ; off += 7 {
			res := page(t, fmt.Sprintf("?limit=100&offset=%d", off))
			for _, c := range res {
				id := c["customer_id"].(float64)
				assert.False(t, seen[id], "customer %v twice", id)
				seen[id] = true
			}
			if len(res) < 7 {
				break
			}
		}
		assert.Len(t, seen, 250)
	})
	t.Run("bare array", func(t *testing.T) {
		b := newEnv(t, fake.Options{BareArray: true})
		b.f.Seed(recs[:3])
		r := b.call(t, "GET", "/api/customers", "")
		var arr []map[string]any
		require.NoError(t, json.Unmarshal(r.body, &arr), "%s", r.body)
		assert.Len(t, arr, 3)
	})
}

func TestStateRoundTrip(t *testing.T) {
	e := newEnv(t, fake.Options{})
	e.f.Seed([]crm.Record{
		{"surname": "Kowalski", "address.city": "Kraków", "custom_fields.Źródło": "targi", "email": []string{"a@x.pl", "b@x.pl"}},
		{"surname": "Нестеров", "vip": true},
	})
	data, err := e.f.SaveState()
	require.NoError(t, err)

	g := fake.New(fake.Options{})
	require.NoError(t, g.LoadState(data))
	assert.Equal(t, e.f.Records(), g.Records())
	ids := g.Seed([]crm.Record{{"surname": "Next"}})
	assert.Equal(t, []string{"3"}, ids, "ids continue after a loaded state")

	assert.Error(t, g.LoadState([]byte(`{"customers":[{"customer_id":0}]}`)))
	assert.Error(t, g.LoadState([]byte(`not json`)))

	g.Reset()
	assert.Empty(t, g.Records())
}

func TestFaults(t *testing.T) {
	t.Run("commit then drop stores the customer and loses the answer", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		e.f.Inject(crm.Fault{Op: "POST /api/customers", Commit: true})
		req, err := http.NewRequest("POST", e.srv.URL+"/thulium/api/customers", strings.NewReader(`{"surname":"Lost","identifier":"row-1"}`))
		require.NoError(t, err)
		req.SetBasicAuth(fake.DefaultUser, fake.DefaultPassword)
		resp, err := e.srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		assert.Error(t, err, "the connection is dropped")
		recs := e.f.Records()
		require.Len(t, recs, 1)
		assert.Equal(t, "row-1", recs[0]["identifier"])
		reqs := e.f.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "commit-then-drop", reqs[0].Fault)
		assert.NotContains(t, reqs[0].Body+reqs[0].Path, fake.DefaultPassword+":")
	})

	t.Run("a retrying client finishes under 20% faults with every customer once", func(t *testing.T) {
		e := newEnv(t, fake.Options{})
		e.f.SetFaultRate(0.2, 42)
		e.f.SetRetryAfter(0)
		hc := &http.Client{Timeout: 5 * time.Second}
		send := func(method, path, body string) (int, []byte, error) {
			req, err := http.NewRequest(method, e.srv.URL+"/thulium"+path, strings.NewReader(body))
			if err != nil {
				return 0, nil, err
			}
			req.SetBasicAuth(fake.DefaultUser, fake.DefaultPassword)
			resp, err := hc.Do(req)
			if err != nil {
				return 0, nil, err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			return resp.StatusCode, b, err
		}
		const n = 60
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 4 {
					key := fmt.Sprintf("row-%d", i)
					for attempt := 0; attempt < 50; attempt++ {
						// Look the row up first: an earlier create may have
						// been applied with its answer lost.
						st, b, err := send("GET", "/api/customers?identifier="+key, "")
						if err != nil || st != http.StatusOK {
							continue
						}
						var found struct {
							Result []json.RawMessage `json:"result"`
						}
						if json.Unmarshal(b, &found) != nil {
							continue
						}
						if len(found.Result) > 0 {
							break
						}
						st, _, err = send("POST", "/api/customers", fmt.Sprintf(`{"surname":"Klient %d","identifier":%q,"phone_number":["500600%03d"]}`, i, key, i))
						if err == nil && st == http.StatusCreated {
							break
						}
					}
				}
			}()
		}
		wg.Wait()
		recs := e.f.Records()
		count := map[string]int{}
		for _, r := range recs {
			count[r["identifier"].(string)]++
			assert.NotEmpty(t, r["surname"], "no half-applied record")
			assert.NotEmpty(t, r["phone_number"], "no half-applied record")
		}
		assert.Len(t, count, n)
		for k, c := range count {
			assert.Equal(t, 1, c, k)
		}
		faults := 0
		for _, rq := range e.f.Requests() {
			if rq.Fault != "" {
				faults++
			}
		}
		assert.Positive(t, faults, "faults were injected")
	})
}

func BenchmarkCreateAndGet(b *testing.B) {
	e := newEnv(b, fake.Options{})
	hc := e.srv.Client()
	auth := "Basic c2FuZGJveDpzYW5kYm94"
	body := []byte(`{"surname":"Kowalski","name":"Jan","email":"jan@example.pl","phone_number":["500600700"]}`)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			var req *http.Request
			if i%2 == 0 {
				req, _ = http.NewRequest("POST", e.srv.URL+"/thulium/api/customers", bytes.NewReader(body))
			} else {
				req, _ = http.NewRequest("GET", e.srv.URL+"/thulium/api/customers?limit=10", nil)
			}
			req.Header.Set("Authorization", auth)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// TestDocSamples replays the documents' samples kept in testdata.
func TestDocSamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "docs_samples.json"))
	require.NoError(t, err)
	var cases []struct {
		Name        string          `json:"name"`
		Method      string          `json:"method"`
		Path        string          `json:"path"`
		Body        json.RawMessage `json:"body"`
		Status      int             `json:"status"`
		Response    json.RawMessage `json:"response"`
		ResponseHas map[string]any  `json:"response_has"`
	}
	require.NoError(t, json.Unmarshal(data, &cases))
	require.NotEmpty(t, cases)
	e := newEnv(t, fake.Options{})
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			r := e.call(t, c.Method, c.Path, string(c.Body))
			assert.Equal(t, c.Status, r.status)
			if c.Response != nil {
				assert.JSONEq(t, string(c.Response), string(r.body))
			}
			if c.ResponseHas != nil {
				got := r.json(t)
				for k, v := range c.ResponseHas {
					assert.Equal(t, v, got[k], k)
				}
			}
		})
	}
}
