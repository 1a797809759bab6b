package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/crmport/crmport/internal/testkit"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/job"
)

// syncBuffer is a buffer written by another goroutine while the test reads.
type syncBuffer = testkit.SyncBuffer

// page is a running server and a browser-like client that opened its
// address (so it holds the secret's cookie). Every answer body it reads is
// kept in seen, for the tests that look for a leaked credential.
type page struct {
	t    *testing.T
	s    *Server
	c    *http.Client
	base string
	log  *syncBuffer
	// close stops the server as closing the program does.
	close func()
	mu    sync.Mutex
	seen  bytes.Buffer
}

func startPage(t *testing.T, env *job.Env) *page {
	t.Helper()
	return startPageIn(t, env, t.TempDir())
}

// startPageIn starts a page whose files are in dir.
func startPageIn(t *testing.T, env *job.Env, dir string) *page {
	t.Helper()
	if env == nil {
		env = &job.Env{}
	}
	log := &syncBuffer{}
	s, err := Listen(Options{Env: env, Dir: dir, Log: log})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	p := &page{t: t, s: s, c: &http.Client{Jar: jar}, base: "http://" + s.addr, log: log}
	p.close = func() {
		cancel()
		require.NoError(t, <-done)
		p.close = func() {}
	}
	t.Cleanup(func() { p.close() })
	resp, err := p.c.Get(s.URL())
	require.NoError(t, err)
	p.keep(resp)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return p
}

// keep reads and closes the body, remembering it.
func (p *page) keep(resp *http.Response) []byte {
	p.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	p.mu.Lock()
	p.seen.Write(b)
	for k, v := range resp.Header {
		p.seen.WriteString(k + ": " + strings.Join(v, ",") + "\n")
	}
	p.mu.Unlock()
	return b
}

// post sends v as JSON and decodes the answer into out; it returns the
// status.
func (p *page) post(path string, v, out any) int {
	p.t.Helper()
	b, err := json.Marshal(v)
	require.NoError(p.t, err)
	resp, err := p.c.Post(p.base+path, "application/json", bytes.NewReader(b))
	require.NoError(p.t, err)
	body := p.keep(resp)
	if out != nil {
		require.NoError(p.t, json.Unmarshal(body, out), string(body))
	}
	return resp.StatusCode
}

func (p *page) get(path string) (int, []byte) {
	p.t.Helper()
	resp, err := p.c.Get(p.base + path)
	require.NoError(p.t, err)
	return resp.StatusCode, p.keep(resp)
}

// upload sends a file as the page's form does.
func (p *page) upload(name string, content []byte) (int, map[string]any) {
	p.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(p.t, err)
	_, _ = fw.Write(content)
	require.NoError(p.t, mw.Close())
	resp, err := p.c.Post(p.base+"/api/upload", mw.FormDataContentType(), &body)
	require.NoError(p.t, err)
	var out map[string]any
	require.NoError(p.t, json.Unmarshal(p.keep(resp), &out))
	return resp.StatusCode, out
}

// follow reads the job's events until it ends and returns the last one.
func (p *page) follow() progress {
	p.t.Helper()
	resp, err := p.c.Get(p.base + "/api/events")
	require.NoError(p.t, err)
	defer resp.Body.Close()
	require.Equal(p.t, "text/event-stream", resp.Header.Get("Content-Type"))
	var last progress
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.seen.WriteString(line + "\n")
		p.mu.Unlock()
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			last = progress{}
			require.NoError(p.t, json.Unmarshal([]byte(data), &last))
		}
	}
	require.False(p.t, last.Running, "the event stream ended before the job")
	return last
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "samples", name))
	require.NoError(t, err)
	return b
}

// resultOf decodes a finished job's result.
func resultOf[T any](t *testing.T, p progress) T {
	t.Helper()
	var out T
	b, err := json.Marshal(p.Result)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
