package crmtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
)

func needFake(t *testing.T, h Harness) crm.Controller {
	t.Helper()
	if h.Fake == nil {
		t.Skip("no fake to inject faults into or read the store of")
	}
	return h.Fake
}

func needList(t *testing.T, h Harness) {
	t.Helper()
	if !h.Vendor.Capabilities().List {
		t.Skip("vendor has no list")
	}
}

// storedCount counts the fake's records with natural key key.
func storedCount(opt Opt, c crm.Controller, key string) int {
	n := 0
	for _, r := range c.Records() {
		if opt.StoredKey(r) == key {
			n++
		}
	}
	return n
}

func createOK(t *testing.T, v crm.Vendor, recs ...crm.Record) []crm.Result {
	t.Helper()
	res, err := v.Create(t.Context(), recs)
	require.NoError(t, err)
	require.Len(t, res, len(recs))
	for i, r := range res {
		require.Equal(t, crm.StatusCreated, r.Status, "record %d: %v", i, r.Err)
		require.NotEmpty(t, r.ID, "record %d has no id", i)
	}
	return res
}

// readBack returns the stored record with natural key key, via List,
// Finder or the fake, whichever the vendor has.
func readBack(t *testing.T, opt Opt, h Harness, rec crm.Record) crm.Record {
	t.Helper()
	key := opt.Key(rec)
	if f, ok := h.Vendor.(crm.Finder); ok {
		_, stored, err := f.Find(t.Context(), rec)
		require.NoError(t, err)
		if stored != nil {
			return stored
		}
	}
	if h.Vendor.Capabilities().List {
		for r, err := range crm.All(t.Context(), h.Vendor, crm.ListQuery{}) {
			require.NoError(t, err)
			if opt.Key(r) == key {
				return r
			}
		}
		t.Fatalf("record %q not in the list", key)
	}
	c := needFake(t, h)
	for _, r := range c.Records() {
		if opt.StoredKey(r) == key {
			return r
		}
	}
	t.Fatalf("record %q not stored", key)
	return nil
}

func testFields(t *testing.T, opt Opt) {
	h := opt.New(t)
	fields, err := h.Vendor.Fields(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, fields)
	seen := map[string]bool{}
	required := 0
	for _, f := range fields {
		assert.NotEmpty(t, f.Name, "a field has no name")
		assert.False(t, seen[f.Name], "field %q listed twice", f.Name)
		seen[f.Name] = true
		assert.NotEmpty(t, f.Type, "field %q has no type", f.Name)
		if f.Required {
			required++
		}
	}
	assert.Positive(t, required, "no field is flagged required")
	if id := h.Vendor.Capabilities().IDField; id != "" {
		assert.True(t, seen[id], "the id field %q is not in the catalogue", id)
	}
}

func testCreateOne(t *testing.T, opt Opt) {
	h := opt.New(t)
	rec := opt.Valid(0)
	createOK(t, h.Vendor, rec)
	if h.Fake != nil {
		assert.Equal(t, 1, storedCount(opt, h.Fake, opt.Key(rec)))
		assert.Len(t, h.Fake.Records(), 1)
	}
}

func testBatchAligned(t *testing.T, opt Opt) {
	h := opt.New(t)
	if h.Vendor.Capabilities().MaxBatch < 3 {
		t.Skip("vendor creates one record per call")
	}
	recs := []crm.Record{opt.Valid(0), opt.Valid(1), opt.Invalid.Clone(), opt.Valid(2)}
	res, err := h.Vendor.Create(t.Context(), recs)
	require.NoError(t, err)
	require.Len(t, res, 4)
	for _, i := range []int{0, 1, 3} {
		assert.Equal(t, crm.StatusCreated, res[i].Status, "record %d: %v", i, res[i].Err)
		assert.NotEmpty(t, res[i].ID, "record %d", i)
	}
	assert.Equal(t, crm.StatusFailed, res[2].Status)
	assert.Equal(t, crm.KindRejected, crm.KindOf(res[2].Err), "%v", res[2].Err)
	assert.Empty(t, res[2].ID)
	assert.NotEqual(t, res[0].ID, res[1].ID)
	if h.Fake != nil {
		assert.Len(t, h.Fake.Records(), 3)
		assert.Equal(t, 3, h.Fake.Len(), "Len counts what Records returns")
		for _, i := range []int{0, 1, 3} {
			assert.Equal(t, 1, storedCount(opt, h.Fake, opt.Key(recs[i])), "record %d", i)
		}
	}
}

