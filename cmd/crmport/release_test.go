package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// releaseConfig is the part of .goreleaser.yaml (GoReleaser v2's schema)
// that the project uses. It is decoded strictly: a key it does not know is
// a typo or a new setting; add the new setting here and check it below.
type releaseConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID           string   `yaml:"id"`
		Main         string   `yaml:"main"`
		Binary       string   `yaml:"binary"`
		Env          []string `yaml:"env"`
		Flags        []string `yaml:"flags"`
		Ldflags      []string `yaml:"ldflags"`
		Goos         []string `yaml:"goos"`
		Goarch       []string `yaml:"goarch"`
		ModTimestamp string   `yaml:"mod_timestamp"`
	} `yaml:"builds"`
	Archives []struct {
		ID              string   `yaml:"id"`
		IDs             []string `yaml:"ids"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		NameTemplate    string   `yaml:"name_template"`
		WrapInDirectory bool     `yaml:"wrap_in_directory"`
		Files           []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Changelog struct {
		Sort string `yaml:"sort"`
	} `yaml:"changelog"`
}

// loadReleaseConfig reads the repository's .goreleaser.yaml.
func loadReleaseConfig(t *testing.T) (root string, cfg releaseConfig) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&cfg), ".goreleaser.yaml: a key this test does not know (typo, or add it to releaseConfig)")
	return root, cfg
}

// releaseLdflags returns the release build's -ldflags with GoReleaser's
// template fields replaced by values ({"Version": "1.2.3", …}); a field
// without a value fails the test.
func releaseLdflags(t *testing.T, values map[string]string) string {
	t.Helper()
	_, cfg := loadReleaseConfig(t)
	require.Len(t, cfg.Builds, 1)
	flags := strings.Join(cfg.Builds[0].Ldflags, " ")
	return regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`).ReplaceAllStringFunc(flags, func(m string) string {
		name := strings.Trim(m, "{} .")
		v, ok := values[name]
		assert.True(t, ok, "no test value for {{.%s}} in the release ldflags", name)
		return v
	})
}

// xVarRE matches one -X main.name=value of -ldflags.
var xVarRE = regexp.MustCompile(`-X[= ]main\.(\w+)=`)

func TestReleaseConfig(t *testing.T) {
	t.Parallel()
	root, cfg := loadReleaseConfig(t)
	assert.Equal(t, 2, cfg.Version, "GoReleaser v2's schema")
	assert.Equal(t, "crmport", cfg.ProjectName)

	require.Len(t, cfg.Builds, 1)
	b := cfg.Builds[0]
	wd, err := os.Getwd()
	require.NoError(t, err)
	assert.Equal(t, wd, filepath.Join(root, filepath.FromSlash(b.Main)), "the release builds this command")
	assert.Equal(t, "crmport", b.Binary)
	assert.Contains(t, b.Env, "CGO_ENABLED=0", "a static binary: nothing to install beside it")
	assert.ElementsMatch(t, []string{"windows", "darwin", "linux"}, b.Goos)
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, b.Goarch)

	// The -X names are exactly the string variables of package main that
	// `crmport version` prints.
	var set []string
	for _, m := range xVarRE.FindAllStringSubmatch(strings.Join(b.Ldflags, " "), -1) {
		set = append(set, m[1])
	}
	assert.ElementsMatch(t, []string{"version", "commit", "date"}, set)
	declared := stringVars(t, wd)
	for _, name := range set {
		assert.Contains(t, declared, name, "-X main.%s: no such string variable in cmd/crmport", name)
	}

	require.Len(t, cfg.Archives, 1)
	a := cfg.Archives[0]
	assert.Equal(t, []string{b.ID}, a.IDs, "the archive holds the build")
	assert.Equal(t, []string{"tar.gz"}, a.Formats)
	require.Len(t, a.FormatOverrides, 1)
	assert.Equal(t, "windows", a.FormatOverrides[0].Goos)
	assert.Equal(t, []string{"zip"}, a.FormatOverrides[0].Formats, "Windows opens zip files by itself")
	assert.True(t, a.WrapInDirectory)

	// README, LICENSE, and the samples a newcomer runs: every sample input
	// and mapping in the repository, and nothing else (no report, journal
	// or lock the README's runs leave beside them).
	assert.Subset(t, a.Files, []string{"README.md", "LICENSE"})
	var samples []string
	for _, f := range a.Files {
		assert.NotContains(t, f, "*", "%s: a pattern would also pick up reports and journals", f)
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(f)))
		assert.NoError(t, err, "%s is in the archive", f)
		if strings.HasPrefix(f, "samples/") {
			samples = append(samples, f)
		}
	}
	assert.Len(t, a.Files, len(samples)+2, "README.md, LICENSE and the samples only")
	if committed := sampleFiles(t, root); committed != nil {
		assert.ElementsMatch(t, committed, samples, "every sample input and mapping")
	}

	// One archive name per system, in words people find on their computer.
	// The README's Install names the files a person downloads.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	render := func(text string, data map[string]string) string {
		tmpl, err := template.New("name").Parse(text)
		require.NoError(t, err)
		var s strings.Builder
		require.NoError(t, tmpl.Execute(&s, data))
		return s.String()
	}
	var names []string
	for _, goos := range b.Goos {
		for _, arch := range b.Goarch {
			data := map[string]string{"ProjectName": cfg.ProjectName, "Version": "1.2.3", "Os": goos, "Arch": arch}
			names = append(names, render(a.NameTemplate, data))
			ext := ".tar.gz"
			if goos == "windows" {
				ext = ".zip"
			}
			data["Version"] = "<version>"
			assert.Contains(t, string(readme), "`"+render(a.NameTemplate, data)+ext+"`", "README's Install")
		}
	}
	assert.ElementsMatch(t, []string{
		"crmport_1.2.3_windows_x86_64", "crmport_1.2.3_windows_arm64",
		"crmport_1.2.3_macos_x86_64", "crmport_1.2.3_macos_arm64",
		"crmport_1.2.3_linux_x86_64", "crmport_1.2.3_linux_arm64",
	}, names)

	assert.Equal(t, "sha256", cfg.Checksum.Algorithm)
	checksums := render(cfg.Checksum.NameTemplate, map[string]string{"ProjectName": cfg.ProjectName, "Version": "<version>"})
	assert.Contains(t, string(readme), "`"+checksums+"`", "README's Install")
}

// stringVars lists the package-level string variables of the Go package in
// dir (its non-test files).
func stringVars(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	matches, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	var names []string
	for _, path := range matches {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "string" {
					for _, n := range vs.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
	}
	return names
}

// sampleFiles lists the files of samples/ under version control: the
// inputs and mappings, not the reports a local run leaves there; nil where
// git is not installed.
func sampleFiles(t *testing.T, root string) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Log("git is not installed: the archive's samples are not compared with the repository's")
		return nil
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "samples").Output()
	require.NoError(t, err, "git ls-files samples")
	files := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NotEmpty(t, files)
	slices.Sort(files)
	return files
}
