#!/usr/bin/env bash
# Issue 18's table in one run: every row measured on this machine, with its
# reference, its ratio and its goal. Runs the three scripts that measure the
# rows and prints their figures side by side at the end.
#
#   bash bench/table.sh
#   CSV_ROWS=1000000 EXPORT_ROWS=200000 XLSX_ROWS=100000 MEM_ROWS="100000 500000" ROUNDS=3 bash bench/table.sh
#
# Needs what the scripts need: GNU time, python3 with xlsxwriter, xlsx2csv
# (Debian: apt-get install -y time python3-xlsxwriter xlsx2csv). About ten
# minutes with the defaults on two cores; the data files are kept in $TMPDIR.
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
csv=${CSV_ROWS:-1000000}
exp=${EXPORT_ROWS:-200000}
xl=${XLSX_ROWS:-100000}
read -r -a mem <<<"${MEM_ROWS:-100000 500000}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== CSV dry run ($csv rows) against a bare encoding/csv read"
sh bench/dryrun_rss.sh "$csv" | tee "$out/dry"
echo "== export ($exp clients) and XLSX dry run ($xl rows)"
ROUNDS=${ROUNDS:-3} bash bench/file_side.sh "$exp" "$xl" | tee "$out/file"
echo "== memory of a real import (${mem[*]} rows)"
bash bench/import_rss.sh "${mem[@]}" | tee "$out/mem"

echo
echo "== issue 18's table, this machine, $(date -u +%Y-%m-%d)"
awk -v csv="$csv" -v nexp="$exp" -v xl="$xl" '
FILENAME ~ /dry$/ && /^dry run:/ { dw = $3; dr = $7 }
FILENAME ~ /dry$/ && /^bare read:/ { bw = $3 }
FILENAME ~ /dry$/ && /^plain read:/ { pw = $3 }
FILENAME ~ /file$/ && /^export/ { sect = "export"; ref["export"] = $7 }
FILENAME ~ /file$/ && /^read/ { sect = "read"; ref["read"] = $7 }
FILENAME ~ /file$/ && /crmport \(new\)/ { wall[sect] = $4; rss[sect] = $10; ratio[sect] = $13 }
FILENAME ~ /mem$/ { split($0, f, /[ =]/); n++; mrows[n] = f[2]; mrss[n] = f[6]; sub(/MiB/, "", mrss[n]) }
function verdict(ok) { return ok ? "met" : "NOT met" }
END {
	printf "%-44s %-22s %-18s %-8s %-18s %s\n", "work", "crmport", "reference", "ratio", "goal", ""
	r = dw / bw
	printf "%-44s %-22s %-18s %-8s %-18s %s\n", "import --dry-run, CSV, " csv " rows", dw " s, " dr " MiB", "csvread " bw " s", sprintf("%.2fx", r), "<= 2x, <= 64 MiB", verdict(r <= 2 && dr <= 64)
	r = ratio["read"]; sub(/x$/, "", r)
	printf "%-44s %-22s %-18s %-8s %-18s %s\n", "import --dry-run, XLSX, " xl " rows", wall["read"] " s, " rss["read"] " MiB", "xlsx2csv " ref["read"] " s", r "x", "<= 0.25x", verdict(r + 0 <= 0.25)
	e = ratio["export"]; sub(/x$/, "", e)
	printf "%-44s %-22s %-18s %-8s %-18s %s\n", "export to XLSX, " nexp " clients", wall["export"] " s, " rss["export"] " MiB", "xlsxwriter " ref["export"] " s", e "x", "<= 0.5x, <= 256 MiB", verdict(e + 0 <= 0.5 && rss["export"] <= 256)
	worst = 0
	for (i = 1; i <= n; i++) { line = line (i > 1 ? ", " : "") mrows[i] ": " mrss[i] " MiB"; if (mrss[i] + 0 > worst) worst = mrss[i] + 0 }
	printf "%-44s %-40s %-8s %-18s %s\n", "memory of a real import", line, "", "<= 64 MiB", verdict(worst <= 64)
	printf "\n(the CSV dry run against a plain csv.NewReader(f) read of the same file, %s s: %.2fx)\n", pw, dw / pw
}' "$out/dry" "$out/file" "$out/mem"
