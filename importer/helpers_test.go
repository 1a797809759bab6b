package importer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/sheet"
)

// memSource serves rows from a table; line numbers start at 2 (header = 1).
type memSource struct {
	header []string
	rows   [][]string
	i      int
}

func (s *memSource) Header() []string { return s.header }
func (s *memSource) Info() sheet.Info {
	return sheet.Info{Format: "csv", Delimiter: ';', HeaderLine: 1, Encoding: "utf-8"}
}
func (s *memSource) Close() error { return nil }
func (s *memSource) Next() (sheet.Row, error) {
	if s.i >= len(s.rows) {
		return sheet.Row{}, io.EOF
	}
	cells := make([]sheet.Cell, len(s.header))
	blank := true
	for j := range cells {
		if j < len(s.rows[s.i]) && s.rows[s.i][j] != "" {
			cells[j] = sheet.Cell{Text: s.rows[s.i][j], Kind: sheet.KindText}
			blank = false
		}
	}
	var extra []sheet.Cell // cells beyond the header, as sheet sources keep them
	if n := len(s.rows[s.i]); n > len(s.header) {
		for _, v := range s.rows[s.i][len(s.header):] {
			extra = append(extra, sheet.Cell{Text: v, Kind: sheet.KindText})
		}
		blank = false
	}
	s.i++
	return sheet.Row{Line: s.i + 1, Cells: cells, Blank: blank, Extra: extra}, nil
}

// fileSink writes rows as JSON arrays of text, one per line, so tests can
// read reports back; it creates a real file (the importer renames it).
type fileSink struct {
	f *os.File
	w *bufio.Writer
}

func createFileSink(path string, _ sheet.Options) (sheet.Sink, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &fileSink{f: f, w: bufio.NewWriter(f)}, nil
}

func (s *fileSink) WriteHeader(cols []sheet.Column) error {
	names := make([]any, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return s.WriteRow(names)
}

func (s *fileSink) WriteRow(values []any) error {
	out := make([]string, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case sheet.Cell:
			out[i] = x.Text
		case nil:
		default:
			out[i] = fmt.Sprint(x)
		}
	}
	b, _ := json.Marshal(out)
	s.w.Write(b)
	return s.w.WriteByte('\n')
}

func (s *fileSink) Close() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.f.Close()
}

// readReport reads a fileSink report: header and rows.
func readReport(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	require.NoError(t, err)
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r []string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		rows = append(rows, r)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, rows, "report %s has no header", path)
	return rows[0], rows[1:]
}

// binder maps columns Name, Email, Phone to fields title, email, phone;
// an e-mail without "@" is a cell error.
type binder struct{ header []string }

func (b binder) Apply(row sheet.Row) (crm.Record, error) {
	rec := crm.Record{}
	var errs []error
	for i, h := range b.header {
		if i >= len(row.Cells) {
			break
		}
		v := row.Cells[i].Text
		switch h {
		case "Name":
			rec["title"] = v
		case "Email":
			if !strings.Contains(v, "@") {
				errs = append(errs, &sheet.CellError{Line: row.Line, Column: h, Value: v, Err: errors.New("is not an e-mail address")})
			}
			rec["email"] = v
		case "Phone":
			if v != "" {
				rec["phone"] = v
			}
		}
	}
	return rec, errors.Join(errs...)
}

// memVendor is an in-memory CRM: e-mail identifies a client, a record
// titled "POISON" makes the whole Create call fail, and faults can be
// queued or drawn at a rate.
type memVendor struct {
	mu       sync.Mutex
	store    map[string]crm.Record // id -> record
	order    []string
	byEmail  map[string]string // lower-case e-mail -> first id, while edited is false
	edited   bool              // Update ran: e-mails may have changed, byEmail is not trusted
	nextID   int
	batch    int
	calls    int
	creates  int // records created
	updates  int // records sent to Update
	noFinder bool

	lostNext    int     // next N creates are applied but answered as ambiguous
	faultRate   float64 // share of calls failing (half before, half after applying)
	rnd         *rand.Rand
	afterEach   func(n int)  // called after each successful create call with the number of records stored
	afterUpdate func() error // called after each update call has changed the store; an error is the call's answer
	fatalNext   bool
	createLock  sync.Mutex
}

