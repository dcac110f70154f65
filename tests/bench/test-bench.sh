#!/bin/bash
# test-bench.sh: the benchmark harness (bench/run.py --quick) runs every
# workload once against Debian's libvirtd and vireod, and every workload
# produces a number for each target.  What the numbers are is never
# checked (timing goals are not asserted in tests).  A figure a target
# cannot produce here (e.g. libvirtd cannot start, no test guest) SKIPs
# with the reason the harness gives; a workload that broke fails.  Also:
# nothing is left running, and the host's libvirt folders are untouched.
# vireo-test: once  (it measures speed; the sanitizer build adds nothing but slowness)
. "$VIREO_TOP/tests/lib.sh"

PY=/usr/bin/python3
RUN=$VIREO_TOP/bench/run.py
HOST_DIRS=(/etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt)

if ! $PY -c 'import libvirt' 2>/dev/null; then
    skip "the benchmark harness runs" "python3-libvirt is not installed for $PY"
    exit 0
fi
if [ ! -x "$VIREO_BUILD/src/daemon/vireod" ]; then
    fail "vireod is built at $VIREO_BUILD/src/daemon/vireod"
    exit 1
fi

out=$(mktemp -d /tmp/vireo-bench-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/work" "$out/results"

# every file and folder under the host's libvirt folders, with mtime and size
host_state() {
    local d
    for d in "${HOST_DIRS[@]}"; do
        [ -e "$d" ] && find "$d" -printf '%p %T@ %s %m\n' 2>/dev/null
    done | sort
}
host_state >"$out/host.before"

workloads=$($PY "$RUN" --list | awk '{print $1}')
if [ -z "$workloads" ]; then
    fail "bench/run.py --list names the workloads"
    exit 1
fi
ok "bench/run.py finds the workloads: $(echo $workloads)"

start=$SECONDS
$PY "$RUN" --quick --build "$VIREO_BUILD" --out "$out/results" --tmp "$out/work" \
    >"$out/stdout" 2>"$out/stderr"
rc=$?
secs=$((SECONDS - start))
if [ $rc -ne 0 ]; then
    fail "bench/run.py --quick exits 0 (status $rc)"
    tail -n 30 "$out/stderr" | sed 's/^/# /'
    exit 1
fi
ok "bench/run.py --quick runs every workload once (${secs}s)"
note "$(grep -E '^\| ' "$out/stdout" | head -60)"

json=$(find "$out/results" -name '*-quick.json' | head -n 1)
md=${json%.json}.md
check "the results are written as JSON and markdown" test -s "$json" -a -s "$md"
check "the table is printed" grep -q '^| workload | metric |' "$out/stdout"

# one TAP line per workload and target: ok, SKIP with the harness's
# reason, or not ok with it
$PY - "$json" $workloads <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for key in ("machine", "versions", "rounds", "metrics"):
    if key not in doc:
        print(f"not ok - the results have '{key}'")
rows = doc["metrics"]
for w in sys.argv[2:]:
    mine = [r for r in rows if r["workload"] == w]
    if not mine:
        print(f"not ok - workload {w} reported no metric")
        continue
    for t in ("libvirt", "vireo"):
        have = [r["name"] for r in mine if r[t].get("median") is not None]
        broke = [(r["name"], r[t]["why"]) for r in mine
                 if r[t].get("median") is None and not r[t].get("skip")]
        skipped = [(r["name"], r[t]["why"]) for r in mine
                   if r[t].get("median") is None and r[t].get("skip")]
        if broke:
            for name, why in broke:
                print(f"not ok - {w}: {name} on {t}: {why}")
        elif skipped:
            names = ", ".join(n for n, _ in skipped)
            print(f"ok - {w} on {t}: {names} # SKIP {skipped[0][1]}")
        if have and not broke:
            print(f"ok - {w} on {t}: a number for {', '.join(have)}")
PYEOF

# nothing left running: no process names our temporary folders
left=""
for p in /proc/[0-9]*; do
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- "$out/" && left="$left ${p#/proc/}"
done
check_eq "no daemon or QEMU of the bench is left running" "" "$left"
check_eq "the targets' temporary folders are removed" "" "$(ls -A "$out/work")"

host_state >"$out/host.after"
if cmp -s "$out/host.before" "$out/host.after"; then
    ok "the host's ${HOST_DIRS[*]} are untouched"
else
    fail "the host's libvirt folders are untouched"
    diff "$out/host.before" "$out/host.after" | head -20 | sed 's/^/# /'
fi
done_testing
