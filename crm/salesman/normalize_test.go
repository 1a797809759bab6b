package salesman

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNormalizeMatchesRecordedServer sends each recorded add's value
// through Normalize and compares it with what the real server stored (the
// following info answer).
func TestNormalizeMatchesRecordedServer(t *testing.T) {
	tests := []struct {
		name       string
		add, info  string
		field, key string
	}{
		{"ООО with quotes", "087", "088", "title", "title"},
		{"ООО with guillemets", "091", "092", "title", "title"},
		{"ЗАО twice", "093", "094", "title", "title"},
		{"ИП untouched", "095", "096", "title", "title"},
		{"ПАО untouched", "097", "098", "title", "title"},
		{"ООО without space", "099", "100", "title", "title"},
		{"lower-case ооо untouched", "101", "102", "title", "title"},
		{"quotes, tags, backtick, backslash", "103", "104", "title", "title"},
		{"spaces around", "105", "106", "title", "title"},
		{"Polish „” kept", "081", "082", "title", "title"},
		{"Polish address", "081", "082", "address", "address"},
		{"Russian", "083", "084", "title", "title"},
		{"fieldClean address", "117", "118", "address", "address"},
		{"site url kept", "117", "118", "site_url", "site_url"},
		{"phone separators", "121", "122", "phone", "phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent map[string]any
			require.NoError(t, json.Unmarshal([]byte(loadCase(t, tt.add).RequestBody), &sent))
			var got struct {
				Data map[string]any `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(loadCase(t, tt.info).ResponseBody), &got))
			in, ok := sent[tt.field].(string)
			require.True(t, ok)
			stored, ok := got.Data[tt.key].(string)
			require.True(t, ok)
			assert.Equal(t, stored, Normalize(tt.field, in))
		})
	}
}

func TestNormalizeIdempotentTitle(t *testing.T) {
	for _, s := range []string{`ООО "Ромашка"`, "ЗАО Альфа ЗАО Бета", "Zakład „Żółć”"} {
		once := Normalize("title", s)
		assert.Equal(t, once, Normalize("title", once), s)
	}
	assert.Equal(t, "12345", Normalize("uid", "12345"))
}
