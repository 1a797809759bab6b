package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// client is one stored CRM client. It is also the SaveState format.
type client struct {
	ID           int               `json:"crm_client_id"`
	StatusID     int               `json:"status_id"`
	Star         int               `json:"star"`
	ContractorID int               `json:"contractor_id"`
	Fields       map[string]string `json:"fields,omitempty"`              // login, phone, email, notes, invoice_*, delivery_*
	Extra        map[string]any    `json:"custom_extra_fields,omitempty"` // extra field id -> string or {"title":...}
}

// textField is one varchar/text field of addCrmClient with its limit
// (0 = text, no limit).
type textField struct {
	name string
	max  int
}

// textFields in the documented output order of getCrmClientData.
var textFields = []textField{
	{"login", 156}, {"phone", 156}, {"email", 220}, {"notes", 0},
	{"invoice_company", 500}, {"invoice_fullname", 500}, {"invoice_address", 500},
	{"invoice_postcode", 20}, {"invoice_city", 100}, {"invoice_state", 35},
	{"invoice_country_code", 2}, {"invoice_tax_id", 50},
	{"delivery_company", 500}, {"delivery_fullname", 500}, {"delivery_address", 500},
	{"delivery_postcode", 20}, {"delivery_city", 100}, {"delivery_state", 35},
	{"delivery_country_code", 2},
}

func textLimit(name string) (int, bool) {
	for _, t := range textFields {
		if t.name == name {
			return t.max, true
		}
	}
	return 0, false
}

// clientKeys are the parameters addCrmClient accepts.
var clientKeys = func() []string {
	out := []string{"crm_client_id", "status_id", "star", "contractor_id", "custom_extra_fields"}
	for _, t := range textFields {
		out = append(out, t.name)
	}
	return out
}()

func (f *Fake) addClient(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params, clientKeys...); e != nil {
		return nil, e
	}
	id, _, e := intParam(params, "crm_client_id")
	if e != nil {
		return nil, e
	}
	if id < 0 {
		return nil, errf(ErrInvalidValue, "Field \"crm_client_id\" must be 0 (create) or the id of an existing client, got %d", id)
	}
	ch, e := f.parseChange(params)
	if e != nil {
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var c *client
	if id > 0 {
		cur, ok := f.byID[id]
		if !ok {
			return nil, errf(ErrClientNotFound, "CRM client with crm_client_id %d not found", id)
		}
		c = cur.clone()
	} else {
		c = &client{StatusID: f.primary}
	}
	ch.apply(c, f.primary)
	if id > 0 {
		f.byID[id] = c
	} else {
		f.insertLocked(c)
	}
	return fmt.Appendf(nil, `{"status":"SUCCESS","crm_client_id":%d}`, c.ID), nil
}

// change is a validated addCrmClient: only the given fields.
type change struct {
	ints  map[string]int
	texts map[string]string
	extra map[string]any // nil value = remove
}

func (ch change) apply(c *client, primary int) {
	for k, v := range ch.ints {
		switch k {
		case "status_id":
			if v == 0 {
				v = primary
			}
			c.StatusID = v
		case "star":
			c.Star = v
		case "contractor_id":
			c.ContractorID = v
		}
	}
	for k, v := range ch.texts {
		if c.Fields == nil {
			c.Fields = map[string]string{}
		}
		if v == "" {
			delete(c.Fields, k)
		} else {
			c.Fields[k] = v
		}
	}
	for k, v := range ch.extra {
		if v == nil {
			delete(c.Extra, k)
			continue
		}
		if c.Extra == nil {
			c.Extra = map[string]any{}
		}
		c.Extra[k] = v
	}
}

