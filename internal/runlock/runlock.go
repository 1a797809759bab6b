// Package runlock makes one crmport run at a time own a file (an import's
// journal and reports, an export's output file), through an operating
// system file lock that dies with its process: a run that is killed leaves
// nothing that blocks the next.
//
// The lock is github.com/gofrs/flock on a file NAME.lock (flock on Unix,
// LockFileEx on Windows). Who holds it — process id, start time, what it
// is doing — is written to a second small file, NAME.lock.info, because on
// Windows the locked byte range of the lock file cannot be read by another
// process. An info file left by a killed run is simply overwritten by the
// next holder: only a lock that cannot be taken counts. (In the instant
// between a new holder's lock and its writing of the info, a refused run
// may still read the info of the killed one; the refusal itself is right.)
//
// A clean Release removes both files. Taking the lock checks, once it is
// held, that the path still names the file that was locked (another run
// may have removed it in between) and tries again if not.
package runlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Holder describes the run that holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Doing says what the run does, as a sentence part: "importing
	// contacts.csv into BaseLinker".
	Doing string `json:"doing"`
}

// BusyError is returned by Acquire when another run holds the lock.
type BusyError struct {
	Path string // the lock file
	// Holder is what the holder wrote about itself; Known is false when
	// it could not be read (it was just starting), and Holder.Doing is
	// then what the refused run wanted to do.
	Holder Holder
	Known  bool
	Now    time.Time // when the lock was refused, to format the start time
}

// Error says who holds the lock and what to do, e.g. "another crmport is
// importing contacts.csv into BaseLinker (pid 4242, started 12:24); wait
// for it to finish, or stop it".
func (e *BusyError) Error() string {
	who := ""
	if e.Known {
		started := e.Holder.Started.Local()
		now := e.Now
		if now.IsZero() {
			now = time.Now()
		}
		when := started.Format("15:04")
		if y, m, d := started.Date(); y != now.Local().Year() || m != now.Local().Month() || d != now.Local().Day() {
			when = started.Format("2006-01-02 15:04")
		}
		who = fmt.Sprintf(" (pid %d, started %s)", e.Holder.PID, when)
	}
	return fmt.Sprintf("another crmport is %s%s; wait for it to finish, or stop it", e.Holder.Doing, who)
}

// Lock is a held lock.
type Lock struct {
	path string
	fl   *flock.Flock
}

// Path returns the lock file's path.
func (l *Lock) Path() string { return l.path }

// InfoPath returns the path of the file holding the holder's description.
func InfoPath(lockPath string) string { return lockPath + ".info" }

// Acquire takes the lock file at path without waiting. doing says what
// this run does ("importing contacts.csv into BaseLinker"), for the
// message another run shows; now is the start time written for it. When
// another process holds the lock, the error is a *BusyError.
func Acquire(path, doing string, now time.Time) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the folder of %s: %w", path, err)
	}
	for attempt := 0; ; attempt++ {
		fl := flock.New(path, flock.SetPermissions(0o644))
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("cannot lock %s: %w", path, err)
		}
		if !ok {
			return nil, busy(path, doing, now)
		}
		// The previous holder may have removed the file between our open
		// and our lock: then we locked a file nobody else can find.
		held, herr := fl.Stat()
		named, nerr := os.Stat(path)
		if herr == nil && nerr == nil && os.SameFile(held, named) {
			l := &Lock{path: path, fl: fl}
			if err := l.writeInfo(doing, now); err != nil {
				_ = l.Release()
				return nil, err
			}
			return l, nil
		}
		_ = fl.Unlock()
		if attempt >= 20 {
			return nil, fmt.Errorf("cannot lock %s: it keeps being replaced by another program", path)
		}
	}
}

func (l *Lock) writeInfo(doing string, now time.Time) error {
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Started: now, Doing: doing})
	// Written in place (not renamed over): on Windows a rename fails while
	// another process is reading the old file. A reader that catches it
	// half-written tries again.
	if err := os.WriteFile(InfoPath(l.path), b, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", InfoPath(l.path), err)
	}
	return nil
}

// busy builds the error for a lock held elsewhere, reading the holder's
// info (retrying briefly: the holder writes it just after locking).
func busy(path, doing string, now time.Time) error {
	e := &BusyError{Path: path, Holder: Holder{Doing: doing}, Now: now}
	for range 10 {
		b, err := os.ReadFile(InfoPath(path))
		var h Holder
		if err == nil && json.Unmarshal(b, &h) == nil && h.PID > 0 && strings.TrimSpace(h.Doing) != "" {
			e.Holder, e.Known = h, true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return e
}

// Release removes the info and lock files and unlocks. It is safe to call
// on a nil Lock and more than once.
func (l *Lock) Release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	fl := l.fl
	l.fl = nil
	_ = os.Remove(InfoPath(l.path))
	if runtime.GOOS == "windows" {
		// Windows refuses to delete a file that is open, so unlock first.
		// A run that opened it in between keeps it from being deleted, and
		// one that opens it later creates a new one: both are fine.
		err := fl.Unlock()
		_ = os.Remove(l.path)
		return err
	}
	// Remove while still holding the lock: a run waiting on the old file
	// sees, once it gets it, that the path no longer names it (Acquire's
	// SameFile check) and starts again.
	_ = os.Remove(l.path)
	return fl.Unlock()
}

// IsBusy reports whether err says that another run holds a lock.
func IsBusy(err error) bool {
	var b *BusyError
	return errors.As(err, &b)
}
