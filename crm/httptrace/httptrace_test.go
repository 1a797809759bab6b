package httptrace

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTraceLinesHaveNoSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusTooManyRequests)
		}
		_, _ = io.WriteString(w, `{"status":"SUCCESS"}`) // 20 bytes
	}))
	t.Cleanup(srv.Close)

	const (
		blToken  = "5001-12345-ABCDEFGHIJ"
		apikey   = "sm-api-key-77"
		login    = "anna@firma.pl"
		thPass   = "p@ss:w0rd!/ż"
		extraSec = "configured-secret-xyz"
	)
	form := url.Values{"method": {"addCrmClient"}, "parameters": {`{"email":"a@b.pl","note":"` + blToken + `"}`}}.Encode()

	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers map[string]string
		user    [2]string
		want    []string
		secrets []string
	}{
		{
			name: "baselinker token header and in form body", method: http.MethodPost, path: "/connector.php", body: form,
			headers: map[string]string{"X-BLToken": blToken, "Content-Type": "application/x-www-form-urlencoded"},
			want:    []string{"POST " + srvURL(srv) + "/connector.php method=addCrmClient -> 200 OK", "response 20 B", "request "},
			secrets: []string{blToken},
		},
		{
			name: "salesman apikey and login headers", method: http.MethodPost, path: "/developer/v3/client/add.list", body: `{"login":"` + login + `"}`,
			headers: map[string]string{"apikey": apikey, "login": login, "Content-Type": "application/json"},
			want:    []string{"POST ", "/developer/v3/client/add.list -> 200 OK"},
			secrets: []string{apikey, login},
		},
		{
			name: "thulium basic auth", method: http.MethodGet, path: "/api/customers?limit=100&offset=0",
			user:    [2]string{"thuser", thPass},
			want:    []string{"GET ", "/api/customers?limit=100&offset=0 -> 200 OK", "request 0 B"},
			secrets: []string{thPass},
		},
		{
			name: "secret query parameters masked", method: http.MethodGet, path: "/api?token=q-tok-999&apikey=k-888&page=2",
			want:    []string{"apikey=***", "token=***", "page=2", "-> 200 OK"},
			secrets: []string{"q-tok-999", "k-888"},
		},
		{
			name: "configured secret anywhere in the URL", method: http.MethodGet, path: "/u/" + extraSec + "/x",
			want:    []string{"/u/***/x"},
			secrets: []string{extraSec},
		},
		{
			name: "error status", method: http.MethodPost, path: "/fail", body: "12345678901",
			want: []string{"-> 429 Too Many Requests", "request 11 B", "response 20 B"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			hc := &http.Client{Transport: Transport(srv.Client().Transport, &out, func() []string { return []string{extraSec} })}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, body)
			require.NoError(t, err)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			if tt.user[0] != "" {
				req.SetBasicAuth(tt.user[0], tt.user[1])
			}
			resp, err := hc.Do(req)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			require.NoError(t, resp.Body.Close())

			line := out.String()
			assert.Equal(t, 1, strings.Count(line, "\n"), "one line per request: %q", line)
			for _, w := range tt.want {
				assert.Contains(t, line, w)
			}
			for _, s := range append(tt.secrets, blToken, apikey, thPass, extraSec, url.QueryEscape(thPass)) {
				assert.NotContains(t, line, s)
			}
			assert.NotContains(t, line, "SUCCESS", "bodies are never printed")
		})
	}
}

func srvURL(s *httptest.Server) string { return s.URL }

func TestTraceTransportErrorRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now

	const sec = "tok-secret-4242"
	var out bytes.Buffer
	tr := Transport(nil, &out, func() []string { return []string{sec} })
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/x/"+sec+"?password=hunter22", nil)
	require.NoError(t, err)
	// http.Client wraps this in a *url.Error naming the request URL, which
	// a RoundTripper cannot change: vendors pass such errors through
	// RedactError. What the transport returns itself is clean.
	_, err = tr.RoundTrip(req)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), sec)
	assert.NotContains(t, out.String(), sec)
	assert.NotContains(t, out.String(), "hunter22")
	assert.Contains(t, out.String(), "-> error after")
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "the error chain is kept: %v", err)
}

func TestTraceCancelledContextKeepsChain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	hc := &http.Client{Transport: Transport(srv.Client().Transport, &out, nil)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	_, err = hc.Do(req)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		{"plain", "token abc123 failed", []string{"abc123"}, "token *** failed"},
		{"query escaped", "u?p=p%40ss+w", []string{"p@ss w"}, "u?p=***"},
		{"path escaped", "/a/p@ss%20w/b", []string{"p@ss w"}, "/a/***/b"},
		{"base64", "Authorization: Basic " + "dXNlcjpzM2NyZXQ=", []string{"user:s3cret"}, "Authorization: Basic ***"},
		{"longer first", "key-long-part", []string{"key", "key-long-part"}, "***"},
		{"empty secret ignored", "hello", []string{""}, "hello"},
		{"several occurrences", "x=s1;y=s1", []string{"s1"}, "x=***;y=***"},
		{"unicode", "hasło Zażółć", []string{"Zażółć"}, "hasło ***"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.in, tt.secrets))
		})
	}
}

func TestRedactError(t *testing.T) {
	base := errors.New("dial: token abc-999 refused")
	err := RedactError(base, []string{"abc-999"})
	assert.Equal(t, "dial: token *** refused", err.Error())
	assert.ErrorIs(t, err, base)
	assert.Nil(t, RedactError(nil, []string{"x"}))
	clean := errors.New("nothing secret")
	assert.Same(t, clean, RedactError(clean, []string{"abc"}))
}

func TestRequestSecrets(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "http://u:urlpass@127.0.0.1/", nil)
	req.SetBasicAuth("bob", "bobpass")
	req.Header.Set("X-BLToken", "bltok")
	req.Header.Set("apikey", "k1")
	got := RequestSecrets(req)
	for _, want := range []string{"bobpass", "bob", "bltok", "k1", "urlpass"} {
		assert.Contains(t, got, want)
	}
}
