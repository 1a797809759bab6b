package job

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
)

// A retry is reported with the vendor's message in its own words and
// without the advice meant for someone retrying by hand.
func TestRetrying(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 16, 53, 32, 0, time.Local)
	env := &Env{}
	tests := []struct {
		name   string
		vendor string
		err    error
		wait   time.Duration
		want   Retrying
	}{
		{"baselinker block in its own words", "baselinker", &crm.Error{Vendor: "baselinker", Op: "addCrmClient", Kind: crm.KindRetryable, Code: "ERROR_BLOCKED_TOKEN",
			Message: "Query limit exceeded, token blocked until 2026-01-01 16:53:37", Hint: "BaseLinker allows 100 requests per minute per token, shared with other integrations; wait 6s"},
			6 * time.Second, Retrying{Vendor: "BaseLinker", Message: "query limit reached, token blocked until 16:53:38", Wait: 6 * time.Second}},
		{"the hint is left out", "salesman", &crm.Error{Vendor: "salesman", Kind: crm.KindRetryable, Code: "503",
			Message: "the server answered HTTP 503 Service Unavailable", Hint: "try again later"},
			2 * time.Second, Retrying{Vendor: "SalesMan", Message: "the server answered HTTP 503 Service Unavailable", Wait: 2 * time.Second}},
		{"plain error", "thulium", errors.New("connection reset by peer"), 3 * time.Second,
			Retrying{Vendor: "Thulium", Message: "connection reset by peer", Wait: 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := retrying(env.Vendor(tt.vendor), "create", tt.err, tt.wait, now)
			assert.Equal(t, tt.want.Vendor, got.Vendor)
			assert.Equal(t, tt.want.Message, got.Message)
			assert.Equal(t, tt.want.Wait, got.Wait)
			assert.NotContains(t, got.Message, "later")
			assert.NotContains(t, got.Message, "wait")
		})
	}
	// Error() still says the hint, for logs and the final error.
	assert.Contains(t, (&crm.Error{Vendor: "salesman", Message: "HTTP 503", Hint: "try again later"}).Error(), "HTTP 503; try again later")
}