func testRejected(t *testing.T, opt Opt) {
	h := opt.New(t)
	res, err := h.Vendor.Create(t.Context(), []crm.Record{opt.Invalid.Clone()})
	require.NoError(t, err, "a rejected record is a per-row result, not a call error")
	require.Len(t, res, 1)
	assert.Equal(t, crm.StatusFailed, res[0].Status)
	require.Error(t, res[0].Err)
	assert.Equal(t, crm.KindRejected, crm.KindOf(res[0].Err))
	var e *crm.Error
	require.ErrorAs(t, res[0].Err, &e)
	assert.NotEmpty(t, e.Message, "the vendor's message is kept")
	if h.Fake != nil {
		assert.Empty(t, h.Fake.Records())
	}
}

func testDuplicate(t *testing.T, opt Opt) {
	if opt.Duplicate == nil {
		t.Skip("vendor has no server duplicate detection (Opt.Duplicate not set)")
	}
	h := opt.New(t)
	rec := opt.Valid(0)
	first := createOK(t, h.Vendor, rec)
	res, err := h.Vendor.Create(t.Context(), []crm.Record{opt.Duplicate(rec)})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, crm.StatusExists, res[0].Status)
	assert.Equal(t, first[0].ID, res[0].ID, "the existing id is reported")
	assert.Equal(t, crm.KindDuplicate, crm.KindOf(res[0].Err))
	if h.Fake != nil {
		assert.Len(t, h.Fake.Records(), 1)
	}
}

func testUnicode(t *testing.T, opt Opt) {
	texts := []string{"Zażółć gęślą jaźń", "Съешь же ещё этих мягких французских булок", "Łódź – Ćma Źdźbło"}
	for i, text := range texts {
		t.Run(text, func(t *testing.T) {
			h := opt.New(t)
			rec, field := opt.Unicode(i, text)
			createOK(t, h.Vendor, rec)
			got := readBack(t, opt, h, rec)
			assert.Equal(t, text, fmt.Sprint(got[field]))
		})
	}
}

func testRetryable(t *testing.T, opt Opt) {
	faults := []struct {
		name       string
		f          crm.Fault
		retryAfter bool
	}{
		{"500", crm.Fault{Status: 500}, false},
		{"503", crm.Fault{Status: 503}, false},
		{"429 with Retry-After", crm.Fault{Status: 429, RetryAfter: 2 * time.Second}, true},
		{"vendor rate limit", crm.Fault{Code: opt.RateLimitCode}, true},
	}
	for i, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			if tt.f.Code == "" && tt.f.Status == 0 {
				t.Skip("Opt.RateLimitCode not set")
			}
			h := opt.New(t)
			c := needFake(t, h)
			c.Inject(tt.f)
			rec := opt.Valid(i)
			_, err := h.Vendor.Create(t.Context(), []crm.Record{rec})
			require.Error(t, err)
			assert.Equal(t, crm.KindRetryable, crm.KindOf(err), "%v", err)
			if tt.retryAfter {
				assert.Positive(t, crm.RetryAfterOf(err), "the vendor's wait is passed on")
			}
			assert.Equal(t, 0, storedCount(opt, c, opt.Key(rec)))
			createOK(t, h.Vendor, rec) // the fault is gone
		})
	}
}

