//go:build !unix

package mapping

import "time"

// cpuTime returns 0: the process's CPU time is not read on this system,
// so the benchmarks report wall time only.
func cpuTime() time.Duration { return 0 }
