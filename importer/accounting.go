package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/iostreams"
)

// noteFailure keeps the first failures for messages.
func (r *run) noteFailure(line int, msg string) {
	r.firstMu.Lock()
	if len(r.firstErrors) < 5 {
		r.firstErrors = append(r.firstErrors, RowFailure{Row: line, Error: msg})
		slices.SortFunc(r.firstErrors, func(a, b RowFailure) int { return a.Row - b.Row })
	}
	r.firstMu.Unlock()
}

func (r *run) progress(line int, res crm.Result) {
	if r.opt.Progress != nil {
		r.opt.Progress.RowDone(line, res)
	}
}

func (r *run) checkMaxErrors() {
	m := r.opt.MaxErrors
	if m.Percent <= 0 && m.Count <= 0 {
		return
	}
	failed := r.readFailed.Load() + r.vendorFailed.Load()
	finished := r.nonBlank.Load()
	over := false
	switch {
	case m.Percent > 0:
		over = finished >= MinSample && float64(failed)*100 > m.Percent*float64(finished)
	case m.Count > 0:
		over = failed > int64(m.Count)
	}
	if !over {
		return
	}
	r.stopOnce.Do(func() {
		var b strings.Builder
		r.firstMu.Lock()
		for _, f := range r.firstErrors {
			if strings.HasPrefix(f.Error, "column ") {
				fmt.Fprintf(&b, "\n  row %d, %s", f.Row, f.Error)
			} else {
				fmt.Fprintf(&b, "\n  row %d: %s", f.Row, f.Error)
			}
		}
		r.firstMu.Unlock()
		mp := r.opt.MappingFile
		if mp == "" {
			mp = "MAPPING"
		}
		again := "then run the same command again with --resume-changed (the mapping or the file changed): rows already imported are not sent twice"
		if r.opt.DryRun {
			again = "then run the same command again"
		}
		r.stopErr = fmt.Errorf("%w: %d of the first %d rows failed (--max-errors %s), so the import stopped before using more of the CRM's request quota; the mapping or the data is probably wrong. First errors:%s\nFix the mapping or the data (check the mapping against the file with: crmport mapping check -m %s %s), %s",
			ErrTooManyErrors, failed, finished, m, b.String(), iostreams.QuoteArg(mp), iostreams.QuoteArg(r.opt.Input), again)
		close(r.stop)
	})
}
