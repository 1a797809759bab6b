package mapping

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// converter turns a cell's text into the value a vendor field takes, and
// checks it (type, range, length, characters the vendor cannot store).
type converter struct {
	field    string
	vendor   string // the vendor's title, for messages
	typ      crm.FieldType
	layout   string
	num      *numLayout // layout when time.Parse is not needed for it
	region   string
	e164     bool          // phone numbers rewritten in E.164 (`transform: [phone]`); else kept as written
	phone    crm.PhoneRule // what the vendor refuses in a number kept as written
	maxLen   int
	min, max int
	enum     map[string]string // foldKey(value) → value as the vendor spells it
	enumList []string
	strict4  bool
}

// defaultPhoneRegion is the region of phone numbers without a country
// code when nothing says otherwise (see Mapping.regionFor).
const defaultPhoneRegion = "PL"

// converterFor builds the converter for a field: the explicit typed
// transform (date, number, bool) or `date:` layout wins over the
// catalogue's type; cf may be nil for fields the catalogue does not list.
func converterFor(cf *crm.Field, fm *FieldMap, reg crm.Registration, region string) converter {
	c := converter{field: fm.Field, vendor: title(reg), typ: crm.TypeString, layout: fm.layout, region: region, strict4: reg.Strict4Byte, e164: phoneTransform(fm), phone: reg.Phone}
	if fm.Region != "" {
		c.region = fm.Region
	}
	if c.region == "" {
		c.region = defaultPhoneRegion
	}
	if cf != nil {
		c.typ, c.maxLen, c.min, c.max = cf.Type, cf.MaxLen, cf.Min, cf.Max
		if cf.Type == crm.TypeEnum && len(cf.Values) > 0 {
			c.enum = make(map[string]string, len(cf.Values))
			for _, v := range cf.Values {
				c.enum[foldKey(v)] = v
			}
			c.enumList = cf.Values
		}
	}
	for _, t := range fm.Transforms {
		switch t {
		case "date":
			if c.typ != crm.TypeDateTime {
				c.typ = crm.TypeDate
			}
		case "number":
			if c.typ != crm.TypeInt {
				c.typ = crm.TypeNumber
			}
		case "bool":
			c.typ = crm.TypeBool
		}
	}
	if fm.layout != "" && c.typ != crm.TypeDateTime {
		c.typ = crm.TypeDate
	}
	if c.layout != "" {
		c.num = compileNumLayout(c.layout)
	}
	return c
}

// convert converts one value. cell is the source cell when s is its
// unchanged text (real date cells keep their time), else nil.
func (c *converter) convert(cell *sheet.Cell, s string) (any, error) {
	switch c.typ {
	case crm.TypeInt:
		v, err := ParseNumber(s)
		if err != nil {
			return nil, err
		}
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, errors.New("is not a whole number")
		}
		if (c.min != 0 || c.max != 0) && (v < float64(c.min) || v > float64(c.max)) {
			return nil, fmt.Errorf("is out of range: %s takes %d to %d in %s", c.vendor, c.min, c.max, c.field)
		}
		return int64(v), nil
	case crm.TypeNumber:
		return ParseNumber(s)
	case crm.TypeBool:
		return ParseBool(s)
	case crm.TypeDate, crm.TypeDateTime:
		if c.num != nil && (cell == nil || cell.Kind != sheet.KindDate || cell.Time().IsZero()) {
			if t, ok := c.num.parse(trimSpace(s)); ok {
				return t, nil
			}
		}
		cl := sheet.Cell{Text: s, Kind: sheet.KindText}
		if cell != nil {
			cl = *cell
		}
		return ParseDate(cl, c.layout)
	case crm.TypeEmail, crm.TypePhone, crm.TypeCountry:
		v, err := c.str(s, nil)
		if err != nil {
			return nil, err
		}
		return v, nil
	case crm.TypeEnum:
		if c.enum != nil {
			v, ok := c.enum[foldKey(s)]
			if !ok {
				return nil, fmt.Errorf("is not one of the values %s accepts in %s: %s", c.vendor, c.field, strings.Join(c.enumList, ", "))
			}
			return v, nil
		}
	}
	return s, c.checkString(s)
}

