package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
)

func start(t *testing.T, opt sandbox.Options) (*sandbox.Sandbox, map[string]string) {
	t.Helper()
	sb, err := sandbox.Start(t.Context(), opt)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sb.Close() })
	env := map[string]string{}
	for _, kv := range sb.Env() {
		k, v, ok := strings.Cut(kv, "=")
		require.True(t, ok, kv)
		env[k] = v
	}
	return sb, env
}

func do(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

// Curl-style calls built from the variables Env prints, as a user would.
func salesmanList(t *testing.T, env map[string]string) []any {
	t.Helper()
	req, err := http.NewRequest("POST", env["CRMPORT_SALESMAN_URL"]+"/developer/v3/client/list", strings.NewReader(`{"order":"clid","offset":0}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("login", env["CRMPORT_SALESMAN_LOGIN"])
	req.Header.Set("apikey", env["CRMPORT_SALESMAN_APIKEY"])
	st, b := do(t, req)
	require.Equal(t, http.StatusOK, st)
	var m struct {
		Data []any `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m.Data
}

func thulium(t *testing.T, env map[string]string, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, env["CRMPORT_THULIUM_URL"]+path, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.SetBasicAuth(env["CRMPORT_THULIUM_USER"], env["CRMPORT_THULIUM_PASSWORD"])
	return do(t, req)
}

func baselinker(t *testing.T, env map[string]string, method, params string) map[string]any {
	t.Helper()
	form := url.Values{"method": {method}, "parameters": {params}}
	req, err := http.NewRequest("POST", env["CRMPORT_BASELINKER_URL"], strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-BLToken", env["CRMPORT_BASELINKER_TOKEN"])
	st, b := do(t, req)
	require.Equal(t, http.StatusOK, st)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func TestServesAllThreeWithEnv(t *testing.T) {
	sb, env := start(t, sandbox.Options{Seed: 5})
	assert.True(t, strings.HasPrefix(sb.URL(), "http://127.0.0.1:"), sb.URL())
	assert.Equal(t, []string{
		"CRMPORT_SALESMAN_URL", "CRMPORT_SALESMAN_LOGIN", "CRMPORT_SALESMAN_APIKEY",
		"CRMPORT_THULIUM_URL", "CRMPORT_THULIUM_USER", "CRMPORT_THULIUM_PASSWORD",
		"CRMPORT_BASELINKER_URL", "CRMPORT_BASELINKER_TOKEN",
	}, func() []string {
		var ks []string
		for _, kv := range sb.Env() {
			k, _, _ := strings.Cut(kv, "=")
			ks = append(ks, k)
		}
		return ks
	}())
	assert.Equal(t, sb.URL()+"/salesman", env["CRMPORT_SALESMAN_URL"])
	assert.Equal(t, sb.URL()+"/thulium", env["CRMPORT_THULIUM_URL"])
	assert.Equal(t, sb.URL()+"/baselinker/connector.php", env["CRMPORT_BASELINKER_URL"])
	assert.Equal(t, "sandbox@example.com", env["CRMPORT_SALESMAN_LOGIN"])
	assert.Equal(t, "sandbox-key", env["CRMPORT_SALESMAN_APIKEY"])
	assert.Equal(t, "sandbox", env["CRMPORT_THULIUM_USER"])
	assert.Equal(t, "sandbox", env["CRMPORT_THULIUM_PASSWORD"])
	assert.Equal(t, "sandbox-token", env["CRMPORT_BASELINKER_TOKEN"])

	assert.Len(t, salesmanList(t, env), 5)
	st, b := thulium(t, env, "GET", "/api/customers", "")
	require.Equal(t, http.StatusOK, st)
	var th struct {
		Result []any `json:"result"`
	}
	require.NoError(t, json.Unmarshal(b, &th))
	assert.Len(t, th.Result, 5)
	bl := baselinker(t, env, "getCrmClients", `{"page":1}`)
	assert.Equal(t, "SUCCESS", bl["status"])
	assert.Len(t, bl["clients"], 5)

	fakes := sb.Fakes()
	require.Len(t, fakes, 3)
	for name, f := range fakes {
		assert.Len(t, f.Records(), 5, name)
	}

	t.Run("auth failures", func(t *testing.T) {
		bad := map[string]string{}
		for k, v := range env {
			bad[k] = v
		}
		bad["CRMPORT_THULIUM_PASSWORD"] = "wrong"
		bad["CRMPORT_BASELINKER_TOKEN"] = "wrong"
		st, _ := thulium(t, bad, "GET", "/api/customers", "")
		assert.Equal(t, http.StatusUnauthorized, st)
		assert.Equal(t, "ERROR_BAD_TOKEN", baselinker(t, bad, "getCrmClients", `{}`)["error_code"])
	})
	t.Run("unknown path", func(t *testing.T) {
		req, _ := http.NewRequest("GET", sb.URL()+"/", nil)
		st, b := do(t, req)
		assert.Equal(t, http.StatusNotFound, st)
		assert.Contains(t, string(b), "/baselinker/connector.php")
	})
}

func TestBaseLinkerLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 3, 1, 11, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, env := start(t, sandbox.Options{BaseLinkerLimit: 100, Now: clock})
	for i := range 100 {
		m := baselinker(t, env, "getCrmClients", `{}`)
		require.Equal(t, "SUCCESS", m["status"], "request %d", i+1)
	}
	m := baselinker(t, env, "getCrmClients", `{}`)
	assert.Equal(t, "ERROR_BLOCKED_TOKEN", m["error_code"])
	assert.Equal(t, "Query limit exceeded, token blocked until 2025-03-01 12:01:00", m["error_message"])
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	assert.Equal(t, "SUCCESS", baselinker(t, env, "getCrmClients", `{}`)["status"])
}

func TestStateFileSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox state.json")
	opt := sandbox.Options{Seed: 3, StateFile: path}

	sb, env := start(t, opt)
	st, b := thulium(t, env, "POST", "/api/customers", `{"surname":"Wiśniewska","name":"Zofia"}`)
	require.Equal(t, http.StatusCreated, st, "%s", b)
	require.Equal(t, "SUCCESS", baselinker(t, env, "addCrmClient", `{"email":"nowy@example.pl"}`)["status"])
	require.NoError(t, sb.Close())
	require.NoError(t, sb.Close(), "Close twice is fine")

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, json.Valid(data))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	sb2, _ := start(t, opt)
	f := sb2.Fakes()
	assert.Len(t, f["thulium"].Records(), 4, "seeded clients are not added again after a restart")
	assert.Len(t, f["baselinker"].Records(), 4)
	assert.Len(t, f["salesman"].Records(), 3)
	recs := f["thulium"].Records()
	assert.Equal(t, "Wiśniewska", recs[3]["surname"])
	ids := f["thulium"].Seed([]crm.Record{{"surname": "Next"}})
	assert.Equal(t, []string{"5"}, ids, "ids continue")

	t.Run("periodic save", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "s.json")
		sb3, env3 := start(t, sandbox.Options{StateFile: p, SaveEvery: 20 * time.Millisecond})
		st, _ := thulium(t, env3, "POST", "/api/customers", `{"surname":"Periodic"}`)
		require.Equal(t, http.StatusCreated, st)
		assert.Eventually(t, func() bool {
			b, err := os.ReadFile(p)
			return err == nil && strings.Contains(string(b), "Periodic")
		}, 5*time.Second, 20*time.Millisecond)
		_ = sb3
	})
	t.Run("damaged file is refused clearly", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.json")
		require.NoError(t, os.WriteFile(p, []byte(`{"version":1,"thulium":{"customers":[{"customer_id":"x"}]}}`), 0o600))
		_, err := sandbox.Start(t.Context(), sandbox.Options{StateFile: p})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "move it away")
	})
}

func TestShutdownOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	sb, err := sandbox.Start(ctx, sandbox.Options{})
	require.NoError(t, err)
	cancel()
	select {
	case <-sb.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("sandbox did not shut down on cancel")
	}
	assert.NoError(t, sb.Err())
	_, err = http.Get(sb.URL() + "/thulium/api/customers")
	assert.Error(t, err, "the listener is closed")
	assert.NoError(t, sb.Close())
}

// TestCloseDoesNotWaitForUnusedConnections: a client's connection that
// never sent a request (an HTTP client dials spares, or keeps one it dialed
// for a cancelled request) is closed at once when the sandbox stops, and a
// request being answered still gets its answer. http.Server's Shutdown
// alone waits 5 s before it counts such a connection idle: every stop of
// the sandbox, and of the page with its practice CRM, took that long.
func TestCloseDoesNotWaitForUnusedConnections(t *testing.T) {
	t.Parallel()
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Addr: "127.0.0.1:0", Latency: 300 * time.Millisecond})
	require.NoError(t, err)
	u, err := url.Parse(sb.URL())
	require.NoError(t, err)
	idle, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer idle.Close()
	answered := make(chan error, 1)
	go func() {
		resp, err := http.Get(sb.URL() + "/thulium/api/customers")
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		answered <- err
	}()
	time.Sleep(100 * time.Millisecond) // the request is being answered (300 ms latency)
	closed := make(chan error, 1)
	go func() { closed <- sb.Close() }()
	// The unused connection is closed by the sandbox well before the 5 s
	// http.Server would wait for it.
	require.NoError(t, idle.SetReadDeadline(time.Now().Add(4*time.Second)))
	_, err = idle.Read(make([]byte, 1))
	require.ErrorIs(t, err, io.EOF, "the sandbox closed the unused connection")
	require.NoError(t, <-closed)
	assert.NoError(t, <-answered, "the request in flight was answered before the sandbox stopped")
}

func TestBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  sandbox.Options
		want string
	}{
		{"fault rate", sandbox.Options{Faults: 1.5}, "fault rate"},
		{"negative limit", sandbox.Options{BaseLinkerLimit: -1}, "BaseLinker limit"},
		{"negative seed", sandbox.Options{Seed: -1}, "seed"},
		{"bad address", sandbox.Options{Addr: "127.0.0.1:notaport"}, "cannot listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sandbox.Start(t.Context(), tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestFaultsAndLatency(t *testing.T) {
	sb, env := start(t, sandbox.Options{Faults: 0.3, FaultSeed: 9, Latency: time.Millisecond})
	failed := 0
	for range 30 {
		req, _ := http.NewRequest("GET", env["CRMPORT_THULIUM_URL"]+"/api/customers", nil)
		req.SetBasicAuth("sandbox", "sandbox")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			failed++
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			failed++
		}
	}
	assert.Positive(t, failed, "some requests fail at a 30% fault rate")
	assert.Less(t, failed, 30)
	faults := 0
	for _, r := range sb.Fakes()["thulium"].Requests() {
		if r.Fault != "" {
			faults++
		}
	}
	assert.Equal(t, failed, faults)
}

// The generated clients are valid for each vendor: sent through the
// documented create calls, every one is accepted.
func TestSeedRecordsAreValid(t *testing.T) {
	const n = 60
	assert.Equal(t, sandbox.ThuliumRecords(n), sandbox.ThuliumRecords(n), "deterministic")
	_, env := start(t, sandbox.Options{})

	for i, r := range sandbox.BaseLinkerRecords(n) {
		p := map[string]any{}
		extra := map[string]any{}
		for k, v := range r {
			if id, ok := strings.CutPrefix(k, "custom_extra_fields."); ok {
				extra[id] = v
				continue
			}
			p[k] = v
		}
		p["custom_extra_fields"] = extra
		b, _ := json.Marshal(p)
		m := baselinker(t, env, "addCrmClient", string(b))
		require.Equal(t, "SUCCESS", m["status"], "record %d %s: %v", i, b, m)
	}
	for i, r := range sandbox.ThuliumRecords(n) {
		p := map[string]any{}
		addr := map[string]any{}
		for k, v := range r {
			if ak, ok := strings.CutPrefix(k, "address."); ok {
				addr[ak] = v
				continue
			}
			p[k] = v
		}
		p["address"] = addr
		b, _ := json.Marshal(p)
		st, body := thulium(t, env, "POST", "/api/customers", string(b))
		require.Equal(t, http.StatusCreated, st, "record %d %s: %s", i, b, body)
	}
	titles := map[string]bool{}
	polish, russian := 0, 0
	for _, r := range sandbox.SalesManRecords(1000) {
		title := r["title"].(string)
		assert.False(t, titles[strings.ToLower(title)], "title %q twice", title)
		titles[strings.ToLower(title)] = true
		if strings.ContainsAny(title, "абвгдеёжзийклмнопрстуфхцчшщыьэюяАБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ") {
			russian++
		} else {
			polish++
		}
		assert.NotEmpty(t, r["phone"])
		assert.Contains(t, r["mail_url"], "@")
	}
	assert.Positive(t, polish)
	assert.Positive(t, russian)

	t.Run("salesman accepts them", func(t *testing.T) {
		recs := sandbox.SalesManRecords(20)
		var list []map[string]any
		for _, r := range recs {
			c := map[string]any{}
			for k, v := range r {
				if rk, ok := strings.CutPrefix(k, "recv."); ok {
					rv, _ := c["recv"].(map[string]any)
					if rv == nil {
						rv = map[string]any{}
					}
					rv[rk] = v
					c["recv"] = rv
					continue
				}
				c[k] = v
			}
			list = append(list, c)
		}
		b, _ := json.Marshal(map[string]any{"client": list})
		req, _ := http.NewRequest("POST", env["CRMPORT_SALESMAN_URL"]+"/developer/v3/client/add.list", strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("login", env["CRMPORT_SALESMAN_LOGIN"])
		req.Header.Set("apikey", env["CRMPORT_SALESMAN_APIKEY"])
		st, body := do(t, req)
		require.Equal(t, http.StatusOK, st)
		var res []map[string]any
		require.NoError(t, json.Unmarshal(body, &res), "%s", body)
		require.Len(t, res, 20)
		for i, r := range res {
			assert.NotEqual(t, "Error", r["result"], fmt.Sprintf("record %d: %v", i, r))
		}
	})
}

// BenchmarkSandbox measures each emulator through the sandbox's one
// listener: a list of 20-50 clients per request, as an export pages.
func BenchmarkSandbox(b *testing.B) {
	sb, err := sandbox.Start(b.Context(), sandbox.Options{Seed: 50})
	require.NoError(b, err)
	defer sb.Close()
	u := sb.URL()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	blBody := url.Values{"method": {"getCrmClients"}, "parameters": {`{"page":1,"filter_email":"jan"}`}}.Encode()
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{"salesman", func() *http.Request {
			req, _ := http.NewRequest("POST", u+"/salesman/developer/v3/client/info", strings.NewReader(`{"clid":7}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("login", "sandbox@example.com")
			req.Header.Set("apikey", "sandbox-key")
			return req
		}},
		{"thulium", func() *http.Request {
			req, _ := http.NewRequest("GET", u+"/thulium/api/customers?identifier=SB-00007", nil)
			req.SetBasicAuth("sandbox", "sandbox")
			return req
		}},
		{"baselinker", func() *http.Request {
			req, _ := http.NewRequest("POST", u+"/baselinker/connector.php", strings.NewReader(blBody))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-BLToken", "sandbox-token")
			return req
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := hc.Do(c.req())
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Fatalf("status %d", resp.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}
