package mapping

import (
	"fmt"
	"strings"

	"github.com/crmport/crmport/crm"
)

// UpsertKeyError is the error of `import --mode upsert` with a mapping
// that has no `key:`, naming the vendor's own fields that can find a
// client again: the user's own id, the e-mail and the vendor's number (in
// files exported from it). nil when the mapping has a key.
func (m *Mapping) UpsertKeyError() error {
	if m.Key != "" {
		return nil
	}
	var ex []string
	add := func(concept crm.Concept, what string) {
		if a := m.reg.Aliases[concept]; len(a) > 0 {
			ex = append(ex, fmt.Sprintf("`key: %s` (%s)", strings.TrimRight(a[0], "?+"), what))
		}
	}
	add(crm.ConceptID, "your own id for the client")
	add(crm.ConceptEmail, "the e-mail, if no two clients share one")
	if m.reg.Catalogue != nil {
		for _, f := range m.reg.Catalogue() {
			if f.ReadOnly {
				ex = append(ex, fmt.Sprintf("`key: %s` (%s's number, in a file exported from %s)", f.Name, title(m.reg), title(m.reg)))
				break
			}
		}
	}
	msg := fmt.Sprintf("--mode upsert needs a key: add a line `key: FIELD` to %s naming the mapped field that finds a client again in %s", m.File, title(m.reg))
	if len(ex) > 0 {
		msg += ", e.g. " + strings.Join(ex, ", ")
	}
	return fmt.Errorf("%s", msg)
}