func testAuthFatal(t *testing.T, opt Opt) {
	if opt.BadAuth == nil {
		t.Skip("Opt.BadAuth not set")
	}
	h := opt.New(t)
	v := opt.BadAuth(t, h)
	_, err := v.Create(t.Context(), []crm.Record{opt.Valid(0)})
	require.Error(t, err)
	assert.Equal(t, crm.KindFatal, crm.KindOf(err), "%v", err)
	assertNoSecrets(t, opt, err.Error())
	if v.Capabilities().List {
		_, err = v.List(t.Context(), crm.ListQuery{}, "")
		require.Error(t, err)
		assert.Equal(t, crm.KindFatal, crm.KindOf(err), "%v", err)
	}
	if h.Fake != nil {
		assert.Empty(t, h.Fake.Records())
	}
}

// fastPolicy retries at once: its clock moves forward by each wait
// (back-off, Retry-After, a vendor's block) instead of waiting it out.
func fastPolicy() retry.Policy {
	var mu sync.Mutex
	var skipped time.Duration
	return retry.Policy{
		Rate: rate.Inf, Retries: retry.Times(30), Budget: -1, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond,
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return time.Now().Add(skipped)
		},
		Sleep: func(ctx context.Context, d time.Duration) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			mu.Lock()
			skipped += max(d, 0)
			mu.Unlock()
			return nil
		},
	}
}

func testAmbiguous(t *testing.T, opt Opt) {
	t.Run("answer lost", func(t *testing.T) {
		h := opt.New(t)
		c := needFake(t, h)
		rec := opt.Valid(0)
		c.Inject(crm.Fault{Commit: true})
		_, err := h.Vendor.Create(t.Context(), []crm.Record{rec})
		require.Error(t, err)
		assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err), "%v", err)
		assert.Equal(t, 1, storedCount(opt, c, opt.Key(rec)), "the write was applied")
		if f, ok := h.Vendor.(crm.Finder); ok {
			id, _, err := f.Find(t.Context(), rec)
			require.NoError(t, err)
			assert.NotEmpty(t, id)
		}
	})
	for _, fault := range []struct {
		name string
		f    crm.Fault
	}{{"applied then lost", crm.Fault{Commit: true}}, {"dropped before applied", crm.Fault{Drop: true}}} {
		t.Run("through retry "+fault.name, func(t *testing.T) {
			h := opt.New(t)
			c := needFake(t, h)
			n := min(3, max(h.Vendor.Capabilities().MaxBatch, 1))
			var recs []crm.Record
			for i := range n {
				recs = append(recs, opt.Valid(i))
			}
			c.Inject(fault.f)
			w := retry.Wrap(h.Vendor, fastPolicy())
			res, err := w.Create(t.Context(), recs)
			if _, ok := h.Vendor.(crm.Finder); !ok {
				// Never resent blind: the error comes back, at most one copy stored.
				if err != nil {
					assert.Equal(t, crm.KindAmbiguous, crm.KindOf(err), "%v", err)
				}
				for _, r := range recs {
					assert.LessOrEqual(t, storedCount(opt, c, opt.Key(r)), 1)
				}
				return
			}
			require.NoError(t, err)
			require.Len(t, res, n)
			for i, r := range recs {
				assert.Equal(t, crm.StatusCreated, res[i].Status, "record %d: %v", i, res[i].Err)
				assert.NotEmpty(t, res[i].ID)
				assert.Equal(t, 1, storedCount(opt, c, opt.Key(r)), "record %d stored exactly once", i)
			}
		})
	}
}

func seed(t *testing.T, opt Opt, c crm.Controller, from, n int) []string {
	t.Helper()
	var recs []crm.Record
	var keys []string
	for i := from; i < from+n; i++ {
		r := opt.Valid(i)
		recs = append(recs, r)
		keys = append(keys, opt.Key(r))
	}
	c.Seed(recs)
	return keys
}

func testListAllPages(t *testing.T, opt Opt) {
	h := opt.New(t)
	needList(t, h)
	c := needFake(t, h)
	c.SetPageSize(3)
	keys := seed(t, opt, c, 0, 8)
	before := len(c.Requests())
	got := map[string]int{}
	for r, err := range crm.All(t.Context(), h.Vendor, crm.ListQuery{}) {
		require.NoError(t, err)
		got[opt.Key(r)]++
	}
	assert.Len(t, got, 8)
	for _, k := range keys {
		assert.Equal(t, 1, got[k], "record %q listed once", k)
	}
	assert.LessOrEqual(t, len(c.Requests())-before, 3, "8 records in pages of 3 need 3 requests")
}

