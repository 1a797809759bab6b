package thulium

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeAnswers feeds arbitrary bodies to every answer decoder: they
// may refuse a body but never panic, and a batch answer always yields one
// entry per customer sent.
func FuzzDecodeAnswers(f *testing.F) {
	for _, s := range []string{``, `[]`, `{}`, `null`, `{"result":null}`, `[{"http_status":"204"}]`,
		`{"13":{"http_status":204},"14":{"http_status":404,"message":"Customer not found."}}`,
		`{"customers":[{"customer_id":13,"http_status":200}]}`, `{"request_id":5,"errors":[{"message":1}]}`,
		`{"result":[{"customer_id":1,"address":{"city":null},"phone_numbers":[null,"1"]}]}`, `<html>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ids := []string{"13", "14"}
		items, err := decodeBatchAnswer([]byte(body), ids)
		if err == nil {
			require.Len(t, items, len(ids))
			for i, it := range items {
				assert.NotNil(t, itemResult("op", ids[i], it).Status)
			}
		}
		if rows, err := decodeList([]byte(body)); err == nil {
			for _, r := range rows {
				_ = flatten(r)
			}
		}
		_ = checkResponse("op", &http.Response{StatusCode: 400, Header: http.Header{}}, []byte(body))
	})
}
