package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/internal/iostreams"
	"github.com/crmport/crmport/job"
)

// Under a flaky network the retry notices are summarised, not one line per
// retry; a long wait is always said.
func TestRetryNoticesAreSummarised(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := iostreams.Test()
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	p := newImportProgress(&importOptions{IO: ios}, func() time.Time { return now })
	busy := job.Retrying{Vendor: "BaseLinker", Op: "create", Message: "HTTP 429 Too Many Requests", Wait: time.Second}
	for i := 0; i < 10; i++ {
		p.Event(busy)
		now = now.Add(100 * time.Millisecond)
	}
	assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), errOut.String())
	now = now.Add(5 * time.Second)
	p.Event(busy)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Contains(t, lines[1], "(9 more retries since the last notice)")
	p.Event(job.Retrying{Vendor: "BaseLinker", Op: "create", Message: "query limit reached, token blocked until 14:00:51", Wait: 45 * time.Second})
	assert.Contains(t, errOut.String(), "BaseLinker: query limit reached, token blocked until 14:00:51; waiting 45s, then trying again", "a long wait is always said")
}

func TestRetryNotice(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Thulium: HTTP 502 Bad Gateway; trying again", retryNotice(job.Retrying{Vendor: "Thulium", Message: "HTTP 502 Bad Gateway", Wait: 200 * time.Millisecond}))
	assert.Equal(t, "SalesMan: the server answered HTTP 503 Service Unavailable; waiting 2s, then trying again",
		retryNotice(job.Retrying{Vendor: "SalesMan", Message: "the server answered HTTP 503 Service Unavailable", Wait: 2 * time.Second}))
}
