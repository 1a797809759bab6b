package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// DedupeRule is one way two rows of a file are found to be the same
// client, before anything is sent.
type DedupeRule string

// The rules of --dedupe.
const (
	// DedupeKey: the same value of the mapping's key field.
	DedupeKey DedupeRule = "key"
	// DedupeEmail: an e-mail address in common (trimmed, lower-case).
	DedupeEmail DedupeRule = "email"
	// DedupePhone: a phone number in common (E.164, read in the field's
	// region; a number that is not valid by its digits).
	DedupePhone DedupeRule = "phone"
	// DedupeTaxID: the same tax id (NIP, INN), by its digits.
	DedupeTaxID DedupeRule = "tax_id"
)

// DefaultDedupe are the rules used when Options.Dedupe is nil.
var DefaultDedupe = []DedupeRule{DedupeKey, DedupeEmail}

// ParseDedupe reads --dedupe: a comma-separated list of key, email, phone
// and tax_id; "none" (or "") switches the check off (an empty, non-nil
// list).
func ParseDedupe(s string) ([]DedupeRule, error) {
	out := []DedupeRule{}
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "none" {
		return out, nil
	}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case "taxid", "tax-id", "nip", "inn":
			p = string(DedupeTaxID)
		case "e-mail", "mail":
			p = string(DedupeEmail)
		}
		r := DedupeRule(p)
		switch r {
		case DedupeKey, DedupeEmail, DedupePhone, DedupeTaxID:
		default:
			return nil, fmt.Errorf("--dedupe %q: unknown rule %q (use any of key, email, phone, tax_id separated by commas, or none)", s, p)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// DuplicatePolicy says what happens to rows of the file that are the same
// client.
type DuplicatePolicy string

// The policies of --duplicates.
const (
	// DuplicatesFirst imports the first row; each later one goes to the
	// error report naming the first.
	DuplicatesFirst DuplicatePolicy = "first"
	// DuplicatesError imports none of them: every row of the client goes
	// to the error report, for the user to choose.
	DuplicatesError DuplicatePolicy = "error"
	// DuplicatesMerge imports the first row with its empty fields filled
	// from the later ones (in file order); the later rows are in the done
	// report as merged.
	DuplicatesMerge DuplicatePolicy = "merge"
)

// ParseDuplicates reads --duplicates.
func ParseDuplicates(s string) (DuplicatePolicy, error) {
	p := DuplicatePolicy(strings.TrimSpace(strings.ToLower(s)))
	switch p {
	case "":
		return DuplicatesFirst, nil
	case DuplicatesFirst, DuplicatesError, DuplicatesMerge:
		return p, nil
	}
	return "", fmt.Errorf("--duplicates %q: use first (import the first row, report the others), error (report them all) or merge (fill the first row's empty fields from the others)", s)
}

// StatusMerged is the done report's status of a row merged into an
// earlier row of the same client (--duplicates merge); its crmport_id is
// that client's.
const StatusMerged crm.Status = "merged"

// ColNote is the done report's column saying what a merge did (written
// with --duplicates merge only).
const ColNote = "crmport_note"

// DedupeFields names the record fields each rule reads.
type DedupeFields struct {
	Email []string
	Phone []string
	TaxID []string
}

// DedupeFieldsFor returns the fields of a vendor that hold e-mails, phone
// numbers and tax ids: those its Registration.Aliases give for these
// concepts, and the catalogue's e-mail and phone fields (types, as in
// Options.FieldTypes), fax numbers left out.
func DedupeFieldsFor(reg crm.Registration, types map[string]crm.FieldType) DedupeFields {
	var d DedupeFields
	add := func(dst *[]string, f string) {
		f = strings.TrimSuffix(f, "?")
		if f != "" && !slices.Contains(*dst, f) {
			*dst = append(*dst, f)
		}
	}
	for _, f := range reg.Aliases[crm.ConceptEmail] {
		add(&d.Email, f)
	}
	for _, c := range []crm.Concept{crm.ConceptPhone, crm.ConceptMobile} {
		for _, f := range reg.Aliases[c] {
			add(&d.Phone, f)
		}
	}
	for _, c := range []crm.Concept{crm.ConceptNIP, crm.ConceptINN} {
		for _, f := range reg.Aliases[c] {
			add(&d.TaxID, f)
		}
	}
	fax := map[string]bool{}
	for _, f := range reg.Aliases[crm.ConceptFax] {
		fax[strings.TrimSuffix(f, "?")] = true
	}
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		switch types[n] {
		case crm.TypeEmail:
			add(&d.Email, n)
		case crm.TypePhone:
			if !fax[n] {
				add(&d.Phone, n)
			}
		}
	}
	return d
}

