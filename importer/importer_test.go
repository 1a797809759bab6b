package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

func TestRunCreateWithBadRows(t *testing.T) {
	rows := table(30)
	rows[3][1] = "no-at-sign"       // row 5: validation
	rows[10] = []string{"", "", ""} // row 12: blank
	rows[14][0] = "POISON"          // row 16: whole batch fails, bisected
	rows[20][0] = "REJECT"          // row 22: vendor rejects the record
	rows[25][1] = rows[24][1]       // row 27: same key as row 26
	rows[28][1] = "c1@example.com"  // row 30: duplicate of row 2 (key check)
	v := newMemVendor(8)
	opt := setup(t, t.TempDir(), rows, wrap(v))
	rec := &recorder{}
	opt.Progress = rec
	opt.CountRows = true

	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, failed := checkInvariant(t, s, rows)

	assert.Equal(t, 24, s.Created)
	assert.Equal(t, 5, s.Failed)
	assert.Equal(t, 1, s.Skipped)
	require.Contains(t, failed, 5)
	assert.Equal(t, `column "Email": "no-at-sign" is not an e-mail address`, failed[5][4])
	assert.Contains(t, failed[16][4], "internal server error")
	assert.Equal(t, "POISON", failed[16][0])
	assert.Contains(t, failed[22][4], "title REJECT is not allowed")
	assert.Contains(t, failed[27][4], "same key (email) as row 26 (c25@example.com)")
	assert.Contains(t, failed[30][4], "same key (email) as row 2 (c1@example.com)")
	for e, n := range v.emails() {
		assert.Equal(t, 1, n, e)
	}
	assert.Len(t, v.emails(), 24)
	assert.Equal(t, int64(30), rec.total)
	assert.Len(t, rec.rows, 30)
	for i, r := range rec.rows {
		assert.Equal(t, i+2, r, "progress rows in input order")
	}
	require.NotNil(t, rec.final)
	assert.Equal(t, s.Failed, rec.final.Failed)
	assert.FileExists(t, s.Reports.Journal)
	assert.NoFileExists(t, partPath(s.Reports.Done))
}

func TestRunAllGoodWritesNoErrorReport(t *testing.T) {
	rows := table(7)
	dir := t.TempDir()
	stale := filepath.Join(dir, "contacts.csv.mem.errors.csv")
	require.NoError(t, os.WriteFile(stale, []byte("old"), 0o644))
	v := newMemVendor(3)
	opt := setup(t, dir, rows, wrap(v))
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 7, s.Created)
	assert.Empty(t, s.Reports.Errors)
	assert.NoFileExists(t, stale, "a stale error report of an earlier run is removed")
	checkInvariant(t, s, rows)
	assert.Equal(t, filepath.Join(dir, "contacts.csv.mem.done.csv"), s.Reports.Done)
	assert.Equal(t, filepath.Join(dir, "contacts.csv.mem.journal"), s.Reports.Journal)
}

func TestRunDuplicateCountsAsExists(t *testing.T) {
	rows := table(5)
	v := newMemVendor(5)
	_, _, err := v.Find(t.Context(), crm.Record{"email": "x"})
	require.ErrorIs(t, err, crm.ErrNotFound)
	_, err = v.Create(t.Context(), []crm.Record{{"title": "Old", "email": "c3@example.com"}})
	require.NoError(t, err)
	opt := setup(t, t.TempDir(), rows, wrap(v))
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 4, s.Created)
	assert.Equal(t, 1, s.Exists)
	done, _ := checkInvariant(t, s, rows)
	assert.Equal(t, []string{"4", "exists", "1"}, done[4][:3])
}

func TestRunAmbiguousResolvedByLookup(t *testing.T) {
	rows := table(12)
	v := newMemVendor(4)
	v.lostNext = 2 // the decorator looks the records up
	opt := setup(t, t.TempDir(), rows, wrap(v))
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 12, s.Created)
	for e, n := range v.emails() {
		assert.Equal(t, 1, n, e)
	}
	assert.Equal(t, 12, v.creates)
}

