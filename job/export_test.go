package job

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
)

// listOnly is a vendor whose List answers page (or err), recording the
// queries.
type listOnly struct {
	page    crm.Page
	err     error
	queries []crm.ListQuery
}

func (l *listOnly) Name() string { return "baselinker" }
func (l *listOnly) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: 1, DefaultBatch: 1, Workers: 1, Rate: rate.Inf}
}
func (l *listOnly) Fields(context.Context) ([]crm.Field, error) { return nil, nil }
func (l *listOnly) Create(context.Context, []crm.Record) ([]crm.Result, error) {
	return nil, errors.New("read only")
}
func (l *listOnly) List(_ context.Context, q crm.ListQuery, _ string) (crm.Page, error) {
	l.queries = append(l.queries, q)
	return l.page, l.err
}

// An export that found nothing asks once more without its filter, to
// tell "the filter matches nothing" from "the CRM is empty"; without a
// filter it asks nothing more.
func TestEmptyExport(t *testing.T) {
	t.Parallel()
	since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	s := ExportSettings{Since: since, Until: until}
	q := crm.ListQuery{Filters: map[string]string{"filter_email": "@firma.pl"}, Since: since, Until: until}

	v := &listOnly{page: crm.Page{Records: make([]crm.Record, 7), Next: "2"}}
	got := emptyExport(t.Context(), v, q, s)
	assert.Equal(t, []string{"filter_email=@firma.pl", "created since 2025-01-01", "created until 2025-01-31"}, got.Conditions)
	assert.Equal(t, 7, got.Holds)
	assert.True(t, got.More)
	require.Len(t, v.queries, 1, "one extra request")
	assert.Empty(t, v.queries[0].Filters, "read without the filter")
	assert.True(t, v.queries[0].Since.IsZero())

	v = &listOnly{err: errors.New("boom")}
	assert.True(t, emptyExport(t.Context(), v, q, s).Unknown, "the hint never fails the export")

	v = &listOnly{}
	got = emptyExport(t.Context(), v, crm.ListQuery{}, ExportSettings{})
	assert.Empty(t, got.Conditions)
	assert.Empty(t, v.queries, "no extra request without a filter")
}
