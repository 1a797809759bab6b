// Package mapping reads mapping files (YAML) that say which spreadsheet
// column feeds which vendor field, checks them against a vendor's field
// catalogue and a file's headers, turns rows into vendor records (import),
// records back into rows (export), and guesses a first mapping from a
// file's headers and values (`crmport mapping init`).
//
// Every problem names a place a person can fix: the mapping file's line and
// column ("mapping.yaml:12:5: unknown transform \"lowr\" (did you mean
// \"lower\"?)"), or the spreadsheet's row, column and value
// (`row 17, column "E-mail": "jan@" is not an e-mail address`).
package mapping

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// title returns the vendor's name as people write it.
func title(reg crm.Registration) string {
	if reg.Title != "" {
		return reg.Title
	}
	return reg.Name
}

// Mapping is a parsed mapping file.
type Mapping struct {
	File   string        // path, for messages
	Vendor string        // the vendor's registry name
	Source SourceOptions // how to read the spreadsheet
	Key    string        // field identifying an existing client (upsert, lookups); "" if none
	Blank  string        // "skip" (default) | "clear"
	Fields []FieldMap    // in file order

	keyPos, vendorPos, fieldsPos pos

	reg crm.Registration // the vendor's facts (title, 4-byte rule, custom fields)

	// Set by ParsePartial: the problems found while parsing (Check lists
	// them first), and the fields left out because of them (so Validate
	// does not also call them missing).
	parseErrs []error
	broken    map[string]bool

	layoutOnce sync.Once   // export layout, computed on first use
	layout     []exportCol // (see exportLayout)
}

// SourceOptions is the mapping's `source:` section, as written in the file.
type SourceOptions struct {
	Sheet     string // XLSX sheet name; "" = the sheet Excel opens on if it has data, else the first visible one with data
	HeaderRow int    // 1-based header row; 0 = found automatically
	Encoding  string // "auto" (or "") or an encoding name such as "windows-1250"
	Delimiter string // "auto" (or "") or one character: ";", ",", "\t", "|"
}

// FieldMap maps one vendor field to its source in the spreadsheet.
//
// Exactly one of Column, Columns or Value is set. For import, the cell (or
// the joined cells) goes through Transforms, then the Values table, then
// the conversion the vendor field's type asks for.
type FieldMap struct {
	Field      string            // vendor field path, e.g. "title", "recv.castInn", "address.city"
	Column     string            // the column's header (short form `field: Header` or `column:`)
	Columns    []string          // several columns joined with Join (`columns: [A, B]`)
	Join       string            // separator for Columns; default " "
	Split      string            // characters that separate several values in one cell (→ []string)
	Value      any               // constant (string, int64, float64 or bool); nil if none
	Values     map[string]string // lookup table: cell value → vendor value (keys matched case-insensitively)
	Default    *string           // used when the cell is blank or (with Values) not in the table
	Transforms []string          // transform chain, in order
	Region     string            // default phone region, e.g. "PL"
	Date       string            // date layout as written in the file ("02.01.2006" or "DD.MM.YYYY")
	Line, Col  int               // position of the field's key in the mapping file

	layout   string            // Go layout of Date
	list     bool              // `columns:` of a multi-valued field: one value per cell (see listMode)
	listSep  string            // list: the characters that separate values within a cell
	reverse  map[string]string // Values reversed: vendor value → first cell value
	valuesCI map[string]string // Values keyed by foldKey(cell value)
	pos      map[string]pos    // positions of the long form's keys and values
	colsPos  []pos             // positions of the `columns:` items, in order
}

// sources counts the sources set: column, columns, value.
func (f *FieldMap) sources() int {
	n := 0
	for _, s := range []bool{f.Column != "", len(f.Columns) > 0, f.Value != nil} {
		if s {
			n++
		}
	}
	return n
}

