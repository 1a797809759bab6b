package exporter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

// memSink records what an export writes.
type memSink struct {
	header []sheet.Column
	rows   [][]any
	closed bool
}

func (m *memSink) WriteHeader(cols []sheet.Column) error { m.header = cols; return nil }
func (m *memSink) WriteRow(v []any) error                { m.rows = append(m.rows, v); return nil }
func (m *memSink) Close() error                          { m.closed = true; return nil }

// pagedVendor serves pages from a slice; newestFirst pages shift when
// records are added between calls, as SalesMan's do.
type pagedVendor struct {
	recs     []crm.Record // newest first
	pageSize int
	calls    int
	onCall   func(call int, v *pagedVendor)
	failAt   int
}

func (v *pagedVendor) Name() string { return "mock" }
func (v *pagedVendor) Capabilities() crm.Capabilities {
	return crm.Capabilities{List: true, PageSize: v.pageSize, IDField: "id"}
}
func (v *pagedVendor) Fields(context.Context) ([]crm.Field, error) { return nil, nil }
func (v *pagedVendor) Create(context.Context, []crm.Record) ([]crm.Result, error) {
	return nil, crm.ErrUnsupported
}
func (v *pagedVendor) List(_ context.Context, _ crm.ListQuery, cursor string) (crm.Page, error) {
	v.calls++
	if v.failAt == v.calls {
		return crm.Page{}, &crm.Error{Vendor: "mock", Op: "list", Kind: crm.KindFatal, Message: "denied"}
	}
	if v.onCall != nil {
		v.onCall(v.calls, v)
	}
	off, _ := strconv.Atoi(cursor)
	end := min(off+v.pageSize, len(v.recs))
	p := crm.Page{Records: v.recs[off:end]}
	if end-off == v.pageSize {
		p.Next = strconv.Itoa(end)
	}
	return p, nil
}

func records(n int) []crm.Record {
	out := make([]crm.Record, n)
	for i := range out {
		id := n - i
		out[i] = crm.Record{"id": strconv.Itoa(id), "name": "Klient " + strconv.Itoa(id), "phone": "0048600" + strconv.Itoa(100000+id),
			"created": "2024-03-15 10:00:00"}
	}
	return out
}

var testFields = []crm.Field{
	{Name: "id", Type: crm.TypeInt, ReadOnly: true, Active: true},
	{Name: "name", Type: crm.TypeString, Active: true},
	{Name: "phone", Type: crm.TypePhone, Active: true},
	{Name: "created", Type: crm.TypeDateTime, Active: true},
	{Name: "switched_off", Type: crm.TypeString, Active: false},
	{Name: "request_option", Type: crm.TypeBool, Active: true, WriteOnly: true},
}

func TestRunAllPagesInCatalogueOrder(t *testing.T) {
	v := &pagedVendor{recs: records(7), pageSize: 3}
	sink := &memSink{}
	sum, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink})
	require.NoError(t, err)
	assert.Equal(t, 7, sum.Rows)
	assert.Equal(t, 3, sum.Pages)
	require.Len(t, sink.header, 4, "the switched-off field and the request option get no column")
	assert.Equal(t, []string{"id", "name", "phone", "created"}, sum.Columns)
	assert.Equal(t, sheet.ColumnText, sink.header[0].Kind, "ids are text")
	assert.Equal(t, sheet.ColumnText, sink.header[2].Kind, "phones are text")
	assert.Equal(t, sheet.ColumnDate, sink.header[3].Kind)
	require.Len(t, sink.rows, 7)
	assert.Equal(t, "0048600100007", sink.rows[0][2], "leading zeros kept")
	assert.Equal(t, time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC), sink.rows[0][3], "dates become dates")
}

func TestRunNoClientTwiceWhenPagesShift(t *testing.T) {
	v := &pagedVendor{recs: records(9), pageSize: 3}
	// Two clients are added (newest first) after the first page was read:
	// every later page starts with rows already written.
	v.onCall = func(call int, v *pagedVendor) {
		if call == 2 {
			v.recs = append([]crm.Record{{"id": "11", "name": "Nowy 11"}, {"id": "10", "name": "Nowy 10"}}, v.recs...)
		}
	}
	sink := &memSink{}
	sum, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink})
	require.NoError(t, err)
	ids := map[any]int{}
	for _, r := range sink.rows {
		ids[r[0]]++
	}
	for id, n := range ids {
		assert.Equal(t, 1, n, "client %v written %d times", id, n)
	}
	for i := 1; i <= 9; i++ {
		assert.Contains(t, ids, strconv.Itoa(i), "original client %d missing", i)
	}
	assert.Equal(t, len(sink.rows), sum.Rows)
}

