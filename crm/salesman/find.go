package salesman

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// maxFindPages bounds the name search of Find (200 rows a page).
const maxFindPages = 5

// Find looks a client up by its natural keys, in this order:
//
//  1. "clid": client/info by clid;
//  2. "uid": client/info by uid (uid is not unique on SalesMan: the server
//     returns one of the clients sharing it);
//  3. "title" (+ "phone" and/or "mail_url" when given): client/list with
//     word = the title as the server rewrites it, then an exact comparison:
//     the rewritten titles equal ignoring case (Normalize), at least one
//     phone with exactly the same digits, at least one e-mail equal
//     ignoring case, and no other uid. Partial matches are not returned.
//     With a title only, the first two conditions decide — the same rule
//     the server's own duplicate check uses. Of several matches the newest
//     (highest clid) wins.
//
// It returns the clid and the stored record shaped as List returns it
// (client/info's display dates and dictionary names are mapped to list's
// keys). Nothing found: an error wrapping crm.ErrNotFound.
func (c *Client) Find(ctx context.Context, rec crm.Record) (string, crm.Record, error) {
	if clid := strings.TrimSpace(valueString(rec["clid"])); clid != "" {
		n, err := strconv.ParseInt(clid, 10, 64)
		if err != nil || n <= 0 {
			return "", nil, errNotFound("clid %q is not a SalesMan client number", clid)
		}
		return c.info(ctx, map[string]any{"clid": n}, "clid "+clid)
	}
	uid := strings.TrimSpace(valueString(rec["uid"]))
	if uid != "" {
		id, stored, err := c.info(ctx, map[string]any{"uid": uid}, "uid "+strconv.Quote(uid))
		if err == nil || !isNotFound(err) {
			return id, stored, err
		}
	}
	title := Normalize("title", valueString(rec["title"]))
	if title == "" {
		if uid != "" {
			return "", nil, errNotFound("no client with uid %q", uid)
		}
		return "", nil, errNotFound("the record has no clid, uid or title to look it up by")
	}
	want := matcher{title: title, uid: uid, phones: phoneDigits(rec["phone"]), mails: listOf(rec["mail_url"])}
	if id, stored, err := c.search(ctx, title, want); err == nil || !isNotFound(err) {
		return id, stored, err
	}
	if len(want.phones) > 0 {
		// The word search also looks at phone digits: a second chance if
		// the server's title search treats the rewritten title differently.
		if id, stored, err := c.search(ctx, want.phones[0], want); err == nil || !isNotFound(err) {
			return id, stored, err
		}
	}
	return "", nil, errNotFound("no client named %q with the same phone or e-mail", title)
}

// info calls client/info; 403/404 (unknown or invisible) → not found.
func (c *Client) info(ctx context.Context, body map[string]any, what string) (string, crm.Record, error) {
	const op = "client/info"
	body["bankinfo"] = true
	data, err := c.call(ctx, "info", body)
	if err != nil {
		return "", nil, err
	}
	var env envelope
	if err := c.decode(op, data, &env); err != nil {
		return "", nil, err
	}
	if _, failed := env.failed(); failed {
		e := c.recordError(op, &env)
		if isNotFound(e) {
			return "", nil, errNotFound("no client with %s (%s)", what, e.Message)
		}
		return "", nil, e
	}
	var obj map[string]any
	if err := c.decode(op, env.Data, &obj); err != nil || obj == nil {
		return "", nil, errNotFound("no client with %s", what)
	}
	stored := fromWire(infoToList(obj))
	id, _ := stored["clid"].(string)
	if id == "" || id == "0" {
		// e.g. {"data":{"person":null}} for a client whose title is NULL
		return "", nil, errNotFound("no client with %s", what)
	}
	return id, stored, nil
}

// matcher compares candidates with the record Find looks for.
type matcher struct {
	title  string
	uid    string
	phones []string // digits
	mails  []string
}

func (m matcher) match(rec crm.Record) bool {
	if !strings.EqualFold(Normalize("title", valueString(rec["title"])), m.title) {
		return false
	}
	if m.uid != "" {
		if u := valueString(rec["uid"]); u != "" && u != truncateRunes(m.uid, 30) {
			return false
		}
	}
	if len(m.phones) > 0 && !anyEqual(m.phones, phoneDigits(rec["phone"]), false) {
		return false
	}
	if len(m.mails) > 0 && !anyEqual(m.mails, listOf(rec["mail_url"]), true) {
		return false
	}
	return true
}

// search walks client/list pages for word and returns the first match.
func (c *Client) search(ctx context.Context, word string, m matcher) (string, crm.Record, error) {
	q := crm.ListQuery{Filters: map[string]string{"word": word}}
	cursor := ""
	for range maxFindPages {
		page, err := c.List(ctx, q, cursor)
		if err != nil {
			return "", nil, err
		}
		for _, r := range page.Records {
			if m.match(r) {
				id, _ := r["clid"].(string)
				return id, r, nil
			}
		}
		if page.Next == "" {
			return "", nil, errNotFound("no client named %q", m.title)
		}
		cursor = page.Next
	}
	return "", nil, &crm.Error{Vendor: vendorName, Op: "client/list", Kind: crm.KindRejected,
		Message: "more than " + strconv.Itoa(maxFindPages*PageSize) + " clients match " + strconv.Quote(word) + "; cannot check for this client safely"}
}

func anyEqual(a, b []string, fold bool) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y || fold && strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

// phoneDigits returns the digits of each phone in v (a string list
// separated by , or ;, or []string), skipping numbers without digits.
func phoneDigits(v any) []string {
	var out []string
	for _, p := range listOf(v) {
		if d := vendorkit.Digits(p); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// listOf splits a value into its list items.
func listOf(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []string:
		var out []string
		for _, s := range x {
			out = append(out, splitList(s)...)
		}
		return out
	}
	return splitList(valueString(v))
}

// valueString renders a record value as text ("" for nil).
func valueString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return scalarString(v)
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
