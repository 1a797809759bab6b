package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// exitCode is the process exit status; DESIGN.md fixes the values.
type exitCode int

const (
	exitOK          exitCode = 0   // all rows done
	exitError       exitCode = 1   // could not run: flags, file, mapping, credentials, account refused
	exitRowsFailed  exitCode = 2   // finished, but some rows failed (see the error report)
	exitInterrupted exitCode = 130 // interrupted (Ctrl-C); the journal is saved
)

// factory carries everything a command needs from the outside world, so
// tests can swap each piece (after cli/cli's cmdutil.Factory).
type factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then; it is
	// the waiting side of Now for the retry back-off, Retry-After waits and
	// request pacing. nil waits on a real timer. Tests give a clock on
	// which waits take no time (Sleep moves Now forward).
	Sleep func(ctx context.Context, d time.Duration) error
	// Debug is set by the global --debug flag: HTTP trace on stderr.
	Debug bool
	// Vendors, if set, replaces the shipped vendors (crm/all): tests
	// register a fourth vendor through it.
	Vendors *crm.Registry
	// onSandbox, if set, is called with the in-process emulators of
	// --sandbox before the command uses them (tests seed and read them).
	onSandbox func(*job.Sandbox)
	// wrapTransport, if set, wraps every vendor HTTP transport (tests use
	// it to act between two requests of a command).
	wrapTransport func(http.RoundTripper) http.RoundTripper
}

// codeError carries an exit code other than 1 through the error chain.
type codeError struct {
	code exitCode
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// withExitCode makes err end the process with code.
func withExitCode(code exitCode, err error) error { return &codeError{code: code, err: err} }

// flagError is a usage mistake: the root prints it with a hint to --help.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func flagErrorf(format string, args ...any) error {
	return &flagError{err: fmt.Errorf(format, args...)}
}

// errSilent ends the process with exit status 1 after the command already
// told the user what went wrong.
var errSilent = errors.New("silent error")

const rootLong = `crmport moves contact data between spreadsheets and CRMs.

  import   a CSV or XLSX file + a mapping file -> clients in SalesMan CRM,
           Thulium or BaseLinker, with pacing, retries, a resumable journal
           and row-level error and success reports
  export   every client of a CRM -> an XLSX or CSV file that opens in Excel

Try it with no account: every command that talks to a CRM takes --sandbox,
which runs built-in emulators of the three CRMs.

CREDENTIALS
  SalesMan:   CRMPORT_SALESMAN_URL, CRMPORT_SALESMAN_LOGIN, CRMPORT_SALESMAN_APIKEY
  Thulium:    CRMPORT_THULIUM_URL, CRMPORT_THULIUM_USER, CRMPORT_THULIUM_PASSWORD
  BaseLinker: CRMPORT_BASELINKER_TOKEN (CRMPORT_BASELINKER_URL optional)

EXIT STATUS
  0    all rows done
  2    finished, but some rows failed: fix them in the error report and
       import that file again
  1    could not run: a flag, the file, the mapping, credentials, or the
       CRM refused the account, could not be reached or failed every
       request (run the same command again later); or "internal error"
       (a bug in crmport; the journal is saved)
  130  interrupted (Ctrl-C); the journal is saved, run the same command
       again to resume`

// newRootCmd builds the command tree.
func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "crmport",
		Short:         "Move contact data between spreadsheets and CRMs",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentBuild().Version,
		Example: `  crmport import --sandbox -m samples/salesman.yaml samples/klienty-ru.csv
  crmport export --vendor baselinker -o clients.xlsx
  crmport mapping init --vendor thulium contacts.xlsx > thulium.yaml`,
	}
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetIn(f.IOStreams.In)
	root.PersistentFlags().BoolVar(&f.Debug, "debug", false, "print an HTTP trace on stderr (method, URL, status, time, sizes; secrets hidden)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err: err} })
	root.CompletionOptions.DisableDefaultCmd = true
	setVersionFlag(root)

	root.AddCommand(
		newImportCmd(f, nil),
		newExportCmd(f, nil),
		newMappingCmd(f),
		newFieldsCmd(f, nil),
		newPreviewCmd(f, nil),
		newSandboxCmd(f, nil),
		newUndoCmd(f, nil),
		newVersionCmd(f, nil),
		newUICmd(f, nil),
	)
	return root
}

// run executes the command line and turns the outcome into an exit code
// (the one switch, after restic's main.go).
func run(ctx context.Context, f *factory, args []string) exitCode {
	root := newRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := exitCodeFor(err, f.IOStreams.ErrOut, ctx)
	f.bugDetails(err)
	return code
}

func exitCodeFor(err error, stderr io.Writer, ctx context.Context) exitCode {
	if err == nil {
		return exitOK
	}
	// A bug (a recovered panic) is never "some rows failed" nor
	// "interrupted": exit 1, and say it is a bug.
	var be *job.BugError
	if errors.As(err, &be) {
		fmt.Fprintf(stderr, "crmport: %v\n", be)
		return exitError
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.code != exitRowsFailed || !errors.Is(ce.err, errSilent) {
			printError(stderr, ce.err)
		}
		return ce.code
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		fmt.Fprintln(stderr, "crmport: interrupted")
		return exitInterrupted
	}
	if errors.Is(err, errSilent) {
		return exitError
	}
	var fe *flagError
	var ue *job.UsageError
	if errors.As(err, &fe) || errors.As(err, &ue) {
		msg := err
		if fe != nil {
			msg = fe.err
		}
		fmt.Fprintf(stderr, "crmport: %v\nRun 'crmport --help' or 'crmport COMMAND --help' for usage.\n", msg)
		return exitError
	}
	var mp *job.MappingProblems
	if errors.As(err, &mp) {
		printProblems(stderr, mp.File, mp.Problems)
		return exitError
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "accepts ") ||
		strings.HasPrefix(err.Error(), "requires ") {
		fmt.Fprintf(stderr, "crmport: %v\nRun 'crmport --help' for usage.\n", err)
		return exitError
	}
	printError(stderr, err)
	return exitError
}

func printError(w io.Writer, err error) {
	if err == nil || errors.Is(err, errSilent) {
		return
	}
	msg := describeError(err)
	fmt.Fprintf(w, "crmport: %s\n", msg)
}
