package importer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// JournalVersion is the format version written in every journal header.
const JournalVersion = 1

// journalHeader is the first line of a journal.
type journalHeader struct {
	Journal string      `json:"journal"` // always "crmport"
	Version int         `json:"version"`
	Input   Fingerprint `json:"input"`
	Mapping Fingerprint `json:"mapping"`
	Vendor  string      `json:"vendor"`
	Mode    Mode        `json:"mode"`
	Target  string      `json:"target,omitempty"` // where the rows went: the CRM's address, or "sandbox"
	Started string      `json:"started,omitempty"`
}

// SandboxTarget is Options.Target for runs into the in-process emulators.
const SandboxTarget = "sandbox"

// journalTarget returns the Target of the journal at path ("" when there
// is no readable journal or it predates targets).
func journalTarget(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	if !sc.Scan() {
		return ""
	}
	var h journalHeader
	if json.Unmarshal(sc.Bytes(), &h) != nil {
		return ""
	}
	return h.Target
}

// Fingerprint identifies a file's contents.
type Fingerprint struct {
	Name   string `json:"name,omitempty"` // base name, for messages only
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// FingerprintFile hashes the file at path (sha256 of its bytes, and its size).
func FingerprintFile(path string) (Fingerprint, error) {
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot read %s to fingerprint it: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot read %s to fingerprint it: %w", path, err)
	}
	return Fingerprint{Name: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}

// journalLine is one line after the header: either an in-flight batch
// (InFlight set) or one finished row.
type journalLine struct {
	InFlight []int      `json:"inflight,omitempty"`
	Row      int        `json:"row,omitempty"`
	Status   crm.Status `json:"status,omitempty"`
	ID       string     `json:"id,omitempty"`
	Error    string     `json:"error,omitempty"`
	// Hash is rowHash of the row's original cells, so that a run on a
	// changed input file can tell whether the row is still the one imported.
	Hash string `json:"hash,omitempty"`
	// Retry marks a failed row whose failure was temporary or whose
	// create may have reached the CRM: the next run looks it up first.
	Retry bool `json:"retry,omitempty"`
	// Undone marks a row whose client `crmport undo` deleted (or found
	// gone): it is no longer in the CRM, so the next run sends it again.
	Undone bool `json:"undone,omitempty"`
	// Merged marks a first row sent with values of its later rows merged
	// in (--duplicates merge): a run merging again adds nothing to it. A
	// row done without it, resumed by a run that merges, gets them as an
	// update of its client.
	Merged bool `json:"merged,omitempty"`
}

// rowHash is a short hash of a row's original cells (FNV-64a of the
// trimmed cell texts, trailing empty cells ignored, in hex). keep lists
// the columns that count (crmport_* report columns are left out); nil
// means all.
func rowHash(cells []sheet.Cell, keep []int) string {
	texts := make([]string, 0, len(cells))
	add := func(i int) {
		if i < len(cells) {
			texts = append(texts, strings.TrimSpace(cells[i].Text))
		} else {
			texts = append(texts, "")
		}
	}
	if keep == nil {
		for i := range cells {
			add(i)
		}
	} else {
		for _, i := range keep {
			add(i)
		}
	}
	for len(texts) > 0 && texts[len(texts)-1] == "" {
		texts = texts[:len(texts)-1]
	}
	h := fnv.New64a()
	for _, t := range texts {
		h.Write([]byte(t))
		h.Write([]byte{0x1f})
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

// prior is what an earlier run left for one row.
type prior struct {
	status   crm.Status // "" while only in flight
	id       string
	inflight bool   // sent, no answer recorded: look it up before sending
	hash     string // rowHash of the row when it finished ("" in older journals)
	merged   bool   // sent with its later rows' values merged in
}

// done reports whether the row needs nothing more.
func (p prior) done() bool {
	switch p.status {
	case crm.StatusCreated, crm.StatusUpdated, crm.StatusExists, crm.StatusUnchanged:
		return true
	}
	return false
}

// ErrJournalMismatch is wrapped by the error returned when the journal
// beside the reports was written for another input file or mapping.
var ErrJournalMismatch = errors.New("the journal belongs to another import")

// readJournal reads an existing journal and checks it belongs to this
// import. A missing journal returns (nil, nil). A truncated last line (the
// process died while writing it) is ignored.
func readJournal(path string, want journalHeader) (map[int]prior, error) {
	rows, _, err := readJournalChanged(path, want, false)
	return rows, err
}

// journalChange says what changed since the run that wrote a journal.
type journalChange struct {
	mapping bool // the mapping changed
	input   bool // the input file changed
}

// any reports whether anything changed.
func (c journalChange) any() bool { return c.mapping || c.input }

// readJournalChanged is readJournal that, with acceptChanged, also accepts
// a journal written with another mapping or another version of the input
// file (the user fixed the mapping or the data after a stop); the change
// says what differs. A journal that accepted a change before holds a
// further header line naming the mapping and input of that run.
func readJournalChanged(path string, want journalHeader, acceptChanged bool) (rows map[int]prior, change journalChange, err error) {
	rows, last, err := readJournalLines(path, want)
	if err != nil || rows == nil {
		return rows, change, err
	}
	change = changeSince(last, want)
	if !change.any() || acceptChanged {
		return rows, change, nil
	}
	return nil, change, changedError(path, last, want, change, rows)
}

// changeSince compares the header in force in a journal with this run's.
func changeSince(last, want journalHeader) journalChange {
	return journalChange{
		mapping: last.Mapping.SHA256 != want.Mapping.SHA256,
		input:   last.Input.SHA256 != want.Input.SHA256 || last.Input.Size != want.Input.Size,
	}
}

// doneCount counts the rows a journal says are done.
func doneCount(rows map[int]prior) int {
	done := 0
	for _, p := range rows {
		if p.done() {
			done++
		}
	}
	return done
}

// changedError refuses a journal written with another mapping or another
// version of this input file (Options.ResumeChanged goes on with it).
func changedError(path string, last, want journalHeader, change journalChange, rows map[int]prior) error {
	return &JournalError{Journal: path, Problem: JournalChanged, Imported: doneCount(rows), Input: last.Input, Size: want.Input.Size,
		Started: last.Started, InputChanged: change.input, MappingChanged: change.mapping}
}

// readJournalLines reads the journal, checking its format and vendor, and
// returns the rows and the header in force last (the first line, or the
// last header line a run with a changed mapping or input appended).
func readJournalLines(path string, want journalHeader) (map[int]prior, journalHeader, error) {
	var h journalHeader
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, h, nil
	}
	if err != nil {
		return nil, h, fmt.Errorf("cannot read the journal of the previous run: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, h, fmt.Errorf("cannot read the journal %s: %w", path, err)
		}
		return nil, h, nil // empty file: the previous run died before writing anything
	}
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Journal != "crmport" {
		return nil, h, &JournalError{Journal: path, Problem: JournalNotOurs}
	}
	if h.Version != JournalVersion {
		return nil, h, &JournalError{Journal: path, Problem: JournalOtherVersion, Version: h.Version, WantVersion: JournalVersion}
	}
	if h.Vendor != want.Vendor {
		return nil, h, &JournalError{Journal: path, Problem: JournalOtherVendor, Vendor: h.Vendor, WantVendor: want.Vendor}
	}
	rows := map[int]prior{}
	var pending []byte
	for sc.Scan() {
		if pending != nil {
			if nh, ok := headerLine(pending); ok {
				h = nh
			} else if err := applyLine(rows, pending); err != nil {
				return nil, h, &JournalError{Journal: path, Problem: JournalDamaged, Err: err}
			}
		}
		pending = append(pending[:0], sc.Bytes()...)
	}
	if err := sc.Err(); err != nil {
		return nil, h, fmt.Errorf("cannot read the journal %s: %w", path, err)
	}
	if pending != nil {
		if nh, ok := headerLine(pending); ok {
			h = nh
		} else {
			_ = applyLine(rows, pending) // the last line may be cut short by a crash
		}
	}
	return rows, h, nil
}

// headerLine recognises a header line written when a run accepted a
// changed mapping or input file.
func headerLine(b []byte) (journalHeader, bool) {
	var h journalHeader
	if !bytes.Contains(b, []byte(`"journal":"crmport"`)) {
		return h, false
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Journal != "crmport" {
		return h, false
	}
	return h, true
}

func applyLine(rows map[int]prior, b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	var l journalLine
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	for _, r := range l.InFlight {
		p := rows[r]
		p.inflight = true
		rows[r] = p
	}
	if l.Row > 0 && l.Undone {
		rows[l.Row] = prior{} // not in the CRM any more: not done
		return nil
	}
	if l.Row > 0 {
		p := prior{status: l.Status, id: l.ID, hash: l.Hash, merged: l.Merged}
		if l.Status == crm.StatusFailed {
			p = prior{status: crm.StatusFailed, inflight: l.Retry}
		}
		rows[l.Row] = p
	}
	return nil
}

// journal appends lines to the journal file. Lines of finished rows are
// flushed and fsynced per batch with group commit: concurrent workers share
// one fsync. In-flight lines are flushed to the operating system before the
// batch is sent (they survive the process being killed).
type journal struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	written uint64 // number of commits written
	err     error  // first write error

	// A journal made by lazyJournal is created at its first line: start
	// runs once before (a restart moves the earlier run's files aside
	// then), and open creates the file.
	start func() error
	open  func() (*journal, error)

	syncMu sync.Mutex
	synced uint64
}

// openJournal opens path for appending; a new or empty file gets h as its
// first line (stamped with now when h.Started is empty).
func openJournal(path string, h journalHeader, fresh bool, now func() time.Time) (*journal, error) {
	flag := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if fresh {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot write the journal: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot write the journal: %w", err)
	}
	j := &journal{f: f, w: bufio.NewWriterSize(f, 64*1024)}
	if st.Size() == 0 {
		if h.Started == "" {
			h.Started = now().UTC().Format(time.RFC3339)
		}
		b, _ := json.Marshal(h)
		j.w.Write(b)
		j.w.WriteByte('\n')
		if err := j.w.Flush(); err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot write the journal: %w", err)
		}
	}
	return j, nil
}

// lazyJournal returns a journal whose file is created (empty, then h) only
// when the first line is written, after start has run: a run that stops
// before sending anything leaves an earlier journal where it was.
func lazyJournal(path string, h journalHeader, now func() time.Time, start func() error) *journal {
	return &journal{start: start, open: func() (*journal, error) { return openJournal(path, h, true, now) }}
}

// ensure creates a lazy journal's file; j.mu is held.
func (j *journal) ensure() error {
	if j.f != nil || j.err != nil {
		return j.err
	}
	if j.start != nil {
		if err := j.start(); err != nil {
			j.err = err
			return err
		}
	}
	o, err := j.open()
	if err != nil {
		j.err = err
		return err
	}
	j.f, j.w = o.f, o.w
	return nil
}

// begin creates a lazy journal's file now, with its header only.
func (j *journal) begin() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ensure()
}

