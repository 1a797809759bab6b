package job

import (
	"context"
	"errors"
	"fmt"
)

// FieldsSettings choose whose field list to read.
type FieldsSettings struct {
	Vendor  string
	Sandbox bool // ask the in-process emulator
	Offline bool // the built-in catalogue, without asking the CRM
}

// Fields returns the client fields of a CRM; live says they come from the
// account (Active is meaningful, custom fields are there), not the
// built-in catalogue. Without the vendor's settings (and not Offline) it
// falls back to the built-in catalogue (live false) instead of failing.
func (e *Env) Fields(ctx context.Context, s FieldsSettings) (fields []Field, live bool, err error) {
	if s.Offline {
		reg, err := e.lookup(s.Vendor)
		if err != nil {
			return nil, false, err
		}
		return reg.Catalogue(), false, nil
	}
	return e.catalogue(ctx, s.Vendor, s.Sandbox)
}

// catalogue is the account's field list when the vendor's settings are
// there (or with the sandbox), else the built-in catalogue (live false).
// Settings that are there but wrong are an error: the user meant them.
func (e *Env) catalogue(ctx context.Context, vendor string, sandbox bool) ([]Field, bool, error) {
	reg, err := e.lookup(vendor)
	if err != nil {
		return nil, false, err
	}
	v, cleanup, err := e.openVendor(ctx, vendor, sandbox, vendorSetup{})
	var missing *MissingSettingsError
	if errors.As(err, &missing) {
		return reg.Catalogue(), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer cleanup()
	fields, err := v.Fields(ctx)
	if err != nil {
		return nil, false, &FieldListError{Vendor: e.Title(vendor), Err: fmt.Errorf("read the fields of %s: %w", vendor, err)}
	}
	return fields, true, nil
}
