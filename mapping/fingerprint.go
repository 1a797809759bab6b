package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Fingerprint identifies what the mapping does, not how the file is
// written: comments, blank lines, key order and spacing do not change it,
// any field, column, transform or option does. The importer's journal
// records it, so editing a comment does not stop a resume.
func (m *Mapping) Fingerprint() string {
	fields := make([]FieldMap, len(m.Fields))
	copy(fields, m.Fields)
	for i := range fields {
		fields[i].Line, fields[i].Col = 0, 0
	}
	canon := struct {
		Vendor string
		Source SourceOptions
		Key    string
		Blank  string
		Fields []FieldMap
	}{m.Vendor, m.Source, m.Key, m.Blank, fields}
	b, err := json.Marshal(canon)
	if err != nil { // a constant of an unexpected type: fall back to its text
		b = []byte(err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
