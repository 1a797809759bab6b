// Package httptrace implements crmport's --debug HTTP trace: an
// http.RoundTripper that writes one line per request (method, URL, status,
// duration, request and response body sizes) with every secret redacted.
// Header values and bodies are never printed, only their sizes; every known
// secret string (passed in, or read from the request's credential headers)
// is replaced by "***" wherever it appears, also URL-encoded, and query
// parameters with credential-like names are masked.
//
// Use it when building the HTTP client a vendor gets:
//
//	hc := &http.Client{Transport: httptrace.Transport(http.DefaultTransport, ios.ErrOut, secrets)}
//
// A line reads like
//
//	POST https://api.baselinker.com/connector.php -> 200 OK in 84ms (request 212 B, response 57 B)
//
// Note that http.Client wraps transport failures in a *url.Error that names
// the request URL; a vendor whose URLs can carry a secret passes such
// errors through RedactError before returning them.
package httptrace

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mask replaces every secret in traces and redacted strings.
const Mask = "***"

// SecretHeaders are request headers whose values are always treated as
// secrets (compared case-insensitively).
var SecretHeaders = []string{"Authorization", "Proxy-Authorization", "X-BLToken", "Apikey", "Login", "Password", "Token", "X-Api-Key", "Cookie"}

// secretParams are query parameter names whose values are masked.
var secretParams = []string{"token", "apikey", "api_key", "key", "login", "password", "pass", "secret", "access_token", "auth"}

// Transport returns a RoundTripper that sends requests through base
// (http.DefaultTransport if nil) and writes one trace line per request to
// w. secrets, if not nil, is called for each request and returns strings
// that must never be printed (tokens, API keys, passwords, logins). Lines
// are written whole, so w may be shared by concurrent requests. Errors
// returned by base are redacted too (their Unwrap chain is kept).
func Transport(base http.RoundTripper, w io.Writer, secrets func() []string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{base: base, w: w, secrets: secrets, mu: &sync.Mutex{}}
}

type transport struct {
	base    http.RoundTripper
	w       io.Writer
	secrets func() []string
	mu      *sync.Mutex
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	secrets := RequestSecrets(req)
	if t.secrets != nil {
		secrets = append(secrets, t.secrets()...)
	}
	start := time.Now()
	r2 := req
	reqBody := &counter{}
	if req.Body != nil && req.Body != http.NoBody {
		r2 = req.Clone(req.Context())
		reqBody.rc = req.Body
		r2.Body = reqBody
	}
	resp, err := t.base.RoundTrip(r2)
	line := fmt.Sprintf("%s %s", req.Method, redactURL(req.URL, secrets))
	if m := formMethod(req); m != "" {
		line += " method=" + m // BaseLinker: every call goes to connector.php
	}
	if err != nil {
		t.write(fmt.Sprintf("%s -> error after %s: %s (request %s)\n", line, since(start), Redact(err.Error(), secrets), size(reqBody.n.Load(), req.ContentLength)), secrets)
		return nil, &redactedError{err: err, msg: Redact(err.Error(), secrets)}
	}
	head := fmt.Sprintf("%s -> %d %s", line, resp.StatusCode, http.StatusText(resp.StatusCode))
	if resp.Body == nil {
		t.write(fmt.Sprintf("%s in %s (request %s, response 0 B)\n", head, since(start), size(reqBody.n.Load(), req.ContentLength)), secrets)
		return resp, nil
	}
	rb := &respBody{rc: resp.Body}
	rb.done = func() {
		t.write(fmt.Sprintf("%s in %s (request %s, response %d B)\n", head, since(start), size(reqBody.n.Load(), req.ContentLength), rb.n), secrets)
	}
	resp.Body = rb
	return resp, nil
}

