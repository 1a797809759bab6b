//go:build unix

package export

import (
	"runtime"
	"syscall"
	"time"
)

// PeakRSS returns the process's peak resident set size in bytes, or 0
// where the system does not say.
func PeakRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return uint64(ru.Maxrss) // bytes there
	}
	return uint64(ru.Maxrss) * 1024 // KiB on Linux and the BSDs
}

// CPUTime returns the user plus system CPU time the process has used, or
// 0 where the system does not say. Unlike wall time it barely changes when
// other programs compete for the processors.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
