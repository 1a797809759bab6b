package main

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// refusingPort returns a loopback port that refuses connections and that
// nothing else can take: a socket bound to it that does not listen. (A
// closed listener's port can be handed at once to another test's server,
// or be the local port of another test's connection.) serve makes the
// same socket listen and serve h: the CRM is back at the same address.
func refusingPort(t *testing.T) (port int, serve func(h http.Handler)) {
	t.Helper()
	port, listen, closeFn, err := bindWithoutListening()
	require.NoError(t, err)
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { _ = closeFn() }) })
	serve = func(h http.Handler) {
		once.Do(func() {
			ln, err := listen()
			require.NoError(t, err)
			srv := &http.Server{Handler: h}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(func() { _ = srv.Close() })
		})
	}
	return port, serve
}
