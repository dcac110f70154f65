#!/bin/bash
# test-guests.sh: guests with real network interfaces, vireod and its
# QEMUs in a network namespace of the test's own.
#
# - type='bridge' to a bridge the test makes: the tap (vnetN, a port of
#   the bridge) in the live XML, guest <-> host traffic, domif-setlink
#   down/up, domifaddr --source arp, hot-plug and unplug of a second
#   interface (seen in the guest's /sys/class/net; its tap goes), destroy
#   leaves no tap;
# - type='network' on a NAT network: two guests get DHCP leases, ping
#   each other and the host, net-dhcp-leases and domifaddr report them; a
#   guest on an isolated network cannot reach them; a guest naming a
#   stopped network is refused (OPERATION_INVALID) and leaves nothing;
#   a vireod restart keeps the guests' taps and ports;
# - type='direct' (macvtap) when the kernel has it, else SKIP; vhost-net
#   when /dev/vhost-net exists, else SKIP.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

: "${GUEST_BOOT_TIMEOUT:=90}"
guest_setup
netns_setup
trap 'guest_cleanup; netns_cleanup' EXIT
qemu_daemon_start

# ---- vhost-net: only reported here (the command line is unit-tested) ----
if [ -e /dev/vhost-net ]; then
    note "/dev/vhost-net exists: virtio interfaces below run with vhost=on"
else
    skip "virtio-net with vhost-net" "/dev/vhost-net does not exist on this host (vhost=on,vhostfd= is covered by test-qemu-command's net-vhost-virtio)"
fi

# matches TEXT REGEX: TEXT has a line matching REGEX (extended, any case)
matches() { grep -qiE "$2" <<<"$1"; }
# check_match WHAT TEXT REGEX: a check, showing TEXT when it fails
check_match() {
    if matches "$2" "$3"; then ok "$1"; else fail "$1"; note "$2"; fi
}
check_nomatch() {
    if matches "$2" "$3"; then fail "$1"; note "$2"; else ok "$1"; fi
}
# the host's side pings with busybox (the host may have no ping of its own)
ns_ping() { in_ns busybox ping -c 2 -w 10 "$1"; }
no_ping() { ! in_ns busybox ping -c 2 -w 4 "$1" >/dev/null 2>&1; }
prefixed() { [[ $1 == "$2"* ]]; }
vsh_out() { vsh "$@" 2>&1; }

iface_bridge() {
    echo "<interface type='bridge'><source bridge='$1'/><model type='virtio'/></interface>"
}

# ---- type='bridge' ----
check "a bridge in the namespace (brt0, 192.168.151.1/24)" ns_bridge_make brt0 192.168.151.1/24
g=vt-bridge
# root ports to spare (the guest's own devices take the first ones): a
# q35 guest hot-plugs PCI devices into a free one
spare="<controller type='pci' model='pcie-root-port'/>"
spare="$spare$spare$spare"
if net_guest_start "$g" "$(iface_bridge brt0)$spare"; then
    ok "$g (type='bridge' on brt0) starts and its shell is ready"
else
    fail "$g (type='bridge' on brt0) starts and its shell is ready"
fi
tap=$(guest_tap "$g")
check "live XML names the tap: <target dev='vnetN'/> ($tap)" prefixed "$tap" vnet
check "the tap $tap is a port of brt0" quietly in_ns ip link show master brt0 dev "$tap"
check_eq "the tap's MAC is the guest's with the first byte 0xfe" \
    "fe:$(guest_mac "$g" | cut -d: -f2-)" \
    "$(in_ns cat "/sys/class/net/$tap/address" 2>/dev/null)"
check "the live XML validates against domain.rng" \
    quietly xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng <(vsh dumpxml "$g")
check_nomatch "the inactive XML has no tap name" "$(vsh_out dumpxml --inactive "$g")" "<target dev='vnet"
check "the guest configures eth0 (192.168.151.10/24)" \
    quietly guest_run "$g" "ip addr add 192.168.151.10/24 dev eth0 && ip link set eth0 up"
check "the guest pings the host's bridge address" \
    quietly guest_run "$g" "ping -c 2 -w 10 192.168.151.1" 20
check "the host pings the guest through the tap" quietly ns_ping 192.168.151.10
out=$(vsh domifaddr "$g" --source arp 2>&1)
check_match "domifaddr --source arp reports 192.168.151.10 on $tap" "$out" "^ *$tap .*192\.168\.151\.10/0"

