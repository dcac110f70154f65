#!/bin/bash
# test-lxc-life.sh: a container's lifecycle in vireod's LXC driver
# (src/drivers/lxc/lxc_process.c, lxc_status.c, lxc_monitor.c,
# lxc_lifecycle.c), with Debian's virsh on lxc:///system against a vireod
# on a private --root in a network namespace of the test's own:
# - start: running, init's pid is a live process, the container's
#   processes are in its cgroup; suspend freezes the cgroup, resume thaws;
# - shutdown: init ends on SIGTERM, shut off (shutdown), events; start again;
# - vireod killed with SIGKILL and restarted on the same root: still
#   running with the same init, listed; destroy works and leaves no mount,
#   cgroup, veth (a bridge interface) or run file;
# - reboot: SIGHUP to init, running again with a new init;
# - refused starts (nothing left): a missing root folder (code 19 naming
#   it), a missing init, a memory limit the kernel refuses.
# H6's test-lxc.sh covers networks, the OOM limit and the console.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"
. "$VIREO_TOP/tests/lxc/lib-lxc.sh"

lxc_setup "LXC lifecycle" lxc-life
GUEST_WORK=$WORK
NAME=life$$
RUN=""

cleanup() {
    lxc_kill_all
    guest_cleanup
    netns_cleanup
    lxc_forget_cgroups "$NAME"
}
trap cleanup EXIT

# init: TERM is a shutdown, HUP (a reboot asked) ends it too; a PID
# namespace's init hears only the signals it handles
cat >"$CT/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin
trap 'exit 0' TERM
trap 'exit 0' HUP
sleep 1000 &
while :; do sleep 1000 & wait $!; done
INIT
chmod 755 "$CT/sbin/init"

netns_setup
DAEMON_NETNS_SYS=host   # the cgroup mounts stay visible to vireod
in_ns ip link add lifebr0 type bridge && in_ns ip link set lifebr0 up ||
    fail "a bridge in the test's namespace"
require_daemon
RUN=$DAEMON_ROOT/run/libvirt/lxc
QEMU_URI="lxc:///system?socket=$DAEMON_SOCK"
vsh() { timeout 60 virsh -q -c "$QEMU_URI" "$@"; }

# ct_xml NAME [ROOT] [INIT] [EXTRA] [DEVICES]
ct_xml() {
    cat <<X
<domain type='lxc'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  $4
  <os><type>exe</type><init>${3:-/sbin/init}</init></os>
  <devices>
    <filesystem type='mount'><source dir='${2:-$CT}'/><target dir='/'/></filesystem>
    <interface type='bridge'><source bridge='lifebr0'/></interface>
    <console type='pty'/>
    $5
  </devices>
</domain>
X
}
state() { vsh domstate --reason "$1" 2>&1 | sed '/^$/d'; }
init_pid() { vsh dumpxml "$1" >/dev/null 2>&1 && awk '{print $3}' "$RUN/$1.state" 2>/dev/null; }
# mounts of the container's root or the test's folder, seen by the host
# and by vireod (other tests mount and unmount meanwhile: not counted)
mounts() { cat /proc/self/mountinfo "/proc/${DAEMON_PID:-self}/mountinfo" 2>/dev/null | grep -c "$WORK" || true; }
cg_dirs() { find /sys/fs/cgroup -maxdepth 6 -type d -name "lxc-$1" 2>/dev/null; }
veths() { in_ns ip -o link show 2>/dev/null | grep -c 'vnet' || true; }
run_files() { find "$RUN" -maxdepth 1 -name "$1.*" 2>/dev/null | wc -l; }
# nothing of NAME's runs is left: cgroup, veth, run files, mounts (= base)
nothing_left() {
    local what=$1 name=$2 base=$3 c
    c=$(cg_dirs "$name" | wc -l)
    if [ "$c" -eq 0 ] && [ "$(veths)" -eq 0 ] && [ "$(run_files "$name")" -eq 0 ] &&
        [ "$(mounts)" -eq "$base" ]; then
        ok "$what: no cgroup, veth, run file or mount left"
    else
        fail "$what: left cgroups=$c veths=$(veths) files=$(run_files "$name") mounts=$(mounts)/$base"
        ls -la "$RUN" | sed 's/^/# /'
    fi
}
base_mounts=$(mounts)
events_start

