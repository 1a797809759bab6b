// Package sandbox serves the three vendor emulators (SalesMan, Thulium,
// BaseLinker) on one local listener, for `crmport sandbox` and for
// `--sandbox` on the other commands, which start it in-process.
//
// Paths and fixed credentials (DESIGN.md § Sandbox):
//
//	http://ADDR/salesman/developer/v3/client/...   login sandbox@example.com, apikey sandbox-key
//	http://ADDR/thulium/api/customers              user sandbox, password sandbox
//	http://ADDR/baselinker/connector.php           token sandbox-token
//
// Env gives the CRMPORT_* variables that point crmport at it.
//
// With Options.StateFile the three stores are loaded at start (if the file
// exists), saved every Options.SaveEvery while running and on Close. A save
// writes a temporary file in the same directory, syncs it and renames it
// over the old one, so the file is never half-written. When a state file
// was loaded, Options.Seed is not applied again (restarts do not pile up
// seeded clients).
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/crmport/crmport/crm"
	blfake "github.com/crmport/crmport/crm/baselinker/fake"
	smfake "github.com/crmport/crmport/crm/salesman/fake"
	thfake "github.com/crmport/crmport/crm/thulium/fake"
)

// DefaultAddr is the listen address when Options.Addr is empty: loopback,
// a free port.
const DefaultAddr = "127.0.0.1:0"

// DefaultSaveEvery is how often the state file is saved while running.
const DefaultSaveEvery = 10 * time.Second

// Vendor names, the keys of Fakes.
const (
	SalesMan   = "salesman"
	Thulium    = "thulium"
	BaseLinker = "baselinker"
)

// Options configures a sandbox. The zero value serves empty emulators on a
// free loopback port, without faults, latency or BaseLinker limit.
type Options struct {
	Addr            string           // listen address; "" = DefaultAddr
	Seed            int              // realistic Polish/Russian clients put in each emulator at start
	Latency         time.Duration    // added before every answer
	Faults          float64          // fraction of requests answered with a random transient fault
	FaultSeed       int64            // seed of the fault generator; 0 = 1 (reproducible)
	BaseLinkerLimit int              // BaseLinker requests per minute (the real API: 100); 0 = no limit
	StateFile       string           // keep the stores across restarts in this JSON file; "" = in memory
	SaveEvery       time.Duration    // state save interval; 0 = DefaultSaveEvery
	Now             func() time.Time // clock for the emulators; nil = time.Now
}

// Sandbox is a running set of emulators.
type Sandbox struct {
	opt   Options
	ln    net.Listener
	srv   *http.Server
	sm    *smfake.Fake
	th    *thfake.Fake
	bl    *blfake.Fake
	url   string
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	err   error
	saveM sync.Mutex
	saved []byte

	connM sync.Mutex
	fresh map[net.Conn]struct{} // connections that have not sent a request yet
}

// Handler serves the three emulators under /salesman, /thulium and
// /baselinker, and answers anything else with a 404 naming those paths.
func Handler(salesman, thulium, baselinker http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/salesman/", http.StripPrefix("/salesman", salesman))
	mux.Handle("/thulium/", http.StripPrefix("/thulium", thulium))
	mux.Handle("/baselinker/", http.StripPrefix("/baselinker", baselinker))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, fmt.Sprintf("crmport sandbox: nothing at %s; the emulators are at /salesman/developer/v3/client/..., /thulium/api/customers and /baselinker/connector.php", r.URL.Path), http.StatusNotFound)
	})
	return mux
}

