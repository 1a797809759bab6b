package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// call posts body as JSON to action with the sandbox credentials and
// returns the raw answer.
func call(t testing.TB, c *http.Client, base, action string, body any) []byte {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, base+Path+action, bytes.NewReader(data))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Apikey", DefaultAPIKey)
	req.Header.Set("Login", DefaultLogin)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return out
}

func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), string(b))
	return m
}

func newServer(t testing.TB, opt Options) (*Fake, *httptest.Server) {
	t.Helper()
	f := New(opt)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func TestFormatTitle(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ООО with quotes", `ООО "Ромашка"`, "Ромашка, ООО"},
		{"ООО with guillemets", "ООО «Вектор-М»", "Вектор-М, ООО"},
		{"ЗАО twice", "ЗАО Альфа ЗАО Бета", "Альфа  Бета, ЗАО"},
		{"ИП stays", "ИП Иванов Иван Иванович", "ИП Иванов Иван Иванович"},
		{"ПАО stays", "ПАО Сбербанк", "ПАО Сбербанк"},
		{"ООО glued", "ОООмега Плюс", "мега Плюс, ООО"},
		{"lower case stays", "ооо ромашка-лайт", "ооо ромашка-лайт"},
		{"tags and quotes", "Компания 'Дельта' <b>bold</b> `tick` \\back & Co", "Компания Дельта bold tick back & Co"},
		{"spaces trimmed", "   Spaces Around   ", "Spaces Around"},
		{"Polish quotes kept", "Zakład „Żółć” – Łódź", "Zakład „Żółć” – Łódź"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatTitle(tt.in)
			require.NotNil(t, got)
			assert.Equal(t, tt.want, *got)
		})
	}
	assert.Nil(t, formatTitle("   "), "a blank title is stored as NULL")
}

func TestTextRules(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"fieldClean", fieldClean(`ул. "Кавычки" <i>курсив</i> «ёлочки» 'апостроф'`), "ул. ”Кавычки” курсив ”ёлочки” 'апостроф'"},
		{"emoji becomes ????", kill4Byte("Emoji 😀 Cafe ☕ end"), "Emoji ???? Cafe ☕ end"},
		{"cut counts characters", cut(strings.Repeat("Ж", 300), 250), strings.Repeat("Ж", 250)},
		{"phones rejoined", phoneValue("+7 111; +7 222, 8-333"), "+7 111,+7 222,8-333"},
		{"phone array", phoneValue([]any{"+7 1", "+7 2"}), "+7 1,+7 2"},
		{"mysql bad string", mysqlBadString("Strict Emoji 😀 Co"), `\xF0\x9F\x98\x80 C...`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.got) })
	}
}

