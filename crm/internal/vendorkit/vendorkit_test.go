package vendorkit

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

func TestScalarString(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    string
		wantErr string
	}{
		{"string", "a b", "a b", ""},
		{"int64", int64(-7), "-7", ""},
		{"int", 42, "42", ""},
		{"float", 1.5, "1.5", ""},
		{"NaN", math.NaN(), "", "is not a number"},
		{"bool", true, "true", ""},
		{"date", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "2024-03-01", ""},
		{"date and time", time.Date(2024, 3, 1, 9, 5, 0, 0, time.UTC), "2024-03-01 09:05:00", ""},
		{"json number", json.Number("12.50"), "12.50", ""},
		{"unsupported", struct{}{}, "", "cannot be sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ScalarString(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestValuesAndNormalizers(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want []string
	}{
		{"nil", nil, nil},
		{"list", []string{"a", "b"}, []string{"a", "b"}},
		{"scalar", int64(3), []string{"3"}},
		{"unformattable", []any{"a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, Values(tt.in)) })
	}
	assert.Equal(t, "jan@x.pl", NormalizeEmail("  Jan@X.PL "))
	assert.Equal(t, "48600100200", Digits("+48 (600) 100-200"))
	assert.Equal(t, "", Digits("brak"))
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		want     time.Duration
	}{
		{"empty", "", 0},
		{"seconds", " 30 ", 30 * time.Second},
		{"negative", "-5", 0},
		{"http date ahead", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"http date past", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, RetryAfter(tt.in, now)) })
	}
}

func TestHTTPClient(t *testing.T) {
	own := &http.Client{}
	assert.Same(t, own, HTTPClient(own, time.Second))
	assert.Equal(t, DefaultTimeout, HTTPClient(nil, 0).Timeout)
	assert.Equal(t, 5*time.Second, HTTPClient(nil, 5*time.Second).Timeout)
}

func TestTransportError(t *testing.T) {
	tr := Transport{Vendor: "acme", Display: "Acme", EnvURL: "CRMPORT_ACME_URL"}
	cause := errors.New("connection reset")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name        string
		ctx         context.Context
		write, sent bool
		kind        crm.Kind
		msg         string
	}{
		{"read not sent", context.Background(), false, false, crm.KindRetryable, "could not reach Acme: connection reset; check CRMPORT_ACME_URL"},
		{"read sent", context.Background(), false, true, crm.KindRetryable, "Acme's answer was lost"},
		{"write sent", context.Background(), true, true, crm.KindAmbiguous, "may or may not have been applied"},
		{"cancelled write sent", cancelled, true, true, crm.KindAmbiguous, "cancelled after the request was sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ce *crm.Error
			require.ErrorAs(t, tr.Error(tt.ctx, "op", tt.write, tt.sent, cause), &ce)
			assert.Equal(t, tt.kind, ce.Kind)
			assert.Equal(t, "acme", ce.Vendor)
			assert.Contains(t, ce.Message, tt.msg)
		})
	}
	err := tr.Error(cancelled, "op", true, false, cause)
	assert.ErrorIs(t, err, context.Canceled)
	var ce *crm.Error
	assert.False(t, errors.As(err, &ce), "a cancelled unsent request is not a vendor error")
}

func TestAgreement(t *testing.T) {
	rec := map[string]any{"surname": "Nowak", "email": "biuro@firma.pl", "phone_number": "+48 601 234 567"}
	colleague := map[string]any{"surname": "Kowalski", "email": "biuro@firma.pl", "phone_number": "+48 602 000 000"}
	own := map[string]any{"surname": "NOWAK", "email": "Biuro@firma.pl", "phone_number": "601234567", "id": "7"}
	if a, b := Agreement(rec, own), Agreement(rec, colleague); a <= b {
		t.Errorf("own client agrees on %d fields, colleague on %d: the own one must win", a, b)
	}
	if n := Agreement(rec, map[string]any{}); n != 0 {
		t.Errorf("nothing stored agrees on %d fields", n)
	}
}
