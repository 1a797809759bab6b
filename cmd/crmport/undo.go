package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// undoOptions are the inputs of `crmport undo`.
type undoOptions struct {
	IO      *iostreams.IOStreams
	Report  string
	Mapping string // the import's mapping, to check clients by its key and e-mail fields
	Yes     bool
	DryRun  bool
	Force   bool
	Retries int
	Timeout time.Duration
}

const undoLong = `Take an import back: delete from the CRM exactly the clients the import
created, as its done report lists them (crmport_status "created"). Rows the
import updated, found existing or left unchanged are never touched.

Before deleting anything it shows how many clients go, from which CRM and
its address, and asks; --yes answers for scripts (without a terminal and
without --yes nothing is deleted). The report must belong to the CRM the
CRMPORT_* settings name now: an import into another address is refused.

Each client is looked up first: one edited since the import (its e-mail
changed, or none of the row's values is left; with -m, the import mapping's
key or e-mail fields changed) is kept and reported, unless --force. Deletes are paced like imports and journaled
(kontakty.xlsx.thulium.undo.journal): interrupted, run the same command
again — no client is deleted twice. Every row's outcome is written to
kontakty.xlsx.thulium.undo.xlsx (or .csv).`

// newUndoCmd builds `crmport undo`; runF replaces the run in tests.
func newUndoCmd(f *factory, runF func(*undoOptions) error) *cobra.Command {
	opts := &undoOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "undo DONE-REPORT",
		Short: "Delete the clients an import created",
		Long:  undoLong,
		Example: `  crmport undo --dry-run kontakty.xlsx.thulium.done.xlsx
  crmport undo kontakty.xlsx.thulium.done.xlsx`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return flagErrorf("undo needs exactly one file: the done report of the import (e.g. kontakty.xlsx.thulium.done.xlsx), got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Report = args[0]
			if opts.Retries < 0 {
				return flagErrorf("--retries must be 0 or more")
			}
			if runF != nil {
				return runF(opts)
			}
			return f.runUndo(cmd, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Mapping, "mapping", "m", "", "the import's mapping: a client counts as edited when its key or e-mail fields differ from the row's (default: the row's e-mail addresses, else any of its values)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation (for scripts)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "list the clients that would be deleted; delete nothing")
	fl.BoolVar(&opts.Force, "force", false, "delete clients edited since the import too")
	fl.IntVar(&opts.Retries, "retries", job.DefaultRetries, "retries of a failed request (0 = none)")
	fl.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "time limit of one request")
	return cmd
}

func (f *factory) runUndo(cmd *cobra.Command, opts *undoOptions) error {
	ctx := cmd.Context()
	w := opts.IO.ErrOut
	env := f.env()
	title := ""
	confirm := func(p job.UndoPlan) (bool, error) {
		what := fmt.Sprintf("%d %s created by the import of %s", p.Delete, plural(p.Delete, "client", "clients"), importedFile(opts.Report))
		fmt.Fprintf(w, "This deletes %s from %s at %s", what, title, p.Target)
		if p.Done > 0 {
			fmt.Fprintf(w, " (%d already dealt with by an earlier run of this undo)", p.Done)
		}
		fmt.Fprintln(w, ".")
		if opts.Yes {
			return true, nil
		}
		if !opts.IO.IsStdinTTY() {
			return false, fmt.Errorf("%w: crmport asks before deleting, and there is no terminal to ask on; add --yes to delete them from a script", job.ErrNotConfirmed)
		}
		fmt.Fprint(w, "Delete them? Type yes to go on: ")
		line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a == "yes" || a == "y" || a == "tak" || a == "да" {
			return true, nil
		}
		return false, job.ErrNotConfirmed
	}
	if vendor, err := job.ReportVendor(opts.Report); err == nil {
		title = env.Title(vendor)
	}
	res, err := env.Undo(ctx, job.UndoSettings{Report: opts.Report, Mapping: opts.Mapping, DryRun: opts.DryRun, Force: opts.Force,
		Advice: job.Advice{UndoForce: "--force"}, Retries: opts.Retries, Timeout: opts.Timeout, Confirm: confirm},
		job.EventsFunc(func(e job.Event) {
			if r, ok := e.(job.Retrying); ok {
				fmt.Fprintln(w, retryNotice(r))
			}
		}))
	if res.Mapping != "" && err == nil || res.Mapping != "" && errors.Is(err, job.ErrUndoIncomplete) {
		fmt.Fprintf(w, "Clients compared field by field with the import's mapping %s.\n", res.Mapping)
	}
	// A refusal (another CRM, a journal that does not fit…) is said
	// alone: no summary line before it that reads like success.
	if res.Title != "" && (err == nil || errors.Is(err, job.ErrUndoIncomplete) || (!res.Summary.DryRun && res.Summary.Report != "")) {
		printUndoSummary(w, res.Title, opts, res.Summary)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, job.ErrUndoIncomplete):
		return withExitCode(exitRowsFailed, err)
	}
	return err
}

// printUndoSummary tells what the undo did.
func printUndoSummary(w io.Writer, title string, opts *undoOptions, s job.UndoSummary) {
	if s.DryRun {
		fmt.Fprintf(w, "Dry run of undoing %s in %s (nothing was deleted): %d of %d rows would be deleted\n",
			filepath.Base(opts.Report), title, len(s.WouldDelete), s.Rows)
		const shown = 20
		for i, r := range s.WouldDelete {
			if i == shown {
				fmt.Fprintf(w, "  … and %d more\n", len(s.WouldDelete)-shown)
				break
			}
			fmt.Fprintf(w, "  row %d: %s (id %s)\n", r.Row, strings.Join(r.Values, ", "), r.ID)
		}
		return
	}
	if s.Report == "" && s.Deleted+s.Gone+s.Kept+s.Failed == 0 {
		return
	}
	var parts []string
	add := func(n int, label string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	add(s.Deleted, "deleted")
	add(s.Gone, "already not in the CRM")
	add(s.Kept, "kept (edited since the import)")
	add(s.Failed, "failed")
	add(s.Left, "not created by the import (left)")
	if len(parts) == 0 {
		parts = append(parts, "nothing to delete")
	}
	fmt.Fprintf(w, "Undo of %s in %s: %s\n", filepath.Base(opts.Report), title, strings.Join(parts, ", "))
	if s.Resumed > 0 && s.Resumed == s.Deleted+s.Gone {
		fmt.Fprintf(w, "  nothing was deleted now: %s already done by an earlier run of this undo (from the journal)\n", plural(s.Resumed, "that was", "those were"))
	} else if s.Resumed > 0 {
		fmt.Fprintf(w, "  %d of them %s already done by an earlier run of this undo (from the journal)\n", s.Resumed, plural(s.Resumed, "was", "were"))
	}
	if s.Report != "" {
		fmt.Fprintf(w, "  report:  %s\n", s.Report)
	}
	if s.Journal != "" {
		fmt.Fprintf(w, "  journal: %s\n", s.Journal)
	}
}

// importedFile is the name of the file whose import wrote the done report
// at path: kontakty.xlsx for kontakty.xlsx.thulium.done.xlsx (the report's
// own name when it does not have that shape).
func importedFile(report string) string {
	base := filepath.Base(report)
	if i := strings.LastIndex(base, ".done."); i > 0 {
		if j := strings.LastIndex(base[:i], "."); j > 0 {
			return base[:j]
		}
	}
	return base
}
