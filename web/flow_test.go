package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/job"
)

// guessed uploads a sample and returns the mapping guessed for vendor.
func guessed(t *testing.T, p *page, file, vendor string) string {
	t.Helper()
	code, up := p.upload(file, sample(t, file))
	require.Equal(t, http.StatusOK, code, up)
	var g struct {
		YAML   string `json:"yaml"`
		Placed int    `json:"placed"`
	}
	require.Equal(t, http.StatusOK, p.post("/api/mapping/guess", map[string]any{"file": file, "vendor": vendor}, &g))
	require.Positive(t, g.Placed)
	return g.YAML
}

func TestPreviewShowsWhatWasDetected(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	code, up := p.upload("klienty-ru.csv", sample(t, "klienty-ru.csv"))
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "data", up["kind"])
	var pv struct {
		Format, Encoding, Delimiter string
		Header                      []string
		Rows                        []struct{ Cells []string }
	}
	require.Equal(t, http.StatusOK, p.post("/api/preview", map[string]any{"file": "klienty-ru.csv"}, &pv))
	assert.Equal(t, "csv", pv.Format)
	assert.Equal(t, "windows-1251", pv.Encoding)
	assert.Equal(t, ";", pv.Delimiter)
	assert.Equal(t, "Компания", pv.Header[0])
	assert.Equal(t, `ООО "Ромашка"`, pv.Rows[0].Cells[0])

	// Changed on the page: read as UTF-8 with ",", the file reads badly,
	// and the preview says so instead of guessing again.
	var bad problem
	code = p.post("/api/preview", map[string]any{"file": "klienty-ru.csv", "encoding": "utf-8"}, &bad)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.NotEmpty(t, bad.Message)

	code, _ = p.upload("notes.docx", []byte("x"))
	assert.Equal(t, http.StatusBadRequest, code)
}

func TestUploadStaysInTheFolder(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	code, up := p.upload(`..\..\evil.csv`, []byte("a;b\n1;2\n"))
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "evil.csv", up["name"])
	assert.FileExists(t, p.s.dir+"/evil.csv")
	for _, name := range []string{"../evil.csv", "/etc/passwd", "practice/../../x", "evil.csv.salesman.journal"} {
		code, _ := p.get("/api/file?name=" + url.QueryEscape(name))
		assert.Equal(t, http.StatusNotFound, code, name)
	}
	code, body := p.get("/api/file?name=evil.csv")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "a;b\n1;2\n", string(body))
}

func TestMappingTableEditsTheFile(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	y := guessed(t, p, "klienty-ru.csv", "salesman")
	var v struct {
		Vendor string      `json:"vendor"`
		Rows   []columnRow `json:"rows"`
		Saved  string      `json:"saved"`
		Check  struct {
			OK     bool   `json:"ok"`
			Report string `json:"report"`
		} `json:"check"`
	}
	require.Equal(t, http.StatusOK, p.post("/api/mapping/view", map[string]any{"file": "klienty-ru.csv", "mapping": y}, &v))
	assert.Equal(t, "salesman", v.Vendor)
	assert.True(t, v.Check.OK, v.Check.Report)
	assert.Equal(t, "klienty-ru.csv.salesman.yaml", v.Saved)
	byCol := map[string]columnRow{}
	for _, r := range v.Rows {
		byCol[r.Column] = r
	}
	require.Len(t, v.Rows, 8)
	assert.Equal(t, "mail_url", byCol["E-mail"].Field)
	assert.Equal(t, []string{"info@romashka.ru", "ivanov.ip@mail.ru", "a.petrova@severstal-service.ru"}, byCol["E-mail"].Samples)
	assert.Contains(t, byCol["E-mail"].Detail, "email")

	// The saved file is the one the command line reads.
	code, saved := p.get("/api/file?name=" + v.Saved)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, y, string(saved))

	// Choosing a field for a column, and none for another.
	var set struct{ YAML string }
	require.Equal(t, http.StatusOK, p.post("/api/mapping/set", map[string]any{"mapping": y, "column": "Контактное лицо", "field": "recv.castDirSignature"}, &set))
	require.Equal(t, http.StatusOK, p.post("/api/mapping/set", map[string]any{"mapping": set.YAML, "column": "ИНН", "field": ""}, &set))
	assert.Contains(t, set.YAML, "recv.castDirSignature: Контактное лицо")
	assert.NotContains(t, set.YAML, "recv.castInn")
	assert.Contains(t, set.YAML, "mail_url: {column: E-mail, transform: [trim, lower, email]}", "the other entries are kept as written")

	// A mistake typed into the YAML comes back as the check's problems.
	broken := strings.Replace(set.YAML, "column: E-mail", "column: Email-typo", 1)
	var v2 struct {
		Check struct {
			OK   bool     `json:"ok"`
			List []string `json:"list"`
		} `json:"check"`
	}
	require.Equal(t, http.StatusOK, p.post("/api/mapping/view", map[string]any{"file": "klienty-ru.csv", "mapping": broken}, &v2))
	assert.False(t, v2.Check.OK)
	assert.Contains(t, strings.Join(v2.Check.List, "\n"), "Email-typo")
}

