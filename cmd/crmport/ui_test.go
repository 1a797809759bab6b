package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/internal/iostreams"
)

func TestUIPrintsItsAddressAndServesThePage(t *testing.T) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	f := &factory{IOStreams: &iostreams.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut},
		Getenv: func(string) string { return "" }, Now: time.Now}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan exitCode, 1)
	go func() { done <- run(ctx, f, []string{"ui", "--no-browser", "--dir", dir}) }()
	defer func() {
		cancel()
		assert.Equal(t, exitOK, <-done, errOut.String())
	}()
	var addr string
	for addr == "" {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("crmport ui ended with %d: %s", code, errOut.String())
		case <-time.After(time.Millisecond):
		}
		addr = strings.TrimSpace(out.String())
	}
	require.True(t, strings.HasPrefix(addr, "http://127.0.0.1:"), addr)
	require.Contains(t, addr, "?secret=")
	assert.Contains(t, errOut.String(), dir)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(addr)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "crmport")

	base, _, _ := strings.Cut(addr, "?")
	resp, err = http.Get(base + "api/vendors")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "without the secret")
}

func TestNewUICmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newUICmd, []flagCase[uiOptions]{
		{"defaults", "", func(t *testing.T, o *uiOptions) {
			assert.False(t, o.NoBrowser)
			assert.Equal(t, defaultUIDir(), o.Dir)
		}, ""},
		{"flags", "--dir D --no-browser", func(t *testing.T, o *uiOptions) {
			assert.True(t, o.NoBrowser)
			assert.Equal(t, "D", o.Dir)
		}, ""},
		{"argument", "x", nil, "unknown command"},
	})
}

func TestDoubleClickOpensThePage(t *testing.T) {
	assert.Equal(t, []string{"import", "x.csv"}, explorerArgs([]string{"import", "x.csv"}, true), "a shortcut with arguments runs them")
	assert.Empty(t, explorerArgs(nil, false), "from a terminal with no arguments: the usage")
	assert.Equal(t, []string{"ui"}, explorerArgs(nil, true))
	assert.Empty(t, cobra.MousetrapHelpText, "cobra's notice would end the program before the page opens")
}
