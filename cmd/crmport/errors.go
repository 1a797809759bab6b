package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/crmport/crmport/job"
)

// describeError words an error of the job layer for the command line: the
// job says what went wrong with its facts, the CLI says which command or
// flag puts it right.
func describeError(err error) string {
	var missing *job.MissingSettingsError
	var mismatch *job.VendorMismatchError
	var fields *job.FieldListError
	switch {
	case errors.As(err, &missing):
		return fmt.Sprintf("%s needs %s: set %s, or add --sandbox to try crmport with the built-in emulator",
			missing.Vendor, strings.Join(missing.Names, ", "), plural(len(missing.Names), "it", "them"))
	case errors.As(err, &mismatch):
		return fmt.Sprintf("the mapping %s is written for %s, but --vendor says %s: use a mapping for %s (crmport mapping init --vendor %s FILE)",
			mismatch.Mapping, mismatch.MappingTitle, mismatch.Title, mismatch.Title, mismatch.Vendor)
	case errors.As(err, &fields):
		return fmt.Sprintf("cannot read %s's field list (check the CRMPORT_%s_* settings): %v",
			fields.Vendor, strings.ToUpper(fields.Vendor), fields.Err)
	}
	return err.Error()
}

func printProblems(w io.Writer, file string, problems []error) {
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(w, "%s: %d %s to fix:\n", file, len(problems), noun)
	for _, p := range problems {
		fmt.Fprintf(w, "  %s\n", problemText(p))
	}
}

// problemText is a mapping problem with the command that helps, where one
// does.
func problemText(p error) string {
	var pe *job.PosError
	if !errors.As(p, &pe) {
		return p.Error()
	}
	switch pe.Hint {
	case job.HintFieldList:
		return fmt.Sprintf("%v; `crmport fields --vendor %s` lists them", p, pe.Vendor)
	case job.HintCustomFields:
		return fmt.Sprintf("%v; `crmport fields --vendor %s` lists the %s ids of the account", p, pe.Vendor, pe.HintNoun)
	}
	return p.Error()
}
