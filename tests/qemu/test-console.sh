#!/bin/bash
# test-console.sh: the guest's serial console over a stream through
# vireod: virsh console and vireo console on a terminal (the escape key
# ^] ends them), one session at a time unless --force (which ends the
# first), python3-libvirt's stream, vireo console on pipes, the session
# ending when the domain stops, and the errors (shut off domain, unknown
# device).  type='qemu' (TCG): passes with or without KVM.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start

CC="/usr/bin/python3 $QEMU_TESTS/console-client.py"
# cc MODE ARGS...: the client, its output only when it fails
cc() { quietly timeout 90 $CC "$@"; }
VSH=(virsh -c "$QEMU_URI")

g=vireo-console
guest_define "$g" || exit 1
check "start $g" vsh_q start "$g"
if ! wait_marker "$g" "VIREO-GUEST: ready"; then
    fail "$g is ready within ${GUEST_BOOT_TIMEOUT}s"
    guest_show_logs "$g"
    exit 1
fi

check "virsh console: round trip, then ^] ends it (exit 0)" \
    cc tty --line 'echo hi-$((6*7))' --expect hi-42 -- "${VSH[@]}" console "$g"
check "vireo console: round trip, then ^] ends it (exit 0)" \
    cc tty --line 'echo hi-$((7*8))' --expect hi-56 -- "$VIREO" -c "$QEMU_URI" console "$g"
check "vireo console on pipes (stdin not a terminal)" \
    cc pipe --line 'echo hi-$((8*9))' --expect hi-72 -- "$VIREO" -c "$QEMU_URI" console "$g"
check "virsh console --devname serial0" \
    cc tty --line 'echo hi-$((3*5))' --expect hi-15 -- "${VSH[@]}" console "$g" --devname serial0
check "python3-libvirt: newStream, openConsole, send, recv, finish" \
    cc libvirt "$QEMU_URI" "$g" 'echo hi-$((9*9))' hi-81

# one session at a time
ready=$GUEST_WORK/first.ready hold=$GUEST_WORK/first.hold
$CC tty --ready "$ready" --hold "$hold" -- "${VSH[@]}" console "$g" \
    >"$GUEST_WORK/first.out" 2>&1 &
first=$!
check "a first virsh console session is connected" wait_for 20 test -e "$ready"
check "a second session is refused while the first is open" \
    cc tty --want-fail "Active console session exists for this domain" -- \
    "${VSH[@]}" console "$g"
check "vireo console is refused the same way" \
    cc tty --want-fail "Active console session exists for this domain" -- \
    "$VIREO" -c "$QEMU_URI" console "$g"
touch "$hold"
if wait "$first"; then ok "the first session still answers ^] and exits 0"; else
    fail "the first session still answers ^] and exits 0"; sed 's/^/# /' "$GUEST_WORK/first.out"
fi
check "after it ended, a new session connects" \
    cc tty --line 'echo hi-$((2*21))' --expect hi-42 -- "${VSH[@]}" console "$g"

# a client that goes away without ending its session does not keep the
# console: the next one connects without --force
/usr/bin/python3 -c '
import libvirt, os, sys
c = libvirt.open(sys.argv[1]); st = c.newStream(0)
c.lookupByName(sys.argv[2]).openConsole(None, st, 0)
os._exit(0)' "$QEMU_URI" "$g" >/dev/null 2>&1
check "a client that vanished without ending its session does not hold the console" \
    cc tty --line 'echo hi-$((6*6))' --expect hi-36 -- "${VSH[@]}" console "$g"

# --force takes over: the first session ends
rm -f "$ready"
$CC tty --ready "$ready" --end-by-peer -- "${VSH[@]}" console "$g" >"$GUEST_WORK/first.out" 2>&1 &
first=$!
check "a session to take over is connected" wait_for 20 test -e "$ready"
check "console --force takes over and works" \
    cc tty --line 'echo hi-$((4*4))' --expect hi-16 -- "${VSH[@]}" console "$g" --force
if wait "$first"; then ok "the session taken over ends"; else
    fail "the session taken over ends"; sed 's/^/# /' "$GUEST_WORK/first.out"
fi

# the domain stopping ends the session
rm -f "$ready"
$CC tty --ready "$ready" --end-by-peer -- "$VIREO" -c "$QEMU_URI" console "$g" \
    >"$GUEST_WORK/first.out" 2>&1 &
first=$!
check "a session is connected before destroy" wait_for 20 test -e "$ready"
check "destroy $g" vsh_q destroy "$g"
if wait "$first"; then ok "destroying the domain ends its console session"; else
    fail "destroying the domain ends its console session"; sed 's/^/# /' "$GUEST_WORK/first.out"
fi

out=$(vsh console "$g" 2>&1 </dev/null) && rc=0 || rc=$?
if [ $rc -ne 0 ] && [[ $out == *"The domain is not running"* ]]; then
    ok "virsh console of a shut off domain fails: The domain is not running"
else
    fail "virsh console of a shut off domain fails (exit $rc): $out"
fi
out=$(/usr/bin/python3 -c '
import libvirt, sys
c = libvirt.open(sys.argv[1]); d = c.lookupByName(sys.argv[2])
try:
    d.openConsole(None, c.newStream(0), 0); print("opened")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e)' "$QEMU_URI" "$g" 2>/dev/null)
check_eq "openConsole of a shut off domain: OPERATION_INVALID" \
    "55 Requested operation is not valid: domain is not running" "$out"

check "start $g again" vsh_q start "$g"
check "$g is ready again" wait_marker "$g" "VIREO-GUEST: ready"
check "an unknown device name: cannot find character device" \
    cc tty --want-fail "cannot find character device nosuch" -- \
    "${VSH[@]}" console "$g" --devname nosuch
check "the console works after a restart" \
    cc tty --line 'echo hi-$((5*5))' --expect hi-25 -- "$VIREO" -c "$QEMU_URI" console "$g"
check "destroy $g" vsh_q destroy "$g"
check "undefine $g" vsh_q undefine "$g"

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