// started reports whether the journal's file was written.
func (j *journal) started() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f != nil
}

// header appends a header line: the run goes on with a changed mapping
// or input file.
func (j *journal) header(h journalHeader) error {
	b, _ := json.Marshal(h)
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ensure(); err != nil {
		return err
	}
	j.w.Write(b)
	j.w.WriteByte('\n')
	if err := j.w.Flush(); err != nil {
		j.err = fmt.Errorf("cannot write the journal: %w", err)
	}
	return j.err
}

// inFlight records that rows are about to be sent.
func (j *journal) inFlight(rows []int) error {
	if len(rows) == 0 {
		return nil
	}
	b, _ := json.Marshal(journalLine{InFlight: rows})
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ensure(); err != nil {
		return err
	}
	j.w.Write(b)
	j.w.WriteByte('\n')
	if err := j.w.Flush(); err != nil {
		j.err = fmt.Errorf("cannot write the journal: %w", err)
	}
	return j.err
}

// finished records the outcome of rows and makes it durable.
// append writes encoded lines under the journal's lock (released however
// the write ends, a panic included) and returns the commit's number.
func (j *journal) append(b []byte) (uint64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.ensure(); err != nil {
		return 0, err
	}
	j.w.Write(b)
	if err := j.w.Flush(); err != nil {
		j.err = fmt.Errorf("cannot write the journal: %w", err)
	}
	j.written++
	return j.written, j.err
}

func (j *journal) finished(lines []journalLine) error {
	if len(lines) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := range lines {
		_ = enc.Encode(&lines[i])
	}
	mine, err := j.append(buf.Bytes())
	if err != nil {
		return err
	}
	// Group commit: one fsync covers every commit flushed before it.
	j.syncMu.Lock()
	defer j.syncMu.Unlock()
	if j.synced >= mine {
		return nil
	}
	j.mu.Lock()
	target := j.written
	j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("cannot write the journal: %w", err)
	}
	j.synced = target
	return nil
}

// close flushes, syncs and closes the file.
func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return j.err // a lazy journal never written
	}
	err := j.w.Flush()
	if serr := j.f.Sync(); err == nil {
		err = serr
	}
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	if err != nil && j.err == nil {
		return fmt.Errorf("cannot save the journal: %w", err)
	}
	return j.err
}