check "domif-setlink $tap down" vsh_q domif-setlink "$g" "$tap" down
check_eq "domif-getlink says down" "down" "$(vsh domif-getlink "$g" "$tap" 2>&1 | awk '{print $NF}' | sed '/^$/d')"
check_match "live XML has <link state='down'/>" "$(vsh_out dumpxml "$g")" "<link state='down'/>"
check "the host cannot reach the guest with the link down" no_ping 192.168.151.10
check "domif-setlink $tap up" vsh_q domif-setlink "$g" "$tap" up
check "the host reaches the guest again with the link up" quietly ns_ping 192.168.151.10

# hot-plug a second interface
taps_before=$(ns_taps | wc -l)
if vsh_q attach-interface "$g" bridge brt0 --model virtio --mac 52:54:00:51:00:02 --live; then
    ok "attach-interface (bridge brt0) to the running $g"
else
    fail "attach-interface (bridge brt0) to the running $g"
fi
check_eq "the namespace has one more tap" "$((taps_before + 1))" "$(ns_taps | wc -l)"
tap2=$(guest_tap "$g" 2)
check "the new tap $tap2 is a port of brt0" quietly in_ns ip link show master brt0 dev "$tap2"
_guest_has_eth1() { guest_run "$g" "cat /sys/class/net/eth1/address" 10 2>&1 | grep -q 52:54:00:51:00:02; }
check "the guest sees eth1 with the new MAC (/sys/class/net)" wait_for 30 _guest_has_eth1
if vsh_q detach-interface "$g" bridge --mac 52:54:00:51:00:02 --live; then
    ok "detach-interface the hot-plugged interface"
else
    fail "detach-interface the hot-plugged interface"
fi
_eth1_gone() { guest_run "$g" "test -e /sys/class/net/eth1" 10 >/dev/null 2>&1; [ $? = 1 ]; }
check "the guest's eth1 is gone" wait_for 30 _eth1_gone
_taps_are() { [ "$(ns_taps | wc -l)" = "$1" ]; }
check "its tap $tap2 is gone from the namespace" wait_for 20 _taps_are "$taps_before"
check_eq "the live XML has one interface again" "1" \
    "$(vsh dumpxml "$g" | grep -c '<interface ')"

check "destroy $g" vsh_q destroy "$g"
check_eq "no vnet tap is left in the namespace after destroy" "" "$(ns_taps)"
vsh_q undefine "$g"

# ---- type='network' ----
net_xml() {  # NAME BRIDGE SUBNET(third byte) FORWARD
    local fwd=""
    [ -n "$4" ] && fwd="<forward mode='$4'/>"
    cat <<X
<network>
  <name>$1</name>
  $fwd
  <bridge name='$2'/>
  <ip address='192.168.$3.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.$3.100' end='192.168.$3.200'/></dhcp>
  </ip>
</network>
X
}
net_xml vt-nat vtnat0 152 nat >"$GUEST_WORK/vt-nat.xml"
if ! out=$(vsh net-define "$GUEST_WORK/vt-nat.xml" 2>&1) || ! out=$(vsh net-start vt-nat 2>&1); then
    fail "a NAT network vt-nat is defined and started: $out"
    done_testing
    exit
fi
ok "a NAT network vt-nat (192.168.152.0/24, DHCP) is defined and started"
iface_net() { echo "<interface type='network'><source network='$1'/><model type='virtio'/></interface>"; }
check "guest vt-a on vt-nat starts" net_guest_start vt-a "$(iface_net vt-nat)$spare"
# vt-b's interface has its own bandwidth: tc on its tap (<inbound> only:
# <outbound> needs the kernel's police action, tried below)
bw="<bandwidth><inbound average='1000' peak='2000' burst='256'/></bandwidth>"
check "guest vt-b on vt-nat (with <bandwidth>) starts" \
    net_guest_start vt-b "<interface type='network'><source network='vt-nat'/><model type='virtio'/>$bw</interface>"
qd=$(in_ns tc qdisc show dev "$(guest_tap vt-b)" 2>&1)
check_match "vt-b's tap shapes what goes to the guest (htb root qdisc)" "$qd" "qdisc htb 1: root"
# <outbound>: policed on the tap's ingress, or refused cleanly when the
# kernel cannot police
taps_before=$(ns_taps | wc -l)
bw="<bandwidth><outbound average='500'/></bandwidth>"
xml=$(net_guest_xml vt-e "<interface type='network'><source network='vt-nat'/><model type='virtio'/>$bw</interface>")
if out=$(vsh create "$xml" 2>&1); then
    check_match "vt-e's tap polices what comes from the guest (ingress qdisc)" \
        "$(in_ns tc qdisc show dev "$(guest_tap vt-e)" 2>&1)" "qdisc ingress"
    vsh_q destroy vt-e
