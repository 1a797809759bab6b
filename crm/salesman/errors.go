package salesman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// Vendor codes seen on the real server (RESULTS.md) and in the docs.
const (
	codeBadKey        = 400 // documented, unreachable on the real server
	codeUnknownUser   = 401 // wrong apikey, wrong login, Content-Type with charset
	codeMissingParams = 402 // missing title; also "Неизвестный метод" (unknown action)
	codeNotFound      = 403 // update/info/delete of an unknown or invisible client
	codeNotFoundUID   = 404 // info by an unknown uid
	codeNoParams      = 405 // documented "missing parameters"
	codeDuplicate     = 304 // real duplicate answer, clid in "exists"
	codeDuplicateDoc  = 406 // documented duplicate answer, clid in "data"
	codeNotDeleted    = 408 // delete refused: the client has deals
	codeDBError       = 500 // per-record database error (strict SQL mode: "Data too long")
)

// isWrite reports whether op changes data on the server. A write whose
// answer is lost has an unknown outcome (KindAmbiguous); a read can simply
// be repeated (KindRetryable).
func isWrite(op string) bool {
	switch op {
	case "client/add", "client/add.list", "client/update", "client/delete":
		return true
	}
	return false
}

// lostKind is the kind of a request that was sent but whose answer was
// lost or unreadable.
func lostKind(op string) crm.Kind {
	if isWrite(op) {
		return crm.KindAmbiguous
	}
	return crm.KindRetryable
}

// checkResponse is the one place that reads HTTP status codes and the
// server's top-level answer. It returns nil when body holds JSON that is
// not a whole-call failure; per-record errors inside that JSON are
// classified by recordError. The SalesMan server answers 200 for
// everything, so non-200 codes come from proxies or web servers. With
// envelope false the caller decodes the answer itself and checks it with
// callFailed (client/list: one pass over a large body instead of two).
func (c *Client) checkResponse(op string, resp *http.Response, body []byte, envelope bool) error {
	e := &crm.Error{Vendor: vendorName, Op: op, HTTPStatus: resp.StatusCode}
	st := resp.StatusCode
	switch {
	case st == http.StatusTooManyRequests || st >= 500:
		e.Kind = crm.KindRetryable
		e.Code = strconv.Itoa(st)
		e.RetryAfter = vendorkit.RetryAfter(resp.Header.Get("Retry-After"), time.Now())
		e.Message = fmt.Sprintf("the server answered HTTP %d %s", st, http.StatusText(st))
		e.Hint = "try again later"
		return e
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		e.Kind = crm.KindFatal
		e.Code = strconv.Itoa(st)
		e.Message = fmt.Sprintf("the web server refused access (HTTP %d); check CRMPORT_SALESMAN_URL, CRMPORT_SALESMAN_LOGIN and CRMPORT_SALESMAN_APIKEY", st)
		return e
	case st == http.StatusNotFound:
		e.Kind = crm.KindFatal
		e.Code = "404"
		e.Message = "no SalesMan API at this address (HTTP 404); set CRMPORT_SALESMAN_URL to the CRM root, e.g. https://crm.example.ru (crmport adds /developer/v3/client/...)"
		return e
	case st < 200 || st >= 300:
		e.Kind = crm.KindFatal
		e.Code = strconv.Itoa(st)
		e.Message = fmt.Sprintf("unexpected HTTP %d %s from the server; check CRMPORT_SALESMAN_URL", st, http.StatusText(st))
		return e
	}

	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Kind = lostKind(op)
		e.Message = "the server sent an empty answer (a crash or an unknown method on the server side); the outcome is unknown"
		return e
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		snippet := c.redact(htmlSnippet(trimmed))
		ct := strings.ToLower(resp.Header.Get("Content-Type"))
		if !isPHPError(trimmed) && !strings.Contains(ct, "json") && looksHTML(trimmed) {
			e.Kind = crm.KindFatal
			e.Message = "the address answered with a web page, not the SalesMan API; set CRMPORT_SALESMAN_URL to the CRM root (SalesMan must be served at the web root): " + snippet
			return e
		}
		e.Kind = lostKind(op)
		e.Message = "the server answered with an error page instead of JSON (PHP error: " + snippet + ")"
		if isWrite(op) {
			e.Message += "; records sent before the failure may have been saved"
		}
		return e
	}
	if trimmed[0] != '{' || !envelope {
		return nil
	}
	var env callEnvelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		// Syntax errors are handled by the caller's decoder (which can
		// repair the server's broken escapes); nothing to classify here.
		return nil
	}
	return c.callFailed(op, resp.StatusCode, env)
}

// callEnvelope holds the fields of an answer that say whether the whole
// call failed.
type callEnvelope struct {
	Result string          `json:"result"`
	Error  json.RawMessage `json:"error"`
}

