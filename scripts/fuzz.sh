#!/usr/bin/env bash
# Runs every fuzz target in the module for a fixed time each, and prints one
# line per target with its executions:
#
#   scripts/fuzz.sh 30s         (make fuzz FUZZTIME=30s; CI: make fuzz-ci)
#
# A crash fails the run: the failing input is printed, and go test has saved
# it under the package's testdata/fuzz/ folder, where it becomes a regular
# test case once committed.
set -euo pipefail
t=${1:-30s}
cd "$(dirname "$0")/.."
logs=$(mktemp -d "${TMPDIR:-/tmp}/efbackup-fuzz.XXXXXX")
trap 'rm -rf "$logs"' EXIT
failed=0
printf '%-40s %-22s %12s  %s\n' package target executions result
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    log="$logs/$f.log"
    result=ok
    # A new interesting input is minimized before fuzzing goes on; go's
    # default allows a minute for that, which stalls short runs.
    if ! go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" -fuzzminimizetime 3s -parallel 2 "$pkg" >"$log" 2>&1; then
      result=FAILED
      failed=1
    fi
    # The last progress line holds the total: "fuzz: elapsed: 10s, execs: 123456 (...)"
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    printf '%-40s %-22s %12s  %s\n' "${pkg#github.com/efbackup/efbackup/}" "$f" "${execs:-?}" "$result"
    if [ "$result" = FAILED ]; then
      tail -40 "$log" | sed 's/^/    /'
    fi
  done
done
exit $failed