// guessDedupeFields is DedupeFields from the catalogue's types, or, with
// none, from field names (tests and vendors without a catalogue).
func guessDedupeFields(types map[string]crm.FieldType, rec crm.Record) DedupeFields {
	if types != nil {
		return DedupeFieldsFor(crm.Registration{}, types)
	}
	return guessDedupeFieldsOf(fieldValues{rec: rec})
}

// guessDedupeFieldsOf guesses from the names of the fields fv holds a
// value for (see guessDedupeFields).
func guessDedupeFieldsOf(fv fieldValues) DedupeFields {
	var d DedupeFields
	fv.eachSet(func(k string) {
		l := strings.ToLower(k)
		switch {
		case strings.Contains(l, "mail"):
			d.Email = append(d.Email, k)
		case strings.Contains(l, "phone") && !strings.Contains(l, "fax"):
			d.Phone = append(d.Phone, k)
		}
	})
	slices.Sort(d.Email)
	slices.Sort(d.Phone)
	return d
}

// hashIndex maps 64-bit hashes of values to the row that first held the
// value: open addressing over two flat arrays (8 + 4 bytes a slot, at
// most 3/4 full), about half of what a Go map of the same takes. A key's
// home slot is its top bits, so the slots hold the keys nearly in order:
// spilling them sorted (spillIndex) is a short insertion sort, not a full
// sort. Keys must be well mixed in their top bits (spillIndex passes them
// through spread).
type hashIndex struct {
	keys  []uint64 // 0 = empty slot
	lines []uint32
	n     int
	shift uint // 64 - log2(len(keys))
}

// home is the slot where k belongs.
func (h *hashIndex) home(k uint64) int { return int(k >> h.shift) }

// slot returns where k is, or the empty slot where it would go.
func (h *hashIndex) slot(k uint64) int {
	mask := len(h.keys) - 1
	i := h.home(k)
	for h.keys[i] != 0 && h.keys[i] != k {
		i = (i + 1) & mask
	}
	return i
}

// get returns the row of k.
func (h *hashIndex) get(k uint64) (uint32, bool) {
	if h.n == 0 {
		return 0, false
	}
	i := h.slot(nonZero(k))
	if h.keys[i] == 0 {
		return 0, false // most values are new: lines[i] is not read (a cache miss of its own)
	}
	return h.lines[i], true
}

// add records k at line unless it is there already.
func (h *hashIndex) add(k uint64, line uint32) {
	k = nonZero(k)
	if (h.n+1)*4 > len(h.keys)*3 {
		h.grow()
	}
	if i := h.slot(k); h.keys[i] == 0 {
		h.keys[i], h.lines[i] = k, line
		h.n++
	}
}

func (h *hashIndex) grow() {
	size := max(1024, len(h.keys)*2)
	h.growInto(make([]uint64, size), make([]uint32, size))
}

// growInto moves the entries into keys and lines (zeroed, of the same
// length: a power of two, larger than now).
func (h *hashIndex) growInto(keys []uint64, lines []uint32) {
	old, oldLines := h.keys, h.lines
	h.keys, h.lines = keys, lines
	h.shift = uint(64 - bits.TrailingZeros(uint(len(keys))))
	for i, k := range old {
		if k != 0 {
			j := h.slot(k)
			h.keys[j], h.lines[j] = k, oldLines[i]
		}
	}
}

func nonZero(k uint64) uint64 {
	if k == 0 {
		return 1
	}
	return k
}

// dupHit says why a row is a duplicate.
type dupHit struct {
	rule  DedupeRule
	field string // the field holding the value, in this row
	value string // the value in common, as the row has it (normalised)
	line  int    // the row holding it first
	root  int    // the first row of the client
}

