#!/bin/sh
# Peak RSS and wall time of a ROWS-row × 20-column dry run, next to a bare
# encoding/csv read of the same file, and their ratio (issue 18's CSV row:
# the goal is a dry run within 2× of the bare read, under 64 MiB). Needs GNU
# time (/usr/bin/time). On a shared machine run it a few times, or use
# farm-bench --vs for paired medians.
#
#   sh bench/dryrun_rss.sh [ROWS]      # default 1000000
set -eu
rows=${1:-1000000}
tmp=${TMPDIR:-/tmp}
data="$tmp/crmport-bench-$rows.csv"
bin="$tmp/crmport-bench-bin"
[ -f "$data" ] || go run ./bench/gen -rows "$rows" -o "$data"
go build -o "$bin/crmport" ./cmd/crmport
go build -o "$bin/csvread" ./bench/csvread
echo "== bare encoding/csv read"
/usr/bin/time -f "%e %M" -o "$bin/bare.time" "$bin/csvread" "$data"
echo "== plain encoding/csv read (no buffer of its own, a record per row)"
/usr/bin/time -f "%e %M" -o "$bin/plain.time" "$bin/csvread" -plain "$data"
echo "== crmport import --dry-run"
/usr/bin/time -f "%e %M" -o "$bin/dry.time" "$bin/crmport" import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp" "$data"
read -r bw br <"$bin/bare.time"
read -r pw pr <"$bin/plain.time"
read -r dw dr <"$bin/dry.time"
awk -v bw="$bw" -v br="$br" -v pw="$pw" -v dw="$dw" -v dr="$dr" 'BEGIN {
	printf "bare read:  %.2f s, peak RSS %.1f MiB\n", bw, br / 1024
	printf "plain read: %.2f s\n", pw
	printf "dry run:    %.2f s, peak RSS %.1f MiB\n", dw, dr / 1024
	printf "ratio dry run / bare read: %.2f (goal <= 2)\n", dw / bw
	printf "ratio dry run / plain read: %.2f\n", dw / pw
}'
