//go:build profile

package main

// Built with -tags profile, crmport writes a CPU profile of the whole
// command to the file CRMPORT_CPUPROFILE names (for bench/: where the time
// of a real run goes, start-up and reports included).

import (
	"fmt"
	"os"
	"runtime/pprof"
)

func init() {
	path := os.Getenv("CRMPORT_CPUPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crmport: cannot write the CPU profile:", err)
		return
	}
	stopProfile = func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}
