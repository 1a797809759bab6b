package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/crmport/crmport/internal/iostreams"
)

// Set at link time, the way GoReleaser builds a release:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>" ./cmd/crmport
//
// Left empty, each comes from the build information the Go toolchain
// records in every binary (go build in a git checkout, go install …@v1.2.3).
var (
	version string
	commit  string
	date    string
)

// buildStamp says which crmport this binary is.
type buildStamp struct {
	// Version is the release ("1.2.3"), the module version of a
	// go install ("v1.2.3" or a pseudo-version), or "dev" when nothing
	// knows it.
	Version string
	// Commit is the git commit built, "" when unknown.
	Commit string
	// Modified: the checkout had changes that are not in Commit.
	Modified bool
	// Built is when the release was built (from -ldflags), "" when unknown.
	Built string
	// Committed is the time of Commit, used when Built is unknown.
	Committed string
	// Go is the toolchain and platform: "go1.26.8 windows/amd64".
	Go string
}

// currentBuild is this binary's stamp, worked out once.
var currentBuild = sync.OnceValue(func() buildStamp {
	info, _ := debug.ReadBuildInfo()
	return resolveBuild(version, commit, date, info)
})

// resolveBuild combines the -ldflags values (which win where set) with the
// toolchain's build information (info may be nil).
func resolveBuild(ldVersion, ldCommit, ldDate string, info *debug.BuildInfo) buildStamp {
	b := buildStamp{
		Version: ldVersion,
		Commit:  ldCommit,
		Built:   ldDate,
		Go:      runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
	}
	if info == nil {
		if b.Version == "" {
			b.Version = "dev"
		}
		return b
	}
	var revision, revTime string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			revTime = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	modVersion := info.Main.Version
	if v, ok := strings.CutSuffix(modVersion, "+dirty"); ok {
		modVersion, modified = v, true
	}
	if modVersion == "(devel)" {
		modVersion = ""
	}
	// go install …@<branch or commit> records no vcs.* settings, but the
	// pseudo-version it installs names the commit and its time.
	if revision == "" {
		revision, revTime = pseudoVersionRev(modVersion)
	}
	if b.Version == "" {
		b.Version = modVersion
		if b.Version == "" {
			b.Version = "dev"
		}
	}
	if b.Commit == "" {
		b.Commit = revision
	}
	// Uncommitted changes belong to the commit the toolchain saw: say so
	// only when that is the commit shown.
	b.Modified = modified && (ldCommit == "" || ldCommit == revision)
	if b.Built == "" {
		b.Committed = revTime
	}
	return b
}

// pseudoVersionRev returns the commit and its time named by a Go
// pseudo-version (v0.0.0-20261202164449-9c0b8da12345, v1.2.4-0.2026…-…,
// v1.2.3-pre.0.2026…-…), or "" for a release version.
func pseudoVersionRev(v string) (rev, when string) {
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	dash := strings.LastIndexByte(v, '-')
	if dash < 0 {
		return "", ""
	}
	rev, rest := v[dash+1:], v[:dash]
	if len(rev) != 12 || strings.Trim(rev, "0123456789abcdef") != "" || len(rest) < 14 {
		return "", ""
	}
	stamp := rest[len(rest)-14:]
	if before := rest[:len(rest)-14]; !strings.HasSuffix(before, "-") && !strings.HasSuffix(before, ".") {
		return "", ""
	}
	t, err := time.Parse("20060102150405", stamp)
	if err != nil {
		return "", ""
	}
	return rev, t.UTC().Format(time.RFC3339)
}

// String is what `crmport version` and `crmport --version` print.
func (b buildStamp) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "crmport %s\n", b.Version)
	if b.Commit != "" {
		fmt.Fprintf(&s, "commit:    %s", b.Commit)
		if b.Modified {
			s.WriteString(" (with uncommitted changes)")
		}
		s.WriteString("\n")
	}
	if b.Built != "" {
		fmt.Fprintf(&s, "built:     %s\n", b.Built)
	} else if b.Committed != "" {
		fmt.Fprintf(&s, "committed: %s\n", b.Committed)
	}
	fmt.Fprintf(&s, "go:        %s\n", b.Go)
	return s.String()
}

// Short is the stamp on one line, for bug reports.
func (b buildStamp) Short() string {
	s := b.Version
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " " + c
		if b.Modified {
			s += "+changes"
		}
	}
	return s + " (" + b.Go + ")"
}

// setVersionFlag makes `crmport --version` print what `crmport version`
// prints (root.Version must be set for cobra to add the flag).
func setVersionFlag(root *cobra.Command) {
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	root.Annotations["versionText"] = currentBuild().String()
	root.SetVersionTemplate(`{{index .Annotations "versionText"}}`)
}

// versionOptions are the inputs of `crmport version`.
type versionOptions struct {
	IO *iostreams.IOStreams
	// Build returns the stamp to print.
	Build func() buildStamp
}

// newVersionCmd builds `crmport version`; runF replaces runVersion in tests.
func newVersionCmd(f *factory, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: f.IOStreams, Build: currentBuild}
	return &cobra.Command{
		Use:   "version",
		Short: "Print crmport's version, commit and build date",
		Long: `Print crmport's version, the commit it was built from and when it was
built (or, for a build from source, when that commit was made), and the Go
toolchain and platform. Put this in a bug report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
}

// runVersion prints the build stamp.
func runVersion(opts *versionOptions) error {
	_, err := fmt.Fprint(opts.IO.Out, opts.Build().String())
	return err
}
