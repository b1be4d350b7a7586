#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages a make target needs, when missing:
#
#   scripts/apt-install.sh [--java] PACKAGE...
#
# --java: the tests need a Java runtime, version 8 or later. Any one on the
# PATH will do (a JDK installed by hand, SDKMAN, a distribution package);
# default-jre-headless is installed only when there is none.
#
# Installing takes apt-get, run as root or through sudo. When another
# package manager run holds the dpkg/apt locks (unattended-upgrades at
# boot, an apt in another terminal), this waits for it, saying what it
# waits for, for up to APT_LOCK_WAIT seconds (default 300), then fails
# with a message that names the holder. Idempotent: nothing missing,
# nothing done.
set -euo pipefail

java=0
if [ "${1:-}" = --java ]; then
  java=1
  shift
fi

# java_ok: a java on the PATH that is 8 or later. "java -version" prints
# 'version "1.8.0_392"' up to 8 and 'version "17.0.15"' from 9 on.
java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v major
  v=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)
  [ -n "$v" ] || return 1
  major=${v%%.*}
  if [ "$major" = 1 ]; then
    major=$(echo "$v" | cut -d. -f2)
  fi
  major=${major%%[!0-9]*}
  [ -n "$major" ] && [ "$major" -ge 8 ]
}

missing=()
for p in "$@"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "$java" = 1 ] && ! java_ok; then
  missing+=(default-jre-headless)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"

if [ "$(id -u)" = 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "apt-install: installing ${missing[*]} needs apt-get as root; run this as root, or install sudo" >&2
  exit 1
fi

# The locks apt-get and dpkg take (fcntl locks; flock ones count too).
LOCKS=${APT_LOCKS:-/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock}
WAIT=${APT_LOCK_WAIT:-300}
POLL=${APT_LOCK_POLL:-2}

# holder prints "FILE (pid PID, COMMAND)" for the first lock that is held,
# from /proc/locks, which lists fcntl and flock locks with their inode.
holder() {
  local f ino pid
  [ -r /proc/locks ] || return 1
  for f in $LOCKS; do
    [ -e "$f" ] || continue
    ino=$(stat -c %i "$f")
    # "1: POSIX ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF"; a waiter's line
    # has "->" after the number.
    pid=$(awk -v ino="$ino" '{ i = ($2 == "->"); n = split($(6 + i), d, ":"); if (d[n] == ino) { print $(5 + i); exit } }' /proc/locks)
    if [ -n "$pid" ]; then
      echo "$f (pid $pid, $(ps -o comm= -p "$pid" 2>/dev/null || echo gone))"
      return 0
    fi
  done
  return 1
}

start=$SECONDS
said=""
while h=$(holder); do
  if [ $((SECONDS - start)) -ge "$WAIT" ]; then
    echo "apt-install: the package manager is still busy after ${WAIT}s: $h holds its lock. Let it finish (or stop it), then run make again." >&2
    exit 1
  fi
  if [ "$h" != "$said" ]; then
    echo "waiting for the package manager: $h holds its lock (up to ${WAIT}s)"
    said=$h
  fi
  sleep "$POLL"
done

# Lock::Timeout covers a run that starts between the check and apt-get.
opt=(-o "DPkg::Lock::Timeout=$WAIT")
"${SUDO[@]}" apt-get "${opt[@]}" update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${opt[@]}" install -y -qq "${missing[@]}" >/dev/null