// formMethod returns the API method named in a small form-encoded body
// (BaseLinker's "method" field), read from a copy of the body; "" otherwise.
func formMethod(req *http.Request) string {
	if req.GetBody == nil || req.ContentLength <= 0 || req.ContentLength > 1<<16 ||
		!strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	body, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, 1<<16))
	if err != nil {
		return ""
	}
	vals, err := url.ParseQuery(string(data))
	if err != nil {
		return ""
	}
	m := vals.Get("method")
	for _, r := range m {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "" // not an API method name: print nothing from the body
		}
	}
	return m
}

func (t *transport) write(line string, secrets []string) {
	line = Redact(line, secrets)
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = io.WriteString(t.w, line)
}

func since(start time.Time) time.Duration {
	return time.Since(start).Round(time.Millisecond)
}

func size(counted int64, declared int64) string {
	if counted == 0 && declared > 0 {
		counted = declared
	}
	return fmt.Sprintf("%d B", counted)
}

// counter counts the bytes of a request body as they are sent.
// The transport may still be sending it when the answer arrives, hence
// the atomic count.
type counter struct {
	rc io.ReadCloser
	n  atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *counter) Close() error { return c.rc.Close() }

// respBody counts the response body and writes the trace line at EOF or
// Close, whichever comes first.
type respBody struct {
	rc   io.ReadCloser
	n    int64
	once sync.Once
	done func()
}

func (b *respBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n += int64(n)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *respBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.done)
	return err
}

// redactedError hides secrets in an error's text and keeps its chain.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// RedactError returns err with secrets removed from its text; errors.Is
// and errors.As still see the original chain. It returns nil for nil.
func RedactError(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := Redact(err.Error(), secrets)
	if msg == err.Error() {
		return err
	}
	var re *redactedError
	if errors.As(err, &re) && re == err {
		return &redactedError{err: re.err, msg: msg}
	}
	return &redactedError{err: err, msg: msg}
}

// RequestSecrets returns the secrets a request carries in its credential
// headers (SecretHeaders), including the user name and password of Basic
// auth and the password of the URL's user info.
func RequestSecrets(req *http.Request) []string {
	var out []string
	for _, h := range SecretHeaders {
		for _, v := range req.Header.Values(h) {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			out = append(out, v)
			scheme, rest, ok := strings.Cut(v, " ")
			if !ok {
				continue
			}
			out = append(out, strings.TrimSpace(rest))
			if strings.EqualFold(scheme, "Basic") {
				if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest)); err == nil {
					u, p, _ := strings.Cut(string(dec), ":")
					out = append(out, u, p)
				}
			}
		}
	}
	if req.URL != nil && req.URL.User != nil {
		if p, ok := req.URL.User.Password(); ok {
			out = append(out, p)
		}
	}
	return out
}

// Redact returns s with every non-empty secret replaced by "***", also
// where it appears URL-encoded (query or path escaping) or in base64.
// Longer secrets are replaced first, so a secret containing another is
// masked whole.
func Redact(s string, secrets []string) string {
	var all []string
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			all = append(all, v)
		}
	}
	for _, sec := range secrets {
		add(sec)
		add(url.QueryEscape(sec))
		add(url.PathEscape(sec))
		if len(sec) >= 4 {
			add(base64.StdEncoding.EncodeToString([]byte(sec)))
		}
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	for _, sec := range all {
		s = strings.ReplaceAll(s, sec, Mask)
	}
	return s
}

// redactURL prints u without user info and with credential-like query
// parameters masked, then removes any remaining secret.
func redactURL(u *url.URL, secrets []string) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Mask)
	}
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for k := range q {
			if isSecretParam(k) {
				for i := range q[k] {
					q[k][i] = Mask
				}
				changed = true
			}
		}
		if changed {
			c.RawQuery = strings.ReplaceAll(q.Encode(), url.QueryEscape(Mask), Mask)
		}
	}
	return Redact(c.String(), secrets)
}

func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, p := range secretParams {
		if n == p || strings.HasSuffix(n, "_"+p) || strings.HasSuffix(n, "token") || strings.Contains(n, "password") {
			return true
		}
	}
	return false
}
