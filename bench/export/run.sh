#!/usr/bin/env bash
# Measures `crmport export` alone: a seeded SalesMan emulator runs in its own
# process (bench/export/smserve), the real crmport binary exports every client
# to XLSX and to CSV under /usr/bin/time -v (wall time, CPU time, peak RSS).
#
#   bench/export/run.sh [N ...]        # default: 100000
#   bench/export/run.sh 100000 1000000
#
# Needs GNU time (Debian: apt-get install -y time). Run from anywhere inside
# the repository. Prints one line per run, e.g.
#   clients=100000 format=xlsx wall=12.3s cpu=14.1s peak_rss=61MiB file=18MiB
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/../lib.sh"
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
bench_init

for n in "${sizes[@]}"; do
	start_smserve "$n"
	echo "# $(cat "$tmp/smserve.log")"
	for format in xlsx csv; do
		out="$tmp/clients.$format"
		/usr/bin/time -v -o "$tmp/time.txt" "$tmp/crmport" export --vendor salesman --rate 0 -q --json -o "$out" >"$tmp/summary.json"
		wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt")
		user=$(sed -n 's/.*User time (seconds): //p' "$tmp/time.txt")
		sys=$(sed -n 's/.*System time (seconds): //p' "$tmp/time.txt")
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
		rows=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$tmp/summary.json")
		size=$(( $(stat -c %s "$out") / 1048576 ))
		printf 'clients=%s format=%s rows=%s wall=%s cpu=%.1fs peak_rss=%dMiB file=%dMiB\n' \
			"$n" "$format" "$rows" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$size"
		[ "$rows" = "$n" ] || { echo "run.sh: exported $rows clients, expected $n" >&2; exit 1; }
		rm -f "$out"
	done
	echo "# emulator process peak RSS: $(awk '/VmHWM/ {printf "%d MiB", $2/1024}' "/proc/$srv/status" 2>/dev/null || echo unknown)"
	stop_smserve
done
