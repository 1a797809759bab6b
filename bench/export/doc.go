// Package export is the harness of the `crmport export` benchmarks (issue 7
// item 8), which live in package bench (bench/export_bench_test.go: one
// test binary for every benchmark): every client of a seeded SalesMan
// emulator, paged through the real client (crm/salesman) behind crm/retry
// with no pacing, written by the exporter into the sheet package's XLSX and
// CSV sinks in a temporary file.
//
// In-process (one process holds the emulator's store and the export):
//
//	go test -tags bench ./bench -run '^$' -bench Export -benchtime=1x
//	CRMPORT_BENCH_EXPORT_N=100000,1000000 go test -tags bench ./bench -run '^$' -bench Export -benchtime=1x -timeout 60m
//
// The benchmark reports wall-s, cpu-s (steadier on a shared machine),
// clients/s, the live Go heap the export adds at its peak (export-live-MiB:
// the export's own memory, the store excluded; export-heap-MiB also counts
// garbage not yet collected), and the process's peak RSS (peak-RSS-MiB,
// store included; Unix only). With CRMPORT_BENCH_EXPORT_URL set to the root
// of a sandbox served by smserve (seeded with the one size given in
// CRMPORT_BENCH_EXPORT_N), it exports from there and profiles hold only
// crmport's side.
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
//	go test -tags bench ./bench -run '^$' -bench StreamWriter -benchtime=1x
//
// Results: RESULTS.md in this directory.
package export