func TestRunAmbiguousWithoutFinderIsNeverResent(t *testing.T) {
	rows := table(6)
	v := newMemVendor(3)
	v.lostNext = 1
	opt := setup(t, t.TempDir(), rows, wrap(noFinderVendor{v}))
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, failed := checkInvariant(t, s, rows)
	assert.Equal(t, 3, s.Failed)
	// Workers send batches concurrently: whichever batch arrives first is
	// the one whose answer is lost, so any three rows may be it.
	require.Len(t, failed, 3)
	for line, row := range failed {
		assert.Contains(t, row[4], "sent, but the CRM's answer was lost", "row %d", line)
		assert.Contains(t, row[4], "check in the CRM whether the client is there", "row %d: this vendor cannot look it up", line)
	}
	assert.Equal(t, 6, v.creates, "the lost batch was applied once and not resent")
}

func TestRunFaultsEveryRowExactlyOnce(t *testing.T) {
	rows := table(200)
	v := newMemVendor(10)
	v.faultRate = 0.2
	opt := setup(t, t.TempDir(), rows, wrap(v))
	opt.Workers = 4
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 200, s.Created)
	em := v.emails()
	assert.Len(t, em, 200)
	for e, n := range em {
		assert.Equal(t, 1, n, e)
	}
	checkInvariant(t, s, rows)
}

func TestRunFatalStops(t *testing.T) {
	rows := table(10)
	v := newMemVendor(5)
	v.fatalNext = true
	opt := setup(t, t.TempDir(), rows, wrap(v))
	s, err := Run(t.Context(), opt)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, crm.KindFatal, crm.KindOf(err))
	assert.Contains(t, err.Error(), "wrong api key")
	assert.FileExists(t, s.Reports.Journal)
	assert.Equal(t, 10, s.Rows, "the rest of the file is counted")
	assert.Equal(t, 10, s.NotProcessed, "no row was finished")
	assert.False(t, s.RestUnread)
}

func TestRunInterruptAndResume(t *testing.T) {
	rows := table(60)
	rows[7][1] = "bad"
	v := newMemVendor(5)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	var cut atomic.Bool
	v.afterEach = func(n int) {
		if n >= 20 && cut.CompareAndSwap(false, true) {
			cancel() // Ctrl-C while batches are in flight
		}
	}
	v.lostNext = 0
	opt := setup(t, dir, rows, wrap(v))
	opt.Workers = 3
	s1, err := Run(ctx, opt)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "journal")
	require.FileExists(t, s1.Reports.Journal)
	before := len(v.emails())
	require.Less(t, before, 59)
	assert.True(t, s1.RestUnread, "after Ctrl-C the rest of the file is not read")
	// Rows read but not sent are NotProcessed; there may be none, when the
	// batches in flight were answered before the cancel reached them (1 in
	// ~300 runs on a busy machine): the unread rest is then what is left.
	assert.Equal(t, s1.Rows, s1.Created+s1.Failed+s1.NotProcessed, "every row read is counted once")

	v.afterEach = nil
	s2, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	checkInvariant(t, s2, rows)
	em := v.emails()
	assert.Len(t, em, 59)
	for e, n := range em {
		assert.Equal(t, 1, n, e)
	}
	assert.Positive(t, s2.Resumed)
	assert.Equal(t, 59, s2.Created)
	assert.Equal(t, 1, s2.Failed)

	// A third run sends nothing and still reports the whole file.
	calls := v.calls
	s3, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, calls, v.calls)
	assert.Equal(t, 59, s3.Resumed)
	checkInvariant(t, s3, rows)
}

