#!/bin/sh
# Runs a Windows binary under Wine 8 in efbackup's test prefix, for
# `go test -exec`:
#
#   GOOS=windows go test -exec "$PWD/scripts/wine-exec.sh" ./internal/inuse
#
# The prefix and the helpers are set up on first use (scripts/wine-env.sh).
# EFBACKUP_HOLDLOCK_EXE points at holdlock.exe, the helper that holds a
# LockFileEx lock the way Java does. For the whole module use
# scripts/wine-unit.sh: it also passes the -overlay that lets t.TempDir
# clean up under Wine 8 (see wine-env.sh), which a -exec wrapper cannot.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/wine-env.sh"
wine_setup "$WINE_BIN"
wine_server -p30 # a no-op when it runs already
EFBACKUP_HOLDLOCK_EXE=${EFBACKUP_HOLDLOCK_EXE:-$(winpath "$WINE_BIN/holdlock.exe")}
export EFBACKUP_HOLDLOCK_EXE
exec "$WINE" "$@"
