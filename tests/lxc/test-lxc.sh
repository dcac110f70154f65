#!/bin/bash
# vireo-test: once  (real containers on a network: the plain build only)
# test-lxc.sh: issue 11's proof, end to end, with Debian's virsh against
# vireod's LXC driver (lxc:///system?socket=...).  vireod runs on a private
# --root in a network namespace of the test's own, with a vireo NAT network
# (192.168.171.0/24, DHCP).  One container from a busybox root folder
# (tests/lxc/build-root.sh) whose init (ct-init below) takes a DHCP lease,
# answers on its console and runs the test's commands (files the test
# drops in ROOT/out; so what runs inside does not depend on
# lxc-enter-namespace, which is checked on its own):
# - start: init runs (its marker, <initarg>, <initenv>), `virsh console`,
#   a DHCP lease, ping of the host's bridge address, only its own
#   processes and mounts, `virsh lxc-enter-namespace` and vireo's, dominfo
#   and domstats from the cgroup, a process over <memtune><hard_limit>
#   killed by the OOM killer while the container runs on;
# - suspend and resume (the freezer); reboot (SIGHUP, a new init);
#   shutdown: init ends on SIGTERM, shut off (shutdown); the lifecycle
#   events of all that;
# - vireod killed with SIGKILL and restarted on the same root: the
#   container (same init) is still running, destroy works;
# - after shutdown, destroy and every refused start: no mount, cgroup,
#   veth or run file left (counted);
# - refused starts: a missing root folder (NO_SOURCE), a missing init
#   (OPERATION_FAILED), an idmap the kernel refuses (SYSTEM_ERROR, EINVAL),
#   a cputune quota the cgroup refuses (its file and value).
. "$(dirname "$0")/../lib.sh"
# lib-guest.sh for its daemon restart on the same root, events, domstate
# and pid_gone (no QEMU is started: its guest_setup is not called)
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"
. "$VIREO_TOP/tests/lxc/lib-lxc.sh"

lxc_setup "LXC containers" lxc-test
ok "a busybox root folder is built ($CT)"
# lib-guest.sh's events_start and guest_cleanup use these
GUEST_WORK=$WORK

cleanup() {
    lxc_kill_all
    guest_cleanup
    netns_cleanup
    lxc_forget_cgroups "$NAME"
}
NAME=ct$$
trap cleanup EXIT

# ---- the container's own init, DHCP script and command runner ----
mkdir -p "$CT/out" "$CT/etc"
cat >"$CT/sbin/ct-init" <<'INIT'
#!/bin/sh
# ct-init GATEWAY: test-lxc.sh's container init.  A PID namespace's init
# gets only the signals it has a handler for: TERM (shutdown) and HUP
# (reboot) are trapped.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
gw=$1
say() { echo "VIREO-CT: $*"; echo "VIREO-CT: $*" >>/out/log; }
trap 'say stopping; exit 0' TERM
trap 'say rebooting; exit 0' HUP
say "ready pid=$$ arg=$gw mark=$VIREO_MARK"
# the console: every line typed is answered (what init printed before a
# client connected is gone); the prompt is console-client.py's.  The
# console comes raw (as libvirt's): a line discipline, as a getty sets
stty sane 2>/dev/null
exec 3<&0
( printf 'guest# '; while read -r l; do echo "VIREO-CT: got $l"; printf 'guest# '; done ) <&3 &
# the test's commands: /out/req.N (a shell script) -> /out/res.N (output, rc=)
( while :; do
    for r in /out/req.*; do
        [ -e "$r" ] || continue
        n=${r#/out/req.}
        sh "$r" >"/out/.res.$n" 2>&1
        echo "rc=$?" >>"/out/.res.$n"
        rm -f "$r"
        mv "/out/.res.$n" "/out/res.$n"
    done
    sleep 0.1
  done ) </dev/null >/dev/null 2>&1 &
ip link set eth0 up
if udhcpc -i eth0 -s /etc/ct-dhcp.sh -n -q -t 10 -T 1 >/out/dhcp.log 2>&1; then
    say "lease $(ip -4 addr show dev eth0 | sed -n 's/.*inet \([0-9.]*\).*/\1/p')"
else
    say "no lease"
fi
while :; do sleep 1000 & wait $!; done
INIT
cat >"$CT/etc/ct-dhcp.sh" <<'DHCP'
#!/bin/sh
# udhcpc's script: the lease's address and default route
case $1 in
bound|renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    [ -z "$router" ] || route add default gw "${router%% *}" dev "$interface" ;;
deconfig) ifconfig "$interface" 0.0.0.0 ;;
esac
exit 0
DHCP
chmod 755 "$CT/sbin/ct-init" "$CT/etc/ct-dhcp.sh"

