package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
)

// StopReason says why the CRM stopped an import.
type StopReason int

// The reasons of StoppedError.
const (
	// StopRefused: the CRM refused the account or the method.
	StopRefused StopReason = iota + 1
	// StopUnreachable: not one answer for the first rows, after every
	// retry (address, network).
	StopUnreachable
	// StopFailing: the CRM answered, but failed every request of the
	// first rows after every retry (an outage: HTTP 5xx, 429).
	StopFailing
	// StopRetriesUsedUp: the CRM failed so often that the run's retry
	// budget is used up (an outage in the middle of an import): going on
	// would only fail every row left.
	StopRetriesUsedUp
)

// StoppedError is returned when the CRM stopped the import: it refused
// the account, could not be reached, or failed every request before any
// row was imported. The journal is saved; rows sent are looked up first
// by the next run of the same import. It wraps the vendor's error.
type StoppedError struct {
	Reason StopReason
	Err    error
}

func (e *StoppedError) Error() string {
	switch e.Reason {
	case StopUnreachable:
		return fmt.Sprintf("the CRM could not be reached, so the import stopped before importing anything: %v", e.Err)
	case StopFailing:
		return fmt.Sprintf("the CRM failed every request, so nothing was imported: %v", e.Err)
	case StopRetriesUsedUp:
		return fmt.Sprintf("the CRM kept failing, so the import stopped: %v", e.Err)
	}
	return fmt.Sprintf("the CRM refused the request, so the import stopped: %v", e.Err)
}

// Unwrap returns the vendor's error.
func (e *StoppedError) Unwrap() error { return e.Err }

// noteSent records that a create or update may have reached the CRM: any
// outcome but the CRM's refusal of the account or method.
func (r *run) noteSent(err error) {
	if answeredAtAll(err) && crm.KindOf(err) != crm.KindFatal || crm.KindOf(err) == crm.KindAmbiguous {
		r.reached.Store(true) // a connection refused never reached the CRM
	}
}

