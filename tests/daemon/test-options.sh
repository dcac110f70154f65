#!/bin/bash
# test-options.sh: the daemon as a drop-in for libvirtd: its command line
# (--version, --help, an unknown option, -t/--timeout, -d/--daemon with
# -p/--pid-file) and its config file (libvirtd.conf syntax: an unknown
# setting is warned about and ignored, a syntax error stops it).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

trap 'daemon_cleanup; [ -n "${dpid:-}" ] && kill "$dpid" 2>/dev/null' EXIT
why=$(daemon_unavailable)
if [ -n "$why" ]; then
    fail "$(daemon_name) is available: $why"
    exit 1
fi
bin=$VIREOD
[ "$VIREO_TEST_DAEMON" = libvirtd ] && bin=$LIBVIRTD

out=$("$bin" --version 2>&1); rc=$?
if [ $rc -eq 0 ] && [[ $out =~ [0-9]+\.[0-9]+ ]]; then ok "--version: $out"; else
    fail "--version exits 0 and prints a version"; note "rc=$rc" "$out"; fi

out=$("$bin" --help 2>&1); rc=$?
missing=""
for o in --config --listen --pid-file --daemon --timeout --verbose --version --help; do
    grep -q -- "$o" <<<"$out" || missing+=" $o"
done
if [ $rc -eq 0 ] && [ -z "$missing" ]; then ok "--help names libvirtd's options"; else
    fail "--help exits 0 and names libvirtd's options"; note "rc=$rc" "missing:$missing" "$out"; fi

out=$("$bin" --frobnicate 2>&1 </dev/null); rc=$?
if [ $rc -ne 0 ] && grep -q -- frobnicate <<<"$out"; then ok "an unknown option is refused"; else
    fail "an unknown option is refused, naming it"; note "rc=$rc" "$out"; fi

# -t: with no client for SECS seconds it exits by itself, cleanly
DAEMON_ARGS=(-t 1)
if daemon_start; then
    ok "starts with -t 1"
    if wait_for 15 _daemon_exited_or_zombie; then
        wait "$DAEMON_PID"; rc=$?
        DAEMON_PID=""
        left=$(_daemon_leftovers)
        if [ $rc -eq 0 ] && [ -z "$left" ]; then ok "-t 1: exits 0 when idle, sockets and pid file removed"
        else fail "-t 1: exits 0 when idle, sockets and pid file removed"; note "rc=$rc" "left: $left"; daemon_show_log; fi
    else
        fail "-t 1: exits by itself within 15 s when idle"
        daemon_show_log
    fi
else
    fail "starts with -t 1: $DAEMON_START_WHY"
fi
# shellcheck disable=SC2034 # read by daemon_start
DAEMON_ARGS=()

# the config file: an unknown setting is warned about, the daemon runs
if [ "$VIREO_TEST_DAEMON" = libvirtd ]; then
    skip "an unknown setting is warned about" "libvirtd ignores unknown settings silently"
elif daemon_start 'frobnicate_level = 3' 'max_clients = 100'; then
    if grep -q frobnicate_level "$DAEMON_LOG"; then ok "an unknown setting is warned about, naming it"; else
        fail "an unknown setting is warned about, naming it"; daemon_show_log; fi
    if daemon_stop; then ok "stops cleanly"; else fail "stops cleanly: $DAEMON_STOP_WHY"; fi
else
    fail "starts with an unknown setting in its config: $DAEMON_START_WHY"
fi

# a syntax error stops it with a message naming the file
root=$(mktemp -d /tmp/vireo-daemon-test.XXXXXX)
_daemon_roots+=("$root")
printf 'max_clients = = 5\n' >"$root/bad.conf"
if [ "$VIREO_TEST_DAEMON" = libvirtd ]; then
    out=$(LIBVIRT_DRIVER_DIR=$root unshare -m --propagation private /bin/sh -c \
        'mount -t tmpfs tmpfs /run/libvirt 2>/dev/null; mount -t tmpfs tmpfs /var/log 2>/dev/null; exec "$@"' sh \
        timeout 20 "$bin" -f "$root/bad.conf" -p "$root/pid" 2>&1 </dev/null); rc=$?
else
    out=$(timeout 20 "$bin" --root "$root" -f "$root/bad.conf" -p "$root/pid" 2>&1 </dev/null); rc=$?
fi
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q bad.conf <<<"$out"; then
    ok "a config syntax error stops it, naming the file"
else
    fail "a config syntax error stops it, naming the file"; note "rc=$rc" "$out"
fi

# -d: returns at once; the daemon runs on and writes its pid file
root=$(mktemp -d /tmp/vireo-daemon-test.XXXXXX)
_daemon_roots+=("$root")
if [ "$VIREO_TEST_DAEMON" = libvirtd ]; then
    skip "-d/--daemon" "checked against vireod only (libvirtd -d leaves the test's mount namespace)"
else
    timeout 20 "$bin" --root "$root" -d -p "$root/vireod.pid" >"$root/out" 2>&1 </dev/null; rc=$?
    if [ $rc -eq 0 ] && wait_for 10 test -s "$root/vireod.pid"; then
        dpid=$(cat "$root/vireod.pid")
        ok "-d returns 0 and writes the pid file"
        sock=$(find "$root" -name libvirt-sock -type s | head -n 1)
        if [ -n "$sock" ] && virsh -c "test+unix:///default?socket=$sock" uri >/dev/null 2>&1; then
            ok "-d: the daemon answers"; else fail "-d: the daemon answers"; fi
        kill -TERM "$dpid"
        if wait_for 15 eval '! kill -0 "$dpid" 2>/dev/null'; then
            left=$(find "$root" \( -type s -o -type l \) -name '*sock*'; [ -e "$root/vireod.pid" ] && echo pid)
            check_eq "-d: SIGTERM removes its sockets and pid file" "" "$left"
            dpid=""
        else
            fail "-d: exits on SIGTERM"
        fi
    else
        fail "-d returns 0 and writes the pid file"; note "rc=$rc" "$(cat "$root/out")"
    fi
fi
done_testing
