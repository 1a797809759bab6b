package crm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind classifies a vendor error once, at the boundary.
type Kind int

// The kinds of vendor errors.
const (
	KindRetryable Kind = iota + 1 // network, timeout, 429, 5xx, the vendor's rate-limit code
	KindDuplicate                 // already exists; Error.ID holds the existing id (SalesMan 304/406)
	KindRejected                  // bad data: report the row, continue
	KindFatal                     // auth, unknown method, account problem: stop the run
	KindAmbiguous                 // the request was sent and the answer lost: Find before resending
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case KindRetryable:
		return "retryable"
	case KindDuplicate:
		return "duplicate"
	case KindRejected:
		return "rejected"
	case KindFatal:
		return "fatal"
	case KindAmbiguous:
		return "ambiguous"
	}
	return "unknown"
}

// Error is returned by every vendor for every API failure.
type Error struct {
	Vendor  string // "baselinker"
	Op      string // "addCrmClient", "client/add.list"
	Kind    Kind   // how callers should react
	Code    string // vendor code, e.g. BaseLinker error_code or SalesMan "304"
	Message string // vendor message, secrets removed
	// Hint is what a person would do about it by hand ("try again
	// later"), kept apart from Message: Error() says both, while a front
	// end that retries on its own shows Message with its own words.
	Hint       string
	Field      string        // vendor field at fault, if known
	HTTPStatus int           // HTTP status, if any
	RetryAfter time.Duration // from Retry-After or the vendor's documented window
	ID         string        // existing id, for KindDuplicate
	Err        error         // underlying transport error, if any
}

// Error formats the error as "vendor op: code: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Vendor)
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	parts := []string{}
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if e.Err != nil && e.Message == "" {
		parts = append(parts, e.Err.Error())
	}
	if e.Hint != "" && len(parts) > 0 {
		parts[len(parts)-1] += "; " + e.Hint
	} else if e.Hint != "" {
		parts = append(parts, e.Hint)
	}
	if len(parts) == 0 {
		parts = append(parts, e.Kind.String()+" error")
	}
	b.WriteString(strings.Join(parts, ": "))
	return b.String()
}

// Unwrap returns the underlying transport error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err if it is (or wraps) an *Error. Context
// cancellation and deadline errors return 0: they are not retryable.
func KindOf(err error) Kind {
	if err == nil {
		return 0
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		var e *Error
		if errors.As(err, &e) && e.Kind == KindAmbiguous {
			return KindAmbiguous
		}
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// RetryAfterOf returns the wait the vendor asked for, if any.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Errorf builds an *Error of the given kind with a formatted message.
func Errorf(vendor, op string, kind Kind, format string, args ...any) *Error {
	return &Error{Vendor: vendor, Op: op, Kind: kind, Message: fmt.Sprintf(format, args...)}
}

var (
	// ErrUnsupported is returned for an operation the vendor does not offer.
	ErrUnsupported = errors.New("not supported by this vendor")
	// ErrNotFound is returned by Finder when no record matches.
	ErrNotFound = errors.New("record not found")
)
