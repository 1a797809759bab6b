// Package web is crmport's local web page (`crmport ui`): one page that
// walks a person through the whole import — file, CRM, mapping, check,
// import — and the export, for people who never open a terminal.
//
// It is a front end like the command line: every step calls the job layer
// (package job) with plain settings and renders its results and events;
// nothing here reads a spreadsheet, guesses a mapping or talks to a CRM by
// itself. The server listens on the loopback address only, and every
// request must carry the random secret of the address it printed (then a
// cookie) and that address as its Host, so neither another web site in the
// same browser nor a DNS-rebinding page can drive it. Credentials typed
// into the page live in the process's memory only.
//
// The page is html/template plus a little plain JavaScript and CSS,
// embedded in the binary: there is no build step.
package web
