package fake

import (
	"strings"
)

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

func (f *Fake) byUID(uid string) *client {
	for _, c := range f.st.Clients {
		if v, ok := c.Text["uid"]; ok && v == uid {
			return c
		}
	}
	return nil
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
