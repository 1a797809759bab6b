package fake

import (
	"encoding/json"
	"time"
)

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
