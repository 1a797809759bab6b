package importer

import (
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// taxBinder is binder with a column NIP mapped to the field nip.
type taxBinder struct{ binder }

func (b taxBinder) Apply(row sheet.Row) (crm.Record, error) {
	rec, err := b.binder.Apply(row)
	for i, h := range b.header {
		if h == "NIP" && i < len(row.Cells) && row.Cells[i].Text != "" {
			rec["nip"] = row.Cells[i].Text
		}
	}
	return rec, err
}

func TestParseDedupeAndDuplicates(t *testing.T) {
	r, err := ParseDedupe(" key, E-mail ,phone,tax_id,phone")
	require.NoError(t, err)
	assert.Equal(t, []DedupeRule{DedupeKey, DedupeEmail, DedupePhone, DedupeTaxID}, r)
	r, err = ParseDedupe("none")
	require.NoError(t, err)
	assert.NotNil(t, r)
	assert.Empty(t, r)
	_, err = ParseDedupe("email,name")
	assert.ErrorContains(t, err, `unknown rule "name"`)

	p, err := ParseDuplicates("")
	require.NoError(t, err)
	assert.Equal(t, DuplicatesFirst, p)
	p, err = ParseDuplicates("Merge")
	require.NoError(t, err)
	assert.Equal(t, DuplicatesMerge, p)
	_, err = ParseDuplicates("last")
	assert.ErrorContains(t, err, "use first")
}

func TestDedupeFieldsFor(t *testing.T) {
	reg := crm.Registration{Aliases: map[crm.Concept][]string{
		crm.ConceptEmail: {"mail_url"}, crm.ConceptPhone: {"phone"}, crm.ConceptMobile: {"mobile"},
		crm.ConceptINN: {"recv.castInn"}, crm.ConceptNIP: {"recv.castInn?"}, crm.ConceptFax: {"fax"},
	}}
	d := DedupeFieldsFor(reg, map[string]crm.FieldType{"fax": crm.TypePhone, "email2": crm.TypeEmail, "title": crm.TypeString})
	assert.Equal(t, []string{"mail_url", "email2"}, d.Email)
	assert.Equal(t, []string{"phone", "mobile"}, d.Phone)
	assert.Equal(t, []string{"recv.castInn"}, d.TaxID)
}

// dedupeRows is a file whose rows 2, 5 and 7 are one client found three
// ways: row 5 has row 2's e-mail written differently, row 7 row 5's phone
// written differently (so it is the client of row 2 through row 5).
func dedupeRows() [][]string {
	rows := table(8)
	rows[3][1] = "  C1@Example.COM " // row 5: e-mail of row 2
	rows[3][2] = "+48 601 234 567"
	rows[5][2] = "0048601234567" // row 7: phone of row 5
	rows[0][2] = ""              // row 2 has no phone: merge takes row 5's
	return rows
}

func TestDedupeFirstNamesTheFirstRow(t *testing.T) {
	for _, dry := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry=%v", dry), func(t *testing.T) {
			v := newMemVendor(3)
			opt := setup(t, t.TempDir(), dedupeRows(), wrap(v))
			opt.Key = ""
			opt.Dedupe = []DedupeRule{DedupeEmail, DedupePhone}
			opt.DryRun = dry
			s, err := Run(t.Context(), opt)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			assert.Equal(t, 8, s.Rows)
			assert.Equal(t, 6, s.Created)
			assert.Equal(t, 2, s.Failed)
			assert.Equal(t, 2, s.Duplicates)
			assert.Contains(t, s.DuplicatesLine(), "2 rows are the same client as another row")
			_, rows := readReport(t, s.Reports.Errors)
			require.Len(t, rows, 2)
			assert.Equal(t, "5", rows[0][3])
			assert.Contains(t, rows[0][4], "same e-mail as row 2 (c1@example.com)")
			assert.Equal(t, "7", rows[1][3])
			assert.Contains(t, rows[1][4], "same phone number as row 5 (+48601234567), which is the same client as row 2")
			if !dry {
				assert.Len(t, v.emails(), 6)
			}
		})
	}
}

