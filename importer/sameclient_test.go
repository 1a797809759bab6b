package importer

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
)

// TestSameClient: a client found by a shared e-mail after a lost answer is
// ours only when every field the CRM returns agrees with what was sent.
func TestSameClient(t *testing.T) {
	r := &run{idOnly: map[string]bool{"customer_id": true}, opt: Options{FieldTypes: map[string]crm.FieldType{"phone_number": crm.TypePhone}},
		phoneRegion: func(string) string { return "PL" }}
	same := r.sameClient
	sent := crm.Record{"surname": "Nowak", "email": "biuro@firma.pl", "phone_number": "+48 601 234 567"}
	assert.True(t, same(sent, crm.Record{"customer_id": "7", "surname": "Nowak", "email": "BIURO@firma.pl", "phone_number": "601234567"}),
		"formatting differences are the same client")
	assert.False(t, same(sent, crm.Record{"customer_id": "8", "surname": "Kowalski", "email": "biuro@firma.pl"}),
		"a colleague with the same company e-mail is another client")
	assert.True(t, same(sent, crm.Record{"customer_id": "7", "email": "biuro@firma.pl"}),
		"fields the CRM does not return are not held against it")
	assert.True(t, same(sent, nil), "a finder that returns no record is taken at its word")
}
