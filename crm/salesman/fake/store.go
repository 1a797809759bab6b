package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// client is one stored client. A text column absent from Text is NULL.
type client struct {
	Clid    int64             `json:"clid"`
	Text    map[string]string `json:"text"`
	Ints    map[string]int64  `json:"ints"`
	Recv    map[string]string `json:"recv,omitempty"`
	Created time.Time         `json:"created"`
	Edited  time.Time         `json:"edited"` // zero = never edited
	History int               `json:"history"`
}

func (c *client) text(k string) (string, bool) {
	v, ok := c.Text[k]
	return v, ok
}

// textOrNil returns the column as a JSON value: its text or null.
func (c *client) textOrNil(k string) any {
	if v, ok := c.Text[k]; ok {
		return v
	}
	return nil
}

// state is the whole store, as SaveState writes it.
type state struct {
	NextClid int64               `json:"next_clid"`
	NextHid  int64               `json:"next_hid"`
	Clients  []*client           `json:"clients"` // ascending clid
	Dicts    map[string][]string `json:"dicts"`   // dictionary id = index+1
}

func (f *Fake) resetStore() {
	f.st = state{NextClid: 1, NextHid: 1, Dicts: defaultDicts()}
	f.reindex()
}

func (f *Fake) reindex() {
	f.byClid = make(map[int64]*client, len(f.st.Clients))
	f.byTitle = make(map[string][]*client, len(f.st.Clients))
	for _, c := range f.st.Clients {
		f.byClid[c.Clid] = c
		f.indexTitle(c)
	}
}

func titleKey(s string) string { return strings.ToLower(s) }

func (f *Fake) indexTitle(c *client) {
	if t, ok := c.Text["title"]; ok {
		k := titleKey(t)
		f.byTitle[k] = append(f.byTitle[k], c)
	}
}

func (f *Fake) unindexTitle(c *client) {
	t, ok := c.Text["title"]
	if !ok {
		return
	}
	k := titleKey(t)
	list := f.byTitle[k]
	for i, x := range list {
		if x == c {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(f.byTitle, k)
	} else {
		f.byTitle[k] = list
	}
}

func (f *Fake) insert(c *client) {
	c.Clid = f.st.NextClid
	f.st.NextClid++
	f.st.NextHid++ // the activity-history entry of the add
	c.History = 1
	f.st.Clients = append(f.st.Clients, c)
	f.byClid[c.Clid] = c
	f.indexTitle(c)
}

func (f *Fake) remove(c *client) {
	i := sort.Search(len(f.st.Clients), func(i int) bool { return f.st.Clients[i].Clid >= c.Clid })
	if i < len(f.st.Clients) && f.st.Clients[i] == c {
		f.st.Clients = append(f.st.Clients[:i], f.st.Clients[i+1:]...)
	}
	delete(f.byClid, c.Clid)
	f.unindexTitle(c)
}

func (f *Fake) byUID(uid string) *client {
	for _, c := range f.st.Clients {
		if v, ok := c.Text["uid"]; ok && v == uid {
			return c
		}
	}
	return nil
}

// dictName returns the name of entry id of dictionary d ("" if none).
func (f *Fake) dictName(d string, id int64) string {
	list := f.st.Dicts[d]
	if id <= 0 || int(id) > len(list) {
		return ""
	}
	return list[id-1]
}

// dictID finds name in dictionary d, adding it when missing.
func (f *Fake) dictID(d, name string) int64 {
	for i, n := range f.st.Dicts[d] {
		if strings.EqualFold(n, name) {
			return int64(i + 1)
		}
	}
	f.st.Dicts[d] = append(f.st.Dicts[d], name)
	return int64(len(f.st.Dicts[d]))
}

func (f *Fake) userLogin(id int64) any {
	if id == 1 {
		return f.opt.Login
	}
	return ""
}

// ---- parameter helpers ----

// scalar returns a parameter as PHP would see it in a string context;
// ok is false for null or a missing value.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		if x {
			return "1", true
		}
		return "", true
	case []any:
		return "Array", true
	case map[string]any:
		return "Array", true
	}
	return fmt.Sprint(v), true
}

