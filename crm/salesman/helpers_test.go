package salesman

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	testKey   = "test-apikey-S3cr3t"
	testLogin = "tester@example.com"
)

// recorded is one exchange with the real server (testdata/cases).
type recorded struct {
	Case            string            `json:"case"`
	RequestPath     string            `json:"request_path"`
	RequestBody     string            `json:"request_body"`
	ResponseHeaders map[string]string `json:"response_headers"`
	ResponseBody    string            `json:"response_body"`
}

func loadCase(t *testing.T, num string) recorded {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "cases", num+".json"))
	require.NoError(t, err)
	var rc recorded
	require.NoError(t, json.Unmarshal(b, &rc))
	return rc
}

// exchange is one request the stub server received.
type exchange struct {
	Method string
	Path   string
	Header http.Header
	Body   map[string]any
	Raw    string
}

// stub is an httptest server on 127.0.0.1 answering with reply.
type stub struct {
	mu   sync.Mutex
	reqs []exchange
	srv  *httptest.Server
}

func (s *stub) requests() []exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]exchange(nil), s.reqs...)
}

func newStub(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, ex exchange)) (*Client, *stub) {
	t.Helper()
	s := &stub{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		ex := exchange{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Raw: string(raw)}
		_ = json.Unmarshal(raw, &ex.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, ex)
		s.mu.Unlock()
		reply(w, r, ex)
	}))
	t.Cleanup(s.srv.Close)
	c, err := New(Config{URL: s.srv.URL + "/", Login: testLogin, APIKey: testKey}, s.srv.Client())
	require.NoError(t, err)
	return c, s
}

// replayCase answers every request with the recorded response of num.
func replayCase(t *testing.T, num string) (*Client, *stub) {
	rc := loadCase(t, num)
	return newStub(t, func(w http.ResponseWriter, r *http.Request, _ exchange) {
		writeRecorded(w, rc)
	})
}

func writeRecorded(w http.ResponseWriter, rc recorded) {
	ct := rc.ResponseHeaders["Content-Type"]
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = io.WriteString(w, rc.ResponseBody)
}

// replyJSON answers with a fixed body as the real server does.
func replyJSON(body string) func(w http.ResponseWriter, r *http.Request, ex exchange) {
	return func(w http.ResponseWriter, r *http.Request, _ exchange) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = io.WriteString(w, body)
	}
}
