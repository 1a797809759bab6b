# Shared by the benchmark scripts (sourced, bash): the repository root as
# the working folder, a temporary folder $tmp removed at the end, and the
# seeded SalesMan emulator (bench/export/smserve) in its own process.
#
#   source "$(dirname "$0")/lib.sh"   (or ../lib.sh)
#   bench_init                         # cd to the root, make $tmp, build $tmp/crmport and $tmp/smserve
#   start_smserve N                    # start it with N clients, export its CRMPORT_* variables
#   stop_smserve                       # stop it (also done at exit)

srv=""

bench_cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$srv" ] && kill -0 "$srv" 2>/dev/null; then
		sleep 1
		kill "$srv" 2>/dev/null || true
		wait "$srv" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}

bench_init() {
	root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
	cd "$root"
	tmp=$(mktemp -d)
	trap bench_cleanup EXIT
	go build -o "$tmp/crmport" ./cmd/crmport
	go build -o "$tmp/smserve" ./bench/export/smserve
}

start_smserve() {
	rm -f "$tmp/ctl"
	mkfifo "$tmp/ctl"
	"$tmp/smserve" -n "$1" <"$tmp/ctl" >"$tmp/env" 2>"$tmp/smserve.log" &
	srv=$!
	exec 3>"$tmp/ctl" # smserve stops when this is closed
	until grep -q '^ready$' "$tmp/env"; do
		kill -0 "$srv" 2>/dev/null || { cat "$tmp/smserve.log" >&2; exit 1; }
		sleep 0.5
	done
	# shellcheck disable=SC1091
	source <(grep '^export CRMPORT_' "$tmp/env")
}

stop_smserve() {
	exec 3>&-
	wait "$srv" || true
	srv=""
	rm -f "$tmp/ctl"
}