func TestDedupeTaxIDByDigits(t *testing.T) {
	rows := table(3)
	rows[0] = append(rows[0], "PL 123-456-78-90")
	rows[2] = append(rows[2], "1234567890")
	v := newMemVendor(3)
	opt := setup(t, t.TempDir(), rows, wrap(v))
	header := []string{"Name", "Email", "Phone", "NIP"}
	opt.Open = func(context.Context) (sheet.Source, error) { return &memSource{header: header, rows: rows}, nil }
	opt.Bind = func(h []string) (Binder, error) { return taxBinder{binder{header: h}}, nil }
	opt.Dedupe = []DedupeRule{DedupeTaxID}
	opt.DedupeFields = DedupeFields{TaxID: []string{"nip"}}
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, 1, s.Duplicates)
	_, errs := readReport(t, s.Reports.Errors)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0][len(errs[0])-1], "same tax id as row 2 (1234567890)")
}

func TestDedupeErrorReportsEveryRowOfTheClient(t *testing.T) {
	v := newMemVendor(3)
	opt := setup(t, t.TempDir(), dedupeRows(), wrap(v))
	opt.Key = ""
	opt.Dedupe = []DedupeRule{DedupeEmail, DedupePhone}
	opt.Duplicates = DuplicatesError
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	done, failed := checkInvariant(t, s, dedupeRows())
	assert.Len(t, done, 5)
	require.Len(t, failed, 3)
	assert.Contains(t, failed[2][4], "rows 5, 7 below are the same client")
	assert.Contains(t, failed[5][4], "same e-mail as row 2")
	assert.Contains(t, failed[7][4], "no row of this client was sent")
	assert.Equal(t, 3, s.Duplicates)
	assert.NotContains(t, v.emails(), "c1@example.com")
}

func TestDedupeMergeFillsTheFirstRow(t *testing.T) {
	v := newMemVendor(2)
	opt := setup(t, t.TempDir(), dedupeRows(), wrap(v))
	opt.Key = ""
	opt.Dedupe = []DedupeRule{DedupeEmail, DedupePhone}
	opt.Duplicates = DuplicatesMerge
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 6, s.Created)
	assert.Equal(t, 2, s.Merged)
	assert.Equal(t, 8, s.Rows)
	h, rows := readReport(t, s.Reports.Done)
	assert.Equal(t, []string{ColRow, ColStatus, ColID, ColNote, "Name", "Email", "Phone"}, h)
	require.Len(t, rows, 8, "every row is in the done report once")
	byRow := map[string][]string{}
	for _, r := range rows {
		byRow[r[0]] = r
	}
	assert.Equal(t, "created", byRow["2"][1])
	assert.Equal(t, "merged rows 5, 7: took phone from row 5", byRow["2"][3])
	for _, n := range []string{"5", "7"} {
		assert.Equal(t, string(StatusMerged), byRow[n][1])
		assert.Equal(t, byRow["2"][2], byRow[n][2], "a merged row carries its client's id")
		assert.Contains(t, byRow[n][3], "merged into row 2: same ")
	}
	v.mu.Lock()
	stored := v.store[byRow["2"][2]]
	v.mu.Unlock()
	assert.Equal(t, "+48 601 234 567", stored["phone"], "the first row was sent with the phone of row 5")
	assert.Len(t, v.emails(), 6)

	// A failed first row takes its merged rows with it.
	rows2 := dedupeRows()
	rows2[0][0] = "REJECT"
	v2 := newMemVendor(2)
	opt2 := setup(t, t.TempDir(), rows2, wrap(v2))
	opt2.Key, opt2.Dedupe, opt2.Duplicates = "", []DedupeRule{DedupeEmail, DedupePhone}, DuplicatesMerge
	s2, err := Run(t.Context(), opt2)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, errs := readReport(t, s2.Reports.Errors)
	require.Len(t, errs, 3)
	assert.Equal(t, "2", errs[0][3])
	assert.Equal(t, "5", errs[1][3])
	assert.Contains(t, errs[1][4], "row 2, which this row was to be merged into, was not imported")
	assert.Equal(t, 5, s2.Created)
	assert.Equal(t, 3, s2.Failed)
}

