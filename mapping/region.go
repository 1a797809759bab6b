package mapping

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/internal/bug"
	"github.com/crmport/crmport/sheet"
)

// RegionChoice says how the numbers of a phone field that have no country
// code are read, and what told crmport so, for `crmport mapping check`.
type RegionChoice struct {
	Field  string // the vendor field
	Region string // ISO 3166-1 alpha-2, e.g. "RU"
	From   string // the evidence, in words: `its "region:"`, `the numbers with a country code in column "Telefon" (+7)` …
}

// String words the choice for a person.
func (r RegionChoice) String() string {
	return fmt.Sprintf("%s: numbers without a country code are read as %s ones (from %s)", r.Field, r.Region, r.From)
}

// encodingRegions are the countries whose Excel writes a CSV file in an
// encoding: a Russian Excel saves windows-1251, a Polish one windows-1250.
var encodingRegions = map[string]string{
	"windows-1251": "RU", "koi8-r": "RU", "ibm866": "RU", "iso-8859-5": "RU",
	"windows-1250": "PL", "iso-8859-2": "PL",
}

// regionFor decides the region of a phone field's numbers without a
// country code, from the strongest evidence there is: the field's
// `region:`, ApplyOptions.Region, the country codes of the other numbers
// in its columns (ApplyOptions.Sample), the file's encoding
// (ApplyOptions.Info), the vendor's home market, else PL.
func (m *Mapping) regionFor(fm *FieldMap, cols []int, header []string, opt ApplyOptions) RegionChoice {
	rc := RegionChoice{Field: fm.Field}
	switch {
	case fm.Region != "":
		rc.Region, rc.From = fm.Region, "its `region:`"
	case opt.Region != "":
		rc.Region, rc.From = opt.Region, "the region given"
	}
	if rc.Region != "" {
		return rc
	}
	if r, code, n := columnRegion(cols, opt.Sample); r != "" {
		var names []string
		for _, c := range cols {
			if c < len(header) {
				names = append(names, fmt.Sprintf("%q", header[c]))
			}
		}
		noun := "number"
		if n > 1 {
			noun = "numbers"
		}
		rc.Region = r
		rc.From = fmt.Sprintf("%d %s with a country code (+%d) in column %s", n, noun, code, strings.Join(names, " + "))
		return rc
	}
	if opt.Info != nil {
		if r := encodingRegions[strings.ToLower(opt.Info.Encoding)]; r != "" {
			rc.Region, rc.From = r, "the file's encoding "+opt.Info.Encoding
			return rc
		}
	}
	if m.reg.Home != "" {
		rc.Region, rc.From = m.reg.Home, title(m.reg)+"'s home market"
		return rc
	}
	rc.Region, rc.From = defaultPhoneRegion, "the default"
	return rc
}

// columnRegion finds the country most numbers written with a country code
// (+7 …, 0048 …) in the sample's cells of cols belong to; n counts them.
// Parsing a number is the costly part (phonenumbers' regular
// expressions: ~20 ms for the 1,000 rows mapping check and an import read,
// on every run), so a large sample is parsed in two halves at once.
func columnRegion(cols []int, sample []sheet.Row) (region string, code, n int) {
	var count map[int]int
	if len(sample) >= regionSplit {
		half := len(sample) / 2
		var other map[int]int
		var crash error
		done := make(chan struct{})
		go func() {
			defer close(done)
			crash = bug.Catch(func() error { other = countryCodes(cols, sample[half:]); return nil })
		}()
		count = countryCodes(cols, sample[:half])
		<-done
		if crash != nil {
			panic(crash) // a bug in the other half: raised here, with its stack
		}
		for c, k := range other {
			count[c] += k
		}
	} else {
		count = countryCodes(cols, sample)
	}
	codes := make([]int, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		if count[codes[i]] != count[codes[j]] {
			return count[codes[i]] > count[codes[j]]
		}
		return codes[i] < codes[j]
	})
	if len(codes) == 0 {
		return "", 0, 0
	}
	code = codes[0]
	return phonenumbers.GetRegionCodeForCountryCode(code), code, count[code]
}

// regionSplit is the sample size from which columnRegion parses on two
// goroutines.
const regionSplit = 200

// countryCodes counts the numbers written with a country code in the
// rows' cells of cols, by country calling code. A number written again
// (a company's switchboard or fax on every row) is parsed once:
// phonenumbers.Parse is ~9 µs a number, most of the evidence's cost.
func countryCodes(cols []int, rows []sheet.Row) map[int]int {
	count := map[int]int{}
	seen := map[string]int{} // number as written → its country code, 0 if not a possible number
	for _, row := range rows {
		for _, c := range cols {
			if c >= len(row.Cells) {
				continue
			}
			for _, p := range strings.FieldsFunc(row.Cells[c].Text, func(r rune) bool { return r == ',' || r == ';' }) {
				p = trimSpace(p)
				if strings.HasPrefix(p, "00") {
					p = "+" + p[2:]
				}
				if !strings.HasPrefix(p, "+") {
					continue
				}
				cc, ok := seen[p]
				if !ok {
					if num, err := phonenumbers.Parse(p, ""); err == nil && phonenumbers.IsPossibleNumber(num) {
						cc = int(num.GetCountryCode())
					}
					seen[p] = cc
				}
				if cc != 0 {
					count[cc]++
				}
			}
		}
	}
	return count
}

// checkPhoneText checks a phone number kept as written (no `transform:
// [phone]`) only as the vendor checks one (crm.Registration.Phone: digits,
// characters it refuses), and that it is a phone number at all: a value
// without digits or with an "@" is in the wrong column whatever the
// vendor stores. The number is not rewritten: 8(912)884-45-55 goes as it
// is.
func checkPhoneText(s string, rule crm.PhoneRule) (string, error) {
	t := trimSpace(s)
	if strings.Contains(t, "@") {
		return "", errors.New("is not a phone number (it looks like an e-mail address)")
	}
	digits := 0
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case rule.Chars != "" && !strings.ContainsRune(rule.Chars, r):
			return "", fmt.Errorf("is not a phone number (digits with %s only)", charList(rule.Chars))
		}
	}
	switch {
	case digits == 0:
		return "", errors.New("is not a phone number (it has no digits)")
	case rule.MinDigits > 0 && digits < rule.MinDigits, rule.MaxDigits > 0 && digits > rule.MaxDigits:
		return "", fmt.Errorf("is not a phone number: it has %d digits, a phone number has %d to %d", digits, rule.MinDigits, rule.MaxDigits)
	}
	return t, nil
}

// charList words the characters a phone number may hold besides digits:
// "spaces, +, -, (, ) and .".
func charList(chars string) string {
	parts := []string{"+"}
	for _, r := range chars {
		if r == ' ' {
			parts = append([]string{"spaces"}, parts...)
			continue
		}
		parts = append(parts, string(r))
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// phoneTransform reports whether fm asks for numbers in E.164 (`transform: [phone]`).
func phoneTransform(fm *FieldMap) bool {
	for _, t := range fm.Transforms {
		if t == "phone" {
			return true
		}
	}
	return false
}

// phoneField reports whether a field holds phone numbers: by the
// catalogue's type or its transform.
func phoneField(cf *crm.Field, fm *FieldMap) bool {
	return (cf != nil && cf.Type == crm.TypePhone) || phoneTransform(fm)
}
