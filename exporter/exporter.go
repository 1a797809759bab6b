// Package exporter walks every page of a vendor's client list and writes the
// clients, one row each, to a sheet.Sink (XLSX or CSV), streaming: memory
// does not grow with the number of clients.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

// Progress receives events from an export. Implementations must be safe
// for use from the goroutine running Run.
type Progress interface {
	// Page is called after each page with the totals so far.
	Page(pages, rows int)
}

// Reverser turns a record into the row of a mapping's columns (the
// mapping package's Binding or Mapping satisfies it through an adapter).
type Reverser interface {
	Headers() []string
	Reverse(rec crm.Record) []any
}

// Options configures Run.
type Options struct {
	Vendor   crm.Vendor  // the vendor, wrapped with crm/retry for pacing and back-off
	Fields   []crm.Field // the vendor's field catalogue: column order and cell kinds
	Query    crm.ListQuery
	Sink     sheet.Sink
	Mapping  Reverser // optional: the mapping's columns and headers (-m)
	Columns  []string // optional: these fields only, in this order (--fields)
	Progress Progress // optional
	// Enrich, if set, is called for every record before it is written
	// (BaseLinker notes and extra fields: one getCrmClientData call each).
	Enrich func(ctx context.Context, rec crm.Record) (crm.Record, error)
	Now    func() time.Time
}

// Summary is what an export did.
type Summary struct {
	Rows    int           // clients written
	Pages   int           // pages read
	Elapsed time.Duration // wall time
	Columns []string      // the header written
	// LateFields are fields that first appeared after the header was
	// written, so they got no column: an export naming its columns
	// includes them.
	LateFields []string
}

// Run exports every client matching opt.Query.
func Run(ctx context.Context, opt Options) (Summary, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	var sum Summary
	if opt.Vendor == nil || opt.Sink == nil {
		return sum, errors.New("exporter: Vendor and Sink are required")
	}
	if !opt.Vendor.Capabilities().List {
		return sum, fmt.Errorf("%s cannot list clients: %w", opt.Vendor.Name(), crm.ErrUnsupported)
	}
	idField := opt.Vendor.Capabilities().IDField

	// Pages are read one ahead by a goroutine while the current page is
	// written: fetching (network, JSON) and writing (XLSX/CSV) overlap, and
	// at most prefetchPages+2 pages are in memory at once.
	pages, stopFetch := fetchPages(ctx, opt.Vendor, opt.Query)
	defer stopFetch()

	var (
		plan      *columnPlan
		prevIDs   map[string]bool // ids of the previous page: pages that shift repeat rows only across neighbours
		lateKeys  = map[string]bool{}
		headerErr error
	)
	for {
		f, ok := <-pages
		if !ok { // the reader gave up: only when ctx is done
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			return sum, fmt.Errorf("read page %d of %s clients: the page reader stopped", sum.Pages+1, opt.Vendor.Name())
		}
		if f.ctxErr {
			return sum, f.err
		}
		if f.err != nil {
			if errors.Is(f.err, crm.ErrUnsupported) {
				return sum, f.err // the query itself cannot be served (a date filter): say just that
			}
			return sum, fmt.Errorf("read page %d of %s clients: %w", sum.Pages+1, opt.Vendor.Name(), f.err)
		}
		page := f.page
		sum.Pages++
		if plan == nil {
			plan, headerErr = newColumnPlan(opt, page.Records, idField)
			if headerErr != nil {
				return sum, headerErr
			}
			if err := opt.Sink.WriteHeader(plan.columns); err != nil {
				return sum, fmt.Errorf("write the header: %w", err)
			}
			sum.Columns = plan.headers()
		}
		curIDs := make(map[string]bool, len(page.Records))
		for _, rec := range page.Records {
			id := idString(rec[idField])
			if id != "" {
				if prevIDs[id] || curIDs[id] {
					continue // a page shifted by a client added meanwhile: already written
				}
				curIDs[id] = true
			}
			if opt.Enrich != nil {
				full, err := opt.Enrich(ctx, rec)
				if err != nil {
					return sum, fmt.Errorf("read details of client %s: %w", id, err)
				}
				rec = full
			}
			plan.noteLate(rec, lateKeys)
			if err := opt.Sink.WriteRow(plan.row(rec)); err != nil {
				return sum, fmt.Errorf("write client %s: %w", id, err)
			}
			sum.Rows++
		}
		prevIDs = curIDs
		if opt.Progress != nil {
			opt.Progress.Page(sum.Pages, sum.Rows)
		}
		if page.Next == "" {
			break
		}
	}
	if plan == nil { // no page at all cannot happen, but keep the file valid
		plan, _ = newColumnPlan(opt, nil, idField)
		if err := opt.Sink.WriteHeader(plan.columns); err != nil {
			return sum, err
		}
	}
	if len(lateKeys) > 0 {
		sum.LateFields = slices.Sorted(maps.Keys(lateKeys))
	}
	sum.Elapsed = now().Sub(start)
	return sum, nil
}

// prefetchPages is how many pages the reader may hold ready beyond the one
// it is reading and the one being written.
const prefetchPages = 1

// fetched is one page read by fetchPages, or the error that ended the walk.
type fetched struct {
	page   crm.Page
	err    error
	ctxErr bool // err is ctx.Err(), seen before asking for the page
}

// fetchPages walks v's pages in order on a goroutine and sends each on the
// returned channel, which is closed after the last page, after an error, or
// once stop is called. stop cancels the walk and waits for the goroutine,
// so v is not used after it returns.
func fetchPages(ctx context.Context, v crm.Vendor, q crm.ListQuery) (<-chan fetched, func()) {
	fctx, cancel := context.WithCancel(ctx)
	out := make(chan fetched, prefetchPages)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(out)
		send := func(f fetched) bool {
			select {
			case out <- f:
				return true
			case <-fctx.Done():
				return false
			}
		}
		// A panic (a bug) while reading a page ends the export with an
		// error, as a failed page does, instead of crashing the process.
		if err := bug.Catch(func() error {
			cursor := ""
			for {
				if err := ctx.Err(); err != nil {
					send(fetched{err: err, ctxErr: true})
					return nil
				}
				page, err := v.List(fctx, q, cursor)
				if !send(fetched{page: page, err: err}) || err != nil || page.Next == "" {
					return nil
				}
				cursor = page.Next
			}
		}); err != nil {
			send(fetched{err: err})
		}
	}()
	return out, func() {
		cancel()
		wg.Wait()
	}
}

func idString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}