// A resumed run finds the same duplicates as a full run: the rows the
// earlier run imported are read again and take their place in the index,
// so a later copy of one is reported against it, never sent.
func TestDedupeResumeMatchesFullRun(t *testing.T) {
	rows := table(40)
	rows[35][1] = "C3@example.com" // row 37: e-mail of row 4, imported before the stop
	rows[36][2] = rows[30][2]      // row 38: phone of row 32, imported after
	for _, pol := range []DuplicatePolicy{DuplicatesFirst, DuplicatesMerge, DuplicatesError} {
		t.Run(string(pol), func(t *testing.T) {
			configure := func(o *Options) {
				o.Key = ""
				o.Dedupe = []DedupeRule{DedupeEmail, DedupePhone}
				o.Duplicates = pol
				o.Workers = 1
			}
			full := newMemVendor(4)
			fo := setup(t, t.TempDir(), rows, wrap(full))
			configure(&fo)
			fs, ferr := Run(t.Context(), fo)

			v := newMemVendor(4)
			opt := setup(t, t.TempDir(), rows, wrap(v))
			configure(&opt)
			ctx, cancel := context.WithCancel(t.Context())
			var cut atomic.Bool
			v.afterEach = func(n int) {
				if n >= 12 && cut.CompareAndSwap(false, true) {
					cancel()
				}
			}
			_, err := Run(ctx, opt)
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, len(v.emails()), 30)
			v.afterEach = nil
			s, err := Run(t.Context(), opt)
			assert.Equal(t, ferr == nil, err == nil)
			assert.Positive(t, s.Resumed)

			assert.Equal(t, fs.Created, s.Created)
			assert.Equal(t, fs.Failed, s.Failed)
			assert.Equal(t, fs.Merged, s.Merged)
			assert.Equal(t, fs.Duplicates, s.Duplicates)
			assert.Equal(t, full.emails(), v.emails(), "the CRM holds the same clients")
			_, fullErrs := readReport(t, fs.Reports.Errors)
			_, errs := readReport(t, s.Reports.Errors)
			assert.Equal(t, fullErrs, errs, "the same rows are reported, with the same reasons")
			fh, fullDone := readReport(t, fs.Reports.Done)
			h, done := readReport(t, s.Reports.Done)
			assert.Equal(t, fh, h)
			require.Len(t, done, len(fullDone))
			for i := range done {
				assert.Equal(t, fullDone[i][1], done[i][1], "row %s", done[i][0])
				if len(h) > 3 && h[3] == ColNote {
					assert.Equal(t, fullDone[i][3], done[i][3])
				}
			}
		})
	}
}

