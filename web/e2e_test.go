package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// browserPath finds a Chromium or Chrome to drive; "" when there is none.
func browserPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// screenshotDir is where the end-to-end test saves a picture of each step
// (CRMPORT_SCREENSHOTS=docs, for the README); "" = none.
var screenshotDir = os.Getenv("CRMPORT_SCREENSHOTS")

// shot saves a picture of the page as ui-name.jpg in screenshotDir.
func shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if screenshotDir == "" {
			return nil
		}
		b, err := chromedp.FullScreenshot(60)(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(screenshotDir, "ui-"+name+".jpg"), b, 0o644)
	})
}

// into runs a and keeps its value in out.
func into[T any](a chromedp.Action[T], out *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		v, err := a(ctx, t)
		*out = v
		return err
	})
}

// fetchText reads a link of the page the way the browser downloads it.
func fetchText(sel string, out *string) chromedp.Action[chromedp.Void] {
	return into(chromedp.Evaluate[string](`fetch(document.querySelector('`+sel+`').href).then(r => r.ok ? r.text() : 'HTTP ' + r.status)`,
		chromedp.EvalAwaitPromise), out)
}

// fetchBase64 reads a binary link of the page as base64.
func fetchBase64(sel string, out *string) chromedp.Action[chromedp.Void] {
	return into(chromedp.Evaluate[string](`fetch(document.querySelector('`+sel+`').href).then(r => r.arrayBuffer()).then(b => {
		let s = ''; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s); })`, chromedp.EvalAwaitPromise), out)
}

