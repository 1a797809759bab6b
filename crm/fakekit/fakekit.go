// Package fakekit holds what the three emulators share: fault injection
// (queued and random, seeded), added latency, request recording with
// secrets removed. A vendor emulator embeds a *Kit, wraps its handler with
// Kit.Wrap and supplies how to name an operation and how to answer with its
// own rate-limit error. It knows nothing of any vendor's wire format.
package fakekit

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
)

// Vendor tells the kit what it needs to know about one emulator.
type Vendor struct {
	// Op names the vendor operation of a request ("client/add.list").
	// It may read the body (the kit restores it afterwards).
	Op func(r *http.Request, body []byte) string
	// IsWrite reports whether op changes the store (only writes get the
	// applied-but-lost fault in random mode).
	IsWrite func(op string) bool
	// VendorError answers with the vendor's own error for code (a
	// rate-limit error in the vendor's format, an HTML fatal...). code is
	// "" in random mode: answer the vendor's usual rate-limit error. Nil if
	// the vendor has none.
	VendorError func(w http.ResponseWriter, r *http.Request, code string)
	// SecretHeaders lists request headers whose values are secrets.
	SecretHeaders []string
}

// Kit is the shared fault, latency and recording machinery. The zero value
// is not usable: call New.
type Kit struct {
	v Vendor

	mu         sync.Mutex
	queue      []crm.Fault
	rate       float64
	rng        *rand.Rand
	latency    time.Duration
	log        []crm.RecordedRequest
	retryAfter time.Duration
	maxLog     int
}

// New returns a kit for v.
func New(v Vendor) *Kit {
	return &Kit{v: v, rng: rand.New(rand.NewSource(1)), retryAfter: time.Second, maxLog: 100000}
}

// Reset clears queued faults, the random rate, latency and the request log.
func (k *Kit) Reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.queue = nil
	k.rate = 0
	k.latency = 0
	k.log = nil
}

// Inject queues f for the next matching request(s).
func (k *Kit) Inject(f crm.Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	k.mu.Lock()
	k.queue = append(k.queue, f)
	k.mu.Unlock()
}

// SetFaultRate answers a fraction p of requests with a random transient
// fault, chosen reproducibly from seed.
func (k *Kit) SetFaultRate(p float64, seed int64) {
	k.mu.Lock()
	k.rate = p
	k.rng = rand.New(rand.NewSource(seed))
	k.mu.Unlock()
}

// SetLatency adds d before every answer.
func (k *Kit) SetLatency(d time.Duration) {
	k.mu.Lock()
	k.latency = d
	k.mu.Unlock()
}

// SetRetryAfter sets the Retry-After of random 429 faults (default 1s;
// tests may use 0 to keep them fast: the header then says "0").
func (k *Kit) SetRetryAfter(d time.Duration) {
	k.mu.Lock()
	k.retryAfter = d
	k.mu.Unlock()
}

// Requests returns a copy of the request log.
func (k *Kit) Requests() []crm.RecordedRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]crm.RecordedRequest(nil), k.log...)
}

// pick returns the fault for this request, if any.
func (k *Kit) pick(op string, body []byte) (crm.Fault, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i := range k.queue {
		f := &k.queue[i]
		if f.Op != "" && f.Op != op || f.Match != "" && !bytes.Contains(body, []byte(f.Match)) {
			continue
		}
		out := *f
		f.Times--
		if f.Times <= 0 {
			k.queue = append(k.queue[:i], k.queue[i+1:]...)
		}
		return out, true
	}
	if k.rate <= 0 || k.rng.Float64() >= k.rate {
		return crm.Fault{}, false
	}
	choices := []crm.Fault{
		{Status: http.StatusInternalServerError},
		{Status: http.StatusServiceUnavailable},
		{Status: http.StatusTooManyRequests, RetryAfter: k.retryAfter},
		{Drop: true},
	}
	if k.v.VendorError != nil {
		choices = append(choices, crm.Fault{Code: "rate-limit"})
	}
	if k.v.IsWrite != nil && k.v.IsWrite(op) {
		choices = append(choices, crm.Fault{Commit: true}, crm.Fault{Commit: true})
	}
	return choices[k.rng.Intn(len(choices))], true
}

