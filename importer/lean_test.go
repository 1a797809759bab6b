package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// recordOnly hides everything of a binding but Apply: the importer then
// maps rows into records, as for any Binder.
type recordOnly struct{ b *mapping.Binding }

func (r recordOnly) Apply(row sheet.Row) (crm.Record, error) { return r.b.Apply(row) }

// TestDryRunWithoutRecordsMatchesRecords checks that a dry run mapping rows
// into values without records (what it does with a *mapping.Binding) finds
// the same duplicates and failures, in the same words, as one mapping every
// row into a record: the same summary and a byte-identical error report,
// with the duplicate fields given and guessed, over more rows than one
// read-ahead batch.
func TestDryRunWithoutRecordsMatchesRecords(t *testing.T) {
	dry, reg, types := memVendorDryRun(t)
	var b strings.Builder
	b.WriteString("Firma;E-mail;Telefon;Miasto;Uwagi\n")
	b.WriteString("Acme;jan@acme.pl;601 234 567;Łódź;first\n")
	b.WriteString("Beta;JAN@ACME.PL ;;Kraków;the same e-mail in capitals\n")
	b.WriteString("Gamma;g@gamma.pl;+48 601 234 567;;the same phone with its country code\n")
	b.WriteString("Delta;zly-adres;;;a bad e-mail\n")
	b.WriteString(";;;;\n")
	b.WriteString("Eps;e@eps.pl;0048601234567;Gdańsk;the same phone written 0048\n")
	b.WriteString(";x@y.pl;;;no name\n")
	b.WriteString("Zeta;z@z.pl;;;;an extra cell\n")
	for i := 0; i < 400; i++ {
		fmt.Fprintf(&b, "Firma %d;osoba%d@example.pl;5%08d;Miasto %d;\n", i, i%250, i%300, i%7)
	}
	input := filepath.Join(t.TempDir(), "klienci.csv")
	require.NoError(t, os.WriteFile(input, []byte(b.String()), 0o644))

	run := func(t *testing.T, lean bool, rules []importer.DedupeRule, dedupeFields importer.DedupeFields, types map[string]crm.FieldType) (importer.Summary, string) {
		return dry(t, input, func(opt *importer.Options) {
			if !lean {
				bind := opt.Bind
				opt.Bind = func(header []string) (importer.Binder, error) {
					b, err := bind(header)
					if err != nil {
						return nil, err
					}
					return recordOnly{b.(*mapping.Binding)}, nil
				}
			}
			opt.Dedupe, opt.DedupeFields, opt.FieldTypes = rules, dedupeFields, types
		})
	}
	given := importer.DedupeFieldsFor(reg, types)
	phones := []importer.DedupeRule{importer.DedupeEmail, importer.DedupePhone}
	for _, tc := range []struct {
		name   string
		rules  []importer.DedupeRule
		fields importer.DedupeFields
		types  map[string]crm.FieldType
		dups   int
	}{
		// The file's own duplicates: row 3 (the e-mail of row 2 in
		// capitals) and rows 250-399 of the generated part (e-mails
		// repeated from 250 on); by phone also rows 4 and 7 (row 2's
		// number with +48 and with 0048) and the generated phones
		// repeated from 300 on, all of which repeat e-mails too.
		{"e-mail, fields given", nil, given, types, 151},
		{"e-mail and phone, fields given", phones, given, types, 153},
		{"e-mail and phone, fields guessed from the values", phones, importer.DedupeFields{}, nil, 153},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leanSum, leanReport := run(t, true, tc.rules, tc.fields, tc.types)
			recSum, recReport := run(t, false, tc.rules, tc.fields, tc.types)
			assert.Equal(t, recSum, leanSum)
			assert.Equal(t, recReport, leanReport)
			// Not only do both agree: the duplicates were found.
			assert.Equal(t, 408, leanSum.Rows)
			assert.Equal(t, 1, leanSum.Skipped)
			assert.Equal(t, tc.dups, leanSum.Duplicates, leanReport)
			assert.Equal(t, tc.dups+3, leanSum.Failed, leanReport)
		})
	}
}

// memVendorDryRun returns a dry run into memvendor with this mapping of a
// file with the columns Firma, E-mail, Telefon, Miasto and Uwagi:
//
//	name: Firma
//	email: {column: E-mail, transform: [trim, lower, email]}
//	phone: {column: Telefon, transform: [phone]}
//	city: Miasto
//	note: Uwagi
//
// edit changes its options before it runs. The run must fail some rows;
// it returns the summary (without the reports' names and the time) and
// the error report. Also memvendor's registration and its field types.
func memVendorDryRun(t *testing.T) (dry func(t *testing.T, input string, edit func(*importer.Options)) (importer.Summary, string), reg crm.Registration, types map[string]crm.FieldType) {
	vendors := all.Vendors()
	vendors.Register(memvendor.Registration())
	reg, err := vendors.Lookup("memvendor")
	require.NoError(t, err)
	_, v := startMemVendor(t, reg)
	fields := reg.Catalogue()
	types = map[string]crm.FieldType{}
	for _, f := range fields {
		types[f.Name] = f.Type
	}
	m, err := mapping.Parse("memvendor.yaml", []byte(`vendor: memvendor
fields:
  name: Firma
  email: {column: E-mail, transform: [trim, lower, email]}
  phone: {column: Telefon, transform: [phone]}
  city: Miasto
  note: Uwagi
`), vendors)
	require.NoError(t, err)
	dry = func(t *testing.T, input string, edit func(*importer.Options)) (importer.Summary, string) {
		opt := importer.Options{
			Input: input,
			Open:  func(ctx context.Context) (sheet.Source, error) { return sheet.Open(ctx, input, sheet.Options{}) },
			Bind: func(header []string) (importer.Binder, error) {
				return m.Bind(header, fields, mapping.ApplyOptions{})
			},
			CreateSink:    sheet.Create,
			MappingFile:   "memvendor.yaml",
			MappingDigest: m.Fingerprint(),
			Vendor:        v,
			DryRun:        true,
			ReportDir:     t.TempDir(),
		}
		edit(&opt)
		sum, err := importer.Run(t.Context(), opt)
		require.ErrorIs(t, err, importer.ErrSomeRowsFailed)
		report, err := os.ReadFile(sum.Reports.Errors)
		require.NoError(t, err)
		sum.Reports, sum.Elapsed = importer.Reports{}, 0
		return sum, string(report)
	}
	return dry, reg, types
}