// Start builds the emulators, loads or seeds their stores and serves them
// until ctx is cancelled or Close is called (either shuts the server down
// cleanly and saves the state).
func Start(ctx context.Context, opt Options) (*Sandbox, error) {
	if opt.Addr == "" {
		opt.Addr = DefaultAddr
	}
	if opt.SaveEvery <= 0 {
		opt.SaveEvery = DefaultSaveEvery
	}
	if opt.FaultSeed == 0 {
		opt.FaultSeed = 1
	}
	if opt.Faults < 0 || opt.Faults > 1 {
		return nil, fmt.Errorf("sandbox: fault rate %v is out of range: give a fraction from 0 to 1, e.g. 0.2", opt.Faults)
	}
	if opt.BaseLinkerLimit < 0 {
		return nil, fmt.Errorf("sandbox: BaseLinker limit %d is negative: give requests per minute (100 as the real API), or 0 for no limit", opt.BaseLinkerLimit)
	}
	if opt.Seed < 0 {
		return nil, fmt.Errorf("sandbox: seed count %d is negative: give how many clients to create per vendor", opt.Seed)
	}
	s := &Sandbox{
		opt:  opt,
		sm:   smfake.New(smfake.Options{Now: opt.Now}),
		th:   thfake.New(thfake.Options{Now: opt.Now}),
		bl:   blfake.New(blfake.Options{Now: opt.Now, Limit: opt.BaseLinkerLimit}),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	loaded := false
	if opt.StateFile != "" {
		var err error
		if loaded, err = s.load(); err != nil {
			return nil, err
		}
	}
	if !loaded && opt.Seed > 0 {
		s.sm.Seed(SalesManRecords(opt.Seed))
		s.th.Seed(ThuliumRecords(opt.Seed))
		s.bl.Seed(BaseLinkerRecords(opt.Seed))
	}
	for i, f := range []crm.Fake{s.sm, s.th, s.bl} {
		if opt.Faults > 0 {
			f.SetFaultRate(opt.Faults, opt.FaultSeed+int64(i))
		}
		if opt.Latency > 0 {
			f.SetLatency(opt.Latency)
		}
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: cannot listen on %s (is another sandbox running? choose another address): %w", opt.Addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           Handler(s.sm, s.th, s.bl),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ConnState:         s.trackFresh,
	}
	if opt.StateFile != "" {
		if err := s.Save(); err != nil {
			_ = ln.Close()
			return nil, err
		}
	}
	go func() { _ = s.srv.Serve(ln) }()
	go s.run(ctx)
	return s, nil
}

// run saves periodically and shuts down on ctx cancellation or Close.
func (s *Sandbox) run(ctx context.Context) {
	var tick <-chan time.Time
	if s.opt.StateFile != "" {
		t := time.NewTicker(s.opt.SaveEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-tick:
			_ = s.Save()
		case <-ctx.Done():
			s.shutdown()
			return
		case <-s.stop:
			s.shutdown()
			return
		}
	}
}

// trackFresh keeps the connections a client opened but has sent nothing on
// yet (an HTTP client may dial one ahead, or for a request it then
// cancelled).
func (s *Sandbox) trackFresh(c net.Conn, st http.ConnState) {
	s.connM.Lock()
	defer s.connM.Unlock()
	if st == http.StateNew {
		if s.fresh == nil {
			s.fresh = map[net.Conn]struct{}{}
		}
		s.fresh[c] = struct{}{}
		return
	}
	delete(s.fresh, c)
}

// shutdown lets requests being answered finish (5 s at most), then stops.
// Connections that never sent a request are closed at once: http.Server's
// Shutdown would wait 5 s for each before taking it for idle, and a
// client's spare connection kept every stop of the sandbox (and of the
// page with its practice CRM) waiting that long.
func (s *Sandbox) shutdown() {
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.srv.SetKeepAlivesEnabled(false)
	s.connM.Lock()
	for c := range s.fresh {
		_ = c.Close()
	}
	s.connM.Unlock()
	err := s.srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	if s.opt.StateFile != "" {
		if serr := s.Save(); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	s.err = err
	close(s.done)
}

// Close stops serving (letting answers in flight finish), saves the state
// file and returns the first error of either. It is safe to call twice.
func (s *Sandbox) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return s.err
}

// Done is closed once the sandbox has shut down (after ctx cancellation or
// Close) and its state has been saved.
func (s *Sandbox) Done() <-chan struct{} { return s.done }

// Err returns the shutdown or final save error, once Done is closed.
func (s *Sandbox) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// URL returns the sandbox root, e.g. "http://127.0.0.1:8765".
func (s *Sandbox) URL() string { return s.url }

// Env returns the CRMPORT_* variables that point crmport at the sandbox,
// as KEY=value strings in a fixed order.
func (s *Sandbox) Env() []string {
	return []string{
		"CRMPORT_SALESMAN_URL=" + s.url + "/salesman",
		"CRMPORT_SALESMAN_LOGIN=" + smfake.DefaultLogin,
		"CRMPORT_SALESMAN_APIKEY=" + smfake.DefaultAPIKey,
		"CRMPORT_THULIUM_URL=" + s.url + "/thulium",
		"CRMPORT_THULIUM_USER=" + thfake.DefaultUser,
		"CRMPORT_THULIUM_PASSWORD=" + thfake.DefaultPassword,
		"CRMPORT_BASELINKER_URL=" + s.url + "/baselinker/connector.php",
		"CRMPORT_BASELINKER_TOKEN=" + blfake.DefaultToken,
	}
}

// Fakes returns the emulators by vendor name ("salesman", "thulium",
// "baselinker"), for tests that inject faults or read the stores.
func (s *Sandbox) Fakes() map[string]crm.Fake {
	return map[string]crm.Fake{SalesMan: s.sm, Thulium: s.th, BaseLinker: s.bl}
}

// stateFile is the JSON layout of Options.StateFile.
type stateFile struct {
	Version    int             `json:"version"`
	SalesMan   json.RawMessage `json:"salesman"`
	Thulium    json.RawMessage `json:"thulium"`
	BaseLinker json.RawMessage `json:"baselinker"`
}

func (s *Sandbox) load() (bool, error) {
	data, err := os.ReadFile(s.opt.StateFile)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sandbox: read state file %s: %w", s.opt.StateFile, err)
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil || st.Version != 1 {
		if err == nil {
			err = fmt.Errorf("unknown version %d", st.Version)
		}
		return false, fmt.Errorf("sandbox: state file %s is not a crmport sandbox state (move it away to start empty): %w", s.opt.StateFile, err)
	}
	for _, p := range []struct {
		raw json.RawMessage
		f   crm.Fake
	}{{st.SalesMan, s.sm}, {st.Thulium, s.th}, {st.BaseLinker, s.bl}} {
		if len(p.raw) == 0 || string(p.raw) == "null" {
			continue
		}
		if err := p.f.LoadState(p.raw); err != nil {
			return false, fmt.Errorf("sandbox: state file %s (move it away to start empty): %w", s.opt.StateFile, err)
		}
	}
	s.saved = data
	return true, nil
}

// Save writes the state file now (it does nothing without
// Options.StateFile or when nothing changed since the last save).
func (s *Sandbox) Save() error {
	if s.opt.StateFile == "" {
		return nil
	}
	s.saveM.Lock()
	defer s.saveM.Unlock()
	st := stateFile{Version: 1}
	var err error
	if st.SalesMan, err = s.sm.SaveState(); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if st.Thulium, err = s.th.SaveState(); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if st.BaseLinker, err = s.bl.SaveState(); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if bytes.Equal(data, s.saved) {
		return nil
	}
	if err := writeFileAtomic(s.opt.StateFile, data); err != nil {
		return fmt.Errorf("sandbox: save state to %s: %w", s.opt.StateFile, err)
	}
	s.saved = data
	return nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it
// and renames it over path: readers see the old file or the new one,
// never a half-written one.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, base+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return err
	}
	ok = true
	// Make the rename durable where directories can be synced (not on
	// Windows, where opening a directory fails: that is fine to ignore).
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
