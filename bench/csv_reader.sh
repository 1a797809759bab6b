#!/bin/sh
# The CSV record reader (sheet/csvreader.go) against encoding/csv on the
# same generated files: 200,000 contacts × 20 columns, ';', CRLF, UTF-8
# ("excel": quoted where Excel quotes; "quoted": every cell quoted). The
# "ours/csv" column is the median, over the iterations, of the two
# readers' times side by side in one iteration: it holds on a shared
# machine where separate benchmarks' times drift. See bench/RESULTS.md.
#
#   sh bench/csv_reader.sh [COUNT]
set -eu
count=${1:-3}
go test ./sheet -run '^$' -bench 'ReaderFileRatio|ReaderFile$|ReaderFileEncodingCSV$' -benchmem -benchtime 20x -count "$count"