func newMemVendor(batch int) *memVendor {
	return &memVendor{store: map[string]crm.Record{}, byEmail: map[string]string{}, batch: batch, rnd: rand.New(rand.NewPCG(1, 2))}
}

func (v *memVendor) Name() string { return "mem" }
func (v *memVendor) Capabilities() crm.Capabilities {
	return crm.Capabilities{MaxBatch: v.batch, DefaultBatch: v.batch, Workers: 2, IDField: "id"}
}
func (v *memVendor) Fields(context.Context) ([]crm.Field, error) { return nil, nil }
func (v *memVendor) List(context.Context, crm.ListQuery, string) (crm.Page, error) {
	return crm.Page{}, crm.ErrUnsupported
}

func (v *memVendor) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.calls++
	if v.fatalNext {
		v.mu.Unlock()
		return nil, &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindFatal, Message: "wrong api key"}
	}
	for _, r := range recs {
		if r["title"] == "POISON" {
			v.mu.Unlock()
			return nil, &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindRetryable, HTTPStatus: 500, Message: "internal server error"}
		}
	}
	lost := false
	if v.lostNext > 0 {
		v.lostNext--
		lost = true
	} else if v.faultRate > 0 && v.rnd.Float64() < v.faultRate {
		if v.rnd.IntN(2) == 0 {
			v.mu.Unlock()
			return nil, &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindRetryable, HTTPStatus: 503, Message: "try later"}
		}
		lost = true
	}
	res := make([]crm.Result, len(recs))
	for i, r := range recs {
		if id := v.findLocked(r); id != "" {
			res[i] = crm.Result{Status: crm.StatusExists, ID: id, Err: &crm.Error{Vendor: "mem", Kind: crm.KindDuplicate, ID: id, Message: "exists"}}
			continue
		}
		if r["title"] == "REJECT" {
			res[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindRejected, Message: "title REJECT is not allowed"}}
			continue
		}
		v.nextID++
		id := strconv.Itoa(v.nextID)
		v.store[id] = r.Clone()
		v.order = append(v.order, id)
		if k := strings.ToLower(text(r["email"])); v.byEmail[k] == "" {
			v.byEmail[k] = id
		}
		v.creates++
		res[i] = crm.Result{Status: crm.StatusCreated, ID: id}
	}
	n := len(v.store)
	after := v.afterEach
	v.mu.Unlock()
	if after != nil {
		after(n)
	}
	if lost {
		return nil, &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindAmbiguous, Message: "connection dropped after sending"}
	}
	return res, nil
}

func (v *memVendor) findLocked(r crm.Record) string {
	if !v.edited {
		return v.byEmail[strings.ToLower(text(r["email"]))]
	}
	for _, id := range v.order {
		if strings.EqualFold(text(v.store[id]["email"]), text(r["email"])) {
			return id
		}
	}
	return ""
}

func (v *memVendor) Find(ctx context.Context, r crm.Record) (string, crm.Record, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if id := v.findLocked(r); id != "" {
		return id, v.store[id].Clone(), nil
	}
	return "", nil, fmt.Errorf("mem: %w", crm.ErrNotFound)
}

func (v *memVendor) Update(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.edited = true
	v.updates += len(recs)
	res := make([]crm.Result, len(recs))
	for i, r := range recs {
		id := text(r["id"])
		old, ok := v.store[id]
		if !ok {
			res[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: "mem", Kind: crm.KindRejected, Message: "no such client"}}
			continue
		}
		for k, val := range r {
			if k != "id" {
				old[k] = val
			}
		}
		res[i] = crm.Result{Status: crm.StatusUpdated, ID: id}
	}
	if v.afterUpdate != nil {
		if err := v.afterUpdate(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// noFinderVendor hides Find and Update.
type noFinderVendor struct{ m *memVendor }

func (n noFinderVendor) Name() string                   { return n.m.Name() }
func (n noFinderVendor) Capabilities() crm.Capabilities { return n.m.Capabilities() }
func (n noFinderVendor) Fields(ctx context.Context) ([]crm.Field, error) {
	return n.m.Fields(ctx)
}
func (n noFinderVendor) Create(ctx context.Context, r []crm.Record) ([]crm.Result, error) {
	return n.m.Create(ctx, r)
}
func (n noFinderVendor) List(ctx context.Context, q crm.ListQuery, c string) (crm.Page, error) {
	return n.m.List(ctx, q, c)
}

// emails returns the e-mails in the store and how often each occurs.
func (v *memVendor) emails() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string]int{}
	for _, id := range v.order {
		out[text(v.store[id]["email"])]++
	}
	return out
}