func TestSetFieldKeepsTransformsAndOneEntryPerField(t *testing.T) {
	t.Parallel()
	m, err := parseMapping("vendor: salesman\nfields:\n  # the company\n  title: Firma\n  mail_url: {column: Mail, transform: [lower]}\n  phone: Tel\n")
	require.NoError(t, err)
	require.NoError(t, m.setField("Mail", "mail_url2"))
	require.NoError(t, m.setField("Tel", "title")) // title was fed by Firma
	require.NoError(t, m.setField("Extra", "des"))
	out, err := m.text()
	require.NoError(t, err)
	assert.Equal(t, "vendor: salesman\nfields:\n  mail_url2: {column: Mail, transform: [lower]}\n  title: Tel\n  des: Extra\n", out)
	m.setSource("delimiter", ";")
	m.setSource("header_row", "3")
	assert.Equal(t, ";", m.source("delimiter"))
	assert.Equal(t, "3", m.source("header_row"))
}

func TestCheckImportExportIntoPractice(t *testing.T) {
	t.Parallel()
	var sb *job.Sandbox
	p := startPage(t, &job.Env{OnSandbox: func(s *job.Sandbox) { sb = s }})
	y := guessed(t, p, "klienty-ru.csv", "salesman")

	// 4. Check: a dry run sends nothing.
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "klienty-ru.csv", "mapping": y, "practice": true, "dry_run": true}, nil))
	last := p.follow()
	require.Nil(t, last.Problem)
	assert.Equal(t, "check", last.Job)
	chk := resultOf[importResult](t, last)
	assert.True(t, chk.DryRun)
	assert.Equal(t, 24, chk.Rows)
	assert.Equal(t, 24, chk.Created)
	require.NotNil(t, sb)
	assert.Empty(t, sb.Fakes()["salesman"].Records())

	// 5. Import into the practice CRM, with progress.
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "klienty-ru.csv", "mapping": y, "practice": true}, nil))
	last = p.follow()
	require.Nil(t, last.Problem)
	res := resultOf[importResult](t, last)
	assert.Equal(t, 24, res.Created)
	assert.EqualValues(t, 24, last.Total)
	assert.Equal(t, 24, last.Done)
	assert.Equal(t, 24, last.Counts["created"])
	assert.Len(t, sb.Fakes()["salesman"].Records(), 24)
	require.Equal(t, "practice/klienty-ru.csv.salesman.done.csv", res.Done)
	code, done := p.get("/api/file?name=" + url.QueryEscape(res.Done))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(done), "info@romashka.ru")

	// Export from the practice CRM to XLSX: the imported clients.
	require.Equal(t, http.StatusAccepted, p.post("/api/export", map[string]any{"vendor": "salesman", "practice": true, "columns": "catalogue", "format": "xlsx"}, nil))
	last = p.follow()
	require.Nil(t, last.Problem)
	exp := resultOf[exportResult](t, last)
	assert.Equal(t, 24, exp.Rows)
	assert.Equal(t, 24, last.Rows)
	code, x := p.get("/api/file?name=" + url.QueryEscape(exp.File))
	require.Equal(t, http.StatusOK, code)
	f, err := excelize.OpenReader(bytes.NewReader(x))
	require.NoError(t, err)
	rows, err := f.GetRows(f.GetSheetName(0))
	require.NoError(t, err)
	assert.Len(t, rows, 25)
	assert.Contains(t, strings.Join(rows[0], "|"), "mail_url")
}

