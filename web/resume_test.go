package web

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/job"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// holder is a practice CRM whose next request, once it holds 100
// clients of vendor, waits until the import is stopped (while hold is
// set); holding says it does.
type holder struct {
	env     *job.Env
	sb      atomic.Pointer[job.Sandbox]
	hold    atomic.Bool
	holding chan struct{}
	vendor  string
}

func newHolder(vendor string) *holder {
	h := &holder{holding: make(chan struct{}, 1), vendor: vendor}
	h.env = &job.Env{
		OnSandbox: func(s *job.Sandbox) { h.sb.Store(s) },
		WrapTransport: func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if h.hold.Load() && r.Method == http.MethodPost && h.sb.Load().Fakes()[vendor].Len() >= 100 {
					select {
					case h.holding <- struct{}{}:
					default:
					}
					<-r.Context().Done()
					return nil, r.Context().Err()
				}
				return rt.RoundTrip(r)
			})
		},
	}
	return h
}

// waitHolding waits until the practice CRM holds a request, failing the
// test (instead of hanging the package) if the import never gets there.
func (h *holder) waitHolding(t *testing.T) {
	t.Helper()
	select {
	case <-h.holding:
	case <-time.After(time.Minute):
		var reqs []string
		n := -1
		if sb := h.sb.Load(); sb != nil {
			n = sb.Fakes()[h.vendor].Len()
			for _, r := range sb.Fakes()[h.vendor].Requests() {
				reqs = append(reqs, fmt.Sprintf("%s %s %d %s", r.Method, r.Op, r.Status, r.Fault))
			}
		}
		t.Fatalf("the import never reached the held request (100 clients in the practice CRM); it holds %d; requests:\n%s", n, strings.Join(reqs, "\n"))
	}
}

// contacts is a CSV of n clients.
func contacts(n int) []byte {
	var b strings.Builder
	b.WriteString("Company;Email\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Firma %d;kontakt%d@example.pl\n", i, i)
	}
	return []byte(b.String())
}

// TestStopThenResumeAfterTheProgramClosed stops an import half-way with
// the page's Stop button, closes the program, starts it again on the same
// folder and imports the same file: it goes on from the journal, and no
// client is sent twice.
func TestStopThenResumeAfterTheProgramClosed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := newHolder("salesman")
	h.hold.Store(true)
	p := startPageIn(t, h.env, dir)
	data := contacts(300)
	code, _ := p.upload("kontakty.csv", data)
	require.Equal(t, http.StatusOK, code)
	var g struct{ YAML string }
	require.Equal(t, http.StatusOK, p.post("/api/mapping/guess", map[string]any{"file": "kontakty.csv", "vendor": "salesman"}, &g))
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "kontakty.csv", "mapping": g.YAML, "practice": true}, nil))
	h.waitHolding(t)
	require.Equal(t, http.StatusOK, p.post("/api/stop", map[string]any{}, nil))
	last := p.follow()
	require.NotNil(t, last.Problem)
	assert.Equal(t, "stopped", last.Problem.Kind)
	stopped := resultOf[importResult](t, last)
	assert.Equal(t, 100, stopped.Created)
	assert.Positive(t, stopped.NotProcessed)
	p.close()

	h.hold.Store(false)
	p = startPageIn(t, h.env, dir)
	code, up := p.upload("kontakty.csv", data)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, []any{"practice:salesman"}, up["journals"], "the page says an import of this file can go on")
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "kontakty.csv", "mapping": g.YAML, "practice": true}, nil))
	last = p.follow()
	require.Nil(t, last.Problem, "%+v", last.Problem)
	res := resultOf[importResult](t, last)
	assert.Equal(t, 100, res.Resumed)
	assert.Equal(t, 300, res.Created)
	assert.Len(t, h.sb.Load().Fakes()["salesman"].Records(), 300, "no client twice")
}

// TestChangedFileOffersToGoOnOrStartOver imports a file, then the same
// name with other rows: the journal of the first run does not fit, and
// the page is offered both ways on (the CLI's --resume-changed and
// --restart).
func TestChangedFileOffersToGoOnOrStartOver(t *testing.T) {
	t.Parallel()
	h := newHolder("salesman")
	p := startPage(t, h.env)
	// 200 rows: two batches of 100. The workers may send either one
	// first (the first request goes alone, whichever worker gets there);
	// with equal batches, 100 clients are in the CRM when the other is held.
	// (With 150 rows the batch of 50 sometimes went first, and the held
	// request, waiting for 100 clients, never came: the test hung.)
	code, _ := p.upload("kontakty.csv", contacts(200))
	require.Equal(t, http.StatusOK, code)
	var g struct{ YAML string }
	require.Equal(t, http.StatusOK, p.post("/api/mapping/guess", map[string]any{"file": "kontakty.csv", "vendor": "salesman"}, &g))
	h.hold.Store(true)
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "kontakty.csv", "mapping": g.YAML, "practice": true}, nil))
	h.waitHolding(t)
	p.post("/api/stop", map[string]any{}, nil)
	require.Equal(t, "stopped", p.follow().Problem.Kind)
	h.hold.Store(false)

	code, _ = p.upload("kontakty.csv", contacts(210))
	require.Equal(t, http.StatusOK, code)
	imp := map[string]any{"file": "kontakty.csv", "mapping": g.YAML, "practice": true}
	require.Equal(t, http.StatusAccepted, p.post("/api/import", imp, nil))
	last := p.follow()
	require.NotNil(t, last.Problem)
	assert.Equal(t, "journal-changed", last.Problem.Kind, last.Problem.Message)

	imp["resume_changed"] = true
	require.Equal(t, http.StatusAccepted, p.post("/api/import", imp, nil))
	last = p.follow()
	require.Nil(t, last.Problem)
	res := resultOf[importResult](t, last)
	assert.Equal(t, 100, res.Resumed)
	assert.Len(t, h.sb.Load().Fakes()["salesman"].Records(), 210, "the first 100 not sent again")
}
