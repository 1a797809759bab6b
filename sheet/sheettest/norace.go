//go:build !race

package sheettest

// raceEnabled is true when built with -race.
const raceEnabled = false
