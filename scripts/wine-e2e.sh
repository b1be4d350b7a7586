#!/usr/bin/env bash
# make test-windows: efbackup.exe end to end under Wine, with Windows paths
# (drive letters, backslashes, "Program Files"-style names with spaces, a
# path longer than 260 characters) and in-use detection against a mingw
# helper that holds Derby's db.lck open the way the JDK does.
#
# The Wine prefix, and the small DLL that gives Go 1.24+ the ProcessPrng
# Wine 8 lacks, are set up by scripts/wine-env.sh (shared with the unit
# tests under Wine, scripts/wine-unit.sh). efbackup.exe itself is built as
# it ships.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/.work/wine-e2e}
# shellcheck source=wine-env.sh
. "$root/scripts/wine-env.sh"

rm -rf "$work"
mkdir -p "$work/bin"
wine_setup "$work/bin" || exit 1
wine_server
(cd "$root" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -o "$work/bin/efbackup.exe" ./cmd/efbackup) || exit 1

# winpath (wine-env.sh): Wine maps / to Z:.
pass=0; fail=0
# expect CODE TITLE ARGS...: run efbackup.exe and check its exit code.
expect() {
  local want=$1 title=$2; shift 2
  "$WINE" "$work/bin/efbackup.exe" "$@" >"$work/out.txt" 2>&1
  local got=$?
  if [ "$got" = "$want" ]; then
    pass=$((pass + 1)); printf 'ok   %-60s exit %s\n' "$title" "$got"
  else
    fail=$((fail + 1)); printf 'FAIL %-60s exit %s, want %s\n' "$title" "$got" "$want"; sed 's/^/     /' "$work/out.txt"
  fi
}
mkinstall() { (cd "$root" && go run ./fixtures/cmd/mkinstall -quiet -version "$1" -out "$2") >/dev/null || exit 1; }

pf="$work/Program Files/Direktorat Jenderal Pajak"
mkinstall 3.2 "$pf/e-Faktur 3.2"
mkinstall 4.0 "$pf/e-Faktur 4.0"; rm -rf "$pf/e-Faktur 4.0/db"
inst=$(winpath "$pf/e-Faktur 3.2"); target=$(winpath "$pf/e-Faktur 4.0")
snaps=$(winpath "$work/Cadangan eFaktur")
echo "install: $inst"

expect 1 "snapshot to a drive letter that is not there: the backup drive is not connected" snapshot --install "$inst" --out 'Q:\efbackup' --no-progress
expect 1 "snapshot to a missing folder: never made unless asked" snapshot --install "$inst" --out "$snaps" --no-progress
expect 0 "snapshot (drive letter, spaces, backslashes), the folder made with --create-out" snapshot --install "$inst" --out "$snaps" --create-out --no-progress
snap=$(ls "$work/Cadangan eFaktur/"*.tar.zst | head -1)
expect 0 "verify the snapshot" verify "$(winpath "$snap")"
expect 0 "list" list --out "$snaps"
cp "$snap" "$work/rusak.tar.zst"
python3 -c 'import sys;p=sys.argv[1];b=bytearray(open(p,"rb").read());b[len(b)//2]^=0x40;open(p,"wb").write(b)' "$work/rusak.tar.zst"
expect 3 "verify a damaged copy" verify "$(winpath "$work/rusak.tar.zst")"
expect 0 "verify --db (live folder)" verify --db "$inst\\db"
expect 0 "restore (the old db\\ is moved aside)" restore "$(winpath "$snap")" --install "$inst"
ls -d "$pf/e-Faktur 3.2/"db.before-restore-* >/dev/null 2>&1 && pass=$((pass + 1)) && echo "ok   the previous db\\ was kept aside" || { fail=$((fail + 1)); echo "FAIL no db.before-restore-* folder"; }
expect 0 "migrate 3.2 -> 4.0" migrate --from 3.2 --to 4.0 --source "$inst" --target "$target" --snapshot-dir "$snaps" --no-progress
expect 0 "migrate --undo" migrate --undo --target "$target"

# A path longer than 260 characters.
long="$work/$(for i in 1 2 3 4 5 6 7 8 9; do printf 'folder-panjang-nomor-%02d-untuk-uji-jalur/' "$i"; done)e-Faktur"
mkinstall 3.2 "$long"
lw=$(winpath "$long")
echo "long path: ${#lw} characters"
expect 0 "snapshot from a path over 260 characters" snapshot --install "$lw" --out "$lw\\..\\snaps" --create-out --no-progress
lsnap=$(ls "$long/../snaps/"*.tar.zst | head -1)
expect 0 "restore into a path over 260 characters" restore "$(winpath "$lsnap")" --install "$lw"

# In use: holdlock.exe holds db.lck open exactly as the JDK opens it for
# Derby on Windows (read and write access, shared read and write, no
# delete sharing), for as long as the database is booted.
printf '\000\044%036d' 0 >"$pf/e-Faktur 3.2/db/ETaxInvoice/db.lck"
dbfile=$(winpath "$pf/e-Faktur 3.2/db/ETaxInvoice/db.lck")
mkfifo "$work/hold.in"
"$WINE" "$work/bin/holdlock.exe" "$dbfile" open <"$work/hold.in" >"$work/hold.out" 2>&1 &
holder=$!
exec 9>"$work/hold.in"
for _ in $(seq 60); do grep -q READY "$work/hold.out" 2>/dev/null && break; sleep 0.5; done
expect 4 "snapshot of a database Derby holds open (db.lck open as the JDK opens it)" snapshot --install "$inst" --out "$snaps" --no-progress
exec 9>&-
wait $holder
expect 0 "snapshot once the lock is released" snapshot --install "$inst" --out "$snaps" --no-progress

echo "windows-e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
