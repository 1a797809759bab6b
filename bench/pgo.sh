#!/usr/bin/env bash
# Writes cmd/crmport/default.pgo: the CPU profile `go build` uses to
# optimise the program for what it spends its time on (profile-guided
# optimisation: hot calls inlined, interface calls to the usual type made
# direct). The profile is of the work bench/table.sh measures, each run
# with the profiling build (-tags profile): a dry run of a 1,000,000-row
# CSV and of a 100,000-row XLSX, a real import of 100,000 rows into the
# SalesMan emulator, and an export of 100,000 clients to XLSX. Run it again
# when the hot paths change (an old profile costs nothing but the gain).
#
#   bash bench/pgo.sh
#
# Needs /usr/bin/python3 with xlsxwriter for the XLSX file (Debian:
# apt-get install -y python3-xlsxwriter), as file_side.sh does.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
go build -tags profile -o "$tmp/crmport-prof" ./cmd/crmport
data="${TMPDIR:-/tmp}/crmport-bench-1000000.csv"
[ -f "$data" ] || go run ./bench/gen -rows 1000000 -o "$data"
small="${TMPDIR:-/tmp}/crmport-bench-100000.csv"
[ -f "$small" ] || go run ./bench/gen -rows 100000 -o "$small"
run() { # name, then the command's arguments
	local name=$1
	shift
	echo "== $name"
	if ! CRMPORT_CPUPROFILE="$tmp/$name.prof" "$tmp/crmport-prof" "$@" >"$tmp/$name.out" 2>&1; then
		cat "$tmp/$name.out" >&2
		echo "pgo.sh: $name failed" >&2
		exit 1
	fi
}
mkdir -p "$tmp/reports"
run csv1 import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp/reports" "$data"
run csv2 import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp/reports" "$data"
/usr/bin/python3 - "$small" "$tmp/contacts.xlsx" <<'PY'
import csv, sys, xlsxwriter
wb = xlsxwriter.Workbook(sys.argv[2], {"constant_memory": True, "strings_to_urls": False})
ws = wb.add_worksheet()
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for r, row in enumerate(csv.reader(f, delimiter=";")):
        ws.write_row(r, 0, row)
wb.close()
PY
run xlsx import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp/reports" "$tmp/contacts.xlsx"
start_smserve 100000
run export export --vendor salesman --rate 0 -q -o "$tmp/out.xlsx"
run import import -q --rate 0 --restart -m bench/salesman.yaml --report-dir "$tmp/reports" "$small"
stop_smserve
go tool pprof -proto "$tmp"/*.prof >cmd/crmport/default.pgo
echo "wrote cmd/crmport/default.pgo ($(wc -c <cmd/crmport/default.pgo) bytes)"
