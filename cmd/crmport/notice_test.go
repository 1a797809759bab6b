package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/iostreams"
)

// Under a flaky network the retry notices are summarised, not one line per
// retry; a long wait is always said.
func TestRetryNoticesAreSummarised(t *testing.T) {
	t.Parallel()
	ios, _, _, errOut := iostreams.Test()
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	p := newImportProgress(&importOptions{IO: ios}, "baselinker", func() time.Time { return now })
	busy := &crm.Error{Vendor: "baselinker", Kind: crm.KindRetryable, HTTPStatus: 429, Message: "HTTP 429 Too Many Requests"}
	for i := 0; i < 10; i++ {
		p.Retrying("create", busy, time.Second)
		now = now.Add(100 * time.Millisecond)
	}
	assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), errOut.String())
	now = now.Add(5 * time.Second)
	p.Retrying("create", busy, time.Second)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Contains(t, lines[1], "(9 more retries since the last notice)")
	blocked := &crm.Error{Vendor: "baselinker", Kind: crm.KindRetryable, Code: "ERROR_BLOCKED_TOKEN", Message: "Query limit exceeded"}
	p.Retrying("create", blocked, 45*time.Second)
	assert.Contains(t, errOut.String(), "BaseLinker: query limit reached, token blocked until 14:00:51", "a long wait is always said, in BaseLinker's own words")
}