// dedupe finds the rows of one file that are the same client. Its index
// holds a 64-bit hash of each normalised value and two row numbers, never
// the rows: memory is about the same per row whatever the row holds.
type dedupe struct {
	rules  []DedupeRule
	key    string
	fields DedupeFields
	guess  bool // fields from names (no catalogue types): decided per record
	types  map[string]crm.FieldType
	region func(field string) string
	policy DuplicatePolicy
	advice Advice
	seen   *spillIndex
	// rootOf holds, for each row that is a duplicate, its client's first
	// row (the index holds only the row where a value was seen).
	rootOf map[int32]int32

	// Filled by the first pass over the file (policies error and merge):
	// the duplicates of each row that has some, and why each is one.
	scanned bool
	later   map[int32][]int32
	hits    map[int32]dupHit
	// merges holds the later rows' records, by their first row (merge).
	merges map[int32][]mergedRow
	// roots are the first rows read so far that later merged rows wait
	// for (the pipeline's items), dropped when the last one is read.
	roots map[int32]*item

	// scratch for observe, which runs once per row: its keys and values
	// are not kept past the call (a hit copies what it reports).
	kbuf []dkey
	vbuf []string
}

// mergedRow is a later row's record kept for merging into its first row.
type mergedRow struct {
	line int32
	rec  crm.Record
}

// newDedupe returns the finder for opt, or nil when no rule applies.
func newDedupe(opt Options, region func(string) string) *dedupe {
	rules := opt.Dedupe
	if rules == nil {
		rules = DefaultDedupe
	}
	var use []DedupeRule
	for _, r := range rules {
		if r == DedupeKey && opt.Key == "" {
			continue
		}
		use = append(use, r)
	}
	if len(use) == 0 {
		return nil
	}
	d := &dedupe{rules: use, key: opt.Key, fields: opt.DedupeFields, types: opt.FieldTypes, region: region,
		policy: opt.Duplicates, advice: opt.Advice, seen: newSpillIndex(), rootOf: map[int32]int32{}}
	if d.policy == "" {
		d.policy = DuplicatesFirst
	}
	if len(d.fields.Email)+len(d.fields.Phone)+len(d.fields.TaxID) == 0 {
		if opt.FieldTypes != nil {
			d.fields = guessDedupeFields(opt.FieldTypes, nil)
		} else {
			d.guess = true
		}
	}
	return d
}

// dkey is one normalised value of a record under a rule.
type dkey struct {
	rule  DedupeRule
	field string
	value string
	hash  uint64
	seen  bool // in the index already (observe looks each value up once)
}

// keys returns the normalised values of rec under each rule, in rule order.
func (d *dedupe) keys(rec crm.Record) []dkey {
	out, _ := d.appendKeys(nil, nil, fieldValues{rec: rec})
	return out
}

// appendKeys appends rec's keys (see keys) to out, using vbuf as scratch
// for the values of one field, and returns both: observe reuses them, so
// that the check costs no allocation for a row whose values are canonical.
// It writes nothing of d's (other goroutines call keys).
func (d *dedupe) appendKeys(out []dkey, vbuf []string, fv fieldValues) ([]dkey, []string) {
	fields := d.fields
	if d.guess {
		fields = guessDedupeFieldsOf(fv)
	}
	start := len(out)
	for _, rule := range d.rules {
		for _, f := range d.ruleFields(rule, fields) {
			vbuf = d.appendValues(vbuf[:0], rule, f, fv.get(f))
		next:
			for _, v := range vbuf {
				for _, k := range out[start:] {
					if k.rule == rule && k.value == v {
						continue next
					}
				}
				out = append(out, dkey{rule: rule, field: f, value: v, hash: keyHash(rule, v)})
			}
		}
	}
	return out, vbuf
}

// keyHash is the 64-bit FNV-1a hash of rule, a 0x1f separator and v: the
// index's key (hash/fnv's, written out so that it costs no allocation).
func keyHash(rule DedupeRule, v string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(rule); i++ {
		h = (h ^ uint64(rule[i])) * prime
	}
	h = (h ^ 0x1f) * prime
	for i := 0; i < len(v); i++ {
		h = (h ^ uint64(v[i])) * prime
	}
	return h
}

