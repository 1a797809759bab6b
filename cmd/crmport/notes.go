package main

import (
	"context"
	"fmt"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/retry"
)

// clientDataReader is implemented by vendors that read one client's full
// details (BaseLinker getCrmClientData: notes and extra fields).
type clientDataReader interface {
	ClientData(ctx context.Context, id string) (crm.Record, error)
}

// notesEnricher returns the exporter's Enrich step for --with-notes: one
// details call per client, paced and retried by the wrapper v.
func notesEnricher(v, raw crm.Vendor) (func(context.Context, crm.Record) (crm.Record, error), error) {
	reader, ok := raw.(clientDataReader)
	if !ok {
		return nil, flagErrorf("--with-notes is for BaseLinker (its client list leaves out notes and extra fields); %s lists every field already", raw.Name())
	}
	doer, ok := v.(retry.Doer)
	if !ok {
		return nil, fmt.Errorf("internal: the vendor is not wrapped for pacing")
	}
	idField := raw.Capabilities().IDField
	return func(ctx context.Context, rec crm.Record) (crm.Record, error) {
		id := fmt.Sprint(rec[idField])
		var full crm.Record
		err := doer.Do(ctx, "client details", func(ctx context.Context) error {
			var err error
			full, err = reader.ClientData(ctx, id)
			return err
		})
		if err != nil {
			return nil, err
		}
		merged := rec.Clone()
		for k, val := range full {
			merged[k] = val
		}
		return merged, nil
	}, nil
}
