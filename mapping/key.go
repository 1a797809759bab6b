package mapping

import (
	"fmt"
	"strings"

	"github.com/crmport/crmport/crm"
)

// KeyKind says what a suggested key field holds.
type KeyKind int

// The kinds of field that can find a client again.
const (
	KeyOwnID        KeyKind = iota // the user's own id for the client
	KeyEmail                       // the e-mail, if no two clients share one
	KeyVendorNumber                // the CRM's own number, in a file exported from it
)

// KeyExample is one of the vendor's fields that can serve as the key.
type KeyExample struct {
	Field string
	Kind  KeyKind
}

// KeyMissingError is the error of updating existing clients (import's
// upsert mode) with a mapping that has no `key:`. It carries the facts, so
// that each front end words the setting that asked for the update and the
// place where a key is chosen; Error words it without either.
type KeyMissingError struct {
	File     string       // the mapping file
	Vendor   string       // the CRM's display name
	Examples []KeyExample // the vendor's fields that can find a client again
}

// Fix says what to add to the mapping file, with the vendor's examples.
func (e *KeyMissingError) Fix() string {
	msg := fmt.Sprintf("add a line `key: FIELD` to %s naming the mapped field that finds a client again in %s", e.File, e.Vendor)
	var ex []string
	for _, x := range e.Examples {
		what := map[KeyKind]string{
			KeyOwnID:        "your own id for the client",
			KeyEmail:        "the e-mail, if no two clients share one",
			KeyVendorNumber: fmt.Sprintf("%s's number, in a file exported from %s", e.Vendor, e.Vendor),
		}[x.Kind]
		ex = append(ex, fmt.Sprintf("`key: %s` (%s)", x.Field, what))
	}
	if len(ex) > 0 {
		msg += ", e.g. " + strings.Join(ex, ", ")
	}
	return msg
}

func (e *KeyMissingError) Error() string {
	return "updating existing clients needs a key: " + e.Fix()
}

// UpsertKeyError is the error of an import that updates existing clients
// (upsert) with a mapping that has no `key:`: a *KeyMissingError naming
// the vendor's own fields that can find a client again (the user's own
// id, the e-mail and the vendor's number, in files exported from it). nil
// when the mapping has a key.
func (m *Mapping) UpsertKeyError() error {
	if m.Key != "" {
		return nil
	}
	e := &KeyMissingError{File: m.File, Vendor: title(m.reg)}
	add := func(concept crm.Concept, kind KeyKind) {
		if a := m.reg.Aliases[concept]; len(a) > 0 {
			e.Examples = append(e.Examples, KeyExample{Field: strings.TrimRight(a[0], "?+"), Kind: kind})
		}
	}
	add(crm.ConceptID, KeyOwnID)
	add(crm.ConceptEmail, KeyEmail)
	if m.reg.Catalogue != nil {
		for _, f := range m.reg.Catalogue() {
			if f.ReadOnly {
				e.Examples = append(e.Examples, KeyExample{Field: f.Name, Kind: KeyVendorNumber})
				break
			}
		}
	}
	return e
}
