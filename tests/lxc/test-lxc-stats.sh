#!/bin/bash
# vireo-test: once  (a real container; the stats and console code runs under the sanitizers in test-cgroup and test-console-pump)
# test-lxc-stats.sh: a container's figures and console in vireod's LXC
# driver (src/drivers/lxc/lxc_stats.c, lxc_console.c), with Debian's virsh
# on lxc:///system against a vireod on a private --root in a network
# namespace of the test's own:
# - dominfo: CPU time (the cgroup's) grows while a busy loop runs in the
#   container and stops growing when it ends; used memory > 0; shut off:
#   used memory is the definition's, no CPU time;
# - domstats: state, cpu.time, balloon and net.* fields; dommemstat;
# - domifstat: the container's receive is the host end's transmit (UDP
#   sent to the container from the host side counts as its rx);
# - virsh console: the container's init answers; one session at a time,
#   --force takes over.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"
. "$VIREO_TOP/tests/lxc/lib-lxc.sh"

lxc_setup "LXC statistics" lxc-stats
GUEST_WORK=$WORK
NAME=stats$$
RUN=""
CC="/usr/bin/python3 $VIREO_TOP/tests/qemu/console-client.py"

cleanup() {
    touch "$CT/stop" 2>/dev/null
    lxc_kill_all
    guest_cleanup
    netns_cleanup
    lxc_forget_cgroups "$NAME"
}
trap cleanup EXIT

# init: answers every console line with its ready line and the prompt
# console-client.py waits for (what it printed before a client connected
# is gone), takes 10.9.8.2, then spins until
# the test drops /stop in its root
cat >"$CT/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
trap 'exit 0' TERM
stty sane 2>/dev/null
exec 3<&0
( printf 'guest# '; while read -r l; do echo "VIREO-CT: ready ($l)"; printf 'guest# '; done ) <&3 &
ip link set eth0 up && ip addr add 10.9.8.2/24 dev eth0 && touch /net.up
while [ ! -e /stop ]; do :; done
touch /spun
while :; do sleep 1000 & wait $!; done
INIT
chmod 755 "$CT/sbin/init"

netns_setup
DAEMON_NETNS_SYS=host   # the cgroup mounts stay visible to vireod
in_ns ip link add statsbr0 type bridge && in_ns ip addr add 10.9.8.1/24 dev statsbr0 &&
    in_ns ip link set statsbr0 up || fail "a bridge in the test's namespace"
require_daemon
RUN=$DAEMON_ROOT/run/libvirt/lxc
QEMU_URI="lxc:///system?socket=$DAEMON_SOCK"
vsh() { timeout 60 virsh -q -c "$QEMU_URI" "$@"; }
# field NAME TEXT: the value of "NAME: value" or "NAME=value" lines
field() { sed -n "s/^ *$1[:=] *//p" <<<"$2" | head -n 1; }

cat >"$WORK/ct.xml" <<X
<domain type='lxc'>
  <name>$NAME</name>
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='$CT'/><target dir='/'/></filesystem>
    <interface type='bridge'><source bridge='statsbr0'/></interface>
    <console type='pty'/>
  </devices>
</domain>
X
vsh define "$WORK/ct.xml" >/dev/null || fail "define $NAME"

# ---- shut off ----
di=$(vsh dominfo "$NAME")
check_eq "dominfo, shut off: used memory is the definition's" "65536 KiB" \
    "$(field 'Used memory' "$di")"
check_eq "dominfo, shut off: no CPU time" "" "$(field 'CPU time' "$di")"

if ! out=$(vsh start "$NAME" 2>&1); then
    fail "start $NAME: $out"
    daemon_show_log
    exit 1
fi
check "the container's init configured its interface" wait_for 10 test -e "$CT/net.up"

# ---- dominfo ----
cpu_s() { field 'CPU time' "$(vsh dominfo "$NAME")" | tr -d s; }
di=$(vsh dominfo "$NAME")
used=$(field 'Used memory' "$di" | sed 's/ KiB//')
check "dominfo: running, max memory 65536 KiB, 2 CPUs, used memory $used KiB > 0" \
    eval '[ "$(field State "$di")" = running ] && [ "$(field "Max memory" "$di")" = "65536 KiB" ] &&
          [ "$(field "CPU(s)" "$di")" = 2 ] && [ "${used:-0}" -gt 0 ]'
t1=$(cpu_s); sleep 1; t2=$(cpu_s)
check "dominfo: CPU time grows while the container spins ($t1 s -> $t2 s)" \
    awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a >= 0.2) }'