// stringKind reports whether the field's values are strings: convert's
// result is then str's.
func (c *converter) stringKind() bool {
	switch c.typ {
	case crm.TypeInt, crm.TypeNumber, crm.TypeBool, crm.TypeDate, crm.TypeDateTime:
		return false
	case crm.TypeEnum:
		return c.enum == nil
	}
	return true
}

// str converts a value of a stringKind field: an e-mail address checked,
// a phone number in E.164, a country code, or the text itself, checked
// for length and characters the vendor cannot store. A new phone number
// is written to w (a new string when w is nil).
func (c *converter) str(s string, w *strings.Builder) (string, error) {
	switch c.typ {
	case crm.TypeEmail:
		v, err := checkEmail(s)
		if err != nil {
			return "", err
		}
		return v, c.checkString(v)
	case crm.TypePhone:
		if !c.e164 {
			v, err := checkPhoneText(s, c.phone)
			if err != nil {
				return "", err
			}
			return v, c.checkString(v)
		}
		v, err := phoneE164(s, c.region, w)
		if err != nil {
			return "", err
		}
		return v, c.checkString(v)
	case crm.TypeCountry:
		return CountryCode(s)
	}
	return s, c.checkString(s)
}

// checkString checks the length in characters and, for a vendor with
// Registration.Strict4Byte, 4-byte characters (emoji), which it destroys.
func (c *converter) checkString(s string) error {
	if c.maxLen > 0 && len(s) > c.maxLen {
		if n := utf8.RuneCountInString(s); n > c.maxLen {
			return fmt.Errorf("is too long: %d characters, %s takes at most %d in %s", n, c.vendor, c.maxLen, c.field)
		}
	}
	if c.strict4 && has4Byte(s) {
		var bad []string
		for _, r := range s {
			if r > 0xFFFF && len(bad) < 5 {
				bad = append(bad, string(r))
			}
		}
		return fmt.Errorf("contains characters %s cannot store (emoji): %s; remove them", c.vendor, strings.Join(bad, " "))
	}
	return nil
}

// has4Byte reports whether s holds a byte that starts a 4-byte UTF-8
// character (0xF0 or above: emoji and other characters past U+FFFF). It
// looks at eight bytes a step: every value of every row goes through it.
func has4Byte(s string) bool {
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// The top bit of a byte of w&(w<<1)&(w<<2)&(w<<3) is set where the
		// byte's top four bits are (no shift reaches another byte's top bit).
		if w&(w<<1)&(w<<2)&(w<<3)&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0xF0 {
			return true
		}
	}
	return false
}

// constant converts a `value:` constant.
func (c *converter) constant(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if (c.typ == crm.TypeDate || c.typ == crm.TypeDateTime) && isNowWord(x) {
			return time.Time{}, nil
		}
		return c.convert(nil, x)
	case int64:
		switch c.typ {
		case crm.TypeInt, crm.TypeNumber, crm.TypeBool:
			out, err := c.convert(nil, strconv.FormatInt(x, 10))
			if err != nil {
				return nil, err
			}
			return out, nil
		}
		return c.convert(nil, strconv.FormatInt(x, 10))
	case float64:
		if c.typ == crm.TypeBool {
			return nil, errors.New("is not yes/no")
		}
		return c.convert(nil, strconv.FormatFloat(x, 'f', -1, 64))
	case bool:
		if c.typ != crm.TypeBool {
			if c.typ == crm.TypeString || c.typ == crm.TypeText {
				return strconv.FormatBool(x), nil
			}
			return nil, fmt.Errorf("is yes/no, but %s is a %s field", c.field, c.typ)
		}
		return x, nil
	}
	return nil, fmt.Errorf("has an unsupported type %T", v)
}

func isNowWord(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "now", "today":
		return true
	}
	return false
}

