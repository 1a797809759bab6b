package salesman

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// fromWireInPlace must give the record fromWire gives for every shape a
// list row can take: numbers, nulls, lists, requisites under bankinfo.
func TestFromWireInPlaceMatchesFromWire(t *testing.T) {
	rows := []string{
		`{"clid":12,"title":"ООО Ромашка","phone":"+7 495 1","fax":null,"sum":12.5,"big":123456789012345678901,"flag":true,
		  "mail_url":["a@b.ru","c@d.ru"],"empty":[],"objs":[{"x":1}],"mixed":["a",{"y":2}],"ids":[1,2],
		  "bankinfo":{"clid":12,"inn":"7701","kpp":null,"bik":44525225},"other":{"a":"b","deep":{"c":1}}}`,
		`{"clid":"13","recv":{"inn":"1"},"date_create":"2026-01-02 03:04:05"}`,
		`{}`,
	}
	for _, raw := range rows {
		decode := func() map[string]any {
			dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
			dec.UseNumber()
			var m map[string]any
			require.NoError(t, dec.Decode(&m))
			return m
		}
		want := fromWire(decode())
		require.Equal(t, want, fromWireInPlace(decode()), raw)
	}
}
