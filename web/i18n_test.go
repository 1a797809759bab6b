package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/job"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func TestEveryLanguageHasEveryString(t *testing.T) {
	t.Parallel()
	verbs := regexp.MustCompile(`%[-.0-9]*[a-z]`)
	for lang, table := range languages {
		for key, en := range stringsEN {
			s, ok := table[key]
			if !assert.True(t, ok, "%s lacks %q", lang, key) {
				continue
			}
			assert.Equal(t, verbs.FindAllString(en, -1), verbs.FindAllString(s, -1), "%s %q: the same values in the same order", lang, key)
		}
		assert.Len(t, table, len(stringsEN), lang)
	}
}

func TestLanguageFromTheBrowserAndSwitchable(t *testing.T) {
	t.Parallel()
	p := startPage(t, nil)
	page := func(accept string) string {
		req, err := http.NewRequest(http.MethodGet, p.base+"/", nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", accept)
		resp, err := p.c.Do(req)
		require.NoError(t, err)
		return string(p.keep(resp))
	}
	assert.Contains(t, page("pl-PL,pl;q=0.9,en;q=0.5"), stringsPL["step.mapping"])
	assert.Contains(t, page("ru-RU,ru;q=0.9"), stringsRU["step.mapping"])
	assert.Contains(t, page("de-DE,fr;q=0.8"), stringsEN["step.mapping"])

	// Chosen on the page: kept in a cookie, over the browser's languages.
	code, b := p.get("/api/strings?lang=ru")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(b), `"lang":"ru"`)
	assert.Contains(t, page("pl-PL"), stringsRU["step.mapping"])

	// Messages from the server are in the chosen language too.
	var pr problem
	p.post("/api/preview", map[string]any{"file": "../x.csv"}, &pr)
	assert.True(t, strings.HasSuffix(pr.Message, strings.TrimPrefix(stringsRU["err.nofile"], "%s")), pr.Message)
}

func TestJobErrorsAreWordedInThePagesLanguage(t *testing.T) {
	t.Parallel()
	cause := errors.New("503 Service Unavailable")
	p := explain("ru", fmt.Errorf("import: %w", &job.StoppedError{Reason: job.StopFailing, Err: cause}))
	assert.True(t, strings.HasPrefix(p.Message, "CRM отвечала ошибкой"), p.Message)
	assert.Contains(t, p.Message, "503 Service Unavailable")
	p = explain("pl", &job.MissingSettingsError{Vendor: "thulium", Names: []string{"CRMPORT_THULIUM_URL"}})
	assert.Equal(t, "credentials", p.Kind)
	assert.Contains(t, p.Message, "CRMPORT_THULIUM_URL")
	assert.Contains(t, p.Message, "CRM do ćwiczeń")
	p = explain("en", &job.InputError{Path: filepath.Join("a", "gone.csv"), NotFound: true})
	assert.Equal(t, tr("en", "err.nofile", "gone.csv"), p.Message)
	p = explain("pl", &job.UsageError{Setting: "fields", Err: &job.ColumnError{Name: "titel", Suggestion: "title"}})
	assert.Equal(t, `"titel" nie jest polem tego CRM (czy chodziło o "title"?): listy pól CRM w tabeli mapowania pokazują jego pola`, p.Message)
}
