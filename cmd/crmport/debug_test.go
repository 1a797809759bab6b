package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDebugTraceHidesSecrets(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "--debug", "export", "--vendor", "baselinker", "--sandbox",
		"-o", filepath.Join(t.TempDir(), "k.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "POST ")
	assert.Contains(t, stderr, "connector.php")
	assert.Contains(t, stderr, "200")
	assert.NotContains(t, stderr, "sandbox-token", "the BaseLinker token never appears")

	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "--debug", "fields", "--vendor", "salesman", "--sandbox")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "/developer/v3/client/fields")
	assert.NotContains(t, stderr, "sandbox-key")
	assert.Equal(t, 1, strings.Count(stderr, "client/fields"), "one line per request")
}

func TestDebugTraceNamesBaseLinkerMethod(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "--debug", "fields", "--vendor", "baselinker", "--sandbox")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "method=getCrmClientExtraFields")
	assert.NotContains(t, stderr, "sandbox-token")
}
