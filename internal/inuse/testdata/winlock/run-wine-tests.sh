#!/bin/sh
# Runs the internal/inuse tests as a Windows binary under Wine, with
# holdlock.exe (holdlock.c) holding files the way Java does on Windows.
#
#   internal/inuse/testdata/winlock/run-wine-tests.sh [go test flags...]
#
# Needs x86_64-w64-mingw32-gcc, wine64 and Go. Idempotent: the Wine prefix
# is created once, the DLL copied only when it changed. Build outputs go to
# $EFBACKUP_WINE_OUT (default: a fresh temporary folder).
#
# Go 1.24 and later need ProcessPrng from bcryptprimitives.dll, which Wine 8
# lacks; processprng.c provides it on top of RtlGenRandom and is copied into
# the prefix's system32 (the test prefix only: never ship it).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
out=${EFBACKUP_WINE_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/inuse-wine.XXXXXX")}
mkdir -p "$out"
CC=${CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-/usr/lib/wine/wine64}
[ -x "$WINE" ] || WINE=$(command -v wine64 || command -v wine)
export WINEPREFIX="${WINEPREFIX:-$HOME/.wine}"
export WINEDEBUG="${WINEDEBUG:--all}"
# Use our ProcessPrng DLL even where Wine has a builtin of the same name.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-bcryptprimitives=n,b}"

echo "building holdlock.exe and bcryptprimitives.dll in $out" >&2
"$CC" -O2 -municode -o "$out/holdlock.exe" "$here/holdlock.c"
"$CC" -shared -O2 -o "$out/bcryptprimitives.dll" "$here/processprng.c" -ladvapi32

if [ ! -f "$WINEPREFIX/system.reg" ]; then
	echo "creating the Wine prefix $WINEPREFIX" >&2
	"$WINE" wineboot --init >/dev/null 2>&1 || true
	# wineboot returns before the prefix is complete
	i=0
	while [ ! -f "$WINEPREFIX/system.reg" ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	if command -v wineserver >/dev/null 2>&1; then wineserver -w || true; fi
fi
sys32="$WINEPREFIX/drive_c/windows/system32"
if ! cmp -s "$out/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"; then
	cp "$out/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
fi

echo "building inuse.test.exe" >&2
(cd "$pkg" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c -o "$out/inuse.test.exe" .)

# The test binary finds testdata/ relative to its working folder, as go
# test runs it; Wine maps the Unix folder to Z:.
cd "$pkg"
EFBACKUP_HOLDLOCK_EXE=$("$WINE" winepath -w "$out/holdlock.exe" 2>/dev/null | tr -d '\r')
export EFBACKUP_HOLDLOCK_EXE
exec "$WINE" "$out/inuse.test.exe" -test.v "$@"
