#!/usr/bin/env sh
# Issue 11, item 1 acceptance: the same import started twice with random
# start delays and random SIGKILLs, then once more to finish, N rounds
# (default 20); every round checks each row exactly once in the emulator.
# The seed is printed; CRMPORT_RACE_SEED=... sh bench/race_loop.sh repeats a run.
#
#   sh bench/race_loop.sh [ROUNDS]
set -u
cd "$(dirname "$0")/.."
out=$(mktemp)
CRMPORT_RACE_LOOPS="${1:-20}" GOTOOLCHAIN=local \
	go test ./cmd/crmport -run '^TestImportRaceLoop$' -count=1 -v -timeout 30m >"$out" 2>&1
status=$?
grep -E 'SEED|before the final run|^(--- |ok|FAIL|PASS)|Error|stored' "$out"
rm -f "$out"
exit $status
