//go:build profile

package main

// Built with -tags profile, crmport writes a CPU profile of the whole
// command to the file CRMPORT_CPUPROFILE names, an execution trace to
// the one CRMPORT_TRACE names, and a profile of what it allocated to the
// one CRMPORT_MEMPROFILE names (for bench/: where the time of a real run
// goes, start-up and reports included, and when its goroutines wait).

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

func init() {
	start("CRMPORT_CPUPROFILE", "the CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
	start("CRMPORT_TRACE", "the trace", trace.Start, trace.Stop)
	if path := os.Getenv("CRMPORT_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		before := stopProfile
		stopProfile = func() {
			before()
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "crmport: cannot write the allocation profile: %v\n", err)
			}
		}
	}
}

// start begins what the file env names is for, and makes stopProfile end
// it too.
func start(env, what string, begin func(io.Writer) error, end func()) {
	path := os.Getenv(env)
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = begin(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "crmport: cannot write %s: %v\n", what, err)
		return
	}
	before := stopProfile
	stopProfile = func() {
		end()
		_ = f.Close()
		before()
	}
}