// The duplicate index keeps two row numbers per 64-bit hash, not the
// rows: this measures its heap per row at 10⁶ rows (key and e-mail, the
// default rules; and every rule).
//
//	go test -run '^$' -bench DedupeMemory -benchtime 1x ./importer
func BenchmarkDedupeMemory(b *testing.B) {
	const n = 1_000_000
	for _, rules := range [][]DedupeRule{DefaultDedupe, {DedupeKey, DedupeEmail, DedupePhone, DedupeTaxID}} {
		b.Run(fmt.Sprint(len(rules))+"rules", func(b *testing.B) {
			for b.Loop() {
				d := newDedupe(Options{Key: "uid", Dedupe: rules, DedupeFields: DedupeFields{Email: []string{"email"}, Phone: []string{"phone"}, TaxID: []string{"nip"}}}, nil)
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				rec := crm.Record{}
				for i := range n {
					rec["uid"] = "K-" + strconv.Itoa(i)
					rec["email"] = "klient" + strconv.Itoa(i) + "@firma.pl"
					rec["phone"] = fmt.Sprintf("+48 6%08d", i)
					rec["nip"] = fmt.Sprintf("%010d", 1_000_000_000+i)
					if d.observe(i+2, rec) != nil {
						b.Fatalf("row %d taken for a duplicate", i+2)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/row")
				runtime.KeepAlive(d)
			}
		})
	}
}

// With LookUp, a row whose client the CRM holds is not created again:
// "exists" in create mode, updated in upsert mode (rows without a key
// value are looked up by the rules too).
func TestLookUpBeforeCreating(t *testing.T) {
	for _, mode := range []Mode{ModeCreate, ModeUpsert} {
		t.Run(string(mode), func(t *testing.T) {
			v := newMemVendor(3)
			_, err := v.Create(t.Context(), []crm.Record{{"title": "Old", "email": "c3@example.com"}})
			require.NoError(t, err)
			opt := setup(t, t.TempDir(), table(5), wrap(v))
			opt.Key = ""
			opt.Mode = mode
			if mode == ModeUpsert {
				opt.Key = "uid" // no row has one: found by e-mail
			}
			opt.LookUp = true
			var plan LookUpPlan
			opt.OnLookUpPlan = func(p LookUpPlan) { plan = p }
			s, err := Run(t.Context(), opt)
			require.NoError(t, err)
			assert.Equal(t, LookUpPerRow, plan.Way, "memVendor cannot list")
			assert.Equal(t, 5, plan.Rows)
			assert.Contains(t, plan.Describe("Mem"), "look-ups row by row")
			assert.Equal(t, 4, s.Created)
			if mode == ModeCreate {
				assert.Equal(t, 1, s.Exists)
			} else {
				assert.Equal(t, 1, s.Updated)
			}
			assert.Len(t, v.emails(), 5, "no second copy of c3")
		})
	}
}

// The index's hash is FNV-1a of rule, a 0x1f byte and the value.
func TestDedupeHashIsFNV1a(t *testing.T) {
	d := &dedupe{rules: []DedupeRule{DedupeEmail}, fields: DedupeFields{Email: []string{"email"}}}
	for _, v := range []string{"@", "jan@firma.pl", "zażółć@gęślą.pl"} {
		ks := d.keys(crm.Record{"email": v})
		require.Len(t, ks, 1)
		h := fnv.New64a()
		h.Write([]byte("email\x1f" + v))
		assert.Equal(t, h.Sum64(), ks[0].hash, v)
	}
}

// The shortcuts for canonical values give what the general path gives.
func TestDedupeValueShortcuts(t *testing.T) {
	for _, v := range []string{"+48601000001", "+4860100000", "+1234567", "+123456789012345", "+1234567890123456", "+48 601 000 001", "0048601000001", "+48601000001x"} {
		slow := v
		if rest, ok := strings.CutPrefix(v, "00"); ok {
			slow = "+" + rest
		}
		if strings.HasPrefix(slow, "+") && digitCount(slow) >= 8 && digitCount(slow) <= 15 && strings.Trim(slow[1:], "0123456789 ") == "" {
			slow = "+" + strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, slow)
		} else {
			slow = phoneCanon(slow, []string{"PL"})
		}
		assert.Equal(t, slow, dedupePhone(v, []string{"PL"}), v)
	}
	assert.Equal(t, "123", digitsOnly("1٢2३3"), "only ASCII digits count")
	assert.Equal(t, 3, digitCount("1٢2३3"))
	assert.Equal(t, "5260250274", digitsOnly("5260250274"))
	assert.Equal(t, "", digitsOnly("PL-"))
}

// observe reuses its buffers from row to row: a row with more values
// than the one before, then fewer, each finds what it should.
func TestDedupeObserveReusesBuffers(t *testing.T) {
	d := &dedupe{rules: []DedupeRule{DedupeEmail, DedupeTaxID}, fields: DedupeFields{Email: []string{"email"}, TaxID: []string{"nip"}},
		seen: newSpillIndex(), rootOf: map[int32]int32{}}
	defer d.close()
	assert.Nil(t, d.observe(2, crm.Record{"email": "a@x.pl, b@x.pl; c@x.pl", "nip": "526-025-02-74"}))
	assert.Nil(t, d.observe(3, crm.Record{"email": "d@x.pl"}))
	hit := d.observe(4, crm.Record{"email": "Z@x.pl", "nip": "5260250274"})
	require.NotNil(t, hit)
	assert.Equal(t, dupHit{rule: DedupeTaxID, field: "nip", value: "5260250274", line: 2, root: 2}, *hit)
	hit = d.observe(5, crm.Record{"email": []string{"q@x.pl", "C@X.PL"}})
	require.NotNil(t, hit)
	assert.Equal(t, "c@x.pl", hit.value)
	assert.Equal(t, 2, hit.line)
	assert.Nil(t, d.observe(6, crm.Record{"email": "d@y.pl"}))
	hit = d.observe(7, crm.Record{"email": "z@x.pl"})
	require.NotNil(t, hit)
	assert.Equal(t, 4, hit.line)
	assert.Equal(t, 2, hit.root, "row 4 was a duplicate of row 2")
}

func TestHashIndex(t *testing.T) {
	var h hashIndex
	_, ok := h.get(42)
	assert.False(t, ok)
	for i := range uint64(5000) {
		h.add(i*0x9E3779B97F4A7C15, uint32(i+2)) // i = 0 gives the hash 0
	}
	h.add(0x9E3779B97F4A7C15, 99) // there already: kept
	assert.Equal(t, 5000, h.n)
	for i := range uint64(5000) {
		l, ok := h.get(i * 0x9E3779B97F4A7C15)
		require.True(t, ok, i)
		assert.Equal(t, uint32(i+2), l)
	}
	_, ok = h.get(12345)
	assert.False(t, ok)
	assert.LessOrEqual(t, h.n*4, len(h.keys)*3, "at most 3/4 full")
}

// One later row is "row 6 below is", not "rows 6 below are".
func TestDuplicateMessagesCountRows(t *testing.T) {
	d := &dedupe{}
	assert.True(t, strings.HasPrefix(d.firstMessage([]int32{6}), "row 6 below is the same client: neither row was sent"), d.firstMessage([]int32{6}))
	assert.True(t, strings.HasPrefix(d.firstMessage([]int32{6, 9}), "rows 6, 9 below are the same client"))
	// A front end that names no setting (the web page has none for
	// duplicates) gets advice it can follow, and no flag of another.
	h := &dupHit{rule: DedupeEmail, value: "a@b.pl", line: 2, root: 2}
	assert.Equal(t, "same e-mail as row 2 (a@b.pl): not sent, the client is imported from row 2; remove this row", d.laterMessage(h))
	assert.NotContains(t, d.firstMessage([]int32{6}), "--")
	d.advice = Advice{DuplicatesMerge: "--duplicates merge"}
	assert.Contains(t, d.laterMessage(h), "or import with --duplicates merge to fill row 2's empty cells from it")
	assert.Equal(t, "row 4", rowsList([]int32{4}))
	assert.Equal(t, "rows 4, 7", rowsList([]int32{4, 7}))
}

// mergeRows: row 3 is row 2's client with the phone row 2 lacks.
func mergeRows() [][]string {
	return [][]string{
		{"Client 1", "c1@example.com", ""},
		{"Client 1 bis", "C1@example.com", "+48 600 000 001"},
		{"Client 2", "c2@example.com", "+48 600 000 002"},
	}
}

// mergeSetup is an import of mergeRows into a new memVendor, duplicates
// found by e-mail (policy first until a test sets another).
func mergeSetup(t *testing.T) (*memVendor, Options) {
	t.Helper()
	v := newMemVendor(3)
	opt := setup(t, t.TempDir(), mergeRows(), wrap(v))
	opt.Key = ""
	opt.Dedupe = []DedupeRule{DedupeEmail}
	return v, opt
}

// byStatus reads a done report: each row's status and note.
func byStatus(t *testing.T, path string) map[string][2]string {
	t.Helper()
	h, rows := readReport(t, path)
	note := slices.Index(h, ColNote)
	out := map[string][2]string{}
	for _, r := range rows {
		v := [2]string{r[1], ""}
		if note >= 0 {
			v[1] = r[note]
		}
		out[r[0]] = v
	}
	return out
}

// The later row of a client is reported by a first run (policy first),
// with the advice to import with the merge setting; the run that follows
// it adds the row's values to the client the first run created: an
// update, not a second client, and "merged" only once the values are in
// the CRM. A third run has nothing left to add.
func TestMergeAfterAnEarlierRunUpdatesTheClient(t *testing.T) {
	v, opt := mergeSetup(t)
	opt.Advice = Advice{DuplicatesMerge: "the merge setting"}
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, errs := readReport(t, s.Reports.Errors)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0][len(errs[0])-1], "remove this row, or import with the merge setting to fill row 2's empty cells from it")
	id := v.findLocked(crm.Record{"email": "c1@example.com"})
	require.NotEmpty(t, id)

	opt.Duplicates = DuplicatesMerge
	s, err = Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 1, v.updates, "row 2's client gets row 3's phone")
	assert.Equal(t, 2, s.Resumed)
	assert.Equal(t, 1, s.Merged)
	assert.Len(t, v.store, 2, "no second client")
	assert.Equal(t, "+48 600 000 001", v.store[id]["phone"])
	done := byStatus(t, s.Reports.Done)
	assert.Equal(t, "created", done["2"][0], "created by the first run: undo deletes it")
	assert.Contains(t, done["2"][1], "took phone from row 3 (added to its client by an update)")
	assert.Equal(t, "merged", done["3"][0])

	s, err = Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 1, v.updates, "merged already: nothing sent")
	assert.Equal(t, 2, s.Resumed)
	assert.Equal(t, 1, s.Merged)
	assert.Equal(t, "merged", byStatus(t, s.Reports.Done)["3"][0])
}

