package layering

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
)

const module = "github.com/crmport/crmport"

type pkg struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive
}

// listed holds the module's packages, listed once for every test.
var listed struct {
	once   sync.Once
	pkgs   []pkg
	failed string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	listed.once.Do(func() {
		// -pgo=off: with cmd/crmport's default.pgo, go list would also
		// list the packages it builds again for it, named "path [main]".
		cmd := exec.Command("go", "list", "-e", "-pgo=off", "-json=ImportPath,Imports,Deps", module+"/...")
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			listed.failed = fmt.Sprintf("go list failed: %v: %s", err, stderr.String())
			return
		}
		dec := json.NewDecoder(&out)
		for {
			var p pkg
			err := dec.Decode(&p)
			if err == io.EOF {
				break
			}
			if err != nil {
				listed.failed = "go list printed what is not JSON: " + err.Error()
				return
			}
			listed.pkgs = append(listed.pkgs, p)
		}
	})
	require.Empty(t, listed.failed)
	require.NotEmpty(t, listed.pkgs)
	return listed.pkgs
}

func rel(path string) string {
	if path == module {
		return "."
	}
	return strings.TrimPrefix(path, module+"/")
}

func under(path, dir string) bool { return path == dir || strings.HasPrefix(path, dir+"/") }

// vendors are the registered vendors' names: each has its package crm/<name>.
var vendors = all.Vendors().Names()

// forbidden returns why p may not depend on dep, or "".
func forbidden(p, dep string) string {
	if under(dep, "cmd") {
		return "nothing imports cmd"
	}
	if under(dep, "job") && !under(p, "cmd") && !under(p, "job") && !under(p, "web") {
		return "the job layer is above every engine: only front ends (cmd, web) import it"
	}
	if under(dep, "web") && !under(p, "cmd") && !under(p, "web") {
		return "the web page is a front end: only cmd starts it"
	}
	if under(p, "crm") && !under(p, "crm/crmtest") && !under(p, "crm/all") {
		for _, d := range []string{"importer", "exporter", "mapping", "sheet"} {
			if under(dep, d) {
				return "vendor-side packages (crm/...) import only crm, never " + d
			}
		}
	}
	for _, v := range vendors {
		if under(p, "crm/"+v+"/fake") && dep == "crm/"+v {
			return "a fake never imports the client it imitates (it is an independent reading of the docs)"
		}
		// A vendor client must not lean on its own emulator either.
		if p == "crm/"+v && under(dep, "crm/"+v+"/fake") {
			return "a client does not import its emulator"
		}
	}
	if under(p, "sheet") {
		for _, d := range []string{"crm", "mapping", "importer", "exporter"} {
			if under(dep, d) {
				return "sheet is tabular I/O only and imports no " + d
			}
		}
	}
	if under(p, "mapping") {
		if under(dep, "importer") || under(dep, "exporter") {
			return "mapping is below importer/exporter"
		}
	}
	if under(p, "mapping") || under(p, "importer") {
		for _, v := range vendors {
			if under(dep, "crm/"+v) {
				return "mapping and importer take a vendor's facts as values (crm.Registration, Capabilities), they do not import vendor packages"
			}
		}
		if under(dep, "crm/all") {
			return "mapping and importer are given the registry, they do not build it"
		}
	}
	if under(p, "importer") && under(dep, "exporter") || under(p, "exporter") && under(dep, "importer") {
		return "importer and exporter are independent"
	}
	return ""
}

func TestLayering(t *testing.T) {
	for _, p := range listPackages(t) {
		from := rel(p.ImportPath)
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, module) {
				continue
			}
			to := rel(d)
			if why := forbidden(from, to); why != "" {
				t.Errorf("%s imports %s: %s", from, to, why)
			}
		}
	}
}

// directlyForbidden returns why p may not import dep itself (it may
// depend on it through another package), or "".
func directlyForbidden(p, dep string) string {
	if under(p, "cmd") {
		for _, v := range vendors {
			if under(dep, "crm/"+v) {
				return "cmd reaches vendors through the registry (crm/all) and their Registration, not their packages"
			}
		}
		switch dep {
		case "job", "internal/iostreams", "crm", "crm/all", "web":
			return ""
		}
		return "a front end (cmd) drives the job layer (job) and renders its events: it imports job, internal/iostreams, the vendor registry (crm, crm/all) and the web page (web), nothing else of crmport's"
	}
	if under(p, "web") && dep != "job" {
		return "the web page drives the job layer (job) only: every step is a job call, never a second implementation"
	}
	return ""
}

func TestDirectImports(t *testing.T) {
	for _, p := range listPackages(t) {
		from := rel(p.ImportPath)
		for _, d := range p.Imports {
			if !strings.HasPrefix(d, module) {
				continue
			}
			if why := directlyForbidden(from, rel(d)); why != "" {
				t.Errorf("%s imports %s: %s", from, rel(d), why)
			}
		}
	}
	if directlyForbidden("cmd/crmport", "crm/salesman") == "" || directlyForbidden("cmd/crmport", "crm/all") != "" {
		t.Error("directlyForbidden: cmd may import crm/all, not crm/salesman")
	}
	for _, dep := range []string{"importer", "exporter", "sheet", "mapping", "crm/retry", "crm/sandbox", "internal/runlock"} {
		if directlyForbidden("cmd/crmport", dep) == "" {
			t.Errorf("directlyForbidden: cmd may not import %s (it goes through job)", dep)
		}
		if directlyForbidden("web", dep) == "" {
			t.Errorf("directlyForbidden: web may not import %s (it goes through job)", dep)
		}
	}
	if directlyForbidden("web", "job") != "" {
		t.Error("directlyForbidden: web may import job")
	}
}

func TestForbiddenRules(t *testing.T) {
	tests := []struct {
		from, to string
		bad      bool
	}{
		{"crm/salesman/fake", "crm/salesman", true},
		{"crm/salesman/fake", "crm", false},
		{"crm/salesman", "sheet", true},
		{"crm/all", "crm/salesman", false},
		{"sheet", "crm", true},
		{"mapping", "crm", false},
		{"mapping", "crm/thulium", true},
		{"importer", "crm/salesman", true},
		{"importer", "crm/all", true},
		{"importer", "crm/retry", false},
		{"importer", "cmd/crmport", true},
		{"importer", "mapping", false},
		{"exporter", "sheet", false},
	}
	for _, tt := range tests {
		got := forbidden(tt.from, tt.to) != ""
		if got != tt.bad {
			t.Errorf("forbidden(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.bad)
		}
	}
}
