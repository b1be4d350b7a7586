#!/usr/bin/env bash
# Checks scripts/apt-install.sh without installing anything: dpkg, apt-get,
# sudo and java are stubs on the PATH that record how they were called.
#   - a Java 8 or later on the PATH is accepted; default-jre-headless is
#     installed only when there is none, or it is older;
#   - a package manager that holds its lock (here: flock on a lock file of
#     our own) is waited for, with a message, and apt-get runs only after
#     it lets go; one that holds it past APT_LOCK_WAIT fails the run with a
#     message naming the lock, and apt-get never runs.
# Run by make deps-check. Exits non-zero on the first failed check.
set -euo pipefail
cd "$(dirname "$0")"
script=$PWD/apt-install.sh
t=$(mktemp -d "${TMPDIR:-/tmp}/apt-install-test.XXXXXX")
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  rm -rf "$t"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$t/bin"
# The PATH holds the stubs and the few tools the script uses, and no java
# but the stub's.
for tool in sh sed head cut stat awk ps id sleep env; do
  ln -s "$(command -v "$tool")" "$t/bin/$tool"
done
# dpkg -s: every package is missing. apt-get: records its arguments.
printf '#!/bin/sh\nexit 1\n' >"$t/bin/dpkg"
printf '#!/bin/sh\necho "$*" >>"%s/apt.log"\n' "$t" >"$t/bin/apt-get"
printf '#!/bin/sh\nexec "$@"\n' >"$t/bin/sudo"
chmod +x "$t/bin/dpkg" "$t/bin/apt-get" "$t/bin/sudo"
lock=$t/lock-frontend
: >"$lock"
export APT_LOCKS=$lock APT_LOCK_POLL=0.2

# run [JAVA_VERSION_LINE] ARGS...: the script with the stubs; a java stub
# prints the version line (none: no java at all).
run() {
  local line=$1
  shift
  rm -f "$t/bin/java" "$t/apt.log"
  if [ -n "$line" ]; then
    printf '#!/bin/sh\necho '"'"'%s'"'"' >&2\n' "$line" >"$t/bin/java"
    chmod +x "$t/bin/java"
  fi
  PATH="$t/bin" "$BASH" "$script" "$@"
}

installed() { grep -q "install .*$1" "$t/apt.log" 2>/dev/null; }

# Java: any 8 or later is accepted, in either numbering.
for v in 'openjdk version "17.0.15" 2025-04-15' 'openjdk version "1.8.0_392"' 'openjdk version "21" 2023-09-19' 'java version "11.0.2" 2019-01-15 LTS'; do
  run "$v" --java zstd >/dev/null
  installed zstd || fail "zstd not installed with java: $v"
  installed default-jre-headless && fail "default-jre-headless installed although java is present: $v"
done
for v in '' 'java version "1.7.0_80"' 'not java at all'; do
  run "$v" --java zstd >/dev/null
  installed default-jre-headless || fail "no Java 8+ ($v), but default-jre-headless was not installed"
done

# The package manager holds its lock for 2 s: the run waits, says so, and
# installs after.
flock "$lock" sleep 2 &
holder=$!
sleep 0.3
start=$(date +%s.%N)
out=$(APT_LOCK_WAIT=30 run 'openjdk version "17.0.15"' --java zstd 2>&1) || fail "the run failed while waiting: $out"
waited=$(echo "$(date +%s.%N) - $start" | bc)
echo "$out" | grep -q "waiting for the package manager: $lock (pid [0-9]*" || fail "no message saying what it waits for: $out"
[ "$(echo "$waited >= 1.2" | bc)" = 1 ] || fail "it did not wait for the lock (${waited}s)"
installed zstd || fail "nothing was installed after the lock was released"
grep -q "DPkg::Lock::Timeout=30" "$t/apt.log" || fail "apt-get was not told to wait as well"
wait "$holder" || true
holder=""

# Held for longer than APT_LOCK_WAIT: a clear failure, and apt-get never ran.
flock "$lock" sleep 10 &
holder=$!
sleep 0.3
if out=$(APT_LOCK_WAIT=1 run 'openjdk version "17.0.15"' --java zstd 2>&1); then
  fail "the run succeeded while the lock was held: $out"
fi
echo "$out" | grep -q "still busy after 1s: $lock (pid $holder\|still busy after 1s: $lock (pid [0-9]*" || fail "the failure does not name the lock: $out"
[ -e "$t/apt.log" ] && fail "apt-get ran while the lock was held"

# Nothing missing: nothing run, whatever the lock.
printf '#!/bin/sh\nexit 0\n' >"$t/bin/dpkg"
out=$(APT_LOCK_WAIT=1 run 'openjdk version "17.0.15"' --java zstd 2>&1) || fail "nothing to install, yet it failed: $out"
[ -e "$t/apt.log" ] && fail "apt-get ran with nothing to install"
echo "apt-install: ok"
