package mapping

import (
	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
)

// vendors is the registry of the shipped vendors, which the mapping files
// of these tests name.
var vendors = all.Vendors()

// registration returns the registration of a shipped vendor.
func registration(name string) crm.Registration {
	reg, err := vendors.Lookup(name)
	if err != nil {
		panic(err)
	}
	return reg
}
