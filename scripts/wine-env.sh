# shellcheck shell=sh
# The Wine set-up shared by efbackup's Windows test scripts (sourced, POSIX sh):
# scripts/wine-e2e.sh, scripts/wine-unit.sh, scripts/wine-exec.sh and
# internal/inuse/testdata/winlock/run-wine-tests.sh.
#
#   root=/path/to/repo; . "$root/scripts/wine-env.sh"
#
# Exports WINE, WINEPREFIX (default $root/.work/wineprefix, a prefix for these
# tests only), WINEDEBUG, WINEDLLOVERRIDES; sets CC and WINE_BIN (default
# $root/.work/wine-bin). Functions:
#   wine_setup DIR    build holdlock.exe and bcryptprimitives.dll into DIR
#                     (again only when their sources changed), create the
#                     prefix once, put the DLL into its system32 (only when
#                     it changed). Safe to call from parallel processes.
#   wine_overlay DIR  write DIR/overlay.json for `go test -overlay` and print
#                     its path (see below), or print nothing.
#   wine_server ARGS  start the prefix's wineserver (with ARGS, say -p)
#                     unless one runs; see below.
#   winpath PATH      PATH as Wine sees it (Z:\...); winepath itself cuts
#                     paths at 260 characters.
#
# Two things Wine 8 (Debian 12) lacks and Go 1.24+ binaries need, patched in
# the test prefix or the test build only, never in what ships:
#   - ProcessPrng in bcryptprimitives.dll (every Go program calls it at
#     start-up): internal/inuse/testdata/winlock/processprng.c supplies it on
#     top of RtlGenRandom; WINEDLLOVERRIDES makes Wine load it.
#   - FileDispositionInformationEx: Go 1.25+'s os.RemoveAll deletes with it
#     and falls back to the old call when Windows says the class or a flag
#     is unsupported, but Wine 8 answers STATUS_NOT_IMPLEMENTED, which Go
#     does not expect, so every t.TempDir cleanup fails ("unlinkat ...:
#     Invalid function."). wine_overlay makes a copy of Go's
#     internal/syscall/windows/at_windows.go that takes the fallback on that
#     status too, for the unit tests' build only. efbackup.exe in
#     wine-e2e.sh is built without it (efbackup's own fsutil.RemoveAll falls
#     back by itself).

: "${root:?set root to the repository before sourcing wine-env.sh}"
CC=${CC:-x86_64-w64-mingw32-gcc}
WINE=${WINE:-/usr/lib/wine/wine64}
[ -x "$WINE" ] || WINE=$(command -v wine64 || command -v wine || echo wine64)
WINESERVER=${WINESERVER:-/usr/lib/wine/wineserver64}
[ -x "$WINESERVER" ] || WINESERVER=$(command -v wineserver || echo wineserver)
WINEPREFIX=${WINEPREFIX:-$root/.work/wineprefix}
WINEDEBUG=${WINEDEBUG:--all}
# Use our ProcessPrng DLL even where Wine has a builtin of the same name.
WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-bcryptprimitives=n,b}
WINE_BIN=${WINE_BIN:-$root/.work/wine-bin}
export WINE WINEPREFIX WINEDEBUG WINEDLLOVERRIDES

winlock_src=$root/internal/inuse/testdata/winlock

winpath() {
	# realpath -m: absolute, without . and .., whether or not it exists.
	printf 'Z:%s' "$(realpath -m "$1" | sed 's|/|\\|g')"
}

# Wine's own processes (services.exe, winedevice.exe, rpcss.exe, ...) start
# with the first Windows process of a wineserver and keep that process's
# stderr open for as long as they live, and go test waits until a test
# binary's output pipe closes: a package whose binary happened to be first
# would "run" until the server ended (1m30s later go test gives up: "Test
# I/O incomplete"). So the server, and those processes, are started here,
# with nothing to inherit but /dev/null.
wine_server() {
	(
		wine_lock
		if "$WINESERVER" "$@" </dev/null >/dev/null 2>&1 9>&-; then
			# A new server: start Wine's processes now.
			"$WINE" cmd.exe /c exit </dev/null >/dev/null 2>&1 9>&- || true
		fi
	) 9>"$wine_lockfile"
}

