#!/bin/bash
# run.sh: build the libFuzzer targets (build-fuzz/: clang, ASan+UBSan,
# -Dfuzz=true) and run each for a while over its corpus in fuzz/corpus/.
#
#   fuzz/run.sh [--time SECONDS] [--tap] [--build DIR] [--build-only] [TARGET...]
#
#   --time S    fuzz each target S seconds (default 60), two at a time
#   --tap       print TAP lines (tests/fuzz/test-fuzz.sh): per target one
#               "ok" for the committed corpus (every file, the regression
#               inputs included, runs clean) and one for the timed run
#   --build-only  build the targets and stop (make test builds them before
#               the suite, so the build does not count in the test's time)
#   TARGET      rpc, domain_xml, ... (default: every fuzz/fuzz_*.c)
#
# New corpus entries go to BUILD/fuzz-work/TARGET/corpus, never to the
# repository; a crash, leak or timeout leaves its reproducer in
# BUILD/fuzz-work/TARGET/ and is printed.  Exit status: 0 when nothing
# was found, 1 when something was, 2 when the fuzzers cannot be built
# (the reason on stderr; 3 when clang or libFuzzer is missing).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
time_s=60 tap=0 build=$top/build-fuzz build_only=0
targets=()
while [ $# -gt 0 ]; do
    case $1 in
    --time) time_s=$2; shift 2 ;;
    --tap) tap=1; shift ;;
    --build) build=$2; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -*) echo "usage: fuzz/run.sh [--time S] [--tap] [--build DIR] [TARGET...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    for f in "$top"/fuzz/fuzz_*.c; do
        n=$(basename "$f" .c); targets+=("${n#fuzz_}")
    done
fi

# clang with libFuzzer's runtime, or nothing to do here
fuzz_toolchain() {
    local d
    command -v clang >/dev/null || { echo "clang is not installed"; return 1; }
    d=$(mktemp -d) || return 1
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$d/t.c"
    if ! clang -fsanitize=fuzzer,address,undefined "$d/t.c" -o "$d/t" >/dev/null 2>&1; then
        rm -rf "$d"; echo "clang cannot link -fsanitize=fuzzer (libclang-rt-dev missing?)"; return 1
    fi
    rm -rf "$d"
}
if ! why=$(fuzz_toolchain); then
    echo "$why" >&2
    exit 3
fi

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false \
        -Dfuzz=true >"$build.setup.log" 2>&1 ||
        { echo "meson setup $build failed (log: $build.setup.log)" >&2; exit 2; }
fi
bins=()
for t in "${targets[@]}"; do bins+=("fuzz/fuzz_$t"); done
if ! ninja -C "$build" "${bins[@]}" >"$build/fuzz-build.log" 2>&1; then
    echo "building the fuzzers failed (log: $build/fuzz-build.log):" >&2
    grep -E 'error|FAILED' "$build/fuzz-build.log" | head -20 >&2
    exit 2
fi
[ $build_only = 1 ] && exit 0

# libFuzzer's own reports; tests/run's ASAN_OPTIONS (slow unwinding on
# every malloc) would cost most of the executions
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
work=$build/fuzz-work
flags=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

# regress T: every committed corpus file once; prints "ok" or the reason
regress() {
    local t=$1 w=$work/$1 files
    mkdir -p "$w"
    files=("$top/fuzz/corpus/$t"/*)
    [ -e "${files[0]}" ] || { echo "no corpus in fuzz/corpus/$t"; return; }
    if "$build/fuzz/fuzz_$t" "${flags[@]}" -artifact_prefix="$w/regress-" "${files[@]}" \
        >"$w/regress.log" 2>&1; then
        echo ok
    else
        echo "a corpus file fails: $(grep 'Running: ' "$w/regress.log" | tail -1 | sed 's/.*Running: //')" \
             "($(grep -m1 -E '==ERROR|runtime error|ALARM|deadly signal' "$w/regress.log"); log: $w/regress.log)"
    fi
}

# fuzz T: S seconds; writes RESULT lines to $work/T/result
fuzz() {
    local t=$1 w=$work/$1 rc execs found
    rm -rf "$w/corpus" "$w"/crash-* "$w"/leak-* "$w"/timeout-* "$w"/oom-* "$w"/slow-unit-*
    mkdir -p "$w/corpus"
    "$build/fuzz/fuzz_$t" "${flags[@]}" -max_total_time="$time_s" -artifact_prefix="$w/" \
        "$w/corpus" "$top/fuzz/corpus/$t" >"$w/fuzz.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/fuzz.log" | tail -1)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$w/fuzz.log" | tail -1 | tr -d '#')
    found=$(ls "$w"/crash-* "$w"/leak-* "$w"/timeout-* "$w"/oom-* 2>/dev/null | head -1)
    {
        echo "execs ${execs:-0}"
        if [ $rc -ne 0 ] || [ -n "$found" ]; then
            echo "found ${found:-exit status $rc} $(grep -m1 -E '==ERROR|runtime error|ALARM|out-of-memory' "$w/fuzz.log")"
        fi
    } >"$w/result"
}

status=0 n=0
# regression inputs first: quick, and they say whether a known bug is back
for t in "${targets[@]}"; do
    r=$(regress "$t")
    if [ $tap = 1 ]; then
        if [ "$r" = ok ]; then echo "ok - fuzz_$t: every file of fuzz/corpus/$t runs clean"
        else echo "not ok - fuzz_$t: $r"; status=1; fi
    elif [ "$r" != ok ]; then
        echo "fuzz_$t: $r"; status=1
    fi
done

# two at a time (wait -n: as soon as one ends the next starts)
running=0
for t in "${targets[@]}"; do
    if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
    fuzz "$t" &
    running=$((running + 1))
done
wait

for t in "${targets[@]}"; do
    res=$work/$t/result
    execs=$(sed -n 's/^execs //p' "$res" 2>/dev/null)
    found=$(sed -n 's/^found //p' "$res" 2>/dev/null)
    n=$((n + 1))
    if [ $tap = 1 ]; then
        echo "# fuzz_$t: ${execs:-0} executions in ${time_s} s"
        if [ -z "$found" ] && [ -f "$res" ]; then echo "ok - fuzz_$t: ${time_s} s without a crash, leak or timeout"
        else echo "not ok - fuzz_$t: reproducer ${found:-none: no result} (log: $work/$t/fuzz.log)"; status=1; fi
    else
        if [ -z "$found" ] && [ -f "$res" ]; then
            printf '%-22s %10s executions in %s s, nothing found\n' "fuzz_$t" "${execs:-0}" "$time_s"
        else
            printf '%-22s %10s executions in %s s, FOUND: %s (log: %s)\n' "fuzz_$t" "${execs:-0}" \
                "$time_s" "${found:-no result}" "$work/$t/fuzz.log"
            status=1
        fi
    fi
done
exit $status
