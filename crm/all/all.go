// Package all is the explicit registry of the vendors crmport ships (after
// restic's internal/backend/all): no init() side effects, one list to read.
package all

import (
	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/baselinker"
	"github.com/crmport/crmport/crm/salesman"
	"github.com/crmport/crmport/crm/thulium"
)

// Vendors returns a registry holding the three vendors.
func Vendors() *crm.Registry {
	r := crm.NewRegistry()
	r.Register(salesman.Registration())
	r.Register(thulium.Registration())
	r.Register(baselinker.Registration())
	return r
}
