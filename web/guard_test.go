package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryRequestNeedsTheSecret(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/", "/?secret=wrong", "/api/vendors", "/static/app.js", "/api/events", "/api/file?name=x.csv"} {
		resp, err := bare.Get(p.base + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, path)
	}
	resp, err := bare.Post(p.base+"/api/stop", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// The right address sets the cookie and drops the secret from the
	// address bar.
	resp, err = bare.Get(p.s.URL())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"))
	var c *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == cookieName {
			c = ck
		}
	}
	require.NotNil(t, c)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, c.SameSite)

	// With the cookie the page and the API answer.
	code, _ := p.get("/api/vendors")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, p.log.String(), "refused a request without the secret")
}

func TestHostMustBeTheLoopbackAddress(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	_, port, _ := strings.Cut(p.s.addr, ":")
	for host, want := range map[string]int{
		"evil.example:" + port: http.StatusMisdirectedRequest, // DNS rebinding
		"evil.example":         http.StatusMisdirectedRequest,
		"127.0.0.1:1":          http.StatusMisdirectedRequest,
		"127.0.0.1:" + port:    http.StatusOK,
		"localhost:" + port:    http.StatusOK,
	} {
		req, err := http.NewRequest(http.MethodGet, p.base+"/api/vendors", nil)
		require.NoError(t, err)
		req.Host = host
		req.AddCookie(&http.Cookie{Name: cookieName, Value: p.s.secret}) // the Host alone decides
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		p.keep(resp)
		assert.Equal(t, want, resp.StatusCode, host)
	}
}

func TestNoCrossSiteRequests(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	req, err := http.NewRequest(http.MethodPost, p.base+"/api/stop", strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("Origin", "https://evil.example")
	resp, err := p.c.Do(req)
	require.NoError(t, err)
	p.keep(resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	req, err = http.NewRequest(http.MethodOptions, p.base+"/api/import", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", p.base)
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = p.c.Do(req)
	require.NoError(t, err)
	p.keep(resp)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "no CORS, ever")
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
}
