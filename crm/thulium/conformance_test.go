package thulium

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/crmtest"
	"github.com/crmport/crmport/crm/thulium/fake"
)

// pagedFake makes SetPageSize also set the client's limit: real Thulium
// honours the limit a client asks for, so a client asking limit=n gets
// pages of n; the emulator instead caps pages below the asked limit.
type pagedFake struct {
	*fake.Fake
	client *Client
}

func (p pagedFake) SetPageSize(n int) {
	p.Fake.SetPageSize(n)
	p.client.pageSize = n
}

func TestConformance(t *testing.T) {
	newClient := func(t *testing.T, srv *httptest.Server, user, password string) *Client {
		c, err := New(Config{URL: srv.URL, User: user, Password: password}, srv.Client())
		require.NoError(t, err)
		return c
	}
	for _, variant := range []struct {
		name string
		opt  fake.Options
	}{{"result envelope", fake.Options{}}, {"bare array", fake.Options{BareArray: true}}} {
		t.Run(variant.name, func(t *testing.T) { runConformance(t, variant.opt, newClient) })
	}
}

func runConformance(t *testing.T, fo fake.Options, newClient func(*testing.T, *httptest.Server, string, string) *Client) {
	crmtest.Run(t, crmtest.Opt{
		New: func(t *testing.T) crmtest.Harness {
			f := fake.New(fo)
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			c := newClient(t, srv, fake.DefaultUser, fake.DefaultPassword)
			return crmtest.Harness{Vendor: c, Fake: pagedFake{Fake: f, client: c}, URL: srv.URL, HTTP: srv.Client()}
		},
		Valid: func(i int) crm.Record {
			return crm.Record{
				"surname":      fmt.Sprintf("Kowalski %d", i),
				"name":         "Jan",
				"identifier":   fmt.Sprintf("CRM-%05d", i),
				"email":        fmt.Sprintf("jan.kowalski%d@example.pl", i),
				"phone_number": []string{fmt.Sprintf("+48 600 %03d %03d", i/1000, i%1000)},
			}
		},
		Invalid: crm.Record{"surname": "Nowak", "phone_number": "abc"},
		Key: func(r crm.Record) string {
			s, _ := r["identifier"].(string)
			return strings.TrimSpace(s)
		},
		Partial: func(rec crm.Record) crm.Record {
			p := rec.Clone()
			p["identifier"] = strings.TrimSuffix(p["identifier"].(string), "1")[:8]
			return p
		},
		Update: func(id string, _ crm.Record) crm.Record {
			return crm.Record{"customer_id": id, "job_title": "Kierownik sprzedaży", "address.city": "Kraków"}
		},
		BadAuth: func(t *testing.T, h crmtest.Harness) crm.Vendor {
			c, err := New(Config{URL: h.URL, User: fake.DefaultUser, Password: "wrong-password"}, h.HTTP)
			require.NoError(t, err)
			return c
		},
		RateLimitCode: "rate-limit",
		Secrets:       []string{fake.DefaultPassword + "-never", "wrong-password", basicAuth(fake.DefaultUser, fake.DefaultPassword)},
	})
}

// basicAuth is the Authorization header value that must never leak.
func basicAuth(user, password string) string {
	r := httptest.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, password)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// TestAgainstEmulator covers what the suite does not: the single-record
// PUT, Delete and an exact-match Find among similar customers.
func TestAgainstEmulator(t *testing.T) {
	f := fake.New(fake.Options{})
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL, User: fake.DefaultUser, Password: fake.DefaultPassword}, srv.Client())
	require.NoError(t, err)

	res, err := c.Create(t.Context(), []crm.Record{{"surname": "Nowak", "identifier": "K-1", "email": "anna@example.pl"}})
	require.NoError(t, err)
	require.Equal(t, crm.StatusCreated, res[0].Status, "%v", res[0].Err)
	id := res[0].ID
	_, err = c.Create(t.Context(), []crm.Record{{"surname": "Nowak", "identifier": "K-10", "email": "nowak.anna@example.pl"}})
	require.NoError(t, err)

	up, err := c.UpdateOne(t.Context(), crm.Record{"customer_id": id, "job_title": "Księgowa", "invoice_address.city": "Gdańsk"})
	require.NoError(t, err)
	require.Equal(t, crm.StatusUpdated, up.Status, "%v", up.Err)
	gotID, stored, err := c.Find(t.Context(), crm.Record{"identifier": "K-1"})
	require.NoError(t, err)
	assert.Equal(t, id, gotID)
	assert.Equal(t, "Księgowa", stored["job_title"])
	assert.Equal(t, "Gdańsk", stored["invoice_address.city"])
	assert.Equal(t, "Nowak", stored["surname"], "fields not sent are kept")

	require.NoError(t, c.Delete(t.Context(), id))
	require.ErrorIs(t, c.Delete(t.Context(), id), crm.ErrNotFound)
	_, _, err = c.Find(t.Context(), crm.Record{"customer_id": id})
	require.ErrorIs(t, err, crm.ErrNotFound)
	_, _, err = c.Find(t.Context(), crm.Record{"identifier": "K-1"})
	require.ErrorIs(t, err, crm.ErrNotFound)
}

// TestWrongAddressIsFatal: a base URL that misses the API (e.g. without the
// sandbox's /thulium prefix) must stop the run, not reject every row.
func TestWrongAddressIsFatal(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/thulium/", http.StripPrefix("/thulium", fake.New(fake.Options{})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		name, url string
		kind      crm.Kind
	}{
		{"missing prefix", srv.URL, crm.KindFatal},
		{"right prefix", srv.URL + "/thulium", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Config{URL: tt.url, User: fake.DefaultUser, Password: fake.DefaultPassword}, srv.Client())
			require.NoError(t, err)
			res, err := c.Create(t.Context(), []crm.Record{{"surname": "Nowak"}})
			if tt.kind == 0 {
				require.NoError(t, err)
				assert.Equal(t, crm.StatusCreated, res[0].Status)
				return
			}
			assert.Equal(t, tt.kind, crm.KindOf(err), "%v", err)
			assert.ErrorContains(t, err, EnvURL)
		})
	}
}
