package salesman

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

func TestListRecordedPages(t *testing.T) {
	pages := map[float64]recorded{0: loadCase(t, "020"), 1: loadCase(t, "021"), 2: loadCase(t, "022")}
	c, s := newStub(t, func(w http.ResponseWriter, r *http.Request, ex exchange) {
		writeRecorded(w, pages[ex.Body["offset"].(float64)])
	})
	var all []crm.Record
	for rec, err := range crm.All(context.Background(), c, crm.ListQuery{}) {
		require.NoError(t, err)
		all = append(all, rec)
	}
	require.Len(t, all, 255)
	assert.Equal(t, "255", all[0]["clid"])
	assert.Equal(t, "1", all[254]["clid"])
	assert.Equal(t, "Bulk Client 250", all[0]["title"])
	assert.Equal(t, "admin@example.com", all[0]["user"])
	assert.Equal(t, int64(1), all[0]["iduser"])
	assert.Equal(t, "2026-11-23 13:59:00", all[0]["date_create"])
	assert.NotContains(t, all[0], "date_edit", "nulls are omitted")
	reqs := s.requests()
	require.Len(t, reqs, 2, "pageall=2 ends the walk without an empty page")
	for i, r := range reqs {
		assert.Equal(t, "/developer/v3/client/list", r.Path)
		assert.Equal(t, "clid", r.Body["order"])
		assert.Equal(t, float64(i), r.Body["offset"])
		assert.Equal(t, true, r.Body["bankinfo"])
	}
}

func TestListEmptyAndBeyond(t *testing.T) {
	c, _ := replayCase(t, "022")
	p, err := c.List(context.Background(), crm.ListQuery{}, "")
	require.NoError(t, err)
	assert.Empty(t, p.Records)
	assert.Empty(t, p.Next)
}

func TestListRequestBody(t *testing.T) {
	c, s := replayCase(t, "023")
	q := crm.ListQuery{
		Filters: map[string]string{"word": "Oracle", "user": "admin@example.com", "filter.type": "client", "filter.trash": "false"},
		Since:   time.Date(2026, 1, 2, 15, 0, 0, 0, time.UTC),
		Until:   time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC),
		Fields:  []string{"title", "recv.castInn"},
	}
	p, err := c.List(context.Background(), q, "")
	require.NoError(t, err)
	require.Len(t, p.Records, 200)
	assert.Equal(t, crm.Record{"clid": "255", "title": "Bulk Client 250"}, p.Records[0])
	assert.NotEmpty(t, p.Next, "a full page without pageall-end continues")
	assert.JSONEq(t, `{"order":"clid","offset":0,"word":"Oracle","user":"admin@example.com",
		"filter":{"type":"client","trash":false},"dateStart":"2026-01-02","dateEnd":"2026-12-31",
		"fields":"clid,title","bankinfo":true}`, s.requests()[0].Raw)

	_, err = c.List(context.Background(), crm.ListQuery{Filters: map[string]string{"order": "title"}}, "")
	assert.ErrorContains(t, err, "order")
	_, err = c.List(context.Background(), crm.ListQuery{}, "garbage")
	assert.ErrorContains(t, err, "cursor")
}

func TestListRequisitesFlattened(t *testing.T) {
	c, _ := replayCase(t, "219")
	p, err := c.List(context.Background(), crm.ListQuery{Filters: map[string]string{"word": "Oracle Alpha"}}, "")
	require.NoError(t, err)
	require.Len(t, p.Records, 3)
	r := p.Records[2]
	assert.Equal(t, "1", r["clid"])
	assert.Equal(t, "ООО ”Oracle Alpha”", r["recv.castUrName"])
	assert.Equal(t, "5904042180", r["recv.castKpp"])
	assert.Equal(t, int64(2), r["clientpath"])
	assert.Equal(t, "Маркетинг", r["clientpathTitle"])
	assert.Empty(t, p.Next, "pageall=1")
}

func TestListPHPFatalIsRetryable(t *testing.T) {
	c, _ := replayCase(t, "024")
	_, err := c.List(context.Background(), crm.ListQuery{}, "")
	require.Error(t, err)
	assert.Equal(t, crm.KindRetryable, crm.KindOf(err))
	assert.Contains(t, err.Error(), "Unknown column")
}

// TestListDropsRowsPushedDown simulates clients added during an export:
// the server pages newest first, so new clients push rows already returned
// onto the next page.
func TestListDropsRowsPushedDown(t *testing.T) {
	const pageSize = 5
	total := int64(12)
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	c, _ := newStub(t, func(w http.ResponseWriter, r *http.Request, ex exchange) {
		<-mu
		defer func() { mu <- struct{}{} }()
		off := int64(ex.Body["offset"].(float64))
		rows := []map[string]any{}
		for id := total - off*pageSize; id > total-(off+1)*pageSize && id > 0; id-- {
			rows = append(rows, map[string]any{"clid": id, "title": fmt.Sprintf("C%d", id)})
		}
		b, _ := json.Marshal(map[string]any{"data": rows})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
		total += 3 // three new clients after every page
	})
	seen := map[string]int{}
	for rec, err := range crm.All(context.Background(), c, crm.ListQuery{}) {
		require.NoError(t, err)
		seen[rec["clid"].(string)]++
	}
	for id := 1; id <= 12; id++ {
		assert.Equal(t, 1, seen[fmt.Sprint(id)], "clid %d exactly once", id)
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, id)
	}
}