// parseChange validates every given field before anything is stored.
func (f *Fake) parseChange(params map[string]json.RawMessage) (change, *apiErr) {
	ch := change{ints: map[string]int{}, texts: map[string]string{}, extra: map[string]any{}}
	for _, k := range []string{"status_id", "star", "contractor_id"} {
		n, ok, e := intParam(params, k)
		if e != nil {
			return ch, e
		}
		if !ok {
			continue
		}
		switch k {
		case "star":
			if n < 0 || n > 5 {
				return ch, errf(ErrInvalidValue, "Field \"star\" must be from 0 to 5, got %d", n)
			}
		case "status_id":
			if _, exists := f.status[n]; n != 0 && !exists {
				return ch, errf(ErrStatusNotFound, "Field \"status_id\": status %d does not exist (see getCrmClientStatuses)", n)
			}
		case "contractor_id":
			if n < 0 {
				return ch, errf(ErrInvalidValue, "Field \"contractor_id\" must not be negative, got %d", n)
			}
		}
		ch.ints[k] = n
	}
	for _, t := range textFields {
		raw, ok := params[t.name]
		if !ok {
			continue
		}
		s, ok := fakekit.ScalarText(raw)
		if !ok {
			return ch, errf(ErrInvalidValue, "Field %q must be a text", t.name)
		}
		switch {
		case t.name == "invoice_tax_id":
			s = strings.Map(func(r rune) rune {
				if r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' {
					return -1
				}
				return r
			}, s)
		case strings.HasSuffix(t.name, "_country_code"):
			s = strings.ToUpper(strings.TrimSpace(s))
			if s != "" && (len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
				return ch, errf(ErrInvalidValue, "Field %q must be a 2-letter ISO 3166-1 country code such as PL, got %q", t.name, s)
			}
		}
		if n := utf8.RuneCountInString(s); t.max > 0 && n > t.max {
			return ch, errf(ErrFieldTooLong, "Field %q is too long: %d characters, at most %d", t.name, n, t.max)
		}
		ch.texts[t.name] = s
	}
	if raw, ok := params["custom_extra_fields"]; ok {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return ch, errf(ErrInvalidValue, "Field \"custom_extra_fields\" must be an object: extra field id -> value")
		}
		keys := slices.Sorted(maps.Keys(m))
		for _, k := range keys {
			id, err := strconv.Atoi(k)
			ef, exists := f.extra[id]
			if err != nil || !exists {
				return ch, errf(ErrExtraFieldNotFound, "Field \"custom_extra_fields\": extra field %q does not exist (see getCrmClientExtraFields)", k)
			}
			v, e := extraValue(ef, m[k])
			if e != nil {
				return ch, e
			}
			ch.extra[strconv.Itoa(id)] = v
		}
	}
	return ch, nil
}

// extraValue validates one extra field value; nil means "remove".
func extraValue(ef ExtraField, raw json.RawMessage) (any, *apiErr) {
	name := fmt.Sprintf("custom_extra_fields.%d", ef.ID)
	if ef.EditorType == "file" {
		var file struct {
			Title string `json:"title"`
			File  string `json:"file"`
		}
		if s, ok := fakekit.ScalarText(raw); ok && s == "" {
			return nil, nil
		}
		if json.Unmarshal(raw, &file) != nil || file.Title == "" {
			return nil, errf(ErrInvalidValue, "Field %q is a file: send {\"title\":\"file.pdf\",\"file\":\"data:...\"}", name)
		}
		if n := utf8.RuneCountInString(file.Title); n > 40 {
			return nil, errf(ErrFieldTooLong, "Field %q: file title is too long: %d characters, at most 40", name, n)
		}
		return map[string]any{"title": file.Title}, nil
	}
	s, ok := fakekit.ScalarText(raw)
	if !ok {
		return nil, errf(ErrInvalidValue, "Field %q must be a text or a number", name)
	}
	if s == "" {
		return nil, nil
	}
	switch ef.EditorType {
	case "select", "radio":
		for _, o := range ef.Options {
			if o == s {
				return s, nil
			}
		}
		return nil, errf(ErrInvalidValue, "Field %q (%s) must be one of %s, got %q", name, ef.Name, strings.Join(ef.Options, ", "), s)
	case "number":
		if _, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64); err != nil {
			return nil, errf(ErrInvalidValue, "Field %q (%s) must be a number, got %q", name, ef.Name, s)
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, errf(ErrInvalidValue, "Field %q (%s) must be a date YYYY-MM-DD, got %q", name, ef.Name, s)
		}
	}
	return s, nil
}

func (c *client) clone() *client {
	n := *c
	n.Fields = make(map[string]string, len(c.Fields))
	for k, v := range c.Fields {
		n.Fields[k] = v
	}
	if c.Extra != nil {
		n.Extra = make(map[string]any, len(c.Extra))
		for k, v := range c.Extra {
			n.Extra[k] = v
		}
	}
	return &n
}

// insertLocked gives c the next id and stores it; f.mu must be held.
func (f *Fake) insertLocked(c *client) {
	c.ID = f.nextID
	f.nextID++
	f.byID[c.ID] = c
	f.ids = append(f.ids, c.ID)
}

