// Package crmtest is the conformance suite every vendor client runs against
// its emulator (after rclone's fstests and golang-migrate's dt.Test): an
// explicit, ordered list of small tests, each on a fresh harness.
//
// A vendor's test file is a few lines:
//
//	func TestConformance(t *testing.T) {
//		crmtest.Run(t, crmtest.Opt{
//			New: func(t *testing.T) crmtest.Harness {
//				f := fake.New()
//				srv := httptest.NewServer(f) // 127.0.0.1 only
//				t.Cleanup(srv.Close)
//				c, err := baselinker.New(baselinker.Config{URL: srv.URL + fake.Path, Token: "test-token"}, srv.Client())
//				require.NoError(t, err)
//				return crmtest.Harness{Vendor: c, Fake: f, URL: srv.URL, HTTP: srv.Client()}
//			},
//			Valid:   validRecord,             // i-th distinct valid record
//			Invalid: crm.Record{"star": 9},   // rejected by the vendor
//			Key:     func(r crm.Record) string { ... }, // e-mail, as in records, List results and fake.Records()
//			BadAuth: func(t *testing.T, h crmtest.Harness) crm.Vendor { ... same URL, token "wrong" ... },
//			Secrets: []string{"test-token"},
//		})
//	}
//
// Tests skip by capability (no List, no Finder, no Updater), skip fault
// tests when Harness.Fake is nil (a live sandbox), and skip what an Opt
// leaves out (no Duplicate → CreateDuplicate skips). Opt.Skip skips a test
// by name with a reason.
package crmtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/crmport/crmport/crm"
)

// Harness is one fresh vendor client and the emulator behind it.
type Harness struct {
	Vendor crm.Vendor
	Fake   crm.Controller // nil against a live sandbox: fault tests skip
	URL    string         // the server's base URL (for BadAuth), optional
	HTTP   *http.Client   // the client used for the server, optional
}

// Opt configures Run for one vendor.
type Opt struct {
	// New returns a fresh vendor and a fresh, empty fake per test.
	New func(t *testing.T) Harness
	// Valid returns the i-th distinct valid record (distinct natural keys).
	Valid func(i int) crm.Record
	// Invalid is a record the vendor rejects (KindRejected).
	Invalid crm.Record
	// Key returns a record's natural key (e.g. its e-mail). It must work on
	// Valid records, on records returned by List and Find, and (unless
	// StoredKey is set) on fake.Records(). Default: the "email" field.
	Key func(r crm.Record) string
	// StoredKey is Key for fake.Records(), if the fake stores another shape.
	StoredKey func(r crm.Record) string
	// Unicode returns a valid record carrying text in one field, and that
	// field's name in records read back. Nil: Valid(i) with text in "name".
	Unicode func(i int, text string) (rec crm.Record, field string)
	// Duplicate returns a record the vendor reports as a duplicate of rec
	// once rec exists. Nil: the vendor has no server duplicate detection
	// and CreateDuplicate skips.
	Duplicate func(rec crm.Record) crm.Record
	// Partial returns a record whose natural key is a strict part of rec's
	// (e.g. "nowak@firma.pl" for "jan.nowak@firma.pl"): Find must not
	// return rec for it. Nil skips that check.
	Partial func(rec crm.Record) crm.Record
	// Update returns an update of the stored record id (created from
	// orig) that changes at least one field. Nil skips UpdateOne.
	Update func(id string, orig crm.Record) crm.Record
	// BadAuth returns a client for h's server with wrong credentials. Nil
	// skips AuthFatal.
	BadAuth func(t *testing.T, h Harness) crm.Vendor
	// RateLimitCode is the Fault.Code that makes the fake answer with the
	// vendor's own rate-limit error ("" skips that case).
	RateLimitCode string
	// Secrets must never appear in an error or a recorded request.
	Secrets []string
	// Skip maps a test name to the reason it does not apply.
	Skip map[string]string
}

// tests is the ordered list of conformance tests Run runs.
var tests = []struct {
	Name string
	Fn   func(*testing.T, Opt)
}{
	{"Fields", testFields},
	{"CreateOne", testCreateOne},
	{"CreateBatchAligned", testBatchAligned},
	{"CreateRejected", testRejected},
	{"CreateDuplicate", testDuplicate},
	{"Unicode", testUnicode},
	{"Retryable", testRetryable},
	{"AuthFatal", testAuthFatal},
	{"Ambiguous", testAmbiguous},
	{"ListAllPages", testListAllPages},
	{"ListEmpty", testListEmpty},
	{"ListNoDuplicatesWhileAdding", testListWhileAdding},
	{"ContextCancel", testContextCancel},
	{"NoSecretsInErrors", testNoSecrets},
	{"UpdateOne", testUpdateOne},
	{"Find", testFind},
	{"CreateUnderFaults", testCreateUnderFaults},
}

// Run runs every conformance test against the vendor built by opt.New.
func Run(t *testing.T, opt Opt) {
	t.Helper()
	if opt.New == nil || opt.Valid == nil {
		t.Fatal("crmtest.Opt needs New and Valid")
	}
	if opt.Key == nil {
		opt.Key = func(r crm.Record) string { return keyString(r["email"]) }
	}
	if opt.StoredKey == nil {
		opt.StoredKey = opt.Key
	}
	if opt.Unicode == nil {
		opt.Unicode = func(i int, text string) (crm.Record, string) {
			r := opt.Valid(i)
			r["name"] = text
			return r, "name"
		}
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if why, ok := opt.Skip[tt.Name]; ok {
				t.Skip(why)
			}
			tt.Fn(t, opt)
		})
	}
}

func keyString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []string:
		if len(v) == 0 {
			return ""
		}
		return strings.ToLower(strings.TrimSpace(v[0]))
	case []any:
		if len(v) == 0 {
			return ""
		}
		return keyString(v[0])
	}
	return strings.ToLower(strings.TrimSpace(fmt.Sprint(v)))
}
