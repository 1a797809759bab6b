package salesman

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/salesman/fake"
)

// againstFake returns a client of a fresh emulator.
func againstFake(t *testing.T, opt fake.Options) (*Client, *fake.Fake) {
	t.Helper()
	f := fake.New(opt)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL, Login: fake.DefaultLogin, APIKey: fake.DefaultAPIKey}, srv.Client())
	require.NoError(t, err)
	return c, f
}

func TestAgainstEmulator(t *testing.T) {
	ctx := context.Background()
	t.Run("batch, duplicate, find, update, delete", func(t *testing.T) {
		c, f := againstFake(t, fake.Options{})
		res, err := c.Create(ctx, []crm.Record{
			{"title": `ООО "Ромашка"`, "phone": []string{"+7 (342) 111-22-33"}, "uid": "R-1", "recv.castInn": "5904123456"},
			{"title": ""},
			{"title": "Zakład Usług „Żółć” Łódź", "mail_url": "biuro@zaklad.pl"},
		})
		require.NoError(t, err)
		require.Len(t, res, 3)
		assert.Equal(t, crm.StatusCreated, res[0].Status)
		assert.Equal(t, crm.StatusFailed, res[1].Status)
		assert.Equal(t, crm.KindRejected, crm.KindOf(res[1].Err))
		assert.Equal(t, crm.StatusCreated, res[2].Status)
		require.Len(t, f.Records(), 2)

		dup, err := c.Create(ctx, []crm.Record{{"title": "Ромашка, ООО", "phone": "8 342 111 22 33"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusExists, dup[0].Status)
		assert.Equal(t, res[0].ID, dup[0].ID)

		id, stored, err := c.Find(ctx, crm.Record{"title": `ООО "Ромашка"`, "phone": "+7 (342) 111-22-33"})
		require.NoError(t, err)
		assert.Equal(t, res[0].ID, id)
		assert.Equal(t, "Ромашка, ООО", stored["title"])
		id, _, err = c.Find(ctx, crm.Record{"uid": "R-1"})
		require.NoError(t, err)
		assert.Equal(t, res[0].ID, id)
		id, stored, err = c.Find(ctx, crm.Record{"title": "Zakład Usług „Żółć” Łódź", "mail_url": "BIURO@zaklad.pl"})
		require.NoError(t, err)
		assert.Equal(t, res[2].ID, id)
		assert.Equal(t, "Zakład Usług „Żółć” Łódź", stored["title"])
		_, _, err = c.Find(ctx, crm.Record{"title": "Ромашка", "phone": "+7 (342) 111-22-33"})
		assert.ErrorIs(t, err, crm.ErrNotFound, "partial title")

		up, err := c.Update(ctx, []crm.Record{{"clid": res[0].ID, "fax": "+7 000"}, {"clid": res[0].ID, "fax": "+7 000"}, {"clid": "999999", "fax": "1"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusUpdated, up[0].Status)
		assert.Equal(t, crm.StatusUnchanged, up[1].Status)
		assert.Equal(t, crm.StatusFailed, up[2].Status)
		assert.ErrorIs(t, up[2].Err, crm.ErrNotFound)

		require.NoError(t, c.Delete(ctx, res[2].ID))
		assert.ErrorIs(t, c.Delete(ctx, res[2].ID), crm.ErrNotFound)
	})
	t.Run("documented 406 duplicates", func(t *testing.T) {
		c, _ := againstFake(t, fake.Options{Duplicate406: true})
		first, err := c.Create(ctx, []crm.Record{{"title": "Dup Co"}})
		require.NoError(t, err)
		res, err := c.Create(ctx, []crm.Record{{"title": "Dup Co"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusExists, res[0].Status)
		assert.Equal(t, first[0].ID, res[0].ID)
	})
	t.Run("list across pages", func(t *testing.T) {
		c, f := againstFake(t, fake.Options{})
		f.SetPageSize(7)
		recs := make([]crm.Record, 30)
		for i := range recs {
			recs[i] = crm.Record{"title": fmt.Sprintf("Клиент %02d", i)}
		}
		_, err := c.Create(ctx, recs)
		require.NoError(t, err)
		seen := map[string]bool{}
		for rec, err := range crm.All(ctx, c, crm.ListQuery{}) {
			require.NoError(t, err)
			id := rec["clid"].(string)
			assert.False(t, seen[id], "clid %s twice", id)
			seen[id] = true
		}
		assert.Len(t, seen, 30)
	})
	t.Run("lost answer of an applied write is ambiguous, then found", func(t *testing.T) {
		c, f := againstFake(t, fake.Options{})
		f.Inject(crm.Fault{Op: "client/add.list", Commit: true})
		rec := crm.Record{"title": "Lost Answer Co", "phone": "+48 22 111 11 11"}
		_, err := c.Create(ctx, []crm.Record{rec})
		require.Error(t, err)
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err), err.Error())
		id, _, err := c.Find(ctx, rec)
		require.NoError(t, err)
		assert.NotEmpty(t, id)
	})
	t.Run("PHP fatal fault is ambiguous", func(t *testing.T) {
		c, f := againstFake(t, fake.Options{})
		f.Inject(crm.Fault{Op: "client/add.list", Code: "html"})
		_, err := c.Create(ctx, []crm.Record{{"title": "x"}})
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err))
	})
	t.Run("wrong key is fatal, no secret in requests or errors", func(t *testing.T) {
		f := fake.New(fake.Options{})
		srv := httptest.NewServer(f)
		defer srv.Close()
		c, err := New(Config{URL: srv.URL, Login: fake.DefaultLogin, APIKey: "wrong-key-XYZ"}, srv.Client())
		require.NoError(t, err)
		_, err = c.Fields(ctx)
		assert.Equal(t, crm.KindFatal, crm.KindOf(err))
		assert.NotContains(t, err.Error(), "wrong-key-XYZ")
		for _, r := range f.Requests() {
			assert.NotContains(t, r.Body, "wrong-key-XYZ")
			assert.NotContains(t, r.Path, "wrong-key-XYZ")
		}
	})
	t.Run("fields", func(t *testing.T) {
		c, _ := againstFake(t, fake.Options{})
		fs, err := c.Fields(ctx)
		require.NoError(t, err)
		active := map[string]bool{}
		for _, f := range fs {
			active[f.Name] = f.Active
		}
		assert.True(t, active["title"])
		assert.False(t, active["des"])
	})
}