elif matches "$out" "no tc police action"; then
    skip "<outbound> bandwidth (tc police on the tap)" "$(sed -n 's/.*: \(the kernel has no tc police action[^:]*\).*/\1/p' <<<"$out")"
    check_eq "the refused start leaves no tap" "$taps_before" "$(ns_taps | wc -l)"
    check "... and no QEMU" [ -z "$(guest_pid vt-e)" ]
else
    fail "a guest with <outbound> bandwidth starts: $out"
fi
ipa=$(wait_lease vt-a) && ok "vt-a gets a DHCP lease ($ipa)" || fail "vt-a gets a DHCP lease"
ipb=$(wait_lease vt-b) && ok "vt-b gets a DHCP lease ($ipb)" || fail "vt-b gets a DHCP lease"
check_match "vt-a's live XML: <source network='vt-nat' portid=... bridge='vtnat0'/>" \
    "$(vsh_out dumpxml vt-a)" "<source network='vt-nat' portid='[0-9a-f-]{36}' bridge='vtnat0'/>"
check "vt-a's live XML validates against domain.rng" \
    quietly xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng <(vsh dumpxml vt-a)
check "vt-a's tap is a port of vtnat0" quietly in_ns ip link show master vtnat0 dev "$(guest_tap vt-a)"
check "vt-a pings vt-b ($ipb)" quietly guest_run vt-a "ping -c 2 -w 10 $ipb" 20
check "vt-b pings vt-a ($ipa)" quietly guest_run vt-b "ping -c 2 -w 10 $ipa" 20
check "vt-a pings the host (192.168.152.1)" quietly guest_run vt-a "ping -c 2 -w 10 192.168.152.1" 20
leases=$(vsh net-dhcp-leases vt-nat 2>&1)
check_match "net-dhcp-leases lists vt-a's MAC and address" "$leases" "$(guest_mac vt-a).*$ipa/24"
check_match "net-dhcp-leases lists vt-b's MAC and address" "$leases" "$(guest_mac vt-b).*$ipb/24"
out=$(vsh domifaddr vt-a 2>&1)
check_match "domifaddr vt-a (lease source) reports $ipa/24 on its tap" "$out" \
    "^ *$(guest_tap vt-a) +$(guest_mac vt-a) +ipv4 +$ipa/24"
out=$(vsh domifaddr vt-a --source agent 2>&1)
check_match "domifaddr --source agent is refused: no guest agent support" "$out" "not supported"

# an isolated network: no way to the NAT network's guests
net_xml vt-iso vtiso0 153 "" >"$GUEST_WORK/vt-iso.xml"
check "an isolated network vt-iso is defined" vsh_q net-define "$GUEST_WORK/vt-iso.xml"
check "... and started" vsh_q net-start vt-iso
check "guest vt-c on vt-iso starts" net_guest_start vt-c "$(iface_net vt-iso)"
ipc=$(wait_lease vt-c) && ok "vt-c gets a lease on vt-iso ($ipc)" || fail "vt-c gets a lease on vt-iso"
check "vt-c reaches its own network's host address" \
    quietly guest_run vt-c "ping -c 2 -w 10 192.168.153.1" 20
if [ -n "$ipa" ] && [ -n "$ipc" ]; then
    guest_run vt-c "ping -c 2 -w 4 $ipa" 20 >/dev/null
    check_eq "vt-c cannot reach vt-a ($ipa) on the NAT network: ping fails" 1 "$?"
else
    fail "vt-c cannot reach vt-a on the NAT network (no leases to try it with)"
fi

# a stopped network
net_xml vt-off vtoff0 154 nat >"$GUEST_WORK/vt-off.xml"
vsh_q net-define "$GUEST_WORK/vt-off.xml"
taps_before=$(ns_taps | wc -l)
xml=$(net_guest_xml vt-d "$(iface_net vt-off)")
out=$(vsh create "$xml" 2>&1)
check "a guest naming the stopped network vt-off is refused" [ $? -ne 0 ]
check_match "... with OPERATION_INVALID naming the network" "$out" \
    "Requested operation is not valid: .*network 'vt-off' is not active"
