package importer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallLimit bounds one run of the stall tests. It is not a performance
// assertion: each run takes well under a second; a run that stalls (the
// bug these tests guard against) would otherwise hang the whole suite.
const stallLimit = 2 * time.Minute

// runWithin runs opt with stallLimit and fails with a clear message if the
// run has not finished by then.
func runWithin(t *testing.T, opt Options) (Summary, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), stallLimit)
	defer cancel()
	s, err := Run(ctx, opt)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the import stalled: not finished after %s (%d rows read): %v", stallLimit, s.Rows, err)
	}
	return s, err
}

// rowKind is what a generated row needs from the pipeline.
type rowKind byte

const (
	kindSend    rowKind = 's' // valid: sent to the vendor
	kindReject  rowKind = 'r' // valid, but the vendor refuses it
	kindBlank   rowKind = 'b' // blank: skipped, never sent
	kindInvalid rowKind = 'i' // fails validation when read, never sent
)

// mixedRows builds one row per kind; every row has its own e-mail.
func mixedRows(kinds []rowKind) [][]string {
	rows := table(len(kinds))
	for i, k := range kinds {
		switch k {
		case kindReject:
			rows[i][0] = "REJECT"
		case kindBlank:
			rows[i] = []string{"", "", ""}
		case kindInvalid:
			rows[i][1] = fmt.Sprintf("c%d-at-example.com", i+1)
		}
	}
	return rows
}

// kinds draws n row kinds with the given weights from a fixed seed.
func kinds(n int, seed uint64, weights map[rowKind]int) []rowKind {
	rnd := rand.New(rand.NewPCG(seed, 11))
	total := 0
	for _, w := range weights {
		total += w
	}
	out := make([]rowKind, n)
	for i := range out {
		x := rnd.IntN(total)
		for _, k := range []rowKind{kindSend, kindReject, kindBlank, kindInvalid} {
			if x < weights[k] {
				out[i] = k
				break
			}
			x -= weights[k]
		}
	}
	return out
}

// assertSentOnce checks that every row the vendor accepts is stored once.
func assertSentOnce(t *testing.T, v *memVendor, rows [][]string, ks []rowKind) {
	t.Helper()
	got := v.emails()
	want := 0
	for i, k := range ks {
		if k == kindSend {
			want++
			assert.Equal(t, 1, got[rows[i][1]], "row %d", i+2)
		}
	}
	assert.Len(t, got, want)
}

// Rows that need no sending (blank, invalid) used to fill the ordered
// buffer while a partial batch waited for more rows to send: the writer
// waited for that batch's oldest row and the reader for room in the
// buffer, forever. No mix may stall, whatever the sizes.
func TestNoMixOfRowsStalls(t *testing.T) {
	sizes := []struct{ batch, workers int }{{1, 1}, {7, 3}, {100, 2}, {100, 8}}
	mixes := []struct {
		name  string
		kinds func(n int) []rowKind
	}{
		{"one row to send, then rows that fail validation", func(n int) []rowKind {
			ks := make([]rowKind, n)
			for i := range ks {
				ks[i] = kindInvalid
			}
			ks[0] = kindSend
			return ks
		}},
		{"one row to send, then blank rows, then one more", func(n int) []rowKind {
			ks := make([]rowKind, n)
			for i := range ks {
				ks[i] = kindBlank
			}
			ks[0], ks[n-1] = kindSend, kindSend
			return ks
		}},
		{"a few rows to send among blank and invalid ones", func(n int) []rowKind {
			return kinds(n, 1, map[rowKind]int{kindSend: 2, kindReject: 1, kindBlank: 300, kindInvalid: 700})
		}},
		{"rows to send in runs between long stretches of others", func(n int) []rowKind {
			return kinds(n, 2, map[rowKind]int{kindSend: 30, kindBlank: 200, kindInvalid: 770})
		}},
	}
	for _, sz := range sizes {
		for _, mix := range mixes {
			t.Run(fmt.Sprintf("batch %d workers %d/%s", sz.batch, sz.workers, mix.name), func(t *testing.T) {
				t.Parallel()
				n := 3*orderedBuffer(sz.batch, sz.workers) + 5
				ks := mix.kinds(n)
				rows := mixedRows(ks)
				v := newMemVendor(sz.batch)
				opt := setup(t, t.TempDir(), rows, wrap(v))
				opt.Workers = sz.workers
				s, err := runWithin(t, opt)
				if err != nil {
					require.ErrorIs(t, err, ErrSomeRowsFailed)
				}
				checkInvariant(t, s, rows)
				assertSentOnce(t, v, rows, ks)
			})
		}
	}
}

// firstRunFails imports rows, some of which fail, into a new memVendor and
// returns it, the report folder and the options of the run.
func firstRunFails(t *testing.T, rows [][]string, batch, workers int) (*memVendor, string, Options) {
	t.Helper()
	v := newMemVendor(batch)
	dir := t.TempDir()
	opt := setup(t, dir, rows, wrap(v))
	opt.Workers = workers
	_, err := runWithin(t, opt)
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	return v, dir, opt
}

// Running again after some rows failed: the rows the journal says are done
// need no sending and used to stall the run as above. Both the plain
// re-run (rows the vendor refused are tried again) and --resume-changed
// after fixing the rows in the file must finish, sending each row once.
func TestRerunAfterFailedRowsDoesNotStall(t *testing.T) {
	sizes := []struct{ batch, workers int }{{1, 1}, {7, 3}, {100, 2}, {100, 8}}
	for _, sz := range sizes {
		n := 3*orderedBuffer(sz.batch, sz.workers) + 5
		t.Run(fmt.Sprintf("batch %d workers %d/rerun after row 2 was refused", sz.batch, sz.workers), func(t *testing.T) {
			t.Parallel()
			ks := make([]rowKind, n)
			for i := range ks {
				ks[i] = kindSend
			}
			ks[0] = kindReject
			rows := mixedRows(ks)
			v, _, opt := firstRunFails(t, rows, sz.batch, sz.workers)

			s, err := runWithin(t, opt)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			assert.Equal(t, n-1, s.Resumed)
			assert.Equal(t, 1, s.Failed)
			checkInvariant(t, s, rows)
			assertSentOnce(t, v, rows, ks)
		})
		t.Run(fmt.Sprintf("batch %d workers %d/resume-changed after fixing scattered rows", sz.batch, sz.workers), func(t *testing.T) {
			t.Parallel()
			ks := kinds(n, 3, map[rowKind]int{kindSend: 995, kindInvalid: 3, kindBlank: 2})
			ks[0] = kindInvalid
			rows := mixedRows(ks)
			v, dir, _ := firstRunFails(t, rows, sz.batch, sz.workers)

			fixed := make([]rowKind, n)
			for i, k := range ks {
				fixed[i] = k
				if k == kindInvalid {
					fixed[i] = kindSend
				}
			}
			rows = mixedRows(fixed)
			opt := setup(t, dir, rows, wrap(v))
			opt.Workers = sz.workers
			opt.ResumeChanged = true
			s, err := runWithin(t, opt)
			require.NoError(t, err)
			assert.True(t, s.InputChanged)
			checkInvariant(t, s, rows)
			assertSentOnce(t, v, rows, fixed)
		})
	}
}