// ruleFields returns the fields rule reads.
func (d *dedupe) ruleFields(rule DedupeRule, fields DedupeFields) []string {
	switch rule {
	case DedupeKey:
		return []string{d.key}
	case DedupeEmail:
		return fields.Email
	case DedupePhone:
		return fields.Phone
	case DedupeTaxID:
		return fields.TaxID
	}
	return nil
}

// values returns the normalised values of field f under rule: the key
// trimmed, e-mails lower-case, phones in E.164, tax ids by their digits
// (values too short to tell clients apart left out).
func (d *dedupe) values(rule DedupeRule, f string, v any) []string {
	return d.appendValues(nil, rule, f, mapping.ValueOf(v))
}

// appendValues appends the values of field f under rule (see values) to out.
func (d *dedupe) appendValues(out []string, rule DedupeRule, f string, v mapping.Value) []string {
	start := len(out)
	switch rule {
	case DedupeKey:
		if s := strings.TrimSpace(valueText(v)); s != "" {
			out = append(out, s)
		}
	case DedupeEmail:
		if s, ok := v.Text(); ok && plainEmail(s) {
			return append(out, s) // what the general way below gives it, in one look
		}
		out = appendSplitValue(out, v)
		kept := out[:start]
		for _, s := range out[start:] {
			if s = strings.ToLower(s); strings.Contains(s, "@") {
				kept = append(kept, s)
			}
		}
		out = kept
	case DedupePhone:
		var regions []string
		if d.region != nil {
			if r := d.region(f); r != "" {
				regions = []string{r}
			}
		}
		out = appendSplitValue(out, v)
		kept := out[:start]
		for _, s := range out[start:] {
			if c := dedupePhone(s, regions); digitCount(c) >= 5 {
				kept = append(kept, c)
			}
		}
		out = kept
	case DedupeTaxID:
		out = appendSplitValue(out, v)
		kept := out[:start]
		for _, s := range out[start:] {
			if c := digitsOnly(s); len(c) >= 5 {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	return out
}

// observe records rec's values for the row at line and returns why it is a
// duplicate of an earlier row (nil when it is not). The values of a
// duplicate are recorded too, under its first row.
func (d *dedupe) observe(line int, rec crm.Record) *dupHit {
	return d.observeValues(line, fieldValues{rec: rec})
}

// observeValues is observe of a row's values.
func (d *dedupe) observeValues(line int, fv fieldValues) *dupHit {
	ks := fv.keys // found ahead (newApplyAhead): the row's own, marked below
	if !fv.keyed {
		ks, d.vbuf = d.appendKeys(d.kbuf[:0], d.vbuf, fv)
		d.kbuf = ks
	}
	var hit *dupHit
	for i, k := range ks {
		l, ok := d.seen.get(k.hash)
		if !ok {
			continue
		}
		ks[i].seen = true
		if hit == nil {
			root, dup := d.rootOf[int32(l)]
			if !dup {
				root = int32(l)
			}
			hit = &dupHit{rule: k.rule, field: k.field, value: k.value, line: int(l), root: int(root)}
		}
	}
	if hit != nil {
		d.rootOf[int32(line)] = int32(hit.root)
	}
	for _, k := range ks {
		if !k.seen {
			d.seen.insert(k.hash, uint32(line))
		}
	}
	return hit
}

// scan is the first pass of the policies error and merge: it reads the
// whole file once, so that a first row knows of its later duplicates
// before it is sent. Rows that fail when read or mapped take no part, as
// in the pass that imports.
func (d *dedupe) scan(ctx context.Context, open func(context.Context) (sheet.Source, error), b Binder) error {
	src, err := open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	d.later = map[int32][]int32{}
	d.hits = map[int32]dupHit{}
	if d.policy == DuplicatesMerge {
		d.merges = map[int32][]mergedRow{}
		d.roots = map[int32]*item{}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || row.Blank || len(row.Extra) > 0 {
			if sheet.EndsRows(err) {
				return err // the pass that imports reports it
			}
			continue
		}
		rec, err := b.Apply(row)
		if err != nil {
			continue
		}
		if hit := d.observe(row.Line, rec); hit != nil {
			root := int32(hit.root)
			d.hits[int32(row.Line)] = *hit
			d.later[root] = append(d.later[root], int32(row.Line))
			if d.merges != nil {
				d.merges[root] = append(d.merges[root], mergedRow{line: int32(row.Line), rec: rec})
			}
		}
	}
	if err := d.failed(); err != nil {
		return err
	}
	d.close()
	d.seen, d.rootOf = nil, nil // the hits say it all now
	d.scanned = true
	return nil
}

// failed returns the error that stopped the check from telling
// duplicates apart (a temporary file of its index could not be read).
func (d *dedupe) failed() error {
	if d == nil || d.seen == nil {
		return nil
	}
	return d.seen.failed()
}

// close removes the index's temporary files.
func (d *dedupe) close() {
	if d != nil && d.seen != nil {
		d.seen.close()
	}
}

// check is called for each mapped row, in file order. It returns the
// duplicate found for it (nil if none) and, for a first row with later
// duplicates under the policies error and merge, their rows.
func (d *dedupe) check(line int, fv fieldValues) (hit *dupHit, later []int32) {
	if !d.scanned {
		return d.observeValues(line, fv), nil
	}
	if h, ok := d.hits[int32(line)]; ok {
		return &h, nil
	}
	return nil, d.later[int32(line)]
}

// merge fills rec's empty fields from the later rows of its client, in
// file order, and returns the note for the done report ("" when nothing
// was filled).
func (d *dedupe) merge(line int, rec crm.Record) string {
	var notes []string
	for _, m := range d.merges[int32(line)] {
		if took := d.mergeRecord(rec, m.rec); len(took) > 0 {
			notes = append(notes, fmt.Sprintf("%s from row %d", strings.Join(took, ", "), m.line))
		}
	}
	delete(d.merges, int32(line))
	if len(notes) == 0 {
		if len(d.later[int32(line)]) == 1 {
			return "merged " + rowsList(d.later[int32(line)]) + " (it added nothing)"
		}
		return "merged " + rowsList(d.later[int32(line)]) + " (they added nothing)"
	}
	return "merged " + rowsList(d.later[int32(line)]) + ": took " + strings.Join(notes, "; ")
}

// mergeRecord fills rec's empty fields from later's, and adds to rec's
// list fields (several phones, e-mails) the values later has that rec
// lacks. It returns what it took: field names, and list fields with the
// values added.
func (d *dedupe) mergeRecord(rec, later crm.Record) []string {
	var took []string
	keys := make([]string, 0, len(later))
	for k := range later {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := later[k]
		if isEmpty(v) {
			continue
		}
		if isEmpty(rec[k]) {
			rec[k] = v
			took = append(took, k)
			continue
		}
		have, ok := rec[k].([]string)
		more, ok2 := v.([]string)
		if !ok || !ok2 {
			continue
		}
		var added []string
		for _, x := range more {
			if !slices.ContainsFunc(have, func(h string) bool { return d.sameValue(k, h, x) }) {
				have = append(have, x)
				added = append(added, x)
			}
		}
		if len(added) > 0 {
			rec[k] = have
			took = append(took, k+" "+strings.Join(added, ", "))
		}
	}
	return took
}

// sameValue says whether two values of field are the same for a person:
// the same phone number however written, the same e-mail in any case, or
// the same text but for spaces and case.
func (d *dedupe) sameValue(field, a, b string) bool {
	phones := d.fields.Phone
	if d.guess {
		phones = guessDedupeFields(nil, crm.Record{field: a}).Phone
	}
	if slices.Contains(phones, field) {
		pa, pb := d.values(DedupePhone, field, a), d.values(DedupePhone, field, b)
		if len(pa) == 1 && len(pb) == 1 {
			return pa[0] == pb[0]
		}
	}
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// ruleWords names a rule in messages.
func (d *dedupe) ruleWords(r DedupeRule) string {
	switch r {
	case DedupeKey:
		return "key (" + d.key + ")"
	case DedupeEmail:
		return "e-mail"
	case DedupePhone:
		return "phone number"
	case DedupeTaxID:
		return "tax id"
	}
	return string(r)
}

// sameAs describes a duplicate: "same e-mail as row 12
// (jan.kowalski@example.pl)", and the client's first row when the row in
// common is itself a duplicate.
func (d *dedupe) sameAs(h *dupHit) string {
	s := fmt.Sprintf("same %s as row %d (%s)", d.ruleWords(h.rule), h.line, h.value)
	if h.root != h.line {
		s += fmt.Sprintf(", which is the same client as row %d", h.root)
	}
	return s
}

// laterMessage is the error of a later row of a client.
func (d *dedupe) laterMessage(h *dupHit) string {
	if d.policy == DuplicatesError {
		return d.sameAs(h) + fmt.Sprintf(": no row of this client was sent%s; keep one of them (row %d or this one), remove the others, and import again", d.because(d.advice.DuplicatesError), h.root)
	}
	if d.advice.DuplicatesMerge == "" {
		return d.sameAs(h) + fmt.Sprintf(": not sent, the client is imported from row %d; remove this row", h.root)
	}
	return d.sameAs(h) + fmt.Sprintf(": not sent, the client is imported from row %d; remove this row, or import with %s to fill row %d's empty cells from it", h.root, d.advice.DuplicatesMerge, h.root)
}

// firstMessage is the error of a first row with later duplicates under
// the policy error.
func (d *dedupe) firstMessage(later []int32) string {
	why := d.because(d.advice.DuplicatesError)
	if len(later) == 1 {
		return fmt.Sprintf("row %d below is the same client: neither row was sent%s; keep one of them, remove the other, and import again", later[0], why)
	}
	return fmt.Sprintf("rows %s below are the same client: no row of this client was sent%s; keep one of them, remove the others, and import again", joinLines(later), why)
}

// because names the setting that made it so, in brackets ("" = none).
func (d *dedupe) because(setting string) string {
	if setting == "" {
		return ""
	}
	return " (" + setting + ")"
}

// rowsList names row numbers for a sentence: "row 15", "rows 15, 30".
func rowsList(lines []int32) string {
	if len(lines) == 1 {
		return fmt.Sprintf("row %d", lines[0])
	}
	return "rows " + joinLines(lines)
}

// joinLines lists row numbers: "15, 30".
func joinLines(lines []int32) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = strconv.Itoa(int(l))
	}
	return strings.Join(parts, ", ")
}

// splitValues returns the trimmed, non-empty values of a record value (a
// list, or text with several values separated by commas or semicolons).
func splitValues(v any) []string {
	return appendSplitValues(nil, v)
}

// appendSplitValues appends v's values (see splitValues) to out.
func appendSplitValues(out []string, v any) []string {
	return appendSplitValue(out, mapping.ValueOf(v))
}

// appendSplitValue is appendSplitValues of a mapped value.
func appendSplitValue(out []string, v mapping.Value) []string {
	if s, ok := v.Text(); ok {
		return appendSplit(out, s)
	}
	switch x := v.Any().(type) {
	case nil:
		return out
	case string:
		return appendSplit(out, x)
	case []string:
		for _, s := range x {
			out = appendSplit(out, s)
		}
		return out
	}
	return appendSplit(out, text(v.Any()))
}

// appendSplit appends the trimmed, non-empty values of one text to out.
func appendSplit(out []string, s string) []string {
	if !hasValueSeparator(s) { // one value: most cells
		if p := strings.TrimSpace(s); p != "" {
			out = append(out, p)
		}
		return out
	}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// hasValueSeparator reports whether s holds a comma, a semicolon or a line
// end (strings.ContainsAny builds a set of its characters on every call).
func hasValueSeparator(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == ';' || c == '\n' {
			return true
		}
	}
	return false
}

// plainEmail reports whether s is one e-mail address as the duplicate
// check keeps it: ASCII, no capitals, no value separator, nothing to trim,
// an "@" (what a mapping's `lower` and `email` leave). Every row's address
// is looked at once, not four times (separators, trimming, case, "@").
func plainEmail(s string) bool {
	if s == "" || isASCIISpace(s[0]) || isASCIISpace(s[len(s)-1]) {
		return false
	}
	at := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z', c == ',', c == ';', c == '\n':
			return false
		case c == '@':
			at = true
		}
	}
	return at
}