func testListEmpty(t *testing.T, opt Opt) {
	h := opt.New(t)
	needList(t, h)
	n := 0
	for _, err := range crm.All(t.Context(), h.Vendor, crm.ListQuery{}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n)
}

func testListWhileAdding(t *testing.T, opt Opt) {
	h := opt.New(t)
	needList(t, h)
	c := needFake(t, h)
	c.SetPageSize(3)
	keys := seed(t, opt, c, 0, 8)
	got := map[string]int{}
	cursor := ""
	added := 100
	for pages := 0; ; pages++ {
		require.Less(t, pages, 20, "list does not end")
		p, err := h.Vendor.List(t.Context(), crm.ListQuery{}, cursor)
		require.NoError(t, err)
		for _, r := range p.Records {
			got[opt.Key(r)]++
		}
		if p.Next == "" {
			break
		}
		seed(t, opt, c, added, 2) // new clients arrive between pages
		added += 2
		cursor = p.Next
	}
	for _, k := range keys {
		assert.Equal(t, 1, got[k], "original record %q listed exactly once", k)
	}
	for k, n := range got {
		assert.Equal(t, 1, n, "record %q listed %d times", k, n)
	}
}

func testContextCancel(t *testing.T, opt Opt) {
	t.Run("already cancelled", func(t *testing.T) {
		h := opt.New(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := h.Vendor.Create(ctx, []crm.Record{opt.Valid(0)})
		assert.ErrorIs(t, err, context.Canceled)
		if h.Vendor.Capabilities().List {
			_, err = h.Vendor.List(ctx, crm.ListQuery{}, "")
			assert.ErrorIs(t, err, context.Canceled)
		}
	})
	t.Run("while waiting for the answer", func(t *testing.T) {
		h := opt.New(t)
		c := needFake(t, h)
		c.Inject(crm.Fault{Delay: 5 * time.Second, Times: 5})
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err := h.Vendor.Create(ctx, []crm.Record{opt.Valid(0)})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, time.Since(start), 2*time.Second, "returns promptly")
	})
}

func assertNoSecrets(t *testing.T, opt Opt, s string) {
	t.Helper()
	for _, sec := range opt.Secrets {
		if sec != "" {
			assert.NotContains(t, s, sec, "a secret leaked")
		}
	}
}

func testNoSecrets(t *testing.T, opt Opt) {
	h := opt.New(t)
	var errs []error
	res, err := h.Vendor.Create(t.Context(), []crm.Record{opt.Invalid.Clone()})
	errs = append(errs, err)
	for _, r := range res {
		errs = append(errs, r.Err)
	}
	if opt.BadAuth != nil {
		_, err := opt.BadAuth(t, h).Create(t.Context(), []crm.Record{opt.Valid(0)})
		errs = append(errs, err)
	}
	if h.Fake != nil {
		for i, f := range []crm.Fault{{Status: 500}, {Status: 429}, {Drop: true}, {Commit: true}, {Code: opt.RateLimitCode}} {
			if f.Code == "" && f.Status == 0 && !f.Drop && !f.Commit {
				continue
			}
			h.Fake.Inject(f)
			_, err := h.Vendor.Create(t.Context(), []crm.Record{opt.Valid(10 + i)})
			errs = append(errs, err)
		}
		if h.Vendor.Capabilities().List {
			h.Fake.Inject(crm.Fault{Drop: true})
			_, err := h.Vendor.List(t.Context(), crm.ListQuery{}, "")
			errs = append(errs, err)
		}
	}
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
			assertNoSecrets(t, opt, err.Error())
			assertNoSecrets(t, opt, fmt.Sprintf("%+v", err))
		}
	}
	assert.Positive(t, n, "no error was provoked")
	if h.Fake != nil {
		reqs := h.Fake.Requests()
		assert.NotEmpty(t, reqs)
		for _, r := range reqs {
			assertNoSecrets(t, opt, r.Path+" "+r.Body+" "+r.Fault)
		}
	}
}

