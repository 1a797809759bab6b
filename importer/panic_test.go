package importer

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

// panickyVendor is memVendor whose Create panics when a batch holds the
// client with e-mail panicOn (a bug in a vendor client, on a worker).
type panickyVendor struct {
	*memVendor
	panicOn string
}

func (v panickyVendor) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	for _, r := range recs {
		if r["email"] == v.panicOn {
			panic("vendor bug on " + v.panicOn)
		}
	}
	return v.memVendor.Create(ctx, recs)
}

// panickyProgress panics when row panicAt finishes (on the writer).
type panickyProgress struct {
	recorder
	panicAt int
}

func (p *panickyProgress) RowDone(row int, res crm.Result) {
	if row == p.panicAt {
		panic(fmt.Sprintf("progress bug at row %d", row))
	}
	p.recorder.RowDone(row, res)
}

// panickyBinder panics on row panicAt (on the reader, as a mapping
// transform with a bug would).
type panickyBinder struct {
	binder
	panicAt int
}

func (b panickyBinder) Apply(row sheet.Row) (crm.Record, error) {
	if row.Line == b.panicAt {
		var m map[string]string
		m["boom"] = "x" // a runtime panic
	}
	return b.binder.Apply(row)
}

// A panic on any goroutine of a run (worker, writer, reader) stops the run
// with a *bug.Error instead of crashing the process; the journal holds the
// rows finished before it, so running again resumes and sends every row
// exactly once.
func TestPanicStopsTheRunAndTheJournalResumes(t *testing.T) {
	const n = 2000
	tests := []struct {
		name   string
		inject func(opt *Options, v *memVendor)
		want   string
		// unread: after a panic on the reader the rest of the file is not
		// read (it could meet the bug again); otherwise it is counted.
		unread bool
	}{
		{"worker", func(opt *Options, v *memVendor) {
			opt.Vendor = wrap(panickyVendor{memVendor: v, panicOn: "c1200@example.com"})
		}, "internal error: vendor bug on c1200@example.com (this is a bug; the journal is saved)", false},
		{"writer", func(opt *Options, _ *memVendor) {
			opt.Progress = &panickyProgress{panicAt: 1201}
		}, "internal error: progress bug at row 1201 (this is a bug; the journal is saved)", false},
		{"reader", func(opt *Options, _ *memVendor) {
			opt.Bind = func(h []string) (Binder, error) { return panickyBinder{binder: binder{header: h}, panicAt: 1201}, nil }
		}, "internal error: assignment to entry in nil map (this is a bug; the journal is saved)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := table(n)
			v := newMemVendor(10)
			dir := t.TempDir()
			opt := setup(t, dir, rows, wrap(v))
			tt.inject(&opt, v)
			s, err := runWithin(t, opt)
			var be *bug.Error
			require.ErrorAs(t, err, &be)
			assert.Equal(t, tt.want, err.Error())
			assert.NotEmpty(t, be.Stack)
			assert.Less(t, len(v.emails()), n, "the run stopped")
			assert.Positive(t, s.NotProcessed)
			assert.Equal(t, tt.unread, s.RestUnread)
			if !tt.unread {
				assert.Equal(t, n, s.Rows, "the rest of the file is counted")
			}

			opt = setup(t, dir, rows, wrap(v))
			s, err = runWithin(t, opt)
			require.NoError(t, err)
			assert.Positive(t, s.Resumed, "rows finished before the panic are in the journal")
			checkInvariant(t, s, rows)
			got := v.emails()
			assert.Len(t, got, n)
			for e, k := range got {
				assert.Equal(t, 1, k, e)
			}
		})
	}
}

// A panic in a dry run (mapping ahead on its own goroutine) is an error too.
func TestPanicInADryRun(t *testing.T) {
	opt := setup(t, t.TempDir(), table(50), wrap(newMemVendor(10)))
	opt.DryRun = true
	opt.Bind = func(h []string) (Binder, error) { return panickyBinder{binder: binder{header: h}, panicAt: 20}, nil }
	_, err := runWithin(t, opt)
	var be *bug.Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "internal error: assignment to entry in nil map (this is a bug)", err.Error(), "a dry run has no journal to mention")
}
