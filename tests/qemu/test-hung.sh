#!/bin/bash
# test-hung.sh: one hung guest delays nothing but its own jobs.  Two
# guests run; one's QEMU is stopped with SIGSTOP and a suspend is left
# waiting on its monitor (holding its job).  Then `virsh list`, dominfo
# of both and the start of a third guest return and succeed (timing goals
# are bench/'s: here they must return, under `timeout 5`), and a second
# changing job on the hung guest fails with the job timeout
# (VIREO_QEMU_JOB_TIMEOUT_MS) naming the job that holds it.  SIGCONT lets
# the first suspend finish; everything is destroyed.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

export VIREO_QEMU_JOB_TIMEOUT_MS=2000
guest_setup
qemu_daemon_start

h=vireo-hung o=vireo-other t=vireo-third
for g in $h $o $t; do guest_define "$g" || exit 1; done
for g in $h $o; do check "start $g" vsh_q start "$g"; done
for g in $h $o; do
    if wait_marker "$g" "VIREO-GUEST: ready"; then ok "$g reaches userspace"; else
        fail "$g reaches userspace"; guest_show_logs "$g"
    fi
done
ph=$(guest_pid $h)
if [ -z "$ph" ]; then fail "$h has a QEMU process"; exit 1; fi
kill -STOP "$ph"
ok "QEMU $ph of $h stopped with SIGSTOP"

# a changing job stuck on the hung monitor, holding the domain
vsh suspend $h >"$GUEST_WORK/suspend1.out" 2>&1 &
stuck=$!
# it reached the monitor when the stopped QEMU has unread bytes on a socket
qemu_unread() { ss -xnp 2>/dev/null | awk -v p="pid=$1," '$2 == "ESTAB" && $3 > 0 && index($0, p)' | grep -q .; }
check "the suspend reached $h's monitor (unread by the stopped QEMU)" wait_for 10 qemu_unread "$ph"

vt() { timeout 5 virsh -c "$QEMU_URI" "$@"; }
out=$(vt list 2>&1)
check "virsh list returns and succeeds while $h hangs" [ $? -eq 0 ]
check "it lists both guests" grep -q "$o" <<<"$out"
check "dominfo $o returns and succeeds" quietly vt dominfo $o
check "dominfo $h (hung) returns and succeeds (reads never wait on a monitor)" quietly vt dominfo $h
check "start $t returns and succeeds while $h hangs" quietly vt start $t

out=$(timeout 20 virsh -c "$QEMU_URI" resume $h 2>&1)
rc=$?
check "a second changing job (resume) on $h fails, by itself (status $rc; 124: still waiting after 20s)" \
    [ $rc -ne 0 -a $rc -ne 124 ]
note "resume said: $out"
check "with the timeout error" grep -qi "timed out" <<<"$out"
check "naming the job that holds $h (suspend)" grep -qi "suspend" <<<"$out"

kill -CONT "$ph"
ok "QEMU $ph continued"
wait_for 30 pid_gone "$stuck"
wait "$stuck"
rc=$?
check "the first suspend completes once QEMU runs again" [ $rc -eq 0 ]
[ $rc -eq 0 ] || note "$(cat "$GUEST_WORK/suspend1.out")"
check_eq "$h is paused" "paused (user)" "$(domstate $h)"
check "$t reaches userspace" wait_marker $t "VIREO-GUEST: ready"

pids=""
for g in $h $o $t; do
    pids="$pids $(guest_pid $g)"
    check "destroy $g" vsh_q destroy "$g"
done
for p in $pids; do check "QEMU $p is gone" wait_for 10 pid_gone "$p"; done
for g in $h $o $t; do vsh undefine "$g" >/dev/null; done

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
