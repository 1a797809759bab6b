package runlock

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecondAcquireIsRefusedWithTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "kontakty.csv.baselinker.lock")
	started := time.Date(2026, 12, 2, 12, 24, 0, 0, time.Local)
	l, err := Acquire(path, "importing kontakty.csv into BaseLinker", started)
	require.NoError(t, err)

	_, err = Acquire(path, "importing kontakty.csv into BaseLinker", started.Add(time.Minute))
	require.Error(t, err)
	var be *BusyError
	require.ErrorAs(t, err, &be)
	assert.True(t, be.Known)
	assert.Equal(t, os.Getpid(), be.Holder.PID)
	assert.Equal(t, "another crmport is importing kontakty.csv into BaseLinker (pid "+itoa(os.Getpid())+", started 12:24); wait for it to finish, or stop it", err.Error())

	require.NoError(t, l.Release())
	require.NoError(t, l.Release(), "a second release does nothing")
	assert.NoFileExists(t, path)
	assert.NoFileExists(t, InfoPath(path))

	l2, err := Acquire(path, "x", started)
	require.NoError(t, err, "free again after the release")
	require.NoError(t, l2.Release())
}

// A holder that died leaves its files behind: they do not block, and the
// new holder's description replaces the old one.
func TestLeftoverFilesDoNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx.lock")
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	require.NoError(t, os.WriteFile(InfoPath(path), []byte(`{"pid":1,"started":"2020-01-01T00:00:00Z","doing":"exporting to out.xlsx"}`), 0o644))
	now := time.Date(2026, 12, 2, 9, 5, 0, 0, time.Local)
	l, err := Acquire(path, "exporting from SalesMan to out.xlsx", now)
	require.NoError(t, err)
	defer l.Release()
	_, err = Acquire(path, "exporting from SalesMan to out.xlsx", now)
	assert.EqualError(t, err, "another crmport is exporting from SalesMan to out.xlsx (pid "+itoa(os.Getpid())+", started 09:05); wait for it to finish, or stop it")
}

// Without a readable description (the holder is just starting) the
// message names what the refused run wanted to do; a start on another day
// gives the date.
func TestBusyMessageWithoutInfo(t *testing.T) {
	e := &BusyError{Holder: Holder{Doing: "importing a.csv into Thulium"}}
	assert.Equal(t, "another crmport is importing a.csv into Thulium; wait for it to finish, or stop it", e.Error())
	e = &BusyError{Known: true, Holder: Holder{PID: 7, Doing: "importing a.csv into Thulium", Started: time.Date(2026, 12, 1, 23, 59, 0, 0, time.Local)},
		Now: time.Date(2026, 12, 2, 0, 1, 0, 0, time.Local)}
	assert.Equal(t, "another crmport is importing a.csv into Thulium (pid 7, started 2026-12-01 23:59); wait for it to finish, or stop it", e.Error())
}

func itoa(n int) string { return strconv.Itoa(n) }
