//go:build live

package salesman

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// TestLive runs against a real SalesMan CRM when CRMPORT_SALESMAN_URL,
// CRMPORT_SALESMAN_LOGIN and CRMPORT_SALESMAN_APIKEY are set:
//
//	go test -tags live -run TestLive ./crm/salesman/
//
// It creates one client named "crmport live test <time>", finds, updates
// and deletes it.
func TestLive(t *testing.T) {
	cfg := Config{URL: os.Getenv(EnvURL), Login: os.Getenv(EnvLogin), APIKey: os.Getenv(EnvAPIKey)}
	if cfg.URL == "" || cfg.Login == "" || cfg.APIKey == "" {
		t.Skipf("set %s, %s and %s to run the live test", EnvURL, EnvLogin, EnvAPIKey)
	}
	c, err := New(cfg, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	fields, err := c.Fields(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, fields)

	title := fmt.Sprintf("crmport live test %d", time.Now().Unix())
	res, err := c.Create(ctx, []crm.Record{{"title": title, "phone": "+7 000 000-00-01"}})
	require.NoError(t, err)
	require.Equal(t, crm.StatusCreated, res[0].Status, res[0].Err)
	defer func() { assert.NoError(t, c.Delete(context.Background(), res[0].ID)) }()

	id, _, err := c.Find(ctx, crm.Record{"title": title, "phone": "+7 000 000-00-01"})
	require.NoError(t, err)
	assert.Equal(t, res[0].ID, id)

	up, err := c.Update(ctx, []crm.Record{{"clid": id, "fax": "+7 000 000-00-02"}})
	require.NoError(t, err)
	assert.Equal(t, crm.StatusUpdated, up[0].Status)

	page, err := c.List(ctx, crm.ListQuery{Fields: []string{"title"}}, "")
	require.NoError(t, err)
	assert.NotEmpty(t, page.Records)
}
