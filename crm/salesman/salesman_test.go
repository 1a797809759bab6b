package salesman

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

func TestNewValidatesConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		base    string
	}{
		{"missing url", Config{Login: "a@b.c", APIKey: "k"}, EnvURL, ""},
		{"not http", Config{URL: "crm.example.ru", Login: "a@b.c", APIKey: "k"}, EnvURL, ""},
		{"missing login", Config{URL: "https://crm.example.ru", APIKey: "k"}, EnvLogin, ""},
		{"missing key", Config{URL: "https://crm.example.ru", Login: "a@b.c"}, EnvAPIKey, ""},
		{"trailing slash", Config{URL: "https://crm.example.ru/", Login: "a@b.c", APIKey: "k"}, "", "https://crm.example.ru"},
		{"api path pasted", Config{URL: "https://crm.example.ru/developer/v3/client/", Login: "a@b.c", APIKey: "k"}, "", "https://crm.example.ru"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg, nil)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.base, c.base)
			assert.Equal(t, DefaultTimeout, c.hc.Timeout)
		})
	}
}

func TestRegistration(t *testing.T) {
	reg := Registration()
	assert.Equal(t, "salesman", reg.Name)
	names := map[string]crm.EnvVar{}
	for _, e := range reg.Env {
		names[e.Name] = e
	}
	require.Len(t, names, 3)
	assert.True(t, names[EnvAPIKey].Secret)
	assert.False(t, names[EnvURL].Secret)
	v, err := reg.New(map[string]string{EnvURL: "http://127.0.0.1:1", EnvLogin: "l@x.y", EnvAPIKey: "k"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "salesman", v.Name())
	_, err = reg.New(map[string]string{EnvURL: "http://127.0.0.1:1"}, nil)
	assert.ErrorContains(t, err, EnvLogin)
	caps := v.Capabilities()
	assert.Equal(t, "clid", caps.IDField)
	assert.Equal(t, 200, caps.PageSize)
	assert.True(t, reg.Strict4Byte, "SalesMan stores emoji as ????")
	assert.Equal(t, 4, caps.Workers)
}

func TestRequestShape(t *testing.T) {
	c, s := replayCase(t, "001")
	_, err := c.Fields(context.Background())
	require.NoError(t, err)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/developer/v3/client/fields", r.Path)
	assert.Equal(t, []string{"application/json"}, r.Header["Content-Type"], "exactly application/json, no charset")
	assert.Equal(t, testKey, r.Header.Get("apikey"))
	assert.Equal(t, testLogin, r.Header.Get("login"))
	assert.JSONEq(t, `{}`, r.Raw)
}

func TestCreateRecordedAnswers(t *testing.T) {
	t.Run("valid single (002)", func(t *testing.T) {
		// 002 is client/add; add.list wraps the same object in an array.
		rc := loadCase(t, "002")
		c, s := newStub(t, replyJSON("["+rc.ResponseBody+"]"))
		res, err := c.Create(context.Background(), []crm.Record{{"title": "Oracle Alpha", "uid": "EXT-0001", "phone": []string{"+7(342)550-10-30", "+7(342)550-10-31"}}})
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, crm.Result{Status: crm.StatusCreated, ID: "1"}, res[0])
		reqs := s.requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/developer/v3/client/add.list", reqs[0].Path)
		assert.JSONEq(t, `{"client":[{"title":"Oracle Alpha","uid":"EXT-0001","phone":["+7(342)550-10-30","+7(342)550-10-31"]}]}`, reqs[0].Raw)
	})
	t.Run("mixed batch (013)", func(t *testing.T) {
		c, _ := replayCase(t, "013")
		res, err := c.Create(context.Background(), []crm.Record{
			{"title": "Oracle Beta", "uid": "EXT-0002", "phone": "+48 22 123 45 67"},
			{"uid": "EXT-0003", "phone": "+48 22 000 00 00"},
			{"title": "Oracle Alpha", "phone": "+7(342)550-10-30"},
		})
		require.NoError(t, err)
		require.Len(t, res, 3)
		assert.Equal(t, crm.StatusCreated, res[0].Status)
		assert.Equal(t, "4", res[0].ID)
		assert.Equal(t, crm.StatusFailed, res[1].Status)
		assert.Equal(t, crm.KindRejected, crm.KindOf(res[1].Err))
		assert.Contains(t, res[1].Err.Error(), "Отсутствуют параметры - Название клиента")
		assert.Equal(t, crm.StatusExists, res[2].Status)
		assert.Equal(t, "1", res[2].ID)
		var e *crm.Error
		require.ErrorAs(t, res[2].Err, &e)
		assert.Equal(t, crm.KindDuplicate, e.Kind)
		assert.Equal(t, "1", e.ID)
		assert.Equal(t, "304", e.Code)
	})
	t.Run("250 in order (019)", func(t *testing.T) {
		c, _ := replayCase(t, "019")
		recs := make([]crm.Record, 250)
		for i := range recs {
			recs[i] = crm.Record{"title": fmt.Sprintf("Bulk Client %03d", i+1)}
		}
		res, err := c.Create(context.Background(), recs)
		require.NoError(t, err)
		require.Len(t, res, 250)
		for i, r := range res {
			assert.Equal(t, crm.StatusCreated, r.Status)
			assert.Equal(t, fmt.Sprint(i+6), r.ID)
		}
	})
	t.Run("all duplicates (221)", func(t *testing.T) {
		c, _ := replayCase(t, "221")
		recs := make([]crm.Record, 100)
		for i := range recs {
			recs[i] = crm.Record{"title": fmt.Sprintf("Batch1000 Client %04d", i+1)}
		}
		res, err := c.Create(context.Background(), recs)
		require.NoError(t, err)
		require.Len(t, res, 100)
		assert.Equal(t, crm.Result{Status: crm.StatusExists, ID: "288", Err: res[0].Err}, res[0])
		assert.Equal(t, "387", res[99].ID)
	})
	t.Run("strict mode 500 in the middle (305)", func(t *testing.T) {
		c, _ := replayCase(t, "305")
		res, err := c.Create(context.Background(), []crm.Record{{"title": "a"}, {"title": strings.Repeat("L", 300)}, {"title": "b"}})
		require.NoError(t, err)
		require.Len(t, res, 3)
		assert.Equal(t, crm.StatusCreated, res[0].Status)
		assert.Equal(t, crm.StatusFailed, res[1].Status)
		assert.Equal(t, crm.KindRejected, crm.KindOf(res[1].Err))
		assert.Contains(t, res[1].Err.Error(), "Data too long")
		assert.Equal(t, crm.StatusCreated, res[2].Status)
	})
	t.Run("documented 406 with data", func(t *testing.T) {
		c, _ := newStub(t, replyJSON(`[{"result":"Error","data":6274,"error":{"code":"406","text":"Найден существующий клиент"}}]`))
		res, err := c.Create(context.Background(), []crm.Record{{"title": "x"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusExists, res[0].Status)
		assert.Equal(t, "6274", res[0].ID)
		assert.Equal(t, crm.KindDuplicate, crm.KindOf(res[0].Err))
	})
	t.Run("error as a plain string", func(t *testing.T) {
		c, _ := newStub(t, replyJSON(`[{"result":"","data":0,"error":"Не указано название"}]`))
		res, err := c.Create(context.Background(), []crm.Record{{"title": "x"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusFailed, res[0].Status)
		assert.Contains(t, res[0].Err.Error(), "Не указано название")
	})
	t.Run("gzip answer", func(t *testing.T) {
		rc := loadCase(t, "013")
		c, _ := newStub(t, func(w http.ResponseWriter, r *http.Request, _ exchange) {
			require.Contains(t, r.Header.Get("Accept-Encoding"), "gzip")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			gz := gzip.NewWriter(w)
			_, _ = io.WriteString(gz, rc.ResponseBody)
			_ = gz.Close()
		})
		res, err := c.Create(context.Background(), []crm.Record{{"title": "a"}, {"title": ""}, {"title": "b"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusExists, res[2].Status)
	})
}

func TestCreateWholeCallFailures(t *testing.T) {
	three := []crm.Record{{"title": "a"}, {"title": "b"}, {"title": "c"}}
	tests := []struct {
		name   string
		reply  func(w http.ResponseWriter, r *http.Request, ex exchange)
		kind   crm.Kind
		substr string
	}{
		{"auth object (055)", recordedReply(t, "055"), crm.KindFatal, "CRMPORT_SALESMAN_APIKEY"},
		{"wrong login (056)", recordedReply(t, "056"), crm.KindFatal, "Неизвестный пользователь"},
		{"charset content type (060)", recordedReply(t, "060"), crm.KindFatal, "401"},
		{"empty array (014)", recordedReply(t, "014"), crm.KindFatal, "did not receive"},
		{"PHP fatal (016)", recordedReply(t, "016"), crm.KindAmbiguous, "Cannot access offset"},
		{"PHP fatal invalid params (073)", recordedReply(t, "073"), crm.KindAmbiguous, "Uncaught TypeError"},
		{"empty body (077)", recordedReply(t, "077"), crm.KindAmbiguous, "empty answer"},
		{"front page, wrong URL (080)", recordedReply(t, "080"), crm.KindFatal, "CRMPORT_SALESMAN_URL"},
		{"unknown action (075)", recordedReply(t, "075"), crm.KindFatal, "Неизвестный метод"},
		{"short array", replyJSON(`[{"result":"Успешно","data":1}]`), crm.KindAmbiguous, "1 results for 3"},
		{"object without error", replyJSON(`{"result":"Успешно","data":1}`), crm.KindAmbiguous, "instead of a list"},
		{"503 with Retry-After", func(w http.ResponseWriter, r *http.Request, _ exchange) {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, crm.KindRetryable, "503"},
		{"429", func(w http.ResponseWriter, r *http.Request, _ exchange) {
			w.WriteHeader(http.StatusTooManyRequests)
		}, crm.KindRetryable, "429"},
		{"404 from the web server", func(w http.ResponseWriter, r *http.Request, _ exchange) {
			http.NotFound(w, r)
		}, crm.KindFatal, "CRMPORT_SALESMAN_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, tt.reply)
			res, err := c.Create(context.Background(), three)
			require.Error(t, err)
			assert.Nil(t, res)
			assert.Equal(t, tt.kind, crm.KindOf(err), err.Error())
			assert.Contains(t, err.Error(), tt.substr)
			assert.NotContains(t, err.Error(), testKey)
			if tt.name == "503 with Retry-After" {
				assert.Equal(t, 7*time.Second, crm.RetryAfterOf(err))
			}
		})
	}
}

func recordedReply(t *testing.T, num string) func(w http.ResponseWriter, r *http.Request, ex exchange) {
	rc := loadCase(t, num)
	return func(w http.ResponseWriter, r *http.Request, _ exchange) { writeRecorded(w, rc) }
}

func TestSecretsRedacted(t *testing.T) {
	c, _ := newStub(t, func(w http.ResponseWriter, r *http.Request, _ exchange) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, "<br />\n<b>Fatal error</b>: Uncaught Exception: bad key %s for %s in x.php", r.Header.Get("apikey"), r.Header.Get("login"))
	})
	_, err := c.Create(context.Background(), []crm.Record{{"title": "x"}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testKey)
	assert.NotContains(t, err.Error(), testLogin)
	assert.Contains(t, err.Error(), "***")
}

func TestTransportClassification(t *testing.T) {
	// A server that reads the request and hangs up without answering.
	hangup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		hj, ok := w.(http.Hijacker)
		require.True(t, ok)
		conn, _, err := hj.Hijack()
		require.NoError(t, err)
		_ = conn.Close()
	}))
	defer hangup.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer slow.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	client := func(url string, timeout time.Duration) *Client {
		c, err := New(Config{URL: url, Login: testLogin, APIKey: testKey}, &http.Client{Timeout: timeout})
		require.NoError(t, err)
		return c
	}
	tests := []struct {
		name       string
		c          *Client
		createKind crm.Kind
		listKind   crm.Kind
	}{
		{"connection dropped after the request", client(hangup.URL, 5*time.Second), crm.KindAmbiguous, crm.KindRetryable},
		{"timeout after the request", client(slow.URL, 200*time.Millisecond), crm.KindAmbiguous, crm.KindRetryable},
		{"connection refused", client(refused, 5*time.Second), crm.KindRetryable, crm.KindRetryable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.Create(context.Background(), []crm.Record{{"title": "x"}})
			require.Error(t, err)
			assert.Equal(t, tt.createKind, crm.KindOf(err), err.Error())
			assert.NotContains(t, err.Error(), testKey)
			_, err = tt.c.List(context.Background(), crm.ListQuery{}, "")
			require.Error(t, err)
			assert.Equal(t, tt.listKind, crm.KindOf(err), err.Error())
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := client(slow.URL, time.Second).Create(ctx, []crm.Record{{"title": "x"}})
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.Canceled))
		assert.Equal(t, crm.Kind(0), crm.KindOf(err))
	})
}

