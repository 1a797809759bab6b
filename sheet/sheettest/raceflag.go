package sheettest

// RaceEnabled tells a test whether it runs with -race, whose
// instrumentation allocates megabytes that vary from run to run: a test
// measuring allocation can only do it without.
const RaceEnabled = raceEnabled