touch "$CT/stop"
wait_for 10 test -e "$CT/spun"
t1=$(cpu_s); sleep 1; t2=$(cpu_s)
check "dominfo: CPU time stops growing when it stops ($t1 s -> $t2 s)" \
    awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a < 0.2) }'

# ---- interface counters: 30 UDP datagrams of 1200 bytes to the container ----
veth=$(vsh domiflist "$NAME" | awk 'NR == 1 { print $1 }')
in_ns bash -c 'for i in $(seq 30); do head -c 1200 /dev/zero >/dev/udp/10.9.8.2/9; done' 2>/dev/null
sleep 0.3
ifs=$(vsh domifstat "$NAME" "$veth")
rx=$(awk '$2 == "rx_bytes" { print $3 }' <<<"$ifs")
tx=$(awk '$2 == "tx_bytes" { print $3 }' <<<"$ifs")
host_tx=$(in_ns cat "/sys/class/net/$veth/statistics/tx_bytes" 2>/dev/null)
check "domifstat $veth: the container received the datagrams (rx $rx >= 36000 > 2 x tx $tx)" \
    eval '[ "${rx:-0}" -ge 36000 ] && [ "${rx:-0}" -gt $((2 * ${tx:-0})) ]'
check "domifstat: the container's rx is the host end's tx ($rx <= $host_tx)" \
    eval '[ "${rx:-0}" -gt 0 ] && [ "${rx:-0}" -le "${host_tx:-0}" ] && [ $((host_tx - rx)) -lt 2000 ]'

# ---- domstats, dommemstat ----
ds=$(vsh domstats "$NAME")
missing=""
for f in state.state state.reason cpu.time balloon.current balloon.maximum net.count \
    net.0.name net.0.rx.bytes net.0.rx.pkts net.0.rx.errs net.0.rx.drop net.0.tx.bytes \
    net.0.tx.pkts net.0.tx.errs net.0.tx.drop; do
    grep -q "^ *$f=" <<<"$ds" || missing="$missing $f"
done
check "domstats: state, cpu, balloon and net fields present${missing:+ (missing:$missing)}" \
    test -z "$missing"
check "domstats: state.state=1, balloon.maximum=65536, net.0.name=$veth, net.0.rx.bytes >= 36000" \
    eval '[ "$(field state.state "$ds")" = 1 ] && [ "$(field balloon.maximum "$ds")" = 65536 ] &&
          [ "$(field net.0.name "$ds")" = "$veth" ] && [ "$(field net.0.rx.bytes "$ds")" -ge 36000 ]'
ms=$(vsh dommemstat "$NAME")
check "dommemstat: actual 65536 and rss > 0" \
    eval '[ "$(awk "\$1 == \"actual\" { print \$2 }" <<<"$ms")" = 65536 ] &&
          [ "$(awk "\$1 == \"rss\" { print \$2 }" <<<"$ms")" -gt 0 ]'
[ $_failures -eq 0 ] || note "dominfo:" "$di" "domifstat:" "$ifs" "domstats:" "$ds" "dommemstat:" "$ms"

# ---- console ----
check "virsh console: the container's init answers" \
    quietly $CC tty --line hello --expect "VIREO-CT: ready (hello)" -- virsh -c "$QEMU_URI" console "$NAME"
ready=$WORK/first.ready
$CC tty --ready "$ready" --end-by-peer -- virsh -c "$QEMU_URI" console "$NAME" >"$WORK/first.out" 2>&1 &
first=$!
check "a first session is connected" wait_for 20 test -e "$ready"
check "a second session is refused while the first is open" \
    quietly $CC tty --want-fail "Active console session exists for this domain" -- \
    virsh -c "$QEMU_URI" console "$NAME"
check "console --force takes over and works" \
    quietly $CC tty --line again --expect "VIREO-CT: ready (again)" -- \
    virsh -c "$QEMU_URI" console "$NAME" --force
if wait "$first"; then ok "the session taken over ends"; else
    fail "the session taken over ends"; sed 's/^/# /' "$WORK/first.out"
fi
check "virsh console --devname console0 (libvirt's alias)" \
    quietly $CC tty --line alias --expect "VIREO-CT: ready (alias)" -- \
    virsh -c "$QEMU_URI" console "$NAME" --devname console0
check "virsh console --devname serial0: no such device" \
    quietly $CC tty --want-fail "cannot find console device 'serial0'" -- \
    virsh -c "$QEMU_URI" console "$NAME" --devname serial0

vsh destroy "$NAME" >/dev/null
vsh undefine "$NAME" >/dev/null
# a sanitizer build's leak report makes vireod exit non-zero
if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"
    daemon_show_log
fi
exit 0