// checkTarget checks a `values`/`default` target the field must accept.
func (c *converter) checkTarget(s string) error {
	_, err := c.convert(nil, s)
	return err
}

// ApplyOptions tunes how rows become records.
type ApplyOptions struct {
	Region string           // default phone region for numbers without a country code, e.g. "PL" (default "PL"); a field's `region:` wins
	Now    func() time.Time // clock for `value: now` / `value: today` on date fields (default time.Now)
	// Reject4Byte rejects characters outside the Basic Multilingual Plane
	// (emoji) in text fields. It is always on for a vendor whose
	// Registration says Strict4Byte.
	Reject4Byte bool
	// Export keeps read-only fields (ids, dates the vendor stamps) in the
	// records Apply returns; by default only the key among them is kept.
	Export bool
	// Info is how the file was read (sheet.Source.Info), if known: its
	// encoding tells the country of phone numbers without a country code
	// (windows-1251 → RU) when nothing stronger does.
	Info *sheet.Info
	// Sample is the file's first rows, if the caller has read them: the
	// numbers written with a country code tell the region of the others
	// in the same column.
	Sample []sheet.Row
}

// Binding is a mapping bound to one file's headers and a vendor catalogue,
// compiled once so that Apply does little work per row. A Binding is safe
// for concurrent use.
type Binding struct {
	m      *Mapping
	header []string
	fields []boundField
	names  []string // fields[i].name: FieldNames
	opt    ApplyOptions
	clear  bool
	makes  []int             // fields whose transforms may make new text: sized up front
	need   map[string]string // required field → "<Title> needs a value for title (Название)", for messages
	region []RegionChoice    // how each phone field reads numbers without a country code
}

// Regions says, for each field with `transform: [phone]`, how its numbers
// without a country code are read and what told crmport so (`crmport
// mapping check` shows it).
func (b *Binding) Regions() []RegionChoice { return b.region }

type boundField struct {
	name     string
	cols     []int  // column indexes in the row
	colName  string // header(s) as in the file, for messages
	join     string
	split    string
	list     bool // one value per cell of cols (FieldMap.listMode)
	constant any
	constNow bool
	steps    []stringStep
	values   map[string]string // foldKey(cell) → target
	exact    map[string]string // cell → target, tried first (no folding)
	def      *string
	required bool
	conv     converter

	// Work done once in Bind so Apply does not repeat it per row.
	targets  map[string]any // values/default target → its converted value (targets that convert without error)
	defValue any            // the default after the transform chain and conversion; nil = convert per row
	checked  bool           // the last transform already made the check conv.typ asks for (email, phone)
	strKind  bool           // conv.stringKind(): values go through a boxer
	makes    bool           // transforms, joins or the phone type may make new text
}

// PhoneRegion returns the region (ISO 3166-1 alpha-2) phone numbers of
// field are read with when they have no country code (see Regions for the
// evidence: the field's `region:`, ApplyOptions.Region, the column's other
// numbers, the file's encoding, the vendor's home market, else PL). An
// upsert compares the numbers the CRM holds in the same way.
func (b *Binding) PhoneRegion(field string) string {
	for i := range b.fields {
		if b.fields[i].name == field {
			return b.fields[i].conv.region
		}
	}
	if b.opt.Region != "" {
		return b.opt.Region
	}
	if b.m.reg.Home != "" {
		return b.m.reg.Home
	}
	return defaultPhoneRegion
}

