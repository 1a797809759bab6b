//go:build race

package sheettest

// raceEnabled is true when built with -race: memory is then inflated and
// 100,000-row round trips take minutes.
const raceEnabled = true
