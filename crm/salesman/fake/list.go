package fake

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// listResult is what client/list answers: a JSON object, or an HTML fatal
// error.
type listResult struct {
	body obj
	html string
}

// list is client/list.
func (f *Fake) list(p map[string]any) listResult {
	ordRaw, _ := scalar(p["order"])
	ps := f.pageSize
	offset := intval(p["offset"])
	if offset < 0 {
		offset = 0
	}
	ord := ordRaw
	asc := false
	switch ord {
	case "":
		return listResult{html: fatalSQL("Unknown column 'datum' in 'ORDER BY'")}
	case "date_change", "date_chage":
		ord = "date_edit"
		ordRaw = ord
	}
	if strings.ContainsAny(ord, " ,") {
		// Only the recorded injection "col ASC,col" sorts; anything else
		// with a direction is an SQL syntax error.
		col, rest, _ := strings.Cut(ord, " ")
		if strings.HasPrefix(strings.ToUpper(rest), "ASC,") && columnNames[col] {
			ord, asc = col, true
		} else {
			return listResult{html: fatalSQL(fmt.Sprintf("You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'DESC LIMIT %d,%d' at line 1", offset*int64(ps), ps))}
		}
	}
	if !columnNames[ord] {
		return listResult{html: fatalSQL("Unknown column '" + ord + "' in 'ORDER BY'")}
	}

	var page []*client
	var total int
	if ord == "clid" && !asc && !hasFilters(p) {
		// The common export query: read the page straight from the
		// store (ascending clid) without copying it.
		all := f.st.Clients
		total = len(all)
		start := int(min(offset*int64(ps), int64(total)))
		end := min(start+ps, total)
		page = make([]*client, 0, end-start)
		for i := total - 1 - start; i >= total-end; i-- {
			page = append(page, all[i])
		}
	} else {
		rows := f.filter(p)
		f.sortRows(rows, ord, asc)
		total = len(rows)
		start := int(min(offset*int64(ps), int64(total)))
		end := min(start+ps, total)
		page = rows[start:end]
	}

	keys := f.listKeys(p)
	bank := truthy(p["bankinfo"])
	data := make([]obj, 0, len(page))
	for _, c := range page {
		data = append(data, f.listRow(c, keys, bank))
	}
	pageNo := offset
	if pageNo == 0 {
		pageNo = 1
	}
	pageall := int64(math.Ceil(float64(total) / float64(ps)))
	params := obj{{"page", pageNo}, {"pageall", pageall}, {"ord", ordRaw}, {"tuda", "DESC"}, {"count", len(data)}}
	return listResult{body: obj{{"data", data}, {"params", params}, {"count", len(data)}}}
}

// companions are the keys client/list adds in front of a field.
var companions = map[string]string{
	"iduser": "user", "idcategory": "idcategoryTitle", "territory": "territoryTitle",
	"clientpath": "clientpathTitle", "head_clid": "head_clidTitle", "pid": "person",
}

func (f *Fake) listKeys(p map[string]any) []string {
	var want []string
	if s, ok := scalar(p["fields"]); ok && s != "" {
		for _, k := range strings.Split(s, ",") {
			if k = strings.TrimSpace(k); columnNames[k] || k == "user" {
				want = append(want, k)
			}
		}
	} else {
		for _, k := range fieldOrder {
			if f.active[k] && k != "recv" {
				want = append(want, k)
			}
		}
	}
	seen := map[string]bool{}
	var keys []string
	addKey := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range want {
		if c, ok := companions[k]; ok {
			addKey(c)
		}
		addKey(k)
	}
	return keys
}

var listBankKeys = []string{"castUrName", "castInn", "castKpp", "castBank", "castBankKs", "castBankRs", "castBankBik",
	"castOkpo", "castOgrn", "castDirName", "castDirSignature", "castDirStatus", "castDirStatusSig", "castDirOsnovanie", "castUrAddr"}

func (f *Fake) listRow(c *client, keys []string, bank bool) obj {
	row := make(obj, 0, len(keys)+1)
	loc := f.opt.Location
	for _, k := range keys {
		var v any
		switch k {
		case "date_create":
			v = c.Created.In(loc).Format(dbFormat)
		case "date_edit":
			if !c.Edited.IsZero() {
				v = c.Edited.In(loc).Format(dbFormat)
			}
		case "clid":
			v = c.Clid
		case "user":
			v = f.userLogin(c.Ints["iduser"])
		case "idcategoryTitle":
			if n := f.dictName("idcategory", c.Ints["idcategory"]); n != "" {
				v = n
			} else {
				v = "--не определено--"
			}
		case "territoryTitle", "clientpathTitle":
			if n := f.dictName(strings.TrimSuffix(k, "Title"), c.Ints[strings.TrimSuffix(k, "Title")]); n != "" {
				v = n
			}
		case "head_clidTitle":
			if c.Ints["head_clid"] == 0 {
				v = "--не определено--"
			} else {
				v = ""
			}
		case "person":
			v = ""
		case "fav", "trash":
			v = "no"
		default:
			if intColumns[k] {
				v = c.Ints[k]
			} else {
				v = c.textOrNil(k)
			}
		}
		row = append(row, kv{k, v})
	}
	if bank {
		b := make(obj, 0, len(listBankKeys))
		for _, k := range listBankKeys {
			b = append(b, kv{k, c.Recv[k]})
		}
		row = append(row, kv{"bankinfo", b})
	}
	return row
}

