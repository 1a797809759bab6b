package baselinker

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/baselinker/fake"
	"github.com/crmport/crmport/crm/crmtest"
)

// pagedFake makes SetPageSize also tell the client the page size: real
// BaseLinker always pages by 100 and the client knows it, so an emulator
// with smaller pages needs the client told the same size.
type pagedFake struct {
	*fake.Fake
	client *Client
}

func (p pagedFake) SetPageSize(n int) {
	p.Fake.SetPageSize(n)
	p.client.pageSize = n
}

const conformanceToken = "bl-test-token-5f1e"

func TestConformance(t *testing.T) {
	runConformance(t, fake.Options{Token: conformanceToken})
}

// TestFieldsAgainstEmulator reads the emulator's extra fields in both
// documented forms (object keyed by id, list) and its statuses.
func TestFieldsAgainstEmulator(t *testing.T) {
	for _, asList := range []bool{false, true} {
		t.Run(fmt.Sprintf("list form %v", asList), func(t *testing.T) {
			f := fake.New(fake.Options{Token: conformanceToken, ExtraFieldsAsList: asList})
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			c, err := New(Config{URL: srv.URL + "/connector.php", Token: conformanceToken}, srv.Client())
			require.NoError(t, err)
			fields, err := c.Fields(t.Context())
			require.NoError(t, err)
			byName := map[string]crm.Field{}
			for _, fl := range fields {
				require.NotContains(t, byName, fl.Name)
				byName[fl.Name] = fl
			}
			for _, ef := range fake.DefaultExtraFields {
				got, ok := byName[fmt.Sprintf("custom_extra_fields.%d", ef.ID)]
				require.True(t, ok, ef.Name)
				assert.Equal(t, ef.Name, got.Label)
				if len(ef.Options) > 0 {
					assert.Equal(t, ef.Options, got.Values)
				}
			}
			for _, st := range fake.DefaultStatuses {
				assert.Contains(t, byName["status_id"].Description, fmt.Sprintf("%d = %s", st.ID, st.Name))
			}
		})
	}
}

func runConformance(t *testing.T, fo fake.Options) {
	crmtest.Run(t, crmtest.Opt{
		New: func(t *testing.T) crmtest.Harness {
			f := fake.New(fo)
			srv := httptest.NewServer(f)
			t.Cleanup(srv.Close)
			c, err := New(Config{URL: srv.URL + "/connector.php", Token: conformanceToken}, srv.Client())
			require.NoError(t, err)
			return crmtest.Harness{Vendor: c, Fake: pagedFake{Fake: f, client: c}, URL: srv.URL + "/connector.php", HTTP: srv.Client()}
		},
		Valid: func(i int) crm.Record {
			return crm.Record{
				"email":            fmt.Sprintf("jan.kowalski%d@example.pl", i),
				"phone":            fmt.Sprintf("+48 600 %03d %03d", i/1000, i%1000),
				"invoice_fullname": fmt.Sprintf("Jan Kowalski %d", i),
				"invoice_city":     "Kraków",
				"star":             int64(i % 6),
			}
		},
		Invalid: crm.Record{"email": "zly.status@example.pl", "status_id": int64(999)},
		Key: func(r crm.Record) string {
			s, _ := r["email"].(string)
			return strings.ToLower(strings.TrimSpace(s))
		},
		Unicode: func(i int, text string) (crm.Record, string) {
			r := crm.Record{"email": fmt.Sprintf("unicode%d@example.pl", i), "invoice_fullname": text}
			return r, "invoice_fullname"
		},
		Partial: func(rec crm.Record) crm.Record {
			p := rec.Clone()
			p["email"] = strings.TrimPrefix(p["email"].(string), "jan.")
			return p
		},
		Update: func(id string, _ crm.Record) crm.Record {
			return crm.Record{"crm_client_id": id, "invoice_city": "Łódź", "star": int64(5)}
		},
		BadAuth: func(t *testing.T, h crmtest.Harness) crm.Vendor {
			c, err := New(Config{URL: h.URL, Token: "wrong-token-77"}, h.HTTP)
			require.NoError(t, err)
			return c
		},
		RateLimitCode: "ERROR_BLOCKED_TOKEN",
		Secrets:       []string{conformanceToken, "wrong-token-77"},
		Skip: map[string]string{
			"Fields": "BaseLinker documents no required field for addCrmClient (seeds/000), so no catalogue field is flagged required; TestFieldsAddsExtraFields checks the rest",
		},
	})
}

// TestAgainstEmulator covers what the suite does not: ClientData with
// notes and extra fields, Delete, and Find by tax id among partial matches.
func TestAgainstEmulator(t *testing.T) {
	f := fake.New(fake.Options{Token: conformanceToken})
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL + "/connector.php", Token: conformanceToken}, srv.Client())
	require.NoError(t, err)

	res, err := c.Create(t.Context(), []crm.Record{{"email": "a@example.pl", "notes": "Dzwonić po 10:00", "invoice_tax_id": "PL 526-104-08-28",
		"custom_extra_fields.2": "Targi Poznań"}})
	require.NoError(t, err)
	require.Equal(t, crm.StatusCreated, res[0].Status, "%v", res[0].Err)
	id := res[0].ID
	_, err = c.Create(t.Context(), []crm.Record{{"email": "b@example.pl", "invoice_tax_id": "PL5261040828999"}})
	require.NoError(t, err)

	full, err := c.ClientData(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, "Dzwonić po 10:00", full["notes"])
	assert.Equal(t, "Targi Poznań", full["custom_extra_fields.2"])

	gotID, _, err := c.Find(t.Context(), crm.Record{"invoice_tax_id": "PL5261040828"})
	require.NoError(t, err)
	assert.Equal(t, id, gotID)

	require.NoError(t, c.Delete(t.Context(), id))
	require.ErrorIs(t, c.Delete(t.Context(), id), crm.ErrNotFound)
	_, err = c.ClientData(t.Context(), id)
	require.ErrorIs(t, err, crm.ErrNotFound)
	_, _, err = c.Find(t.Context(), crm.Record{"crm_client_id": id})
	require.ErrorIs(t, err, crm.ErrNotFound)
}
