#!/bin/sh
# Runs the internal/inuse tests as a Windows binary under Wine. The tests
# hold db.lck the way the JDK opens it for Derby with the test binary itself
# (helper_test.go); holdlock.exe (holdlock.c) is built for the end-to-end
# tests of the command.
#
#   internal/inuse/testdata/winlock/run-wine-tests.sh [go test flags...]
#
# Needs x86_64-w64-mingw32-gcc, wine64 and Go. Idempotent: the Wine prefix
# (default .work/wineprefix, the one scripts/wine-e2e.sh and
# scripts/wine-unit.sh use; WINEPREFIX overrides it) is created once, the
# helpers are rebuilt and the DLL copied only when they changed. Build
# outputs go to $EFBACKUP_WINE_OUT (default: a fresh temporary folder).
# scripts/wine-unit.sh runs these tests with every other package's.
#
# Go 1.24 and later need ProcessPrng from bcryptprimitives.dll, which Wine 8
# lacks; processprng.c provides it on top of RtlGenRandom and is copied into
# the prefix's system32 (the test prefix only: never ship it). The set-up
# is scripts/wine-env.sh, which also says why the test is built with an
# -overlay.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
root=$(cd "$pkg/../.." && pwd)
out=${EFBACKUP_WINE_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/inuse-wine.XXXXXX")}
mkdir -p "$out"
. "$root/scripts/wine-env.sh"

echo "building holdlock.exe and bcryptprimitives.dll in $out" >&2
wine_setup "$out"
wine_server
overlay=$(wine_overlay "$out")

echo "building inuse.test.exe" >&2
(cd "$pkg" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c ${overlay:+-overlay "$overlay"} -o "$out/inuse.test.exe" .)

# The test binary finds testdata/ relative to its working folder, as go
# test runs it; Wine maps the Unix folder to Z:.
cd "$pkg"
EFBACKUP_HOLDLOCK_EXE=$(winpath "$out/holdlock.exe")
export EFBACKUP_HOLDLOCK_EXE
exec "$WINE" "$out/inuse.test.exe" -test.v "$@"
