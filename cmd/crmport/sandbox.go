package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// sandboxOptions are the inputs of `crmport sandbox`.
type sandboxOptions struct {
	IO              *iostreams.IOStreams
	Addr            string
	Seed            int
	Latency         time.Duration
	Faults          float64
	BaseLinkerLimit int
	State           string
	// ready, if set, is called with the running sandbox (tests).
	ready func(*job.SandboxServer)
	// goos is the operating system the settings are shown for (tests).
	goos string
}

// newSandboxCmd builds `crmport sandbox`; runF replaces runSandbox in tests.
func newSandboxCmd(f *factory, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "sandbox [--addr 127.0.0.1:8765] [--seed N] [--latency D] [--faults P] [--baselinker-limit N] [--state FILE]",
		Short: "Run emulators of the three CRMs on one local port",
		Long: `Run emulators of SalesMan CRM, Thulium and BaseLinker on one local address,
to rehearse an import or try crmport with no account. They behave like the
real services: authentication, required fields, length limits, SalesMan's
duplicates and 200-row pages, BaseLinker's 100-row pages and its limit of
100 requests a minute, Thulium's error bodies.

The CRMPORT_* variables to use them are printed on stdout; paste them into
another terminal (PowerShell: $env:NAME="value"). Stop with Ctrl-C.`,
		Example: `  crmport sandbox --seed 250
  crmport sandbox --faults 0.2 --latency 50ms --state sandbox.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Faults < 0 || opts.Faults > 1 {
				return flagErrorf("--faults must be between 0 and 1 (a fraction of requests), not %v", opts.Faults)
			}
			if opts.Seed < 0 || opts.BaseLinkerLimit < 0 {
				return flagErrorf("--seed and --baselinker-limit cannot be negative")
			}
			if runF != nil {
				return runF(opts)
			}
			return runSandbox(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8765", "address to listen on")
	fl.IntVar(&opts.Seed, "seed", 0, "pre-fill each CRM with N realistic clients")
	fl.DurationVar(&opts.Latency, "latency", 0, "delay added to every answer, e.g. 50ms")
	fl.Float64Var(&opts.Faults, "faults", 0, "answer this fraction of requests (0-1) with a transient failure")
	fl.IntVar(&opts.BaseLinkerLimit, "baselinker-limit", 100, "BaseLinker requests allowed per minute (0 = no limit)")
	fl.StringVar(&opts.State, "state", "", "keep the data in FILE across restarts")
	return cmd
}

func runSandbox(ctx context.Context, f *factory, opts *sandboxOptions) error {
	sb, err := f.env().StartSandbox(ctx, job.SandboxSettings{
		Addr:            opts.Addr,
		Seed:            opts.Seed,
		Latency:         opts.Latency,
		Faults:          opts.Faults,
		BaseLinkerLimit: opts.BaseLinkerLimit,
		StateFile:       opts.State,
	})
	if err != nil {
		return fmt.Errorf("start the sandbox on %s: %w (is another program using that port? try --addr 127.0.0.1:0)", opts.Addr, err)
	}
	for _, kv := range sb.Settings() {
		fmt.Fprintf(opts.IO.Out, "export %s=%s\n", kv[0], kv[1])
	}
	fmt.Fprintf(opts.IO.ErrOut, "crmport sandbox: SalesMan, Thulium and BaseLinker emulators listening on %s\n", sb.URL())
	goos := opts.goos
	if goos == "" {
		goos = runtime.GOOS
	}
	if goos == "windows" {
		// The export lines above are for bash (Git Bash, WSL); PowerShell
		// and cmd.exe set variables their own way.
		fmt.Fprintln(opts.IO.ErrOut, "In PowerShell, paste these lines in another window instead:")
		for _, kv := range sb.Settings() {
			fmt.Fprintf(opts.IO.ErrOut, "  $env:%s=\"%s\"\n", kv[0], kv[1])
		}
		fmt.Fprintln(opts.IO.ErrOut, "In Command Prompt (cmd.exe):")
		for _, kv := range sb.Settings() {
			fmt.Fprintf(opts.IO.ErrOut, "  set %s=%s\n", kv[0], kv[1])
		}
		fmt.Fprintln(opts.IO.ErrOut, "Then run crmport in that window. Press Ctrl-C here to stop the sandbox.")
	} else {
		fmt.Fprintln(opts.IO.ErrOut, "Set the variables above in another terminal, then run crmport there. Press Ctrl-C to stop.")
	}
	if opts.ready != nil {
		opts.ready(sb)
	}
	<-ctx.Done()
	if err := sb.Close(); err != nil {
		return err
	}
	if opts.State != "" {
		fmt.Fprintf(opts.IO.ErrOut, "crmport sandbox: stopped; data saved in %s\n", opts.State)
	} else {
		fmt.Fprintln(opts.IO.ErrOut, "crmport sandbox: stopped")
	}
	return nil
}