func TestRunInFlightRowsAreLookedUpOnResume(t *testing.T) {
	rows := table(10)
	v := newMemVendor(10)
	opt := setup(t, t.TempDir(), rows, noFinderVendor{v})
	// The first run dies after the batch was applied but before its answer:
	// the vendor has no finder here, and the ctx is cancelled inside Create.
	ctx, cancel := context.WithCancel(t.Context())
	v.afterEach = func(int) { cancel() }
	_, err := Run(ctx, opt)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, v.emails(), 10)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(opt.Input), "contacts.csv.mem.journal"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"inflight":[2,3,4,5,6,7,8,9,10,11]`)

	v.afterEach = nil
	opt.Vendor = wrap(v) // now with Find: in-flight rows are looked up, not resent
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 10, s.Created)
	assert.Equal(t, 10, v.creates)
	done, _ := checkInvariant(t, s, rows)
	assert.Equal(t, "created", done[2][1])
	assert.NotEmpty(t, done[2][2])
}

func TestRunJournalMismatchAndRestart(t *testing.T) {
	rows := table(4)
	v := newMemVendor(4)
	dir := t.TempDir()
	opt := setup(t, dir, rows, wrap(v))
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(opt.Input, []byte("Name;Email;Phone\nother;x@y.pl;1\n"), 0o644))
	_, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrJournalMismatch)
	var je *JournalError
	require.ErrorAs(t, err, &je)
	assert.Contains(t, []JournalProblem{JournalOtherInput, JournalChanged}, je.Problem)

	opt.Restart = true
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 4, s.Exists, "restart sends again; the CRM already has them")
	assert.FileExists(t, filepath.Join(dir, "contacts.csv.mem.1.journal"), "the earlier journal is kept as a numbered copy")
	assert.FileExists(t, filepath.Join(dir, "contacts.csv.mem.done.1.csv"), "the earlier done report is kept as a numbered copy")
}

func TestRunMappingChangeRefused(t *testing.T) {
	rows := table(3)
	dir := t.TempDir()
	m := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(m, []byte("vendor: mem\n"), 0o644))
	opt := setup(t, dir, rows, wrap(newMemVendor(3)))
	opt.MappingFile = m
	_, err := Run(t.Context(), opt)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(m, []byte("vendor: mem\nkey: email\n"), 0o644))
	_, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrJournalMismatch)
	assert.Contains(t, err.Error(), "mapping")
	var je *JournalError
	require.ErrorAs(t, err, &je)
	assert.Equal(t, JournalChanged, je.Problem)
	assert.True(t, je.MappingChanged)
	assert.Equal(t, 3, je.Imported)
}

func TestRunUpsert(t *testing.T) {
	rows := table(6)
	v := newMemVendor(3)
	// c1 equal (e-mail case and phone punctuation differ), c2 changed title, c3 changed phone.
	for _, r := range []crm.Record{
		{"title": "Client 1", "email": "C1@Example.com", "phone": "+48600000001"},
		{"title": "Old name", "email": "c2@example.com", "phone": "+48 600 000 002"},
		{"title": "Client 3", "email": "c3@example.com", "phone": "+48 600 000 999"},
	} {
		_, err := v.Create(t.Context(), []crm.Record{r})
		require.NoError(t, err)
	}
	opt := setup(t, t.TempDir(), rows, wrap(v))
	opt.Mode = ModeUpsert
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Unchanged)
	assert.Equal(t, 2, s.Updated)
	assert.Equal(t, 3, s.Created)
	done, _ := checkInvariant(t, s, rows)
	assert.Equal(t, []string{"2", "unchanged", "1"}, done[2][:3])
	assert.Equal(t, []string{"3", "updated", "2"}, done[3][:3])
	v.mu.Lock()
	assert.Equal(t, "Client 2", v.store["2"]["title"])
	v.mu.Unlock()
}

func TestRunUpsertNeedsKeyAndFinder(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"no key", func(o *Options) { o.Key = "" }, "needs a key"},
		{"no finder", func(o *Options) { o.Vendor = noFinderVendor{newMemVendor(1)} }, "cannot look clients up"},
		{"bad mode", func(o *Options) { o.Mode = "merge" }, `unknown mode "merge"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := setup(t, t.TempDir(), table(1), wrap(newMemVendor(1)))
			opt.Mode = ModeUpsert
			tt.mod(&opt)
			_, err := Run(t.Context(), opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRunDryRun(t *testing.T) {
	rows := table(10)
	rows[2][1] = "bad"
	rows[6][1] = rows[5][1]
	v := newMemVendor(5)
	opt := setup(t, t.TempDir(), rows, v)
	opt.DryRun = true
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.True(t, s.DryRun)
	assert.Equal(t, 8, s.Created)
	assert.Equal(t, 2, s.Failed)
	assert.Zero(t, v.calls, "a dry run sends nothing")
	assert.Empty(t, s.Reports.Journal)
	assert.Empty(t, s.Reports.Done)
	assert.NoFileExists(t, filepath.Join(filepath.Dir(opt.Input), "contacts.csv.mem.journal"))
	_, errs := readReport(t, s.Reports.Errors)
	require.Len(t, errs, 2)
	assert.Equal(t, "4", errs[0][3])
	assert.Equal(t, "8", errs[1][3])
}

func TestRunMaxErrors(t *testing.T) {
	tests := []struct {
		name      string
		max       MaxErrors
		bad       func(i int) bool
		wantStop  bool
		maxFailed int
	}{
		{"count exceeded", MaxErrors{Count: 3}, func(i int) bool { return i%2 == 0 }, true, 4},
		{"count not exceeded", MaxErrors{Count: 3}, func(i int) bool { return i < 3 }, false, 3},
		{"percent exceeded after the sample", MaxErrors{Percent: 10}, func(i int) bool { return i%3 == 0 }, true, 40},
		{"percent not exceeded", MaxErrors{Percent: 50}, func(i int) bool { return i%3 == 0 }, false, 34},
		{"percent waits for the sample", MaxErrors{Percent: 10}, func(i int) bool { return i < 2 }, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := table(100)
			for i := range rows {
				if tt.bad(i) {
					rows[i][1] = "broken"
				}
			}
			v := newMemVendor(5)
			opt := setup(t, t.TempDir(), rows, wrap(v))
			opt.MaxErrors = tt.max
			opt.MappingFile = filepath.Join(filepath.Dir(opt.Input), "my mapping.yaml")
			require.NoError(t, os.WriteFile(opt.MappingFile, []byte("vendor: mem\n"), 0o644))
			s, err := Run(t.Context(), opt)
			if tt.wantStop {
				require.ErrorIs(t, err, ErrTooManyErrors)
				assert.Contains(t, err.Error(), "the mapping or the data is probably wrong")
				assert.Contains(t, err.Error(), `row 2, column "Email": "broken" is not an e-mail address`)
				var tm *TooManyErrorsError
				require.ErrorAs(t, err, &tm)
				assert.Equal(t, tt.max, tm.Limit)
				assert.Positive(t, tm.Failed)
				assert.NotEmpty(t, tm.First)
				assert.NotContains(t, err.Error(), "--", "the front end words the advice")
				assert.Equal(t, 100, s.Rows, "the rest of the file is counted")
				assert.Positive(t, s.NotProcessed)
				assert.False(t, s.RestUnread)
				assert.Equal(t, 100, s.Created+s.Failed+s.NotProcessed, "every row is done, failed or not processed")
				assert.LessOrEqual(t, s.Failed, tt.maxFailed)
				assert.FileExists(t, s.Reports.Journal)
				return
			}
			assert.Zero(t, s.NotProcessed)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			assert.NotErrorIs(t, err, ErrTooManyErrors)
			assert.Equal(t, 100, s.Rows)
			assert.Equal(t, tt.maxFailed, s.Failed)
		})
	}
}