# ct_run CMD [SECONDS]: run the shell text CMD in the running container
# (ct-init's runner); prints its output, returns its status (255: no answer)
ct_run() {
    local n limit=${2:-15} rc
    n=$(date +%s%N)
    printf '%s\n' "$1" >"$CT/out/.q.$n" && mv "$CT/out/.q.$n" "$CT/out/req.$n"
    if ! wait_for "$limit" test -e "$CT/out/res.$n"; then
        rm -f "$CT/out/req.$n"
        echo "no answer from the container within ${limit}s"
        return 255
    fi
    rc=$(sed -n 's/^rc=//p' "$CT/out/res.$n" | tail -n 1)
    sed '$d' "$CT/out/res.$n"
    rm -f "$CT/out/res.$n"
    return "${rc:-255}"
}
ct_said() { grep -q "VIREO-CT: $1" "$CT/out/log" 2>/dev/null; }

# ---- vireod in a network namespace, a NAT network ----
netns_setup
DAEMON_NETNS=$NETNS
DAEMON_NETNS_SYS=host   # the cgroup mounts stay visible to vireod
require_daemon
URI="lxc:///system?socket=$DAEMON_SOCK"
QEMU_URI=$URI   # lib-guest.sh's vsh, domstate and events use it
vsh() { timeout 30 virsh -q -c "$URI" "$@"; }
vsh_out() { vsh "$@" 2>&1; }

if ! out=$(vsh_out uri); then
    fail "virsh connects to $URI: $out"
    daemon_show_log
    exit 1
fi
ok "virsh connects to the LXC driver ($out)"

net=h6nat
cat >"$WORK/net.xml" <<X
<network>
  <name>$net</name>
  <forward mode='nat'/>
  <bridge name='h6nat0' stp='off'/>
  <ip address='192.168.171.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.171.100' end='192.168.171.200'/></dhcp>
  </ip>
</network>
X
# networks through the LXC URI, as with libvirt's (the root's network driver)
if out=$(vsh_out net-define "$WORK/net.xml") && out=$(vsh_out net-start "$net"); then
    ok "a NAT network $net (192.168.171.0/24, DHCP) is defined and started"
else
    fail "a NAT network $net is defined and started: $out"
fi

# ct_xml NAME [EXTRA-OS] [EXTRA-DOMAIN] [ROOT] [IDMAP]: a container's XML
ct_xml() {
    local name=$1 init=${2:-/sbin/ct-init} extra=${3:-} root=${4:-$CT}
    cat <<X
<domain type='lxc'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <memtune><hard_limit unit='MiB'>64</hard_limit></memtune>
  <vcpu>1</vcpu>
  $extra
  <os>
    <type>exe</type>
    <init>$init</init>
    <initarg>192.168.171.1</initarg>
    <initenv name='VIREO_MARK'>h6-$name</initenv>
  </os>
  <devices>
    <filesystem type='mount'><source dir='$root'/><target dir='/'/></filesystem>
    <filesystem type='ram'><source usage='8' units='MiB'/><target dir='/tmp'/></filesystem>
    <interface type='network'><source network='$net'/></interface>
    <console type='pty'/>
  </devices>
</domain>
X
}

# What a container may leave behind, counted: mounts naming the root
# folder (in the test's mount namespace and in vireod's), its cgroups,
# veths in the namespace, files in the driver's run folder.
leftovers() {
    local m1 m2 cg veth run
    m1=$(grep -c -F "$CT" /proc/self/mountinfo)
    m2=$(grep -c -F "$CT" "/proc/$DAEMON_PID/mountinfo" 2>/dev/null)
    cg=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "lxc-$NAME*" 2>/dev/null | wc -l)
    veth=$(in_ns ip -o link show type veth 2>/dev/null | wc -l)
    run=$(find "$DAEMON_ROOT/run/libvirt/lxc" -mindepth 1 2>/dev/null | wc -l)
    echo "mounts=$m1/$m2 cgroups=$cg veths=$veth runfiles=$run"
}
before=$(leftovers)
note "before any start: $before"