// render writes c as a JSON object in the documented field order: list
// rows (getCrmClients) have no notes; getCrmClientData starts with status.
func (c *client) render(b *bytes.Buffer, data, extra bool) {
	b.WriteString("{")
	if data {
		b.WriteString(`"status":"SUCCESS",`)
	}
	fmt.Fprintf(b, `"crm_client_id":%d,"status_id":%d,"star":%d`, c.ID, c.StatusID, c.Star)
	text := func(name string) {
		b.WriteString(`,"` + name + `":`)
		writeString(b, c.Fields[name])
	}
	for _, t := range textFields[:3] {
		text(t.name)
	}
	if data {
		text("notes")
	}
	fmt.Fprintf(b, `,"contractor_id":%d`, c.ContractorID)
	for _, t := range textFields[4:] {
		text(t.name)
	}
	if extra {
		b.WriteString(`,"custom_extra_fields":`)
		if len(c.Extra) == 0 {
			b.WriteString("{}")
		} else {
			keys := make([]int, 0, len(c.Extra))
			for k := range c.Extra {
				n, _ := strconv.Atoi(k)
				keys = append(keys, n)
			}
			sort.Ints(keys)
			b.WriteString("{")
			for i, k := range keys {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(b, `"%d":`, k)
				data, _ := json.Marshal(c.Extra[strconv.Itoa(k)])
				b.Write(data)
			}
			b.WriteString("}")
		}
	}
	b.WriteString("}")
}

func contains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func (f *Fake) getClients(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params, "page", "filter_crm_client_id", "filter_email", "filter_phone", "filter_login",
		"filter_invoice_company", "filter_invoice_tax_id", "filter_invoice_fullname", "filter_status_id",
		"include_custom_extra_fields"); e != nil {
		return nil, e
	}
	page, _, e := intParam(params, "page")
	if e != nil {
		return nil, e
	}
	if page < 0 {
		return nil, errf(ErrInvalidValue, "Field \"page\" must be 1 or more, got %d", page)
	}
	page = max(page, 1)
	var tests []func(*client) bool
	for _, k := range []string{"filter_crm_client_id", "filter_status_id"} {
		n, ok, e := intParam(params, k)
		if e != nil {
			return nil, e
		}
		if ok && n != 0 {
			if k == "filter_crm_client_id" {
				tests = append(tests, func(c *client) bool { return c.ID == n })
			} else {
				tests = append(tests, func(c *client) bool { return c.StatusID == n })
			}
		}
	}
	for _, k := range []string{"filter_email", "filter_phone", "filter_login", "filter_invoice_company", "filter_invoice_tax_id", "filter_invoice_fullname"} {
		raw, ok := params[k]
		if !ok {
			continue
		}
		v, ok := fakekit.ScalarText(raw)
		if !ok {
			return nil, errf(ErrInvalidValue, "Field %q must be a text", k)
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		field := strings.TrimPrefix(k, "filter_")
		switch field {
		case "phone", "invoice_tax_id":
			d := digitsOnly(v)
			tests = append(tests, func(c *client) bool {
				s := c.Fields[field]
				return contains(s, v) || (d != "" && strings.Contains(digitsOnly(s), d))
			})
		default:
			tests = append(tests, func(c *client) bool { return contains(c.Fields[field], v) })
		}
	}
	extra := boolParam(params, "include_custom_extra_fields")

	var b bytes.Buffer
	b.WriteString(`{"status":"SUCCESS","clients":[`)
	f.mu.RLock()
	skip := (page - 1) * f.pageSize
	n := 0
outer:
	for _, id := range f.ids {
		c := f.byID[id]
		for _, t := range tests {
			if !t(c) {
				continue outer
			}
		}
		if skip > 0 {
			skip--
			continue
		}
		if n > 0 {
			b.WriteString(",")
		}
		c.render(&b, false, extra)
		n++
		if n == f.pageSize {
			break
		}
	}
	f.mu.RUnlock()
	b.WriteString("]}")
	return b.Bytes(), nil
}

// clientID reads the required crm_client_id of a single-client method.
func clientID(params map[string]json.RawMessage) (int, *apiErr) {
	id, ok, e := intParam(params, "crm_client_id")
	if e != nil {
		return 0, e
	}
	if !ok || id <= 0 {
		return 0, errf(ErrInvalidValue, "Field \"crm_client_id\" is required: the id of an existing client")
	}
	return id, nil
}

func (f *Fake) getClientData(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params, "crm_client_id", "include_custom_extra_fields"); e != nil {
		return nil, e
	}
	id, e := clientID(params)
	if e != nil {
		return nil, e
	}
	extra := boolParam(params, "include_custom_extra_fields")
	f.mu.RLock()
	defer f.mu.RUnlock()
	c, ok := f.byID[id]
	if !ok {
		return nil, errf(ErrClientNotFound, "CRM client with crm_client_id %d not found", id)
	}
	var b bytes.Buffer
	c.render(&b, true, extra)
	return b.Bytes(), nil
}

