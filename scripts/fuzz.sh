#!/usr/bin/env bash
# Runs every fuzz target for a fixed time each (default 30s): make fuzz FUZZTIME=5m
set -euo pipefail
t=${1:-30s}
cd "$(dirname "$0")/.."
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $f ($t)"
    go test -run XXX -fuzz "^$f\$" -fuzztime "$t" -parallel 2 "$pkg" 2>&1 | tail -2
  done
done
