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
      # Go 1.26's fuzzing coordinator can report its own time running out as
      # "context deadline exceeded" (go.dev/issue/75804, fixed in Go 1.27).
      # That failure names no input and writes none; every other failure
      # does. Only then, and only if the corpus replays clean, is it not ours.
      if grep -q '^ *context deadline exceeded$' "$log" && ! grep -q 'Failing input written' "$log" &&
        go test -count=1 -run "^$f\$" "$pkg" >>"$log" 2>&1; then
        result="ok (go#75804)"
      else
        failed=1
      fi
    fi
    # The last progress line holds the total: "fuzz: elapsed: 10s, execs: 123456 (...)"
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    printf '%-40s %-22s %12s  %s\n' "${pkg#github.com/efbackup/efbackup/}" "$f" "${execs:-?}" "$result"
    if [ "$result" != ok ]; then
      tail -40 "$log" | sed 's/^/    /'
    fi
  done
done
exit $failed
