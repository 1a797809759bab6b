//go:build live

package baselinker

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/crmtest"
)

// TestLive runs the conformance suite against a real BaseLinker account:
//
//	CRMPORT_BASELINKER_TOKEN=… go test -tags live -run TestLive ./crm/baselinker
//
// Mind the account's 100 requests per minute (shared with its other
// integrations). It creates clients with e-mails crmport-live-*@example.com;
// delete them afterwards. Fault tests skip (no emulator).
func TestLive(t *testing.T) {
	cfg := Config{URL: os.Getenv(EnvURL), Token: os.Getenv(EnvToken)}
	if cfg.Token == "" {
		t.Skipf("set %s to run the live test", EnvToken)
	}
	run := time.Now().Format("20060102150405")
	crmtest.Run(t, crmtest.Opt{
		New: func(t *testing.T) crmtest.Harness {
			c, err := New(cfg, nil)
			require.NoError(t, err)
			return crmtest.Harness{Vendor: c}
		},
		Valid: func(i int) crm.Record {
			return crm.Record{
				"email":            fmt.Sprintf("crmport-live-%s-%d@example.com", run, i),
				"invoice_fullname": fmt.Sprintf("Testowy %d", i),
			}
		},
		Invalid: crm.Record{"email": fmt.Sprintf("crmport-live-%s-bad@example.com", run), "status_id": int64(2147483647)},
		Key: func(r crm.Record) string {
			s, _ := r["email"].(string)
			return strings.ToLower(strings.TrimSpace(s))
		},
		Unicode: func(i int, text string) (crm.Record, string) {
			return crm.Record{"email": fmt.Sprintf("crmport-live-%s-u%d@example.com", run, i), "invoice_fullname": text}, "invoice_fullname"
		},
		Secrets: []string{cfg.Token},
		Skip: map[string]string{
			"Fields":       "BaseLinker documents no required field",
			"ListAllPages": "would page through every client of the live account",
			"ListEmpty":    "a live account is not empty",
		},
	})
}