// SourceColumns returns the spreadsheet columns the field reads (none for a constant).
func (f *FieldMap) SourceColumns() []string {
	if f.Column != "" {
		return []string{f.Column}
	}
	return f.Columns
}

// pos is a place in the mapping file.
type pos struct{ line, col int }

func nodePos(n *yaml.Node) pos { return pos{n.Line, n.Column} }

// PosError is a problem at a place in a mapping file.
type PosError struct {
	File      string
	Line, Col int // 1-based; 0 when the problem has no single place
	Msg       string
	// Hint says what would help (a list of the vendor's fields) for the
	// front end to word in its own terms: Msg names no command.
	Hint Hint
	// Vendor is the vendor whose fields Hint is about; HintNoun, for
	// HintCustomFields, what the vendor calls a custom field.
	Vendor, HintNoun string
}

// Hint is what a front end may point to for a mapping problem.
type Hint int

// The hints of PosError.
const (
	HintNone         Hint = iota
	HintFieldList         // an unknown field: the list of the vendor's fields
	HintCustomFields      // an unknown custom field: the account's custom fields and their ids
)

// Error formats the problem as "file:line:col: msg".
func (e *PosError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Error is every problem of a mapping file at once, in line order: what
// Load, Parse, ParsePartial and Bind return when a mapping has problems.
// List holds them one by one (each a *PosError), for a front end that
// lists them; Problems(err) gives the same.
type Error struct {
	File string
	List []error
}

// Error words one problem as itself and several as
// "file: N problems to fix:" followed by one indented line each.
func (e *Error) Error() string {
	if len(e.List) == 1 {
		return e.List[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems to fix:", e.File, len(e.List))
	for _, p := range e.List {
		b.WriteString("\n  " + p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so errors.Is and errors.As see each.
func (e *Error) Unwrap() []error { return e.List }

// problemsError returns nil for no problems, else an *Error holding them
// in line order (problems without a line keep their place at the end).
func problemsError(file string, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	list := append([]error(nil), errs...)
	sortByLine(list)
	return &Error{File: file, List: list}
}

// appendNew appends the problems of more that are not at the place of a
// problem errs already has (one mistake, one line).
func appendNew(errs, more []error) []error {
	seen := map[pos]bool{}
	for _, e := range errs {
		var pe *PosError
		if errors.As(e, &pe) {
			seen[pos{pe.Line, pe.Col}] = true
		}
	}
	for _, e := range more {
		var pe *PosError
		if errors.As(e, &pe) && seen[pos{pe.Line, pe.Col}] {
			continue
		}
		errs = append(errs, e)
	}
	return errs
}

// sortByLine orders problems by their place in the mapping file.
func sortByLine(list []error) {
	at := func(e error) (int, int) {
		var pe *PosError
		if errors.As(e, &pe) && pe.Line > 0 {
			return pe.Line, pe.Col
		}
		return 1 << 30, 0
	}
	sort.SliceStable(list, func(i, j int) bool {
		li, ci := at(list[i])
		lj, cj := at(list[j])
		if li != lj {
			return li < lj
		}
		return ci < cj
	})
}

// Load reads and parses the mapping file at path; vendors holds the
// vendors its `vendor:` may name. A file with problems gives an *Error
// listing all of them: the parse problems and, for the fields that did
// parse, the problems the vendor's built-in catalogue shows (unknown
// fields, a required field without a source).
func Load(path string, vendors *crm.Registry) (*Mapping, error) {
	data, err := readMapping(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, vendors)
}

// Problems splits an error returned by this package into its single
// problems (each a *PosError or *sheet.CellError), in order.
func Problems(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Problems(e)...)
		}
		return out
	}
	return []error{err}
}

type parser struct {
	file    string
	vendors *crm.Registry
	errs    []error
	partial bool            // keep what is usable of a field with problems
	broken  map[string]bool // fields left out because of their problems
}

func (p *parser) errAt(at pos, format string, args ...any) {
	p.errs = append(p.errs, &PosError{File: p.file, Line: at.line, Col: at.col, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) unknownKey(k *yaml.Node, where string, known []string) {
	p.errAt(nodePos(k), "unknown key %q in %s%s; allowed: %s", k.Value, where, didYouMean(k.Value, known), strings.Join(known, ", "))
}

var (
	topKeys    = []string{"vendor", "source", "key", "blank", "fields"}
	sourceKeys = []string{"sheet", "header_row", "encoding", "delimiter"}
	fieldKeys  = []string{"column", "columns", "join", "split", "value", "values", "default", "transform", "region", "date"}
)

// Parse parses a mapping file's contents. name is used in messages;
// vendors holds the vendors `vendor:` may name. All problems are reported
// at once in an *Error, each a *PosError with the line and column to fix,
// in line order (see Load).
func Parse(name string, data []byte, vendors *crm.Registry) (*Mapping, error) {
	m, errs, fatal := parse(name, data, vendors, false)
	if fatal != nil {
		return nil, fatal
	}
	if len(errs) > 0 {
		if m.Vendor != "" && m.reg.Catalogue != nil && m.fieldsPos.line > 0 {
			errs = appendNew(errs, Problems(m.Validate(m.reg.Catalogue())))
		}
		return nil, problemsError(name, errs)
	}
	return m, nil
}

// ParsePartial is Parse for `crmport mapping check`, which shows every
// problem in one run: along with the parse problems (the same error Parse
// returns) it returns what did parse, as long as the file is readable YAML
// naming a known vendor (else the *Mapping is nil). Fields with a problem
// keep their usable parts (a field with an unknown transform still names
// its column) and are left out only when they have no usable source. The
// partial *Mapping remembers its parse problems: Check lists them first,
// then the validation and header problems of everything that parsed. Do
// not import with a partial mapping.
func ParsePartial(name string, data []byte, vendors *crm.Registry) (*Mapping, error) {
	m, errs, fatal := parse(name, data, vendors, true)
	if fatal != nil {
		return nil, fatal
	}
	if len(errs) == 0 {
		return m, nil
	}
	if m.Vendor == "" {
		return nil, problemsError(name, errs)
	}
	m.parseErrs = errs
	return m, problemsError(name, errs)
}

// LoadPartial reads the mapping file at path and parses it with ParsePartial.
func LoadPartial(path string, vendors *crm.Registry) (*Mapping, error) {
	data, err := readMapping(path)
	if err != nil {
		return nil, err
	}
	return ParsePartial(path, data, vendors)
}

// parse parses a mapping file: fatal is set when nothing of it is usable;
// otherwise errs lists its problems.
func parse(name string, data []byte, vendors *crm.Registry, partial bool) (m *Mapping, errs []error, fatal error) {
	p := &parser{file: name, vendors: vendors, partial: partial, broken: map[string]bool{}}
	m = &Mapping{File: name, Blank: "skip"}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlSyntaxError(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil, &PosError{File: name, Msg: "the mapping file is empty: it needs at least `vendor:` and `fields:`"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, nil, &PosError{File: name, Line: root.Line, Col: root.Column, Msg: "the mapping file must be a set of `key: value` lines (vendor:, source:, fields: ...)"}
	}
	seen := map[string]pos{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if first, dup := seen[k.Value]; dup {
			p.errAt(nodePos(k), "%q is given twice (first at line %d)", k.Value, first.line)
			continue
		}
		seen[k.Value] = nodePos(k)
		switch k.Value {
		case "vendor":
			m.vendorPos = nodePos(v)
			if s, ok := p.scalar(v, "vendor"); ok {
				m.Vendor = strings.ToLower(strings.TrimSpace(s))
				if reg, err := vendors.Lookup(m.Vendor); err == nil {
					m.reg = reg
				} else {
					names := vendors.Names()
					p.errAt(nodePos(v), "unknown vendor %q%s; choose one of: %s", s, didYouMean(m.Vendor, names), strings.Join(names, ", "))
					m.Vendor = ""
				}
			}
		case "source":
			p.parseSource(v, &m.Source)
		case "key":
			m.keyPos = nodePos(v)
			if s, ok := p.scalar(v, "key"); ok {
				m.Key = strings.TrimSpace(s)
			}
		case "blank":
			if s, ok := p.scalar(v, "blank"); ok {
				s = strings.ToLower(strings.TrimSpace(s))
				if s != "skip" && s != "clear" {
					p.errAt(nodePos(v), "blank must be \"skip\" (empty cells are not sent) or \"clear\" (empty cells clear the field), not %q", s)
				} else {
					m.Blank = s
				}
			}
		case "fields":
			m.fieldsPos = nodePos(k)
			p.parseFields(v, m)
		default:
			p.unknownKey(k, "the mapping file", topKeys)
		}
	}
	if _, ok := seen["vendor"]; !ok {
		names := vendors.Names()
		p.errAt(pos{1, 1}, "`vendor:` is missing; add a line such as `vendor: %s` (one of: %s)", names[0], strings.Join(names, ", "))
	}
	if _, ok := seen["fields"]; !ok {
		p.errAt(pos{1, 1}, "`fields:` is missing; add the vendor fields and the columns that feed them, e.g. `fields:` then `  title: Company`")
	}
	if m.Key != "" && len(m.Fields) > 0 && m.field(m.Key) == nil && !p.broken[m.Key] {
		p.errAt(m.keyPos, "key %q is not one of the mapped fields; map it under `fields:` (e.g. `%s: {column: ID}`)%s", m.Key, m.Key, didYouMean(m.Key, m.fieldNames()))
	}
	if len(p.broken) > 0 {
		m.broken = p.broken
	}
	if m.reg.Catalogue != nil {
		cat := m.reg.Catalogue()
		for i := range m.Fields {
			m.Fields[i].listMode(cat, m.reg.Custom.Prefix)
		}
	}
	return m, p.errs, nil
}

// listMode decides whether a `columns:` field is a list: the vendor keeps
// several values in the field (crm.Field.Multi) and no `join` other than
// the field's own list separator is asked for. Each non-empty cell is then
// one value (or several, split on the field's separators), checked on its
// own: `phone: {columns: [Telefon, Komórka]}` sends two numbers, not one
// text "601… 602…". The decision uses the vendor's built-in catalogue, so
// import (Bind) and export (Reverse) agree on it.
func (f *FieldMap) listMode(cat []crm.Field, custom string) {
	if len(f.Columns) == 0 {
		return
	}
	cf, _ := lookupField(cat, f.Field, custom)
	if cf == nil || !cf.Multi {
		return
	}
	sep := cf.ListSep
	if sep == "" {
		sep = ","
	}
	if _, joined := f.pos["join"]; joined {
		j := strings.TrimSpace(f.Join)
		if utf8.RuneCountInString(j) != 1 || !strings.Contains(sep, j) {
			return // a join of its own: one text, as written
		}
	}
	f.list, f.listSep = true, sep
	if f.Split != "" {
		f.listSep = f.Split
	}
}

// yamlParserProblems are the problems yaml.v3's parser (not its scanner)
// reports. For these, yaml.v3 (v3.0.1, decode.go parser.fail) prints the
// 0-based line of the mark, one less than the line a person counts: an
// unclosed `[` on line 3 comes out as "line 2". Scanner problems already
// carry the 1-based line.
var yamlParserProblems = map[string]string{
	"did not find expected ',' or ']'":       "a list opened with `[` on this line is not closed with `]`, or its items are not separated by commas",
	"did not find expected ',' or '}'":       "a `{` opened on this line is not closed with `}`, or its entries are not separated by commas",
	"did not find expected '-' indicator":    "a list item here is not indented like the `-` items before it",
	"did not find expected key":              "a line here is not indented like the `key: value` lines around it",
	"did not find expected node content":     "a value is missing or starts with a character that cannot start one",
	"did not find expected <document start>": "the file does not start like a mapping file",
	"found undefined tag handle":             "a value starts with `!`, which YAML reads as a tag; quote it",
}

// yamlSyntaxError turns a yaml.v3 error ("yaml: line 3: ...") into a *PosError.
func yamlSyntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if strings.HasPrefix(msg, "line ") {
		rest := msg[len("line "):]
		n := 0
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			n = n*10 + int(rest[i]-'0')
			i++
		}
		if i > 0 && strings.HasPrefix(rest[i:], ": ") {
			line = n
			msg = rest[i+2:]
		}
	}
	if hint, ok := yamlParserProblems[msg]; ok {
		if line > 0 {
			line++ // see yamlParserProblems
		}
		msg += ": " + hint
	}
	return &PosError{File: name, Line: line, Msg: "not valid YAML: " + msg + " (check the indentation and quote values containing `:` or `#`)"}
}

func (p *parser) scalar(v *yaml.Node, what string) (string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errAt(nodePos(v), "%s must be a single value", what)
		return "", false
	}
	return v.Value, true
}

func (p *parser) parseSource(v *yaml.Node, s *SourceOptions) {
	if v.Kind != yaml.MappingNode {
		if v.Tag == "!!null" {
			return
		}
		p.errAt(nodePos(v), "source must hold `sheet:`, `header_row:`, `encoding:` or `delimiter:` lines")
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		str, ok := p.scalar(val, "source."+k.Value)
		if !ok {
			continue
		}
		switch k.Value {
		case "sheet":
			s.Sheet = str
		case "header_row":
			n := 0
			if _, err := fmt.Sscanf(str, "%d", &n); err != nil || n < 1 || fmt.Sprint(n) != strings.TrimSpace(str) {
				p.errAt(nodePos(val), "header_row must be a row number from 1 up (the row holding the column headers), not %q", str)
				continue
			}
			s.HeaderRow = n
		case "encoding":
			e := strings.ToLower(strings.TrimSpace(str))
			if e != "" && e != "auto" {
				if _, err := sheet.ParseEncoding(e); err != nil {
					p.errAt(nodePos(val), "unknown encoding %q%s; use auto or one of %s", str, didYouMean(e, knownEncodings), strings.Join(sheet.EncodingNames, ", "))
					continue
				}
			}
			s.Encoding = e
		case "delimiter":
			if _, err := parseDelimiter(str); err != nil {
				p.errAt(nodePos(val), "%v", err)
				continue
			}
			s.Delimiter = str
		default:
			p.unknownKey(k, "source", sourceKeys)
		}
	}
}

// knownEncodings are the names source.encoding accepts: the ones the sheet
// package reads.
var knownEncodings = append([]string{"auto"}, sheet.EncodingNames...)

// parseDelimiter turns the file's delimiter text into a rune (0 = sniff).
func parseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return 0, nil
	case `\t`, "tab":
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, fmt.Errorf("delimiter must be auto or one character such as \";\", \",\", \"\\t\" or \"|\", not %q", s)
	}
	return r, nil
}

// SheetOptions returns the sheet.Options the mapping's `source:` asks for.
func (m *Mapping) SheetOptions() sheet.Options {
	d, _ := parseDelimiter(m.Source.Delimiter) // validated by Parse
	enc := m.Source.Encoding
	if enc == "auto" {
		enc = ""
	}
	return sheet.Options{Encoding: enc, Delimiter: d, Sheet: m.Source.Sheet, HeaderRow: m.Source.HeaderRow}
}

func (p *parser) parseFields(v *yaml.Node, m *Mapping) {
	if v.Kind != yaml.MappingNode {
		p.errAt(nodePos(v), "fields must list `vendor_field: Column header` lines, one per field")
		return
	}
	seen := map[string]pos{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		name := strings.TrimSpace(k.Value)
		if name == "" {
			p.errAt(nodePos(k), "a field name is empty")
			continue
		}
		if first, dup := seen[name]; dup {
			p.errAt(nodePos(k), "field %q has two sources (first at line %d); keep one, or join columns with `columns: [A, B]`", name, first.line)
			continue
		}
		seen[name] = nodePos(k)
		f := FieldMap{Field: name, Line: k.Line, Col: k.Column, pos: map[string]pos{}}
		if p.parseField(val, &f) {
			m.Fields = append(m.Fields, f)
		} else if p.partial && f.sources() == 1 {
			m.Fields = append(m.Fields, f) // its column can still be checked
		} else {
			p.broken[name] = true
		}
	}
}

// parseField reads one field's short or long form; false if unusable.
func (p *parser) parseField(v *yaml.Node, f *FieldMap) bool {
	before := len(p.errs)
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" || strings.TrimSpace(v.Value) == "" {
			p.errAt(nodePos(v), "field %q has no source: write the column header after the colon, e.g. `%s: Company`", f.Field, f.Field)
			return false
		}
		f.Column = v.Value
		f.pos["column"] = nodePos(v)
	case yaml.MappingNode:
		seen := map[string]bool{}
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			if seen[k.Value] {
				p.errAt(nodePos(k), "%q is given twice for field %q", k.Value, f.Field)
				continue
			}
			seen[k.Value] = true
			f.pos[k.Value] = nodePos(val)
			p.fieldKey(k, val, f)
		}
		n := f.sources()
		switch {
		case n == 0 && len(p.errs) == before:
			p.errAt(pos{f.Line, f.Col}, "field %q has no source: add `column: Header`, `columns: [A, B]` or `value: constant`", f.Field)
		case n > 1:
			p.errAt(pos{f.Line, f.Col}, "field %q has more than one source: use only one of column, columns and value", f.Field)
		}
		if f.Value != nil && (f.Split != "" || len(f.Values) > 0 || f.Default != nil) {
			p.errAt(pos{f.Line, f.Col}, "field %q is a constant (`value:`): split, values and default do not apply to it", f.Field)
		}
		if _, ok := seen["join"]; ok && len(f.Columns) == 0 {
			p.errAt(f.pos["join"], "join only applies to `columns: [A, B]`")
		}
		if len(f.Columns) > 0 && !seen["join"] {
			f.Join = " "
		}
	default:
		p.errAt(nodePos(v), "field %q: write `%s: Column header` or `%s: {column: Header, ...}`", f.Field, f.Field, f.Field)
		return false
	}
	if len(f.Values) > 0 {
		f.valuesCI = make(map[string]string, len(f.Values))
		f.reverse = make(map[string]string, len(f.Values))
		for _, k := range sortedKeys(f.Values) {
			f.valuesCI[foldKey(k)] = f.Values[k]
			if _, ok := f.reverse[f.Values[k]]; !ok {
				f.reverse[f.Values[k]] = k
			}
		}
	}
	return len(p.errs) == before
}

