#!/bin/bash
# test-actions.sh: the lifecycle actions and the domain's messages.
# on_poweroff=restart boots the guest again in the same QEMU; a guest
# panic (pvpanic, `echo c >/proc/sysrq-trigger`) applies on_crash:
# destroy (shut off, crashed), preserve (left crashed), coredump-destroy
# (a memory dump in the dump folder first), restart; on_reboot=destroy
# turns a guest reboot into shut off; a configuration the driver cannot
# honour is refused at start.  virsh dominfo shows libvirt's taint
# message for a QEMU running as root.  An autostart domain starts with
# the daemon, from its managed save image when it has one.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start
events_start

# define NAME with on_poweroff/on_reboot/on_crash and a pvpanic device
define_with() {
    local name=$1 poweroff=$2 reboot=$3 crash=$4 xml
    xml=$(guest_xml "$name")
    sed -i -e "s|<on_poweroff>.*</on_poweroff>|<on_poweroff>$poweroff</on_poweroff>|" \
        -e "s|<on_reboot>.*</on_reboot>|<on_reboot>$reboot</on_reboot>|" \
        -e "s|<on_crash>.*</on_crash>|<on_crash>$crash</on_crash>|" \
        -e "s|<memballoon model='none'/>|<memballoon model='none'/><panic model='isa'/>|" "$xml"
    vsh_q define "$xml"
}

boot() {
    local name=$1
    check "start $name" vsh_q start "$name" || return 1
    if wait_marker "$name" "VIREO-GUEST: ready"; then ok "$name reaches userspace"; else
        fail "$name reaches userspace"; guest_show_logs "$name"; return 1
    fi
}

# type a command the guest does not answer (it panics, reboots...): wait
# for its echo, since QEMU drops what a pty client wrote just before
# closing it
console_send() {
    local pty
    pty=$(guest_pty "$1")
    /usr/bin/python3 "$QEMU_TESTS/console.py" "$pty" "$2" "$3" 10 >/dev/null 2>&1 || true
}

# --- on_poweroff=restart: the same QEMU boots the guest again
g=vireo-act-restart
check "define $g (on_poweroff restart)" define_with $g restart restart destroy
boot $g
pid=$(guest_pid $g)
check "shutdown $g" vsh_q shutdown $g
if wait_marker $g "VIREO-GUEST: ready" 2 90; then ok "$g boots again after its power off"; else
    fail "$g boots again after its power off"; guest_show_logs $g
fi
check_eq "$g: running (booted)" "running (booted)" "$(domstate $g)"
check_eq "$g keeps its QEMU ($pid)" "$pid" "$(guest_pid $g)"
check "events: shutdown guest, then resumed" \
    wait_for 10 events_seq $g "shutdown guest" "resumed unpaused"
msgs=$(vsh dominfo $g 2>&1)
if [ "$(id -u)" = 0 ]; then
    check "dominfo shows the taint of a QEMU running as root" \
        grep -q "tainted: running with undesirable elevated privileges" <<<"$msgs"
fi
check "destroy $g" vsh_q destroy $g

# --- on_crash=destroy: a panic shuts the domain off, reason crashed
g=vireo-act-crash
check "define $g (on_crash destroy)" define_with $g destroy restart destroy
boot $g
pid=$(guest_pid $g)
console_send $g 'echo c >/proc/sysrq-trigger' sysrq-trigger
check "$g: shut off (crashed) after its panic" wait_for 30 state_is $g "shut off (crashed)"
check "events: crashed panicked, then stopped crashed" \
    wait_for 10 events_seq $g "crashed panicked" "stopped crashed"
check "its QEMU $pid is gone" wait_for 10 pid_gone "$pid"

# --- on_crash=preserve: left crashed, paused, until destroyed
g=vireo-act-preserve
check "define $g (on_crash preserve)" define_with $g destroy restart preserve
boot $g
pid=$(guest_pid $g)
console_send $g 'echo c >/proc/sysrq-trigger' sysrq-trigger
check "$g: crashed (panicked)" wait_for 30 state_is $g "crashed (panicked)"
check_eq "its QEMU stays ($pid)" "$pid" "$(guest_pid $g)"
check "destroy $g" vsh_q destroy $g
check_eq "$g: shut off (destroyed)" "shut off (destroyed)" "$(domstate $g)"

