package fakekit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// A fault with Match hits only the requests that carry that text: a
// poisonous record fails every batch it is in, and no other.
func TestFaultMatchesBody(t *testing.T) {
	k := New(Vendor{Op: func(*http.Request, []byte) string { return "add" }})
	srv := httptest.NewServer(k.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})))
	defer srv.Close()
	k.Inject(crm.Fault{Match: "POISON", Status: http.StatusInternalServerError, Times: 100})
	post := func(body string) int {
		resp, err := http.Post(srv.URL, "text/plain", strings.NewReader(body))
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, post(`[{"title":"Good"}]`))
	assert.Equal(t, http.StatusInternalServerError, post(`[{"title":"Good"},{"title":"POISON"}]`))
	assert.Equal(t, http.StatusOK, post(`[{"title":"Also good"}]`))
	assert.Equal(t, http.StatusInternalServerError, post(`[{"title":"POISON"}]`))
}
