package importer_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// TestFourthVendor proves the crm package doc's checklist: a vendor is one
// package. memvendor, registered beside the shipped vendors as crm/all
// would register it, goes through mapping init, mapping check and a real
// import against its fake with no change to mapping or importer; its facts
// (aliases, title, the 4-byte rule) reach them from its Registration.
func TestFourthVendor(t *testing.T) {
	ctx := context.Background()
	vendors := all.Vendors()
	vendors.Register(memvendor.Registration())
	reg, err := vendors.Lookup("memvendor")
	require.NoError(t, err)

	dir := t.TempDir()
	input := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(input, []byte(memvendor.SampleCSV), 0o644))

	// mapping init: the header dictionary meets the vendor's aliases
	src, err := sheet.Open(ctx, input, sheet.Options{})
	require.NoError(t, err)
	header := src.Header()
	var sample []sheet.Row
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		sample = append(sample, row)
	}
	require.NoError(t, src.Close())
	g, err := mapping.Guess(reg, reg.Catalogue(), header, sample)
	require.NoError(t, err)
	var got []string
	for _, c := range g.Columns {
		got = append(got, c.Field)
	}
	assert.Equal(t, []string{"name", "email", "phone", "city", "note"}, got)
	y := g.YAML()
	assert.Contains(t, string(y), "vendor: memvendor\n")
	assert.Contains(t, string(y), "`crmport fields --vendor memvendor` (on the page: the CRM field menus) lists every MemVendor field")

	// mapping check
	m, err := mapping.Parse("guessed.yaml", y, vendors)
	require.NoError(t, err, "%s", y)
	report, problems := mapping.Check(m, reg.Catalogue(), header)
	require.Empty(t, problems, report)
	assert.Contains(t, report, "guessed.yaml maps 5 MemVendor fields")

	// a real import against the fake
	fake, v := startMemVendor(t, reg)
	fields, err := v.Fields(ctx)
	require.NoError(t, err)
	sum, err := importer.Run(ctx, importer.Options{
		Input: input,
		Open:  func(ctx context.Context) (sheet.Source, error) { return sheet.Open(ctx, input, sheet.Options{}) },
		Bind: func(header []string) (importer.Binder, error) {
			return m.Bind(header, fields, mapping.ApplyOptions{})
		},
		CreateSink:    sheet.Create,
		MappingFile:   "guessed.yaml",
		MappingDigest: m.Fingerprint(),
		Vendor:        v,
		Normalize:     reg.Normalize,
	})
	require.ErrorIs(t, err, importer.ErrSomeRowsFailed)
	assert.Equal(t, 3, sum.Rows)
	assert.Equal(t, 2, sum.Created)
	assert.Equal(t, 1, sum.Failed)

	recs := fake.Records()
	require.Len(t, recs, 2)
	assert.Equal(t, "Acme sp. z o.o.", recs[0]["name"])
	assert.Equal(t, "+48601234567", recs[0]["phone"])
	assert.Equal(t, "Łódź", recs[1]["city"])

	errs, err := os.ReadFile(sum.Reports.Errors)
	require.NoError(t, err)
	assert.Contains(t, string(errs), "MemVendor cannot store (emoji): 🌸", "the 4-byte rule of the registration reached mapping")
	assert.True(t, strings.HasSuffix(sum.Reports.Errors, ".memvendor.errors.csv"), sum.Reports.Errors)
}

// startMemVendor starts memvendor's fake on 127.0.0.1 for the test and
// returns it with a client of it.
func startMemVendor(t *testing.T, reg crm.Registration) (*memvendor.Fake, crm.Vendor) {
	t.Helper()
	fake := memvendor.NewFake()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	v, err := reg.New(map[string]string{memvendor.EnvURL: srv.URL, memvendor.EnvToken: memvendor.Token}, srv.Client())
	require.NoError(t, err)
	return fake, v
}
