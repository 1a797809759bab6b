package main

import (
	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/job"
)

// env is the job layer's view of the factory: settings, clock, vendors,
// the HTTP trace (with --debug) and the tests' hooks.
func (f *factory) env() *job.Env {
	e := &job.Env{
		Getenv:        f.Getenv,
		Now:           f.Now,
		Sleep:         f.Sleep,
		Vendors:       f.Vendors,
		WrapTransport: f.wrapTransport,
		OnSandbox:     f.onSandbox,
	}
	if f.Debug {
		e.Trace = f.IOStreams.ErrOut
	}
	return e
}

// vendors returns the registry the commands reach vendors through.
func (f *factory) vendors() *crm.Registry { return f.env().Registry() }

// vendorTitle is the vendor's name as people write it ("SalesMan").
func (f *factory) vendorTitle(v string) string { return f.env().Title(v) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
