package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/internal/iostreams"
)

// With --dedupe, Thulium and BaseLinker (which take a second copy of a
// client without a word) are asked first: a row whose client the CRM
// already holds ends "exists", never a second copy. A small file against
// a big CRM is looked up row by row; a big file against a small CRM
// reads the client list once. Transient faults change nothing.
func TestImportLooksTheCRMUpFirst(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"thulium", "baselinker"} {
		for _, tc := range []struct {
			name          string
			seeded, rows  int
			way, sentence string
		}{
			{"small file, big CRM", 2500, 6, "per-row", "look-ups row by row"},
			{"big file, small CRM", 5, 40, "list", "its client list was read once"},
		} {
			t.Run(vendor+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				y, title := contactsMapping(vendor)
				mp := filepath.Join(dir, "m.yaml")
				require.NoError(t, os.WriteFile(mp, []byte(y), 0o644))
				phone := map[string]string{"thulium": "phone_number", "baselinker": "phone"}[vendor]
				seed := make([]crm.Record, tc.seeded)
				for i := range seed {
					seed[i] = crm.Record{title: fmt.Sprintf("Stary %d", i), "email": fmt.Sprintf("stary%d@firma.pl", i), phone: fmt.Sprintf("+48 500 000 %03d", i)}
				}
				// Rows 2 and 3 are clients the CRM has (by e-mail written
				// otherwise, and by phone), the others are new.
				var b strings.Builder
				b.WriteString("Firma;Telefon;E-mail\n")
				fmt.Fprintf(&b, "Stary 0 bis;;  STARY0@firma.pl\n")
				fmt.Fprintf(&b, "Stary 1 bis;0048 500 000 001;inny@firma.pl\n")
				for i := 3; i <= tc.rows; i++ {
					fmt.Fprintf(&b, "Nowy %d;+48 600 000 %03d;nowy%d@firma.pl\n", i, i, i)
				}
				in := filepath.Join(dir, "k.csv")
				require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))

				ios, _, out, errOut := iostreams.Test()
				f := fastFactory(ios, nil)
				var fake crm.Fake
				f.onSandbox = func(sb *sandbox.Sandbox) {
					fake = sb.Fakes()[vendor]
					fake.Seed(seed)
					fake.SetFaultRate(0.15, 5)
				}
				code := run(t.Context(), f, []string{"import", "--sandbox", "--rate", "0", "--retries", "12", "--json", "--dedupe", "email,phone", "-m", mp, in})
				require.Equal(t, exitOK, code, errOut.String())
				assert.Contains(t, errOut.String(), tc.sentence)
				assert.Contains(t, out.String(), fmt.Sprintf(`"created":%d,`, tc.rows-2))
				assert.Contains(t, out.String(), `"exists":2,`)
				names := map[string]int{}
				for _, r := range fake.Records() {
					names[fmt.Sprint(r[title])]++
				}
				assert.Len(t, fake.Records(), tc.seeded+tc.rows-2, "no second copy of a client the CRM had")
				assert.Zero(t, names["Stary 0 bis"]+names["Stary 1 bis"])
				for n, c := range names {
					assert.Equal(t, 1, c, n)
				}
				done := importReadCSV(t, filepath.Join(dir, "k.csv."+vendor+".done.csv"), ';')
				status, id := importColumn(done, importer.ColStatus), importColumn(done, importer.ColID)
				assert.Equal(t, "exists", done[1][status])
				assert.Equal(t, "exists", done[2][status])
				assert.NotEmpty(t, done[1][id])
			})
		}
	}
}

// Killed (SIGKILL) in the middle of an import that looks rows up first,
// and run again: every row ends once, none of the clients the CRM had is
// copied, none of the new ones is created twice.
func TestImportLookUpKilledAndResumed(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, vendor := range []string{"thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			sb, env := startEnv(t, sandbox.Options{Latency: 3 * time.Millisecond})
			fake := sb.Fakes()[vendor]
			dir := t.TempDir()
			y, title := contactsMapping(vendor)
			mp := filepath.Join(dir, "m.yaml")
			require.NoError(t, os.WriteFile(mp, []byte(y), 0o644))
			seed := make([]crm.Record, 20)
			for i := range seed {
				seed[i] = crm.Record{title: fmt.Sprintf("Stary %d", i), "email": fmt.Sprintf("k%d@firma.pl", i+100)}
			}
			fake.Seed(seed)
			var b strings.Builder
			b.WriteString("Firma;Telefon;E-mail\n")
			for i := range 200 {
				fmt.Fprintf(&b, "Klient %d;+48 600 %03d %03d;k%d@firma.pl\n", i, i/1000, i%1000, i) // k100..k119 are in the CRM
			}
			in := filepath.Join(dir, "k.csv")
			require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
			args := []string{"import", "--rate", "0", "--workers", "2", "--dedupe", "email", "-m", mp, in}

			var envList []string
			for k, v := range env {
				envList = append(envList, k+"="+v)
			}
			child, childErr := startCrmport(t, envList, args...)
			deadline := time.Now().Add(20 * time.Second)
			for fake.Len() < 20+50 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			require.NoError(t, child.Process.Kill())
			_ = child.Wait()
			require.Less(t, fake.Len(), 20+180, childErr.String())

			ios, _, out, errOut := iostreams.Test()
			f := fastFactory(ios, env)
			code := run(t.Context(), f, append(args[:len(args)-1:len(args)-1], "--json", in))
			require.Equal(t, exitOK, code, errOut.String())
			assert.Contains(t, out.String(), `"created":180,`)
			assert.Contains(t, out.String(), `"exists":20,`)
			names := map[string]int{}
			for _, r := range fake.Records() {
				names[fmt.Sprint(r[title])]++
			}
			assert.Len(t, fake.Records(), 200)
			for n, c := range names {
				assert.Equal(t, 1, c, n)
			}
			for i := 100; i < 120; i++ {
				assert.Zero(t, names[fmt.Sprintf("Klient %d", i)], "client k%d was in the CRM already", i)
			}
		})
	}
}
