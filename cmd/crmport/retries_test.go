package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/importer"
)

// attempts counts the requests an emulator received for op.
func attempts(fake crm.Fake, op string) int {
	n := 0
	for _, q := range fake.Requests() {
		if q.Op == op {
			n++
		}
	}
	return n
}

// `--retries 0` means one attempt and no retry, for export and import
// alike: the emulator answers a transient failure (HTTP 503) more times
// than the default would retry, and exactly one request reaches it.
func TestRetriesZeroMakesOneAttempt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input, mp := importWriteContacts(t, dir, 3)
	tests := []struct {
		name string
		op   string
		args []string
	}{
		{"export", "client/list", []string{"export", "--vendor", "salesman", "-o", filepath.Join(dir, "k.csv")}},
		{"import", "client/add.list", []string{"import", "-m", mp, input, "--restart"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, env := startEnv(t)
			fake := sb.Fakes()["salesman"]
			fake.Inject(crm.Fault{Op: tt.op, Status: 503, Times: 20})
			code, stdout, stderr := crmportWithEnv(t, env, append(tt.args, "--retries", "0", "--rate", "0", "--json")...)
			assert.NotEqual(t, exitOK, code, stderr)
			assert.Equal(t, 1, attempts(fake, tt.op), "one attempt, no retry:\n%s", stderr)
			assert.NotContains(t, stderr, "retrying", "no retry is announced")
			why := stderr
			if tt.name == "import" {
				// Every row fails at once, with the reason in the error
				// report (the batch is not split and sent again in halves).
				var sum importJSON
				require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
				assert.Equal(t, 3, sum.Failed)
				rows := importReadCSV(t, sum.Reports.Errors, ';')
				require.Len(t, rows, 4)
				why = rows[1][importColumn(rows, importer.ColError)]
			}
			assert.Contains(t, why, "no retry is allowed")
			assert.Contains(t, why, "503")
		})
	}
	t.Run("negative", func(t *testing.T) {
		for _, args := range [][]string{
			{"export", "--vendor", "salesman", "--sandbox", "-o", filepath.Join(dir, "n.csv")},
			{"import", "--sandbox", "-m", mp, input},
		} {
			f, _ := testFactory()
			code, _, stderr := execCrmport(t, f, append(args, "--retries", "-1")...)
			assert.Equal(t, exitError, code)
			assert.Contains(t, stderr, "--retries must be 0 or more")
		}
		_, err := os.Stat(filepath.Join(dir, "n.csv"))
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}