# ---- start, processes and cgroup, suspend/resume ----
ct_xml "$NAME" >"$WORK/ct.xml"
vsh define "$WORK/ct.xml" >/dev/null || fail "define $NAME"
if out=$(vsh start "$NAME" 2>&1) && [ "$(state "$NAME")" = "running (booted)" ]; then
    ok "start: running (booted)"
else
    fail "start: running: $out / $(state "$NAME")"
    daemon_show_log
    tail -n 20 "$DAEMON_ROOT"/log/libvirt/lxc/"$NAME".log 2>/dev/null | sed 's/^/# /'
    exit 1
fi
pid1=$(init_pid "$NAME")
check "init's pid ($pid1) is a live process" test -d "/proc/${pid1:-0}"
mem=$(cg_dirs "$NAME" | grep -m1 '/memory/')
frz=$(cg_dirs "$NAME" | grep -m1 '/freezer/')
if [ -n "$mem" ] && grep -qx "$pid1" "$mem/cgroup.procs" &&
    [ "$(wc -l <"$mem/cgroup.procs")" -ge 2 ]; then
    ok "init and its children are in the container's cgroup ($mem)"
else
    fail "init and its children are in the container's cgroup: '$mem' $(cat "$mem/cgroup.procs" 2>/dev/null | tr '\n' ' ')"
fi
ctl=$(cat "$RUN/$NAME.pid" 2>/dev/null)
check "the controller (${ctl:-?}) is not in the container's cgroup" \
    test -n "$ctl" -a -n "$mem" -a "$(grep -cx "${ctl:-x}" "$mem/cgroup.procs" 2>/dev/null)" = 0
check_eq "one veth is on the bridge" 1 "$(in_ns ip -o link show master lifebr0 | grep -c vnet)"

vsh suspend "$NAME" >/dev/null
check_eq "suspend: paused (user)" "paused (user)" "$(state "$NAME")"
check_eq "suspend: the freezer says FROZEN" FROZEN "$(cat "$frz/freezer.state" 2>/dev/null)"
vsh resume "$NAME" >/dev/null
check_eq "resume: running (unpaused)" "running (unpaused)" "$(state "$NAME")"
check_eq "resume: the freezer says THAWED" THAWED "$(cat "$frz/freezer.state" 2>/dev/null)"

# ---- shutdown, start again ----
vsh shutdown "$NAME" >/dev/null
if wait_for 15 eval '[ "$(state "$NAME")" = "shut off (shutdown)" ]'; then
    ok "shutdown: shut off (shutdown)"
else
    fail "shutdown: shut off (shutdown): $(state "$NAME")"
fi
check "the events: started, suspended, resumed, stopped shutdown" \
    events_seq "$NAME" "started booted" "suspended paused" "resumed unpaused" "stopped shutdown"
nothing_left "after shutdown" "$NAME" "$base_mounts"
vsh start "$NAME" >/dev/null
check_eq "started again" "running (booted)" "$(state "$NAME")"
pid2=$(init_pid "$NAME")

# ---- vireod killed and restarted ----
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
check "the container outlives vireod (init $pid2 runs)" test -d "/proc/${pid2:-0}"
qemu_daemon_restart_same_root
EVENTS_PID_OLD=$EVENTS_PID
kill -TERM "$EVENTS_PID_OLD" 2>/dev/null; wait "$EVENTS_PID_OLD" 2>/dev/null; EVENTS_PID=""
check_eq "after the restart: still running" "running (booted)" "$(state "$NAME")"
check "after the restart: listed as running" eval 'vsh list --name | grep -qx "$NAME"'
check_eq "after the restart: the same init" "$pid2" "$(init_pid "$NAME")"
events_start

# ---- reboot ----
vsh reboot "$NAME" >/dev/null
if wait_for 15 eval 'p=$(init_pid "$NAME"); [ -n "$p" ] && [ "$p" != "$pid2" ] && [ "$(state "$NAME")" = "running (booted)" ]'; then
    ok "reboot: running again with a new init ($(init_pid "$NAME"))"
else
    fail "reboot: running again with a new init: $(state "$NAME") init $(init_pid "$NAME")"
fi
check "the old init is gone" pid_gone "$pid2"

# ---- destroy ----
pid3=$(init_pid "$NAME")
if vsh destroy "$NAME" >/dev/null && [ "$(state "$NAME")" = "shut off (destroyed)" ]; then
    ok "destroy: shut off (destroyed) when it returns"
else
    fail "destroy: shut off (destroyed): $(state "$NAME")"