// wrap puts v behind the real retry decorator with tiny delays.
func wrap(v crm.Vendor) crm.Vendor {
	return retry.Wrap(v, retry.Policy{Rate: 0, Retries: retry.Times(3), BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, Budget: -1})
}

// table builds n rows "Client i", "c<i>@example.com", phone.
func table(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("Client %d", i+1), fmt.Sprintf("c%d@example.com", i+1), fmt.Sprintf("+48 600 000 %03d", i+1)}
	}
	return rows
}

// setup writes a stand-in input file (for the fingerprint) and returns
// options reading rows from a memSource.
func setup(t *testing.T, dir string, rows [][]string, v crm.Vendor) Options {
	t.Helper()
	input := filepath.Join(dir, "contacts.csv")
	var b strings.Builder
	b.WriteString("Name;Email;Phone\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ";") + "\n")
	}
	require.NoError(t, os.WriteFile(input, []byte(b.String()), 0o644))
	header := []string{"Name", "Email", "Phone"}
	return Options{
		Input: input,
		Open: func(context.Context) (sheet.Source, error) {
			return &memSource{header: header, rows: rows}, nil
		},
		Bind:       func(h []string) (Binder, error) { return binder{header: h}, nil },
		CreateSink: createFileSink,
		Vendor:     v,
		Key:        "email",
	}
}

// checkInvariant asserts that every input row is in exactly one of the
// done report, the error report, or skipped (blank), and returns the row
// numbers of each report.
func checkInvariant(t *testing.T, s Summary, rows [][]string) (done, failed map[int][]string) {
	t.Helper()
	done, failed = map[int][]string{}, map[int][]string{}
	if s.Reports.Done != "" {
		h, rs := readReport(t, s.Reports.Done)
		require.Equal(t, []string{ColRow, ColStatus, ColID, "Name", "Email", "Phone"}, h)
		for _, r := range rs {
			n, err := strconv.Atoi(r[0])
			require.NoError(t, err)
			_, dup := done[n]
			require.False(t, dup, "row %d twice in the done report", n)
			done[n] = r
		}
	}
	if s.Reports.Errors != "" {
		h, rs := readReport(t, s.Reports.Errors)
		require.Equal(t, []string{"Name", "Email", "Phone", ColRow, ColError}, h)
		for _, r := range rs {
			n, err := strconv.Atoi(r[3])
			require.NoError(t, err)
			_, dup := failed[n]
			require.False(t, dup, "row %d twice in the error report", n)
			_, both := done[n]
			require.False(t, both, "row %d in both reports", n)
			failed[n] = r
		}
	}
	skipped := 0
	for i, r := range rows {
		line := i + 2
		_, d := done[line]
		_, f := failed[line]
		if strings.Join(r, "") == "" {
			skipped++
			require.False(t, d || f, "blank row %d in a report", line)
			continue
		}
		require.True(t, d || f, "row %d is in no report", line)
	}
	require.Equal(t, len(rows), s.Rows)
	require.Equal(t, skipped, s.Skipped)
	require.Equal(t, len(failed), s.Failed)
	require.Equal(t, len(done), s.Created+s.Updated+s.Exists+s.Unchanged)
	return done, failed
}

// recorder is a Progress that records events.
type recorder struct {
	mu      sync.Mutex
	total   int64
	rows    []int
	retries int
	final   *Summary
}

func (r *recorder) Start(n int64) { r.total = n }
func (r *recorder) RowDone(row int, _ crm.Result) {
	r.mu.Lock()
	r.rows = append(r.rows, row)
	r.mu.Unlock()
}
func (r *recorder) Retrying(string, error, time.Duration) { r.mu.Lock(); r.retries++; r.mu.Unlock() }
func (r *recorder) Finish(s Summary)                      { r.final = &s }
