package retry

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

func TestDoRetriesAndShares(t *testing.T) {
	m := &mock{}
	v := Wrap(m, Policy{Sleep: func(context.Context, time.Duration) error { return nil }})
	d, ok := v.(Doer)
	require.True(t, ok, "every wrapped vendor runs extra calls through Do")
	calls := 0
	err := d.Do(context.Background(), "clientdata", func(context.Context) error {
		calls++
		if calls < 3 {
			return &crm.Error{Vendor: "mock", Kind: crm.KindRetryable, Message: "busy"}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, calls)

	calls = 0
	err = d.Do(context.Background(), "clientdata", func(context.Context) error {
		calls++
		return &crm.Error{Vendor: "mock", Kind: crm.KindFatal, Message: "no"}
	})
	require.Error(t, err)
	assert.Equal(t, 1, calls, "fatal errors are not retried")
}

func TestFewerCapsRetries(t *testing.T) {
	m := &mock{}
	v := Wrap(m, Policy{Retries: Times(5), Sleep: func(context.Context, time.Duration) error { return nil }})
	calls := 0
	fail := func(context.Context) error {
		calls++
		return &crm.Error{Vendor: "mock", Kind: crm.KindRetryable, Message: "busy"}
	}
	require.Error(t, Fewer(v, 1).(Doer).Do(context.Background(), "x", fail))
	assert.Equal(t, 2, calls, "one try and one retry")
	calls = 0
	require.Error(t, Fewer(v, 50).(Doer).Do(context.Background(), "x", fail))
	assert.Equal(t, 6, calls, "never more than the policy allows")
	calls = 0
	require.Error(t, v.(Doer).Do(context.Background(), "x", fail))
	assert.Equal(t, 6, calls, "the original keeps its policy")
	assert.Same(t, m, Fewer(m, 1), "a vendor not made by Wrap is returned as is")
}

func TestMayResend(t *testing.T) {
	m := &mock{}
	assert.True(t, MayResend(m), "a vendor not made by Wrap: the caller decides")
	assert.True(t, MayResend(Wrap(m, Policy{})), "default retries")
	assert.True(t, MayResend(Wrap(m, Policy{Retries: Times(2)})))
	assert.False(t, MayResend(Wrap(m, Policy{Retries: NoRetries})))
	assert.False(t, MayResend(Fewer(Wrap(m, Policy{Retries: Times(3)}), 0)), "capped by Fewer")
	assert.False(t, MayResend(Fewer(Wrap(m, Policy{Retries: NoRetries}), 1)), "Fewer never raises the policy")
	assert.Equal(t, DefaultRetries, Count{}.N(), "the zero value is the default")
	assert.Equal(t, 0, Times(-3).N())
}
