package crmtest_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/crmtest"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
)

func valid(i int) crm.Record {
	return crm.Record{"name": fmt.Sprintf("Klient %d", i), "email": fmt.Sprintf("jan.kowalski%d@firma.pl", i), "city": "Kraków"}
}

func newHarness(t *testing.T) crmtest.Harness {
	f := memvendor.NewFake()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return crmtest.Harness{Vendor: memvendor.NewClient(srv.URL+memvendor.Path, memvendor.Token, srv.Client()), Fake: f, URL: srv.URL, HTTP: srv.Client()}
}

// TestConformance runs the suite against the in-package reference vendor,
// so the suite itself is exercised while the real vendors are written.
func TestConformance(t *testing.T) {
	crmtest.Run(t, crmtest.Opt{
		New:       newHarness,
		Valid:     valid,
		Invalid:   crm.Record{"name": "Bez maila", "email": "not-an-address"},
		Duplicate: func(r crm.Record) crm.Record { d := r.Clone(); d["name"] = "Inna nazwa"; return d },
		Partial: func(r crm.Record) crm.Record {
			p := r.Clone()
			p["email"] = r["email"].(string)[len("jan."):] // "kowalski0@firma.pl" ⊂ "jan.kowalski0@firma.pl"
			return p
		},
		Update: func(id string, orig crm.Record) crm.Record { return crm.Record{"id": id, "city": "Łódź"} },
		BadAuth: func(t *testing.T, h crmtest.Harness) crm.Vendor {
			return memvendor.NewClient(h.URL+memvendor.Path, "wrong-token", h.HTTP)
		},
		RateLimitCode: "rate-limit",
		Secrets:       []string{memvendor.Token},
	})
}
