package mapping

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

func TestValueHoldsWhatARecordHolds(t *testing.T) {
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	for _, x := range []any{nil, "", "Łódź", int64(7), 2.5, true, day, []string{"a@x.pl", "b@x.pl"}} {
		v := ValueOf(x)
		assert.Equal(t, x != nil, v.IsSet(), "%#v", x)
		assert.Equal(t, x, v.Any(), "%#v", x)
		s, ok := v.Text()
		want, isText := x.(string)
		assert.Equal(t, isText, ok, "%#v", x)
		assert.Equal(t, want, s, "%#v", x)
	}
	v := textValue("")
	assert.True(t, v.IsSet(), "an empty text is a value (blank: clear)")
	assert.Equal(t, any(""), v.Any())
	assert.False(t, Value{}.IsSet())
	assert.Nil(t, Value{}.Any())
}

// TestApplyToMatchesApply checks that the values ApplyTo writes, read one
// by one or built into a record, are what Apply returns, for good rows and
// rows with errors, on the 20-column benchmark file and its mapping.
func TestApplyToMatchesApply(t *testing.T) {
	header, rows := readAll(t, benchCSV(2000))
	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(t, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	names := bind.FieldNames()
	require.NotEmpty(t, names)
	col := func(h string) int { i := slices.Index(header, h); require.GreaterOrEqual(t, i, 0, h); return i }
	for i, bad := range []struct{ col, text string }{
		{"E-mail", "jan.kowalski(at)firma.pl"}, {"Telefon", "12"}, {"Data", "31.02.2026"}, {"Firma", ""},
	} {
		rows[10*i+3].Cells[col(bad.col)] = sheet.Cell{Text: bad.text}
	}
	vals := make([]Value, len(names))
	failed := 0
	for _, row := range rows {
		want, wantErr := bind.Apply(row)
		err := bind.ApplyTo(row, vals)
		if wantErr != nil {
			failed++
			require.Error(t, err, "line %d", row.Line)
			assert.Equal(t, wantErr.Error(), err.Error(), "line %d", row.Line)
			continue
		}
		require.NoError(t, err, "line %d", row.Line)
		assert.Equal(t, want, bind.Record(vals), "line %d", row.Line)
		for i, n := range names {
			if vals[i].IsSet() {
				assert.Equal(t, want[n], vals[i].Any(), "line %d field %s", row.Line, n)
			} else {
				assert.NotContains(t, want, n, "line %d", row.Line)
			}
		}
	}
	assert.Positive(t, failed, "the benchmark file has bad rows, which must fail alike")
}

// TestApplyRecordsSurviveLaterRows checks that records keep their values
// while many later rows are applied and collected, and when applied from
// several goroutines at once (run with -race to check the sharing).
func TestApplyRecordsSurviveLaterRows(t *testing.T) {
	header, rows := readAll(t, benchCSV(200))
	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(t, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	done := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			kept := make([]map[string]any, 0, len(rows))
			for _, r := range rows {
				rec, err := bind.Apply(r)
				if err != nil {
					done <- err
					return
				}
				kept = append(kept, rec)
			}
			runtime.GC()
			for i, rec := range kept {
				if rec["uid"] != fmt.Sprintf("K-%d", i) || rec["mail_url"] != strings.ToLower(fmt.Sprintf("Lukasz.Wojcik%d@Firma.pl", i)) ||
					rec["recv.castInn"] != "5250001234" || rec["address"] != fmt.Sprintf("ul. Piotrkowska %d, 90-926, Łódź", i%200) {
					done <- fmt.Errorf("record %d changed: %v", i, rec)
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		assert.NoError(t, <-done)
	}
}

// TestStepsWriteSameTextToRowBuffer checks that a transform writing into
// Apply's row buffer gives what it gives on its own, and that texts
// already handed out stay as they were while the buffer grows.
func TestStepsWriteSameTextToRowBuffer(t *testing.T) {
	tests := []struct {
		name, op, in string
	}{
		{"lower ascii", "lower", "Jan.Kowalski@Firma.PL"},
		{"lower already", "lower", "jan@firma.pl"},
		{"lower polish", "lower", "ŁUKASZ Wójcik"},
		{"lower russian", "lower", "ИВАН Петров"},
		{"upper ascii", "upper", "pl"},
		{"upper russian", "upper", "москва"},
		{"digits", "digits", "525-000-12-34"},
		{"digits only", "digits", "5250001234"},
		{"phone spaced", "phone", "+48 601 234 567"},
		{"phone national", "phone", "601-234-567"},
		{"phone e164", "phone", "+48601234567"},
		{"phone russian", "phone", "8 (916) 123-45-67"},
		{"phone bad", "phone", "12"},
		{"trim", "trim", "\u00a0 Łódź "},
		{"email", "email", " jan@firma.pl"},
	}
	var w strings.Builder
	var got, want []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := stringTransform(tt.op, "")
			require.NoError(t, err)
			if tt.name == "phone russian" {
				st.region = "RU"
			}
			alone, errAlone := st.run(tt.in, nil)
			buffered, errBuf := st.run(tt.in, &w)
			assert.Equal(t, errAlone, errBuf)
			assert.Equal(t, alone, buffered)
			got, want = append(got, buffered), append(want, alone)
		})
	}
	assert.Equal(t, want, got, "texts handed out earlier changed as the buffer grew")
}

