//go:build !unix

package export

import "time"

// PeakRSS returns 0: this system's peak resident set size is not read
// here (on Windows measure the export with run.sh's numbers or Task
// Manager's "Peak working set").
func PeakRSS() uint64 { return 0 }

// CPUTime returns 0: the process's CPU time is not read on this system.
func CPUTime() time.Duration { return 0 }
