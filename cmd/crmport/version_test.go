package main

import (
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolveBuild(t *testing.T) {
	t.Parallel()
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "8278d5297f8ab1f1da34631543187040d9fccb36"
	tests := []struct {
		name               string
		ldV, ldC, ldD      string
		info               *debug.BuildInfo
		want               buildStamp
		wantOut, forbidden []string
	}{
		{name: "release build (GoReleaser's ldflags)", ldV: "1.4.0", ldC: rev, ldD: "2026-12-01T10:00:00Z",
			info:      &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs(rev, "2026-11-30T09:00:00Z", "false")},
			want:      buildStamp{Version: "1.4.0", Commit: rev, Built: "2026-12-01T10:00:00Z"},
			wantOut:   []string{"crmport 1.4.0\n", "commit:    " + rev + "\n", "built:     2026-12-01T10:00:00Z\n"},
			forbidden: []string{"committed", "uncommitted"}},
		{name: "nothing known", info: nil,
			want: buildStamp{Version: "dev"}, wantOut: []string{"crmport dev\n"}, forbidden: []string{"commit"}},
		{name: "go build in a checkout with changes", info: &debug.BuildInfo{
			Main:     debug.Module{Version: "v0.0.0-20261202164836-8278d5297f8a+dirty"},
			Settings: vcs(rev, "2026-12-02T16:48:36Z", "true")},
			want:      buildStamp{Version: "v0.0.0-20261202164836-8278d5297f8a", Commit: rev, Modified: true, Committed: "2026-12-02T16:48:36Z"},
			wantOut:   []string{"commit:    " + rev + " (with uncommitted changes)\n", "committed: 2026-12-02T16:48:36Z\n"},
			forbidden: []string{"built:", "+dirty", "crmport dev"}},
		{name: "go build without a module version", info: &debug.BuildInfo{
			Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T16:48:36Z", "false")},
			want:    buildStamp{Version: "dev", Commit: rev, Committed: "2026-12-02T16:48:36Z"},
			wantOut: []string{"crmport dev\n", "commit:    " + rev + "\n"}, forbidden: []string{"uncommitted"}},
		{name: "go install @v1.4.0", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			want: buildStamp{Version: "v1.4.0"}, wantOut: []string{"crmport v1.4.0\n"}, forbidden: []string{"commit"}},
		{name: "go install @main", info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202164836-8278d5297f8a"}},
			want:    buildStamp{Version: "v0.0.0-20261202164836-8278d5297f8a", Commit: "8278d5297f8a", Committed: "2026-12-02T16:48:36Z"},
			wantOut: []string{"commit:    8278d5297f8a\n", "committed: 2026-12-02T16:48:36Z\n"}},
		{name: "go install of a commit after a tag", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.1-0.20261202164836-8278d5297f8a"}},
			want: buildStamp{Version: "v1.4.1-0.20261202164836-8278d5297f8a", Commit: "8278d5297f8a", Committed: "2026-12-02T16:48:36Z"}},
		{name: "go install of a commit after a pre-release", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0-rc.1.0.20261202164836-8278d5297f8a"}},
			want: buildStamp{Version: "v1.4.0-rc.1.0.20261202164836-8278d5297f8a", Commit: "8278d5297f8a", Committed: "2026-12-02T16:48:36Z"}},
		{name: "a pre-release is not a pseudo-version", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0-rc.1"}},
			want: buildStamp{Version: "v1.4.0-rc.1"}},
		{name: "ldflags version only: commit from the toolchain", ldV: "1.4.0",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T16:48:36Z", "true")},
			want: buildStamp{Version: "1.4.0", Commit: rev, Modified: true, Committed: "2026-12-02T16:48:36Z"}},
		{name: "changes of another commit are not this one's", ldC: "abc123",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-12-02T16:48:36Z", "true")},
			want: buildStamp{Version: "dev", Commit: "abc123", Committed: "2026-12-02T16:48:36Z"}},
	}
	goLine := runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveBuild(tt.ldV, tt.ldC, tt.ldD, tt.info)
			tt.want.Go = goLine
			assert.Equal(t, tt.want, got)
			out := got.String()
			assert.True(t, strings.HasPrefix(out, "crmport "+tt.want.Version+"\n"), out)
			assert.True(t, strings.HasSuffix(out, "go:        "+goLine+"\n"), out)
			for _, s := range tt.wantOut {
				assert.Contains(t, out, s)
			}
			for _, s := range tt.forbidden {
				assert.NotContains(t, out, s)
			}
		})
	}
}

