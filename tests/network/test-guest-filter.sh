#!/bin/bash
# test-guest-filter.sh: the issue's proof for traffic filtering.  Two
# tiny guests on a NAT network, vireod and its QEMUs in a network
# namespace of the test's own; vf-a's interface has
# <filterref filter='clean-traffic'/> without an IP parameter, so vireod
# learns its address from the network's DHCP lease.  vf-a talks with its
# own address and loses its traffic once it changes it; the unfiltered
# vf-b keeps its traffic.  A restarted vireod keeps vf-a filtered.
# Destroying vf-a removes its nftables table.
# vireo-test: once  (the filter code runs under the sanitizers in test-nwfilter-veth.sh, the guest plumbing in test-guests.sh)
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

: "${GUEST_BOOT_TIMEOUT:=90}"
guest_setup
netns_setup
trap 'guest_cleanup; netns_cleanup' EXIT
qemu_daemon_start

cat >"$GUEST_WORK/vf-nat.xml" <<'X'
<network>
  <name>vf-nat</name>
  <forward mode='nat'/>
  <bridge name='vfnat0'/>
  <ip address='192.168.156.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.156.100' end='192.168.156.200'/></dhcp>
  </ip>
</network>
X
if ! out=$(vsh net-define "$GUEST_WORK/vf-nat.xml" 2>&1) || ! out=$(vsh net-start vf-nat 2>&1); then
    fail "a NAT network vf-nat is defined and started: $out"
    done_testing
    exit
fi
ok "a NAT network vf-nat (192.168.156.0/24, DHCP) is defined and started"

filtered="<interface type='network'><source network='vf-nat'/><model type='virtio'/><filterref filter='clean-traffic'/></interface>"
plain="<interface type='network'><source network='vf-nat'/><model type='virtio'/></interface>"
check "guest vf-a (clean-traffic) starts" net_guest_start vf-a "$filtered"
check "guest vf-b (no filter) starts" net_guest_start vf-b "$plain"
# what a failed lease needs to be understood
show_state() {
    guest_show_logs "$1"
    note "--- the namespace's ruleset:" "$(in_ns nft list ruleset 2>&1 | head -n 80)"
    note "--- the daemon's log:" "$(tail -n 20 "$DAEMON_ROOT"/*.log 2>/dev/null)"
}
if ipa=$(wait_lease vf-a); then
    ok "filtered vf-a gets a DHCP lease through the learning rules ($ipa)"
else
    fail "filtered vf-a gets a DHCP lease through the learning rules"
    show_state vf-a
fi
if ipb=$(wait_lease vf-b); then
    ok "vf-b gets a DHCP lease ($ipb)"
else
    fail "vf-b gets a DHCP lease"
    show_state vf-b
fi
tapa=$(guest_tap vf-a)
check_match() { if grep -qE "$3" <<<"$2"; then ok "$1"; else fail "$1"; note "$2"; fi; }
check_match "vf-a's live XML keeps its filterref" "$(vsh dumpxml vf-a 2>&1)" "<filterref filter='clean-traffic'"
_learnt() { in_ns nft list table bridge "vireo_f_$tapa" 2>/dev/null | grep -q "ip saddr $ipa return"; }
check "vireod learnt vf-a's address from its lease: its rules allow $ipa" wait_for 20 _learnt
check "vf-b has no filter table" bash -c "! ip netns exec $NETNS nft list table bridge vireo_f_$(guest_tap vf-b) >/dev/null 2>&1"

check "filtered vf-a pings the host with its own address" \
    quietly guest_run vf-a "ping -c 2 -w 10 192.168.156.1" 20
check "filtered vf-a pings vf-b" quietly guest_run vf-a "ping -c 2 -w 10 $ipb" 20

# vf-a takes another address: its packets and ARP are spoofed now
guest_run vf-a "ip addr flush dev eth0 && ip addr add 192.168.156.77/24 dev eth0 && ip link set eth0 up" 20 >/dev/null
guest_run vf-a "ping -c 2 -w 5 192.168.156.1" 20 >/dev/null
check_eq "vf-a with a changed address (192.168.156.77) cannot reach the host" 1 "$?"
guest_run vf-a "ping -c 2 -w 5 $ipb" 20 >/dev/null
check_eq "vf-a with a changed address cannot reach vf-b" 1 "$?"
check "unfiltered vf-b keeps its traffic: it pings the host" \
    quietly guest_run vf-b "ping -c 2 -w 10 192.168.156.1" 20
guest_run vf-b "ip addr flush dev eth0 && ip addr add 192.168.156.78/24 dev eth0" 20 >/dev/null
check "unfiltered vf-b pings the host even with a changed address" \
    quietly guest_run vf-b "ping -c 2 -w 10 192.168.156.1" 20

# a new vireod takes vf-a's filter back: the filter is still in use (its
# undefine is refused) and the spoofed address still gets nowhere
daemon_kill
qemu_daemon_restart_same_root
out=$(vsh nwfilter-undefine clean-traffic 2>&1)
check_match "after a vireod restart clean-traffic is still in use by vf-a: undefine refused" \
    "$out" "in use"
guest_run vf-a "ping -c 2 -w 5 192.168.156.1" 20 >/dev/null
check_eq "after the restart vf-a with its changed address still cannot reach the host" 1 "$?"

check "destroy vf-a" vsh_q destroy vf-a
check "its filter table is gone" bash -c "! ip netns exec $NETNS nft list table bridge vireo_f_$tapa >/dev/null 2>&1"
vsh_q destroy vf-b
check_eq "no vireo_f_ table is left" "" "$(in_ns nft list tables 2>/dev/null | grep vireo_f_)"
vsh_q net-destroy vf-nat
done_testing
