package sheet

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A CSV exported by crmport (or any OWASP-minded tool) carries a leading
// apostrophe on formula-like cells; reading it back removes only that one.
func TestCSVSourceUndoesFormulaProtection(t *testing.T) {
	t.Parallel()
	src, err := NewCSVSource(strings.NewReader("Phone,Note,Name\n'+48 601 234 567,'=SUM(A1),'Connor\n'-5,''=x,'\n"), Options{})
	require.NoError(t, err)
	defer src.Close()
	row, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, []string{"+48 601 234 567", "=SUM(A1)", "'Connor"}, row.Texts(), "an apostrophe before ordinary text stays")
	row, err = src.Next()
	require.NoError(t, err)
	assert.Equal(t, []string{"-5", "'=x", "'"}, row.Texts(), "only one protecting apostrophe is removed")
}

func TestCSVApostropheValuesRoundTrip(t *testing.T) {
	t.Parallel()
	vals := []string{"'=x", "''+1", "'Connor", "=x", "'", "-"}
	var b strings.Builder
	sink := NewCSVSink(&b, Options{})
	require.NoError(t, sink.WriteHeader([]Column{{Name: "V"}}))
	for _, v := range vals {
		require.NoError(t, sink.WriteRow([]any{v}))
	}
	require.NoError(t, sink.Close())
	src, err := NewCSVSource(strings.NewReader(b.String()), Options{})
	require.NoError(t, err)
	defer src.Close()
	for _, v := range vals {
		row, err := src.Next()
		require.NoError(t, err)
		assert.Equal(t, v, row.Cells[0].Text)
	}
}

// The row with the unclosed quote keeps what stood on its own line, so it
// can be fixed in the error report.
func TestRunawayRowKeepsItsCells(t *testing.T) {
	t.Parallel()
	src, err := NewCSVSource(strings.NewReader("Nazwisko;Imię;E-mail\r\nKowalski;Jan;jan@x.pl\r\n\"Zielinski;Piotr;p@x.pl\r\nLewandowski;Adam;adam@x.pl\r\nNowak;Ewa;e@x.pl\r\n"), Options{})
	require.NoError(t, err)
	defer src.Close()
	_, err = src.Next()
	require.NoError(t, err)
	_, err = src.Next()
	var re *RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Line)
	require.Len(t, re.Cells, 3)
	assert.Equal(t, []string{"Zielinski", "Piotr", "p@x.pl"}, []string{re.Cells[0].Text, re.Cells[1].Text, re.Cells[2].Text})
	row, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, "Lewandowski", row.Cells[0].Text)
}
