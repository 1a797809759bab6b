package layering

import (
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
)

// vendorWords are what code would write to name a vendor: its registry
// name and its title, lower-cased.
func vendorWords() []string {
	r := all.Vendors()
	var out []string
	for _, n := range r.Names() {
		reg, _ := r.Lookup(n)
		out = append(out, strings.ToLower(reg.Name), strings.ToLower(reg.Title))
	}
	return out
}

// vendorNamesIn returns "file:line: token" for every identifier, string or
// character literal of src that names one of words. Comments may name
// vendors (as examples); code may not.
func vendorNamesIn(file string, src []byte, words []string) []string {
	fset := token.NewFileSet()
	f := fset.AddFile(file, -1, len(src))
	var s scanner.Scanner
	s.Init(f, src, nil, 0)
	var found []string
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return found
		}
		if tok != token.IDENT && tok != token.STRING && tok != token.CHAR {
			continue
		}
		low := strings.ToLower(lit)
		for _, w := range words {
			if strings.Contains(low, w) {
				found = append(found, fset.Position(pos).String()+": "+lit)
				break
			}
		}
	}
}

// TestNoVendorNames checks that mapping and importer name no vendor: every
// vendor fact they use reaches them through crm.Registration or
// Capabilities, so adding a vendor changes neither.
func TestNoVendorNames(t *testing.T) {
	words := vendorWords()
	require.Contains(t, words, "salesman")
	for _, dir := range []string{"mapping", "importer"} {
		files, err := filepath.Glob(filepath.Join("..", "..", dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			for _, hit := range vendorNamesIn(file, src, words) {
				t.Errorf("%s names a vendor: take the fact from crm.Registration or Capabilities instead", hit)
			}
		}
	}
}

func TestVendorNamesIn(t *testing.T) {
	src := []byte("package p\n// salesman in a comment is fine\nvar x = \"SalesMan\"\nfunc thuliumThing() {}\nvar y = 'b'\n")
	got := vendorNamesIn("p.go", src, []string{"salesman", "thulium"})
	assert.Equal(t, []string{`p.go:3:9: "SalesMan"`, "p.go:4:6: thuliumThing"}, got)
}