// Bind binds the mapping to a file's header row and the vendor's catalogue
// (fields may be nil: no type checks then). It validates the mapping
// (Validate) and reports every mapped column that is not in the file with
// the closest header. Headers match case-insensitively, ignoring
// surrounding and non-breaking spaces.
func (m *Mapping) Bind(header []string, fields []crm.Field, opt ApplyOptions) (*Binding, error) {
	var errs []error
	if fields != nil {
		if err := m.Validate(fields); err != nil {
			errs = append(errs, Problems(err)...)
		}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Region != "" {
		opt.Region = strings.ToUpper(opt.Region)
	}
	index := make(map[string]int, len(header))
	for i, h := range header {
		k := normHeader(h)
		if _, dup := index[k]; !dup {
			index[k] = i
		}
	}
	b := &Binding{m: m, header: header, opt: opt, clear: m.Blank == "clear"}
	for i := range m.Fields {
		fm := &m.Fields[i]
		cf, _ := lookupField(fields, fm.Field, m.reg.Custom.Prefix)
		if cf != nil && cf.ReadOnly && fm.Field != m.Key && !opt.Export {
			continue // export-only field (ids, vendor dates)
		}
		bf := boundField{name: fm.Field, join: fm.Join, split: fm.Split, list: fm.list, values: fm.valuesCI, exact: fm.Values, def: fm.Default}
		if fm.list {
			bf.split = fm.listSep
		}
		region := opt.Region
		if phoneField(cf, fm) {
			var cols []int
			for _, col := range fm.SourceColumns() {
				if idx, found := index[normHeader(col)]; found {
					cols = append(cols, idx)
				}
			}
			rc := m.regionFor(fm, cols, header, opt)
			if phoneTransform(fm) {
				b.region = append(b.region, rc) // only these numbers are rewritten
			}
			region = rc.Region
		}
		bf.conv = converterFor(cf, fm, m.reg, region)
		if opt.Reject4Byte {
			bf.conv.strict4 = true
		}
		bf.required = cf != nil && cf.Required
		if bf.required {
			need := fmt.Sprintf("%s needs a value for %s", title(m.reg), fm.Field)
			if cf.Label != "" && cf.Label != cf.Name {
				need += " (" + cf.Label + ")"
			}
			if b.need == nil {
				b.need = map[string]string{}
			}
			b.need[fm.Field] = need
		}
		last := ""
		for _, t := range fm.Transforms {
			if st, err := stringTransform(t, bf.conv.region); err == nil {
				bf.steps = append(bf.steps, st)
				last = t
			}
		}
		bf.checked = (last == "email" && bf.conv.typ == crm.TypeEmail) || (last == "phone" && bf.conv.typ == crm.TypePhone)
		bf.strKind = bf.conv.stringKind()
		bf.makes = bf.conv.typ == crm.TypePhone
		for _, st := range bf.steps {
			bf.makes = bf.makes || st.op == "lower" || st.op == "upper" || st.op == "digits" || st.op == "phone"
		}
		bf.precompute()
		if fm.Value != nil {
			if s, ok := fm.Value.(string); ok && isNowWord(s) && (bf.conv.typ == crm.TypeDate || bf.conv.typ == crm.TypeDateTime) {
				bf.constNow = true
			} else if v, err := bf.conv.constant(fm.Value); err == nil {
				bf.constant = v
			} else if fields == nil {
				l, c := fm.at("value")
				errs = append(errs, m.errAt(l, c, "field %q: constant %v %v", fm.Field, quoteAny(fm.Value), err))
			}
			b.fields = append(b.fields, bf)
			continue
		}
		var names []string
		ok := true
		for ci, col := range fm.SourceColumns() {
			idx, found := index[normHeader(col)]
			if !found {
				l, c := fm.at("column")
				if ci < len(fm.colsPos) {
					l, c = fm.colsPos[ci].line, fm.colsPos[ci].col
				}
				errs = append(errs, m.errAt(l, c, "column %q is not in the file%s", col, closestHeader(col, header)))
				ok = false
				continue
			}
			bf.cols = append(bf.cols, idx)
			names = append(names, header[idx])
		}
		if !ok {
			continue
		}
		bf.colName = strings.Join(names, " + ")
		if (bf.makes || len(bf.cols) > 1) && bf.split == "" {
			b.makes = append(b.makes, len(b.fields))
		}
		b.fields = append(b.fields, bf)
	}
	if len(errs) > 0 {
		return nil, problemsError(m.File, errs)
	}
	for i := range b.fields {
		b.names = append(b.names, b.fields[i].name)
	}
	return b, nil
}

func headerList(h []string) string {
	var b strings.Builder
	for i, s := range h {
		if i == 25 {
			fmt.Fprintf(&b, ", … (%d more)", len(h)-25)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// Mapping returns the mapping b was bound from.
func (b *Binding) Mapping() *Mapping { return b.m }

// Apply turns one row into a vendor record. Blank cells are not sent
// (with `blank: clear` they are sent as ""); a `default:` fills them. On
// failure the record is nil and the error joins one *sheet.CellError per
// bad cell — all problems of the row at once.
func (b *Binding) Apply(row sheet.Row) (crm.Record, error) {
	var buf [16]Value
	vals := buf[:]
	if len(b.fields) > len(buf) {
		vals = make([]Value, len(b.fields))
	}
	vals = vals[:len(b.fields)]
	if err := b.ApplyTo(row, vals); err != nil {
		return nil, err
	}
	return b.Record(vals), nil
}

// FieldNames returns the vendor fields the binding fills, in the order of
// the values ApplyTo writes. The slice is shared: do not change it.
func (b *Binding) FieldNames() []string { return b.names }

// ApplyTo maps row as Apply does, without building a record: the value of
// field FieldNames()[i] goes to vals[i] (len(vals) must be
// len(FieldNames())). A check that only reads the values (a dry run) then
// allocates no map and boxes no text; Record builds the record from them.
// On failure the values are incomplete and the error is Apply's.
func (b *Binding) ApplyTo(row sheet.Row, vals []Value) error {
	var w strings.Builder
	if n := b.textSize(row); n > 0 {
		w.Grow(n)
	}
	return b.applyAll(row, vals, &w)
}

// ApplyInto is ApplyTo with the new text the row's transforms make
// (lower-cased e-mails, joined columns, numbers in E.164) written to buf,
// which many rows share: one allocation for hundreds of rows instead of
// one a row. Give each goroutine a TextBuffer of its own. The values stay
// valid while they are referenced, whatever later rows write.
func (b *Binding) ApplyInto(row sheet.Row, vals []Value, buf *TextBuffer) error {
	return b.applyAll(row, vals, buf.builder())
}

func (b *Binding) applyAll(row sheet.Row, vals []Value, w *strings.Builder) error {
	var errs []error
	bx := boxer{w: w}
	for i := range b.fields {
		if err := b.applyField(i, row, &vals[i], &bx); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

// TextBuffer holds the new text of many rows' values for ApplyInto. A
// strings.Builder only ever appends, so a text handed out never changes;
// when little room is left the buffer starts a new block, and an old
// block is freed once no value refers to it. The zero TextBuffer is ready
// to use; it is not safe for concurrent use.
type TextBuffer struct{ w strings.Builder }

const (
	textBlock = 32 << 10 // bytes of a new block: a few hundred rows of contacts
	textRoom  = 2 << 10  // a row starts a new block when less is left
)

func (t *TextBuffer) builder() *strings.Builder {
	if t.w.Cap()-t.w.Len() < textRoom {
		t.w = strings.Builder{}
		t.w.Grow(textBlock)
	}
	return &t.w
}

// Record builds the record of values ApplyTo wrote: the fields with a
// value, as Apply returns them.
func (b *Binding) Record(vals []Value) crm.Record {
	rec := make(crm.Record, len(b.fields))
	for i := range vals {
		if vals[i].set {
			rec[b.fields[i].name] = vals[i].Any()
		}
	}
	return rec
}

// Value is one field's value after the mapping, held without an
// interface when it is text (most values), so that reading it costs no
// allocation. The zero Value is "nothing to send".
type Value struct {
	s   string
	x   any // the value when it is not text made for this row (a number, a date, yes/no, a list, a shared constant)
	set bool
}

// ValueOf returns the Value of a record's value (nil: nothing to send).
func ValueOf(x any) Value {
	if x == nil {
		return Value{}
	}
	return Value{x: x, set: true}
}

// textValue is the Value of a text.
func textValue(s string) Value { return Value{s: s, set: true} }

// IsSet reports whether the field has a value to send.
func (v Value) IsSet() bool { return v.set }

// Any returns the value as a record holds it (nil when unset).
func (v Value) Any() any {
	if v.x != nil || !v.set {
		return v.x
	}
	return v.s
}

// Text returns the value when it is a string.
func (v Value) Text() (string, bool) {
	if v.x != nil {
		s, ok := v.x.(string)
		return s, ok
	}
	return v.s, v.set
}

// applyField sets dst, field i's value, from row (an unset Value when
// nothing is sent); the error is a *sheet.CellError, and dst is then left
// as it may be. Values are written in place, not returned: a Value is 40
// bytes, and passing it up through the calls was a tenth of the mapping.
func (b *Binding) applyField(i int, row sheet.Row, dst *Value, bx *boxer) error {
	f := &b.fields[i]
	if f.cols == nil {
		switch {
		case f.constNow:
			*dst = ValueOf(b.opt.Now())
		case f.constant != nil:
			*dst = ValueOf(f.constant)
		default:
			*dst = Value{}
		}
		return nil
	}
	var cell *sheet.Cell
	var s string
	var err error
	switch {
	case f.list:
		*dst, s, err = f.listValue(b, row)
	case len(f.cols) == 1:
		if idx := f.cols[0]; idx < len(row.Cells) {
			cell = &row.Cells[idx]
			s = cell.Text
		}
		err = f.value(b, cell, s, bx, dst)
	default:
		s = f.joined(row, bx.w)
		err = f.value(b, cell, s, bx, dst)
	}
	if err != nil {
		return b.fieldError(f, row, s, err)
	}
	return nil
}

// fieldError is the *sheet.CellError for err, field f's failure on row
// (s is the text converted). Apart from applyField so that the success
// path allocates nothing for it.
func (b *Binding) fieldError(f *boundField, row sheet.Row, s string, err error) error {
	var bad *badListCell
	if errors.As(err, &bad) && bad.col < len(b.header) {
		e := bad.err
		if bad.more > 0 {
			word := "cells"
			if bad.more == 1 {
				word = "cell"
			}
			e = fmt.Errorf("%w (and %d more %s of %s refused)", e, bad.more, word, f.colName)
		}
		return &sheet.CellError{Line: row.Line, Column: b.header[bad.col], Value: shortText(bad.value), Err: e, ColumnIndexes: []int{bad.col}}
	}
	// sheet.CellError writes `column "X": "value" <err>`, or
	// `column "X": <err>` for a blank cell, whose errors therefore
	// start with their subject ("the cell is empty, ...").
	return &sheet.CellError{Line: row.Line, Column: f.colName, Value: shortText(s), Err: err, ColumnIndexes: f.cols}
}

// shortText is a cell's text as messages show it: "" for a blank cell,
// at most 80 characters.
func shortText(s string) string {
	if trimSpace(s) == "" {
		return ""
	}
	if utf8.RuneCountInString(s) > 80 {
		return string([]rune(s)[:77]) + "…"
	}
	return s
}

// textSize estimates the bytes of new text the row's transforms make, so
// one allocation holds them all.
func (b *Binding) textSize(row sheet.Row) int {
	n := 0
	for _, i := range b.makes {
		f := &b.fields[i]
		for _, idx := range f.cols {
			if idx < len(row.Cells) {
				n += len(row.Cells[idx].Text) + len(f.join)
			}
		}
		n += 4 // "+48" for a national phone number
	}
	return n
}

func (f *boundField) joined(row sheet.Row, w *strings.Builder) string {
	var small [8]string // the trimmed parts, looked at once (most joins are of a few columns)
	parts := small[:0]
	if len(f.cols) > len(small) {
		parts = make([]string, 0, len(f.cols))
	}
	n := 0
	for _, idx := range f.cols {
		if idx < len(row.Cells) {
			if t := trimSpace(row.Cells[idx].Text); t != "" {
				n += len(t)
				parts = append(parts, t)
			}
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	w.Grow(n + (len(parts)-1)*len(f.join))
	start := w.Len()
	for i, t := range parts {
		if i > 0 {
			w.WriteString(f.join)
		}
		w.WriteString(t)
	}
	return w.String()[start:]
}

// value converts one field's source text into *dst; an unset Value, no
// error, means "send nothing".
func (f *boundField) value(b *Binding, cell *sheet.Cell, s string, bx *boxer, dst *Value) error {
	if trimSpace(s) == "" {
		switch {
		case f.defValue != nil:
			*dst = ValueOf(f.defValue)
		case f.def != nil:
			if err := f.one(nil, *f.def, true, bx, dst); err != nil {
				return fmt.Errorf("the cell is empty and its default %q %w", *f.def, err)
			}
		case f.required:
			return errors.New("the cell is empty, but " + b.need[f.name])
		case b.clear:
			*dst = textValue("")
		default:
			*dst = Value{}
		}
		return nil
	}
	if f.split == "" {
		return f.one(cell, s, false, bx, dst)
	}
	out, errs := f.parts(s, f.split, nil, nil)
	v, err := f.listResult(b, out, errs)
	*dst = v
	return err
}

// listValue gives a list field's values (see FieldMap.listMode): every
// non-empty cell of its columns, split on the field's separators, each
// part converted and checked on its own. shown is the cells' text for
// messages.
func (f *boundField) listValue(b *Binding, row sheet.Row) (v Value, shown string, err error) {
	var out, errs, cells []string
	var bad *badListCell // the first cell holding a value refused
	badCells := 0
	for _, idx := range f.cols {
		if idx >= len(row.Cells) {
			continue
		}
		t := trimSpace(row.Cells[idx].Text)
		if t == "" {
			continue
		}
		cells = append(cells, t)
		n := len(errs)
		out, errs = f.parts(t, f.split, out, errs)
		if len(errs) > n {
			badCells++
			if bad == nil {
				bad = &badListCell{col: idx, value: t, err: f.firstPartError(t)}
			}
		}
	}
	if bad != nil && len(f.cols) > 1 {
		// Several columns feed the field: name the one cell at fault, its
		// value once (not "Telefon + Komórka": "+48 22…, 601 000 01").
		bad.more = badCells - 1
		return Value{}, bad.value, bad
	}
	shown = strings.Join(cells, ", ")
	if len(cells) == 0 {
		err = f.value(b, nil, "", nil, &v)
		return v, "", err
	}
	v, err = f.listResult(b, out, errs)
	return v, shown, err
}

// badListCell is a cell of one of a list field's columns holding a value
// the field refuses.
type badListCell struct {
	col   int
	value string
	err   error
	more  int // other cells of the row refused too
}

func (e *badListCell) Error() string { return e.err.Error() }
func (e *badListCell) Unwrap() error { return e.err }

// firstPartError is the error of the first part of s the field refuses.
func (f *boundField) firstPartError(s string) error {
	rest := s
	for rest != "" {
		part := rest
		if i := strings.IndexAny(rest, f.split); f.split != "" && i >= 0 {
			part, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if p := trimSpace(part); p != "" {
			var v Value
			if err := f.one(nil, p, false, nil, &v); err != nil {
				if p != s {
					return fmt.Errorf("has a bad value: %q %w", p, err)
				}
				return err
			}
		}
	}
	return errors.New("holds a value the field refuses")
}

// parts splits s on the characters of seps and converts each non-blank
// part, appending the values to out and the problems to errs.
func (f *boundField) parts(s, seps string, out, errs []string) ([]string, []string) {
	rest := s
	for rest != "" {
		part := rest
		if i := strings.IndexAny(rest, seps); i >= 0 {
			part, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if trimSpace(part) == "" {
			continue
		}
		var v Value
		if err := f.one(nil, trimSpace(part), false, nil, &v); err != nil {
			errs = append(errs, fmt.Sprintf("%q %v", trimSpace(part), err))
			continue
		}
		if t, ok := v.Text(); ok {
			out = append(out, t)
			continue
		}
		switch x := v.Any().(type) {
		case time.Time:
			out = append(out, x.Format("2006-01-02"))
		default:
			out = append(out, fmt.Sprint(x))
		}
	}
	return out, errs
}

// listResult checks the values of a split or list field together.
func (f *boundField) listResult(b *Binding, out, errs []string) (Value, error) {
	if len(errs) > 0 {
		return Value{}, errors.New("has bad values: " + strings.Join(errs, "; "))
	}
	if len(out) == 0 {
		if f.required {
			return Value{}, errors.New("holds no value, but " + b.need[f.name])
		}
		return Value{}, nil
	}
	if f.conv.maxLen > 0 {
		if n := utf8.RuneCountInString(strings.Join(out, ",")); n > f.conv.maxLen {
			return Value{}, fmt.Errorf("is too long: %d characters together, %s takes at most %d in %s", n, title(b.m.reg), f.conv.maxLen, f.name)
		}
	}
	return ValueOf(out), nil
}

// one runs the transform chain, the values table and the conversion on a
// single value, into *dst. isDefault skips the table (defaults are vendor
// values).
func (f *boundField) one(cell *sheet.Cell, s string, isDefault bool, bx *boxer, dst *Value) error {
	orig := s
	w := bx.text()
	for _, st := range f.steps {
		var err error
		if s, err = st.run(s, w); err != nil {
			return err
		}
	}
	replaced := false
	if f.values != nil && !isDefault {
		if t, ok := f.exact[s]; ok {
			s, replaced = t, true
		} else if t, ok := f.values[foldKey(s)]; ok {
			s, replaced = t, true
		} else if f.def != nil {
			s, replaced = *f.def, true
		}
	}
	if s != orig {
		cell = nil
	}
	if replaced && cell == nil {
		if v, ok := f.targets[s]; ok {
			*dst = ValueOf(v) // converted once in Bind
			return nil
		}
	}
	if !f.strKind {
		v, err := f.conv.convert(cell, s)
		if err != nil {
			return err
		}
		*dst = ValueOf(v)
		return nil
	}
	var err error
	if f.checked && !replaced {
		err = f.conv.checkString(s)
	} else {
		s, err = f.conv.str(s, bx.text())
	}
	if err != nil {
		return err
	}
	*dst = textValue(s)
	return nil
}

// precompute converts the values table's targets and the default once, so
// rows that hit them share one value instead of converting (and
// allocating) it again. Targets that do not convert are left to Apply,
// which reports them per row as before.
func (f *boundField) precompute() {
	if len(f.exact) > 0 || f.def != nil {
		f.targets = make(map[string]any, len(f.exact)+1)
		add := func(t string) {
			if v, err := f.conv.convert(nil, t); err == nil && v != nil {
				f.targets[t] = v
			}
		}
		for _, t := range f.exact {
			add(t)
		}
		if f.def != nil {
			add(*f.def)
		}
	}
	if f.def != nil {
		var v Value
		if err := f.one(nil, *f.def, true, nil, &v); err == nil && v.set {
			f.defValue = v.Any()
		}
	}
}

// boxer holds the new texts one row's transforms make (lower case,
// digits, E.164 numbers, joined columns) in one growing buffer: they are
// slices of w, which only ever grows, so a text handed out never changes.
//
// An earlier version also packed the row's string headers into one slice
// and built the interface values by hand with unsafe; that saved one small
// allocation per field but tied correctness to the runtime's interface
// layout. Values are now held as Value (text without an interface) and
// boxed the ordinary way only when Record builds a record.
type boxer struct {
	w *strings.Builder
}

// text returns the buffer for new texts; nil for a nil boxer.
func (x *boxer) text() *strings.Builder {
	if x == nil {
		return nil
	}
	return x.w
}