func TestVersionFlagPrintsWhatVersionPrints(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	code, cmdOut, _ := execCrmport(t, f, "version")
	require.Equal(t, exitOK, code)
	f, _ = testFactory()
	code, flagOut, _ := execCrmport(t, f, "--version")
	require.Equal(t, exitOK, code)
	assert.Equal(t, currentBuild().String(), cmdOut)
	assert.Equal(t, cmdOut, flagOut)
}

// buildCrmport builds the command into a temporary folder with the extra
// go build arguments and returns the binary's path.
func buildCrmport(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "crmport")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, args...), ".")...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func runBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	require.NoError(t, err, "%s: %s", strings.Join(args, " "), out)
	return string(out)
}

// TestVersionOfBuiltBinary builds crmport once, as a release is built
// (the -ldflags of .goreleaser.yaml) and, in a git clone, with the
// toolchain's VCS stamp, then checks both ways a binary says its version:
// the release values it prints, and what a plain go build or go install
// (no -ldflags) would print from the build information the toolchain
// recorded in this same binary — in a git clone, the commit checked out.
// (One link instead of two: each takes seconds.)
func TestVersionOfBuiltBinary(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	// The toolchain stamps the commit only in a clone (not in a git
	// worktree, whose .git is a file) and where git runs.
	st, err := os.Stat(filepath.Join(root, ".git"))
	_, gitErr := exec.LookPath("git")
	inClone := err == nil && st.IsDir() && gitErr == nil
	vcsFlag := "-buildvcs=false"
	if inClone {
		vcsFlag = "-buildvcs=true"
	}
	bin := buildCrmport(t, vcsFlag, "-ldflags", releaseLdflags(t, map[string]string{
		"Version":    "9.8.7",
		"FullCommit": "0123456789abcdef0123456789abcdef01234567",
		"Date":       "2026-12-01T10:11:12Z",
	}))

	t.Run("release", func(t *testing.T) {
		want := "crmport 9.8.7\n" +
			"commit:    0123456789abcdef0123456789abcdef01234567\n" +
			"built:     2026-12-01T10:11:12Z\n"
		for _, args := range [][]string{{"version"}, {"--version"}} {
			out := runBinary(t, bin, args...)
			assert.True(t, strings.HasPrefix(out, want), "%v printed:\n%s", args, out)
			assert.Contains(t, out, "go:        "+runtime.Version()+" ")
		}
	})

	t.Run("source build", func(t *testing.T) {
		info, err := buildinfo.ReadFile(bin)
		require.NoError(t, err)
		out := resolveBuild("", "", "", info).String() // no -ldflags values
		if !inClone {
			assert.True(t, strings.HasPrefix(out, "crmport dev\n"), out)
			t.Logf("not a git clone with git: checked the build without commit information only")
			return
		}
		head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
		require.NoError(t, err)
		assert.Contains(t, out, "commit:    "+strings.TrimSpace(string(head)))
		assert.NotContains(t, out, "crmport dev\n", "the toolchain knows the pseudo-version")
		when, err := exec.Command("git", "-C", root, "log", "-1", "--format=%cI").Output()
		require.NoError(t, err)
		committed, err := time.Parse(time.RFC3339, strings.TrimSpace(string(when)))
		require.NoError(t, err)
		assert.Contains(t, out, "committed: "+committed.UTC().Format(time.RFC3339)+"\n")
	})
}
