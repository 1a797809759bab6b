package job

import (
	"context"
	"fmt"
)

// FieldsSettings choose whose field list to read.
type FieldsSettings struct {
	Vendor  string
	Sandbox bool // ask the in-process emulator
	Offline bool // the built-in catalogue, without asking the CRM
}

// Fields returns the client fields of a CRM; live says they come from the
// account (Active is meaningful), not the built-in catalogue.
func (e *Env) Fields(ctx context.Context, s FieldsSettings) (fields []Field, live bool, err error) {
	if s.Offline {
		reg, err := e.lookup(s.Vendor)
		if err != nil {
			return nil, false, err
		}
		return reg.Catalogue(), false, nil
	}
	v, cleanup, err := e.openVendor(ctx, s.Vendor, s.Sandbox, vendorSetup{})
	if err != nil {
		return nil, false, err
	}
	defer cleanup()
	fields, err = v.Fields(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("read the fields of %s: %w", s.Vendor, err)
	}
	return fields, true, nil
}