// isASCIISpace reports whether c is a space strings.TrimSpace trims.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// isEmpty reports whether a record value holds nothing.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []string:
		for _, s := range x {
			if strings.TrimSpace(s) != "" {
				return false
			}
		}
		return true
	}
	return false
}

// dedupePhone is the form phone numbers are compared in: E.164. A number
// written with its country code (+48 601 234 567, 0048 601-234-567) is
// that already, without the cost of the library's validation; one
// without is read in the field's region (phoneCanon).
func dedupePhone(v string, regions []string) string {
	if isE164(v) {
		return v // as the mapping's phone check writes numbers: nothing to do
	}
	if rest, ok := strings.CutPrefix(v, "00"); ok {
		v = "+" + rest // the international prefix as dialled in Europe
	}
	if strings.HasPrefix(v, "+") {
		d := digitsOnly(v)
		plain := strings.IndexFunc(v[1:], func(r rune) bool {
			return (r < '0' || r > '9') && r != ' ' && r != '-' && r != '(' && r != ')' && r != '.'
		}) < 0
		if plain && len(d) >= 8 && len(d) <= 15 {
			return "+" + d
		}
	}
	return phoneCanon(v, regions)
}

// isE164 reports whether s is "+" and 8 to 15 digits, the form
// dedupePhone gives a plain international number.
func isE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digitsOnly returns the ASCII digits of s (s itself when it has nothing else).
func digitsOnly(s string) string {
	if digitCount(s) == len(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// digitCount counts the ASCII digits of s (a byte of a longer UTF-8
// sequence is never one).
func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// noteRoot keeps a first row's item while later rows of its client are to
// be merged into it (--duplicates merge). d may be nil.
func (d *dedupe) noteRoot(it *item, later []int32) {
	if d == nil || d.roots == nil || len(later) == 0 {
		return
	}
	d.roots[int32(it.line)] = it
}

// follow makes it, a later row of a client, end as the client's first row
// does (--duplicates merge): it is not sent.
func (d *dedupe) follow(it *item, h *dupHit) {
	root := d.roots[int32(h.root)]
	if later := d.later[int32(h.root)]; len(later) > 0 && later[len(later)-1] == int32(it.line) {
		delete(d.roots, int32(h.root)) // its last later row
	}
	if root == nil {
		// Cannot happen: the first pass made h.root a first row, and the
		// rows are read in the same order. Never merge into nothing.
		it.fail(d.laterMessage(h))
		it.duplicate = true
		return
	}
	it.follows = root
	it.done = root.done
	it.note = fmt.Sprintf("merged into row %d: %s", h.root, d.sameAs(h))
	it.res = crm.Result{Status: StatusMerged}
}

// settle ends a merged row once its first row has ended: merged, with the
// client's id, or failed with it.
func (d *dedupe) settle(it *item) {
	root := it.follows
	if root.mergeErr != "" {
		_, same, _ := strings.Cut(it.note, ": ")
		it.fail(same + "; " + root.mergeErr)
		return
	}
	switch root.res.Status {
	case crm.StatusCreated, crm.StatusUpdated, crm.StatusExists, crm.StatusUnchanged:
		it.res = crm.Result{Status: StatusMerged, ID: root.res.ID}
	default:
		_, same, _ := strings.Cut(it.note, ": ")
		it.fail(fmt.Sprintf("%s; row %d, which this row was to be merged into, was not imported (see its reason): fix row %d and import both again", same, root.line, root.line))
		it.duplicate = true
	}
}

// DuplicatesLine says what the duplicate rules found, for the summary a
// person reads ("" when they found nothing).
func (s Summary) DuplicatesLine() string {
	var parts []string
	if s.Duplicates > 0 {
		parts = append(parts, fmt.Sprintf("%d %s the same client as another row of the file (in the error report, not sent)", s.Duplicates, plural(s.Duplicates, "row is", "rows are")))
	}
	if s.Merged > 0 {
		parts = append(parts, fmt.Sprintf("%d %s merged into an earlier row of the same client (crmport_note in the done report says what was taken)", s.Merged, plural(s.Merged, "row was", "rows were")))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// merging reports whether the run merges duplicate rows (the done report
// then has a crmport_note column).
func (r *run) merging() bool { return r.dd != nil && r.dd.policy == DuplicatesMerge }
