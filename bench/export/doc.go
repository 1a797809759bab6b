// Package export benchmarks `crmport export` (issue 7 item 8): every
// client of a seeded SalesMan emulator, paged through the real client
// (crm/salesman) behind crm/retry with no pacing, written by the exporter
// into the sheet package's XLSX and CSV sinks in a temporary file.
//
// In-process (one process holds the emulator's store and the export):
//
//	go test ./bench/export -run '^$' -bench Export -benchtime=1x
//	CRMPORT_BENCH_EXPORT_N=100000,1000000 go test ./bench/export -run '^$' -bench Export -benchtime=1x -timeout 60m
//
// The benchmark reports clients/s, the Go heap in use at its peak during
// the export minus the heap before it (export-heap-MiB: the export's own
// memory, the store excluded), and the process's peak RSS (peak-RSS-MiB,
// store included; Unix only).
//
// Separate processes (the emulator in one, the real crmport binary in
// another, measured with /usr/bin/time -v), which is the number that
// reflects crmport's own memory:
//
//	bench/export/run.sh 100000 1000000
//
// The baseline the issue compares with, excelize's StreamWriter alone
// writing 100,000 rows of 20 columns:
//
//	go test ./bench/export -run '^$' -bench StreamWriter -benchtime=1x
//
// Results: RESULTS.md in this directory.
package export
