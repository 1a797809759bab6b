#!/usr/bin/env bash
# Peak RSS and wall time of a real import of ROWS generated contacts into the
# SalesMan emulator running in its own process (`crmport sandbox`), so the
# figure is crmport's own memory: the journal, the duplicate check, the
# reports. Needs GNU time (/usr/bin/time).
#
#   bash bench/import_rss.sh [ROWS ...]     # default: 100000 1000000
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
[ -x /usr/bin/time ] || { echo "import_rss.sh: /usr/bin/time is missing: apt-get install -y time" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
bench_init

for n in "${sizes[@]}"; do
	data="${TMPDIR:-/tmp}/crmport-bench-$n.csv"
	[ -f "$data" ] || go run ./bench/gen -rows "$n" -o "$data"
	"$tmp/crmport" sandbox --addr 127.0.0.1:0 >"$tmp/sandbox.env" 2>"$tmp/sandbox.log" &
	sb=$!
	until grep -q '^export CRMPORT_SALESMAN_URL=' "$tmp/sandbox.env"; do
		kill -0 "$sb" 2>/dev/null || { cat "$tmp/sandbox.log" >&2; exit 1; }
		sleep 0.2
	done
	# shellcheck disable=SC1090
	source "$tmp/sandbox.env"
	mkdir -p "$tmp/reports"
	/usr/bin/time -f "%e %M" -o "$tmp/time.txt" "$tmp/crmport" import -q --rate 0 --restart \
		-m bench/salesman.yaml --report-dir "$tmp/reports" "$data" >"$tmp/out.txt" 2>&1 || { cat "$tmp/out.txt" >&2; kill "$sb"; exit 1; }
	read -r wall rss <"$tmp/time.txt"
	printf 'rows=%s wall=%ss peak_rss=%.1fMiB\n' "$n" "$wall" "$(echo "$rss / 1024" | bc -l)"
	kill "$sb"
	wait "$sb" 2>/dev/null || true
	rm -rf "$tmp/reports"
done
