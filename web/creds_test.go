package web

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/job"
)

// TestTypedCredentialsNeverLeaveMemory types SalesMan's settings into the
// page, uses them against a CRM that refuses them, and then looks for the
// key in every answer the page got, every log and trace line, and every
// file in the page's folder.
func TestTypedCredentialsNeverLeaveMemory(t *testing.T) {
	t.Parallel()
	const key = "K3y-0f-Anna-5ecret"
	var mu sync.Mutex
	var sent strings.Builder
	crm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		sent.WriteString(r.URL.String() + " " + fmt.Sprint(r.Header) + " " + string(b) + "\n")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"result":"error","error_code":"ERROR_AUTH","error_message":"wrong login or key"}`)
	}))
	defer crm.Close()
	trace := &syncBuffer{}
	p := startPage(t, &job.Env{Trace: trace, Getenv: func(string) string { return "" }})

	// Guessed before the settings are typed: with them, mapping init
	// would ask this CRM, which refuses.
	y := guessed(t, p, "klienty-ru.csv", "salesman")
	var vs struct{ Vendors []vendorInfo }
	require.Equal(t, http.StatusOK, p.post("/api/credentials", map[string]any{"values": map[string]string{
		"CRMPORT_SALESMAN_URL": crm.URL, "CRMPORT_SALESMAN_LOGIN": "anna", "CRMPORT_SALESMAN_APIKEY": key,
		"HOME": "/not/a/crmport/setting",
	}}, &vs))
	for _, v := range vs.Vendors {
		if v.Name != "salesman" {
			continue
		}
		assert.True(t, v.Ready)
		for _, s := range v.Settings {
			assert.True(t, s.Set, s.Name)
			assert.Equal(t, "page", s.From)
		}
	}
	assert.Empty(t, p.s.creds.get("HOME"), "only the vendors' settings are taken")

	p.get("/api/vendors")
	p.get("/")
	var fl struct {
		Live bool     `json:"live"`
		Note *problem `json:"note"`
	}
	require.Equal(t, http.StatusOK, p.post("/api/credentials", map[string]any{"values": map[string]string{}}, nil))
	code, body := p.get("/api/fields?vendor=salesman&live=1")
	require.Equal(t, http.StatusOK, code, string(body))
	require.NoError(t, jsonUnmarshal(body, &fl))
	assert.False(t, fl.Live, "the refused account falls back to the catalogue")
	require.NotNil(t, fl.Note)

	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "klienty-ru.csv", "mapping": y}, nil))
	last := p.follow()
	require.NotNil(t, last.Problem)
	require.Equal(t, http.StatusAccepted, p.post("/api/export", map[string]any{"vendor": "salesman", "columns": "catalogue"}, nil))
	last = p.follow()
	require.NotNil(t, last.Problem)

	mu.Lock()
	assert.Contains(t, sent.String(), key, "the typed key reached the CRM")
	mu.Unlock()
	p.mu.Lock()
	assert.NotContains(t, p.seen.String(), key, "an answer to the page")
	assert.Contains(t, p.seen.String(), "CRMPORT_SALESMAN_APIKEY")
	p.mu.Unlock()
	assert.NotContains(t, p.log.String(), key)
	assert.NotEmpty(t, trace.String())
	assert.NotContains(t, trace.String(), key)
	p.close()
	require.NoError(t, filepath.WalkDir(p.s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NotContains(t, string(b), key, path)
		return nil
	}))
}
