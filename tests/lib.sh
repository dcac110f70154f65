# lib.sh: helpers for shell tests (TAP lines, see tests/run).
# Source it: . "$VIREO_TOP/tests/lib.sh"

: "${VIREO_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${VIREO_BUILD:=$VIREO_TOP/build}"
VIREO=$VIREO_BUILD/src/cli/vireo
_failures=0

ok()   { echo "ok - $*"; }
fail() { echo "not ok - $*"; _failures=$((_failures + 1)); }
skip() { echo "ok - $1 # SKIP $2"; }
note() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check "what" cmd args...: ok when the command succeeds
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

# check_eq "what" expected actual
check_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else
        fail "$1"; note "expected:" "$2" "actual:" "$3"
    fi
}

# quietly cmd args...: run it; its output only when it fails (as TAP comments)
quietly() { local out; out=$("$@" 2>&1) && return 0; printf '%s\n' "$out" | sed 's/^/# /'; return 1; }

# wait_for SECONDS cmd args...: poll the condition until true or timeout
wait_for() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    while ! "$@"; do
        [ $SECONDS -ge $end ] && return 1
        sleep 0.05
    done
}

done_testing() { [ "$_failures" -eq 0 ]; }