func TestEncodeCyr(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"Cyrillic raw", obj{{"t", "Рога и копыта Ёё"}}, `{"t":"Рога и копыта Ёё"}`},
		{"Polish escaped", obj{{"t", "Łódź"}}, `{"t":"\u0141\u00f3d\u017a"}`},
		{"Ukrainian escaped", obj{{"t", "їжа"}}, `{"t":"\u0457жа"}`},
		{"slash escaped", obj{{"u", "https://a/b"}}, `{"u":"https:\/\/a\/b"}`},
		{"literal backslash-u breaks JSON like PHP", obj{{"a", `C:\u0410\path`}}, `{"a":"C:\А\\path"}`},
		{"null int bool", obj{{"n", nil}, {"i", int64(7)}, {"b", true}}, `{"n":null,"i":7,"b":true}`},
		{"empty object is []", obj{{"d", obj{}}}, `{"d":[]}`},
		{"newline", obj{{"d", "a\nb"}}, `{"d":"a\nb"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, string(encodeCyr(tt.in))) })
	}
}

func TestAuth(t *testing.T) {
	f, srv := newServer(t, Options{})
	tests := []struct {
		name    string
		ctype   string
		headers map[string]string
		body    string
		want    string
	}{
		{"headers", "application/json", map[string]string{"apikey": DefaultAPIKey, "login": DefaultLogin}, "{}", `"data"`},
		{"wrong key", "application/json", map[string]string{"apikey": "nope", "login": DefaultLogin}, "{}", `"code":401`},
		{"wrong login", "application/json", map[string]string{"apikey": DefaultAPIKey, "login": "x@y"}, "{}", `"code":401`},
		{"charset refused", "application/json; charset=utf-8", map[string]string{"apikey": DefaultAPIKey, "login": DefaultLogin}, "{}", `"code":401`},
		{"credentials in body", "application/json", nil, `{"apikey":"sandbox-key","login":"sandbox@example.com"}`, `"data"`},
		{"no credentials", "application/json", nil, "{}", `"code":401`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+Path+"fields", strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", tt.ctype)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, string(b), tt.want)
		})
	}
	for _, r := range f.Requests() {
		assert.NotContains(t, r.Body, DefaultAPIKey, "no apikey in recorded requests")
		assert.NotContains(t, r.Path, DefaultAPIKey)
	}
}

func TestAddRules(t *testing.T) {
	_, srv := newServer(t, Options{})
	c := srv.Client()
	first := decode(t, call(t, c, srv.URL, "add", map[string]any{"title": `ООО "Ромашка"`, "phone": "+7(342)550-10-30", "mail_url": "a@b.ru", "des": "off"}))
	assert.EqualValues(t, 1, first["data"])
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"duplicate by rewritten title and phone digits", map[string]any{"title": "ромашка, ооо", "phone": "8 (342) 550 10 30"},
			`{"result":"Error","exists":1,"error":{"code":304,"text":"Найден существующий клиент - Ромашка, ООО (clid = 1). Запрос отклонен."}}`},
		{"same title other phone is new", map[string]any{"title": "ООО Ромашка", "phone": "+7 999 000-00-00"}, `{"result":"Успешно","data":2}`},
		{"missing title", map[string]any{"phone": "1"}, `{"result":"Error","error":{"code":402,"text":"Отсутствуют параметры - Название клиента"}}`},
		{"null title", map[string]any{"title": nil}, `{"result":"Error","error":{"code":402,"text":"Отсутствуют параметры - Название клиента"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(call(t, c, srv.URL, "add", tt.body)))
		})
	}
	info := decode(t, call(t, c, srv.URL, "info", map[string]any{"clid": 1}))
	data := info["data"].(map[string]any)
	assert.Nil(t, data["des"], "switched-off field dropped")
	assert.Equal(t, "Ромашка, ООО", data["title"])
}

func TestOptionsDuplicate406StrictAndFields(t *testing.T) {
	f, srv := newServer(t, Options{Duplicate406: true, Strict: true, ActiveFields: append(append([]string{}, FreshFields...), "des", "territory")})
	c := srv.Client()
	call(t, c, srv.URL, "add", map[string]any{"title": "Alpha", "des": "kept", "territory": "Новая"})
	dup := decode(t, call(t, c, srv.URL, "add", map[string]any{"title": "Alpha"}))
	assert.EqualValues(t, 406, dup["error"].(map[string]any)["code"])
	assert.EqualValues(t, 1, dup["data"])
	long := decode(t, call(t, c, srv.URL, "add", map[string]any{"title": strings.Repeat("S", 251)}))
	assert.EqualValues(t, 500, long["error"].(map[string]any)["code"])
	emoji := decode(t, call(t, c, srv.URL, "add", map[string]any{"title": "A 😀"}))
	assert.Contains(t, emoji["error"].(map[string]any)["text"], "Incorrect string value")
	recs := f.Records()
	require.Len(t, recs, 1)
	assert.Equal(t, "kept", recs[0]["des"])
	assert.EqualValues(t, 6, recs[0]["territory"], "a missing dictionary entry is created")
	fields := decode(t, call(t, c, srv.URL, "fields", map[string]any{}))["data"].(map[string]any)
	assert.Contains(t, fields, "des")
	assert.NotContains(t, fields, "scheme")
}

func TestUpdateInfoDelete(t *testing.T) {
	_, srv := newServer(t, Options{})
	c := srv.Client()
	call(t, c, srv.URL, "add", map[string]any{"title": "Beta", "uid": "U-1", "phone": "1"})
	assert.Equal(t, `{"data":1,"hid":2,"result":"Успешно"}`, string(call(t, c, srv.URL, "update", map[string]any{"uid": "U-1", "phone": "2", "uid2": "x"})))
	assert.Equal(t, `{"data":1,"result":"Данные корректны, но идентичны имеющимся."}`, string(call(t, c, srv.URL, "update", map[string]any{"clid": 1, "phone": "2"})))
	assert.Contains(t, string(call(t, c, srv.URL, "update", map[string]any{"clid": 9, "phone": "2"})), `"code":403`)
	assert.Contains(t, string(call(t, c, srv.URL, "info", map[string]any{"uid": "nope"})), `"code":404`)
	assert.Contains(t, string(call(t, c, srv.URL, "info", map[string]any{})), `"code":405`)
	assert.Contains(t, string(call(t, c, srv.URL, "delete", map[string]any{"clid": 1})), `"result":"Клиент удален"`)
	assert.Contains(t, string(call(t, c, srv.URL, "delete", map[string]any{"clid": 1})), `"code":403`)
}

