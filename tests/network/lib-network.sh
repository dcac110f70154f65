# shellcheck shell=bash
# lib-network.sh: a private network namespace per test, with vireod in it.
# Source it after tests/lib.sh (and lib-daemon.sh or lib-guest.sh).
#
# netns_setup            make the namespace (name in NETNS, also
#                        DAEMON_NETNS so daemon_start runs vireod in it),
#                        loopback up; SKIPs and exits when namespaces or
#                        nftables cannot be had
# in_ns CMD...           run CMD in the namespace
# netns_cleanup          kill what still runs in it (by PID) and delete
#                        it; call it last in the test's EXIT trap
#
# Bridges, taps, nft tables and dnsmasq a test makes live and die in its
# namespace: the host's network is never touched, and parallel tests
# cannot see each other's devices.

NETNS=""

netns_setup() {
    local name=vireo-$(basename "$0" .sh)-$$
    if ! command -v ip >/dev/null || ! ip netns add "$name" 2>/dev/null; then
        skip "network tests" "cannot create a network namespace (ip netns add)"
        exit 0
    fi
    NETNS=$name
    DAEMON_NETNS=$name
    ip netns exec "$NETNS" ip link set lo up
    if ! ip netns exec "$NETNS" nft list tables >/dev/null 2>&1; then
        skip "network tests" "nftables does not answer in a network namespace"
        exit 0
    fi
}

in_ns() { ip netns exec "$NETNS" "$@"; }

netns_cleanup() {
    local p
    [ -n "$NETNS" ] || return 0
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NETNS" 2>/dev/null
    NETNS=""
}

# ---- guests on networks (tests/network/test-guests.sh; reused by the
# nwfilter guest test).  Need lib-guest.sh, guest_setup, netns_setup
# (before qemu_daemon_start) and qemu_daemon_start.
#
# net_guest_xml NAME IFACES [TEMPLATE]   the tiny guest (q35 unless
#                        TEMPLATE) with the <interface> elements IFACES
#                        and vireo.dhcp=1 on its kernel command line (each
#                        ethN asks DHCP); prints the file's path
# net_guest_start NAME IFACES            define and start it, wait until
#                        its shell is ready; 1 (with the logs) when not
# guest_run NAME CMD [SECONDS]           run CMD in the guest's shell (its
#                        serial console); prints CMD's output (stdout and
#                        stderr), returns CMD's exit status (255: no answer)
# wait_lease NAME [IFACE [SECONDS]]      the guest's DHCP client bound IFACE
#                        (default eth0); prints the address it got
# guest_mac NAME [N]     the MAC of NAME's Nth interface (default 1), live XML
# guest_tap NAME [N]     the host side (<target dev>) of NAME's Nth interface
# ns_taps                the vnet* and macvtap* devices in the namespace
# ns_bridge_make NAME ADDR/PREFIX        a bridge in the namespace, up, with ADDR

net_guest_xml() {
    local name=$1 ifaces=$2 tpl=${3:-$QEMU_TESTS/guest-q35.xml} out
    out=$(GUEST_TEMPLATE=$tpl guest_xml "$name")
    IFACES=$ifaces /usr/bin/python3 - "$out" <<'PY'
import os, sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("<memballoon", os.environ["IFACES"] + "\n    <memballoon", 1)
s = s.replace("console=ttyS0 quiet", "console=ttyS0 quiet vireo.dhcp=1", 1)
open(p, "w").write(s)
PY
    echo "$out"
}

net_guest_start() {
    local name=$1 xml out
    xml=$(net_guest_xml "$name" "$2" "${3:-}")
    if ! out=$(vsh define "$xml" 2>&1) || ! out=$(vsh start "$name" 2>&1); then
        echo "# define/start $name: $out"
        return 1
    fi
    if ! wait_marker "$name" "VIREO-GUEST: ready"; then
        guest_show_logs "$name"
        return 1
    fi
}

_guest_run_done() { grep -q "$2:rc=" "$(guest_log "$1")" 2>/dev/null; }
guest_run() {
    local name=$1 cmd=$2 limit=${3:-30} k n pty log line rc
    # unique per call, also when called in a subshell (no counter survives one)
    n=$(date +%s%N)
    k=R$$x$n
    pty=$(guest_pty "$name")
    [ -n "$pty" ] || { echo "no serial pty in $name's live XML"; return 255; }
    log=$(guest_log "$name")
    # the marker is built by the guest's shell ($((N+0))), so the echo of
    # the typed line never contains it
    line="m=R$$x\$(($n+0)); ( $cmd ) >/tmp/o 2>&1; r=\$?; sed \"s/^/\$m: /\" /tmp/o; echo \"\$m:rc=\$r\""
    /usr/bin/python3 "$QEMU_TESTS/console.py" "$pty" "$line" "$k:rc=" "$limit" >/dev/null &&
        wait_for 5 _guest_run_done "$name" "$k" || return 255
    tr -d '\r' <"$log" | sed -n "s/^$k: //p"
    rc=$(tr -d '\r' <"$log" | sed -n "s/.*$k:rc=\([0-9]*\).*/\1/p" | tail -n 1)
    return "${rc:-255}"
}

_lease_seen() { grep -q "VIREO-GUEST: lease $2 " "$(guest_log "$1")" 2>/dev/null; }
wait_lease() {
    local name=$1 ifc=${2:-eth0} limit=${3:-90}
    wait_for "$limit" _lease_seen "$name" "$ifc" || return 1
    tr -d '\r' <"$(guest_log "$name")" | sed -n "s/.*VIREO-GUEST: lease $ifc \([0-9.]*\).*/\1/p" | tail -n 1
}

guest_mac() {
    vsh dumpxml "$1" 2>/dev/null |
        xmllint --xpath "string(/domain/devices/interface[${2:-1}]/mac/@address)" - 2>/dev/null
}

guest_tap() {
    vsh dumpxml "$1" 2>/dev/null |
        xmllint --xpath "string(/domain/devices/interface[${2:-1}]/target/@dev)" - 2>/dev/null
}

ns_taps() { in_ns ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^(vnet|macvtap)' || true; }

ns_bridge_make() {
    in_ns ip link add "$1" type bridge && in_ns ip addr add "$2" dev "$1" && in_ns ip link set "$1" up
}
