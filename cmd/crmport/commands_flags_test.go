package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flagCase is one row of a command's flag table: the command line, then
// either what the options must hold or the start of the usage error.
type flagCase[O any] struct {
	name    string
	args    string
	want    func(t *testing.T, o *O)
	wantErr string
}

// runFlagTable builds a command with newCmd (its runF captures the
// options instead of running) and checks every case of the table.
func runFlagTable[O any](t *testing.T, newCmd func(*factory, func(*O) error) *cobra.Command, tests []flagCase[O]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, _ := testFactory()
			var got *O
			cmd := newCmd(f, func(o *O) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Nil(t, got, "a usage error does not run the command")
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got, "the command ran")
			tt.want(t, got)
		})
	}
}

func TestNewExportCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newExportCmd, []flagCase[exportOptions]{
		{"defaults", "", func(t *testing.T, o *exportOptions) {
			assert.Empty(t, o.Vendor)
			assert.Empty(t, o.Output)
			assert.Empty(t, o.Filters)
			assert.False(t, o.BOM || o.Raw || o.Sandbox || o.JSON || o.Quiet || o.WithNotes)
			assert.Equal(t, 5, o.Retries)
			assert.Equal(t, 60*time.Second, o.Timeout)
			assert.NotNil(t, o.Now)
		}, ""},
		{"everything", "--vendor thulium -o k.csv -m t.yaml --fields a,b --filter type=VIP --filter x=1 --since 2025-01-01 --until 2026-01-01 --format csv --bom --delimiter ; --raw --sandbox --json -q --with-notes --rate 30/min --retries 2 --timeout 5s",
			func(t *testing.T, o *exportOptions) {
				assert.Equal(t, "thulium", o.Vendor)
				assert.Equal(t, "k.csv", o.Output)
				assert.Equal(t, "t.yaml", o.Mapping)
				assert.Equal(t, "a,b", o.Fields)
				assert.Equal(t, []string{"type=VIP", "x=1"}, o.Filters)
				assert.Equal(t, "2025-01-01", o.Since)
				assert.Equal(t, "2026-01-01", o.Until)
				assert.Equal(t, "csv", o.Format)
				assert.Equal(t, ";", o.Delimiter)
				assert.True(t, o.BOM && o.Raw && o.Sandbox && o.JSON && o.Quiet && o.WithNotes)
				assert.Equal(t, "30/min", o.Rate)
				assert.Equal(t, 2, o.Retries)
				assert.Equal(t, 5*time.Second, o.Timeout)
			}, ""},
		{"argument", "-o k.csv extra", nil, "unknown command"},
		{"unknown flag", "--sheet x", nil, "unknown flag"},
	})
}

func TestNewFieldsCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newFieldsCmd, []flagCase[fieldsOptions]{
		{"defaults", "--vendor salesman", func(t *testing.T, o *fieldsOptions) {
			assert.Equal(t, "salesman", o.Vendor)
			assert.Equal(t, "table", o.Format)
			assert.False(t, o.Sandbox || o.Offline)
		}, ""},
		{"everything", "--vendor thulium --sandbox --offline --format csv", func(t *testing.T, o *fieldsOptions) {
			assert.Equal(t, "thulium", o.Vendor)
			assert.Equal(t, "csv", o.Format)
			assert.True(t, o.Sandbox && o.Offline)
		}, ""},
		{"no vendor", "", nil, "--vendor is required"},
		{"bad format", "--vendor salesman --format json", nil, "use table or csv"},
		{"argument", "--vendor salesman x", nil, "unknown command"},
	})
}

func TestNewMappingInitCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newMappingInitCmd, []flagCase[mappingInitOptions]{
		{"defaults", "--vendor thulium c.csv", func(t *testing.T, o *mappingInitOptions) {
			assert.Equal(t, "thulium", o.Vendor)
			assert.Equal(t, "c.csv", o.File)
			assert.Empty(t, o.Sheet)
			assert.Empty(t, o.Encoding)
		}, ""},
		{"everything", "--vendor salesman --sheet Klienci --encoding windows-1250 k.xlsx", func(t *testing.T, o *mappingInitOptions) {
			assert.Equal(t, "salesman", o.Vendor)
			assert.Equal(t, "k.xlsx", o.File)
			assert.Equal(t, "Klienci", o.Sheet)
			assert.Equal(t, "windows-1250", o.Encoding)
		}, ""},
		{"no vendor", "c.csv", nil, "--vendor is required"},
		{"no file", "--vendor thulium", nil, "accepts 1 arg"},
		{"two files", "--vendor thulium a.csv b.csv", nil, "accepts 1 arg"},
	})
}

func TestNewMappingCheckCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newMappingCheckCmd, []flagCase[mappingCheckOptions]{
		{"mapping only", "-m t.yaml", func(t *testing.T, o *mappingCheckOptions) {
			assert.Equal(t, "t.yaml", o.Mapping)
			assert.Empty(t, o.File)
			assert.Empty(t, o.Sheet)
		}, ""},
		{"everything", "--mapping t.yaml --sheet Klienci k.xlsx", func(t *testing.T, o *mappingCheckOptions) {
			assert.Equal(t, "t.yaml", o.Mapping)
			assert.Equal(t, "k.xlsx", o.File)
			assert.Equal(t, "Klienci", o.Sheet)
		}, ""},
		{"no mapping", "k.xlsx", nil, "-m MAPPING is required"},
		{"two files", "-m t.yaml a.csv b.csv", nil, "accepts at most 1 arg"},
	})
}

func TestNewPreviewCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newPreviewCmd, []flagCase[previewOptions]{
		{"defaults", "c.csv", func(t *testing.T, o *previewOptions) {
			assert.Equal(t, "c.csv", o.File)
			assert.Equal(t, 10, o.Rows)
			assert.False(t, o.RowsSet)
			assert.False(t, o.JSON)
			assert.Zero(t, o.HeaderRow)
		}, ""},
		{"everything", "--rows 0 --json --sheet Klienci --encoding windows-1251 --delimiter ; --header-row 3 k.xlsx", func(t *testing.T, o *previewOptions) {
			assert.Equal(t, "k.xlsx", o.File)
			assert.Zero(t, o.Rows)
			assert.True(t, o.RowsSet, "--rows 0 is told apart from no --rows")
			assert.True(t, o.JSON)
			assert.Equal(t, "Klienci", o.Sheet)
			assert.Equal(t, "windows-1251", o.Encoding)
			assert.Equal(t, ";", o.Delimiter)
			assert.Equal(t, 3, o.HeaderRow)
		}, ""},
		{"negative rows", "--rows -1 c.csv", nil, "--rows -1"},
		{"negative header row", "--header-row -2 c.csv", nil, "--header-row -2"},
		{"no file", "", nil, "accepts 1 arg"},
	})
}

func TestNewSandboxCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newSandboxCmd, []flagCase[sandboxOptions]{
		{"defaults", "", func(t *testing.T, o *sandboxOptions) {
			assert.Equal(t, "127.0.0.1:8765", o.Addr)
			assert.Zero(t, o.Seed)
			assert.Zero(t, o.Latency)
			assert.Zero(t, o.Faults)
			assert.Equal(t, 100, o.BaseLinkerLimit)
			assert.Empty(t, o.State)
		}, ""},
		{"everything", "--addr 127.0.0.1:0 --seed 250 --latency 50ms --faults 0.2 --baselinker-limit 0 --state s.json", func(t *testing.T, o *sandboxOptions) {
			assert.Equal(t, "127.0.0.1:0", o.Addr)
			assert.Equal(t, 250, o.Seed)
			assert.Equal(t, 50*time.Millisecond, o.Latency)
			assert.InDelta(t, 0.2, o.Faults, 1e-9)
			assert.Zero(t, o.BaseLinkerLimit)
			assert.Equal(t, "s.json", o.State)
		}, ""},
		{"faults above one", "--faults 1.5", nil, "--faults must be between 0 and 1"},
		{"negative seed", "--seed -1", nil, "cannot be negative"},
		{"argument", "x", nil, "unknown command"},
	})
}

func TestNewVersionCmd(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newVersionCmd, []flagCase[versionOptions]{
		{"no arguments", "", func(t *testing.T, o *versionOptions) {
			assert.NotNil(t, o.IO)
			require.NotNil(t, o.Build)
			assert.Equal(t, currentBuild(), o.Build(), "the binary's own stamp")
		}, ""},
		{"argument", "x", nil, "unknown command"},
		{"unknown flag", "--short", nil, "unknown flag"},
	})
}

func TestRootRegistersEveryCommand(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	var names []string
	for _, c := range newRootCmd(f).Commands() {
		names = append(names, c.Name())
		if c.Name() == "mapping" {
			for _, sub := range c.Commands() {
				names = append(names, "mapping "+sub.Name())
			}
		}
	}
	assert.ElementsMatch(t, []string{"import", "export", "mapping", "mapping init", "mapping check", "fields", "preview", "sandbox", "undo", "version", "ui"}, names)
}
