package export

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"

	"github.com/crmport/crmport/crm/retry"
	"github.com/crmport/crmport/crm/salesman"
	"github.com/crmport/crmport/crm/salesman/fake"
	"github.com/crmport/crmport/exporter"
	"github.com/crmport/crmport/sheet"
)

// Export runs the real export path against a SalesMan emulator at url (the
// sandbox's /salesman root): the salesman client behind crm/retry with no
// pacing, the vendor's field catalogue, exporter.Run, and a sheet sink
// created at path (XLSX or CSV by its extension, or opt.Format).
func Export(ctx context.Context, url, path string, opt sheet.Options) (exporter.Summary, error) {
	c, err := salesman.New(salesman.Config{URL: url, Login: fake.DefaultLogin, APIKey: fake.DefaultAPIKey}, nil)
	if err != nil {
		return exporter.Summary{}, err
	}
	v := retry.Wrap(c, retry.Policy{Rate: rate.Inf})
	fields, err := v.Fields(ctx)
	if err != nil {
		return exporter.Summary{}, fmt.Errorf("read the fields: %w", err)
	}
	sink, err := sheet.Create(path, opt)
	if err != nil {
		return exporter.Summary{}, err
	}
	sum, err := exporter.Run(ctx, exporter.Options{Vendor: v, Fields: fields, Sink: sink})
	if cerr := sink.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", path, cerr)
	}
	return sum, err
}
