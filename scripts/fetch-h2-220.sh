#!/usr/bin/env bash
# Fetches H2 2.2.220 (MVStore format 3) from Debian trixie into
# $H2JARS (default ~/.cache/efbackup/h2jars) without touching the machine's
# apt setup: a private source list, list folder and cache. Idempotent; a
# failure only means the format-3 oracle cases are skipped.
set -u
H2JARS=${H2JARS:-$HOME/.cache/efbackup/h2jars}
JAR=$H2JARS/h2-2.2.220.jar
[ -f "$JAR" ] && exit 0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/lists/partial" "$t/cache/archives/partial" "$H2JARS"
echo "deb http://deb.debian.org/debian trixie main" >"$t/sources.list"
o=(-o Dir::Etc::sourcelist="$t/sources.list" -o Dir::Etc::sourceparts=/nonexistent
   -o Dir::State::Lists="$t/lists" -o Dir::Cache="$t/cache")
if apt-get "${o[@]}" update >/dev/null 2>&1 &&
   (cd "$t" && apt-get "${o[@]}" download libh2-java=2.2.220-1 >/dev/null 2>&1) &&
   dpkg-deb -x "$t"/libh2-java_2.2.220-1_all.deb "$t/x"; then
  cp "$t/x/usr/share/java/h2-2.2.220.jar" "$JAR"
  echo "fetched $JAR"
else
  echo "fetch-h2-220: could not fetch H2 2.2.220; format-3 oracle cases will be skipped" >&2
fi
