package salesman

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmport/crmport/crm"
)

// listCursor is the state of a List walk, carried in Page.Next as
// "offset:minclid:pagelen" so List stays stateless:
//
//   - offset: the next 0-based page index;
//   - minclid: the smallest clid seen so far. Pages come newest first
//     (clid descending, whatever "first" says), so every row not yet seen
//     has a smaller clid; a row with clid >= minclid was already returned
//     (new clients added during the walk push rows down to later pages);
//   - pagelen: the longest page seen, so a shorter page ends the walk even
//     when a server pages by fewer than 200.
type listCursor struct {
	offset  int
	minClid int64
	pageLen int
}

func (lc listCursor) String() string {
	return fmt.Sprintf("%d:%d:%d", lc.offset, lc.minClid, lc.pageLen)
}

func parseCursor(s string) (listCursor, error) {
	var lc listCursor
	if s == "" {
		return lc, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return lc, fmt.Errorf("salesman: invalid list cursor %q", s)
	}
	var err1, err2, err3 error
	lc.offset, err1 = strconv.Atoi(parts[0])
	lc.minClid, err2 = strconv.ParseInt(parts[1], 10, 64)
	lc.pageLen, err3 = strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || lc.offset < 0 || lc.minClid < 0 || lc.pageLen < 0 {
		return listCursor{}, fmt.Errorf("salesman: invalid list cursor %q", s)
	}
	return lc, nil
}

// boolFilters are filters the server reads as booleans.
var boolFilters = map[string]bool{"bankinfo": true, "uids": true, "filter.trash": true}

// listBody builds the client/list request for q at offset.
func listBody(q crm.ListQuery, offset int) (map[string]any, error) {
	body := map[string]any{"order": "clid", "offset": offset}
	filter := map[string]any{}
	for k, v := range q.Filters {
		var val any = v
		if boolFilters[k] {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("salesman: filter %s=%q: use true or false", k, v)
			}
			val = b
		}
		switch {
		case strings.HasPrefix(k, "filter."):
			filter[strings.TrimPrefix(k, "filter.")] = val
		case k == "order" || k == "offset" || k == "first" || k == "tuda":
			return nil, fmt.Errorf("salesman: %q cannot be used as a filter: crmport always lists by clid, newest first", k)
		default:
			body[k] = val
		}
	}
	if len(filter) > 0 {
		body["filter"] = filter
	}
	if !q.Since.IsZero() {
		body["dateStart"] = q.Since.Format("2006-01-02")
	}
	if !q.Until.IsZero() {
		body["dateEnd"] = q.Until.Format("2006-01-02")
	}
	if len(q.Fields) == 0 {
		body["bankinfo"] = true // requisites as recv.* columns
		return body, nil
	}
	plain := []string{"clid"}
	for _, f := range q.Fields {
		f = strings.TrimSpace(f)
		switch {
		case f == "" || f == "clid":
		case strings.HasPrefix(f, "recv.") || f == "recv":
			body["bankinfo"] = true
		default:
			plain = append(plain, f)
		}
	}
	body["fields"] = strings.Join(plain, ",")
	return body, nil
}

// List returns one page of client/list, always ordered by clid (newest
// first: the server ignores "first"). Filters are passed as given: "word",
// "user", "iduser", … at the top level, "filter.X" inside "filter"
// ("filter.type", "filter.territory", "filter.relations", "filter.trash");
// Since/Until become dateStart/dateEnd (YYYY-MM-DD; the server compares
// date_create strictly after dateStart, or BETWEEN both). Fields restricts
// the columns (clid is always included; recv.* asks for requisites).
//
// Records use the server's keys: clid as a string, integers as int64,
// dates as "YYYY-MM-DD HH:MM:SS" strings, requisites as recv.X, nulls
// omitted. Rows already returned earlier in the same walk are dropped (see
// listCursor); a deletion during a walk can still make a row move to a
// page already read, which offset paging cannot prevent.
func (c *Client) List(ctx context.Context, q crm.ListQuery, cursor string) (crm.Page, error) {
	lc, err := parseCursor(cursor)
	if err != nil {
		return crm.Page{}, err
	}
	body, err := listBody(q, lc.offset)
	if err != nil {
		return crm.Page{}, err
	}
	rows, params, err := c.listRaw(ctx, body)
	if err != nil {
		return crm.Page{}, err
	}
	var wantRecv map[string]bool
	if len(q.Fields) > 0 {
		wantRecv = map[string]bool{}
		for _, f := range q.Fields {
			wantRecv[strings.TrimSpace(f)] = true
		}
	}
	page := crm.Page{Records: make([]crm.Record, 0, len(rows))}
	minClid := lc.minClid
	for _, row := range rows {
		rec := fromWireInPlace(row)
		if id, err := strconv.ParseInt(fmt.Sprint(rec["clid"]), 10, 64); err == nil {
			if lc.minClid > 0 && id >= lc.minClid {
				continue // already returned: pushed down by newer clients
			}
			if minClid == 0 || id < minClid {
				minClid = id
			}
		}
		if wantRecv != nil {
			for k := range rec {
				if strings.HasPrefix(k, "recv.") && !wantRecv[k] && !wantRecv["recv"] {
					delete(rec, k)
				}
			}
		}
		page.Records = append(page.Records, rec)
	}
	n := len(rows)
	last := n == 0 ||
		(lc.pageLen > 0 && n < lc.pageLen) ||
		(params != nil && params.PageAll > 0 && int64(lc.offset+1) >= int64(params.PageAll))
	if !last {
		page.Next = listCursor{offset: lc.offset + 1, minClid: minClid, pageLen: max(lc.pageLen, n)}.String()
	}
	return page, nil
}

// listRaw sends one client/list request and returns its rows.
func (c *Client) listRaw(ctx context.Context, body map[string]any) ([]map[string]any, *listParams, error) {
	const op = "client/list"
	data, err := c.post(ctx, "list", body, false)
	if err != nil {
		return nil, nil, err
	}
	// The usual answer, {"data":[{…},…],"params":{…}}, is decoded in one
	// pass, the envelope's error fields with it; anything else (data as {}
	// or null) takes the careful path.
	var fast struct {
		callEnvelope
		Data   []map[string]any `json:"data"`
		Params *listParams      `json:"params"`
	}
	if c.decode(op, data, &fast) == nil {
		if err := c.callFailed(op, http.StatusOK, fast.callEnvelope); err != nil {
			return nil, nil, err
		}
		return fast.Data, fast.Params, nil
	}
	var env struct {
		callEnvelope
		Data   json.RawMessage `json:"data"`
		Params *listParams     `json:"params"`
	}
	if err := c.decode(op, data, &env); err != nil {
		var ce callEnvelope // a bad "params" must not hide a failed call
		if json.Unmarshal(data, &ce) == nil {
			if failed := c.callFailed(op, http.StatusOK, ce); failed != nil {
				return nil, nil, failed
			}
		}
		return nil, nil, err
	}
	if err := c.callFailed(op, http.StatusOK, env.callEnvelope); err != nil {
		return nil, nil, err
	}
	raw := strings.TrimSpace(string(env.Data))
	if raw == "" || raw == "null" || raw == "{}" || raw == "[]" {
		return nil, env.Params, nil
	}
	var rows []map[string]any
	if err := c.decode(op, env.Data, &rows); err != nil {
		return nil, nil, &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRetryable,
			Message: "the client list is not in the expected form: " + c.redact(short(env.Data))}
	}
	return rows, env.Params, nil
}
