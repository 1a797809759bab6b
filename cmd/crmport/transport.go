package main

import "net/http"

// transport returns the RoundTripper of every vendor HTTP client.
func (f *factory) transport() http.RoundTripper {
	return http.DefaultTransport.(*http.Transport).Clone()
}