func TestRunFieldsFlag(t *testing.T) {
	v := &pagedVendor{recs: records(2), pageSize: 10}
	sink := &memSink{}
	_, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink, Columns: []string{"name", "id"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"name", "id"}, []string{sink.header[0].Name, sink.header[1].Name})
	assert.Equal(t, []any{"Klient 2", "2"}, sink.rows[0])

	_, err = Run(context.Background(), Options{Vendor: &pagedVendor{recs: records(2), pageSize: 10}, Fields: testFields,
		Sink: &memSink{}, Columns: []string{"nmae"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "nmae" (did you mean "name"?)`)
}

type upperReverser struct{}

func (upperReverser) Headers() []string { return []string{"Firma", "ID"} }
func (upperReverser) Reverse(r crm.Record) []any {
	return []any{r["name"], r["id"]}
}

func TestRunWithMappingColumns(t *testing.T) {
	sink := &memSink{}
	_, err := Run(context.Background(), Options{Vendor: &pagedVendor{recs: records(1), pageSize: 10}, Fields: testFields,
		Sink: sink, Mapping: upperReverser{}})
	require.NoError(t, err)
	assert.Equal(t, "Firma", sink.header[0].Name)
	assert.Equal(t, []any{"Klient 1", "1"}, sink.rows[0])
}

func TestRunExtraKeysAndLateKeys(t *testing.T) {
	recs := records(4)
	recs[0]["user"] = "admin"
	recs[3]["late"] = "x"
	sink := &memSink{}
	sum, err := Run(context.Background(), Options{Vendor: &pagedVendor{recs: recs, pageSize: 2}, Fields: testFields, Sink: sink})
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "name", "phone", "created", "user"}, sum.Columns)
	assert.Equal(t, []string{"late"}, sum.LateFields)
}

func TestRunErrorsAndEnrich(t *testing.T) {
	_, err := Run(context.Background(), Options{Vendor: &pagedVendor{recs: records(5), pageSize: 2, failAt: 2}, Sink: &memSink{}})
	require.Error(t, err)
	assert.Equal(t, crm.KindFatal, crm.KindOf(err))
	assert.Contains(t, err.Error(), "page 2")

	sink := &memSink{}
	_, err = Run(context.Background(), Options{Vendor: &pagedVendor{recs: records(2), pageSize: 5}, Sink: sink,
		Columns: []string{"id", "notes"}, Fields: append(testFields, crm.Field{Name: "notes", Type: crm.TypeText}),
		Enrich: func(_ context.Context, r crm.Record) (crm.Record, error) {
			r = r.Clone()
			r["notes"] = "note " + r["id"].(string)
			return r, nil
		}})
	require.NoError(t, err)
	assert.Equal(t, []any{"2", "note 2"}, sink.rows[0])

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Run(ctx, Options{Vendor: &pagedVendor{recs: records(2), pageSize: 5}, Sink: &memSink{}})
	assert.True(t, errors.Is(err, context.Canceled))
}

// funcSink calls row for every row written.
type funcSink struct {
	memSink
	row func(n int, v []any) error
}

func (s *funcSink) WriteRow(v []any) error {
	if err := s.row(len(s.rows), v); err != nil {
		return err
	}
	return s.memSink.WriteRow(v)
}

// hookVendor is a pagedVendor with a hook before each List.
type hookVendor struct {
	*pagedVendor
	before func(ctx context.Context, call int) error
	calls  atomic.Int32
}

func (v *hookVendor) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	if err := v.before(ctx, int(v.calls.Add(1))); err != nil {
		return crm.Page{}, err
	}
	return v.pagedVendor.List(ctx, q, cursor)
}

func TestRunReadsNextPageWhileWriting(t *testing.T) {
	page2Asked := make(chan struct{})
	v := &hookVendor{pagedVendor: &pagedVendor{recs: records(5), pageSize: 3}, before: func(_ context.Context, call int) error {
		if call == 2 {
			close(page2Asked)
		}
		return nil
	}}
	sink := &funcSink{row: func(n int, _ []any) error {
		if n == 2 { // the last row of page 1 waits until page 2 is being read
			select {
			case <-page2Asked:
			case <-time.After(10 * time.Second):
				return errors.New("page 2 was not read while page 1 was written")
			}
		}
		return nil
	}}
	sum, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink})
	require.NoError(t, err)
	assert.Equal(t, 5, sum.Rows)
	assert.Equal(t, 2, sum.Pages)
	assert.Len(t, sink.rows, 5)
	assert.Equal(t, int32(2), v.calls.Load(), "no page read twice or beyond the last")
}

func TestRunStopsTheReaderWhenWritingFails(t *testing.T) {
	readerDone := make(chan struct{})
	v := &hookVendor{pagedVendor: &pagedVendor{recs: records(9), pageSize: 3}, before: func(ctx context.Context, call int) error {
		if call == 2 { // hangs until Run gives up on the export
			<-ctx.Done()
			close(readerDone)
			return ctx.Err()
		}
		return nil
	}}
	sink := &funcSink{row: func(n int, _ []any) error {
		if n == 1 {
			return errors.New("disk full")
		}
		return nil
	}}
	sum, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk full")
	assert.Equal(t, 1, sum.Rows)
	select {
	case <-readerDone:
	default:
		t.Fatal("Run returned while the page reader was still using the vendor")
	}
	assert.Equal(t, int32(2), v.calls.Load())
}

func TestRunCancelledWhileReading(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	v := &hookVendor{pagedVendor: &pagedVendor{recs: records(9), pageSize: 3}, before: func(ctx context.Context, call int) error {
		if call == 2 {
			cancel()
			<-ctx.Done()
			return fmt.Errorf("list: %w", ctx.Err())
		}
		return nil
	}}
	sum, err := Run(ctx, Options{Vendor: v, Fields: testFields, Sink: &memSink{}})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.LessOrEqual(t, sum.Rows, 3)
}

// A panic (a bug) in the goroutine reading pages ends the export with a
// *bug.Error after the rows already written, instead of crashing.
func TestRunPanicWhileReadingIsAnError(t *testing.T) {
	v := &hookVendor{pagedVendor: &pagedVendor{recs: records(9), pageSize: 3}, before: func(_ context.Context, call int) error {
		if call == 2 {
			panic("list bug")
		}
		return nil
	}}
	sink := &memSink{}
	sum, err := Run(context.Background(), Options{Vendor: v, Fields: testFields, Sink: sink})
	var be *bug.Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "read page 2 of mock clients: internal error: list bug (this is a bug)", err.Error())
	assert.Equal(t, 3, sum.Rows)
}