# api_error NAME: start NAME through python3-libvirt; prints
# "CODE DOMAIN MESSAGE" of the refusal, or "started"
api_start() {
    /usr/bin/python3 - "$URI" "$1" <<'PY'
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
try:
    conn.lookupByName(sys.argv[2]).create()
    print("started")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
PY
}
# refused WHAT NAME XML CODE DOMAIN TEXT: define NAME, its start is
# refused with libvirt's CODE and error DOMAIN (17 LXC, 54 cgroup) and a
# message with TEXT; nothing left
refused() {
    local what=$1 name=$2 code=$4 domain=$5 text=$6 res
    printf '%s\n' "$3" >"$WORK/$name.xml"
    if ! out=$(vsh_out define "$WORK/$name.xml"); then
        fail "$what: define $name: $out"
        return
    fi
    res=$(api_start "$name")
    if [[ $res == "$code $domain "* ]] && [[ $res == *"$text"* ]]; then
        ok "$what: refused ($res)"
    else
        fail "$what: refused with code $code (domain $domain) naming '$text'"
        note "got: $res"
        [ "$res" = started ] && vsh destroy "$name" >/dev/null 2>&1
    fi
    check_eq "$what: nothing left" "$before" "$(leftovers)"
    check_eq "$what: $name is shut off" "shut off" "$(vsh_out domstate "$name" | sed '/^$/d')"
    vsh undefine "$name" >/dev/null 2>&1
}

# ---- bad input (fast, before the container runs) ----
refused "a missing root folder" "$NAME-nosrc" \
    "$(ct_xml "$NAME-nosrc" "" "" "$WORK/no-such-root")" 19 17 "'$WORK/no-such-root'"
refused "a missing init" "$NAME-noinit" "$(ct_xml "$NAME-noinit" /sbin/no-such-init)" 9 17 "/sbin/no-such-init"
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ]; then
    # target (u32)-1 is no id: the parser lets it through, the kernel says EINVAL
    idmap="<idmap><uid start='0' target='4294967295' count='1'/><gid start='0' target='100000' count='65536'/></idmap>"
    refused "an idmap the kernel refuses" "$NAME-idmap" \
        "$(ct_xml "$NAME-idmap" "" "$idmap")" 38 17 "uid_map '0 4294967295 1' of container '$NAME-idmap': Invalid argument"
else
    skip "an idmap the kernel refuses" "user namespaces are off (user.max_user_namespaces = 0)"
fi
refused "a cputune quota the cgroup refuses" "$NAME-quota" \
    "$(ct_xml "$NAME-quota" "" "<cputune><quota>10</quota></cputune>")" 38 54 "'10'"

# ---- the container ----
ct_xml "$NAME" >"$WORK/$NAME.xml"
check "define $NAME" quietly vsh define "$WORK/$NAME.xml"
events_start || note "no event client (events.py did not register)"
if out=$(vsh_out start "$NAME"); then ok "virsh start $NAME"; else
    fail "virsh start $NAME: $out"
    daemon_show_log
    exit 1
