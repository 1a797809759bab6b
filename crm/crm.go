// Package crm defines what every CRM adapter provides and the types that flow
// between the importer, the exporter and the adapters.
//
// Adding a vendor is one package and one line; nothing else of crmport
// names a vendor (internal/layering checks that mapping and importer do
// not):
//  1. Create crm/<vendor> with a Client that implements Vendor (and
//     Updater, Finder, Deleter where the API allows). Write wire types in
//     api.go from the vendor docs in shared/seeds; classify every reply in
//     one checkResponse func that returns *crm.Error.
//  2. Create crm/<vendor>/fake: an http.Handler emulating the documented
//     API, implementing crm.Controller. The fake never imports the client.
//  3. Write Registration() with every fact of the vendor: Name, Title,
//     Env, New, Catalogue, and the optional Aliases (mapping init),
//     Strict4Byte, SwitchOn, Custom, Normalize and RetryNotice.
//  4. Add <vendor>_test.go calling crmtest.Run against the fake.
//  5. Add one line to crm/all.Vendors().
//
// crm/crmtest/memvendor is a complete example, registered by tests as a
// fourth vendor.
//
// Guidelines: don't read environment variables or flags (configuration
// arrives in a Config value); don't retry (crm/retry does); don't log secrets.
package crm

import (
	"context"
	"iter"
	"time"

	"golang.org/x/time/rate"
)

// Record is one client as a vendor sees it: a vendor field path mapped to
// its value. Nested fields use dotted paths ("recv.castInn", "address.city",
// "custom_extra_fields.12"). Values are string, int64, float64, bool,
// time.Time or []string; vendors convert them to their wire types.
type Record map[string]any

// Clone returns a shallow copy of r (slices are copied too).
func (r Record) Clone() Record {
	out := make(Record, len(r))
	for k, v := range r {
		if s, ok := v.([]string); ok {
			v = append([]string(nil), s...)
		}
		out[k] = v
	}
	return out
}

// Status is the outcome of one record.
type Status string

// The outcomes a record can have.
const (
	StatusCreated   Status = "created"
	StatusUpdated   Status = "updated"
	StatusExists    Status = "exists"    // the vendor already had it (SalesMan duplicate); ID is the existing id
	StatusUnchanged Status = "unchanged" // upsert: the vendor's values already equal ours
	StatusFailed    Status = "failed"
)

// Result answers one record of a Create or Update call.
type Result struct {
	Status Status
	ID     string // vendor id of the created, updated or existing record
	Err    error  // set when Status is StatusFailed (a *Error of kind Rejected) or StatusExists (KindDuplicate)
}

// FieldType is the type of a vendor field, as the mapping validates it.
type FieldType string

// The field types of the catalogues.
const (
	TypeString   FieldType = "string"
	TypeText     FieldType = "text" // long text (no practical length limit)
	TypeInt      FieldType = "int"
	TypeNumber   FieldType = "number"
	TypeBool     FieldType = "bool"
	TypeDate     FieldType = "date"     // YYYY-MM-DD
	TypeDateTime FieldType = "datetime" // YYYY-MM-DD HH:MM:SS
	TypeEmail    FieldType = "email"
	TypePhone    FieldType = "phone"
	TypeCountry  FieldType = "country" // ISO 3166-1 alpha-2
	TypeEnum     FieldType = "enum"    // one of Field.Values
)

// Field describes one vendor field in a catalogue.
type Field struct {
	Name        string    // field path as sent, e.g. "title", "recv.castInn", "custom_extra_fields.12"
	Label       string    // the vendor's own label, if any (e.g. SalesMan's Russian form label)
	Type        FieldType // how values are checked and converted
	MaxLen      int       // maximum length in characters; 0 = unlimited
	Required    bool      // a create without it is rejected
	Multi       bool      // several values allowed (phones, e-mails): a []string, sent as the vendor takes a list (an array, or one text)
	ListSep     string    // Multi: the characters that separate several values written in one text, as the vendor reads them (SalesMan phone ",;"); "" = ","
	ReadOnly    bool      // set by the vendor (ids, dates it stamps): export only
	WriteOnly   bool      // a request option, not client data (Thulium fill_read_only_custom_fields): import only
	Active      bool      // switched on for this account (SalesMan form fields); static catalogues say true
	Min, Max    int       // for TypeInt with a range (BaseLinker star 0-5); both 0 = no range
	Values      []string  // allowed values for TypeEnum
	Description string    // for people choosing mapping targets
}

