package fake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/crmport/crmport/crm/fakekit"
)

// customer is one stored customer. It is also the SaveState format.
type customer struct {
	ID             int               `json:"customer_id"`
	Name           string            `json:"name,omitempty"`
	Surname        string            `json:"surname"`
	Emails         []string          `json:"emails,omitempty"`
	Phones         []string          `json:"phones,omitempty"`
	CompanyID      string            `json:"company_id,omitempty"`
	Identifier     string            `json:"identifier,omitempty"`
	Type           string            `json:"type,omitempty"`
	Group          string            `json:"group,omitempty"`
	CompanyFlag    string            `json:"company_flag,omitempty"`
	AccountManager string            `json:"account_manager,omitempty"`
	Gender         string            `json:"gender,omitempty"`
	Homepage       string            `json:"homepage,omitempty"`
	Birthdate      string            `json:"birthdate,omitempty"`
	NIP            string            `json:"nip,omitempty"`
	Note           string            `json:"note,omitempty"`
	Pesel          string            `json:"pesel,omitempty"`
	Job            string            `json:"job,omitempty"`
	JobTitle       string            `json:"job_title,omitempty"`
	VIP            bool              `json:"vip,omitempty"`
	UpdatedAt      string            `json:"updated_at,omitempty"`
	CustomFields   map[string]any    `json:"custom_fields,omitempty"`
	Address        map[string]string `json:"address,omitempty"`
	InvoiceAddress map[string]string `json:"invoice_address,omitempty"`
	MailDrop       map[string]string `json:"mail_drop_address,omitempty"`
}

// stringFields are the plain text fields, by their API name.
var stringFields = []string{"name", "surname", "company_id", "identifier", "type", "group",
	"account_manager", "gender", "homepage", "birthdate", "nip", "note", "pesel", "job", "job_title"}

// addressKeys are the keys of an address object, in output order.
var addressKeys = []string{"street", "building", "flat", "postcode", "city", "country"}

func (c *customer) strPtr(k string) *string {
	switch k {
	case "name":
		return &c.Name
	case "surname":
		return &c.Surname
	case "company_id":
		return &c.CompanyID
	case "identifier":
		return &c.Identifier
	case "type":
		return &c.Type
	case "group":
		return &c.Group
	case "company_flag":
		return &c.CompanyFlag
	case "account_manager":
		return &c.AccountManager
	case "gender":
		return &c.Gender
	case "homepage":
		return &c.Homepage
	case "birthdate":
		return &c.Birthdate
	case "nip":
		return &c.NIP
	case "note":
		return &c.Note
	case "pesel":
		return &c.Pesel
	case "job":
		return &c.Job
	case "job_title":
		return &c.JobTitle
	case "updated_at":
		return &c.UpdatedAt
	}
	return nil
}

func (c *customer) str(k string) string {
	if p := c.strPtr(k); p != nil {
		return *p
	}
	return ""
}

func (c *customer) addrPtr(k string) *map[string]string {
	switch k {
	case "address":
		return &c.Address
	case "invoice_address":
		return &c.InvoiceAddress
	case "mail_drop_address":
		return &c.MailDrop
	}
	return nil
}

func (c *customer) clone() *customer {
	n := *c
	n.Emails = append([]string(nil), c.Emails...)
	n.Phones = append([]string(nil), c.Phones...)
	n.CustomFields = maps.Clone(c.CustomFields)
	n.Address = maps.Clone(c.Address)
	n.InvoiceAddress = maps.Clone(c.InvoiceAddress)
	n.MailDrop = maps.Clone(c.MailDrop)
	return &n
}

// render shapes c as the docs' GET sample.
func (c *customer) render(inc includes) map[string]any {
	phone := ""
	if len(c.Phones) > 0 {
		phone = c.Phones[0]
	}
	cf := c.CustomFields
	if cf == nil {
		cf = map[string]any{}
	}
	out := map[string]any{
		"customer_id":     c.ID,
		"name":            c.Name,
		"surname":         c.Surname,
		"phone_number":    phone,
		"phone_numbers":   append([]string{}, c.Phones...),
		"email":           strings.Join(c.Emails, ", "),
		"company_id":      c.CompanyID,
		"identifier":      c.Identifier,
		"type":            c.Type,
		"group":           c.Group,
		"company_flag":    c.CompanyFlag,
		"account_manager": c.AccountManager,
		"updated_at":      c.UpdatedAt,
		"nip":             c.NIP,
		"gender":          c.Gender,
		"homepage":        c.Homepage,
		"birthdate":       c.Birthdate,
		"note":            c.Note,
		"pesel":           c.Pesel,
		"job":             c.Job,
		"job_title":       c.JobTitle,
		"vip":             c.VIP,
		"custom_fields":   cf,
	}
	addr := func(m map[string]string) map[string]any {
		o := make(map[string]any, len(addressKeys))
		for _, k := range addressKeys {
			if v, ok := m[k]; ok {
				o[k] = v
			} else {
				o[k] = nil
			}
		}
		return o
	}
	if inc.address {
		out["address"] = addr(c.Address)
	}
	if inc.invoice {
		out["invoice_address"] = addr(c.InvoiceAddress)
	}
	if inc.mailDrop {
		out["mail_drop_address"] = addr(c.MailDrop)
	}
	return out
}

