package fake

import (
	"fmt"
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

	// search keeps the texts the word search reads, lower-cased, so a
	// look-up does not lower-case the whole store again (see wordMatch).
	search searchCache
}

// searchCache holds each searched text beside the text it was made of:
// the store edits Text in place, so an entry is made again when its
// source differs (equal strings compare by pointer first: cheap). The
// zero value is right for empty texts.
type searchCache struct {
	src, low [len(wordFields)]string
	phone    string // the phone text digits was made of
	digits   string
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
