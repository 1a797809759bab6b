package crmtest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/crmtest"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
)

// broken is the reference client with one deliberate bug, to prove the
// suite notices it.
type broken struct {
	*memvendor.Client
	bug  string
	last crm.Record
}

func (b *broken) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	res, err := b.Client.Create(ctx, recs)
	switch {
	case err != nil && b.bug == "leaky":
		return nil, fmt.Errorf("call with token %s failed: %w", memvendor.Token, err)
	case err != nil && b.bug == "misclassified":
		return nil, &crm.Error{Vendor: "memvendor", Kind: crm.KindRejected, Message: err.Error()}
	}
	return res, err
}

func (b *broken) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	if b.bug == "never-finds" {
		return "", nil, crm.ErrNotFound
	}
	return b.Client.Find(ctx, rec)
}

func (b *broken) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	p, err := b.Client.List(ctx, q, cursor)
	if b.bug == "list-repeats" && b.last != nil {
		p.Records = append([]crm.Record{b.last}, p.Records...)
	}
	if len(p.Records) > 0 {
		b.last = p.Records[len(p.Records)-1]
	}
	return p, err
}

// TestBrokenVendor runs the suite against a broken client; it only runs
// as the child process of TestSuiteCatchesBugs.
func TestBrokenVendor(t *testing.T) {
	bug := os.Getenv("CRMTEST_BUG")
	if bug == "" {
		t.Skip("run by TestSuiteCatchesBugs")
	}
	crmtest.Run(t, crmtest.Opt{
		New: func(t *testing.T) crmtest.Harness {
			h := newHarness(t)
			h.Vendor = &broken{Client: h.Vendor.(*memvendor.Client), bug: bug}
			return h
		},
		Valid:         valid,
		Invalid:       crm.Record{"name": "Bez maila", "email": "not-an-address"},
		RateLimitCode: "rate-limit",
		Secrets:       []string{memvendor.Token},
		Skip:          map[string]string{"ContextCancel": "slow and unrelated"},
	})
}

func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	tests := []struct {
		bug      string
		wantFail []string
	}{
		{"never-finds", []string{"Ambiguous", "CreateUnderFaults"}},
		{"list-repeats", []string{"ListAllPages", "ListNoDuplicatesWhileAdding"}},
		{"leaky", []string{"NoSecretsInErrors"}},
		{"misclassified", []string{"Retryable"}},
	}
	for _, tt := range tests {
		t.Run(tt.bug, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBrokenVendor$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "CRMTEST_BUG="+tt.bug)
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a broken vendor:\n%s", out)
			for _, name := range tt.wantFail {
				assert.Contains(t, string(out), "--- FAIL: TestBrokenVendor/"+name+" ", "test %s should catch %s", name, tt.bug)
			}
			assert.Contains(t, string(out), "--- PASS: TestBrokenVendor/CreateOne ", "unrelated tests still pass")
		})
	}
}
