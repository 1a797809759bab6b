package salesman

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/crmtest"
	"github.com/crmport/crmport/crm/salesman/fake"
)

// TestConformance runs the shared vendor suite against the emulator.
func TestConformance(t *testing.T) {
	valid := func(i int) crm.Record {
		return crm.Record{
			"title":    fmt.Sprintf("Клиент Тест %04d", i),
			"uid":      fmt.Sprintf("CT-%04d", i),
			"phone":    fmt.Sprintf("+7 (342) 200-%02d-%02d", i/100%100, i%100),
			"mail_url": fmt.Sprintf("client%04d@example.ru", i),
		}
	}
	crmtest.Run(t, crmtest.Opt{
		New: func(t *testing.T) crmtest.Harness {
			f := fake.New(fake.Options{})
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			c, err := New(Config{URL: srv.URL, Login: fake.DefaultLogin, APIKey: fake.DefaultAPIKey}, srv.Client())
			require.NoError(t, err)
			return crmtest.Harness{Vendor: c, Fake: f, URL: srv.URL, HTTP: srv.Client()}
		},
		Valid:   valid,
		Invalid: crm.Record{"uid": "NO-TITLE", "phone": "+7 000"}, // 402: the title is required
		Key:     func(r crm.Record) string { s, _ := r["uid"].(string); return s },
		Unicode: func(i int, text string) (crm.Record, string) {
			rec := valid(i)
			rec["address"] = text
			return rec, "address"
		},
		Duplicate: func(rec crm.Record) crm.Record {
			// Same title and phone, another uid: the server's 304 (uid is
			// never checked for duplicates).
			return crm.Record{"title": rec["title"], "phone": rec["phone"], "uid": "DUP-" + fmt.Sprint(rec["uid"])}
		},
		Partial: func(rec crm.Record) crm.Record {
			uid := fmt.Sprint(rec["uid"])
			return crm.Record{"uid": uid[:len(uid)-1]}
		},
		Update: func(id string, orig crm.Record) crm.Record {
			return crm.Record{"clid": id, "fax": "+7 (342) 999-99-99"}
		},
		BadAuth: func(t *testing.T, h crmtest.Harness) crm.Vendor {
			c, err := New(Config{URL: h.URL, Login: fake.DefaultLogin, APIKey: "wrong-sandbox-key"}, h.HTTP)
			require.NoError(t, err)
			return c
		},
		Secrets: []string{fake.DefaultAPIKey, "wrong-sandbox-key", fake.DefaultLogin},
	})
}