# --- on_crash=coredump-destroy: a memory dump, then shut off
g=vireo-act-dump
check "define $g (on_crash coredump-destroy)" define_with $g destroy restart coredump-destroy
boot $g
console_send $g 'echo c >/proc/sysrq-trigger' sysrq-trigger
check "$g: shut off (crashed) after its panic" wait_for 60 state_is $g "shut off (crashed)"
dump=$(find "$DAEMON_ROOT" -path "*/dump/$g-*" -type f 2>/dev/null | head -n 1)
check "a dump of $g is in the dump folder under the root" [ -n "$dump" ]
check "the dump is an ELF core" \
    [ "$(head -c 4 "$dump" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]

# --- on_crash=restart: boots again
g=vireo-act-crash-restart
check "define $g (on_crash restart)" define_with $g destroy restart restart
boot $g
console_send $g 'echo c >/proc/sysrq-trigger' sysrq-trigger
if wait_marker $g "VIREO-GUEST: ready" 2 90; then ok "$g boots again after its panic"; else
    fail "$g boots again after its panic"; guest_show_logs $g
fi
check_eq "$g: running (booted)" "running (booted)" "$(domstate $g)"
check "destroy $g" vsh_q destroy $g

# --- on_reboot=destroy: a guest reboot shuts it off
g=vireo-act-reboot
check "define $g (on_reboot destroy)" define_with $g destroy destroy destroy
boot $g
console_send $g 'reboot -f' 'reboot -f'
check "$g: shut off after its reboot" wait_for 30 state_is $g "shut off (shutdown)"

# --- what the driver cannot do is refused at start, naming it
g=vireo-act-bad
check "define $g (on_poweroff preserve)" define_with $g preserve restart destroy
out=$(vsh start $g 2>&1)
check "start refuses on_poweroff preserve" grep -q "on_poweroff action 'preserve' is not supported" <<<"$out"
check_eq "$g stays shut off" "shut off" "$(domstate $g | sed 's/ (.*//')"
check_eq "no QEMU for $g" "" "$(guest_pid $g)"

# --- autostart at daemon start; from a managed save image when there is one
g=vireo-act-auto
check "define $g" define_with $g destroy restart destroy
check "autostart $g" vsh_q autostart $g
# stop vireod by its pid, keeping its root for the next one
daemon_term() { kill -TERM "$DAEMON_PID" && wait "$DAEMON_PID"; }
check "vireod stops (SIGTERM)" daemon_term
qemu_daemon_restart_same_root
check "the new vireod starts $g by itself" wait_for 30 state_is $g "running (booted)"
if wait_marker $g "VIREO-GUEST: ready"; then ok "$g reaches userspace"; else
    fail "$g reaches userspace"; guest_show_logs $g
fi
check "a marker in $g" quietly console $g 'echo MARK-$((6*7)) >/tmp/m; cat /tmp/m' MARK-42
check "managedsave $g" vsh_q managedsave $g
check "vireod stops again" daemon_term
qemu_daemon_restart_same_root
check "autostart resumes $g from its managed save image" \
    wait_for 30 state_is $g "running (restored)"
check "$g kept its marker" quietly console $g 'cat /tmp/m; echo $((6*7))' MARK-42
check_eq "the image is gone" "0" "$(vsh dominfo $g | grep -c 'Managed save: *yes')"
check "destroy $g" vsh_q destroy $g

for g in vireo-act-auto vireo-act-restart vireo-act-crash vireo-act-preserve vireo-act-dump \
         vireo-act-crash-restart vireo-act-reboot vireo-act-bad; do
    vsh destroy $g >/dev/null 2>&1
    check "undefine $g" vsh_q undefine $g
done
if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
