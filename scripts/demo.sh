#!/usr/bin/env bash
# make demo: the main job end to end on a generated sample install.
# Usage: scripts/demo.sh BIN WORKDIR
set -uo pipefail
BIN=$(realpath "$1")
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"
export EFBACKUP_LANG=${EFBACKUP_LANG:-en}

step=0
failed=0
# run TITLE EXPECTED_EXIT CMD...: print the step, run it, show the outcome.
run() {
  local title=$1 want=$2; shift 2
  step=$((step + 1))
  printf '\n== step %d: %s\n$ %s\n' "$step" "$title" "$*"
  "$@"
  local got=$?
  if [ "$got" = "$want" ]; then
    printf -- '-> exit %d, as expected\n' "$got"
  else
    printf -- '-> exit %d, EXPECTED %d\n' "$got" "$want"
    failed=$((failed + 1))
  fi
}

run "generate a sample e-Faktur 3.2 install: db/ETaxInvoice is a real Apache Derby database" 0 \
  go run -C "$OLDPWD" ./fixtures/cmd/mkinstall -version 3.2 -out "$WORK/eFaktur-3.2" -quiet
run "take a snapshot (close e-Faktur first; efbackup refuses a database in use); --create-out makes the new folder" 0 \
  "$BIN" snapshot --install eFaktur-3.2 --out snapshots --create-out --no-progress