func TestParseMaxErrors(t *testing.T) {
	tests := []struct {
		in      string
		want    MaxErrors
		wantErr string
	}{
		{"", MaxErrors{}, ""},
		{"0", MaxErrors{}, ""},
		{"10", MaxErrors{Count: 10}, ""},
		{"5%", MaxErrors{Percent: 5}, ""},
		{"2,5%", MaxErrors{Percent: 2.5}, ""},
		{"150%", MaxErrors{}, "between 0% and 100%"},
		{"-1", MaxErrors{}, "a number of rows"},
		{"ten", MaxErrors{}, "a number of rows"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMaxErrors(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if tt.in != "" && tt.in != "0" {
				assert.Equal(t, strings.ReplaceAll(tt.in, ",", "."), got.String())
			}
		})
	}
}

func TestReadJournalIgnoresTruncatedLastLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j")
	h := journalHeader{Journal: "crmport", Version: JournalVersion, Input: Fingerprint{SHA256: "a", Size: 1}, Vendor: "mem"}
	j, err := openJournal(path, h, true, time.Now)
	require.NoError(t, err)
	require.NoError(t, j.inFlight([]int{2, 3}))
	require.NoError(t, j.finished([]journalLine{{Row: 2, Status: crm.StatusCreated, ID: "7"}}))
	require.NoError(t, j.close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"row":3,"stat`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	got, err := readJournal(path, h)
	require.NoError(t, err)
	assert.Equal(t, map[int]prior{2: {status: crm.StatusCreated, id: "7"}, 3: {inflight: true}}, got)

	_, err = readJournal(filepath.Join(dir, "missing"), h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("not json\n"), 0o644))
	_, err = readJournal(path, h)
	assert.True(t, errors.Is(err, ErrJournalMismatch))
}