// TestApplyErrorsNameTheirColumns: every bad cell's error carries the
// places of its source columns in the header, so a report can mark them.
func TestApplyErrorsNameTheirColumns(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: salesman\nfields:\n  title: {columns: [Imię, Nazwisko]}\n  mail_url: {column: E-mail, transform: [email]}\n"), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Uwagi", "E-mail", "Nazwisko", "Imię"}, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	_, err = b.Apply(sheet.Row{Line: 2, Cells: []sheet.Cell{{}, {Text: "jan@", Kind: sheet.KindText}, {}, {}}})
	require.Error(t, err)
	var cols [][]int
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *sheet.CellError
		require.ErrorAs(t, e, &ce)
		cols = append(cols, ce.ColumnIndexes)
	}
	assert.Equal(t, [][]int{{3, 2}, {1}}, cols, "title from Imię + Nazwisko (empty), mail_url from E-mail")
}

func TestBindingFieldColumns(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: salesman\nfields:\n  title: {columns: [Imię, Nazwisko]}\n  mail_url: E-mail\n  type: {value: client}\n"), vendors)
	require.NoError(t, err)
	b, err := m.Bind([]string{"Uwagi", "E-mail", "Nazwisko", "Imię"}, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 2}, b.FieldColumns("title"))
	assert.Equal(t, []int{1}, b.FieldColumns("mail_url"))
	assert.Nil(t, b.FieldColumns("type"), "a constant has no column")
	assert.Nil(t, b.FieldColumns("phone"), "not in the mapping")
}

// TestApplyIntoKeepsEveryRowsText maps many rows into one TextBuffer,
// keeping every row's values, and checks each against Apply afterwards:
// later rows (and new blocks) never change a text handed out.
func TestApplyIntoKeepsEveryRowsText(t *testing.T) {
	header, rows := readAll(t, benchCSV(3000))
	m, err := Parse("bench.yaml", []byte(benchMapping), vendors)
	require.NoError(t, err)
	bind, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	names := bind.FieldNames()
	long := strings.Repeat("ulica bardzo długa ", 400) // past a block's room: the buffer grows mid-row
	rows[100].Cells[slices.Index(header, "Ulica")] = sheet.Cell{Text: long, Kind: sheet.KindText}
	var buf TextBuffer
	kept := make([][]Value, len(rows))
	for i, row := range rows {
		kept[i] = make([]Value, len(names))
		require.NoError(t, bind.ApplyInto(row, kept[i], &buf), "line %d", row.Line)
	}
	runtime.GC()
	for i, row := range rows {
		want, err := bind.Apply(row)
		require.NoError(t, err)
		assert.Equal(t, want, bind.Record(kept[i]), "line %d", row.Line)
	}
	assert.Contains(t, bind.Record(kept[100])["address"], strings.TrimSpace(long))
}

// TestHas4ByteMatchesByteLoop checks the eight-bytes-a-step search for a
// byte starting a 4-byte character against a plain loop: every byte
// value at every place of strings up to 17 bytes long, among bytes just
// below the bound (0xEF, 0xE0, 0x7F) that a search across bytes could
// mistake for one.
func TestHas4ByteMatchesByteLoop(t *testing.T) {
	background := []byte{'a', 0xEF, 0xE0, 0x7F, 0xC5, 0x82, 0xBF, 0x0F}
	for n := 0; n <= 17; n++ {
		for pos := 0; pos < max(n, 1); pos++ {
			for v := 0; v < 256; v++ {
				b := make([]byte, n)
				for i := range b {
					b[i] = background[(i*3+v)%len(background)]
				}
				if n > 0 {
					b[pos] = byte(v)
				}
				want := false
				for _, c := range b {
					want = want || c >= 0xF0
				}
				if got := has4Byte(string(b)); got != want {
					t.Fatalf("%x: has4Byte %v, want %v", b, got, want)
				}
			}
		}
	}
}