// callFailed classifies an answer whose envelope says the whole call
// failed (a bad key, an unknown method); nil for anything else.
func (c *Client) callFailed(op string, status int, ce callEnvelope) error {
	env := envelope{Result: ce.Result, Error: ce.Error}
	ae, failed := env.failed()
	if !failed {
		return nil
	}
	e := &crm.Error{Vendor: vendorName, Op: op, HTTPStatus: status}
	switch {
	case ae.Code == codeBadKey || ae.Code == codeUnknownUser:
		e.Kind = crm.KindFatal
		e.Code = strconv.FormatInt(int64(ae.Code), 10)
		e.Message = c.redact(ae.Text) + ": SalesMan did not accept the login or API key; check CRMPORT_SALESMAN_LOGIN and CRMPORT_SALESMAN_APIKEY (key: Панель управления / Общие настройки / Настройки безопасности)"
		return e
	case ae.Code == codeMissingParams && strings.Contains(strings.ToLower(ae.Text), "метод"):
		e.Kind = crm.KindFatal
		e.Code = strconv.FormatInt(int64(ae.Code), 10)
		e.Message = c.redact(ae.Text) + ": the server does not know " + op + "; is CRMPORT_SALESMAN_URL a SalesMan CRM with API v3?"
		return e
	}
	return nil
}

// recordError classifies the failure of one record (an add.list element, or
// the answer of update/info/delete). env must be a failed envelope.
func (c *Client) recordError(op string, env *envelope) *crm.Error {
	ae, _ := env.failed()
	e := &crm.Error{Vendor: vendorName, Op: op, HTTPStatus: http.StatusOK, Message: c.redact(ae.Text)}
	if ae.Code != 0 {
		e.Code = strconv.FormatInt(int64(ae.Code), 10)
	}
	switch ae.Code {
	case codeDuplicate, codeDuplicateDoc:
		e.Kind = crm.KindDuplicate
		// Documented form: clid in "data"; real server: clid in "exists"
		// and no "data"; both say "(clid = N)" in the text.
		if id, ok := rawInt(env.Data); ok {
			e.ID = strconv.FormatInt(id, 10)
		} else if id, ok := rawInt(env.Exists); ok {
			e.ID = strconv.FormatInt(id, 10)
		} else {
			e.ID = clidFromText(ae.Text)
		}
		e.Message = appendHint(e.Message, "a client with the same name (and phone or e-mail) already exists")
	case codeBadKey, codeUnknownUser:
		e.Kind = crm.KindFatal
		e.Message = appendHint(e.Message, "check CRMPORT_SALESMAN_LOGIN and CRMPORT_SALESMAN_APIKEY")
	case codeNotFound, codeNotFoundUID:
		e.Kind = crm.KindRejected
		e.Err = crm.ErrNotFound
		e.Message = appendHint(e.Message, "no such client visible to this login")
	case codeMissingParams, codeNoParams:
		e.Kind = crm.KindRejected
		e.Message = appendHint(e.Message, "a required value is missing (the client needs a non-empty title)")
	case codeNotDeleted:
		e.Kind = crm.KindRejected
		e.Message = appendHint(e.Message, "the client has deals and cannot be deleted")
	case codeDBError:
		e.Kind = crm.KindRejected
		e.Message = appendHint(e.Message, "the database refused the values (too long, or characters such as emoji it cannot store)")
	default:
		e.Kind = crm.KindRejected
		if e.Message == "" {
			e.Message = "the server refused the record without a reason"
		}
	}
	return e
}

var clidRe = regexp.MustCompile(`clid\s*=\s*(\d+)`)

// clidFromText reads "(clid = 1781)" from a duplicate message.
func clidFromText(s string) string {
	if m := clidRe.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func appendHint(msg, hint string) string {
	if msg == "" {
		return hint
	}
	return msg + " (" + hint + ")"
}

var (
	tagRe   = regexp.MustCompile(`<[^>]*>`)
	spaceRe = regexp.MustCompile(`\s+`)
)

func isPHPError(b []byte) bool {
	s := string(b)
	return strings.Contains(s, "Fatal error") || strings.Contains(s, "Parse error") ||
		strings.Contains(s, "Uncaught") || strings.Contains(s, "<b>Warning</b>")
}

func looksHTML(b []byte) bool {
	s := strings.ToLower(string(b[:min(len(b), 512)]))
	return strings.HasPrefix(s, "<") || strings.Contains(s, "<html") || strings.Contains(s, "<link") || strings.Contains(s, "<script")
}

// htmlSnippet turns an HTML error page into one short line: the text up to
// the stack trace, tags removed.
func htmlSnippet(b []byte) string {
	s := string(b)
	if i := strings.Index(s, "Stack trace"); i >= 0 {
		s = s[:i]
	}
	s = tagRe.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&gt;", ">", "&lt;", "<", "&amp;", "&", "&quot;", `"`).Replace(s)
	s = strings.TrimSpace(spaceRe.ReplaceAllString(s, " "))
	if r := []rune(s); len(r) > 240 {
		s = string(r[:240]) + "…"
	}
	if s == "" {
		s = "no readable text"
	}
	return s
}

// errNotFound builds the error Find returns when nothing matches.
func errNotFound(format string, args ...any) error {
	return fmt.Errorf("salesman: "+format+": %w", append(args, crm.ErrNotFound)...)
}

// isNotFound reports whether err is a "no such client" answer.
func isNotFound(err error) bool { return errors.Is(err, crm.ErrNotFound) }
