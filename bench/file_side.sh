#!/usr/bin/env bash
# Reproduces two rows of issue 18's table in one run and prints the ratios:
#
#   export: `crmport export` of N SalesMan clients from a loopback sandbox
#           (bench/export/smserve, its own process) to XLSX, against
#           xlsxwriter (constant_memory) writing the same rows from CSV;
#   read:   `crmport import --dry-run` of an M-row XLSX written by
#           xlsxwriter (bench/gen's contacts, SalesMan mapping), against
#           xlsx2csv converting the same file.
#
#   bench/file_side.sh [N [M]]            # defaults: 200000 100000
#   OLD=/path/to/crmport bench/file_side.sh   # also times an older binary,
#                                             # in turn with the new one
#
# Needs /usr/bin/time (GNU), python3 with xlsxwriter and xlsx2csv (Debian:
# apt-get install -y time python3-xlsxwriter xlsx2csv). Times are whole
# processes; on a shared machine compare the ratios, not the seconds.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
n=${1:-200000}
m=${2:-100000}
rounds=${ROUNDS:-3}
py=/usr/bin/python3
for need in /usr/bin/time xlsx2csv; do
	command -v "$need" >/dev/null || { echo "file_side.sh: $need is missing" >&2; exit 1; }
done
"$py" -c 'import xlsxwriter' || { echo "file_side.sh: python3 xlsxwriter is missing" >&2; exit 1; }

bench_init
bins=("$tmp/crmport")
[ -n "${OLD:-}" ] && bins+=("$OLD")

# timed LABEL CMD...: runs CMD under /usr/bin/time, appends "LABEL wall cpu rss" to $tmp/times.
timed() {
	local label=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	read -r wall user sys rss <"$tmp/t"
	printf '%s %s %.2f %d\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) >>"$tmp/times"
}

cat >"$tmp/csv2xlsx.py" <<'EOF'
import csv, sys, xlsxwriter
src, dst, delim = sys.argv[1], sys.argv[2], sys.argv[3]
wb = xlsxwriter.Workbook(dst, {"constant_memory": True, "strings_to_urls": False})
ws = wb.add_worksheet()
with open(src, newline="", encoding="utf-8-sig") as f:
    for r, row in enumerate(csv.reader(f, delimiter=delim)):
        ws.write_row(r, 0, row)
wb.close()
EOF

# --- export row ---
start_smserve "$n"
"$tmp/crmport" export --vendor salesman --rate 0 -q -o "$tmp/clients.csv" --delimiter ';' >/dev/null
delim=';'
for r in $(seq "$rounds"); do
	for b in "${bins[@]}"; do
		timed "export:$b" "$b" export --vendor salesman --rate 0 -q -o "$tmp/out.xlsx"
	done
	timed "export:xlsxwriter" "$py" "$tmp/csv2xlsx.py" "$tmp/clients.csv" "$tmp/ref.xlsx" "$delim"
done
# --- read row (the SalesMan mapping reads the field list from the sandbox) ---
go run ./bench/gen -rows "$m" -o "$tmp/contacts.csv" >/dev/null
"$py" "$tmp/csv2xlsx.py" "$tmp/contacts.csv" "$tmp/contacts.xlsx" ';'
for r in $(seq "$rounds"); do
	for b in "${bins[@]}"; do
		timed "read:$b" "$b" import --dry-run -q -m bench/salesman.yaml --report-dir "$tmp" "$tmp/contacts.xlsx"
	done
	timed "read:xlsx2csv" xlsx2csv "$tmp/contacts.xlsx" "$tmp/ref.csv"
done

stop_smserve

# --- medians and ratios ---
awk -v new="$tmp/crmport" -v old="${OLD:-}" '
function median(a, k,   i, j, t) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[i] > a[j]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
{ split($1, p, ":"); key = p[1] SUBSEP p[2]; c = ++cnt[key]; W[key, c] = $2; C[key, c] = $3; R[key, c] = $4 }
END {
	split("export read", rows, " ")
	for (x = 1; x <= 2; x++) {
		row = rows[x]; ref = (row == "export") ? "xlsxwriter" : "xlsx2csv"
		split("", w); split("", cc); split("", rr)
		for (key in cnt) {
			split(key, kk, SUBSEP); if (kk[1] != row) continue
			k = cnt[key]
			for (i = 1; i <= k; i++) { w[i] = W[key, i]; cc[i] = C[key, i]; rr[i] = R[key, i] }
			mw[kk[2]] = median(w, k); mc[kk[2]] = median(cc, k); mr[kk[2]] = median(rr, k)
		}
		printf "%s (median of %d): %s wall %.2f s cpu %.2f s rss %d MiB\n", row, cnt[row SUBSEP ref], ref, mw[ref], mc[ref], mr[ref]
		printf "  crmport (new): wall %.2f s cpu %.2f s rss %d MiB = %.2fx %s\n", mw[new], mc[new], mr[new], mw[new] / mw[ref], ref
		if (old != "") {
			printf "  crmport (old): wall %.2f s cpu %.2f s rss %d MiB = %.2fx %s\n", mw[old], mc[old], mr[old], mw[old] / mw[ref], ref
			printf "  new/old: wall %.2f cpu %.2f\n", mw[new] / mw[old], mc[new] / mc[old]
		}
	}
}' "$tmp/times"