// waitFor waits until the channel says so (the test's CRM holds a request).
func waitFor(c <-chan struct{}) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		select {
		case <-c:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// countsOf reads the page's table of counts (label, tab, number).
func countsOf(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// runSteps runs the steps in order; on a failure it says which step and what
// the page showed.
func runSteps(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, st := range steps {
		if err := chromedp.Do(ctx, st); err != nil {
			page, _ := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("step %d: %v\nthe page:\n%s", i+1, err, page)
		}
	}
}

// TestPageEndToEnd drives the page in a real headless browser as a person
// would: upload a sample, accept the guessed mapping, check, import into
// the practice CRM, download the done report, export to XLSX, then stop
// and resume a bigger import. Every file is read back.
func TestPageEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	bin := browserPath()
	if bin == "" {
		t.Skip("no Chromium found (install the chromium package): the end-to-end test of the page is skipped")
	}
	h := newHolder("thulium")
	p := startPage(t, h.env)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1200, 1000),
		// One process instead of a browser, a zygote, a GPU and a renderer
		// process: about a third of the test's CPU less.
		chromedp.Flag("single-process", true), chromedp.DisableGPU)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// Closed gracefully (it waits for its child processes) before the
	// contexts are cancelled, which would kill it and leave them behind.
	bctx := ctx
	defer func() { _ = chromedp.Cancel(bctx) }()
	// The first run starts the browser, for as long as ctx lives.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelT()

	sampleFile, err := filepath.Abs(filepath.Join("..", "samples", "klienty-ru.csv"))
	require.NoError(t, err)
	var encoding chromedp.AttributeResult
	var checkCounts, importCounts, doneReport, exported string
	runSteps(t, ctx,
		chromedp.Navigate(p.s.URL()),
		chromedp.WaitVisible(chromedp.CSS(`#upload`)),
		// 1. File
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{sampleFile}),
		chromedp.Click(chromedp.CSS(`#upload`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview tr:nth-child(3)`)),
		into(chromedp.AttributeValue(chromedp.CSS(`#d-encoding`), "placeholder"), &encoding),
		shot("1-file"),
		// 2. CRM: SalesMan, practice (ticked by default)
		chromedp.Click(chromedp.CSS(`input[name=vendor][value=salesman]`)),
		shot("2-crm"),
		// 3. Mapping: the guess, accepted
		chromedp.Click(chromedp.CSS(`#guess`)),
		chromedp.WaitVisible(chromedp.CSS(`#check-out .ok`)),
		// The key, chosen under the table: written into the mapping text.
		chromedp.SetValue(chromedp.CSS(`#map-key`), "mail_url"),
		chromedp.Evaluate[chromedp.Void](`void document.querySelector('#map-key').dispatchEvent(new Event('change'))`),
		chromedp.Poll[chromedp.Void](`/^key: mail_url$/m.test(document.querySelector('#yaml').value) && document.querySelector('#map-key').value === 'mail_url'`),
		chromedp.WaitVisible(chromedp.CSS(`#check-out .ok`)),
		shot("3-mapping"),
		// 4. Check
		chromedp.Click(chromedp.CSS(`#dry`)),
		chromedp.WaitVisible(chromedp.CSS(`#counts`)),
		into(chromedp.Text(chromedp.CSS(`#counts`)), &checkCounts),
		shot("4-check"),
		// 5. Import
		chromedp.Click(chromedp.CSS(`#import`)),
		chromedp.WaitVisible(chromedp.CSS(`#done-report`)),
		into(chromedp.Text(chromedp.CSS(`#counts`)), &importCounts),
		fetchText(`#done-report`, &doneReport),
		shot("5-import"),
		// Export to XLSX
		chromedp.Click(chromedp.CSS(`#export`)),
		chromedp.WaitVisible(chromedp.CSS(`#export-file`)),
		fetchBase64(`#export-file`, &exported),
		shot("6-export"),
	)
	assert.Contains(t, encoding.Value, "windows-1251")
	assert.Equal(t, "24", countsOf(checkCounts)["Would be sent"], checkCounts)
	assert.Equal(t, "24", countsOf(importCounts)["Created"], importCounts)
	assert.Contains(t, doneReport, "info@romashka.ru")
	assert.Len(t, h.sb.Load().Fakes()["salesman"].Records(), 24)
	x, err := base64.StdEncoding.DecodeString(exported)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(x))
	require.NoError(t, err)
	rows, err := f.GetRows(f.GetSheetName(0))
	require.NoError(t, err)
	assert.Len(t, rows, 25, "the header and the 24 imported clients")

	// Stop and resume, into Thulium's practice CRM.
	big := filepath.Join(t.TempDir(), "kontakty.csv")
	require.NoError(t, os.WriteFile(big, contacts(300), 0o600))
	h.hold.Store(true)
	var stopped, resumed string
	var before int
	runSteps(t, ctx,
		chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{big}),
		chromedp.Click(chromedp.CSS(`#upload`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview tr:nth-child(3)`)),
		chromedp.Click(chromedp.CSS(`input[name=vendor][value=thulium]`)),
		chromedp.Click(chromedp.CSS(`#guess`)),
		chromedp.WaitVisible(chromedp.CSS(`#check-out .ok`)),
		chromedp.Click(chromedp.CSS(`#import`)),
		waitFor(h.holding),
		chromedp.Click(chromedp.CSS(`#stop`)),
		chromedp.WaitVisible(chromedp.CSS(`#problem`)),
		into(chromedp.Text(chromedp.CSS(`#problem`)), &stopped),
		shot("5-stopped"),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			before = len(h.sb.Load().Fakes()["thulium"].Records())
			h.hold.Store(false)
			return nil
		}),
		chromedp.Click(chromedp.CSS(`#import`)),
		chromedp.WaitVisible(chromedp.CSS(`#done-report`)),
		into(chromedp.Text(chromedp.CSS(`#counts`)), &resumed),
	)
	assert.Contains(t, stopped, "Stopped")
	assert.GreaterOrEqual(t, before, 100)
	counts := countsOf(resumed)
	assert.Equal(t, fmt.Sprint(before), counts["Done by the earlier run"], resumed)
	assert.Equal(t, "300", counts["Created"], resumed)
	assert.Len(t, h.sb.Load().Fakes()["thulium"].Records(), 300, "no client twice")
	assert.True(t, strings.Contains(p.log.String(), "import of kontakty.csv ended"))
}
