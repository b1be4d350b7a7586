#!/usr/bin/env bash
# make test-windows: the unit tests of every package, built as Windows
# binaries and run under Wine 8.
#
#   scripts/wine-unit.sh [go test flags] [packages]   (default: ./...)
#   scripts/wine-unit.sh -run TestWindowsLockedFile ./internal/inuse
#
# Prints one line per package, then per package how many tests (with
# subtests) passed, were skipped and failed, every skip with its reason and
# every failure with its output. Exits non-zero when a test fails or a
# package does not build. The go test -json stream is kept in
# $EFBACKUP_WINE_UNIT_OUT (default .work/wine-unit)/test.json.
#
# The Wine prefix and helpers are set up as in scripts/wine-env.sh, which
# also says why the tests are built with an -overlay.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=wine-env.sh
. "$root/scripts/wine-env.sh"
out=${EFBACKUP_WINE_UNIT_OUT:-$root/.work/wine-unit}
mkdir -p "$out"

start=$(date +%s)
wine_setup "$WINE_BIN" || exit 1
# A wineserver that outlives short gaps between test binaries (see
# wine_server) and ends by itself 30 s after the last one. Never killed
# here: another run may share the prefix.
wine_server -p30
overlay=$(wine_overlay "$out") || exit 1
EFBACKUP_HOLDLOCK_EXE=$(winpath "$WINE_BIN/holdlock.exe")
export EFBACKUP_HOLDLOCK_EXE
# There is no Java inside Wine: the tests use the Derby databases the Linux
# tests (make test, first in CI) put in the fixture cache, and the jars of
# the Linux install for the installs' own engine.
EFBACKUP_FIXTURE_CACHE=$(winpath "${EFBACKUP_FIXTURE_CACHE:-$HOME/.cache/efbackup-fixtures}")
EFBACKUP_DERBY_LIB=$(winpath "${EFBACKUP_DERBY_LIB:-/usr/share/java}")
export EFBACKUP_FIXTURE_CACHE EFBACKUP_DERBY_LIB


args=("$@")
havepkg=
for a in "${args[@]}"; do case $a in . | ./* | ../* | github.com/*) havepkg=1 ;; esac; done
[ -n "$havepkg" ] || args+=(./...)

flags=(-json -count=1 -p 2 -timeout 15m -exec "$root/scripts/wine-exec.sh")
[ -n "$overlay" ] && flags+=(-overlay "$overlay")

summary=$(
	cat <<'EOF'
import json, os, sys
pkgs, tests, order = {}, {}, []
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        print(line, end="")
        continue
    a, p, t = e.get("Action"), e.get("Package") or e.get("ImportPath", ""), e.get("Test")
    if a in ("build-output", "build-fail"):
        if a == "build-output":
            print(e.get("Output", ""), end="")
        continue
    if p not in pkgs:
        pkgs[p] = {"elapsed": 0, "result": "", "out": []}
        order.append(p)
    if t is None:
        if a == "output":
            pkgs[p]["out"].append(e["Output"])
        elif a in ("pass", "fail", "skip"):
            pkgs[p]["result"], pkgs[p]["elapsed"] = a, e.get("Elapsed", 0)
            print("%-4s %-50s %6.1fs" % ({"pass": "ok", "fail": "FAIL", "skip": "-"}[a], p, e.get("Elapsed", 0)), flush=True)
        continue
    k = (p, t)
    if k not in tests:
        tests[k] = {"out": [], "result": ""}
    if a == "output":
        tests[k]["out"].append(e["Output"])
    elif a in ("pass", "fail", "skip"):
        tests[k]["result"] = a

def reason(lines):
    # The first line the test printed (t.Skip's, or testscript's skip).
    keep = [l.strip() for l in lines if l.strip() and not l.lstrip().startswith(("=== ", "--- "))]
    return keep[0][:240] if keep else "(no reason given)"

bad = False
print("\n%-48s %6s %6s %6s %8s" % ("package", "passed", "skipped", "failed", "time"))
tot = [0, 0, 0]
for p in order:
    n = [sum(1 for (q, _), v in tests.items() if q == p and v["result"] == r) for r in ("pass", "skip", "fail")]
    tot = [x + y for x, y in zip(tot, n)]
    if pkgs[p]["result"] == "skip" and not any(n):
        continue  # no test files
    print("%-48s %6d %6d %6d %7.1fs" % (p.replace("github.com/efbackup/efbackup/", ""), n[0], n[1], n[2], pkgs[p]["elapsed"]))
    if pkgs[p]["result"] == "fail" and n[2] == 0:
        bad = True
        print("".join(pkgs[p]["out"][-30:]))
print("%-48s %6d %6d %6d" % ("total (tests and subtests)", *tot))
skips = [(k, v) for k, v in tests.items() if v["result"] == "skip"]
if skips:
    print("\nskipped:")
    for (p, t), v in skips:
        print("  %s %s: %s" % (p.replace("github.com/efbackup/efbackup/", ""), t, reason(v["out"])))
fails = [(k, v) for k, v in tests.items() if v["result"] == "fail"]
for (p, t), v in fails:
    print("\nFAIL %s %s\n%s" % (p, t, "".join(v["out"])))
# A failed test whose only fault is that Wine could not start a program
# ("fork/exec X.exe: Internal error.", seen once under load) is named in
# $retry_file for one more run; any other failure fails the run.
leaves = [(p, t) for (p, t), _ in fails if not any(q == p and u.startswith(t + "/") for (q, u), _ in fails)]
wine = [(p, t) for (p, t) in leaves if any("fork/exec" in l and "Internal error." in l for l in tests[(p, t)]["out"])]
retry_file = os.environ.get("WINE_UNIT_RETRY_FILE")
if fails and retry_file and len(wine) == len(leaves) and not bad:
    with open(retry_file, "w") as rf:
        for p, t in wine:
            rf.write("%s\t%s\n" % (p, t))
    sys.exit(3)
sys.exit(1 if bad or fails or tot[2] else 0)
EOF
)

echo "wine-unit: go test ${flags[*]} ${args[*]}"
retry_file="$out/retry.tsv"
rm -f "$retry_file"
(cd "$root" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test "${flags[@]}" "${args[@]}") 2>&1 |
	tee "$out/test.json" | WINE_UNIT_RETRY_FILE=$retry_file python3 -c "$summary"
rc=("${PIPESTATUS[@]}")
if [ "${rc[2]}" = 3 ] && [ -s "$retry_file" ]; then
	# Only tests whose program Wine could not start failed: run each once
	# more, by itself; this time any failure counts.
	echo "wine-unit: Wine could not start a program (CreateProcess: Internal error) in $(wc -l <"$retry_file") test(s); running them once more"
	ok=1
	while IFS=$'\t' read -r pkg test; do
		pattern=$(printf '%s' "$test" | python3 -c 'import re, sys; print("/".join("^%s$" % re.escape(p) for p in sys.stdin.read().split("/")))')
		echo "wine-unit: again: $pkg -run '$pattern'"
		(cd "$root" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test "${flags[@]}" -run "$pattern" "$pkg") 2>&1 |
			tee -a "$out/test.json" | python3 -c "$summary" || ok=0
	done <"$retry_file"
	rc[0]=0
	rc[2]=$((1 - ok))
fi
echo "wine-unit: $(($(date +%s) - start)) s in all"
[ "${rc[0]}" = 0 ] && [ "${rc[2]}" = 0 ]