func TestListPaging(t *testing.T) {
	f, srv := newServer(t, Options{})
	recs := make([]crm.Record, 25)
	for i := range recs {
		recs[i] = crm.Record{"title": fmt.Sprintf("Client %02d", i+1)}
	}
	ids := f.Seed(recs)
	require.Equal(t, "1", ids[0])
	f.SetPageSize(10)
	seen := map[float64]bool{}
	var counts []int
	for offset := 0; offset < 4; offset++ {
		m := decode(t, call(t, srv.Client(), srv.URL, "list", map[string]any{"order": "clid", "first": "old", "offset": offset, "fields": "clid,title"}))
		rows := m["data"].([]any)
		counts = append(counts, len(rows))
		assert.EqualValues(t, len(rows), m["count"], "count is per page")
		assert.EqualValues(t, 3, m["params"].(map[string]any)["pageall"])
		prev := 1e9
		for _, r := range rows {
			clid := r.(map[string]any)["clid"].(float64)
			assert.Less(t, clid, prev, "newest first whatever first says")
			prev = clid
			assert.False(t, seen[clid], "no row twice")
			seen[clid] = true
		}
	}
	assert.Equal(t, []int{10, 10, 5, 0}, counts)
	assert.Len(t, seen, 25)
	noOrder := call(t, srv.Client(), srv.URL, "list", map[string]any{})
	assert.True(t, bytes.HasPrefix(noOrder, []byte("<br />\n<b>Fatal error</b>")), "order is required")
}

func TestSeedAndRecords(t *testing.T) {
	f := New(Options{Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	ids := f.Seed([]crm.Record{{"title": `ООО "Север"`, "phone": []string{"+7 1", "+7 2"}, "recv.castInn": "7701", "idcategory": int64(2), "user": "x@y"}})
	require.Equal(t, []string{"1"}, ids)
	got := f.Records()
	require.Len(t, got, 1)
	assert.Equal(t, crm.Record{"clid": int64(1), "title": "Север, ООО", "type": "client", "phone": "+7 1,+7 2",
		"recv.castInn": "7701", "idcategory": int64(2), "clientpath": int64(2), "iduser": int64(0),
		"date_create": "2026-01-02 06:04:05"}, got[0])
}

func TestSaveLoadState(t *testing.T) {
	f := New(Options{})
	f.Seed([]crm.Record{{"title": "One", "uid": "U1", "recv.castInn": "1"}, {"title": "Two", "territory": "Łódź"}})
	data, err := f.SaveState()
	require.NoError(t, err)
	g := New(Options{})
	require.NoError(t, g.LoadState(data))
	assert.Equal(t, f.Records(), g.Records())
	ids := g.Seed([]crm.Record{{"title": "Three"}})
	assert.Equal(t, []string{"3"}, ids, "clids continue after a load")
	assert.Error(t, g.LoadState([]byte("not json")))
	g.Reset()
	assert.Empty(t, g.Records())
}

func TestFaults(t *testing.T) {
	f, srv := newServer(t, Options{})
	c := srv.Client()
	batch := map[string]any{"client": []any{map[string]any{"title": "Lost Answer"}}}
	body, _ := json.Marshal(batch)
	post := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+Path+"add.list", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Apikey", DefaultAPIKey)
		req.Header.Set("Login", DefaultLogin)
		return c.Do(req)
	}

	f.Inject(crm.Fault{Op: "client/add.list", Commit: true})
	_, err := post()
	require.Error(t, err, "the connection is dropped")
	require.Len(t, f.Records(), 1, "the write was applied")

	f.Inject(crm.Fault{Op: "client/add.list", Drop: true})
	_, err = post()
	require.Error(t, err)
	assert.Len(t, f.Records(), 1, "a drop applies nothing")

	f.Inject(crm.Fault{Op: "client/add.list", Code: "html"})
	resp, err := post()
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), "<b>Fatal error</b>")

	f.Inject(crm.Fault{Op: "client/add.list", Status: http.StatusServiceUnavailable})
	resp, err = post()
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)

	got := decode(t, []byte(strings.Trim(string(call(t, c, srv.URL, "add.list", batch)), "[]")))
	assert.EqualValues(t, 1, got["exists"], "the committed record is a duplicate now")
	reqs := f.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "commit-then-drop", reqs[0].Fault)
	assert.Equal(t, "client/add.list", reqs[0].Op)
}