func (f *Fake) deleteClient(params map[string]json.RawMessage) ([]byte, *apiErr) {
	if e := onlyKeys(params, "crm_client_id"); e != nil {
		return nil, e
	}
	id, e := clientID(params)
	if e != nil {
		return nil, e
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byID[id]; !ok {
		return nil, errf(ErrClientNotFound, "CRM client with crm_client_id %d not found", id)
	}
	delete(f.byID, id)
	i := sort.SearchInts(f.ids, id)
	f.ids = append(f.ids[:i], f.ids[i+1:]...)
	return []byte(`{"status":"SUCCESS"}`), nil
}

// Reset empties the store, the rate-limit windows, the fault queue and the
// request log.
func (f *Fake) Reset() {
	f.mu.Lock()
	f.byID = map[int]*client{}
	f.ids = nil
	f.nextID = 1
	f.pageSize = DefaultPageSize
	f.mu.Unlock()
	f.rlMu.Lock()
	f.windows = map[string]*window{}
	f.rlMu.Unlock()
	f.Kit.Reset()
}

// SetPageSize changes the getCrmClients page size (0 = DefaultPageSize).
func (f *Fake) SetPageSize(n int) {
	if n <= 0 {
		n = DefaultPageSize
	}
	f.mu.Lock()
	f.pageSize = n
	f.mu.Unlock()
}

// Seed stores recs without validation and returns their ids. Keys are
// BaseLinker's flat names: "email", "phone", "invoice_city", ...,
// "status_id", "star", "contractor_id" (ints or numeric strings) and
// "custom_extra_fields.<id>". A "crm_client_id" key is ignored.
func (f *Fake) Seed(recs []crm.Record) []string {
	ids := make([]string, len(recs))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range recs {
		c := &client{StatusID: f.primary, Fields: map[string]string{}}
		for k, v := range r {
			switch {
			case k == "status_id":
				c.StatusID = toInt(v)
			case k == "star":
				c.Star = toInt(v)
			case k == "contractor_id":
				c.ContractorID = toInt(v)
			case strings.HasPrefix(k, "custom_extra_fields."):
				if c.Extra == nil {
					c.Extra = map[string]any{}
				}
				c.Extra[strings.TrimPrefix(k, "custom_extra_fields.")] = toText(v)
			default:
				if _, known := textLimit(k); known {
					if s := toText(v); s != "" {
						c.Fields[k] = s
					}
				}
			}
		}
		f.insertLocked(c)
		ids[i] = strconv.Itoa(c.ID)
	}
	return ids
}

func toInt(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	case string:
		n, _ := strconv.Atoi(strings.TrimSpace(x))
		return n
	}
	return 0
}

func toText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// Records returns the stored clients in id order with BaseLinker's flat
// names: crm_client_id, status_id, star, contractor_id as int64, text
// fields that are not empty, "custom_extra_fields.<id>" values.
func (f *Fake) Records() []crm.Record {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]crm.Record, 0, len(f.ids))
	for _, id := range f.ids {
		c := f.byID[id]
		r := crm.Record{"crm_client_id": int64(c.ID), "status_id": int64(c.StatusID), "star": int64(c.Star), "contractor_id": int64(c.ContractorID)}
		for k, v := range c.Fields {
			r[k] = v
		}
		for k, v := range c.Extra {
			if m, ok := v.(map[string]any); ok {
				v = m["title"]
			}
			r["custom_extra_fields."+k] = toText(v)
		}
		out = append(out, r)
	}
	return out
}

type state struct {
	NextID  int       `json:"next_id"`
	Clients []*client `json:"clients"`
}

// SaveState serialises the store as JSON.
func (f *Fake) SaveState() ([]byte, error) {
	f.mu.RLock()
	st := state{NextID: f.nextID, Clients: fakekit.InOrder(f.byID, f.ids)}
	data, err := json.Marshal(st)
	f.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("save baselinker emulator state: %w", err)
	}
	return data, nil
}

// LoadState replaces the store with a SaveState result.
func (f *Fake) LoadState(data []byte) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("load baselinker emulator state: the saved data is not a BaseLinker emulator state: %w", err)
	}
	byID, ids, next, err := fakekit.IndexByID(st.Clients, func(c *client) int { return c.ID }, st.NextID, "client", "crm_client_id")
	if err != nil {
		return fmt.Errorf("load baselinker emulator state: %w", err)
	}
	for _, c := range st.Clients {
		if c.Fields == nil {
			c.Fields = map[string]string{}
		}
	}
	f.mu.Lock()
	f.byID, f.ids, f.nextID = byID, ids, next
	f.mu.Unlock()
	return nil
}

// Len is the number of stored clients (len(Records()) without a copy).
func (f *Fake) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.ids)
}