func TestUpdate(t *testing.T) {
	tests := []struct {
		name    string
		num     string
		rec     crm.Record
		want    crm.Status
		id      string
		sent    string
		errKind crm.Kind
	}{
		{"changed (040)", "040", crm.Record{"clid": "1", "phone": "+7(342)555-55-55"}, crm.StatusUpdated, "1", `{"clid":1,"phone":"+7(342)555-55-55"}`, 0},
		{"identical (041)", "041", crm.Record{"clid": "1", "phone": "+7(342)555-55-55"}, crm.StatusUnchanged, "1", "", 0},
		{"by uid (043)", "043", crm.Record{"uid": "BULK-001", "fax": "1"}, crm.StatusUpdated, "6", `{"uid":"BULK-001","fax":"1"}`, 0},
		{"requisites only (045)", "045", crm.Record{"clid": int64(1), "recv.castKpp": "5904042180"}, crm.StatusUpdated, "1", `{"clid":1,"recv":{"castKpp":"5904042180"}}`, 0},
		{"empty value clears (046)", "046", crm.Record{"clid": "1", "mail_url": ""}, crm.StatusUpdated, "1", `{"clid":1,"mail_url":""}`, 0},
		{"unknown clid (047)", "047", crm.Record{"clid": "999999"}, crm.StatusFailed, "", "", crm.KindRejected},
		{"unknown uid (048)", "048", crm.Record{"uid": "NOPE"}, crm.StatusFailed, "", "", crm.KindRejected},
		{"strict too long (308)", "308", crm.Record{"clid": "7", "title": strings.Repeat("x", 300)}, crm.StatusFailed, "", "", crm.KindRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := replayCase(t, tt.num)
			res, err := c.Update(context.Background(), []crm.Record{tt.rec})
			require.NoError(t, err)
			require.Len(t, res, 1)
			assert.Equal(t, tt.want, res[0].Status)
			assert.Equal(t, tt.id, res[0].ID)
			if tt.errKind != 0 {
				assert.Equal(t, tt.errKind, crm.KindOf(res[0].Err))
			}
			if tt.num == "047" || tt.num == "048" {
				assert.ErrorIs(t, res[0].Err, crm.ErrNotFound)
			}
			reqs := s.requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, "/developer/v3/client/update", reqs[0].Path)
			if tt.sent != "" {
				assert.JSONEq(t, tt.sent, reqs[0].Raw)
			}
		})
	}
	t.Run("no clid or uid: not sent", func(t *testing.T) {
		c, s := replayCase(t, "040")
		res, err := c.Update(context.Background(), []crm.Record{{"title": "x"}, {"clid": "1", "phone": "1"}})
		require.NoError(t, err)
		assert.Equal(t, crm.StatusFailed, res[0].Status)
		assert.Equal(t, crm.StatusUpdated, res[1].Status)
		assert.Len(t, s.requests(), 1)
	})
	t.Run("auth failure ends the call", func(t *testing.T) {
		c, _ := replayCase(t, "055")
		_, err := c.Update(context.Background(), []crm.Record{{"clid": "1", "phone": "1"}})
		assert.Equal(t, crm.KindFatal, crm.KindOf(err))
	})
}