# wine_lock: take the set-up lock on fd 9 (go test -exec runs packages in
# parallel). Whatever outlives the locked block (wineserver and Wine's
# processes) must be started with 9>&-, or it holds the lock for good.
wine_lockfile=$WINEPREFIX.setup.lock
wine_lock() {
	if command -v flock >/dev/null 2>&1; then flock 9; fi
}

# wine_build OUT SRC CC-ARGS...: build OUT from SRC unless OUT is newer.
wine_build() {
	_out=$1 _src=$2
	shift 2
	if [ -f "$_out" ] && [ "$_out" -nt "$_src" ]; then
		return 0
	fi
	"$CC" -O2 -o "$_out.tmp" "$_src" "$@" && mv "$_out.tmp" "$_out"
}

wine_setup() {
	_dir=$1
	mkdir -p "$_dir" "$(dirname "$WINEPREFIX")" || return 1
	(
		wine_lock
		wine_build "$_dir/holdlock.exe" "$winlock_src/holdlock.c" -municode || exit 1
		wine_build "$_dir/bcryptprimitives.dll" "$winlock_src/processprng.c" -shared -ladvapi32 || exit 1
		if [ ! -f "$WINEPREFIX/system.reg" ]; then
			echo "creating the Wine prefix $WINEPREFIX" >&2
			"$WINE" wineboot --init </dev/null >/dev/null 2>&1 9>&- || true
			# wineboot returns before the prefix is complete.
			_i=0
			while [ ! -f "$WINEPREFIX/system.reg" ] && [ $_i -lt 120 ]; do sleep 1; _i=$((_i + 1)); done
			"$WINESERVER" -w 9>&- || true
			[ -f "$WINEPREFIX/system.reg" ] || { echo "wine-env: could not create $WINEPREFIX" >&2; exit 1; }
		fi
		_sys32=$WINEPREFIX/drive_c/windows/system32
		if ! cmp -s "$_dir/bcryptprimitives.dll" "$_sys32/bcryptprimitives.dll"; then
			cp "$_dir/bcryptprimitives.dll" "$_sys32/bcryptprimitives.dll.tmp" &&
				mv "$_sys32/bcryptprimitives.dll.tmp" "$_sys32/bcryptprimitives.dll" || exit 1
		fi
	) 9>"$wine_lockfile"
}

wine_overlay() {
	_dir=$1
	_src=$(cd "$root" && go env GOROOT)/src/internal/syscall/windows/at_windows.go
	if [ ! -f "$_src" ] || grep -q 'STATUS_NOT_IMPLEMENTED' "$_src"; then
		return 0 # not this code, or Go already handles Wine's answer
	fi
	mkdir -p "$_dir" || return 1
	# In Deleteat's switch, after "case STATUS_INVALID_INFO_CLASS,
	# STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED:", add Wine's status.
	sed 's|^\([[:space:]]*\)STATUS_NOT_SUPPORTED:\(.*\)$|\1STATUS_NOT_SUPPORTED,\2\n\1NTStatus(0xC0000002): // STATUS_NOT_IMPLEMENTED: Wine 8 lacks FileDispositionInformationEx (efbackup test overlay)|' \
		"$_src" >"$_dir/at_windows.go"
	if [ "$(grep -c 'NTStatus(0xC0000002)' "$_dir/at_windows.go")" != 1 ]; then
		echo "wine-env: $_src is not what wine_overlay knows; no overlay (t.TempDir cleanups may fail under Wine 8)" >&2
		return 0
	fi
	printf '{"Replace":{"%s":"%s"}}\n' "$_src" "$_dir/at_windows.go" >"$_dir/overlay.json"
	echo "$_dir/overlay.json"
}