// Wrap returns h with latency, faults and recording in front of it.
func (k *Kit) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		op := ""
		if k.v.Op != nil {
			op = k.v.Op(r, body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := crm.RecordedRequest{Method: r.Method, Path: r.URL.RequestURI(), Op: op}
		secrets := k.secrets(r)
		// The request is logged before the client can see its end: a
		// hung-up connection ends it before this handler returns, and a
		// test reading the log right after must find the request there.
		var logged sync.Once
		logIt := func() {
			logged.Do(func() {
				rec.Body = redact(string(body), secrets)
				rec.Path = redact(rec.Path, secrets)
				k.mu.Lock()
				if len(k.log) < k.maxLog {
					k.log = append(k.log, rec)
				}
				k.mu.Unlock()
			})
		}
		defer logIt()

		k.mu.Lock()
		lat := k.latency
		k.mu.Unlock()
		if lat > 0 && !sleep(r, lat) {
			return
		}
		f, ok := k.pick(op, body)
		if !ok {
			sw := &statusWriter{ResponseWriter: w}
			h.ServeHTTP(sw, r)
			rec.Status = sw.status()
			return
		}
		rec.Fault = describe(f)
		if f.Delay > 0 && !sleep(r, f.Delay) {
			return
		}
		switch {
		case f.Drop:
			logIt()
			hangUp(w)
		case f.Commit:
			// Apply the write, throw the answer away, hang up.
			h.ServeHTTP(httptest.NewRecorder(), r)
			logIt()
			hangUp(w)
		case f.Code != "" && k.v.VendorError != nil:
			code := f.Code
			if code == "rate-limit" {
				code = ""
			}
			sw := &statusWriter{ResponseWriter: w}
			k.v.VendorError(sw, r, code)
			rec.Status = sw.status()
		case f.Status != 0:
			if f.Status == http.StatusTooManyRequests {
				secs := int((f.RetryAfter + time.Second - 1) / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.Status, http.StatusText(f.Status))
			rec.Status = f.Status
		default:
			// A pure delay: answer normally.
			sw := &statusWriter{ResponseWriter: w}
			h.ServeHTTP(sw, r)
			rec.Status = sw.status()
		}
	})
}

func describe(f crm.Fault) string {
	switch {
	case f.Drop:
		return "drop"
	case f.Commit:
		return "commit-then-drop"
	case f.Code != "":
		return "vendor-error " + f.Code
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status)
	case f.Delay > 0:
		return "delay " + f.Delay.String()
	}
	return "none"
}

func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, a recorder): abort the handler, which makes
	// net/http reset the stream.
	panic(http.ErrAbortHandler)
}

func (k *Kit) secrets(r *http.Request) []string {
	var out []string
	for _, h := range k.v.SecretHeaders {
		if v := r.Header.Get(h); v != "" {
			out = append(out, v)
		}
	}
	if a := r.Header.Get("Authorization"); a != "" {
		out = append(out, a)
		if rest, ok := strings.CutPrefix(a, "Basic "); ok {
			out = append(out, rest)
			if dec, err := base64.StdEncoding.DecodeString(rest); err == nil {
				if u, p, ok := strings.Cut(string(dec), ":"); ok {
					if p != "" {
						out = append(out, p)
					}
					_ = u
				}
			}
		}
	}
	return out
}

func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 3 {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(c int) {
	if s.code == 0 {
		s.code = c
	}
	s.ResponseWriter.WriteHeader(c)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) status() int {
	if s.code == 0 {
		return http.StatusOK
	}
	return s.code
}

// Flush passes flushes through.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