// Capabilities reports what a vendor supports and its limits.
type Capabilities struct {
	MaxBatch     int        // records per Create call: SalesMan > 1, Thulium and BaseLinker 1 (or Thulium batch)
	DefaultBatch int        // batch size the importer uses by default
	Workers      int        // requests in flight the importer uses by default
	List         bool       // List is implemented
	PageSize     int        // records per List page, for progress estimates
	Rate         rate.Limit // default request pace (events per second); rate.Inf = unpaced
	Burst        int        // limiter burst for Rate
	IDField      string     // field holding the vendor id in records: "clid", "customer_id", "crm_client_id"
}

// ListQuery selects the records List returns.
type ListQuery struct {
	Filters map[string]string // vendor filters, passed as given (BaseLinker filter_*, Thulium query, SalesMan filter.*/word/user)
	Since   time.Time         // zero = no lower bound (vendors without date filters return ErrUnsupported when set)
	Until   time.Time         // zero = no upper bound
	Fields  []string          // restrict returned fields where the vendor supports it; nil = all
}

// Page is one page of a List.
type Page struct {
	Records []Record
	Next    string // opaque cursor of the next page; "" on the last page
}

// Vendor is implemented by each CRM adapter.
type Vendor interface {
	// Name returns the registry name, e.g. "baselinker".
	Name() string

	// Capabilities reports what this vendor supports and its limits.
	Capabilities() Capabilities

	// Fields returns the field catalogue: static fields plus custom fields
	// read from the account (with Active set as the account says).
	Fields(ctx context.Context) ([]Field, error)

	// Create sends recs, at most Capabilities().MaxBatch of them, in one call.
	// On success len(results) == len(recs) and results[i] answers recs[i];
	// a failed row has results[i].Err set (a *Error of kind Rejected or
	// Duplicate). A non-nil error means the outcome of the whole call is
	// unknown or failed; results is then nil.
	Create(ctx context.Context, recs []Record) ([]Result, error)

	// List returns one page of records starting at cursor ("" = first page).
	// Page.Next is "" on the last page. Returns ErrUnsupported if
	// !Capabilities().List.
	List(ctx context.Context, q ListQuery, cursor string) (Page, error)
}

// Updater is implemented by vendors that can update existing records.
// Each record carries the vendor id in Capabilities().IDField (or, for
// SalesMan, "uid"); only the fields present are changed. Results are
// index-aligned as in Create.
type Updater interface {
	Update(ctx context.Context, recs []Record) ([]Result, error)
}

// Finder is implemented by vendors that can look a record up by its natural
// keys (vendor id, uid/identifier, e-mail, phone, tax id, title+phone). The
// importer uses it before resending a create whose answer was lost
// (KindAmbiguous) and for upserts. It returns the vendor id and the record as
// stored, or an error wrapping ErrNotFound. Partial-match vendor filters are
// compared exactly (after normalisation) before a hit is returned.
type Finder interface {
	Find(ctx context.Context, rec Record) (id string, stored Record, err error)
}

// Deleter is implemented by vendors that can delete a record by id.
type Deleter interface {
	Delete(ctx context.Context, id string) error
}

// All walks every page of q, yielding each record once (after go-github's
// iterators). Iteration stops at the first error, which is yielded.
func All(ctx context.Context, v Vendor, q ListQuery) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		cursor := ""
		for {
			p, err := v.List(ctx, q, cursor)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range p.Records {
				if !yield(r, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			cursor = p.Next
		}
	}
}
