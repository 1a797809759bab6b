package mapping

import (
	"errors"
	"github.com/crmport/crmport/crm"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/thulium"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"typo in a top key", "vendor: thulium\nfeilds:\n  surname: A\n", []string{
			"m.yaml:1:1: `fields:` is missing",
			`m.yaml:2:1: unknown key "feilds" in the mapping file (did you mean "fields"?); allowed: vendor, source, key, blank, fields`,
		}},
		{"unknown vendor", "vendor: thullium\nfields:\n  surname: A\n", []string{
			`m.yaml:1:9: unknown vendor "thullium" (did you mean "thulium"?); choose one of: baselinker, salesman, thulium`,
		}},
		{"unknown transform and field key, all at once", "vendor: thulium\nfields:\n  surname: {column: A, transform: [trim, lowr]}\n  email: {colum: B}\n", []string{
			`m.yaml:3:42: unknown transform "lowr" (did you mean "lower"?)`,
			`m.yaml:4:11: unknown key "colum" in field "email" (did you mean "column"?)`,
		}},
		{"two sources", "vendor: thulium\nfields:\n  surname: A\n  surname: B\n", []string{
			`m.yaml:4:3: field "surname" has two sources (first at line 3)`,
		}},
		{"column and value", "vendor: thulium\nfields:\n  surname: {column: A, value: x}\n", []string{
			`m.yaml:3:3: field "surname" has more than one source`,
		}},
		{"no source", "vendor: thulium\nfields:\n  surname:\n", []string{
			`m.yaml:3:11: field "surname" has no source`,
		}},
		{"bad source values", "vendor: thulium\nsource:\n  encoding: windows-1205\n  delimiter: ';;'\n  header_row: zero\n  sheat: X\nfields:\n  surname: A\n", []string{
			`m.yaml:3:13: unknown encoding "windows-1205" (did you mean "windows-1250"?)`,
			`m.yaml:4:14: delimiter must be auto or one character`,
			`m.yaml:5:15: header_row must be a row number from 1 up`,
			`m.yaml:6:3: unknown key "sheat" in source (did you mean "sheet"?)`,
		}},
		{"blank and key", "vendor: thulium\nblank: empty\nkey: identifer\nfields:\n  surname: A\n  identifier: ID\n", []string{
			`m.yaml:2:8: blank must be "skip"`,
			`m.yaml:3:6: key "identifer" is not one of the mapped fields; map it under ` + "`fields:`" + ` (e.g. ` + "`identifer: {column: ID}`" + `) (did you mean "identifier"?)`,
		}},
		{"bad region and date", "vendor: thulium\nfields:\n  surname: A\n  phone_number: {column: T, region: XX}\n  birthdate: {column: D, date: \"QQ\"}\n", []string{
			`m.yaml:4:37: field "phone_number": unknown phone region "XX"`,
			`m.yaml:5:32: field "birthdate": date layout "QQ" is not understood`,
		}},
		{"yaml syntax", "vendor: thulium\nfields:\n  surname: [A\n", []string{`m.yaml:`, `not valid YAML`}},
		{"empty", "", []string{"m.yaml: the mapping file is empty"}},
		{"not a mapping", "- a\n- b\n", []string{"m.yaml:1:1: the mapping file must be a set of `key: value` lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(tt.yaml), vendors)
			require.Error(t, err)
			assert.Nil(t, m)
			probs := Problems(err)
			if tt.name != "yaml syntax" {
				require.Len(t, probs, len(tt.want), "%v", err)
				for i, w := range tt.want {
					assert.True(t, strings.HasPrefix(probs[i].Error(), w), "got  %s\nwant %s…", probs[i], w)
				}
				return
			}
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name   string
		vendor string
		yaml   string
		want   []string
	}{
		{"unknown field and missing required", "salesman", "fields:\n  tytle: Firma\n", []string{
			`m.yaml:2:3: unknown field "tytle" for SalesMan (did you mean "title"?)`,
			`m.yaml:1:1: SalesMan requires field "title" (Название) but the mapping has no source for it`,
		}},
		{"constant of the wrong type", "baselinker", "fields:\n  star: {value: 9}\n  invoice_country_code: {value: Atlantis}\n", []string{
			`m.yaml:2:17: field "star": constant 9 is out of range: BaseLinker takes 0 to 5 in star`,
			`m.yaml:3:33: field "invoice_country_code": constant "Atlantis" is not a country`,
		}},
		{"enum values target", "salesman", "fields:\n  title: A\n  type: {column: T, values: {Firma: klient}}\n", []string{
			`m.yaml:3:29: field "type": values["Firma"] = "klient" is not one of the values SalesMan accepts in type: client, person, concurent, contractor, parnter`,
		}},
		{"split on a single field", "salesman", "fields:\n  title: {column: A, split: \",\"}\n", []string{
			`m.yaml:2:29: field "title" takes one value, so split does not apply`,
		}},
		{"baselinker extra field id", "baselinker", "fields:\n  custom_extra_fields.Segment: S\n", []string{
			`m.yaml:2:3: BaseLinker extra fields are named by their number`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte("vendor: "+tt.vendor+"\n"+strings.Replace(tt.yaml, "fields:", "fields:", 1)), vendors)
			require.NoError(t, err)
			// positions: the vendor line is prepended, so shift expectations by one line
			err = m.Validate(catalogue(tt.vendor))
			require.Error(t, err)
			probs := Problems(err)
			require.Len(t, probs, len(tt.want), "%v", err)
			for i, w := range tt.want {
				w = shiftLine(w)
				assert.True(t, strings.HasPrefix(probs[i].Error(), w), "got  %s\nwant %s…", probs[i], w)
			}
		})
	}
}

