package baselinker

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // "blocked until" times are Polish local time; Windows has no zoneinfo

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// vendorName is the registry name used in every error.
// transport classifies failures to reach the server.
var transport = vendorkit.Transport{Vendor: vendorName, Display: "BaseLinker", EnvURL: EnvURL}

const vendorName = "baselinker"

// blockMargin is added to the "blocked until" time before retrying.
const blockMargin = 2 * time.Second

// defaultBlockWait is used when the block's end cannot be read.
const defaultBlockWait = 60 * time.Second

// warsaw is the zone of BaseLinker's "blocked until" timestamps.
var warsaw = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

var blockedUntil = regexp.MustCompile(`(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})`)

// fatalCodes are error codes that no retry or other record can fix.
var fatalCodes = map[string]string{
	"ERROR_BAD_TOKEN":      "BaseLinker does not accept the API token: check CRMPORT_BASELINKER_TOKEN (BaseLinker panel: Account & other → My account → API)",
	"ERROR_AUTH_TOKEN":     "BaseLinker does not accept the API token: check CRMPORT_BASELINKER_TOKEN (BaseLinker panel: Account & other → My account → API)",
	"ERROR_UNKNOWN_METHOD": "BaseLinker does not know this method: check CRMPORT_BASELINKER_URL and that the account has the CRM module",
}

// checkResponse is the only place that reads BaseLinker's HTTP status and
// answer envelope. BaseLinker answers HTTP 200 with status ERROR,
// error_code and error_message: ERROR_BLOCKED_TOKEN and
// ERROR_USER_ACCOUNT_BLOCKED are retryable after the "blocked until" time;
// token and unknown-method codes are fatal; any other code is a rejection
// of the data. Non-2xx: 429/5xx retryable, 401/403 fatal, others fatal
// (a wrong address). A 2xx body that is not the JSON envelope is ambiguous
// for a write and retryable for a read.
func checkResponse(op string, write bool, resp *http.Response, body []byte, now time.Time) error {
	e := &crm.Error{Vendor: vendorName, Op: op, HTTPStatus: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		e.Code = strconv.Itoa(resp.StatusCode)
		e.Message = "HTTP " + e.Code + " " + http.StatusText(resp.StatusCode)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			e.Kind = crm.KindRetryable
			e.RetryAfter = vendorkit.RetryAfter(resp.Header.Get("Retry-After"), now)
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			e.Kind = crm.KindFatal
			e.Message += ": BaseLinker refused the token; check CRMPORT_BASELINKER_TOKEN"
		default:
			e.Kind = crm.KindFatal
			e.Message += ": check CRMPORT_BASELINKER_URL (it should end in /connector.php)"
		}
		return e
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Status == "" {
		if err == nil {
			err = fmt.Errorf("no status in the answer")
		}
		return badAnswer(op, write, resp.StatusCode, body, err)
	}
	if strings.EqualFold(env.Status, "SUCCESS") {
		return nil
	}
	e.Code = strings.TrimSpace(env.ErrorCode)
	e.Message = strings.TrimSpace(env.ErrorMessage)
	if e.Code == "" {
		e.Code = "ERROR"
	}
	switch {
	case e.Code == "ERROR_BLOCKED_TOKEN" || e.Code == "ERROR_USER_ACCOUNT_BLOCKED":
		e.Kind = crm.KindRetryable
		e.RetryAfter = blockWait(e.Message, now)
		e.Hint = fmt.Sprintf("BaseLinker allows 100 requests per minute per token, shared with other integrations; wait %s", e.RetryAfter.Round(time.Second))
	case fatalCodes[e.Code] != "":
		e.Kind = crm.KindFatal
		if e.Message != "" {
			e.Message += ": "
		}
		e.Message += fatalCodes[e.Code]
	default:
		e.Kind = crm.KindRejected
		if strings.Contains(e.Code, "CLIENT_NOT_FOUND") {
			e.Err = crm.ErrNotFound
		}
	}
	if e.Message == "" {
		e.Message = "BaseLinker reported an error without a message"
	}
	return e
}

// blockWait reads "… token blocked until 2022-05-03 17:15:34" (Polish local
// time) and returns the wait until then plus a margin; 60s if unreadable.
func blockWait(msg string, now time.Time) time.Duration {
	m := blockedUntil.FindStringSubmatch(msg)
	if m == nil {
		return defaultBlockWait
	}
	until, err := time.ParseInLocation("2006-01-02 15:04:05", strings.Replace(m[1], "T", " ", 1), warsaw)
	if err != nil {
		return defaultBlockWait
	}
	d := until.Sub(now) + blockMargin
	if d < blockMargin {
		d = blockMargin
	}
	return d
}

// badAnswer classifies a 2xx answer that cannot be understood: ambiguous
// for a write, retryable for a read.
func badAnswer(op string, write bool, status int, body []byte, why error) error {
	kind := crm.KindRetryable
	if write {
		kind = crm.KindAmbiguous
	}
	desc := "an empty answer"
	if t := strings.TrimSpace(string(body)); t != "" {
		desc = "an answer that is not the expected JSON"
		if strings.HasPrefix(t, "<") {
			desc = "an HTML page instead of JSON"
		}
	}
	msg := fmt.Sprintf("BaseLinker sent %s (HTTP %d)", desc, status)
	if write {
		msg += "; the change may or may not have been applied"
	}
	return &crm.Error{Vendor: vendorName, Op: op, Kind: kind, HTTPStatus: status, Message: msg, Err: why}
}

// retryNotice words a blocked token or account for the retry notice:
// BaseLinker's own "blocked until" is Polish time with a date, so the
// notice says when crmport tries again, in the user's clock. Other errors
// are left to their message ("").
func retryNotice(e *crm.Error, again time.Time) string {
	switch e.Code {
	case "ERROR_BLOCKED_TOKEN":
		return "query limit reached, token blocked until " + again.Format("15:04:05")
	case "ERROR_USER_ACCOUNT_BLOCKED":
		return "account temporarily blocked until " + again.Format("15:04:05")
	}
	return ""
}
