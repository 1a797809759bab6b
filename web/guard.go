package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
)

// cookieName holds the page's secret once the browser has opened the
// address with it.
const cookieName = "crmport_secret"

// secretParam is the query parameter of the opened address that carries
// the secret.
const secretParam = "secret"

// newSecret returns 32 random bytes as hex.
func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// guard refuses every request that is not for this server's loopback
// address (Host) or does not carry its secret, and sets the headers that
// keep the page out of other sites' frames and caches. A first visit with
// ?secret= sets the cookie and redirects to the same page without it, so
// the secret leaves the address bar and the history.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if !s.hostAllowed(r.Host) {
			// DNS rebinding: a page of evil.example whose name now points
			// at 127.0.0.1 still sends Host: evil.example.
			s.logf("refused a request for host %q", r.Host)
			http.Error(w, "this address is not served here", http.StatusMisdirectedRequest)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			// Another site's script: no CORS, whatever it carries.
			s.logf("refused a request from origin %q", o)
			http.Error(w, "requests from other sites are refused", http.StatusForbidden)
			return
		}
		if q := r.URL.Query().Get(secretParam); q != "" && r.Method == http.MethodGet && r.URL.Path == "/" {
			if !s.secretMatches(q) {
				s.logf("refused a request with a wrong secret")
				http.Error(w, "wrong address: open the one crmport printed", http.StatusForbidden)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.secret, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			u := *r.URL
			q := u.Query()
			q.Del(secretParam)
			u.RawQuery = q.Encode()
			http.Redirect(w, r, (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String(), http.StatusSeeOther)
			return
		}
		c, err := r.Cookie(cookieName)
		if err != nil || !s.secretMatches(c.Value) {
			s.logf("refused a request without the secret: %s %s", r.Method, r.URL.Path)
			http.Error(w, "open the address crmport printed (it carries a secret)", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) secretMatches(v string) bool {
	return subtle.ConstantTimeCompare([]byte(v), []byte(s.secret)) == 1
}

// hostAllowed reports whether host is the loopback address served.
func (s *Server) hostAllowed(host string) bool {
	_, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		return false
	}
	return host == "127.0.0.1:"+port || host == "localhost:"+port
}