func TestExportSettingsAreChecked(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	var pr problem
	assert.Equal(t, http.StatusBadRequest, p.post("/api/export", map[string]any{"vendor": "salesman", "practice": true, "filters": "no equals sign"}, &pr))
	assert.Contains(t, pr.Message, "no equals sign")
	assert.Equal(t, http.StatusBadRequest, p.post("/api/export", map[string]any{"vendor": "salesman", "since": "31.01.2025"}, &pr))
	assert.Contains(t, pr.Message, "2025-01-31")
	// A real CRM without settings: the page is told which, and where.
	require.Equal(t, http.StatusAccepted, p.post("/api/export", map[string]any{"vendor": "thulium", "columns": "catalogue"}, nil))
	last := p.follow()
	require.NotNil(t, last.Problem)
	assert.Equal(t, "credentials", last.Problem.Kind)
	assert.Contains(t, last.Problem.Message, "CRMPORT_THULIUM_PASSWORD")
	// A mistyped field: worded for the page, no command-line flag.
	require.Equal(t, http.StatusAccepted, p.post("/api/export", map[string]any{"vendor": "salesman", "practice": true, "columns": "fields", "fields": []string{"titel"}}, nil))
	last = p.follow()
	require.NotNil(t, last.Problem)
	assert.Equal(t, "fields", last.Problem.Kind)
	assert.Contains(t, last.Problem.Message, `"titel" is not a field of this CRM (did you mean "title"?)`)
	assert.NotContains(t, last.Problem.Message, "--")
}

func TestCheckShowsTheFailingRowsAndTheirReport(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	y := guessed(t, p, "klienty-ru-fix-me.csv", "salesman")
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "klienty-ru-fix-me.csv", "mapping": y, "practice": true, "dry_run": true, "report_format": "csv"}, nil))
	last := p.follow()
	require.Nil(t, last.Problem)
	res := resultOf[importResult](t, last)
	require.Positive(t, res.Failed)
	require.NotEmpty(t, res.FirstErrors)
	assert.Positive(t, res.FirstErrors[0].Row)
	assert.NotEmpty(t, res.FirstErrors[0].Error)
	require.Equal(t, "practice/klienty-ru-fix-me.csv.salesman.dry-run.errors.csv", res.Errors)
	code, report := p.get("/api/file?name=" + url.QueryEscape(res.Errors))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(report), job.ColError)
	assert.Equal(t, res.Failed, strings.Count(strings.TrimSpace(string(report)), "\n"), "one line per failed row under the header")

	// A limit of failing rows below theirs stops the check early, and
	// the page is told why, with the counts so far.
	code, _ = p.upload("bad.csv", []byte("Company;Email\nA;a@example.pl\nB;b@example.pl\nC;c@example.pl\nD;d@example.pl\nE;e@example.pl\nF;not-an-address\nG;nor-this\nH;nor-that\n"))
	require.Equal(t, http.StatusOK, code)
	var g struct{ YAML string }
	require.Equal(t, http.StatusOK, p.post("/api/mapping/guess", map[string]any{"file": "bad.csv", "vendor": "salesman"}, &g))
	// Chosen in the table: Email feeds SalesMan's e-mail field.
	require.Equal(t, http.StatusOK, p.post("/api/mapping/set", map[string]any{"mapping": g.YAML, "column": "Email", "field": "mail_url"}, &g))
	require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "bad.csv", "mapping": g.YAML, "practice": true, "dry_run": true, "max_errors": "1"}, nil))
	last = p.follow()
	require.NotNil(t, last.Problem, "%+v", last)
	assert.Contains(t, last.Problem.Message, "the limit is 1")
	assert.Contains(t, strings.Join(last.Problem.List, "\n"), `row 7: column "Email"`)
	assert.NotNil(t, last.Result)
	var pr problem
	assert.Equal(t, http.StatusBadRequest, p.post("/api/import", map[string]any{"file": "klienty-ru-fix-me.csv", "mapping": y, "max_errors": "many"}, &pr))
	assert.Contains(t, pr.Message, "many")
}

func TestRetryNoticesReachThePageInItsLanguage(t *testing.T) {
	t.Parallel()
	r := &run{changed: make(chan struct{}), now: time.Now, lang: "pl", p: progress{Counts: map[string]int{}}}
	r.Event(job.Started{Job: "import", Vendor: "BaseLinker", Total: 10})
	r.Event(job.RowDone{Row: 2, Status: "created"})
	r.Event(job.Retrying{Vendor: "BaseLinker", Message: "za dużo zapytań", Wait: 30 * time.Second})
	r.Event(job.Warning{Kind: "field-switched-off", Text: "SalesMan field des is switched off"})
	r.Event(job.Warning{Kind: "late-fields", Fields: []string{"extra_1", "extra_2"}, Text: "some clients have fields that got no column (extra_1, extra_2)"})
	p, _ := r.snapshot()
	assert.Equal(t, []string{"BaseLinker: za dużo zapytań — ponowna próba za 30s", "SalesMan field des is switched off",
		"Niektórzy klienci mają pola, które nie dostały kolumny (extra_1, extra_2): wyeksportuj ponownie z opcją „Te pola”, wpisując je, aby je dołączyć."}, p.Notices)
	assert.Equal(t, 1, p.Done)
	assert.Equal(t, 1, p.Counts["created"])
	for i := 0; i < 2*maxNotices; i++ {
		r.Event(job.Retrying{Vendor: "BaseLinker", Message: fmt.Sprint(i), Wait: time.Second})
	}
	p, _ = r.snapshot()
	assert.Len(t, p.Notices, maxNotices, "the latest notices only")
}