func (p *parser) fieldKey(k, val *yaml.Node, f *FieldMap) {
	where := fmt.Sprintf("field %q", f.Field)
	switch k.Value {
	case "column":
		if s, ok := p.scalar(val, where+" column"); ok {
			if strings.TrimSpace(s) == "" {
				p.errAt(nodePos(val), "%s: column is empty", where)
			}
			f.Column = s
		}
	case "columns":
		if val.Kind != yaml.SequenceNode || len(val.Content) == 0 {
			p.errAt(nodePos(val), "%s: columns must be a list of headers, e.g. `columns: [First name, Last name]`", where)
			return
		}
		for _, c := range val.Content {
			if s, ok := p.scalar(c, where+" columns item"); ok {
				f.Columns = append(f.Columns, s)
				f.colsPos = append(f.colsPos, nodePos(c))
			}
		}
	case "join":
		if s, ok := p.scalar(val, where+" join"); ok {
			f.Join = s
		}
	case "split":
		if s, ok := p.scalar(val, where+" split"); ok {
			if s == "" {
				p.errAt(nodePos(val), "%s: split needs the separator characters, e.g. `split: \",;\"`", where)
			}
			f.Split = strings.ReplaceAll(s, `\n`, "\n")
		}
	case "value":
		v, err := constant(val)
		if err != nil {
			p.errAt(nodePos(val), "%s: %v", where, err)
			return
		}
		f.Value = v
	case "values":
		if val.Kind != yaml.MappingNode {
			p.errAt(nodePos(val), "%s: values must be a table of `cell value: vendor value` pairs", where)
			return
		}
		f.Values = map[string]string{}
		for i := 0; i+1 < len(val.Content); i += 2 {
			kk, vv := val.Content[i], val.Content[i+1]
			ks, ok1 := p.scalar(kk, where+" values key")
			vs, ok2 := p.scalar(vv, fmt.Sprintf("%s values[%q]", where, kk.Value))
			if ok1 && ok2 {
				if _, dup := f.Values[ks]; dup {
					p.errAt(nodePos(kk), "%s: %q is in values twice", where, ks)
				}
				f.Values[ks] = vs
			}
		}
	case "default":
		if s, ok := p.scalar(val, where+" default"); ok {
			f.Default = &s
		}
	case "transform":
		var items []*yaml.Node
		switch val.Kind {
		case yaml.ScalarNode:
			items = []*yaml.Node{val}
		case yaml.SequenceNode:
			items = val.Content
		default:
			p.errAt(nodePos(val), "%s: transform must be a name or a list, e.g. `transform: [trim, lower, email]`", where)
			return
		}
		for _, it := range items {
			s, ok := p.scalar(it, where+" transform")
			if !ok {
				continue
			}
			s = strings.ToLower(strings.TrimSpace(s))
			if _, known := transformNames[s]; !known {
				p.errAt(nodePos(it), "unknown transform %q%s; known: %s", s, didYouMean(s, transformList), strings.Join(transformList, ", "))
				continue
			}
			f.Transforms = append(f.Transforms, s)
		}
	case "region":
		if s, ok := p.scalar(val, where+" region"); ok {
			r := strings.ToUpper(strings.TrimSpace(s))
			if !validRegion(r) {
				p.errAt(nodePos(val), "%s: unknown phone region %q; use a 2-letter country code such as PL, RU, DE", where, s)
				return
			}
			f.Region = r
		}
	case "date":
		if s, ok := p.scalar(val, where+" date"); ok {
			layout, err := goLayout(s)
			if err != nil {
				p.errAt(nodePos(val), "%s: %v", where, err)
				return
			}
			f.Date, f.layout = s, layout
		}
	default:
		p.unknownKey(k, where, fieldKeys)
	}
}

// constant decodes a `value:` scalar into string, int64, float64 or bool.
func constant(n *yaml.Node) (any, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return nil, errors.New("value must be a single constant, e.g. `value: client`")
	}
	switch n.Tag {
	case "!!int":
		var v int64
		if err := n.Decode(&v); err == nil {
			return v, nil
		}
	case "!!float":
		var v float64
		if err := n.Decode(&v); err == nil {
			return v, nil
		}
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err == nil {
			return v, nil
		}
	}
	return n.Value, nil
}

func (m *Mapping) field(name string) *FieldMap {
	for i := range m.Fields {
		if m.Fields[i].Field == name {
			return &m.Fields[i]
		}
	}
	return nil
}

func (m *Mapping) fieldNames() []string {
	out := make([]string, len(m.Fields))
	for i, f := range m.Fields {
		out[i] = f.Field
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
