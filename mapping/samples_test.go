package mapping

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/baselinker"
	"github.com/crmport/crmport/crm/salesman"
	"github.com/crmport/crmport/crm/thulium"
	"github.com/crmport/crmport/sheet"
)

func catalogue(vendor string) []crm.Field {
	switch vendor {
	case "salesman":
		return salesman.Catalogue()
	case "thulium":
		return thulium.Catalogue()
	case "baselinker":
		return baselinker.Catalogue()
	}
	return nil
}

// TestSampleMappings runs every mapping in samples/ on its spreadsheet
// with the vendor's real catalogue: every row must map without an error.
func TestSampleMappings(t *testing.T) {
	tests := []struct {
		mapping, file string
		bad           []string
		check         func(t *testing.T, first crm.Record)
	}{
		{"thulium.yaml", "klienci-pl.csv", []string{`row 7, column "E-mail": "jan@" is not an e-mail address`}, func(t *testing.T, r crm.Record) {
			assert.Equal(t, "Wójcik", r["surname"])
			assert.Equal(t, "+48601234567", r["phone_number"])
			assert.Equal(t, "Łódź", r["address.city"])
			assert.Equal(t, "PL", r["address.country"])
		}},
		{"thulium-xlsx.yaml", "klienci.xlsx", []string{`row 9, column "E-mail": "jan@" is not an e-mail address`}, func(t *testing.T, r crm.Record) {
			assert.Equal(t, "Wójcik", r["surname"])
			assert.Equal(t, "+48601234567", r["phone_number"])
			assert.Equal(t, 5525.14, r["custom_fields.Obrót"])
		}},
		{"salesman.yaml", "klienty-ru-fix-me.csv", []string{`row 6, column "E-mail": "kuznetsova@" is not an e-mail address`}, func(t *testing.T, r crm.Record) {
			assert.Equal(t, `ООО "Ромашка"`, r["title"])
			assert.Equal(t, []string{"+74951234567"}, r["phone"])
			assert.Equal(t, "Москва, ул. Тверская, д. 7", r["address"])
		}},
		{"baselinker.yaml", "contacts-en.csv", []string{`row 9, column "Email": "emily.davis@" is not an e-mail address`}, func(t *testing.T, r crm.Record) {
			assert.Equal(t, "John Smith", r["invoice_fullname"])
			assert.Equal(t, "GB", r["invoice_country_code"])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mapping, func(t *testing.T) {
			m, err := Load(filepath.Join("..", "samples", tt.mapping), vendors)
			require.NoError(t, err)
			fields := catalogue(m.Vendor)
			require.NoError(t, m.Validate(fields))
			src, err := sheet.Open(context.Background(), filepath.Join("..", "samples", tt.file), m.SheetOptions())
			require.NoError(t, err)
			defer src.Close()
			b, err := m.Bind(src.Header(), fields, ApplyOptions{})
			require.NoError(t, err)
			report, problems := Check(m, fields, src.Header())
			assert.Empty(t, problems)
			assert.Contains(t, report, " maps ")
			n := 0
			var bad []string
			for {
				row, err := src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				if row.Blank {
					continue
				}
				rec, err := b.Apply(row)
				if err != nil {
					for _, p := range Problems(err) {
						bad = append(bad, p.Error())
					}
					continue
				}
				if n == 0 {
					tt.check(t, rec)
				}
				n++
			}
			assert.Positive(t, n)
			assert.Equal(t, tt.bad, bad, "the rows planted as bad in the sample, and only those")
		})
	}
}
