#!/bin/sh
# Peak RSS and wall time of a ROWS-row × 20-column dry run, next to a bare
# encoding/csv read of the same file, and their ratio (issue 18's CSV row:
# the goal is a dry run within 2× of the bare read, under 64 MiB). Needs GNU
# time (/usr/bin/time). The three commands run in turn ROUNDS times (default
# 3: bare, plain, dry run, bare, …) and each figure is the median of its
# rounds, so that a drift of the machine's speed touches all three alike.
#
#   sh bench/dryrun_rss.sh [ROWS]      # default 1000000
#   ROUNDS=5 sh bench/dryrun_rss.sh
set -eu
rows=${1:-1000000}
rounds=${ROUNDS:-3}
tmp=${TMPDIR:-/tmp}
data="$tmp/crmport-bench-$rows.csv"
bin="$tmp/crmport-bench-bin"
[ -f "$data" ] || go run ./bench/gen -rows "$rows" -o "$data"
go build -o "$bin/crmport" ./cmd/crmport
go build -o "$bin/csvread" ./bench/csvread
: >"$bin/times"
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	echo "== round $i of $rounds: bare read, plain read (no buffer of its own, a record per row), crmport import --dry-run"
	/usr/bin/time -f "bare %e %M" -a -o "$bin/times" "$bin/csvread" "$data"
	/usr/bin/time -f "plain %e %M" -a -o "$bin/times" "$bin/csvread" -plain "$data"
	/usr/bin/time -f "dry %e %M" -a -o "$bin/times" "$bin/crmport" import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp" "$data"
done
awk '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{ n[$1]++; w[$1, n[$1]] = $2; r[$1, n[$1]] = $3 }
END {
	# Each round ran the three within seconds: the ratio of a round is
	# measured in one minute of the machine, whose speed drifts.
	for (i = 1; i <= n["dry"]; i++) { rb[i] = w["dry", i] / w["bare", i]; rp[i] = w["dry", i] / w["plain", i] }
	for (k in n) {
		for (i = 1; i <= n[k]; i++) { ww[i] = w[k, i]; rr[i] = r[k, i] }
		mw[k] = median(ww, n[k]); mr[k] = median(rr, n[k])
	}
	printf "bare read:  %.2f s, peak RSS %.1f MiB (median of %d)\n", mw["bare"], mr["bare"] / 1024, n["bare"]
	printf "plain read: %.2f s\n", mw["plain"]
	printf "dry run:    %.2f s, peak RSS %.1f MiB\n", mw["dry"], mr["dry"] / 1024
	printf "ratio dry run / bare read: %.2f (goal <= 2)\n", mw["dry"] / mw["bare"]
	printf "ratio dry run / plain read: %.2f\n", mw["dry"] / mw["plain"]
	printf "ratio within each round, median: %.2f bare, %.2f plain\n", median(rb, n["dry"]), median(rp, n["dry"])
}' "$bin/times"