// sendGate lets the first batch of a run be sent alone: the other workers
// wait for its answer. A wrong password is then refused once, not by
// every worker at once, and a refused first request stops the run before
// any other could reach the CRM (a restart is then undone). first is true
// for the batch that goes first; it must set r.firstErr to what stopped
// it, if anything, then close r.firstAnswered once its answer is in.
func (r *run) sendGate(ctx context.Context) (first bool, err error) {
	r.firstOnce.Do(func() { first = true })
	if first {
		return true, nil
	}
	select {
	case <-r.firstAnswered:
		// The first batch stopped the run (refused): send nothing more.
		return false, r.firstErr
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// process sends one batch and records its outcome. A non-nil error stops
// the run (fatal vendor error, journal failure or cancellation); rows left
// unanswered stay "in flight" in the journal.
func (r *run) process(ctx context.Context, batch []*item) (err error) {
	var creates, updates []*item
	for _, it := range batch {
		if it.mergeUpdate {
			updates = append(updates, it)
			continue
		}
		lookup := it.lookup || (r.opt.Mode == ModeUpsert && text(it.rec[r.opt.Key]) != "")
		if !lookup {
			if r.crmCheck != nil {
				if found, err := r.lookUpFirst(ctx, it, &updates); err != nil || found {
					if err != nil {
						return err
					}
					continue
				}
			}
			creates = append(creates, it)
			continue
		}
		if r.finder == nil {
			it.failUnsure(lostAnswer)
			continue
		}
		var id string
		var stored crm.Record
		var err error
		if r.opt.Mode == ModeUpsert {
			id, stored, err = r.finder.Find(ctx, it.rec)
		} else {
			// Sent by the interrupted run: another client with the same
			// e-mail or phone is not ours (retry.FindSent judges).
			id, err = retry.FindSent(ctx, r.v, it.rec)
		}
		switch {
		case err == nil && r.opt.Mode == ModeUpsert:
			if sameValues(it.rec, stored, map[string]bool{r.opt.Key: true, r.caps.IDField: true}, r.norm, r.opt.FieldTypes, r.phoneRegion) {
				it.res = crm.Result{Status: crm.StatusUnchanged, ID: id}
			} else {
				it.res = crm.Result{ID: id}
				updates = append(updates, it)
			}
		case err == nil:
			// Created by the interrupted run, whose answer never reached the journal.
			it.res = crm.Result{Status: crm.StatusCreated, ID: id}
		case errors.Is(err, crm.ErrNotFound):
			if r.crmCheck != nil && it.lookup {
				// Not created by the interrupted run: the CRM may still
				// hold the client from before.
				if found, err := r.lookUpFirst(ctx, it, &updates); err != nil || found {
					if err != nil {
						return err
					}
					continue
				}
			}
			creates = append(creates, it)
		case ctx.Err() != nil:
			return ctx.Err()
		case crm.KindOf(err) == crm.KindFatal:
			return &StoppedError{Reason: StopRefused, Err: err}
		default:
			if it.lookup {
				it.failUnsure("sent by the interrupted run, and looking it up in the CRM failed (" + err.Error() + "): check in the CRM before importing this row again")
			} else {
				it.fail("could not look the client up to update it: " + err.Error())
			}
		}
	}
	sent := append(append([]*item(nil), creates...), updates...)
	if len(sent) > 0 {
		first, gerr := r.sendGate(ctx)
		if gerr != nil {
			return gerr
		}
		if first {
			defer func() {
				r.firstErr = err
				close(r.firstAnswered)
			}()
		}
		lines := make([]int, 0, len(sent))
		for _, it := range sent {
			if !it.mergeUpdate {
				// The journal keeps a merge update's row as the earlier
				// run left it: done, its later rows not merged, so an
				// interrupted update is sent again by the next run.
				lines = append(lines, it.line)
			}
		}
		if err := r.jr.inFlight(lines); err != nil {
			return err
		}
	}
	if err := r.create(ctx, r.v, creates); err != nil {
		return err
	}
	err = r.update(ctx, r.v, updates)
	for _, it := range updates {
		if it.mergeUpdate && it.res.Status == crm.StatusUpdated {
			it.res = it.prior // created by the earlier run: undo deletes it
		}
		if it.mergeUpdate && it.res.Status == crm.StatusFailed {
			// The client stays as the earlier run left it; its later rows
			// fail with the reason, and the next run tries again.
			it.mergeErr = "adding this row's values to the client of row " + strconv.Itoa(it.line) + ", which an earlier run imported, failed: " + it.errText
			it.res, it.errText, it.note, it.unsure, it.temporary = it.prior, "", "", false, false
		}
	}
	if err != nil {
		return err
	}
	if len(sent) > 0 && !r.reached.Load() && allFailed(sent) {
		// Not one answer for the first rows, after every retry: the CRM
		// cannot be reached (address, network). Failing every row one by
		// one would only fill the error report with rows that have
		// nothing wrong; stop as a run that could not run, the rows kept
		// "in flight" so the next run looks them up first.
		return &StoppedError{Reason: StopUnreachable, Err: errors.New(sent[0].errText)}
	}
	jl := make([]journalLine, len(batch))
	for i, it := range batch {
		jl[i] = journalLine{Row: it.line, Status: it.res.Status, ID: it.res.ID, Error: it.errText, Hash: it.hash, Retry: it.unsure,
			Merged: it.note != "" && it.follows == nil && it.res.Status != crm.StatusFailed}
	}
	if err := r.jr.finished(jl); err != nil {
		return err
	}
	for _, it := range batch {
		close(it.done)
	}
	return nil
}

// create sends items in one call. When the whole call fails, the batch is
// split in halves and each half sent again until the record at fault is
// isolated (pgloader's approach): the others go through, it fails with the
// reason. An answer lost after the decorator's own look-ups is resolved
// with Finder before anything is sent again.
func (r *run) create(ctx context.Context, v crm.Vendor, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	recs := make([]crm.Record, len(items))
	for i, it := range items {
		recs[i] = it.rec
	}
	res, err := v.Create(ctx, recs)
	r.noteSent(err)
	if err == nil && len(res) != len(items) {
		err = &crm.Error{Vendor: r.vendor, Op: "create", Kind: crm.KindAmbiguous,
			Message: fmt.Sprintf("the CRM answered %d results for %d records", len(res), len(items))}
	}
	if err == nil {
		for i, it := range items {
			it.setResult(res[i])
		}
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, retry.ErrBudgetExhausted) {
		return &StoppedError{Reason: StopRetriesUsedUp, Err: err}
	}
	switch crm.KindOf(err) {
	case crm.KindFatal:
		return &StoppedError{Reason: StopRefused, Err: err}
	case crm.KindAmbiguous:
		// The retry layer looked the records up after the lost answer
		// (retry.FindSent): only records it checked and did not find may
		// be sent again; the others' outcome is unknown.
		var lost *retry.LostAnswerError
		if !errors.As(err, &lost) || !lost.Checked {
			for _, it := range items {
				it.failUnsure(lostAnswerMessage(err, r.finder != nil))
			}
			return nil
		}
	}
	switch {
	case len(items) == 0:
		return nil
	case len(items) == 1 || !retry.MayResend(v):
		// With no retries allowed (--retries 0) the rows are not sent
		// again in halves: they fail at once with the reason.
		for _, it := range items {
			it.failWith(err)
		}
		return nil
	}
	// The failure already outlived the decorator's full retries: each half
	// gets one more try, so isolating a bad record takes seconds, not the
	// whole back-off again at every level.
	v = retry.Fewer(v, 1)
	mid := len(items) / 2
	if err := r.create(ctx, v, items[:mid]); err != nil {
		return err
	}
	return r.create(ctx, v, items[mid:])
}

// update sends the changed records of an upsert (each carries the vendor
// id), splitting the batch like create when the whole call fails. Updates
// are idempotent, so sending a half again is safe.
func (r *run) update(ctx context.Context, v crm.Vendor, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	recs := make([]crm.Record, len(items))
	for i, it := range items {
		rec := it.rec.Clone()
		if r.caps.IDField != "" {
			rec[r.caps.IDField] = it.res.ID
		}
		recs[i] = rec
	}
	res, err := v.(crm.Updater).Update(ctx, recs)
	r.noteSent(err)
	if err == nil && len(res) != len(items) {
		err = fmt.Errorf("%s update: the CRM answered %d results for %d records", r.vendor, len(res), len(items))
	}
	if err == nil {
		for i, it := range items {
			id := it.res.ID
			rr := res[i]
			if rr.Status == "" || rr.Status == crm.StatusCreated {
				if rr.Err == nil {
					rr.Status = crm.StatusUpdated
				}
			}
			if rr.ID == "" {
				rr.ID = id
			}
			it.setResult(rr)
		}
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if crm.KindOf(err) == crm.KindFatal {
		return &StoppedError{Reason: StopRefused, Err: err}
	}
	if errors.Is(err, retry.ErrBudgetExhausted) {
		return &StoppedError{Reason: StopRetriesUsedUp, Err: err}
	}
	if len(items) == 1 || !retry.MayResend(v) {
		for _, it := range items {
			it.failWith(err)
		}
		return nil
	}
	v = retry.Fewer(v, 1) // as in create: one more try per half
	mid := len(items) / 2
	if err := r.update(ctx, v, items[:mid]); err != nil {
		return err
	}
	return r.update(ctx, v, items[mid:])
}

// sameClient says whether stored, found by e-mail, phone or identifier,
// is the client it.rec describes (see sameClient in compare.go).
func (r *run) sameClient(sent, stored crm.Record) bool {
	return sameClient(sent, stored, r.idOnly, r.norm, r.opt.FieldTypes, r.phoneRegion)
}

// allFailed reports whether every item ended failed.
func allFailed(items []*item) bool {
	for _, it := range items {
		if it.res.Status != crm.StatusFailed {
			return false
		}
	}
	return true
}

// answeredAtAll reports whether the CRM answered the call that ended in
// err: with success, a refusal, or any HTTP status (a 5xx too). Only a
// call that never got an HTTP answer (connection refused, no route, DNS)
// did not.
func answeredAtAll(err error) bool {
	if err == nil {
		return true
	}
	var ce *crm.Error
	if !errors.As(err, &ce) {
		return true
	}
	return ce.HTTPStatus != 0 || ce.Kind == crm.KindRejected || ce.Kind == crm.KindDuplicate || ce.Kind == crm.KindFatal
}
