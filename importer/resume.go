package importer

import (
	"context"
	"path/filepath"
	"time"
)

// journalHeader is the header this run's journal has (or would have).
func (r *run) journalHeader() (journalHeader, error) {
	in, err := FingerprintFile(r.opt.Input)
	if err != nil {
		return journalHeader{}, err
	}
	var mp Fingerprint
	switch {
	case r.opt.MappingDigest != "":
		mp = Fingerprint{Name: filepath.Base(r.opt.MappingFile), SHA256: r.opt.MappingDigest}
	case r.opt.MappingFile != "":
		if mp, err = FingerprintFile(r.opt.MappingFile); err != nil {
			return journalHeader{}, err
		}
	}
	return journalHeader{Journal: "crmport", Version: JournalVersion, Input: in, Mapping: mp, Vendor: r.vendor, Mode: r.opt.Mode,
		Target: r.opt.Target, Started: r.opt.Now().UTC().Format(time.RFC3339)}, nil
}

// peekJournal lets a dry run see what an earlier real run of the same
// import did, without touching its journal: rows it imported are counted
// as done (the real run skips them). A journal the real run would refuse
// or set aside (another CRM, changed file or mapping) is not read.
func (r *run) peekJournal(path string) {
	if r.opt.Restart {
		return
	}
	if old := journalTarget(path); old == "" || old != r.opt.Target {
		return // no earlier run: the file's fingerprint is not needed
	}
	h, err := r.journalHeader()
	if err != nil {
		return
	}
	priors, last, err := readJournalLines(path, h)
	if err != nil || priors == nil || changeSince(last, h).any() {
		return
	}
	r.priors = priors
}

func (r *run) openJournal(ctx context.Context) error {
	h, err := r.journalHeader()
	if err != nil {
		return err
	}
	path := r.reports.Journal
	if err := r.adoptOldJournal(path, h); err != nil {
		return err
	}
	// A journal says which rows are in which CRM: never resume one written
	// for another CRM, and never let a sandbox rehearsal overwrite the
	// journal of a real import.
	old := journalTarget(path)
	switch {
	case old == "" || r.opt.Target == "" || old == r.opt.Target:
	case r.opt.Target == SandboxTarget:
		return &JournalError{Journal: path, Problem: JournalOfRealImport, Target: old, WantTarget: r.opt.Target}
	case old == SandboxTarget:
		// The rows of a rehearsal are in no real CRM: start this import afresh.
		r.opt.Restart = true
		r.sum.SandboxJournalSetAside = true
	case !r.opt.Restart:
		return &JournalError{Journal: path, Problem: JournalOtherTarget, Target: old, WantTarget: r.opt.Target}
	}
	if r.opt.Restart {
		// The earlier run's files stay where they are until this run is
		// about to send its first row; a rehearsal in the sandbox after
		// another simply replaces them (they name clients of an emulator
		// that no longer exists).
		r.replaceEarlier = old == SandboxTarget && r.opt.Target == SandboxTarget
		r.jr = lazyJournal(path, h, r.opt.Now, r.setAside)
		return nil
	}
	priors, last, err := readJournalLines(path, h)
	if err != nil {
		return err
	}
	change := changeSince(last, h)
	if priors != nil && change.input {
		other, err := r.otherInput(ctx, priors)
		if err != nil {
			return err
		}
		if other {
			return &JournalError{Journal: path, Problem: JournalOtherInput, Input: last.Input, Size: h.Input.Size, Imported: doneCount(priors), Started: last.Started}
		}
	}
	if priors != nil && change.any() && !r.opt.ResumeChanged {
		return changedError(path, last, h, change, priors)
	}
	if priors == nil {
		change = journalChange{}
	}
	r.priors = priors
	r.sum.MappingChanged = change.mapping
	r.sum.InputChanged = change.input
	if change.input {
		r.movedFrom = map[string]string{}
		for _, p := range priors {
			if p.done() && p.hash != "" {
				r.movedFrom[p.hash] = p.id
			}
		}
	}
	if priors != nil {
		if err := cutTornTail(path); err != nil {
			return err
		}
	}
	r.jr, err = openJournal(path, h, priors == nil, r.opt.Now)
	if err == nil && (r.sum.MappingChanged || r.sum.InputChanged) {
		err = r.jr.header(h)
	}
	return err
}

func (r *run) closeJournal() error {
	if r.jr == nil {
		return nil
	}
	err := r.jr.close()
	r.jr = nil
	return err
}