fi
check_eq "domstate: running (booted)" "running (booted)" "$(domstate "$NAME")"
ctl=$(head -n 1 "$DAEMON_ROOT/run/libvirt/lxc/$NAME.pid" 2>/dev/null)
init=$(cat /proc/"$ctl"/task/*/children 2>/dev/null | awk '{print $1; exit}')
check "a controller ($ctl) with init ($init) as its child" eval '[ -n "$ctl" ] && [ -n "$init" ]'
note "controller $ctl, init $init"
if wait_for 10 ct_said ready; then
    ok "init runs: $(grep -m1 'VIREO-CT: ready' "$CT/out/log")"
else
    fail "init runs (VIREO-CT: ready in $CT/out/log)"
    note "--- controller log:"; sed 's/^/# /' "$DAEMON_ROOT"/var/log/libvirt/lxc/"$NAME".log 2>/dev/null | tail -n 20
fi
check "init got its <initarg> and <initenv> and is pid 1 inside" \
    ct_said "ready pid=1 arg=192.168.171.1 mark=h6-$NAME"

check "virsh console: a line typed is answered by the container" \
    quietly /usr/bin/python3 "$QEMU_TESTS/console-client.py" tty --line hello --expect "VIREO-CT: got hello" \
    -- virsh -c "$URI" console "$NAME"

if wait_for 20 eval 'ct_said "lease" || ct_said "no lease"' && ct_said "lease 192"; then
    ok "the container took a DHCP lease on $net ($(sed -n 's/.*VIREO-CT: lease //p' "$CT/out/log"))"
else
    fail "the container took a DHCP lease on $net"
    sed 's/^/# /' "$CT/out/dhcp.log" 2>/dev/null
fi
check "the container pings the host's bridge address (192.168.171.1)" \
    quietly ct_run "ping -c 2 -w 5 192.168.171.1" 10

# only its own processes: a handful, small pids, pid 1 its init
ps=$(ct_run 'for p in /proc/[0-9]*; do echo "${p#/proc/} $(tr "\0" " " <$p/cmdline)"; done')
note "processes inside:" "$ps"
npid=$(grep -c . <<<"$ps")
check "it sees only its own processes ($npid; no vireod, no controller)" \
    eval '[ "$npid" -ge 2 ] && [ "$npid" -le 15 ] && ! grep -qE "vireod|vireo-lxc-controller" <<<"$ps"'
check "pid 1 inside is its init" eval 'grep -q "^1 /bin/sh /sbin/ct-init" <<<"$ps"'
# only its own mounts
mi=$(ct_run 'cat /proc/self/mountinfo')
mps=$(awk '{print $5}' <<<"$mi" | sort | tr '\n' ' ')
note "mount points inside: $mps"
has_mounts() { local m; for m in "$@"; do [[ " $mps" == *" $m "* ]] || return 1; done; }
check "it has its root, /proc, /sys, /dev, /dev/pts and the ram /tmp" has_mounts / /proc /sys /dev /dev/pts /tmp
check "/tmp inside is a tmpfs (<filesystem type='ram'>)" eval 'grep -q " /tmp .* - tmpfs " <<<"$mi"'
# mount points (field 5; field 4 of the root is the host folder, rightly)
check "it sees none of the host's mounts (no /work, /tmp/..., /run/netns; at most 15)" \
    eval '! grep -qE " (/work|/tmp/|/run/netns)" <<<" $mps" && [ "$(grep -c . <<<"$mi")" -le 15 ]'

# lxc-enter-namespace (stock virsh, H5's program): a command in its namespaces and cgroup
ens=$(timeout 20 virsh -q -c "$URI" lxc-enter-namespace "$NAME" --noseclabel -- \
      /bin/sh -c 'echo host=$(hostname); echo init=$(tr "\0" " " </proc/1/cmdline);
                  [ "$(grep memory /proc/self/cgroup)" = "$(grep memory /proc/1/cgroup)" ] && echo cgroup=same' 2>&1)
note "lxc-enter-namespace said:" "$ens"
check "virsh lxc-enter-namespace runs a command in its namespaces (host name, init)" \
    eval 'grep -qx "host=$NAME" <<<"$ens" && grep -q "^init=/bin/sh /sbin/ct-init" <<<"$ens"'
check "... and in the container's memory cgroup" eval 'grep -qx cgroup=same <<<"$ens"'
ens=$(timeout 20 "$VIREO" -c "$URI" lxc-enter-namespace "$NAME" -- /bin/sh -c 'echo host=$(hostname) pid1=$(tr "\0" " " </proc/1/cmdline)' 2>&1)
check "vireo lxc-enter-namespace too ($ens)" eval '[[ $ens == "host=$NAME pid1=/bin/sh /sbin/ct-init"* ]]'

# dominfo and domstats from the cgroup
di=$(vsh_out dominfo "$NAME")
cpu=$(sed -n 's/^CPU time: *\([0-9.]*\)s.*/\1/p' <<<"$di")
used=$(sed -n 's/^Used memory: *\([0-9]*\) KiB.*/\1/p' <<<"$di")
# (dominfo rounds CPU time to 0.1 s, which a quiet container may not have used
# yet: domstats' nanoseconds say it is counted)
check "dominfo: running, CPU time ${cpu}s, used memory $used KiB > 0" \
    eval 'grep -q "^State: *running" <<<"$di" && [ -n "$cpu" ] && [ "${used:-0}" -gt 0 ]'
ds=$(vsh_out domstats "$NAME")
check "domstats: state.state=1 and cpu.time > 0" \
    eval 'grep -q "state.state=1" <<<"$ds" && [ "$(sed -n "s/.*cpu.time=//p" <<<"$ds")" -gt 0 ]'
grep -q "^State: *running" <<<"$di" && grep -q "cpu.time=[1-9]" <<<"$ds" || note "dominfo:" "$di" "domstats:" "$ds"

# the memory limit: a process over hard_limit is killed, the container runs
# on.  The memory cgroup is v1 (memory.limit_in_bytes, failcnt, oom_control)
# or v2 (memory.max, memory.events), whichever serves memory here.
memdir="" memv2=""
mpath=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$init/cgroup" 2>/dev/null)
mmnt=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup" && $(i+3) ~ /(^|,)memory(,|$)/) { print $5; exit } }' /proc/self/mountinfo)
if [ -z "$mpath" ]; then
    mpath=$(sed -n 's/^0:://p' "/proc/$init/cgroup" 2>/dev/null)
    mmnt=$(awk '{ for (i = 7; $i != "-"; i++); if ($(i+1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
    memv2=1
fi
[ -n "$mpath" ] && [ -n "$mmnt" ] && memdir=$mmnt$mpath
# memval v1-FILE v1-KEY v2-FILE v2-KEY: a counter of the memory cgroup
memval() {
    if [ -n "$memv2" ]; then awk -v k="$4" '$1 == k {print $2}' "$memdir/$3"
    elif [ -n "$2" ]; then awk -v k="$2" '$1 == k {print $2}' "$memdir/$1"
    else cat "$memdir/$1"; fi
}
if [ -z "$memdir" ] || { [ ! -e "$memdir/memory.limit_in_bytes" ] && [ ! -e "$memdir/memory.max" ]; }; then
    skip "the memory limit" "no memory controller for init $init ($(tr '\n' ' ' <"/proc/$init/cgroup" 2>/dev/null))"
else
    check "init's memory cgroup is the container's (…/machine/vireo-*/lxc-$NAME)" \
        eval '[[ $memdir == */machine/vireo-*/lxc-"$NAME" ]]'
    lim=$(cat "$memdir/memory.limit_in_bytes" "$memdir/memory.max" 2>/dev/null)
    check_eq "the cgroup's limit is hard_limit (64 MiB)" 67108864 "$lim"
    oom0=$(memval memory.oom_control oom_kill memory.events oom_kill)
    res=$(ct_run 'dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo "dd=$?"' 30)
    note "over the limit: $res"
    check "a process allocating 200 MiB is killed (SIGKILL: 137)" eval 'grep -qx "dd=137" <<<"$res"'
    check "the cgroup counts hitting the limit (failcnt / memory.events max)" \
        eval '[ "$(memval memory.failcnt "" memory.events max)" -gt 0 ]'
    check "the cgroup counts one more OOM kill (oom_control / memory.events oom_kill)" \
        eval '[ "$(memval memory.oom_control oom_kill memory.events oom_kill)" -gt "${oom0:-0}" ]'
    check "the container runs on (init $init alive, state running)" \
        eval 'kill -0 "$init" && [ "$(domstate "$NAME")" = "running (booted)" ] && [ "$(ct_run "echo alive")" = alive ]'
fi

# ---- suspend and resume: the cgroup freezer ----
check "virsh suspend $NAME" quietly vsh suspend "$NAME"
check_eq "domstate: paused (user)" "paused (user)" "$(domstate "$NAME")"
check "a frozen container runs nothing (no answer within 2s)" eval '! ct_run "echo x" 2 >/dev/null'
check "virsh resume $NAME" quietly vsh resume "$NAME"
check_eq "domstate: running (unpaused)" "running (unpaused)" "$(domstate "$NAME")"
check "the container answers again" eval '[ "$(ct_run "echo alive")" = alive ]'

# ---- reboot: SIGHUP to init, which ends; the container starts again ----
ready_count() { grep -c "VIREO-CT: ready" "$CT/out/log" 2>/dev/null; }
ready_count_is() { [ "$(ready_count)" = "$1" ]; }
n0=$(ready_count)
check "virsh reboot $NAME" quietly vsh reboot "$NAME"
check "init says it is rebooting (its HUP trap)" wait_for 10 ct_said rebooting
check "a new init runs (ready again)" wait_for 15 ready_count_is "$((n0 + 1))"
check_eq "domstate after the reboot" "running (booted)" "$(domstate "$NAME")"
ctl=$(head -n 1 "$DAEMON_ROOT/run/libvirt/lxc/$NAME.pid" 2>/dev/null)
init2=$(cat /proc/"$ctl"/task/*/children 2>/dev/null | awk '{print $1; exit}')
check "the old init $init is gone, the new one ($init2) runs" eval 'pid_gone "$init" && kill -0 "$init2"'
init=$init2
check "the rebooted container answers" eval '[ "$(ct_run "echo alive")" = alive ]'

# ---- shutdown: init ends on SIGTERM ----
check "virsh shutdown $NAME" quietly vsh shutdown "$NAME"
check "init says it is stopping (its TERM trap)" wait_for 15 ct_said stopping
check "domstate: shut off (shutdown)" wait_for 15 state_is "$NAME" "shut off (shutdown)"
check "init $init and controller $ctl are gone" wait_for 10 eval 'pid_gone "$init" && pid_gone "$ctl"'
if [ -n "$EVENTS_PID" ]; then
    evs=("started booted" "suspended paused" "resumed unpaused" "stopped shutdown")
    check "events: ${evs[*]}" wait_for 5 events_seq "$NAME" "${evs[@]}"
    events_seq "$NAME" "${evs[@]}" || note "events:" "$(cat "$EVENTS_LOG")"
fi
check_eq "after shutdown: nothing left" "$before" "$(leftovers)"

# ---- vireod killed and restarted while the container runs ----
: >"$CT/out/log"
check "start $NAME again" quietly vsh start "$NAME"
check "init runs again" wait_for 10 ct_said ready
ctl=$(head -n 1 "$DAEMON_ROOT/run/libvirt/lxc/$NAME.pid" 2>/dev/null)
init=$(cat /proc/"$ctl"/task/*/children 2>/dev/null | awk '{print $1; exit}')
old=$DAEMON_PID
kill -KILL "$old"
wait "$old" 2>/dev/null
ok "vireod $old killed with SIGKILL"
qemu_daemon_restart_same_root
check "$NAME is still listed as running" eval 'vsh list --name | grep -qx "$NAME"'
check_eq "domstate after the restart" "running (booted)" "$(domstate "$NAME")"
check "the same init ($init) and controller ($ctl) run" eval 'kill -0 "$init" && kill -0 "$ctl"'
check "the container still answers" eval '[ "$(ct_run "echo alive")" = alive ]'
check "virsh destroy $NAME" quietly vsh destroy "$NAME"
check_eq "domstate: shut off (destroyed)" "shut off (destroyed)" "$(domstate "$NAME")"
check "init $init and controller $ctl are gone" wait_for 10 eval 'pid_gone "$init" && pid_gone "$ctl"'
check_eq "after destroy: no mount, cgroup, veth or run file left" "$before" "$(leftovers)"
check "undefine $NAME" quietly vsh undefine "$NAME"
# (a sanitizer build's controller reports into its log, which no one else reads)
clog=$DAEMON_ROOT/var/log/libvirt/lxc/$NAME.log
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$clog" 2>/dev/null; then
    fail "the controller's log ($clog) has no sanitizer report"
    grep -E -A12 "ERROR: (Address|Leak)Sanitizer|runtime error:" "$clog" | head -40 | sed 's/^/# /'
else
    ok "the controller's log has no sanitizer report ($(wc -l <"$clog" 2>/dev/null || echo no) lines)"
fi

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
