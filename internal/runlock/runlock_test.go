package runlock

// Plain testing, no testify: see internal/ahead's test.

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestSecondAcquireIsRefusedWithTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "kontakty.csv.baselinker.lock")
	started := time.Date(2026, 12, 2, 12, 24, 0, 0, time.Local)
	l, err := Acquire(path, "importing kontakty.csv into BaseLinker", started)
	must(t, err)

	_, err = Acquire(path, "importing kontakty.csv into BaseLinker", started.Add(time.Minute))
	var be *BusyError
	if !errors.As(err, &be) {
		t.Fatalf("got %v, want a *BusyError", err)
	}
	if !be.Known || be.Holder.PID != os.Getpid() {
		t.Errorf("holder: known %v, pid %d; want true, %d", be.Known, be.Holder.PID, os.Getpid())
	}
	want := "another crmport is importing kontakty.csv into BaseLinker (pid " + itoa(os.Getpid()) + ", started 12:24); wait for it to finish, or stop it"
	if err.Error() != want {
		t.Errorf("message:\n got %q\nwant %q", err.Error(), want)
	}

	must(t, l.Release())
	must(t, l.Release()) // a second release does nothing
	for _, p := range []string{path, InfoPath(path)} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there after the release (%v)", p, err)
		}
	}

	l2, err := Acquire(path, "x", started)
	must(t, err) // free again after the release
	must(t, l2.Release())
}

// A holder that died leaves its files behind: they do not block, and the
// new holder's description replaces the old one.
func TestLeftoverFilesDoNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx.lock")
	must(t, os.WriteFile(path, nil, 0o644))
	must(t, os.WriteFile(InfoPath(path), []byte(`{"pid":1,"started":"2020-01-01T00:00:00Z","doing":"exporting to out.xlsx"}`), 0o644))
	now := time.Date(2026, 12, 2, 9, 5, 0, 0, time.Local)
	l, err := Acquire(path, "exporting from SalesMan to out.xlsx", now)
	must(t, err)
	defer l.Release()
	_, err = Acquire(path, "exporting from SalesMan to out.xlsx", now)
	want := "another crmport is exporting from SalesMan to out.xlsx (pid " + itoa(os.Getpid()) + ", started 09:05); wait for it to finish, or stop it"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// Without a readable description (the holder is just starting) the
// message names what the refused run wanted to do; a start on another day
// gives the date.
func TestBusyMessageWithoutInfo(t *testing.T) {
	e := &BusyError{Holder: Holder{Doing: "importing a.csv into Thulium"}}
	if got, want := e.Error(), "another crmport is importing a.csv into Thulium; wait for it to finish, or stop it"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e = &BusyError{Known: true, Holder: Holder{PID: 7, Doing: "importing a.csv into Thulium", Started: time.Date(2026, 12, 1, 23, 59, 0, 0, time.Local)},
		Now: time.Date(2026, 12, 2, 0, 1, 0, 0, time.Local)}
	if got, want := e.Error(), "another crmport is importing a.csv into Thulium (pid 7, started 2026-12-01 23:59); wait for it to finish, or stop it"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