// intval is PHP's (int) cast of a parameter.
func intval(v any) int64 {
	s, _ := scalar(v)
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && s[end] == '-') {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

func truthy(v any) bool {
	s, ok := scalar(v)
	return ok && s != "" && s != "0" && s != "false"
}

// phoneValue turns a phone parameter (string or array) into the stored
// text: numbers split on , and ; and joined with ",".
func phoneValue(v any) string {
	var parts []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s, ok := scalar(e); ok {
				parts = append(parts, splitPhones(s)...)
			}
		}
	case []string:
		for _, s := range x {
			parts = append(parts, splitPhones(s)...)
		}
	default:
		s, _ := scalar(v)
		parts = splitPhones(s)
	}
	return strings.Join(parts, ",")
}

// parseDate reads a date_create parameter the way strtotime mostly does;
// garbage gives now.
func (f *Fake) parseDate(s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	loc := f.opt.Location
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02", "02.01.2006 15:04:05", "02.01.2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t
		}
	}
	return now
}

const (
	dbFormat      = "2006-01-02 15:04:05"
	displayFormat = "02.01.06,  15:04"
)

// ---- answers ----

func errObj(code int, text string) obj {
	return obj{{"result", "Error"}, {"error", obj{{"code", code}, {"text", text}}}}
}

const (
	textNoTitle      = "Отсутствуют параметры - Название клиента"
	textUnknownMeth  = "Неизвестный метод"
	textUnknownUser  = "Неизвестный пользователь"
	textInfoNotFound = "Клиент не найден в пределах аккаунта указанного пользователя."
	textUpdNotFound  = "Клиент с указанным clid не найден в пределах аккаунта"
	textDelNotFound  = "Не найдена запись"
	textOK           = "Успешно"
	textIdentical    = "Данные корректны, но идентичны имеющимся."
	textRecv         = "; Реквизиты обновлены"
)

func tooLong(col string) obj {
	return errObj(500, "ОшибкаData too long for column '"+col+"' at row 1 в строке 1406")
}

func badString(col, val string) obj {
	return errObj(500, "ОшибкаIncorrect string value: '"+mysqlBadString(val)+"' for column `salesman`.`app_clientcat`.`"+col+"` at row 1 в строке 1366")
}

// textCols are the text columns in insert order (for strict-mode errors).
var textCols = []string{"uid", "title", "type", "phone", "fax", "site_url", "mail_url", "address", "des", "scheme", "tip_cmr",
	"input1", "input2", "input3", "input4", "input5", "input6", "input7", "input8", "input9", "input10"}

// prepared is a client built from request parameters, before storing.
type prepared struct {
	text    map[string]*string // nil value = NULL / cleared to NULL
	ints    map[string]int64
	dictTxt map[string]string // dictionary values given as text, resolved on store
	recv    map[string]string
	hasRecv bool
	created *time.Time
	iduser  *int64
}