func TestListCursorRoundTrip(t *testing.T) {
	lc := listCursor{offset: 3, minClid: 56, pageLen: 200}
	got, err := parseCursor(lc.String())
	require.NoError(t, err)
	assert.Equal(t, lc, got)
	for _, bad := range []string{"1", "a:b:c", "-1:0:0", "1:2:3:4"} {
		_, err := parseCursor(bad)
		assert.Error(t, err, bad)
	}
}

func TestFindByClidAndUID(t *testing.T) {
	t.Run("clid (035)", func(t *testing.T) {
		c, s := replayCase(t, "035")
		id, stored, err := c.Find(context.Background(), crm.Record{"clid": "1", "title": "whatever"})
		require.NoError(t, err)
		assert.Equal(t, "1", id)
		assert.Equal(t, "Oracle Alpha", stored["title"])
		assert.Equal(t, "2026-11-23 13:58:58", stored["date_create"], "info's display date replaced by created")
		assert.Equal(t, "590456789008", stored["recv.castInn"])
		assert.Equal(t, int64(2), stored["clientpath"])
		assert.Equal(t, "Маркетинг", stored["clientpathTitle"])
		assert.NotContains(t, stored, "creator")
		assert.Equal(t, float64(1), s.requests()[0].Body["clid"])
		assert.Equal(t, "/developer/v3/client/info", s.requests()[0].Path)
	})
	t.Run("uid (033)", func(t *testing.T) {
		c, s := replayCase(t, "033")
		id, stored, err := c.Find(context.Background(), crm.Record{"uid": "EXT-0002"})
		require.NoError(t, err)
		assert.Equal(t, "4", id)
		assert.Equal(t, "Oracle Beta", stored["title"])
		assert.Equal(t, "EXT-0002", s.requests()[0].Body["uid"])
	})
	t.Run("unknown clid (036)", func(t *testing.T) {
		c, _ := replayCase(t, "036")
		_, _, err := c.Find(context.Background(), crm.Record{"clid": int64(999)})
		assert.ErrorIs(t, err, crm.ErrNotFound)
	})
	t.Run("unknown uid, no title (037)", func(t *testing.T) {
		c, _ := replayCase(t, "037")
		_, _, err := c.Find(context.Background(), crm.Record{"uid": "NOPE"})
		assert.ErrorIs(t, err, crm.ErrNotFound)
	})
	t.Run("broken JSON escape (120)", func(t *testing.T) {
		c, _ := replayCase(t, "120")
		_, stored, err := c.Find(context.Background(), crm.Record{"clid": "276"})
		require.NoError(t, err)
		assert.Equal(t, `C:\А\path`, stored["address"])
	})
	t.Run("auth failure is not 'not found'", func(t *testing.T) {
		c, _ := replayCase(t, "055")
		_, _, err := c.Find(context.Background(), crm.Record{"clid": "1"})
		assert.Equal(t, crm.KindFatal, crm.KindOf(err))
		assert.NotErrorIs(t, err, crm.ErrNotFound)
	})
}

func TestFindByTitle(t *testing.T) {
	info404 := loadCase(t, "037")
	list := loadCase(t, "219")
	tests := []struct {
		name string
		rec  crm.Record
		id   string
	}{
		{"title + phone, other format", crm.Record{"title": "oracle ALPHA", "phone": "+7 (999) 111-22-33"}, "2"},
		{"title + phone list", crm.Record{"title": "Oracle Alpha Renamed", "phone": []string{"000", "+7(342)555-55-56"}}, "1"},
		{"title only: newest", crm.Record{"title": "Oracle Alpha"}, "2"},
		{"partial title is no match", crm.Record{"title": "Oracle", "phone": "+7(999)111-22-33"}, ""},
		{"phone differs", crm.Record{"title": "Oracle Alpha", "phone": "+7(999)111-22-34"}, ""},
		{"uid differs", crm.Record{"title": "Oracle Alpha Two", "uid": "OTHER"}, ""},
		{"uid unknown but title matches", crm.Record{"title": "Oracle Alpha Two", "uid": "EXT-0001"}, "3"},
		{"mail must match exactly", crm.Record{"title": "Oracle Alpha Renamed", "mail_url": "alpha@example.com"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, func(w http.ResponseWriter, r *http.Request, ex exchange) {
				if strings.HasSuffix(ex.Path, "/info") {
					writeRecorded(w, info404)
					return
				}
				writeRecorded(w, list)
			})
			id, stored, err := c.Find(context.Background(), tt.rec)
			if tt.id == "" {
				assert.ErrorIs(t, err, crm.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.id, id)
			assert.Equal(t, tt.id, stored["clid"])
			var words []any
			for _, r := range s.requests() {
				if strings.HasSuffix(r.Path, "/list") {
					words = append(words, r.Body["word"])
				}
			}
			require.NotEmpty(t, words)
			assert.Equal(t, Normalize("title", tt.rec["title"].(string)), words[0])
		})
	}
}
