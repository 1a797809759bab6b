package main

import (
	"net/http"

	"github.com/crmport/crmport/crm/httptrace"
)

// transport returns the RoundTripper of every vendor HTTP client: with
// --debug, one trace line per request on stderr with every secret hidden.
func (f *factory) transport() http.RoundTripper {
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	if f.Debug {
		rt = httptrace.Transport(rt, f.IOStreams.ErrOut, f.secrets)
	}
	if f.wrapTransport != nil {
		rt = f.wrapTransport(rt)
	}
	return rt
}

// secrets lists the values of every secret CRMPORT_* variable, so the trace
// can hide them wherever they appear.
func (f *factory) secrets() []string {
	var out []string
	for _, name := range f.vendors().Names() {
		reg, err := f.vendors().Lookup(name)
		if err != nil {
			continue
		}
		for _, e := range reg.Env {
			if v := f.Getenv(e.Name); e.Secret && v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}
