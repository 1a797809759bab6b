// Package exporter walks every page of a vendor's client list and writes the
// clients, one row each, to a sheet.Sink (XLSX or CSV), streaming: memory
// does not grow with the number of clients.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
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
	Rows     int           // clients written
	Pages    int           // pages read
	Elapsed  time.Duration // wall time
	Columns  []string      // the header written
	Warnings []string      // things a person should know (fields seen too late to get a column)
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

	var (
		plan      *columnPlan
		cursor    string
		prevIDs   map[string]bool // ids of the previous page: pages that shift repeat rows only across neighbours
		lateKeys  = map[string]bool{}
		headerErr error
	)
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		page, err := opt.Vendor.List(ctx, opt.Query, cursor)
		if err != nil {
			return sum, fmt.Errorf("read page %d of %s clients: %w", sum.Pages+1, opt.Vendor.Name(), err)
		}
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
		cursor = page.Next
	}
	if plan == nil { // no page at all cannot happen, but keep the file valid
		plan, _ = newColumnPlan(opt, nil, idField)
		if err := opt.Sink.WriteHeader(plan.columns); err != nil {
			return sum, err
		}
	}
	if len(lateKeys) > 0 {
		keys := make([]string, 0, len(lateKeys))
		for k := range lateKeys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sum.Warnings = append(sum.Warnings, fmt.Sprintf(
			"some clients have fields that got no column (%s): export again with --fields to include them",
			strings.Join(keys, ", ")))
	}
	sum.Elapsed = now().Sub(start)
	return sum, nil
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
