#!/bin/bash
# test-fuzz.sh: every libFuzzer target (fuzz/) runs clean over its
# committed corpus (the regression inputs of bugs found before among it),
# then fuzzes for 20 seconds each (`make fuzz` fuzzes longer), two
# targets at a time, without a crash, leak or timeout.  The targets are built in build-fuzz/ (clang, ASan +
# UBSan) whatever build the suite runs on; without clang or libFuzzer's
# runtime the test SKIPs with the reason.  Reproducers are named in the
# "not ok" lines (fuzz/README.md says how to replay one).
# vireo-test: once  (it builds its own sanitizer build; running it per build adds nothing)
. "$VIREO_TOP/tests/lib.sh"

out=$("$VIREO_TOP/fuzz/run.sh" --tap --time "${VIREO_FUZZ_TIME:-20}" 2>&1)
rc=$?
case $rc in
3) skip "libFuzzer targets" "$(tail -1 <<<"$out")"; exit 0 ;;
2) fail "build-fuzz builds the fuzz targets"; note "$out"; exit 1 ;;
esac
printf '%s\n' "$out"
[ $rc -eq 0 ]
