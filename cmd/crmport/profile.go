//go:build profile

package main

// Built with -tags profile, crmport writes a CPU profile of the whole
// command to the file CRMPORT_CPUPROFILE names, and an execution trace to
// the one CRMPORT_TRACE names (for bench/: where the time of a real run
// goes, start-up and reports included, and when its goroutines wait).

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

func init() {
	start("CRMPORT_CPUPROFILE", "the CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile)
	start("CRMPORT_TRACE", "the trace", trace.Start, trace.Stop)
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
