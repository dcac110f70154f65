#!/bin/bash
# test-networks.sh: virtual networks through vireod, driven by virsh and
# python3-libvirt, each checked against the kernel of the test's own
# network namespace (bridge, addresses, MTU, nft tables, dnsmasq).
#
# Covers: the 'default' network (defined, not autostarted under --root);
# define/start/info/dumpxml (valid against network.rng)/destroy/undefine;
# persistent and transient; autostart; every forward mode (none, nat,
# route, open, bridge to a bridge the test made); IPv4 + IPv6, static
# DHCP hosts, DNS hosts, domain, MTU; net-update of a DHCP host reaching
# the running dnsmasq (hosts file changed, same PID); net-dhcp-leases;
# lifecycle events in order; a restarted vireod re-adopting a running
# network; bad input refused with libvirt's codes, leaving nothing.
# The cycle and foreign-ruleset proofs are in test-networks-cycles.sh.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

NETTOOL=$VIREO_TOP/tests/network/nettool.py
RNG=/usr/share/libvirt/schemas/network.rng
work=$(mktemp -d /tmp/vireo-networks.XXXXXX)
EVPID=""
CLIENT=""
cleanup() {
    local p
    [ -n "$EVPID" ] && kill "$EVPID" 2>/dev/null
    if [ -n "$CLIENT" ]; then
        for p in $(ip netns pids "$CLIENT" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$CLIENT" 2>/dev/null
    fi
    daemon_cleanup
    netns_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "networks through $VIREO_TEST_DAEMON" "these tests drive vireod's network driver"
    exit 0
fi
if ! command -v dnsmasq >/dev/null && [ ! -x /usr/sbin/dnsmasq ]; then
    skip "networks" "dnsmasq is not installed"
    exit 0
fi
netns_setup
qemu_daemon_start
URI=$QEMU_URI
nt() { timeout 60 /usr/bin/python3 "$NETTOOL" "$URI" "$@" 2>&1; }

# --- kernel state in the namespace ---
link_json() { in_ns ip -d -j link show dev "$1" 2>/dev/null; }
jget() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
has_link() { in_ns ip link show dev "$1" >/dev/null 2>&1; }
addrs_of() { in_ns ip -j addr show dev "$1" | jget '" ".join(sorted(a["local"]+"/"+str(a["prefixlen"]) for a in d[0]["addr_info"] if a.get("scope")!="link"))'; }
nft_tables() { in_ns nft list tables 2>/dev/null | awk '{print $3}' | sort | tr '\n' ' '; }
dnsmasq_pids() {  # dnsmasq processes in the namespace
    local p
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = dnsmasq ] && echo "$p"
    done
}
runf() { echo "$DAEMON_ROOT/run/libvirt/network/$1"; }
net_pid() { cat "$(runf "$1.pid")" 2>/dev/null; }
bridge_of() { vsh net-info "$1" 2>/dev/null | awk '/^Bridge:/ {print $2}'; }
active_of() { vsh net-info "$1" 2>/dev/null | awk '/^Active:/ {print $2}'; }
field_of() { vsh net-info "$1" 2>/dev/null | awk -v f="$2:" '$1 == f {print $2}'; }
sanitizer_check() {
    if grep -q 'Sanitizer\|runtime error' "$DAEMON_LOG"; then
        fail "no sanitizer report in vireod's log"
        grep -A20 'Sanitizer\|runtime error' "$DAEMON_LOG" | head -60 | sed 's/^/# /'
    else
        ok "no sanitizer report in vireod's log"
    fi
}
valid_xml() { vsh net-dumpxml "$@" >"$work/dump.xml" && xmllint --noout --relaxng "$RNG" "$work/dump.xml" 2>"$work/xmllint.err"; }

# --- the 'default' network of a fresh system instance under --root ---
cfg=$DAEMON_ROOT/etc/libvirt/qemu/networks
# the node (and its networks) opens with the first qemu connection
vsh_q net-list --all
check "'default' is defined on the first start" test -f "$cfg/default.xml"
check_eq "'default' is not autostarted under --root" "no no" \
    "$(field_of default Active) $(field_of default Autostart)"
check "no autostart link for 'default' under --root" test ! -e "$cfg/autostart/default.xml"
vsh net-dumpxml default >"$work/default.xml"
check "'default' is NAT on virbr0 with 192.168.122.1/24 and DHCP .2-.254" \
    grep -q "<range start='192.168.122.2' end='192.168.122.254'/>" "$work/default.xml"
check "'default' names virbr0 and NAT" \
    grep -q "<bridge name='virbr0'" "$work/default.xml"
check "no virbr0 was made" bash -c "! ip netns exec $NETNS ip link show virbr0 >/dev/null 2>&1"
check "'default' XML validates against network.rng" valid_xml default

# --- a NAT network with IPv4 + IPv6, DHCP hosts, DNS hosts, domain, MTU ---
cat >"$work/nat1.xml" <<'EOF'
<network>
  <name>nat1</name>
  <forward mode='nat'/>
  <domain name='nat1.test'/>
  <mtu size='1400'/>
  <dns>
    <host ip='10.71.0.5'><hostname>web.nat1.test</hostname></host>
  </dns>
  <ip address='10.71.0.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.71.0.100' end='10.71.0.200'/>
      <host mac='52:54:00:71:00:11' name='g1' ip='10.71.0.11'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd71::1' prefix='64'>
    <dhcp>
      <range start='fd71::100' end='fd71::1ff'/>
    </dhcp>
  </ip>
</network>
EOF
out=$(vsh net-define "$work/nat1.xml" 2>&1)
check "net-define nat1: $out" grep -q "nat1" <<<"$out"
check "nat1's file is written" test -f "$cfg/nat1.xml"
vsh net-dumpxml nat1 >"$work/nat1.dump"
check "define filled a UUID" grep -q "<uuid>" "$work/nat1.dump"
check "define filled a bridge MAC (52:54:00)" grep -q "<mac address='52:54:00:" "$work/nat1.dump"
BR1=$(bridge_of nat1)
check "define picked a free virbrN ($BR1), not default's virbr0" \
    bash -c "[[ '$BR1' == virbr* && '$BR1' != virbr0 ]]"
check "nat1's XML validates" valid_xml nat1
check "net-start nat1" vsh_q net-start nat1
check_eq "net-info: active, persistent" "yes yes" "$(field_of nat1 Active) $(field_of nat1 Persistent)"
check_eq "bridge $BR1 exists and is a bridge" bridge \
    "$(link_json "$BR1" | jget 'd[0]["linkinfo"]["info_kind"]')"
check_eq "bridge MTU is 1400" 1400 "$(link_json "$BR1" | jget 'd[0]["mtu"]')"
mac=$(sed -n "s/.*<mac address='\([^']*\)'.*/\1/p" "$work/nat1.dump")
check_eq "bridge MAC is the defined one" "$mac" "$(link_json "$BR1" | jget 'd[0]["address"]')"
check_eq "bridge addresses" "10.71.0.1/24 fd71::1/64" "$(addrs_of "$BR1")"
check "nft table vireo_$BR1 exists" grep -q "vireo_$BR1" <<<"$(nft_tables)"
P1=$(net_pid nat1)
check "nat1's dnsmasq ($P1) runs" test -n "$P1" -a -d "/proc/$P1"
check "dnsmasq's conf names the bridge" grep -q "$BR1" "$(runf nat1.conf)"
check "dnsmasq's conf has the domain" grep -q "nat1.test" "$(runf nat1.conf)"
check "dnsmasq's hosts file has the static host" grep -q "52:54:00:71:00:11" "$(runf nat1.hostsfile)"
check "dnsmasq's DNS hosts file has web.nat1.test" grep -q "web.nat1.test" "$(runf nat1.addnhosts)"
check_eq "ip_forward is on in the namespace" 1 "$(in_ns cat /proc/sys/net/ipv4/ip_forward)"
vsh net-dumpxml nat1 >"$work/nat1.live"
check "live XML validates" valid_xml nat1
out=$(nt start nat1)
check "start of an active network: OPERATION_INVALID (55): $out" grep -q "^ERR 55 " <<<"$out"

# net-update: a DHCP host, live, reaches the running dnsmasq
host="<host mac='52:54:00:71:00:22' name='g2' ip='10.71.0.22'/>"
check "net-update add-last ip-dhcp-host --live" \
    vsh_q net-update nat1 add-last ip-dhcp-host "$host" --live
check "dnsmasq's hosts file has the new host" grep -q "52:54:00:71:00:22" "$(runf nat1.hostsfile)"
check_eq "dnsmasq kept its PID" "$P1" "$(net_pid nat1)"
check "live XML has the host" bash -c "virsh -c '$URI' net-dumpxml nat1 | grep -q 10.71.0.22"
check "config XML does not" bash -c "! virsh -c '$URI' net-dumpxml nat1 --inactive | grep -q 10.71.0.22"
check "net-update delete ip-dhcp-host --live" \
    vsh_q net-update nat1 delete ip-dhcp-host "$host" --live
check "the host left dnsmasq's hosts file" bash -c "! grep -q 52:54:00:71:00:22 '$(runf nat1.hostsfile)'"
check_eq "dnsmasq still kept its PID" "$P1" "$(net_pid nat1)"
check "net-update --config adds to the file" \
    vsh_q net-update nat1 add-last ip-dhcp-host "$host" --config
check "the config file has it" grep -q "10.71.0.22" "$cfg/nat1.xml"
check "net-update add-last ip-dhcp-range --live" \
    vsh_q net-update nat1 add-last ip-dhcp-range "<range start='10.71.0.210' end='10.71.0.220'/>" --live
check "dnsmasq's conf has the new range" grep -q "10.71.0.210" "$(runf nat1.conf)"
P2=$(net_pid nat1)
check "dnsmasq was restarted to read it ($P1 -> $P2)" bash -c "[ -n '$P2' ] && [ '$P2' != '$P1' ] && [ -d /proc/$P2 ]"
check "the old dnsmasq is gone" pid_gone "$P1"
P1=$P2
out=$(nt update nat1 3 4 "<host mac='52:54:00:71:00:11' name='g1' ip='10.71.0.11'/>" 1)
check "adding an existing host is refused: $out" grep -q "^ERR " <<<"$out"

# leases: none yet; a bad MAC refused
out=$(nt leases nat1)
check_eq "net-dhcp-leases: an empty list" "ok 0" "$out"
out=$(nt leases nat1 52:54:00:71:00:11)
check_eq "leases of one MAC: empty" "ok 0" "$out"
out=$(nt leases nat1 not-a-mac)
check "a bad MAC is refused: $out" grep -q "^ERR " <<<"$out"

# a real DHCP client (busybox udhcpc) in a second namespace, its veth
# plugged into nat1's bridge, gets the static host's address; the lease
# shows up in net-dhcp-leases
if busybox udhcpc --help >/dev/null 2>&1; then
    CLIENT=vireo-networks-client-$$
    ip netns add "$CLIENT"
    in_ns ip link add vh-nat1 type veth peer name vg-nat1
    in_ns ip link set vh-nat1 master "$BR1" up
    in_ns ip link set vg-nat1 netns "$CLIENT"
    ip netns exec "$CLIENT" ip link set vg-nat1 address 52:54:00:71:00:11 up
    printf '#!/bin/sh\ncase "$1" in bound|renew) echo "$ip" >"%s" ;; esac\nexit 0\n' \
        "$work/got" >"$work/dhcp.sh"
    chmod +x "$work/dhcp.sh"
    ip netns exec "$CLIENT" busybox udhcpc -i vg-nat1 -n -q -t 5 -T 1 -x hostname:g1 \
        -s "$work/dhcp.sh" >"$work/udhcpc.log" 2>&1
    check_eq "a DHCP client with g1's MAC gets g1's address" 10.71.0.11 "$(cat "$work/got" 2>/dev/null)"
    wait_for 5 bash -c "/usr/bin/python3 '$NETTOOL' '$URI' leases nat1 | grep -q '^ok 1'"
    check_eq "net-dhcp-leases shows it (python)" \
        "ok 1|52:54:00:71:00:11 10.71.0.11 g1 $BR1" "$(nt leases nat1 | tr '\n' '|' | sed 's/|$//')"
    check "virsh net-dhcp-leases shows it" \
        bash -c "virsh -c '$URI' net-dhcp-leases nat1 | grep -q '52:54:00:71:00:11.*10.71.0.11/24'"
    check_eq "filtered by another MAC: none" "ok 0" "$(nt leases nat1 52:54:00:71:00:99)"
    check_eq "filtered by its MAC: one" "ok 1" \
        "$(nt leases nat1 52:54:00:71:00:11 | head -n 1)"
    in_ns ip link del vh-nat1
    ip netns del "$CLIENT"; CLIENT=""
else
    skip "a real DHCP lease in net-dhcp-leases" "busybox with udhcpc is not installed"
fi

# autostart
check "net-autostart nat1" vsh_q net-autostart nat1
check "the autostart link exists" test -L "$cfg/autostart/nat1.xml"
check_eq "net-info says autostart" yes "$(field_of nat1 Autostart)"
check "net-autostart --disable" vsh_q net-autostart nat1 --disable
check "the link is gone" test ! -e "$cfg/autostart/nat1.xml"

# --- bad input: each refused with libvirt's code, nothing left ---
before_links=$(in_ns ip -br link | awk '{print $1}' | sort | tr '\n' ' ')
before_tables=$(nft_tables)
before_dnsmasq=$(dnsmasq_pids | sort | tr '\n' ' ')
sed -e 's/nat1/over1/g' -e '/<uuid>/d' -e '/<mac /d' -e '/<bridge /d' "$work/nat1.xml" >"$work/over1.xml"
check "a network on nat1's subnet defines" vsh_q net-define "$work/over1.xml"
out=$(nt start over1)
check "its start is refused: INTERNAL_ERROR 'already in use by interface $BR1': $out" \
    grep -q "^ERR 1 internal error: Network is already in use by interface $BR1" <<<"$out"
cat >"$work/dup-bridge.xml" <<EOF
<network><name>dupbr</name><bridge name='$BR1'/>
<ip address='10.72.0.1' netmask='255.255.255.0'/></network>
EOF
out=$(nt define "$work/dup-bridge.xml")
check "a bridge name another network uses: INTERNAL_ERROR 'already in use': $out" \
    grep -q "^ERR 1 internal error: bridge name '$BR1' already in use" <<<"$out"
check "no file for it" test ! -e "$cfg/dupbr.xml"
in_ns ip link add vtaken0 type veth peer name vtaken1
cat >"$work/taken.xml" <<'EOF'
<network><name>taken</name><bridge name='vtaken0'/>
<ip address='10.73.0.1' netmask='255.255.255.0'><dhcp><range start='10.73.0.2' end='10.73.0.9'/></dhcp></ip></network>
EOF
check "a network naming an existing device defines" vsh_q net-define "$work/taken.xml"
out=$(nt start taken)
check "its start is refused (SYSTEM_ERROR 38, exists): $out" grep -q "^ERR 38 .*vtaken0.*exists" <<<"$out"
check "the foreign device is still there" has_link vtaken0
in_ns ip link del vtaken0
cat >"$work/range.xml" <<'EOF'
<network><name>badrange</name>
<ip address='10.74.0.1' netmask='255.255.255.0'><dhcp><range start='10.75.0.2' end='10.75.0.9'/></dhcp></ip></network>
EOF
out=$(nt define "$work/range.xml")
check "a DHCP range outside the subnet is refused: $out" grep -q "^ERR " <<<"$out"
check "no file for it" test ! -e "$cfg/badrange.xml"
sed -e 's/<name>nat1</<name>nat1b</' -e '/<bridge /d' -e '/<mac /d' "$work/nat1.dump" >"$work/sameuuid.xml"
out=$(nt define "$work/sameuuid.xml")
check "another name with nat1's UUID: OPERATION_FAILED 'already defined with uuid': $out" \
    grep -q "^ERR 9 operation failed: network 'nat1' is already defined with uuid" <<<"$out"
sed -e '/<uuid>/d' "$work/nat1.dump" >"$work/samename.xml"
out=$(nt define "$work/samename.xml")
check "nat1's name with another UUID: OPERATION_FAILED 'already exists with uuid': $out" \
    grep -q "^ERR 9 operation failed: network 'nat1' already exists with uuid" <<<"$out"
out=$(nt destroy over1)
check "destroy of an inactive network: OPERATION_INVALID: $out" grep -q "^ERR 55 " <<<"$out"
out=$(nt start nosuchnet)
check "an unknown network: NO_NETWORK (43): $out" grep -q "^ERR 43 " <<<"$out"
check_eq "no device was left by the refusals" "$before_links" \
    "$(in_ns ip -br link | awk '{print $1}' | sort | tr '\n' ' ')"
check_eq "no nft table was left" "$before_tables" "$(nft_tables)"
check_eq "no dnsmasq was left" "$before_dnsmasq" "$(dnsmasq_pids | sort | tr '\n' ' ')"
vsh_q net-undefine over1
vsh_q net-undefine taken

# --- events, in order (python3-libvirt) ---
nt events 30 "$work/events" >/dev/null &
EVPID=$!
wait_for 10 test -e "$work/events.ready"
cat >"$work/ev.xml" <<'EOF'
<network><name>ev1</name><ip address='10.76.0.1' netmask='255.255.255.0'/></network>
EOF
vsh_q net-define "$work/ev.xml"; vsh_q net-start ev1; vsh_q net-destroy ev1; vsh_q net-undefine ev1
wait_for 10 bash -c "[ \$(grep -c '^ev1 ' '$work/events' 2>/dev/null) -ge 4 ]"
check_eq "lifecycle events defined, started, stopped, undefined" \
    "defined started stopped undefined" "$(grep '^ev1 ' "$work/events" | awk '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
kill "$EVPID" 2>/dev/null; wait "$EVPID" 2>/dev/null; EVPID=""

# --- each forward mode ---
mode_net() {  # name mode subnet-byte [extra]
    cat >"$work/$1.xml" <<EOF
<network><name>$1</name>${2:+<forward mode='$2'/>}
<ip address='10.8$3.0.1' netmask='255.255.255.0'><dhcp><range start='10.8$3.0.2' end='10.8$3.0.9'/></dhcp></ip></network>
EOF
}
for m in none:1 route:2 open:3; do
    name=m${m%%:*}; mode=${m%%:*}; [ "$mode" = none ] && mode=""
    mode_net "$name" "$mode" "${m##*:}"
    vsh_q net-define "$work/$name.xml"
    check "forward ${mode:-none}: net-start" vsh_q net-start "$name"
    br=$(bridge_of "$name")
    check "forward ${mode:-none}: bridge $br up with 10.8${m##*:}.0.1/24" \
        bash -c "[ '$(addrs_of "$br")' = '10.8${m##*:}.0.1/24' ]"
    if [ "$mode" = open ]; then
        check "forward open: no nft table" bash -c "! grep -q 'vireo_$br' <<<'$(nft_tables)'"
    else
        check "forward ${mode:-none}: nft table vireo_$br" grep -q "vireo_$br" <<<"$(nft_tables)"
    fi
    check "forward ${mode:-none}: dnsmasq runs" test -d "/proc/$(net_pid "$name")"
    check "forward ${mode:-none}: XML validates" valid_xml "$name"
    check "forward ${mode:-none}: net-destroy" vsh_q net-destroy "$name"
    check "forward ${mode:-none}: bridge gone" bash -c "! ip netns exec $NETNS ip link show $br >/dev/null 2>&1"
    vsh_q net-undefine "$name"
done
in_ns ip link add hostbr0 type bridge
cat >"$work/mbr.xml" <<'EOF'
<network><name>mbr</name><forward mode='bridge'/><bridge name='hostbr0'/></network>
EOF
vsh_q net-define "$work/mbr.xml"
check "forward bridge: net-start on the test's host bridge" vsh_q net-start mbr
check_eq "forward bridge: net-info names hostbr0" hostbr0 "$(bridge_of mbr)"
check "forward bridge: XML validates" valid_xml mbr
check "forward bridge: net-destroy" vsh_q net-destroy mbr
check "forward bridge: the host bridge stays" has_link hostbr0
in_ns ip link del hostbr0
out=$(nt start mbr)
check "forward bridge without the host bridge is refused: $out" grep -q "^ERR " <<<"$out"
vsh_q net-undefine mbr

# --- transient networks ---
mode_net tr1 nat 4
check "net-create (transient)" vsh_q net-create "$work/tr1.xml"
check_eq "transient: active, not persistent" "yes no" "$(field_of tr1 Active) $(field_of tr1 Persistent)"
check "transient: no config file" test ! -e "$cfg/tr1.xml"
out=$(nt undefine tr1)
check "undefine of a transient network is refused: $out" grep -q "^ERR 55 .*can't undefine transient network" <<<"$out"
vsh net-dumpxml tr1 >"$work/tr1.live"
check "define of the active transient network makes it persistent" vsh_q net-define "$work/tr1.live"
check_eq "now persistent and still active" "yes yes" "$(field_of tr1 Active) $(field_of tr1 Persistent)"
check "undefine while active" vsh_q net-undefine tr1
check_eq "active and transient again" "yes no" "$(field_of tr1 Active) $(field_of tr1 Persistent)"
br=$(bridge_of tr1)
check "destroy of the transient one" vsh_q net-destroy tr1
check "it is gone" bash -c "! virsh -c '$URI' net-info tr1 >/dev/null 2>&1"
check "its bridge is gone" bash -c "! ip netns exec $NETNS ip link show $br >/dev/null 2>&1"

# --- net-list's filters ---
mode_net tr2 "" 5
vsh_q net-create "$work/tr2.xml"
vsh_q net-autostart default
names() { vsh net-list --name "$@" | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//'; }
check_eq "net-list: the active ones" "nat1 tr2" "$(names)"
check_eq "net-list --inactive" "default" "$(names --inactive)"
check_eq "net-list --all --transient" "tr2" "$(names --all --transient)"
check_eq "net-list --all --persistent" "default nat1" "$(names --all --persistent)"
check_eq "net-list --all --autostart" "default" "$(names --all --autostart)"
check_eq "net-list --all --no-autostart" "nat1 tr2" "$(names --all --no-autostart)"
vsh_q net-autostart default --disable

# --- a restarted vireod re-adopts running networks (a transient one too) ---
P1=$(net_pid nat1)
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
check_eq "vireod exits 0 on SIGTERM with a network running" 0 "$?"
check "nat1's dnsmasq outlives vireod" test -d "/proc/$P1"
qemu_daemon_restart_same_root
check_eq "nat1 is active again" yes "$(active_of nat1)"
check_eq "with the same dnsmasq" "$P1" "$(net_pid nat1)"
check "and its bridge" has_link "$BR1"
check "net-destroy after the restart" vsh_q net-destroy nat1
check_eq "tr2 is active and transient again" "yes no" "$(field_of tr2 Active) $(field_of tr2 Persistent)"
check "tr2's destroy" vsh_q net-destroy tr2
check "no bridge left" bash -c "! ip netns exec $NETNS ip link show $BR1 >/dev/null 2>&1"
check "no nft table left" bash -c "! grep -q vireo_ <<<'$(nft_tables)'"
check "no dnsmasq left" bash -c "[ -z '$(dnsmasq_pids)' ]"
check "no run file left" test ! -e "$(runf nat1.xml)"
check "net-undefine nat1" vsh_q net-undefine nat1
check "its file is gone" test ! -e "$cfg/nat1.xml"
sanitizer_check

# --- a vireod whose dnsmasq cannot be found, then one whose dnsmasq fails ---
other_vireod() {  # VIREO_DNSMASQ value
    kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
    export VIREO_DNSMASQ=$1
    qemu_daemon_start
    unset VIREO_DNSMASQ
    URI=$QEMU_URI
    vsh_q net-list --all
}
nothing_left() {  # what
    check_eq "$1: no device left" "lo" "$(in_ns ip -br link | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
    check_eq "$1: no nft table left" "" "$(nft_tables)"
    check_eq "$1: no dnsmasq left" "" "$(dnsmasq_pids)"
}
other_vireod /nonexistent/dnsmasq
cat >"$work/nodns.xml" <<'EOF'
<network><name>nodns</name><dns enable='no'/><ip address='10.77.0.1' netmask='255.255.255.0'/></network>
EOF
vsh_q net-define "$work/nat1.xml"
out=$(nt start nat1)
check "missing dnsmasq: OPERATION_FAILED \"Cannot find 'dnsmasq' in path\": $out" \
    grep -q "^ERR 9 .*Cannot find '/nonexistent/dnsmasq' in path" <<<"$out"
nothing_left "missing dnsmasq"
vsh_q net-define "$work/nodns.xml"
check "a network without DHCP and DNS starts without dnsmasq" vsh_q net-start nodns
check "and stops" vsh_q net-destroy nodns
sanitizer_check
other_vireod /bin/false
vsh_q net-define "$work/nat1.xml"
out=$(nt start nat1)
check "a dnsmasq that fails to start fails the start: $out" grep -q "^ERR " <<<"$out"
nothing_left "a start undone after its bridge and rules were made"
sanitizer_check
done_testing
