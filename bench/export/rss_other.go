//go:build !unix

package export

// PeakRSS returns 0: this system's peak resident set size is not read
// here (on Windows measure the export with run.sh's numbers or Task
// Manager's "Peak working set").
func PeakRSS() uint64 { return 0 }