check_eq "... and nothing is left: no new tap" "$taps_before" "$(ns_taps | wc -l)"
check "... and no QEMU" [ -z "$(guest_pid vt-d)" ]

# the restart of vireod keeps the guests' plumbing
tapa=$(guest_tap vt-a)
daemon_kill
qemu_daemon_restart_same_root
check_eq "vt-a keeps its tap across a vireod restart" "$tapa" "$(guest_tap vt-a)"
check "vt-a still pings vt-b after the restart" quietly guest_run vt-a "ping -c 2 -w 10 $ipb" 20

# QEMU dies under vt-b: its tap and port go with it
tapb=$(guest_tap vt-b)
pidb=$(guest_pid vt-b)
[ -n "$pidb" ] && kill -KILL "$pidb"
_tap_gone() { ! in_ns ip link show dev "$1" >/dev/null 2>&1; }
check "vt-b is shut off after its QEMU was killed" wait_for 30 state_is vt-b "shut off (crashed)"
check "vt-b's tap $tapb is gone" wait_for 10 _tap_gone "$tapb"

# hot-plug on a network: a port and a tap on its bridge; a stopped network
# refuses and leaves nothing
taps_before=$(ns_taps | wc -l)
out=$(vsh attach-interface vt-a network vt-off --model virtio --live 2>&1)
check_match "attach-interface to the stopped vt-off is refused" "$out" "network 'vt-off' is not active"
check_eq "... and leaves no tap" "$taps_before" "$(ns_taps | wc -l)"
cat >"$GUEST_WORK/hot.xml" <<X
<interface type='network'>
  <mac address='52:54:00:52:00:02'/>
  <source network='vt-nat'/>
  <model type='virtio'/>
  <filterref filter='clean-traffic'/>
  <link state='down'/>
</interface>
X
if vsh_q attach-device vt-a "$GUEST_WORK/hot.xml" --live; then
    ok "attach-device (network vt-nat, clean-traffic, link down) to the running vt-a"
else
    fail "attach-device (network vt-nat, clean-traffic, link down) to the running vt-a"
fi
tap2=$(guest_tap vt-a 2)
check "the new tap $tap2 is a port of vtnat0" quietly in_ns ip link show master vtnat0 dev "$tap2"
check_match "its live XML has a port id" "$(vsh_out dumpxml vt-a)" \
    "<source network='vt-nat' portid='[0-9a-f-]{36}' bridge='vtnat0'/>.*"
check_eq "its link is down from the start" "down" \
    "$(vsh domif-getlink vt-a "$tap2" 2>&1 | awk '{print $NF}' | sed '/^$/d')"
nft_names() { in_ns nft list ruleset 2>/dev/null | grep -c "\"$1\""; }
check "its filter's nft rules name the tap" [ "$(nft_names "$tap2")" -gt 0 ]
check "detach-device it" vsh_q detach-device vt-a "$GUEST_WORK/hot.xml" --live
check "its tap is gone" wait_for 20 _taps_are "$taps_before"
check_eq "no nft rule names the tap any more" 0 "$(nft_names "$tap2")"

for d in vt-a vt-c; do vsh_q destroy "$d"; done
check_eq "no tap is left after destroying the guests" "" "$(ns_taps)"
for n in vt-nat vt-iso; do vsh_q net-destroy "$n"; done

# ---- type='direct' (macvtap) ----
if in_ns ip link add vtveth0 type veth peer name vtveth1 2>/dev/null &&
    in_ns ip link set vtveth0 up && in_ns ip link set vtveth1 up &&
    why=$(in_ns ip link add link vtveth0 name vtprobe type macvtap mode bridge 2>&1); then
    in_ns ip link del vtprobe
    if net_guest_start vt-direct "<interface type='direct'><source dev='vtveth0' mode='bridge'/><model type='virtio'/></interface>"; then
        ok "a guest with type='direct' on a veth starts"
    else
        fail "a guest with type='direct' on a veth starts"
    fi
    check "its host side is a macvtap ($(guest_tap vt-direct))" prefixed "$(guest_tap vt-direct)" macvtap
    vsh_q destroy vt-direct
    check_eq "the macvtap is deleted after destroy" "" "$(ns_taps)"
else
    skip "type='direct' (macvtap)" "the kernel cannot make a macvtap here: ${why:-no veth}"
fi

done_testing
