package web

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// The page edits the mapping file itself, the YAML the command line reads,
// so the two never differ: the table is a view of the file's `fields:`,
// and a change in the table is a change of one entry, keeping the entry's
// transforms and the file's comments.

// mappingDoc is a mapping file parsed as YAML nodes.
type mappingDoc struct {
	doc *yaml.Node
}

func parseMapping(text string) (*mappingDoc, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, &userError{key: "err.yaml", arg: err.Error()}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &userError{key: "err.yaml", arg: "the file holds no `vendor:` and `fields:`"}
	}
	return &mappingDoc{doc: &doc}, nil
}

func (m *mappingDoc) root() *yaml.Node { return m.doc.Content[0] }

// child returns the value of key in the mapping node n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// section returns the mapping under key of the root, creating it.
func (m *mappingDoc) section(key string) *yaml.Node {
	if n := child(m.root(), key); n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.root().Content = append(m.root().Content, scalar(key), n)
	return n
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// vendor is the file's `vendor:`.
func (m *mappingDoc) vendor() string {
	if n := child(m.root(), "vendor"); n != nil {
		return strings.ToLower(strings.TrimSpace(n.Value))
	}
	return ""
}

// source is the file's `source:` value of key ("" when unset or auto).
func (m *mappingDoc) source(key string) string {
	s := child(m.root(), "source")
	if s == nil {
		return ""
	}
	if n := child(s, key); n != nil && n.Value != "auto" {
		return n.Value
	}
	return ""
}

// setSource sets `source: key:`; "" writes auto (or removes sheet and
// header_row, which have no auto).
func (m *mappingDoc) setSource(key, value string) {
	s := m.section("source")
	for i := 0; i+1 < len(s.Content); i += 2 {
		if s.Content[i].Value != key {
			continue
		}
		if value == "" && (key == "sheet" || key == "header_row") {
			s.Content = slices.Delete(s.Content, i, i+2)
			return
		}
		if value == "" {
			value = "auto"
		}
		s.Content[i+1].Value, s.Content[i+1].Tag, s.Content[i+1].Style = value, "!!str", 0
		if key == "header_row" {
			s.Content[i+1].Tag = "!!int"
		}
		return
	}
	if value == "" {
		return
	}
	n := scalar(value)
	if key == "header_row" {
		n.Tag = "!!int"
	}
	s.Content = append(s.Content, scalar(key), n)
}

// key is the file's `key:` ("" when there is none).
func (m *mappingDoc) key() string {
	if n := child(m.root(), "key"); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// setKey sets `key:`, the field that finds a client again when updating;
// "" removes it.
func (m *mappingDoc) setKey(field string) {
	root := m.root()
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "key" {
			continue
		}
		if field == "" {
			root.Content = slices.Delete(root.Content, i, i+2)
		} else {
			root.Content[i+1] = scalar(field)
		}
		return
	}
	if field == "" {
		return
	}
	// After vendor:, where mapping init writes it.
	at := len(root.Content)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "vendor" {
			at = i + 2
		}
	}
	root.Content = slices.Insert(root.Content, at, scalar("key"), scalar(field))
}

// entry is one line of `fields:` as the table shows it.
type entry struct {
	Field   string   `json:"field"`
	Columns []string `json:"columns,omitempty"` // the columns it reads
	Value   string   `json:"value,omitempty"`   // a constant
	Detail  string   `json:"detail,omitempty"`  // transforms and options, as written
}

// entries lists the file's fields in order.
func (m *mappingDoc) entries() []entry {
	f := child(m.root(), "fields")
	if f == nil || f.Kind != yaml.MappingNode {
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(f.Content); i += 2 {
		k, v := f.Content[i], f.Content[i+1]
		e := entry{Field: k.Value}
		switch v.Kind {
		case yaml.ScalarNode:
			e.Columns = []string{v.Value}
		case yaml.MappingNode:
			var rest []string
			for j := 0; j+1 < len(v.Content); j += 2 {
				key, val := v.Content[j].Value, v.Content[j+1]
				switch key {
				case "column":
					e.Columns = []string{val.Value}
				case "columns":
					for _, c := range val.Content {
						e.Columns = append(e.Columns, c.Value)
					}
				case "value":
					e.Value = val.Value
				default:
					rest = append(rest, key+": "+flow(val))
				}
			}
			e.Detail = strings.Join(rest, ", ")
		}
		out = append(out, e)
	}
	return out
}

// flow writes a node on one line.
func flow(n *yaml.Node) string {
	c := *n
	c.Style = yaml.FlowStyle
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	b, err := yaml.Marshal(&c)
	if err != nil {
		return n.Value
	}
	return strings.TrimSpace(string(b))
}

// columnOf returns the single column an entry's value reads, or "".
func columnOf(v *yaml.Node) string {
	switch v.Kind {
	case yaml.ScalarNode:
		return v.Value
	case yaml.MappingNode:
		if c := child(v, "column"); c != nil {
			return c.Value
		}
	}
	return ""
}

// setField makes column feed field ("" = no field): the entry reading the
// column is renamed (its transforms kept) or removed, a field fed by
// another column gives it up, and a column read by no entry gets a new
// `field: column` line.
func (m *mappingDoc) setField(column, field string) error {
	f := m.section("fields")
	idx := -1
	for i := 0; i+1 < len(f.Content); i += 2 {
		if columnOf(f.Content[i+1]) == column {
			idx = i
			break
		}
	}
	if idx >= 0 && f.Content[idx].Value == field {
		return nil
	}
	if field != "" {
		// The field is fed by one entry only.
		for i := 0; i+1 < len(f.Content); i += 2 {
			if i != idx && f.Content[i].Value == field {
				if len(columnsOfNode(f.Content[i+1])) > 1 {
					return &userError{key: "err.combined", arg: field}
				}
				f.Content = slices.Delete(f.Content, i, i+2)
				if idx > i {
					idx -= 2
				}
				break
			}
		}
	}
	switch {
	case idx >= 0 && field == "":
		f.Content = slices.Delete(f.Content, idx, idx+2)
	case idx >= 0:
		f.Content[idx].Value = field
	case field != "":
		f.Content = append(f.Content, scalar(field), scalar(column))
	}
	return nil
}

func columnsOfNode(v *yaml.Node) []string {
	if v.Kind == yaml.MappingNode {
		if c := child(v, "columns"); c != nil {
			var out []string
			for _, n := range c.Content {
				out = append(out, n.Value)
			}
			return out
		}
	}
	if c := columnOf(v); c != "" {
		return []string{c}
	}
	return nil
}

// text writes the file back, comments kept.
func (m *mappingDoc) text() (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m.doc); err != nil {
		return "", fmt.Errorf("write the mapping: %w", err)
	}
	_ = enc.Close()
	return b.String(), nil
}
