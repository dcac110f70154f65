#!/bin/bash
# test-restart.sh: guests outlive vireod.  Three guests run; one is
# paused and its status file made stale (as if vireod died before writing
# the change); one is stopped (SIGSTOP: its monitor cannot answer); vireod is killed with
# SIGKILL; another guest's QEMU is killed while no daemon runs; a new
# vireod on the same root answers at once and lists the two survivors
# running (the same QEMU processes: the stopped one is not killed for not
# answering, and is taken back once it runs again), the third shut off,
# and destroys the survivors cleanly.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start

a=vireo-ra b=vireo-rb c=vireo-rc
for g in $a $b $c; do
    guest_define "$g" || exit 1
    check "start $g" vsh_q start "$g"
done
for g in $a $b $c; do
    if wait_marker "$g" "VIREO-GUEST: ready"; then ok "$g reaches userspace"; else
        fail "$g reaches userspace"; guest_show_logs "$g"
    fi
done
pa=$(guest_pid $a) pb=$(guest_pid $b) pc=$(guest_pid $c)
check "each guest has its QEMU ($pa, $pb, $pc)" [ -n "$pa" ] && [ -n "$pb" ] && [ -n "$pc" ]

check "suspend $a" vsh_q suspend $a
status_a=$(find "$DAEMON_ROOT" -path "*/run/libvirt/qemu/$a.xml" | head -n 1)
check "$a's status file says paused" wait_for 10 grep -q "<domstatus state='3'" "$status_a"
kill -STOP "$pb"
ok "$b's QEMU $pb stopped (SIGSTOP): its monitor cannot answer"
old=$DAEMON_PID
kill -KILL "$old"
wait "$old" 2>/dev/null
ok "vireod $old killed with SIGKILL"
# a run state change is written after it happens: a daemon killed in
# between leaves the old state in the file; the next one asks QEMU
sed -i "s/<domstatus state='3' reason='1'/<domstatus state='1' reason='1'/" "$status_a"
check "$a's status file made stale (running)" grep -q "<domstatus state='1'" "$status_a"
for p in $pa $pb $pc; do
    check "QEMU $p survives its daemon" kill -0 "$p"
done
# one guest ends while no daemon watches
[ -n "$pc" ] && kill -KILL "$pc"
check "$c's QEMU $pc is killed while vireod is down" wait_for 10 pid_gone "$pc"

qemu_daemon_restart_same_root
out=$(vsh list --all 2>&1)
note "list --all after the restart:" "$out"
active=$(vsh list --name 2>&1 | sed '/^$/d' | sort | tr '\n' ' ')
check_eq "the new vireod lists both survivors active at once" "$a $b " "$active"
check "$a: paused, as QEMU says, not running as its stale file says" \
    wait_for 10 state_is $a "paused (unknown)"
check "resume $a" vsh_q resume $a
check_eq "$a: running (unpaused)" "running (unpaused)" "$(domstate $a)"
check_eq "$c, gone while vireod was down, is shut off" "shut off" "$(domstate $c | sed 's/ (.*//')"
check_eq "$a keeps its QEMU" "$pa" "$(guest_pid $a)"
check_eq "$b keeps its QEMU" "$pb" "$(guest_pid $b)"
check "$a still answers on its console" quietly console $a 'echo $((6*7))' 42
check "the new vireod finds $b's monitor silent and retries" \
    wait_for 20 grep -q "$b: QEMU (pid $pb) runs but its monitor does not answer" "$DAEMON_LOG"
check "$b's stopped QEMU is not killed for not answering" kill -0 "$pb"
kill -CONT "$pb"
check "once it runs again, $b is taken back: suspend" wait_for 30 vsh_q suspend $b
check_eq "$b: paused (user)" "paused (user)" "$(domstate $b)"
check "resume $b" vsh_q resume $b
check "$b answers on its console" quietly console $b 'echo $((6*7))' 42

for g in $a $b; do
    check "destroy $g" vsh_q destroy "$g"
    check_eq "$g: shut off (destroyed)" "shut off (destroyed)" "$(domstate "$g")"
done
check "QEMU $pa is gone" wait_for 10 pid_gone "$pa"
check "QEMU $pb is gone" wait_for 10 pid_gone "$pb"
left=$(find "$DAEMON_ROOT" \( -name "vireo-r?.pid" -o -name "vireo-r?.monitor" \) 2>/dev/null)
check_eq "no pid file or monitor socket left" "" "$left"
for g in $a $b $c; do check "undefine $g" vsh_q undefine "$g"; done

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