// TestUpdatingNeedsAKeyChosenOnThePage: "update them" with a mapping that
// has no key says, in the page's language, to choose the key under the
// mapping table, with the vendor's fields that can be one (no command-line
// flag); choosing it there (the key selector's request) lets the same
// import run.
func TestUpdatingNeedsAKeyChosenOnThePage(t *testing.T) {
	t.Parallel()
	var sb *job.Sandbox
	p := startPage(t, &job.Env{OnSandbox: func(s *job.Sandbox) { sb = s }})
	code, _ := p.get("/api/strings?lang=pl")
	require.Equal(t, http.StatusOK, code)
	y := guessed(t, p, "klienty-ru.csv", "salesman")
	var set struct{ YAML string }
	none := ""
	require.Equal(t, http.StatusOK, p.post("/api/mapping/set", map[string]any{"mapping": y, "key": &none}, &set))
	y = set.YAML
	require.NotRegexp(t, `(?m)^key:`, y)

	importUpsert := func() progress {
		require.Equal(t, http.StatusAccepted, p.post("/api/import", map[string]any{"file": "klienty-ru.csv", "mapping": y, "practice": true, "mode": "upsert"}, nil))
		return p.follow()
	}
	last := importUpsert()
	require.NotNil(t, last.Problem)
	assert.Equal(t, "key", last.Problem.Kind)
	assert.Contains(t, last.Problem.Message, "Wybierz je pod tabelą mapowania (Klucz)")
	assert.Contains(t, last.Problem.Message, "mail_url (e-mail, jeśli żadni dwaj klienci nie mają tego samego)")
	assert.NotContains(t, last.Problem.Message, "--")
	if sb != nil { // nothing sent
		assert.Empty(t, sb.Fakes()["salesman"].Records())
	}

	// The key chosen under the table, as the page's selector sends it.
	key := "mail_url"
	require.Equal(t, http.StatusOK, p.post("/api/mapping/set", map[string]any{"mapping": y, "key": &key}, &set))
	y = set.YAML
	assert.Regexp(t, `(?m)^key: mail_url$`, y)
	var view struct{ Key string }
	require.Equal(t, http.StatusOK, p.post("/api/mapping/view", map[string]any{"file": "klienty-ru.csv", "mapping": y}, &view))
	assert.Equal(t, "mail_url", view.Key)

	last = importUpsert()
	require.Nil(t, last.Problem)
	assert.Equal(t, 24, resultOf[importResult](t, last).Created)
	assert.Len(t, sb.Fakes()["salesman"].Records(), 24)
}

// TestMappingProblemsPointToThePage: the mapping table's check words the
// engine's hints in the page's terms and language: an unknown field points
// to the field menus above (not to a command), a field switched off on a
// fresh account gets a note.
func TestMappingProblemsPointToThePage(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	code, _ := p.get("/api/strings?lang=pl")
	require.Equal(t, http.StatusOK, code)
	guessed(t, p, "klienty-ru.csv", "salesman")
	var view struct {
		Check struct {
			List  []string `json:"list"`
			Notes []string `json:"notes"`
			OK    bool     `json:"ok"`
		} `json:"check"`
	}
	y := "vendor: salesman\nfields:\n  title: Компания\n  mial_url: E-mail\n"
	require.Equal(t, http.StatusOK, p.post("/api/mapping/view", map[string]any{"file": "klienty-ru.csv", "mapping": y}, &view))
	require.Len(t, view.Check.List, 1)
	assert.Contains(t, view.Check.List[0], `unknown field "mial_url" for SalesMan (did you mean "mail_url"?); listy pól CRM w tabeli powyżej je pokazują`)
	assert.NotContains(t, view.Check.List[0], "crmport fields")

	y = "vendor: salesman\nfields:\n  title: Компания\n  mail_url: E-mail\n  des: Примечание\n"
	require.Equal(t, http.StatusOK, p.post("/api/mapping/view", map[string]any{"file": "klienty-ru.csv", "mapping": y}, &view))
	assert.True(t, view.Check.OK)
	require.Len(t, view.Check.Notes, 1)
	assert.Contains(t, view.Check.Notes[0], "pole des jest wyłączone na nowym koncie SalesMan")
}
