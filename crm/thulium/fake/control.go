package fake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/fakekit"
)

// Reset empties the store, the fault queue and the request log.
func (f *Fake) Reset() {
	f.mu.Lock()
	f.byID = map[int]*customer{}
	f.ids = nil
	f.nextID = 1
	f.pageSize = 0
	f.mu.Unlock()
	f.Kit.Reset()
}

// SetPageSize caps every list page at n customers (0 = the documented
// limits only), to force several pages with few records.
func (f *Fake) SetPageSize(n int) {
	f.mu.Lock()
	f.pageSize = max(n, 0)
	f.mu.Unlock()
}

// Seed stores recs without validation and returns their ids. Keys are
// Thulium field names: "surname", "name", "email" and "phone_number" (a
// string or []string), "nip", "identifier", ..., "vip" (bool), nested
// "address.city", "invoice_address.postcode", "custom_fields.<name>".
// A "customer_id" key is ignored: ids are given in order.
func (f *Fake) Seed(recs []crm.Record) []string {
	ids := make([]string, len(recs))
	now := f.opt.Now().Format(time.DateTime)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range recs {
		c := fromRecord(r)
		if c.UpdatedAt == "" {
			c.UpdatedAt = now
		}
		f.insertLocked(c)
		ids[i] = strconv.Itoa(c.ID)
	}
	return ids
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.Format(time.DateOnly)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []string:
		return append([]string(nil), x...)
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, toString(e))
		}
		return out
	case nil:
		return nil
	}
	if s := toString(v); s != "" {
		return []string{s}
	}
	return nil
}

func fromRecord(r crm.Record) *customer {
	c := &customer{}
	for k, v := range r {
		switch {
		case k == "customer_id":
		case k == "email":
			c.Emails = toStrings(v)
		case k == "phone_number" || k == "phone_numbers":
			c.Phones = toStrings(v)
		case k == "vip":
			b, _ := v.(bool)
			c.VIP = b
		case strings.HasPrefix(k, "custom_fields."):
			if c.CustomFields == nil {
				c.CustomFields = map[string]any{}
			}
			c.CustomFields[strings.TrimPrefix(k, "custom_fields.")] = toString(v)
		case strings.Contains(k, "."):
			obj, key, _ := strings.Cut(k, ".")
			if p := c.addrPtr(obj); p != nil {
				if *p == nil {
					*p = map[string]string{}
				}
				(*p)[key] = toString(v)
			}
		default:
			if p := c.strPtr(k); p != nil {
				*p = toString(v)
			}
		}
	}
	return c
}

// toRecord gives c with Thulium field names; empty values are left out.
func (c *customer) toRecord() crm.Record {
	r := crm.Record{"customer_id": int64(c.ID)}
	for _, k := range append(stringFields, "company_flag", "updated_at") {
		if v := c.str(k); v != "" {
			r[k] = v
		}
	}
	one := func(k string, vals []string) {
		switch len(vals) {
		case 0:
		case 1:
			r[k] = vals[0]
		default:
			r[k] = append([]string(nil), vals...)
		}
	}
	one("email", c.Emails)
	one("phone_number", c.Phones)
	if c.VIP {
		r["vip"] = true
	}
	for name, v := range c.CustomFields {
		if v != nil {
			r["custom_fields."+name] = toString(v)
		}
	}
	for _, obj := range []string{"address", "invoice_address", "mail_drop_address"} {
		for k, v := range *c.addrPtr(obj) {
			if v != "" {
				r[obj+"."+k] = v
			}
		}
	}
	return r
}

// Records returns the stored customers in id order, with Thulium field
// names (nested objects as dotted paths, several e-mails or phones as
// []string).
func (f *Fake) Records() []crm.Record {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]crm.Record, 0, len(f.ids))
	for _, id := range f.ids {
		out = append(out, f.byID[id].toRecord())
	}
	return out
}

type state struct {
	NextID    int         `json:"next_id"`
	Customers []*customer `json:"customers"`
}

// SaveState serialises the store as JSON.
func (f *Fake) SaveState() ([]byte, error) {
	f.mu.RLock()
	st := state{NextID: f.nextID, Customers: fakekit.InOrder(f.byID, f.ids)}
	data, err := json.Marshal(st)
	f.mu.RUnlock()
	if err != nil {
		return nil, fmt.Errorf("save thulium emulator state: %w", err)
	}
	return data, nil
}

// LoadState replaces the store with a SaveState result.
func (f *Fake) LoadState(data []byte) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("load thulium emulator state: the saved data is not a Thulium emulator state: %w", err)
	}
	byID, ids, next, err := fakekit.IndexByID(st.Customers, func(c *customer) int { return c.ID }, st.NextID, "customer", "customer_id")
	if err != nil {
		return fmt.Errorf("load thulium emulator state: %w", err)
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