// hasFilters reports whether p holds any list filter.
func hasFilters(p map[string]any) bool {
	for k, v := range p {
		switch k {
		case "word", "user", "dateStart", "dateEnd", "filter":
			if s, ok := scalar(v); ok && s != "" {
				return true
			}
		case "iduser":
			return true
		default:
			if strings.HasPrefix(k, "filter.") {
				return true
			}
		}
	}
	return false
}

// filter returns the clients that pass the list filters, ascending clid.
func (f *Fake) filter(p map[string]any) []*client {
	word, _ := scalar(p["word"])
	word = strings.ToLower(strings.TrimSpace(word))
	wordDigits := ""
	if word != "" {
		wordDigits = phoneWord(word)
	}
	var userID int64 = -1
	if u, ok := scalar(p["user"]); ok && u != "" {
		userID = 0
		if u == f.opt.Login {
			userID = 1
		}
	}
	if _, ok := p["iduser"]; ok && userID < 0 {
		userID = intval(p["iduser"])
	}
	ds, _ := scalar(p["dateStart"])
	de, _ := scalar(p["dateEnd"])
	filt, _ := p["filter"].(map[string]any)
	for k, v := range p {
		if name, ok := strings.CutPrefix(k, "filter."); ok {
			if filt == nil {
				filt = map[string]any{}
			}
			filt[name] = v
		}
	}

	out := make([]*client, 0, len(f.st.Clients))
	for _, c := range f.st.Clients {
		if userID >= 0 && c.Ints["iduser"] != userID {
			continue
		}
		if word != "" && !f.wordMatch(c, word, wordDigits) {
			continue
		}
		if ds != "" || de != "" {
			created := c.Created.In(f.opt.Location).Format(dbFormat)
			switch {
			case ds != "" && de != "":
				if created < ds || created > de {
					continue
				}
			case ds != "":
				if created <= ds {
					continue
				}
			default:
				if created >= de {
					continue
				}
			}
		}
		if !f.filterMatch(c, filt) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// wordFields are the texts the word search looks in, as the server's
// LIKE '%word%' does (case-insensitive collation).
var wordFields = [...]string{"title", "des", "mail_url", "site_url", "address"}

// wordMatch tells whether the word (lower case) is in one of the client's
// searched texts, or its digits (when the word is only a phone number:
// wordDigits != "") in the client's phone digits.
func (f *Fake) wordMatch(c *client, word, wordDigits string) bool {
	sc := &c.search
	for i, k := range wordFields {
		t := c.Text[k]
		if sc.src[i] != t {
			sc.src[i], sc.low[i] = t, strings.ToLower(t)
		}
		if strings.Contains(sc.low[i], word) {
			return true
		}
	}
	if wordDigits == "" {
		return false
	}
	if p := c.Text["phone"]; sc.phone != p {
		sc.phone, sc.digits = p, digits(p)
	}
	return strings.Contains(sc.digits, wordDigits)
}

// phoneWord returns the word's digits when the word is only a phone
// number (digits, spaces, -, +, parentheses), else "".
func phoneWord(word string) string {
	d := digits(word)
	if d == "" || len(d) != len(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, word)) {
		return ""
	}
	return d
}

func (f *Fake) filterMatch(c *client, filt map[string]any) bool {
	for k, v := range filt {
		s, ok := scalar(v)
		if !ok || s == "" {
			continue
		}
		switch k {
		case "relations", "relation":
			if c.Text["tip_cmr"] != s {
				return false
			}
		case "type":
			if c.Text["type"] != s {
				return false
			}
		case "trash":
			if s == "yes" {
				return false
			}
		case "idcategory", "territory", "clientpath":
			id := c.Ints[k]
			if isDigits(s) {
				if id != intval(s) {
					return false
				}
			} else if !strings.EqualFold(f.dictName(k, id), s) {
				return false
			}
		default:
			if strings.HasPrefix(k, "input") && c.Text[k] != s {
				return false
			}
		}
	}
	return true
}

// sortRows orders rows by column ord, descending (ascending with asc),
// NULLs last in descending order; ties keep ascending clid.
func (f *Fake) sortRows(rows []*client, ord string, asc bool) {
	if ord == "clid" {
		if !asc {
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
		}
		return
	}
	type keyed struct {
		null bool
		s    string
		n    int64
	}
	key := func(c *client) keyed {
		switch {
		case ord == "date_create":
			return keyed{s: c.Created.In(f.opt.Location).Format(dbFormat)}
		case ord == "date_edit":
			if c.Edited.IsZero() {
				return keyed{null: true}
			}
			return keyed{s: c.Edited.In(f.opt.Location).Format(dbFormat)}
		case intColumns[ord]:
			return keyed{n: c.Ints[ord]}
		default:
			v, ok := c.Text[ord]
			return keyed{null: !ok, s: strings.ToLower(v)}
		}
	}
	keys := make(map[*client]keyed, len(rows))
	for _, c := range rows {
		keys[c] = key(c)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := keys[rows[i]], keys[rows[j]]
		if a.null != b.null {
			return asc == a.null // NULL is the smallest value
		}
		if a.n != b.n {
			return (a.n < b.n) == asc
		}
		if a.s != b.s {
			return (a.s < b.s) == asc
		}
		return false
	})
}
