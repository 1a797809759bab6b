package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
)

// poolSize is how many distinct people the generator draws from; larger
// runs cycle through them with unique titles, ids and requisites.
const poolSize = 5000

// SeedChunk is how many records Seed generates and stores at a time, so
// generating 1,000,000 clients never holds them all as crm.Records.
const SeedChunk = 10000

// Records returns n realistic SalesMan clients numbered from start (a
// deterministic function of the index): 19 filled fields each — title,
// phone, fax, mail_url, site_url, address, uid, type and eleven
// requisites (recv.castInn, castKpp, castOgrn, castOkpo, bank details,
// director) — in Russian and Polish, with ids that Excel would mangle
// (leading zeros, 20-digit account numbers).
func Records(pool []crm.Record, start, n int) []crm.Record {
	out := make([]crm.Record, 0, n)
	for i := start; i < start+n; i++ {
		base := pool[i%len(pool)]
		title, _ := base["title"].(string)
		if round := i / len(pool); round > 0 {
			title = fmt.Sprintf("%s №%d", title, round+1)
		}
		phone, _ := base["phone"].(string)
		mail, _ := base["mail_url"].(string)
		addr, _ := base["address"].(string)
		domain := "example.ru"
		if _, d, ok := strings.Cut(mail, "@"); ok {
			domain = d
		}
		inn, _ := base["recv.castInn"].(string)
		if inn == "" {
			inn = digitsOf(uint64(i)*7919+1234567890, 10)
		}
		typ := "client"
		if i%5 == 4 {
			typ = "person"
		}
		r := crm.Record{
			"title":              title,
			"phone":              phone,
			"fax":                faxOf(phone),
			"mail_url":           mail,
			"site_url":           "www." + domain,
			"address":            addr,
			"uid":                fmt.Sprintf("00%07d", i+1),
			"type":               typ,
			"recv.castUrName":    title,
			"recv.castInn":       inn,
			"recv.castKpp":       digitsOf(uint64(i)*104729+770101001, 9),
			"recv.castOgrn":      digitsOf(uint64(i)*15485863+1027700132195, 13),
			"recv.castOkpo":      digitsOf(uint64(i)*6700417+57972160, 8),
			"recv.castBank":      banks[i%len(banks)],
			"recv.castBankKs":    "30101810400000000225",
			"recv.castBankRs":    "40702810" + digitsOf(uint64(i)*2147483647+38000000001, 12),
			"recv.castBankBik":   "044525225",
			"recv.castDirName":   directors[i%len(directors)],
			"recv.castDirStatus": "Генеральный директор",
			"recv.castUrAddr":    addr,
		}
		out = append(out, r)
	}
	return out
}

var (
	banks     = []string{"ПАО Сбербанк", "АО «Альфа-Банк»", "Банк ВТБ (ПАО)", "PKO Bank Polski S.A.", "mBank S.A."}
	directors = []string{"Иванов Иван Иванович", "Смирнова Ольга Петровна", "Kowalski Jan", "Nowak Anna", "Кузнецов Сергей Алексеевич"}
)

// digitsOf returns v as exactly n decimal digits (leading zeros kept).
func digitsOf(v uint64, n int) string {
	s := strconv.FormatUint(v, 10)
	if len(s) > n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}

func faxOf(phone string) string {
	if len(phone) < 2 {
		return phone
	}
	last := phone[len(phone)-1]
	if last >= '0' && last <= '8' {
		last++
	} else {
		last = '0'
	}
	return phone[:len(phone)-1] + string(last)
}

// Pool returns the people Records draws from.
func Pool() []crm.Record { return sandbox.SalesManRecords(poolSize) }

// Seed puts n clients from Records into an emulator, SeedChunk at a time.
func Seed(c crm.Controller, n int) {
	pool := Pool()
	for start := 0; start < n; start += SeedChunk {
		c.Seed(Records(pool, start, min(SeedChunk, n-start)))
	}
}