// applyInput validates the body fields m and writes them into c; fields
// not in m are kept (a PUT changes only what it is given).
func applyInput(c *customer, m map[string]json.RawMessage) []apiError {
	var errs []apiError
	bad := func(code int, format string, args ...any) {
		errs = append(errs, apiError{Message: fmt.Sprintf(format, args...), Code: code})
	}
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		raw := m[k]
		switch k {
		case "email":
			vals, ok := stringOrArray(raw)
			if !ok {
				bad(CodeType, "Field email must be a string or an array of strings.")
				continue
			}
			var out []string
			for _, v := range vals {
				if v == "" {
					continue
				}
				if !validEmail(v) {
					bad(CodeEmail, "Wrong format of e-mail address: %q.", v)
					continue
				}
				out = append(out, v)
			}
			c.Emails = out
		case "phone_number":
			vals, ok := stringOrArray(raw)
			if !ok {
				bad(CodeType, "Field phone_number must be a string or an array of strings.")
				continue
			}
			var out []string
			for _, v := range vals {
				if v == "" {
					continue
				}
				if !validPhone(v) {
					bad(CodePhone, "Wrong format of phone number.")
					continue
				}
				out = append(out, v)
			}
			c.Phones = out
		case "vip", "fill_read_only_custom_fields":
			var b *bool
			if json.Unmarshal(raw, &b) != nil {
				bad(CodeType, "Field %s must be true or false.", k)
				continue
			}
			if k == "vip" && b != nil {
				c.VIP = *b
			}
		case "custom_fields":
			var cf map[string]any
			if json.Unmarshal(raw, &cf) != nil {
				bad(CodeType, "Field custom_fields must be an object of field name to value.")
				continue
			}
			for name, v := range cf {
				switch v.(type) {
				case nil, string, float64, bool:
				default:
					bad(CodeType, "Custom field %q must be a text, a number or true/false.", name)
					continue
				}
				if c.CustomFields == nil {
					c.CustomFields = map[string]any{}
				}
				c.CustomFields[name] = v
			}
		case "address", "invoice_address", "mail_drop_address":
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) != nil {
				bad(CodeType, "Field %s must be an object with street, building, flat, postcode, city, country.", k)
				continue
			}
			p := c.addrPtr(k)
			if *p == nil && obj != nil {
				*p = map[string]string{}
			}
			for ak, av := range obj {
				if !contains(addressKeys, ak) {
					bad(CodeUnknownField, "Unknown field %s.%s (known: %s).", k, ak, strings.Join(addressKeys, ", "))
					continue
				}
				s, ok := fakekit.ScalarText(av)
				if !ok {
					bad(CodeType, "Field %s.%s must be a string.", k, ak)
					continue
				}
				(*p)[ak] = s
			}
		default:
			p := c.strPtr(k)
			if p == nil || k == "company_flag" || k == "updated_at" {
				bad(CodeUnknownField, "Unknown field %s.", k)
				continue
			}
			s, ok := fakekit.ScalarText(raw)
			if !ok {
				bad(CodeType, "Field %s must be a string.", k)
				continue
			}
			s = strings.TrimSpace(s)
			switch k {
			case "surname":
				if s == "" {
					bad(CodeRequired, "Field surname is required.")
					continue
				}
			case "nip":
				if s != "" {
					d := strings.NewReplacer("-", "", " ", "").Replace(s)
					if len(d) != 10 || digits(d) != d {
						bad(CodeNIP, "Wrong format of NIP.")
						continue
					}
					s = d
				}
			case "pesel":
				if s != "" && (len(s) != 11 || digits(s) != s) {
					bad(CodeType, "Wrong format of PESEL.")
					continue
				}
			case "birthdate":
				if s != "" {
					if _, err := time.Parse(time.DateOnly, s); err != nil {
						bad(CodeType, "Wrong format of birthdate: %q (expected YYYY-MM-DD).", s)
						continue
					}
				}
			}
			*p = s
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// stringOrArray accepts "a", ["a","b"] or null.
func stringOrArray(raw json.RawMessage) ([]string, bool) {
	if s, ok := fakekit.ScalarText(raw); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, true
		}
		return []string{s}, true
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) != nil {
		return nil, false
	}
	out := make([]string, 0, len(arr))
	for _, a := range arr {
		s, ok := fakekit.ScalarText(a)
		if !ok {
			return nil, false
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, true
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	dom := s[at+1:]
	return at > 0 && strings.Contains(dom, ".") && !strings.HasSuffix(dom, ".") && !strings.HasPrefix(dom, ".")
}

func validPhone(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return false
		}
	}
	return n >= 6 && n <= 15
}
