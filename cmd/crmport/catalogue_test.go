package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/salesman/fake"
	"github.com/crmport/crmport/crm/sandbox"
)

// mapping init, mapping check and fields read the account's own field
// list when they can (credentials, or --sandbox), and say so when they
// use the built-in one; offline, a field a fresh account has switched off
// is mapped by meaning, with a note.
func TestMappingInitReadsTheAccountsFields(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "ru.csv")
	require.NoError(t, os.WriteFile(file, []byte("Название;Телефон;Описание\nООО Ромашка;+7 912 884-45-55;постоянный клиент\n"), 0o644))
	active := func(fields ...string) func(*sandbox.Sandbox) {
		return func(sb *sandbox.Sandbox) {
			sb.Fakes()["salesman"].(*fake.Fake).SetActiveFields(append(append([]string(nil), fake.FreshFields...), fields...))
		}
	}
	for _, tt := range []struct {
		name      string
		args      []string
		onSandbox func(*sandbox.Sandbox)
		mapped    bool // des mapped (not commented out)
		notes     []string
	}{
		{"offline: built-in list, des mapped with a note", nil, nil, true,
			[]string{"SalesMan's built-in field list was used", "note: des (Описание) is switched off on a fresh SalesMan account: if it is off on yours, switch it on in"}},
		{"account with des off", []string{"--sandbox"}, active(), false, nil},
		{"account with des on", []string{"--sandbox"}, active("des"), true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := testFactory()
			f.onSandbox = tt.onSandbox
			code, out, stderr := execCrmport(t, f, append([]string{"mapping", "init", "--vendor", "salesman", file}, tt.args...)...)
			require.Equal(t, exitOK, code, stderr)
			mapped := strings.Contains(out, "\n  des: Описание")
			assert.Equal(t, tt.mapped, mapped, out)
			for _, n := range tt.notes {
				assert.Contains(t, stderr, n)
			}
			if tt.notes == nil {
				assert.NotContains(t, stderr, "built-in field list")
			}
		})
	}
}

// fields without credentials falls back to the built-in list with a note
// instead of failing.
func TestFieldsWithoutCredentialsFallsBack(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "fields", "--vendor", "thulium")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "surname")
	assert.Contains(t, stderr, "Thulium's built-in field list was used")
	assert.Contains(t, stderr, "CRMPORT_THULIUM_USER")
}
