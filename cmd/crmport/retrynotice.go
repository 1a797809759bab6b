package main

import (
	"fmt"
	"time"

	"github.com/crmport/crmport/job"
)

// retryNotices words the retries of an import or export as lines. Retries
// of a few seconds are routine on a flaky network: they are said at most
// every 5 s, with how many were not shown. A long wait (a token blocked
// for a minute) is always said.
type retryNotices struct {
	last  time.Time
	muted int // retries not shown since the last notice
}

// note returns the line for e at now, or false when it is not shown.
func (n *retryNotices) note(now time.Time, e job.Retrying) (string, bool) {
	if e.Wait < 10*time.Second && now.Sub(n.last) < 5*time.Second {
		n.muted++
		return "", false
	}
	n.last = now
	line := retryNotice(e)
	if n.muted > 0 {
		line += fmt.Sprintf(" (%d more %s since the last notice)", n.muted, plural(n.muted, "retry", "retries"))
		n.muted = 0
	}
	return line, true
}

// retryNotice is the one line shown when a call to the vendor is retried,
// e.g. "BaseLinker: query limit reached, token blocked until 16:53:38;
// waiting 6s, then trying again".
func retryNotice(e job.Retrying) string {
	if e.Wait >= time.Second {
		return fmt.Sprintf("%s: %s; waiting %s, then trying again", e.Vendor, e.Message, e.Wait.Round(time.Second))
	}
	return fmt.Sprintf("%s: %s; trying again", e.Vendor, e.Message)
}