func TestCanon(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		same bool
	}{
		{"e-mail case", "Jan@Firma.PL", " jan@firma.pl ", true},
		{"phone punctuation", "+48 600-000-001", "+48600000001", true},
		{"list order", []string{"a@x.pl", "b@x.pl"}, "b@x.pl, a@x.pl", true},
		{"text case matters", "Kowalski", "kowalski", false},
		{"different", "Jan", "Janusz", false},
		{"number", float64(12.5), "12.5", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.same, canon("f", tt.a, nil) == canon("f", tt.b, nil))
		})
	}
}

func TestRunRowWithMoreCellsThanHeaders(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
		want  string
	}{
		{"two cells", []string{"EXTRA", "MORE"}, `row 4 has 2 more cells than there are headers ("EXTRA", "MORE"): add headers for them or remove them`},
		{"one cell", []string{"x"}, `row 4 has 1 more cell than there are headers ("x"): add a header for it or remove it`},
		{"many cells", []string{"a", "b", "c", "d", "e", "f"}, `row 4 has 6 more cells than there are headers ("a", "b", "c", "d", and 2 more)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := table(5)
			rows[2] = append(rows[2], tt.extra...)
			v := newMemVendor(5)
			opt := setup(t, t.TempDir(), rows, wrap(v))
			s, err := Run(t.Context(), opt)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			assert.Equal(t, 4, s.Created)
			assert.Equal(t, 1, s.Failed)
			assert.NotContains(t, v.emails(), "c3@example.com", "the row is not sent without its extra cells")
			_, errs := readReport(t, s.Reports.Errors)
			require.Len(t, errs, 1)
			assert.Equal(t, "4", errs[0][3])
			assert.Contains(t, errs[0][4], tt.want)
		})
	}
}

func TestRunJournalStartedUsesTheClock(t *testing.T) {
	clock := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	opt := setup(t, t.TempDir(), table(3), wrap(newMemVendor(5)))
	opt.Now = func() time.Time { return clock }
	s, err := Run(t.Context(), opt)
	require.NoError(t, err)
	data, err := os.ReadFile(s.Reports.Journal)
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(data), "\n")
	assert.Contains(t, first, `"started":"2026-03-04T05:06:07Z"`)
}

// A user fixes the bad cells of the file after a run and resumes with
// ResumeChanged: imported rows whose content is unchanged are skipped, the
// fixed rows are sent, and an imported row edited since fails with a
// message instead of being sent twice.
func TestRunResumeChangedInput(t *testing.T) {
	rows := table(6)
	rows[2][1] = "bad"  // row 4
	rows[4][1] = "bad2" // row 6
	v := newMemVendor(3)
	dir := t.TempDir()
	opt := setup(t, dir, rows, wrap(v))
	s, err := Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	require.Equal(t, 4, s.Created)

	fixed := table(6)
	fixed[1][0] = "Client 2 renamed" // row 3: imported, edited since
	opt = setup(t, dir, fixed, wrap(v))
	_, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrJournalMismatch)
	var je *JournalError
	require.ErrorAs(t, err, &je)
	assert.Equal(t, JournalChanged, je.Problem)
	assert.True(t, je.InputChanged)
	assert.Equal(t, 4, je.Imported)
	assert.Contains(t, err.Error(), "imported 4 rows")
	assert.NotContains(t, err.Error(), "--", "the front end words the advice")

	opt.ResumeChanged = true
	s, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, failed := checkInvariant(t, s, fixed)
	assert.True(t, s.InputChanged)
	assert.Equal(t, 3, s.Resumed, "rows 2, 5, 7 are unchanged and skipped")
	assert.Equal(t, 5, s.Created)
	assert.Equal(t, 1, s.Failed)
	require.Contains(t, failed, 3)
	assert.Regexp(t, `^this row was imported by an earlier run \(id \d+\) but has changed since, or rows above it were added or removed; check it in the CRM, or import it on its own$`, failed[3][4])
	assert.Equal(t, 6, v.creates, "4 + the 2 fixed rows: nothing sent twice")
	for e, n := range v.emails() {
		assert.Equal(t, 1, n, e)
	}

	// The journal now names the fixed file: a plain run resumes quietly and
	// the edited row keeps failing rather than being sent.
	opt.ResumeChanged = false
	s, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.False(t, s.InputChanged)
	assert.Equal(t, 5, s.Resumed)
	assert.Equal(t, 1, s.Failed)
	assert.Equal(t, 6, v.creates)
}

// Rows inserted above imported ones move them: the moved rows are not sent
// again, they fail with the message; rows never imported are sent.
func TestRunResumeChangedInputRowsMoved(t *testing.T) {
	rows := table(4)
	rows[3][1] = "bad" // row 5: failed
	v := newMemVendor(2)
	dir := t.TempDir()
	s, err := Run(t.Context(), setup(t, dir, rows, wrap(v)))
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	require.Equal(t, 3, s.Created)

	moved := append([][]string{{"", "", ""}}, table(4)...) // a blank row above: everything moves down
	opt := setup(t, dir, moved, wrap(v))
	opt.ResumeChanged = true
	s, err = Run(t.Context(), opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	_, failed := checkInvariant(t, s, moved)
	for _, line := range []int{3, 4, 5} {
		require.Contains(t, failed, line)
		assert.Contains(t, failed[line][4], "rows above it were added or removed")
	}
	assert.Equal(t, 1, s.Created, "the fixed row 6 (row 5 before) is sent")
	assert.Equal(t, 4, v.creates)
	for e, n := range v.emails() {
		assert.Equal(t, 1, n, e)
	}
}

func TestRowHash(t *testing.T) {
	cells := func(s ...string) []sheet.Cell {
		out := make([]sheet.Cell, len(s))
		for i, x := range s {
			out[i] = sheet.Cell{Text: x}
		}
		return out
	}
	tests := []struct {
		name string
		a, b []sheet.Cell
		keep []int
		same bool
	}{
		{"equal", cells("a", "b"), cells("a", "b"), nil, true},
		{"spaces and trailing empty cells", cells(" a", "b", ""), cells("a", "b "), nil, true},
		{"changed cell", cells("a", "b"), cells("a", "c"), nil, false},
		{"cells not joined ambiguously", cells("ab", ""), cells("a", "b"), nil, false},
		{"report columns left out", cells("a", "row 5"), cells("a", "row 9"), []int{0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.same, rowHash(tt.a, tt.keep) == rowHash(tt.b, tt.keep))
		})
	}
}

// An unedited export imported with upsert must come back "unchanged": the
// CRM formats phones and names countries, the file holds E.164 and codes.
func TestSameValuesIgnoresFormatting(t *testing.T) {
	types := map[string]crm.FieldType{"phone_number": crm.TypePhone, "kraj": crm.TypeCountry}
	tests := []struct {
		name         string
		field        string
		ours, stored any
		types        map[string]crm.FieldType
		same         bool
	}{
		{"phone formatted by the CRM", "phone_number", "+74951004447", "+7 495 100-44-47", types, true},
		{"phone list", "phone_number", []string{"+74951004447"}, []any{"+7 495 100-44-47"}, types, true},
		{"phone 00 prefix", "phone", "0048601234567", "+48 601 234 567", nil, true},
		{"phone russian trunk 8", "phone_number", "+74951004447", "8 (495) 100-44-47", types, true},
		{"phone without country code", "phone_number", "+48601234567", "601 234 567", types, true},
		{"other phone", "phone_number", "+48601234567", "+48 601 234 568", types, false},
		{"country name vs code (pl)", "country", "PL", "Polska", nil, true},
		{"country name vs code (ru)", "country", "RU", "Россия", nil, true},
		{"country code field", "billing_country_code", "ru", "RU", nil, true},
		{"country by catalogue type", "kraj", "PL", "Poland", types, true},
		{"other country", "country", "PL", "Россия", nil, false},
		{"e-mail case and spaces", "email", " Jan@Firma.PL", "jan@firma.pl", nil, true},
		{"text differs", "surname", "Nowak", "Kowalski", nil, false},
		{"field not returned by the vendor", "notes", "call on Monday", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sameValues(crm.Record{tt.field: tt.ours}, crm.Record{tt.field: tt.stored}, nil, nil, tt.types, func(string) string { return "PL" })
			assert.Equal(t, tt.same, got)
		})
	}
}