// shiftLine adds one to the line of "m.yaml:L:C:" (the tests prepend the vendor line).
func shiftLine(s string) string {
	var l, c int
	var rest string
	if n, _ := fmtSscanf(s, &l, &c, &rest); n == 3 {
		return "m.yaml:" + itoa(l+1) + ":" + itoa(c) + ":" + rest
	}
	return s
}

func TestYAMLSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"unclosed [", "vendor: thulium\nfields:\n  surname: [A\n", "m.yaml:3: not valid YAML: did not find expected ',' or ']': a list opened with `[` on this line is not closed with `]`"},
		{"unclosed {", "vendor: thulium\nfields:\n  name: B\n  surname: {column: A\n", "m.yaml:4: not valid YAML: did not find expected ',' or '}': a `{` opened on this line"},
		{"scanner error keeps its line", "vendor: thulium\nfields:\n  surname: a: b\n", "m.yaml:3: not valid YAML: mapping values are not allowed in this context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tt.yaml), vendors)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got  %s\nwant %s…", err, tt.want)
		})
	}
}

func TestCheckPartialShowsEveryProblemInOneRun(t *testing.T) {
	y := `vendor: salesman
sorce:
  delimiter: ";"
fields:
  titel: Firma
  mail_url: {column: Poczta, transform: [trim, lowr]}
  phone: {colum: Telefon}
  address: {columns: [Ulica, Miasto]}
`
	header := []string{"Firma", "E-mail", "Telefon", "Ulica"}
	_, err := Parse("m.yaml", []byte(y), vendors)
	require.Error(t, err, "Parse keeps refusing a file with problems")

	m, err := ParsePartial("m.yaml", []byte(y), vendors)
	require.Error(t, err)
	require.NotNil(t, m)
	assert.Len(t, Problems(err), 3, "ParsePartial's error: the parse problems")
	report, problems := Check(m, salesmanFields(), header)
	want := []string{
		`m.yaml:2:1: unknown key "sorce" in the mapping file (did you mean "source"?)`,
		`m.yaml:4:1: SalesMan requires field "title" (Название) but the mapping has no source for it`,
		`m.yaml:5:3: unknown field "titel" for SalesMan (did you mean "title"?)`,
		`m.yaml:6:22: column "Poczta" is not in the file (did you mean "E-mail"?)`,
		`m.yaml:6:48: unknown transform "lowr" (did you mean "lower"?)`,
		`m.yaml:7:11: unknown key "colum" in field "phone" (did you mean "column"?)`,
		`m.yaml:8:30: column "Miasto" is not in the file; the file's headers are: Firma, E-mail, Telefon, Ulica`,
	}
	require.Len(t, problems, len(want), report)
	for i, w := range want {
		assert.True(t, strings.HasPrefix(problems[i].Error(), w), "got  %s\nwant %s…", problems[i], w)
	}
	assert.Contains(t, report, "m.yaml: 7 problems to fix:\n")
	assert.NotContains(t, report, `"phone" but the mapping has no source`, "a field dropped for its parse problem is not also called missing")

	tests := []struct {
		name string
		yaml string
	}{
		{"unknown vendor", "vendor: salesmen\nfields:\n  title: A\n"},
		{"no vendor", "fields:\n  title: A\n"},
		{"not YAML", "vendor: salesman\nfields:\n  title: [A\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParsePartial("m.yaml", []byte(tt.yaml), vendors)
			require.Error(t, err)
			assert.Nil(t, m, "nothing to check without a known vendor")
		})
	}
	m, err = ParsePartial("m.yaml", []byte("vendor: salesman\nfields:\n  title: A\n"), vendors)
	require.NoError(t, err)
	report, problems = Check(m, salesmanFields(), []string{"A"})
	assert.Empty(t, problems, report)
}