func TestDelete(t *testing.T) {
	c, s := replayCase(t, "052")
	require.NoError(t, c.Delete(context.Background(), "256"))
	assert.JSONEq(t, `{"clid":256}`, s.requests()[0].Raw)
	assert.Equal(t, "/developer/v3/client/delete", s.requests()[0].Path)

	for _, num := range []string{"053", "054"} {
		c, _ := replayCase(t, num)
		err := c.Delete(context.Background(), "256")
		assert.ErrorIs(t, err, crm.ErrNotFound, num)
		assert.Equal(t, crm.KindRejected, crm.KindOf(err), num)
	}
	err := c.Delete(context.Background(), "abc")
	assert.ErrorIs(t, err, crm.ErrNotFound)
}

func TestFields(t *testing.T) {
	byName := func(fs []crm.Field) map[string]crm.Field {
		m := map[string]crm.Field{}
		for _, f := range fs {
			m[f.Name] = f
		}
		return m
	}
	t.Run("fresh install (001)", func(t *testing.T) {
		c, _ := replayCase(t, "001")
		fs, err := c.Fields(context.Background())
		require.NoError(t, err)
		m := byName(fs)
		for _, on := range []string{"clid", "uid", "title", "type", "iduser", "user", "address", "phone", "fax", "site_url", "mail_url", "recv.castInn", "date_create"} {
			assert.True(t, m[on].Active, on)
		}
		for _, off := range []string{"idcategory", "tip_cmr", "clientpath", "territory", "des", "scheme", "head_clid", "pid", "input1", "input10"} {
			assert.False(t, m[off].Active, off)
		}
		assert.Equal(t, "Название", m["title"].Label)
		assert.True(t, m["title"].Required)
	})
	t.Run("extra fields on (201)", func(t *testing.T) {
		c, _ := replayCase(t, "201")
		fs, err := c.Fields(context.Background())
		require.NoError(t, err)
		m := byName(fs)
		assert.True(t, m["input1"].Active)
		assert.Equal(t, "Код 1С", m["input1"].Label)
		assert.True(t, m["des"].Active)
		assert.Equal(t, "Категория", m["idcategory"].Label)
		assert.False(t, m["input2"].Active)
	})
	t.Run("auth failure", func(t *testing.T) {
		c, _ := replayCase(t, "057")
		_, err := c.Fields(context.Background())
		assert.Equal(t, crm.KindFatal, crm.KindOf(err))
	})
}

