// Package job runs crmport's jobs — import, export, mapping init, mapping
// check, fields, preview and the sandbox — for any front end: the command
// line (cmd/crmport) and the local web page call the same functions with
// plain settings and get the same results.
//
// Why a package of its own, not entries in importer and exporter: a job
// is more than the engine it drives. An import loads the mapping, reads
// the file's first bytes to choose how to read it, opens the vendor (or
// the in-process sandbox) from the CRMPORT_* settings, wraps it with the
// retry and pacing policy, takes the run lock, warns about switched-off
// fields and then runs importer.Run; an export does the same around
// exporter.Run with a temporary file renamed at the end. importer and
// exporter stay engines that know nothing of settings, locks or vendors'
// registries, and this package is the one place that puts them together.
//
// A job reports while it runs through one interface, Events (progress,
// retry notices, warnings), and returns its outcome as data (ImportResult,
// ExportResult, …) or a typed error (UsageError, *MappingProblems,
// importer's journal errors…). Nothing here words advice for a particular
// front end: which flag or button to use next is the front end's to say.
//
// The types a front end needs to read results are re-exported here as
// aliases (vocab.go), so a front end imports this package, the vendor
// registry and its own I/O, and nothing else of crmport's.
package job
