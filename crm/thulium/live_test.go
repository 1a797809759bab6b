//go:build live

package thulium

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

// TestLive runs the conformance suite against a real Thulium system:
//
//	CRMPORT_THULIUM_URL=https://NAME.thulium.com CRMPORT_THULIUM_USER=… \
//	CRMPORT_THULIUM_PASSWORD=… go test -tags live -run TestLive ./crm/thulium
//
// It creates customers whose identifier starts with "crmport-live-"; delete
// them afterwards. Fault tests skip (no emulator).
func TestLive(t *testing.T) {
	cfg := Config{URL: os.Getenv(EnvURL), User: os.Getenv(EnvUser), Password: os.Getenv(EnvPassword)}
	if cfg.URL == "" || cfg.User == "" || cfg.Password == "" {
		t.Skipf("set %s, %s and %s to run the live test", EnvURL, EnvUser, EnvPassword)
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
				"surname":    fmt.Sprintf("Testowy %d", i),
				"identifier": fmt.Sprintf("crmport-live-%s-%d", run, i),
				"email":      fmt.Sprintf("crmport-live-%s-%d@example.com", run, i),
			}
		},
		Invalid: crm.Record{"surname": "Testowy", "phone_number": "abc"},
		Key: func(r crm.Record) string {
			s, _ := r["identifier"].(string)
			return strings.TrimSpace(s)
		},
		Secrets: []string{cfg.Password},
		Skip: map[string]string{
			"ListAllPages": "would page through every customer of the live system",
			"ListEmpty":    "a live system is not empty",
		},
	})
}