func TestCatalogue(t *testing.T) {
	m := map[string]crm.Field{}
	for _, f := range Catalogue() {
		_, dup := m[f.Name]
		require.False(t, dup, f.Name)
		m[f.Name] = f
		assert.NotEmpty(t, f.Description, f.Name)
	}
	seed := []string{"clid", "uid", "title", "type", "iduser", "user", "idcategory", "tip_cmr", "clientpath", "territory", "des",
		"address", "phone", "fax", "site_url", "mail_url", "scheme", "head_clid", "pid", "date_create",
		"recv.castUrName", "recv.castInn", "recv.castKpp", "recv.castBank", "recv.castBankKs", "recv.castBankRs", "recv.castBankBik",
		"recv.castOkpo", "recv.castOgrn", "recv.castDirName", "recv.castDirSignature", "recv.castDirStatus", "recv.castDirStatusSig",
		"recv.castDirOsnovanie", "recv.castUrAddr", "input1", "input10"}
	for _, n := range seed {
		assert.Contains(t, m, n)
	}
	limits := map[string]int{"uid": 30, "title": 250, "phone": 250, "fax": 250, "site_url": 250, "mail_url": 250, "tip_cmr": 255, "input5": 255, "type": 100, "des": 0, "address": 0, "scheme": 0, "recv.castUrName": 0}
	for n, l := range limits {
		assert.Equal(t, l, m[n].MaxLen, n)
	}
	assert.True(t, m["title"].Required)
	assert.Equal(t, []string{"client", "person", "concurent", "contractor", "parnter"}, m["type"].Values)
	assert.True(t, m["clid"].ReadOnly)
}