SNAP=$(ls snapshots/*.tar.zst | head -1)
run "list the snapshots: every byte read again, and the Derby file structure checked" 0 "$BIN" list --out snapshots
run "verify the snapshot: every byte, every checksum, every page of every Derby container" 0 "$BIN" verify "$SNAP"

cp "$SNAP" damaged-copy.tar.zst
python3 - damaged-copy.tar.zst <<'PY' 2>/dev/null || printf '\x00' | dd of=damaged-copy.tar.zst bs=1 seek=2000 conv=notrunc status=none
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x40
open(p, 'wb').write(b)
PY
run "flip one bit in a copy of the snapshot: verify must catch it (exit 3)" 3 "$BIN" verify damaged-copy.tar.zst

# A Derby database damaged on disk: a plain copy carries the damage along
# silently, and Derby only notices when it reads the page.
mkdir -p damaged-install
cp -r eFaktur-3.2/. damaged-install/
CONTAINER=damaged-install/db/ETaxInvoice/seg0/c20.dat
printf '\x5a' | dd of="$CONTAINER" bs=1 seek=$((4096 * 3 + 700)) conv=notrunc status=none
run "a garbled page in a Derby container (Derby: XSDG2 Invalid checksum): verify --db names the file, the page and the byte (exit 3)" 3 \
  "$BIN" verify --db damaged-install/db
cp -r eFaktur-3.2/db/ETaxInvoice/seg0/c20.dat "$CONTAINER"
BIG=$(ls -S damaged-install/db/ETaxInvoice/seg0/c*.dat | head -1)
truncate -s $(( $(stat -c %s "$BIG") / 2 )) "$BIG"
run "a table file cut in half (Derby would silently return fewer rows): the allocation pages give it away (exit 3)" 3 \
  "$BIN" verify --db damaged-install/db

# e-Faktur killed while it ran: the lock files stay and the log holds work
# after the last checkpoint. A valid backup; the next start recovers it.
run "generate an install whose e-Faktur was killed in the middle of a transaction" 0 \
  go run -C "$OLDPWD" ./fixtures/cmd/mkinstall -version 3.2 -state crashed -out "$WORK/eFaktur-crashed" -quiet
run "snapshot it: recorded as 'not shut down cleanly'; db.lck, dbex.lck and tmp/ are left out" 0 \
  "$BIN" snapshot --install eFaktur-crashed --out snapshots-crashed --create-out --no-progress
run "the engine's own proof: a scratch copy booted by the real Derby engine (recovery runs), every table checked, every row read" 0 \
  "$BIN" verify --deep snapshots-crashed/*.tar.zst

echo "e-Faktur data entered after the snapshot" > eFaktur-3.2/db/entered-later.txt
run "restore the snapshot; the current db/ is moved aside, never deleted" 0 \
  "$BIN" restore "$SNAP" --install eFaktur-3.2
run "the restored db/ matches the snapshot byte for byte" 0 "$BIN" verify --db eFaktur-3.2/db --against "$SNAP"
printf '\nfolders now in the install (the previous db/ is kept):\n'
ls -1 eFaktur-3.2 | sed 's/^/  /'

# Upgrading: move db/ from the 3.2 install into a fresh 4.0 install, then undo.
run "generate a fresh e-Faktur 4.0 install (no db/ yet, as after unpacking)" 0 \
  go run -C "$OLDPWD" ./fixtures/cmd/mkinstall -version 4.0 -out "$WORK/eFaktur-4.0" -quiet
rm -rf eFaktur-4.0/db
run "migrate 3.2 -> 4.0, dry run: the plan, sizes and free space; nothing is written" 0 \
  "$BIN" migrate --from 3.2 --to 4.0 --source eFaktur-3.2 --target eFaktur-4.0 --snapshot-dir snapshots --dry-run
run "migrate 3.2 -> 4.0: safety snapshots, staged and verified copy, swap, post-check, report" 0 \
  "$BIN" migrate --from 3.2 --to 4.0 --source eFaktur-3.2 --target eFaktur-4.0 --snapshot-dir snapshots --no-progress
run "the new install's db/ is byte for byte the old one" 0 "$BIN" verify --db eFaktur-4.0/db --against "$SNAP"
run "undo the migration: the 4.0 install is put back as it was" 0 "$BIN" migrate --undo --target eFaktur-4.0

# Running by itself: retention, scheduling, and the risk report.
run "prune, dry run: which snapshots a 'keep the newest 1' rule would keep, and why" 0 \
  "$BIN" prune --out snapshots --keep-last 1 --dry-run
run "schedule show: exactly what a daily 17:30 snapshot would install on this system" 0 \
  "$BIN" schedule show --install eFaktur-3.2 --out snapshots --daily 17:30 --keep-daily 7
run "doctor: the installs found here, and what is at risk (exit 3 when something is)" 3 \
  "$BIN" doctor "$WORK" --out snapshots

# ---------------------------------------------------------------------------
# A clerk's backups: setup in one step, and a backup drive that is unplugged.
# The schedule goes into a stand-in crontab inside the demo's folder, never
# into this machine's own.
mkdir -p tools usb-drive
cat > tools/crontab <<EOF
#!/bin/sh
case "\$1" in
-l) cat "$WORK/crontab" 2>/dev/null || { echo "no crontab for \$USER" >&2; exit 1; } ;;
-) cat > "$WORK/crontab" ;;
esac
EOF
chmod +x tools/crontab
export PATH="$WORK/tools:$PATH" XDG_CONFIG_HOME="$WORK/config"
run "setup with flags, as a consultant runs it: first snapshot made and verified, daily schedule with keep rules, how to restore" 0 \
  "$BIN" setup --install eFaktur-3.2 --out usb-drive/efbackup --create-out --daily 17:30 --backend cron
printf '\nthe crontab line setup installed:\n'
sed 's/^/  /' crontab
# The scheduled run's command line, run as cron runs it, the next day: the
# schedule's memory of today's snapshot is set aside (else the try would
# have nothing to do).
LINE=$(sed -n 's|^[0-9* -]*\(/.*\) # efbackup:.*$|\1|p' crontab | head -1)
mv config/efbackup/state config/efbackup/state-today
mv usb-drive usb-drive-unplugged
mkdir usb-drive
run "the backup drive is unplugged (its mount point is left empty): the scheduled run is refused, exit 1" 1 \
  bash -c "$LINE"
printf '\nthe empty mount point after the refused run: nothing was written there\n'
ls -A usb-drive | sed 's/^/  /'
run "the same in Indonesian: drive cadangan tidak tersambung" 1 \
  bash -c "${LINE/--lang en/--lang id}"
rmdir usb-drive
mv usb-drive-unplugged usb-drive
rm -rf config/efbackup/state && mv config/efbackup/state-today config/efbackup/state

printf '\n== demo finished: %d step(s), %d unexpected\n' "$step" "$failed"
[ "$failed" = 0 ]