func TestConcurrentAddList(t *testing.T) {
	f, srv := newServer(t, Options{})
	const workers, batches, per = 8, 5, 20
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				list := make([]any, per)
				for i := range list {
					list[i] = map[string]any{"title": fmt.Sprintf("W%d B%d R%d", w, b, i)}
				}
				var res []map[string]any
				assert.NoError(t, json.Unmarshal(call(t, srv.Client(), srv.URL, "add.list", map[string]any{"client": list}), &res))
				assert.Len(t, res, per)
			}
		}()
	}
	wg.Wait()
	recs := f.Records()
	require.Len(t, recs, workers*batches*per)
	for i, r := range recs {
		assert.Equal(t, int64(i+1), r["clid"], "clids are 1..n in creation order")
	}
}

func BenchmarkAddList(b *testing.B) {
	_, srv := newServer(b, Options{})
	c := srv.Client()
	n := 0
	b.ResetTimer()
	for b.Loop() {
		list := make([]any, 100)
		for i := range list {
			n++
			list[i] = map[string]any{"title": fmt.Sprintf("Bench Client %d", n), "phone": "+7 900 000-00-00", "uid": fmt.Sprint(n)}
		}
		call(b, c, srv.URL, "add.list", map[string]any{"client": list})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkList(b *testing.B) {
	f, srv := newServer(b, Options{})
	recs := make([]crm.Record, 10000)
	for i := range recs {
		recs[i] = crm.Record{"title": fmt.Sprintf("Client %d", i), "phone": "+7 900 000-00-00", "address": "г. Пермь"}
	}
	f.Seed(recs)
	c := srv.Client()
	i := 0
	for b.Loop() {
		call(b, c, srv.URL, "list", map[string]any{"order": "clid", "offset": i % 50})
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkAdd measures single-record client/add requests from parallel
// clients (the emulator's request rate).
func BenchmarkAdd(b *testing.B) {
	_, srv := newServer(b, Options{})
	c := srv.Client()
	var mu sync.Mutex
	n := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			id := n
			mu.Unlock()
			call(b, c, srv.URL, "add", map[string]any{"title": fmt.Sprintf("Bench Client %d", id), "phone": "+7 900 000-00-00"})
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkListParallel measures 200-row list pages from parallel clients.
func BenchmarkListParallel(b *testing.B) {
	f, srv := newServer(b, Options{})
	recs := make([]crm.Record, 10000)
	for i := range recs {
		recs[i] = crm.Record{"title": fmt.Sprintf("Client %d", i), "phone": "+7 900 000-00-00", "address": "г. Пермь"}
	}
	f.Seed(recs)
	c := srv.Client()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			call(b, c, srv.URL, "list", map[string]any{"order": "clid", "offset": i % 50})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func TestRandomFaultsAndMount(t *testing.T) {
	f := New(Options{})
	mux := http.NewServeMux()
	mux.Handle("/salesman/", http.StripPrefix("/salesman", f))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base := srv.URL + "/salesman"

	assert.Contains(t, string(call(t, srv.Client(), base, "fields", map[string]any{})), `"title":"Название"`, "served under a prefix")

	f.SetRetryAfter(0)
	f.SetFaultRate(1, 42)
	faulted := 0
	for i := 0; i < 20; i++ {
		data, _ := json.Marshal(map[string]any{"client": []any{map[string]any{"title": fmt.Sprintf("R%d", i)}}})
		req, _ := http.NewRequest(http.MethodPost, base+Path+"add.list", bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Apikey", DefaultAPIKey)
		req.Header.Set("Login", DefaultLogin)
		resp, err := srv.Client().Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && json.Valid(b) {
				continue
			}
		}
		faulted++
	}
	assert.Equal(t, 20, faulted, "rate 1 faults every request")
	for _, r := range f.Requests()[1:] {
		assert.NotEmpty(t, r.Fault)
	}
	for _, r := range f.Records() {
		assert.NotEmpty(t, r["title"], "only whole records are stored")
	}
}
