#!/bin/sh
# Peak RSS and wall time of a 1,000,000-row × 20-column dry run, next to a
# bare encoding/csv read of the same file. Needs GNU time (/usr/bin/time).
#
#   sh bench/dryrun_rss.sh [ROWS]
set -eu
rows=${1:-1000000}
tmp=${TMPDIR:-/tmp}
data="$tmp/crmport-bench-$rows.csv"
bin="$tmp/crmport-bench-bin"
[ -f "$data" ] || go run ./bench/gen -rows "$rows" -o "$data"
go build -o "$bin/crmport" ./cmd/crmport
go build -o "$bin/csvread" ./bench/csvread
echo "== bare encoding/csv read"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin/csvread" "$data"
echo "== crmport import --dry-run"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin/crmport" import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp" "$data"