func TestThuliumCustomFieldsAccepted(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: thulium\nfields:\n  surname: A\n  custom_fields.Segment klienta: B\n"), vendors)
	require.NoError(t, err)
	assert.NoError(t, m.Validate(thulium.Catalogue()))
}

func TestCheck(t *testing.T) {
	m, err := Parse("mapping.yaml", []byte(designExample), vendors)
	require.NoError(t, err)
	header := []string{"Company", "ID", "Phones", "E-mail", "INN", "Notes", "Comment", "Status", "Created"}
	report, problems := Check(m, salesmanFields(), header)
	require.Empty(t, problems, report)
	assert.True(t, strings.HasPrefix(report, "mapping.yaml maps 9 SalesMan fields, all columns found in the file (9 columns)\n"), report)
	assert.Contains(t, report, "  mail_url     ← E-mail  ([trim, lower, email])\n")
	assert.Contains(t, report, "  type         = \"client\"\n")
	assert.Contains(t, report, "  des          ← Notes + Comment\n")
	assert.Contains(t, OffOnFreshAccount(m, salesmanFields()), "tip_cmr")

	report, problems = Check(m, salesmanFields(), []string{"Company", "Phones", "Emial", "INN", "Notes", "Comment", "Status", "Created"})
	require.Len(t, problems, 2)
	assert.Contains(t, report, "mapping.yaml: 2 problems to fix:\n")
	assert.Contains(t, report, `mapping.yaml:11:17: column "ID" is not in the file`)
	assert.Contains(t, report, `mapping.yaml:13:22: column "E-mail" is not in the file (did you mean "Emial"?)`)

	_, problems = Check(m, salesmanFields(), nil)
	assert.Empty(t, problems)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(p, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n"), 0o600))
	m, err := Load(p, vendors)
	require.NoError(t, err)
	assert.Equal(t, p, m.File)
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.yaml")
	tests := []struct {
		name   string
		path   string
		load   func(string, *crm.Registry) (*Mapping, error)
		want   string
		notExi bool
	}{
		{name: "missing file", path: missing, load: Load, want: missing + ": mapping file not found (check the name and the folder)", notExi: true},
		{name: "missing file, partial", path: missing, load: LoadPartial, want: missing + ": mapping file not found (check the name and the folder)", notExi: true},
		{name: "folder", path: dir, load: Load, want: dir + ": is a folder, not a mapping file: give the name of the .yaml file inside it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.load(tt.path, vendors)
			require.Error(t, err)
			assert.Nil(t, m)
			assert.Equal(t, tt.want, err.Error())
			assert.Equal(t, tt.notExi, errors.Is(err, fs.ErrNotExist), "the operating system's error stays in the chain")
			var pe *fs.PathError
			assert.True(t, errors.As(err, &pe), "the *fs.PathError stays in the chain")
		})
	}
}

func fmtSscanf(s string, l, c *int, rest *string) (int, error) {
	s = strings.TrimPrefix(s, "m.yaml:")
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return 0, nil
	}
	var err error
	if *l, err = atoi(parts[0]); err != nil {
		return 0, nil
	}
	if *c, err = atoi(parts[1]); err != nil {
		return 1, nil
	}
	*rest = parts[2]
	return 3, nil
}

func atoi(s string) (int, error) { return strconv.Atoi(s) }
func itoa(n int) string          { return strconv.Itoa(n) }

// Load (Parse) lists every problem of a broken mapping in one typed error,
// in line order: the parse problems and what the vendor's catalogue says
// of the fields that did parse (issue 14, item 5).
func TestParseListsEveryProblemInLineOrder(t *testing.T) {
	y := "vendor: thulium\nfields:\n  emial: E-mail\n  surname: {column: Nazwisko, transform: lowr}\n  phone_number: {column: Telefon, region: XX}\n"
	_, err := Parse("m.yaml", []byte(y), vendors)
	var me *Error
	require.ErrorAs(t, err, &me)
	want := []string{
		`m.yaml:3:3: unknown field "emial" for Thulium (did you mean "email"?)`,
		`m.yaml:4:42: unknown transform "lowr" (did you mean "lower"?)`,
		`m.yaml:5:43: field "phone_number": unknown phone region "XX"`,
	}
	require.Len(t, me.List, len(want), "%v", err)
	for i, w := range want {
		assert.True(t, strings.HasPrefix(me.List[i].Error(), w), "got  %s\nwant %s…", me.List[i], w)
	}
	assert.Equal(t, me.List, Problems(err))
	assert.True(t, strings.HasPrefix(err.Error(), "m.yaml: 3 problems to fix:\n  m.yaml:3:3: "), err.Error())
}
