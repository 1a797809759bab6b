package sheet_test

import (
	"context"
	"testing"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

func open(opt sheet.Options) func(string) (sheet.Source, error) {
	return func(path string) (sheet.Source, error) { return sheet.Open(context.Background(), path, opt) }
}

func create(opt sheet.Options) func(string) (sheet.Sink, error) {
	return func(path string) (sheet.Sink, error) { return sheet.Create(path, opt) }
}

func TestConformanceCSV(t *testing.T) {
	sheettest.Run(t, sheettest.Opt{Ext: ".csv", Create: create(sheet.Options{}), Open: open(sheet.Options{}), Neutralised: true})
}

func TestConformanceCSVRaw(t *testing.T) {
	sheettest.Run(t, sheettest.Opt{Ext: ".csv", Create: create(sheet.Options{Raw: true}), Open: open(sheet.Options{})})
}

func TestConformanceCSVExcel(t *testing.T) {
	opt := sheet.Options{BOM: true, Delimiter: ';'}
	sheettest.Run(t, sheettest.Opt{Ext: ".csv", Create: create(opt), Open: open(sheet.Options{}), Neutralised: true})
}

func TestConformanceXLSX(t *testing.T) {
	sheettest.Run(t, sheettest.Opt{Ext: ".xlsx", Create: create(sheet.Options{Sheet: "Klienci"}), Open: open(sheet.Options{}), Typed: true})
}
