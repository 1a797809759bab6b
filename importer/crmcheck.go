package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// LookUpWay is how rows are looked up in the CRM before they are created
// (Options.LookUp).
type LookUpWay string

// The ways of looking rows up.
const (
	// LookUpPerRow asks the CRM once per row (crm.Finder).
	LookUpPerRow LookUpWay = "per-row"
	// LookUpList reads the CRM's whole client list once and matches the
	// rows against it locally.
	LookUpList LookUpWay = "list"
)

// LookUpPlan says how a run looks its rows up in the CRM, decided before
// the first row is sent.
type LookUpPlan struct {
	Way      LookUpWay
	Rows     int           // rows to look up (the file's rows less those an earlier run finished)
	Pages    int           // list pages read (LookUpList), or read before giving up on the list
	Clients  int           // clients read from the list
	Requests int           // requests the chosen way costs (LookUpPerRow: at most one per row and field of the rules)
	Estimate time.Duration // of the look-ups still to make, at the enforced pace (0 = unpaced)
	perRow   int           // look-ups a row costs at most
}

// crmCheck looks rows up in the CRM by the duplicate rules before they
// are created, so that a client the CRM already holds is not created
// twice.
type crmCheck struct {
	d      *dedupe
	finder crm.Finder
	// index holds, with LookUpList, the hash of each value of each client
	// of the CRM under the rules, and that client's id.
	index map[uint64]string
}

// newCRMCheck decides how to look the rows up and, for LookUpList, reads
// the client list. Per-row look-ups cost one request a row; the list
// costs one request a page, unknown until its last page: it is read while
// it costs at most half the per-row look-ups, else the run looks up per
// row (having spent that half).
func (r *run) newCRMCheck(ctx context.Context) (*crmCheck, error) {
	if r.dd == nil || r.finder == nil {
		return nil, fmt.Errorf("--dedupe: %s cannot look clients up, so crmport cannot check the CRM for them before creating", r.vendor)
	}
	c := &crmCheck{d: r.dd, finder: r.finder}
	rows, err := r.rowsToSend(ctx)
	if err != nil {
		return nil, err
	}
	plan := LookUpPlan{Way: LookUpPerRow, Rows: rows, Requests: rows * r.dd.perRow()}
	if budget := plan.Requests / 2; r.caps.List && budget > 0 {
		index := map[uint64]string{}
		cursor := ""
		for plan.Pages < budget {
			p, err := r.v.List(ctx, crm.ListQuery{}, cursor)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("cannot read the client list of %s to check for clients it already has: %w", r.vendor, err)
			}
			plan.Pages++
			for _, rec := range p.Records {
				plan.Clients++
				id := text(rec[r.caps.IDField])
				for _, k := range r.dd.keys(rec) {
					if _, ok := index[k.hash]; !ok {
						index[k.hash] = id
					}
				}
			}
			if p.Next == "" {
				c.index = index
				plan.Way = LookUpList
				plan.Requests = plan.Pages
				break
			}
			cursor = p.Next
		}
	}
	if plan.Way == LookUpPerRow && r.caps.Rate != rate.Inf && r.caps.Rate > 0 {
		plan.Estimate = time.Duration(float64(plan.Requests) / float64(r.caps.Rate) * float64(time.Second))
	}
	plan.perRow = r.dd.perRow()
	r.sum.LookUp = &plan
	if r.opt.OnLookUpPlan != nil {
		r.opt.OnLookUpPlan(plan)
	}
	return c, nil
}

// rowsToSend counts the rows of the file less those an earlier run
// finished (a quick pass over the file).
func (r *run) rowsToSend(ctx context.Context) (int, error) {
	src, err := r.opt.Open(ctx)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if sheet.EndsRows(err) {
			return 0, fmt.Errorf("cannot read %s: %w", r.opt.Input, err)
		}
		if err == nil && !row.Blank {
			if p, ok := r.priors[row.Line]; !ok || !p.done() {
				n++
			}
		}
	}
	return n, nil
}