fi
check "destroy: init is gone" pid_gone "$pid3"
nothing_left "after destroy" "$NAME" "$base_mounts"
check "the event stopped destroyed" events_seq "$NAME" "stopped destroyed"

# ---- a controller gone while no vireod watched; autostart ----
# restart_daemon SIGNAL: stop vireod with SIGNAL, start one on its root
restart_daemon() {
    kill "-$1" "$DAEMON_PID"
    wait "$DAEMON_PID" 2>/dev/null
    qemu_daemon_restart_same_root >/dev/null
}
vsh start "$NAME" >/dev/null
pid4=$(init_pid "$NAME")
ctl=$(cat "$RUN/$NAME.pid" 2>/dev/null)
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
kill -KILL "${ctl:-0}" "${pid4:-0}" 2>/dev/null
wait_for 5 pid_gone "${pid4:-0}"
qemu_daemon_restart_same_root >/dev/null
check_eq "a container gone while no vireod watched: shut off (unknown)" "shut off (unknown)" \
    "$(state "$NAME")"
nothing_left "after a container gone unwatched" "$NAME" "$base_mounts"
vsh autostart "$NAME" >/dev/null
restart_daemon TERM
if wait_for 10 eval '[ "$(state "$NAME")" = "running (booted)" ]'; then
    ok "autostart: a new vireod starts it"
else
    fail "autostart: a new vireod starts it: $(state "$NAME")"
fi
pid5=$(init_pid "$NAME")
restart_daemon TERM
check_eq "a vireod stopped with SIGTERM leaves it running (same init)" "$pid5 running (booted)" \
    "$(init_pid "$NAME") $(state "$NAME")"
vsh autostart --disable "$NAME" >/dev/null
vsh destroy "$NAME" >/dev/null
nothing_left "after the last destroy" "$NAME" "$base_mounts"

# ---- refused starts ----
# refused NAME WHAT CODE DOMAIN TEXT XML: start fails with CODE (from
# DOMAIN) and TEXT, nothing left
refused() {
    local name=$1 what=$2 code=$3 from=$4 text=$5 out
    printf '%s\n' "$6" >"$WORK/$name.xml"
    out=$(/usr/bin/python3 - "$QEMU_URI" "$WORK/$name.xml" <<'EOF' 2>&1
import libvirt, sys
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(sys.argv[1])
d = c.defineXML(open(sys.argv[2]).read())
try:
    d.create()
    print("started")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
d.undefine()
EOF
)
    if [[ $out == "$code $from "* ]] && [[ $out == *"$text"* ]]; then
        ok "$what: refused with code $code naming $text"
    else
        fail "$what: refused with code $code naming $text: $out"
    fi
    nothing_left "$what" "$name" "$base_mounts"
}
refused "${NAME}a" "a missing root folder" 19 17 "$WORK/nothere" \
    "$(ct_xml "${NAME}a" "$WORK/nothere")"
refused "${NAME}b" "a missing init" 9 17 "/sbin/nothere" \
    "$(ct_xml "${NAME}b" "$CT" /sbin/nothere)"
# what only the controller finds: its error as it said it
refused "${NAME}d" "a bind mount of a missing folder" 38 17 "cannot mount '$WORK/gone'" \
    "$(ct_xml "${NAME}d" "$CT" "" "" "<filesystem type='mount'><source dir='$WORK/gone'/><target dir='/mnt'/></filesystem>")"
# the cgroup's error, as libvirt's (VIR_FROM_CGROUP 54); v1 with swap
# accounting refuses memory+swap below memory (v2 has no such rule)
if [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
    refused "${NAME}c" "a swap limit below the memory limit" 38 54 "memsw.limit_in_bytes': Invalid argument" \
        "$(ct_xml "${NAME}c" "$CT" "" "<memtune><hard_limit unit='MiB'>64</hard_limit><swap_hard_limit unit='MiB'>32</swap_hard_limit></memtune>")"
else
    skip "a memory limit the kernel refuses" "no v1 memory controller with swap accounting"
fi

# the sanitizers' word (an ASan build): vireod stopped, its log read
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
if grep -qE 'Sanitizer|runtime error:' "$DAEMON_LOG"; then
    fail "vireod's log has no sanitizer report"
    grep -E -A12 'Sanitizer|runtime error:' "$DAEMON_LOG" | head -n 40 | sed 's/^/# /'
else
    ok "vireod's log has no sanitizer report"
fi

done_testing
