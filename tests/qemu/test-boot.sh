#!/bin/bash
# test-boot.sh: the tiny guest's life through vireod's QEMU driver, driven
# by virsh, with python3-libvirt watching the lifecycle events: define,
# start to userspace, console round trip, suspend/resume, ACPI shutdown
# (the guest's own answer), start again, destroy, undefine.  type='qemu'
# (TCG), so it passes with or without a working KVM.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start
check "python3-libvirt listens for lifecycle events" events_start

g=vireo-boot
guest_define "$g" || exit 1
ok "define $g"
check_eq "a defined guest is shut off" "shut off" "$(vsh domstate "$g" | sed '/^$/d')"

check "start $g" vsh_q start "$g"
if wait_marker "$g" "VIREO-GUEST: userspace"; then
    ok "$g reaches userspace (serial marker)"
else
    fail "$g reaches userspace within ${GUEST_BOOT_TIMEOUT}s"
    guest_show_logs "$g"
fi
check "$g is ready (modules loaded, power button watched)" wait_marker "$g" "VIREO-GUEST: ready"
pid=$(guest_pid "$g")
check "$g has a QEMU process" [ -n "$pid" ]
check_eq "dominfo: running" "running" "$(vsh dominfo "$g" | awk -F': *' '/^State:/ {print $2}')"
check_eq "domstate --reason: running (booted)" "running (booted)" "$(domstate "$g")"
check "domid is a number" [ -n "$(vsh domid "$g" | grep -E '^[0-9]+$')" ]

check "console round trip (the guest's shell computes 6*7)" quietly console "$g" 'echo $((6*7))' 42

check "suspend $g" vsh_q suspend "$g"
check_eq "state after suspend" "paused (user)" "$(domstate "$g")"
check "resume $g" vsh_q resume "$g"
check_eq "state after resume" "running (unpaused)" "$(domstate "$g")"
check "the guest answers on its console after resume" quietly console "$g" 'echo $((7*8))' 56

check "shutdown $g (ACPI power button)" vsh_q shutdown "$g"
check "the guest answers the power button" wait_marker "$g" "VIREO-GUEST: powering off" 1 20
if wait_for 20 state_is "$g" "shut off (shutdown)"; then
    ok "ACPI shutdown ends in: shut off (shutdown)"
else
    fail "ACPI shutdown ends in: shut off (shutdown); state is '$(domstate "$g")'"
    guest_show_logs "$g"
fi
[ -n "$pid" ] && check "QEMU $pid is gone after shutdown" wait_for 10 pid_gone "$pid"

check "start $g again" vsh_q start "$g"
check "$g reaches userspace again" wait_marker "$g" "VIREO-GUEST: ready"
pid=$(guest_pid "$g")
check "destroy $g" vsh_q destroy "$g"
check_eq "state after destroy" "shut off (destroyed)" "$(domstate "$g")"
[ -n "$pid" ] && check "QEMU $pid is gone after destroy" wait_for 10 pid_gone "$pid"
check_eq "list --all shows it shut off" "shut off" \
    "$(vsh list --all | awk -v n="$g" '$2 == n {print $3, $4}')"

check "undefine $g" vsh_q undefine "$g"
if vsh dominfo "$g" >/dev/null 2>&1; then fail "it is gone"; else ok "it is gone"; fi

if wait_for 10 events_seq "$g" "defined added" "started booted" "suspended paused" \
        "resumed unpaused" "stopped shutdown" "started booted" "stopped destroyed" "undefined removed"; then
    ok "python3-libvirt saw the events: defined, started, suspended, resumed, stopped (shutdown), started, stopped (destroyed), undefined"
else
    fail "python3-libvirt saw the lifecycle events in order"
    note "events received:" "$(cat "$EVENTS_LOG")"
fi

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