// find looks rec up in the CRM by the duplicate rules: the id and the
// stored record (nil with LookUpList) of a client that has one of rec's
// values, or an error wrapping crm.ErrNotFound.
func (c *crmCheck) find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	keys := c.d.keys(rec)
	if len(keys) == 0 {
		return "", nil, crm.ErrNotFound
	}
	if c.index != nil {
		for _, k := range keys {
			if id, ok := c.index[k.hash]; ok {
				return id, nil, nil
			}
		}
		return "", nil, crm.ErrNotFound
	}
	// One look-up per field of the rules, with its normalised values (a
	// phone in E.164): a vendor looks a client up by the first key a
	// record has, not by every one.
	fields := c.d.fieldsFor(rec)
	for _, rule := range c.d.rules {
		for _, f := range c.d.ruleFields(rule, fields) {
			vs := c.d.values(rule, f, rec[f])
			if len(vs) == 0 {
				continue
			}
			q := crm.Record{f: vs[0]}
			if len(vs) > 1 {
				q[f] = vs
			}
			id, stored, err := c.finder.Find(ctx, q)
			if err == nil || !errors.Is(err, crm.ErrNotFound) {
				return id, stored, err
			}
		}
	}
	return "", nil, crm.ErrNotFound
}

// perRow is the number of look-ups a row costs at most: one per field of
// the rules.
func (d *dedupe) perRow() int {
	n := 0
	for _, rule := range d.rules {
		n += len(d.ruleFields(rule, d.fields))
	}
	return max(n, 1)
}

// fieldsFor returns the fields the rules read in rec.
func (d *dedupe) fieldsFor(rec crm.Record) DedupeFields {
	if d.guess {
		return guessDedupeFields(nil, rec)
	}
	return d.fields
}

// lookUpFirst looks a row about to be created up in the CRM (Options.
// LookUp). found: the CRM holds the client (or the look-up failed), and
// it.res says what becomes of the row: exists, unchanged, failed, or, in
// upsert mode, added to updates.
func (r *run) lookUpFirst(ctx context.Context, it *item, updates *[]*item) (found bool, err error) {
	id, stored, err := r.crmCheck.find(ctx, it.rec)
	switch {
	case errors.Is(err, crm.ErrNotFound):
		return false, nil
	case err != nil:
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if crm.KindOf(err) == crm.KindFatal {
			return false, &StoppedError{Reason: StopRefused, Err: err}
		}
		it.failWith(fmt.Errorf("could not check the CRM for this client before creating it: %w", err))
		return true, nil
	}
	switch {
	case r.opt.Mode != ModeUpsert:
		it.res = crm.Result{Status: crm.StatusExists, ID: id}
	case stored != nil && sameValues(it.rec, stored, map[string]bool{r.opt.Key: true, r.caps.IDField: true}, r.norm, r.opt.FieldTypes, r.phoneRegion):
		it.res = crm.Result{Status: crm.StatusUnchanged, ID: id}
	default:
		// Matched in the list (no stored values to compare) or different.
		it.res = crm.Result{ID: id}
		*updates = append(*updates, it)
	}
	return true, nil
}

// Describe says the plan in a sentence for the person running the import,
// naming the CRM as vendorTitle.
func (p LookUpPlan) Describe(vendorTitle string) string {
	if p.Way == LookUpList {
		return fmt.Sprintf("Checking %s against the %d %s already in %s: its client list was read once (%d %s) and the rows are matched against it, instead of up to %d look-ups",
			plural(p.Rows, "1 row", fmt.Sprintf("%d rows", p.Rows)), p.Clients, plural(p.Clients, "client", "clients"), vendorTitle, p.Pages, plural(p.Pages, "request", "requests"), p.Rows*p.perRow)
	}
	why := ""
	if p.Pages > 0 {
		why = fmt.Sprintf(" (%s holds more than %d clients: reading them all would take more requests)", vendorTitle, p.Clients)
	}
	est := ""
	if p.Estimate > 0 {
		est = fmt.Sprintf(", about %s at %s's pace", p.Estimate.Round(time.Second), vendorTitle)
	}
	return fmt.Sprintf("Checking %s in %s before creating: look-ups row by row (at most %d %s%s)%s",
		plural(p.Rows, "1 row", fmt.Sprintf("%d rows", p.Rows)), vendorTitle, p.Requests, plural(p.Requests, "request", "requests"), est, why)
}
