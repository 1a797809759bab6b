package baselinker

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
)

// FuzzDecodeAnswers feeds arbitrary bodies to the envelope check and the
// client decoders: they may refuse a body but never panic, and a refused
// body is always a classified error.
func FuzzDecodeAnswers(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"status":"SUCCESS"}`, `{"status":"ERROR"}`,
		`{"status":"ERROR","error_code":"ERROR_BLOCKED_TOKEN","error_message":"token blocked until 2099-99-99 99:99:99"}`,
		`{"status":"SUCCESS","clients":[{"crm_client_id":"","star":"x","custom_extra_fields":[]}]}`,
		`{"status":"SUCCESS","extra_fields":{"1":{"options":{"a":1}}}}`, `<html>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		err := checkResponse("getCrmClients", false, &http.Response{StatusCode: 200, Header: http.Header{}}, []byte(body), time.Now())
		if err != nil {
			assert.NotZero(t, crm.KindOf(err))
		}
		var ca clientsAnswer
		if json.Unmarshal([]byte(body), &ca) == nil {
			for _, row := range ca.Clients {
				_ = decodeClient(row)
			}
		}
		var ef extraFieldsAnswer
		if json.Unmarshal([]byte(body), &ef) == nil {
			if list, _, err := decodeList[extraField](ef.ExtraFields); err == nil {
				for _, e := range list {
					_ = decodeOptions(e.Options)
				}
			}
		}
	})
}
