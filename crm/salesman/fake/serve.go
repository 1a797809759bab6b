package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
)

const frontPage = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>SalesMan CRM</title></head>\n<body><div class=\"warning\">Упс :( Ресурс не найден.</div></body></html>\n"

// serve is the emulated router (developer/v3/index.php).
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/developer/v3/")
	if !ok {
		if r.URL.Path == "/developer/v3" {
			rest = ""
		} else {
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			_, _ = io.WriteString(w, frontPage)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Access-Control-Allow-Origin", "*")
	body, _ := io.ReadAll(r.Body)

	method, action, _ := strings.Cut(rest, "/")
	action, _, _ = strings.Cut(action, "/")

	var params map[string]any
	nullParams := false
	jsonMode := false
	if v := r.Header.Values("Content-Type"); len(v) > 0 && v[0] == "application/json" {
		jsonMode = true
	}
	var apikey, login string
	if jsonMode {
		if len(bytes.TrimSpace(body)) == 0 {
			params = map[string]any{}
		} else {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err == nil {
				params, _ = v.(map[string]any)
			}
			if params == nil {
				nullParams = true
				params = map[string]any{}
			}
		}
		if v, ok := r.Header["Apikey"]; ok && len(v) > 0 {
			apikey = v[0]
		} else {
			apikey, _ = scalar(params["apikey"])
		}
		if v, ok := r.Header["Login"]; ok && len(v) > 0 {
			login = v[0]
		} else {
			login, _ = scalar(params["login"])
		}
	} else {
		params = formParams(r, body)
		apikey, _ = scalar(params["apikey"])
		login, _ = scalar(params["login"])
	}
	if a, ok := scalar(params["action"]); ok && a != "" {
		action = a
	}

	f.mu.Lock()
	key, user := f.opt.APIKey, f.opt.Login
	f.mu.Unlock()
	if apikey != key || login != user || key == "" {
		f.write(w, errObj(401, textUnknownUser))
		return
	}
	switch method {
	case "client":
	case "person":
		f.write(w, errObj(404, textUnknownMeth))
		return
	default:
		return // no such method file: an empty body
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	switch action {
	case "fields":
		f.write(w, f.fieldsAnswer())
	case "list":
		res := f.list(params)
		if res.html != "" {
			_, _ = io.WriteString(w, res.html)
			return
		}
		f.write(w, res.body)
	case "info":
		f.write(w, f.info(params))
	case "add":
		if nullParams {
			_, _ = io.WriteString(w, fatalAddNull)
			return
		}
		f.write(w, f.add(params))
	case "add.list":
		switch list := params["client"].(type) {
		case []any:
			out := make([]obj, 0, len(list))
			for _, e := range list {
				m, _ := e.(map[string]any)
				out = append(out, f.add(m))
			}
			f.write(w, out)
		case map[string]any:
			_, _ = io.WriteString(w, fatalAddListObject)
		default:
			f.write(w, []obj{})
		}
	case "update":
		f.write(w, f.update(params))
	case "delete":
		f.write(w, f.del(params))
	default:
		f.write(w, errObj(402, textUnknownMeth))
	}
}

func (f *Fake) write(w http.ResponseWriter, v any) {
	_, _ = w.Write(encodeCyr(v))
}

// formParams is PHP's $_REQUEST (query, then a form body), every value
// passed through the server's Cleaner.
func formParams(r *http.Request, body []byte) map[string]any {
	out := map[string]any{}
	add := func(v url.Values) {
		for k, vals := range v {
			if len(vals) > 0 {
				out[k] = cleaner.Replace(vals[len(vals)-1])
			}
		}
	}
	add(r.URL.Query())
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil {
			add(v)
		}
	}
	return out
}

// Seed puts records straight into the store (no duplicate test, every
// field accepted whether switched on or not) and returns their clids.
// Records use SalesMan field names: title, uid, type, phone (string or
// []string), fax, site_url, mail_url, address, des, scheme, tip_cmr,
// input1..10, idcategory/territory/clientpath (id or dictionary text),
// head_clid, pid, user (login), date_create (time.Time or text) and
// requisites as "recv.castInn" etc. Texts are rewritten as the server
// would (title format, fieldClean, limits, 4-byte characters).
func (f *Fake) Seed(recs []crm.Record) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(recs))
	for _, rec := range recs {
		p := map[string]any{}
		recv := map[string]any{}
		for k, v := range rec {
			if rk, ok := strings.CutPrefix(k, "recv."); ok {
				recv[rk] = seedValue(v)
				continue
			}
			if k == "clid" || k == "date_edit" {
				continue
			}
			p[k] = seedValue(v)
		}
		if len(recv) > 0 {
			p["recv"] = recv
		}
		strict := f.opt.Strict
		f.opt.Strict = false
		now := f.opt.Now().In(f.opt.Location)
		pr, _ := f.prepare(p, true, now)
		f.opt.Strict = strict
		c := f.newClient(pr, now)
		f.insert(c)
		ids = append(ids, strconv.FormatInt(c.Clid, 10))
	}
	return ids
}

func seedValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.RFC3339)
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case int:
		return json.Number(strconv.Itoa(x))
	case float64:
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64))
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	}
	return v
}

// Records returns the stored clients in creation order, keyed by SalesMan
// field names: clid, iduser and the dictionary ids as int64; texts as
// string (NULL columns left out; phone as the stored comma-joined text);
// user as the login; date_create and date_edit as "YYYY-MM-DD HH:MM:SS" in
// the account's time zone; requisites as "recv.<key>".
func (f *Fake) Records() []crm.Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]crm.Record, 0, len(f.st.Clients))
	for _, c := range f.st.Clients {
		r := crm.Record{"clid": c.Clid, "date_create": c.Created.In(f.opt.Location).Format(dbFormat)}
		if !c.Edited.IsZero() {
			r["date_edit"] = c.Edited.In(f.opt.Location).Format(dbFormat)
		}
		for k, v := range c.Text {
			r[k] = v
		}
		for k, v := range c.Ints {
			if v != 0 || k == "iduser" {
				r[k] = v
			}
		}
		if u, ok := f.userLogin(c.Ints["iduser"]).(string); ok && u != "" {
			r["user"] = u
		}
		for k, v := range c.Recv {
			r["recv."+k] = v
		}
		out = append(out, r)
	}
	return out
}

// SaveState serialises the store (clients, counters, dictionaries).
func (f *Fake) SaveState() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := json.Marshal(f.st)
	if err != nil {
		return nil, fmt.Errorf("save salesman emulator state: %w", err)
	}
	return data, nil
}

// LoadState replaces the store with a SaveState result.
func (f *Fake) LoadState(data []byte) error {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("load salesman emulator state: the file is not a saved SalesMan sandbox state: %w", err)
	}
	if st.Dicts == nil {
		st.Dicts = defaultDicts()
	}
	sort.Slice(st.Clients, func(i, j int) bool { return st.Clients[i].Clid < st.Clients[j].Clid })
	for _, c := range st.Clients {
		if c.Text == nil {
			c.Text = map[string]string{}
		}
		if c.Ints == nil {
			c.Ints = map[string]int64{}
		}
		if c.Clid >= st.NextClid {
			st.NextClid = c.Clid + 1
		}
	}
	if st.NextClid < 1 {
		st.NextClid = 1
	}
	if st.NextHid < 1 {
		st.NextHid = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st = st
	f.reindex()
	return nil
}

// Len is the number of stored clients (len(Records()) without a copy).
func (f *Fake) Len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.st.Clients)
}
