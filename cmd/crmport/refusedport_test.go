package main

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// refusingPort returns a loopback port that refuses connections and that
// nothing else can take until release is called: a socket bound to it
// that never listens. (A closed listener's port can be handed at once to
// another test's server, which would then answer in the CRM's place.)
func refusingPort(t *testing.T) (port int, release func()) {
	t.Helper()
	port, closeFn, err := bindWithoutListening()
	require.NoError(t, err)
	var once sync.Once
	release = func() { once.Do(func() { _ = closeFn() }) }
	t.Cleanup(release)
	return port, release
}