// When the update that adds the later row's values fails, the client stays
// as the earlier run left it (row 2 is not imported again: that would
// make a second client), the later row fails saying why, and the next run
// tries the update again.
func TestMergeUpdateThatFailsKeepsTheFirstRow(t *testing.T) {
	v, opt := mergeSetup(t)
	_, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	id := v.findLocked(crm.Record{"email": "c1@example.com"})
	client := v.store[id]
	delete(v.store, id) // the update is refused: "no such client"

	opt.Duplicates = DuplicatesMerge
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, 1, s.Failed)
	assert.Zero(t, s.Merged)
	assert.Equal(t, "created", byStatus(t, s.Reports.Done)["2"][0], "row 2 stays as the first run left it")
	_, errs := readReport(t, s.Reports.Errors)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0][len(errs[0])-1], "adding this row's values to the client of row 2, which an earlier run imported, failed: ")
	assert.Len(t, v.store, 1, "row 2 not created again")

	v.store[id] = client // the CRM is right again
	s, err = Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 2, v.updates, "the refused update, then this one")
	assert.Equal(t, 1, s.Merged)
	assert.Equal(t, "+48 600 000 001", v.store[id]["phone"])
}

// A run stopped while the update that adds the later row's values is on
// its way (the CRM applied it, the answer never came back) leaves the
// journal as the first run left it: the next run sends the update again
// (the same values: nothing doubled) and only then reports the row merged.
func TestMergeUpdateInterruptedIsSentAgain(t *testing.T) {
	v, opt := mergeSetup(t)
	_, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)

	opt.Duplicates = DuplicatesMerge
	ctx, cancel := context.WithCancel(t.Context())
	v.afterUpdate = func() error { cancel(); return context.Canceled } // applied, answer lost
	_, err = Run(ctx, opt)
	require.ErrorIs(t, err, context.Canceled)
	v.afterUpdate = nil

	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 2, v.updates, "sent again")
	assert.Equal(t, 1, s.Merged)
	assert.Len(t, v.store, 2)
	id := v.findLocked(crm.Record{"email": "c1@example.com"})
	assert.Equal(t, "+48 600 000 001", v.store[id]["phone"])
	assert.Equal(t, "merged", byStatus(t, s.Reports.Done)["3"][0])
}