func testUpdateOne(t *testing.T, opt Opt) {
	h := opt.New(t)
	u, ok := h.Vendor.(crm.Updater)
	if !ok {
		t.Skip("vendor has no update")
	}
	if opt.Update == nil {
		t.Skip("Opt.Update not set")
	}
	orig := opt.Valid(0)
	id := createOK(t, h.Vendor, orig)[0].ID
	upd := opt.Update(id, orig)
	res, err := u.Update(t.Context(), []crm.Record{upd})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Contains(t, []crm.Status{crm.StatusUpdated, crm.StatusUnchanged}, res[0].Status, "%v", res[0].Err)
	if res[0].ID != "" {
		assert.Equal(t, id, res[0].ID)
	}
	probe := orig.Clone()
	for k, v := range upd {
		probe[k] = v
	}
	got := readBack(t, opt, h, probe)
	idField := h.Vendor.Capabilities().IDField
	for k, v := range upd {
		if k == idField || k == "uid" {
			continue
		}
		if _, present := got[k]; present {
			assert.Equal(t, fmt.Sprint(v), fmt.Sprint(got[k]), "field %q", k)
		}
	}
	if h.Fake != nil {
		assert.Len(t, h.Fake.Records(), 1, "an update does not create")
	}
}

func testFind(t *testing.T, opt Opt) {
	h := opt.New(t)
	f, ok := h.Vendor.(crm.Finder)
	if !ok {
		t.Skip("vendor has no Finder")
	}
	a, b := opt.Valid(0), opt.Valid(1)
	res := createOK(t, h.Vendor, a)
	resB := createOK(t, h.Vendor, b)
	id, stored, err := f.Find(t.Context(), a)
	require.NoError(t, err)
	assert.Equal(t, res[0].ID, id)
	if stored != nil {
		assert.Equal(t, opt.Key(a), opt.Key(stored))
	}
	id, _, err = f.Find(t.Context(), b)
	require.NoError(t, err)
	assert.Equal(t, resB[0].ID, id)

	_, _, err = f.Find(t.Context(), opt.Valid(2))
	assert.ErrorIs(t, err, crm.ErrNotFound, "a record never created is not found")
	if opt.Partial != nil {
		_, _, err = f.Find(t.Context(), opt.Partial(a))
		assert.ErrorIs(t, err, crm.ErrNotFound, "a partial match is not a match")
	}
}

func testCreateUnderFaults(t *testing.T, opt Opt) {
	h := opt.New(t)
	c := needFake(t, h)
	if _, ok := h.Vendor.(crm.Finder); !ok {
		t.Skip("without a Finder a lost answer cannot be resolved, so exactly-once cannot hold")
	}
	if s, ok := c.(interface{ SetRetryAfter(time.Duration) }); ok {
		s.SetRetryAfter(0)
	}
	const n = 30
	batch := min(max(h.Vendor.Capabilities().MaxBatch, 1), 5)
	c.SetFaultRate(0.3, 7)
	w := retry.Wrap(h.Vendor, fastPolicy())
	var recs []crm.Record
	for i := range n {
		recs = append(recs, opt.Valid(i))
	}
	for i := 0; i < n; i += batch {
		part := recs[i:min(i+batch, n)]
		res, err := w.Create(t.Context(), part)
		require.NoError(t, err, "records %d-%d", i, i+len(part)-1)
		for j, r := range res {
			// Exists would mean a record was sent twice: the look-up missed it.
			assert.Equal(t, crm.StatusCreated, r.Status, "record %d: %v", i+j, r.Err)
		}
	}
	c.SetFaultRate(0, 0)
	faults := 0
	for _, r := range c.Requests() {
		if r.Fault != "" {
			faults++
		}
	}
	assert.Positive(t, faults, "faults were injected")
	assert.Len(t, c.Records(), n)
	for i, r := range recs {
		assert.Equal(t, 1, storedCount(opt, c, opt.Key(r)), "record %d stored exactly once", i)
	}
}