// prepare reads the client fields of p that are switched on, rewriting
// texts as the server does. It returns an error answer in strict mode.
func (f *Fake) prepare(p map[string]any, all bool, now time.Time) (prepared, obj) {
	pr := prepared{text: make(map[string]*string, len(p)), ints: map[string]int64{}}
	on := func(k string) bool { return all || f.active[k] }
	for k, v := range p {
		switch {
		case k == "title":
			s, _ := scalar(v)
			pr.text["title"] = formatTitle(s)
		case k == "phone":
			if on(k) {
				s := phoneValue(v)
				pr.text["phone"] = &s
			}
		case k == "user":
			s, _ := scalar(v)
			id := int64(0)
			if s == f.opt.Login {
				id = 1
			}
			pr.iduser = &id
		case k == "iduser":
			id := intval(v)
			pr.iduser = &id
		case k == "date_create":
			s, _ := scalar(v)
			t := f.parseDate(s, now)
			pr.created = &t
		case k == "recv":
			if m, ok := v.(map[string]any); ok && on("recv") {
				pr.hasRecv = true
				pr.recv = map[string]string{}
				for rk, rv := range m {
					s, _ := scalar(rv)
					pr.recv[rk] = fieldClean(s)
				}
			}
		case k == "idcategory" || k == "territory" || k == "clientpath":
			if !on(k) {
				continue
			}
			s, _ := scalar(v)
			if _, isNum := v.(json.Number); isNum || isDigits(s) {
				pr.ints[k] = intval(v)
			} else if s == "" {
				pr.ints[k] = 0
			} else {
				if pr.dictTxt == nil {
					pr.dictTxt = map[string]string{}
				}
				pr.dictTxt[k] = fieldClean(s)
			}
		case k == "head_clid" || k == "pid":
			if on(k) {
				pr.ints[k] = intval(v)
			}
		case k == "uid" || k == "type":
			s, ok := scalar(v)
			if ok {
				pr.text[k] = &s
			} else {
				pr.text[k] = nil
			}
		default:
			if _, isText := textLimits[k]; isText && on(k) {
				s, ok := scalar(v)
				if ok {
					s = fieldClean(s)
					pr.text[k] = &s
				} else {
					pr.text[k] = nil
				}
			}
		}
	}
	// 4-byte characters and lengths.
	for _, col := range textCols {
		sp := pr.text[col]
		if sp == nil {
			continue
		}
		s := *sp
		if has4Byte(s) {
			if f.opt.Strict {
				return pr, badString(col, s)
			}
			s = kill4Byte(s)
		}
		if n := textLimits[col]; n > 0 && len(s) > n && len([]rune(s)) > n {
			if f.opt.Strict {
				return pr, tooLong(col)
			}
			s = cut(s, n)
		}
		*sp = s
	}
	for k, s := range pr.recv {
		pr.recv[k] = kill4Byte(s)
	}
	return pr, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// duplicate returns the first stored client the real server's duplicate
// test finds for pr: same rewritten title (case-insensitive) and, when
// given, a phone matching by digits (first digit ignored) and an e-mail
// matching as a substring.
func (f *Fake) duplicate(pr prepared) *client {
	tp := pr.text["title"]
	if tp == nil {
		return nil
	}
	cands := f.byTitle[titleKey(*tp)]
	if len(cands) == 0 {
		return nil
	}
	var phones []string
	if p := pr.text["phone"]; p != nil {
		for _, n := range splitPhones(*p) {
			d := digits(n)
			if len(d) > 1 {
				phones = append(phones, d[1:])
			}
		}
	}
	mail := ""
	if m := pr.text["mail_url"]; m != nil {
		mail = strings.ToLower(strings.TrimSpace(*m))
	}
	for _, c := range cands {
		if len(phones) > 0 {
			stored, _ := c.text("phone")
			hit := false
			for _, n := range splitPhones(stored) {
				sd := digits(n)
				for _, d := range phones {
					if strings.Contains(sd, d) {
						hit = true
					}
				}
			}
			if !hit {
				continue
			}
		}
		if mail != "" {
			stored, _ := c.text("mail_url")
			if !strings.Contains(strings.ToLower(stored), mail) {
				continue
			}
		}
		return c
	}
	return nil
}

// store applies pr to c (a new or existing client). It reports whether a
// stored value changed.
func (f *Fake) apply(c *client, pr prepared) bool {
	changed := false
	for k, v := range pr.text {
		old, had := c.Text[k]
		switch {
		case v == nil && had:
			delete(c.Text, k)
			changed = true
		case v != nil && (!had || old != *v):
			c.Text[k] = *v
			changed = true
		}
	}
	for k, s := range pr.dictTxt {
		pr.ints[k] = f.dictID(k, s)
	}
	for k, v := range pr.ints {
		if c.Ints[k] != v {
			c.Ints[k] = v
			changed = true
		}
	}
	if pr.iduser != nil && c.Ints["iduser"] != *pr.iduser {
		c.Ints["iduser"] = *pr.iduser
		changed = true
	}
	if pr.hasRecv {
		if c.Recv == nil {
			c.Recv = map[string]string{}
		}
		for k, v := range pr.recv {
			c.Recv[k] = v
		}
	}
	return changed
}

// add is client/add for one record.
func (f *Fake) add(p map[string]any) obj {
	if p == nil {
		p = map[string]any{}
	}
	if s, ok := scalar(p["title"]); !ok || s == "" {
		return errObj(402, textNoTitle)
	}
	now := f.opt.Now().In(f.opt.Location)
	pr, fail := f.prepare(p, false, now)
	if fail != nil {
		return fail
	}
	if d := f.duplicate(pr); d != nil {
		t := d.Text["title"]
		text := fmt.Sprintf("Найден существующий клиент - %s (clid = %d). Запрос отклонен.", t, d.Clid)
		if f.opt.Duplicate406 {
			return obj{{"result", "Error"}, {"error", obj{{"code", 406}, {"text", text}}}, {"data", d.Clid}}
		}
		return obj{{"result", "Error"}, {"exists", d.Clid}, {"error", obj{{"code", 304}, {"text", text}}}}
	}
	c := f.newClient(pr, now)
	f.insert(c)
	return obj{{"result", textOK}, {"data", c.Clid}}
}

func (f *Fake) newClient(pr prepared, now time.Time) *client {
	c := &client{Text: make(map[string]string, len(pr.text)+1), Ints: make(map[string]int64, 2+len(pr.ints)), Created: now}
	c.Text["type"] = "client"
	c.Ints["iduser"] = 1
	c.Ints["clientpath"] = 2
	if pr.created != nil {
		c.Created = *pr.created
	}
	f.apply(c, pr)
	return c
}

// update is client/update.
func (f *Fake) update(p map[string]any) obj {
	var c *client
	if id := intval(p["clid"]); id != 0 {
		c = f.byClid[id]
	} else if uid, ok := scalar(p["uid"]); ok && uid != "" {
		c = f.byUID(uid)
	}
	if c == nil {
		return errObj(403, textUpdNotFound)
	}
	q := make(map[string]any, len(p))
	for k, v := range p {
		switch k {
		case "clid", "action", "apikey", "login", "date_create":
			continue
		case "uid":
			if old, ok := c.Text["uid"]; ok && old != "" {
				continue // an existing uid cannot be changed
			}
		}
		q[k] = v
	}
	now := f.opt.Now().In(f.opt.Location)
	pr, fail := f.prepare(q, false, now)
	if fail != nil {
		return fail
	}
	if t, ok := q["title"]; ok {
		if s, _ := scalar(t); s == "" {
			delete(pr.text, "title") // an empty title is not stored
		}
	}
	f.unindexTitle(c)
	changed := f.apply(c, pr)
	f.indexTitle(c)
	suffix := ""
	if pr.hasRecv {
		suffix = textRecv
	}
	if !changed {
		return obj{{"data", c.Clid}, {"result", textIdentical + suffix}}
	}
	c.Edited = now
	c.History++
	hid := f.st.NextHid
	f.st.NextHid++
	return obj{{"data", c.Clid}, {"hid", hid}, {"result", textOK + suffix}}
}

// del is client/delete.
func (f *Fake) del(p map[string]any) obj {
	c := f.byClid[intval(p["clid"])]
	if c == nil {
		return errObj(403, textDelNotFound)
	}
	f.remove(c)
	msg := fmt.Sprintf("Успешно: Клиент удален.<br>Также удалено %d записи истории активностей. Снята привязка к Клиенту у 0 Контактов. Удалено 0 записей напоминаний. Удалено 0 файлов.", c.History)
	return obj{{"message", msg}, {"result", "Клиент удален"}, {"data", c.Clid}}
}

// fieldsAnswer is client/fields.
func (f *Fake) fieldsAnswer() obj {
	var data obj
	for _, k := range fieldOrder {
		if f.active[k] {
			data = append(data, kv{k, fieldLabels[k]})
		}
	}
	return obj{{"data", data}}
}

// info is client/info.
func (f *Fake) info(p map[string]any) obj {
	var c *client
	if uid, ok := scalar(p["uid"]); ok && uid != "" {
		if c = f.byUID(uid); c == nil {
			return errObj(404, "Не найдено")
		}
	} else if id := intval(p["clid"]); id != 0 {
		c = f.byClid[id]
	} else {
		return errObj(405, "Отсутствуют параметры клиента")
	}
	if c == nil || c.Ints["iduser"] == 0 {
		return errObj(403, textInfoNotFound)
	}
	if _, ok := c.Text["title"]; !ok {
		return obj{{"data", obj{{"person", nil}}}}
	}
	loc := f.opt.Location
	tip := c.textOrNil("tip_cmr")
	head := ""
	if h := f.byClid[c.Ints["head_clid"]]; h != nil {
		head = h.Text["title"]
	}
	d := obj{
		{"clid", c.Clid}, {"uid", c.textOrNil("uid")}, {"clientUID", c.textOrNil("uid")},
		{"iduser", c.Ints["iduser"]}, {"title", c.textOrNil("title")}, {"des", c.textOrNil("des")},
		{"idcategory", c.Ints["idcategory"]}, {"category", f.dictName("idcategory", c.Ints["idcategory"])},
		{"phone", c.textOrNil("phone")}, {"fax", c.textOrNil("fax")}, {"site_url", c.textOrNil("site_url")},
		{"mail_url", c.textOrNil("mail_url")}, {"address", c.textOrNil("address")}, {"pid", c.Ints["pid"]},
		{"fav", "no"}, {"trash", "no"}, {"head_clid", c.Ints["head_clid"]}, {"head", head},
		{"scheme", c.textOrNil("scheme")}, {"tip_cmr", tip}, {"relation", tip},
		{"territory", c.Ints["territory"]}, {"territoryname", f.dictName("territory", c.Ints["territory"])},
		{"created", c.Created.In(loc).Format(dbFormat)}, {"creator", f.opt.UserName}, {"creatorID", 1},
		{"date_create", c.Created.In(loc).Format(displayFormat)},
	}
	if c.Edited.IsZero() {
		d = append(d, kv{"edited", nil}, kv{"editor", "не определено"}, kv{"editorID", 0}, kv{"date_edit", ""})
	} else {
		d = append(d, kv{"edited", c.Edited.In(loc).Format(dbFormat)}, kv{"editor", f.opt.UserName}, kv{"editorID", 1},
			kv{"date_edit", c.Edited.In(loc).Format(displayFormat)})
	}
	d = append(d, kv{"dostup", obj{}}, kv{"clientpath", f.dictName("clientpath", c.Ints["clientpath"])},
		kv{"clientpath2", c.Ints["clientpath"]}, kv{"type", c.textOrNil("type")}, kv{"priceLevel", "price_1"})
	for i := 1; i <= 10; i++ {
		k := "input" + strconv.Itoa(i)
		if f.active[k] {
			d = append(d, kv{k, c.textOrNil(k)})
		}
	}
	if truthy(p["bankinfo"]) {
		b := obj{{"clid", c.Clid}}
		for _, k := range recvKeys {
			b = append(b, kv{k, c.Recv[k]})
			if k == "castUrNameShort" {
				b = append(b, kv{"castName", c.textOrNil("title")})
			}
		}
		b = append(b, kv{"castFacAddr", c.textOrNil("address")}, kv{"castType", c.textOrNil("type")})
		d = append(d, kv{"bankinfo", b})
	}
	if truthy(p["uids"]) {
		d = append(d, kv{"uids", obj{}})
	}
	d = append(d, kv{"person", nil})
	if truthy(p["contacts"]) {
		d = append(d, kv{"contacts", obj{}})
	}
	return obj{{"data", d}}
}

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
		wordDigits = digits(word)
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

func (f *Fake) wordMatch(c *client, word, wordDigits string) bool {
	for _, k := range []string{"title", "des", "mail_url", "site_url", "address"} {
		if strings.Contains(strings.ToLower(c.Text[k]), word) {
			return true
		}
	}
	return wordDigits != "" && len(wordDigits) == len(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, word)) && strings.Contains(digits(c.Text["phone"]), wordDigits)
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

func fatalSQL(msg string) string {
	return "<br />\n<b>Fatal error</b>:  Uncaught mysqli_sql_exception: " + msg +
		" in CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php:466\nStack trace:\n" +
		"#0 CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php(466): mysqli_query()\n" +
		"#1 CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php(140): SafeMySQL-&gt;rawQuery()\n" +
		"#2 CRM_ROOT/inc/class/Client.php(3232): SafeMySQL-&gt;query()\n" +
		"#3 CRM_ROOT/developer/v3/methods/client.php(60): Salesman\\Client-&gt;list()\n" +
		"#4 CRM_ROOT/developer/v3/index.php(171): include_once('...')\n" +
		"#5 {main}\n  thrown in <b>CRM_ROOT/vendor/colshrapnel/safemysql/safemysql.class.php</b> on line <b>466</b><br />\n"
}

const fatalAddListObject = "<br />\n<b>Fatal error</b>:  Uncaught TypeError: Cannot access offset of type string on string in CRM_ROOT/developer/v3/methods/client.php:181\nStack trace:\n#0 CRM_ROOT/developer/v3/index.php(171): include_once()\n#1 {main}\n  thrown in <b>CRM_ROOT/developer/v3/methods/client.php</b> on line <b>181</b><br />\n"

const fatalAddNull = "<br />\n<b>Fatal error</b>:  Uncaught TypeError: Salesman\\Client::add(): Argument #1 ($params) must be of type array, null given, called in CRM_ROOT/developer/v3/methods/client.php on line 170 and defined in CRM_ROOT/inc/class/Client.php:310\nStack trace:\n#0 CRM_ROOT/developer/v3/methods/client.php(170): Salesman\\Client-&gt;add()\n#1 CRM_ROOT/developer/v3/index.php(171): include_once('...')\n#2 {main}\n  thrown in <b>CRM_ROOT/inc/class/Client.php</b> on line <b>310</b><br />\n"
