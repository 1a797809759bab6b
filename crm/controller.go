package crm

import (
	"net/http"
	"time"
)

// Controller is the test and sandbox control surface every emulator
// (crm/<vendor>/fake) implements, after rclone's memory backend.
type Controller interface {
	// Reset empties the store, the fault queue and the request log.
	Reset()
	// Seed puts records straight into the store and returns their ids.
	Seed(recs []Record) (ids []string)
	// SetPageSize overrides the vendor's page size (to force several pages).
	SetPageSize(n int)
	// Inject queues a fault for the next matching request(s).
	Inject(f Fault)
	// SetFaultRate answers a fraction p of requests with a random transient
	// fault, chosen with a generator seeded by seed (reproducible).
	SetFaultRate(p float64, seed int64)
	// SetLatency adds d before every answer.
	SetLatency(d time.Duration)
	// Records returns the store's contents, in creation order.
	Records() []Record
	// Len is len(Records()) without copying the store: a test polling
	// how many clients arrived.
	Len() int
	// Requests returns the recorded requests, secrets removed.
	Requests() []RecordedRequest
	// SaveState serialises the store (for `crmport sandbox --state`).
	SaveState() ([]byte, error)
	// LoadState replaces the store with a SaveState result.
	LoadState(data []byte) error
}

// Fake is an emulator: an http.Handler with a Controller.
type Fake interface {
	http.Handler
	Controller
}

// Fault describes a failure an emulator produces on purpose.
type Fault struct {
	Op         string        // vendor operation ("client/add.list", "POST /api/customers", "addCrmClient"); "" = any
	Match      string        // only requests whose body contains this text (a poisonous record); "" = any
	Times      int           // how many matching requests it applies to; 0 means 1
	Status     int           // HTTP status to answer (429 gets a Retry-After header)
	RetryAfter time.Duration // Retry-After for 429 (rounded up to whole seconds); 0 = 1s
	Code       string        // answer with the vendor's own error of this code (e.g. ERROR_BLOCKED_TOKEN, "html" for a SalesMan PHP fatal)
	Delay      time.Duration // wait before answering (longer than the client's timeout = a timeout)
	Drop       bool          // close the connection before applying or answering
	Commit     bool          // apply the request, then close the connection (the answer is lost)
}

// RecordedRequest is one request an emulator received, secrets removed.
type RecordedRequest struct {
	Method string
	Path   string // URL path and query
	Op     string // vendor operation
	Body   string
	Status int    // HTTP status answered (0 if the connection was dropped)
	Fault  string // the fault applied, if any
}
