package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/internal/iostreams"
)

// On the fast clock the waits take no time, yet they are still kept: an
// import into the BaseLinker sandbox (which, like the real API, blocks a
// token that sends over 100 requests a minute, on the same clock) is paced
// at 90 a minute and never blocked; unpaced (--rate 0) it is blocked and
// waits the block out.
func TestFastClockKeepsPacingAndBlocks(t *testing.T) {
	t.Parallel()
	const rows = 150
	dir := t.TempDir()
	in := filepath.Join(dir, "kontakty.csv")
	importWriteContactRows(t, in, 1, rows)
	mp := filepath.Join(dir, "bl.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: baselinker\nsource:\n  delimiter: \";\"\nfields:\n  invoice_company: Firma\n  phone: Telefon\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	for _, tt := range []struct {
		name    string
		args    []string
		blocked bool
	}{
		{"paced", nil, false},
		{"unpaced", []string{"--rate", "0"}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ios, _, _, errOut := iostreams.Test()
			clk := liveClock()
			f := &factory{IOStreams: ios, Getenv: func(string) string { return "" }, Now: clk.Now, Sleep: clk.Sleep}
			var fake crm.Fake
			f.onSandbox = func(sb *sandbox.Sandbox) { fake = sb.Fakes()["baselinker"] }
			args := append([]string{"import", "--sandbox", "--report-dir", t.TempDir(), "-m", mp}, tt.args...)
			code := run(t.Context(), f, append(args, in))
			require.Equal(t, exitOK, code, errOut.String())
			require.Len(t, fake.Records(), rows)
			if tt.blocked {
				assert.Contains(t, errOut.String(), "query limit reached", "the block is waited out and said")
				assert.GreaterOrEqual(t, clk.Now().Sub(clk.base), 30*time.Second, "the block lasts until the minute is over")
				return
			}
			assert.NotContains(t, errOut.String(), "query limit")
			ops := map[string]int{}
			for _, r := range fake.Requests() {
				ops[r.Op]++
			}
			n := ops["addCrmClient"]
			assert.GreaterOrEqual(t, n, rows)
			assert.GreaterOrEqual(t, clk.Now().Sub(clk.base), time.Duration(n-1)*time.Minute/90, "%d clients added at 90 a minute (%v)", n, ops)
		})
	}
}
