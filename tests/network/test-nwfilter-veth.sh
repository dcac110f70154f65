#!/bin/bash
# test-nwfilter-veth.sh: network filters applied with nftables on a real
# bridge.  In a namespace of its own: a bridge (10.77.0.1/24) with two
# veth ports whose other ends live in two more namespaces, the "guests"
# A (52:54:00:00:00:0a, 10.77.0.10) and B (52:54:00:00:00:0b, 10.77.0.11).
# nwfilter-tool (tests/network/nwfilter_tool.c) holds the node's filters
# and instantiates clean-traffic on A's port: A keeps its traffic with
# its own IP and MAC, loses it with another IP or MAC, and its ARP with a
# false sender IP gets no answer; B is never affected.  Redefining a
# filter clean-traffic references changes A's rules at once; teardown
# restores A; nothing is left in the ruleset, and tables of others are
# the same after it all.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

TOOL_BIN=$VIREO_BUILD/tests/nwfilter-tool
[ -x "$TOOL_BIN" ] || { skip "nwfilter on veth" "nwfilter-tool not built"; exit 0; }
command -v busybox >/dev/null || { skip "nwfilter on veth" "busybox (ping, arping) missing"; exit 0; }

ROOT=$(mktemp -d /tmp/vireo-nwfilter-veth-XXXXXX)
GA="" GB="" TOOL_PID=""
cleanup() {
    [ -n "$TOOL_PID" ] && kill "$TOOL_PID" 2>/dev/null
    [ -n "$GA" ] && ip netns del "$GA" 2>/dev/null
    [ -n "$GB" ] && ip netns del "$GB" 2>/dev/null
    netns_cleanup
    rm -rf "$ROOT"
}
trap cleanup EXIT
netns_setup
GA=$NETNS-a GB=$NETNS-b
ip netns add "$GA" && ip netns add "$GB" || { fail "guest namespaces"; exit 1; }

in_ns ip link add br0 type bridge
in_ns ip link set br0 up
in_ns ip addr add 10.77.0.1/24 dev br0
plug() {  # plug NS PORT MAC IP
    in_ns ip link add "$2" type veth peer name eth0 netns "$1"
    in_ns ip link set "$2" master br0 up
    ip -n "$1" link set lo up
    ip -n "$1" link set eth0 address "$3"
    ip -n "$1" addr add "$4/24" dev eth0
    ip -n "$1" link set eth0 up
}
plug "$GA" vta 52:54:00:00:00:0a 10.77.0.10
plug "$GB" vtb 52:54:00:00:00:0b 10.77.0.11

# pings NS DEST: one answer within 2 s, after forgetting every neighbour
pings() {
    ip -n "$1" neigh flush all 2>/dev/null
    in_ns ip neigh flush all 2>/dev/null
    ip -n "$GA" neigh flush all 2>/dev/null; ip -n "$GB" neigh flush all 2>/dev/null
    ip netns exec "$1" busybox ping -c 1 -W 2 "$2" >/dev/null 2>&1
}
no_pings() { ! pings "$@"; }
set_ip() { ip -n "$GA" addr flush dev eth0; ip -n "$GA" addr add "$1/24" dev eth0; }
set_mac() { ip -n "$GA" link set eth0 down; ip -n "$GA" link set eth0 address "$1"; ip -n "$GA" link set eth0 up; }

# somebody else's tables (a bridge filter with a counter, an inet one):
# they must come out byte for byte the same
in_ns nft -f - <<'EOF'
table bridge filter {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ether type arp counter accept
	}
}
table inet someone {
	set blocked {
		type ipv4_addr
		elements = { 192.0.2.7 }
	}
	chain input {
		type filter hook input priority 10; policy accept;
		ip saddr @blocked drop
	}
}
EOF
others() { in_ns nft list ruleset | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'; }
others_before=$(others)

# a filter file that does not load is skipped, never overwritten
mkdir -p "$ROOT/etc/nwfilter"
echo "<filter name='allow-arp'><broken" >"$ROOT/etc/nwfilter/allow-arp.xml"

# the tool, in the bridge's namespace, as a coprocess: one answer a command
coproc TOOL { exec ip netns exec "$NETNS" "$TOOL_BIN" "$ROOT" 2>"$ROOT/tool.log"; }
TOOL_PID=$TOOL_PID
REPLY_LINE=""
send() {
    echo "$*" >&"${TOOL[1]}"
    IFS= read -r -t 20 REPLY_LINE <&"${TOOL[0]}" || REPLY_LINE="(no answer)"
}
expect_ok() { local what=$1; shift; send "$@"
    case $REPLY_LINE in ok*) ok "$what" ;; *) fail "$what"; note "$REPLY_LINE"; cat "$ROOT/tool.log" | sed 's/^/# /' ;; esac; }
expect_err() { local what=$1 code=$2; shift 2; send "$@"
    case $REPLY_LINE in "error $code "*) ok "$what" ;; *) fail "$what"; note "$REPLY_LINE" ;; esac; }
table_exists() { in_ns nft list table bridge "$1" >/dev/null 2>&1; }

check "before any filter: A pings B" pings "$GA" 10.77.0.11
check "before any filter: B pings the host" pings "$GB" 10.77.0.1

send list
case $REPLY_LINE in
    *" clean-traffic "*" no-arp-spoofing "*" no-ip-spoofing "*" no-mac-spoofing "*) ok "built-in filters are defined at the first open" ;;
    *) fail "built-in filters are defined at the first open"; note "$REPLY_LINE" ;;
esac
check "built-ins are written to config_base/nwfilter" test -f "$ROOT/etc/nwfilter/clean-traffic.xml"
check "a broken filter file is skipped, not replaced by the built-in" \
    grep -q "<broken" "$ROOT/etc/nwfilter/allow-arp.xml"
case $REPLY_LINE in *" allow-arp "*) fail "the broken allow-arp is not listed" ;; *) ok "the broken allow-arp is not listed" ;; esac

expect_err "an unknown filter is refused (NO_NWFILTER)" 62 instantiate vta 52:54:00:00:00:0a no-such-filter
check "and leaves no table" bash -c "! ip netns exec $NETNS nft list table bridge vireo_f_vta >/dev/null 2>&1"

in_ns ip link add vtx type veth peer name vty
expect_err "an interface that is no bridge port is refused (BUILD_FIREWALL)" 63 instantiate vtx 52:54:00:00:00:0c clean-traffic IP=10.77.0.12
in_ns ip link del vtx
expect_ok "clean-traffic on A's port" instantiate vta 52:54:00:00:00:0a clean-traffic IP=10.77.0.10
check "A's table exists" table_exists vireo_f_vta
check "filtered A pings B with its own IP and MAC" pings "$GA" 10.77.0.11
check "filtered A pings the host" pings "$GA" 10.77.0.1
check "B pings A" pings "$GB" 10.77.0.10

set_ip 10.77.0.20
check "A with another IP cannot reach B" no_pings "$GA" 10.77.0.11
check "A with another IP cannot reach the host" no_pings "$GA" 10.77.0.1
check "unfiltered B still pings the host" pings "$GB" 10.77.0.1
set_ip 10.77.0.10
check "A back on its IP pings B again" pings "$GA" 10.77.0.11

set_mac 52:54:00:00:00:99
check "A with another MAC cannot reach B" no_pings "$GA" 10.77.0.11
set_mac 52:54:00:00:00:0a
check "A back on its MAC pings B again" pings "$GA" 10.77.0.11

# ARP with a false sender IP: no answer, and B does not learn it
ip -n "$GA" addr add 10.77.0.30/24 dev eth0
ip -n "$GB" neigh flush all
check "arping from A with a false sender IP gets no answer" \
    bash -c "! ip netns exec $GA busybox arping -q -c 2 -w 3 -I eth0 -s 10.77.0.30 10.77.0.11"
check "B did not learn the false sender" bash -c "! ip -n $GB neigh show 10.77.0.30 | grep -q lladdr"
check "arping from A with its own IP is answered" \
    ip netns exec "$GA" busybox arping -q -c 2 -w 3 -I eth0 -s 10.77.0.10 10.77.0.11
ip -n "$GA" addr del 10.77.0.30/24 dev eth0

# redefinition of a filter clean-traffic references: applied at once
cat >"$ROOT/strict.xml" <<'EOF'
<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>
  <rule action='drop' direction='out' priority='1000'/>
</filter>
EOF
expect_ok "no-ip-spoofing redefined to drop all IPv4 from the guest" define "$ROOT/strict.xml"
check "A's rules changed: A loses IPv4 with its own IP" \
    no_pings "$GA" 10.77.0.1
check "B is not affected" pings "$GB" 10.77.0.1
cp "$ROOT/etc/nwfilter/no-ip-spoofing.xml" "$ROOT/strict-saved.xml"
sed -e "s|<rule action='drop'|<rule action='return' direction='out' priority='500'><ip srcipaddr='\$IP'/></rule>\n  &|" \
    "$ROOT/strict.xml" >"$ROOT/again.xml"
expect_ok "no-ip-spoofing redefined back to allow \$IP" define "$ROOT/again.xml"
check "A pings again" pings "$GA" 10.77.0.1
check "the redefinition kept the filter's UUID" \
    bash -c "grep -q \"\$(grep -o '<uuid>[^<]*' $ROOT/strict-saved.xml)\" $ROOT/etc/nwfilter/no-ip-spoofing.xml"

# a redefinition whose rules cannot be built for A is refused whole
cp "$ROOT/etc/nwfilter/no-mac-spoofing.xml" "$ROOT/mac-before.xml"
cat >"$ROOT/mac-stp.xml" <<'EOF'
<filter name='no-mac-spoofing' chain='mac' priority='-800'>
  <rule action='drop' direction='out'><stp root-priority='5'/></rule>
</filter>
EOF
expect_err "a redefinition nftables cannot express is refused (BUILD_FIREWALL)" 63 define "$ROOT/mac-stp.xml"
check "... the filter's file is unchanged" cmp -s "$ROOT/mac-before.xml" "$ROOT/etc/nwfilter/no-mac-spoofing.xml"
check "... and A keeps its rules: it pings B" pings "$GA" 10.77.0.11
check "... which still drop a false MAC" bash -c "ip netns exec $NETNS nft list table bridge vireo_f_vta | grep -q 'ether saddr 52:54:00:00:00:0a return'"

sed -e "s|<filter name='no-ip-spoofing' chain='ipv4-ip' priority='-710'>|&<uuid>01234567-89ab-4cde-8f01-23456789abcd</uuid>|" \
    "$ROOT/strict.xml" >"$ROOT/other-uuid.xml"
expect_err "a define with another UUID for an existing name is refused" 9 define "$ROOT/other-uuid.xml"
printf "<filter name='loop-x'><filterref filter='loop-y'/></filter>\n" >"$ROOT/lx.xml"
printf "<filter name='loop-y'><filterref filter='loop-x'/></filter>\n" >"$ROOT/ly.xml"
expect_ok "a filter referencing a filter not defined yet is accepted" define "$ROOT/lx.xml"
expect_err "a loop of filterrefs is refused" 61 define "$ROOT/ly.xml"
check "and leaves no file" test ! -e "$ROOT/etc/nwfilter/loop-y.xml"
expect_err "undefine of a filter an interface uses is refused" 55 undefine clean-traffic
expect_err "undefine of a filter another references is refused" 55 undefine no-mac-spoofing
expect_ok "undefine of an unused filter" undefine loop-x

# state= needs conntrack for bridges: applied where the kernel has it,
# else refused with a message that says so, and nothing applied
echo "<filter name='stateful'><rule action='accept' direction='in'><tcp dstportstart='22' state='NEW'/></rule></filter>" >"$ROOT/stateful.xml"
expect_ok "a filter with state='NEW' is defined" define "$ROOT/stateful.xml"
send instantiate vtb 52:54:00:00:00:0b stateful
case $REPLY_LINE in
    ok*) ok "state='NEW' applied (this kernel tracks bridged connections)"; send teardown vtb ;;
    "error 63 "*nf_conntrack_bridge*) ok "state='NEW' refused: BUILD_FIREWALL naming nf_conntrack_bridge" ;;
    *) fail "state='NEW' applied or refused with a hint"; note "$REPLY_LINE" ;;
esac
check "B has no table left" bash -c "! ip netns exec $NETNS nft list table bridge vireo_f_vtb >/dev/null 2>&1"
expect_ok "the unused filter is undefined" undefine stateful

expect_ok "teardown of A's port" teardown vta
check "A's table is gone" bash -c "! ip netns exec $NETNS nft list table bridge vireo_f_vta >/dev/null 2>&1"
set_ip 10.77.0.20
check "unfiltered again, A with any IP pings B" pings "$GA" 10.77.0.11
set_ip 10.77.0.10

# no IP given and none learnt (no network): learning rules only
expect_ok "clean-traffic without IP (learning)" instantiate vta 52:54:00:00:00:0a clean-traffic
check "while learning, A's pings do not pass" \
    no_pings "$GA" 10.77.0.11
expect_ok "teardown while learning" teardown vta
check "after teardown A pings B" pings "$GA" 10.77.0.11

check_eq "nothing of vireo's is left and the other tables are the same (counters aside)" \
    "$others_before" "$(others)"
in_ns nft delete table bridge filter
in_ns nft delete table inet someone
check_eq "with those removed, the namespace's ruleset is empty" "" "$(in_ns nft list ruleset)"
exec {TOOL[1]}>&-
wait "$TOOL_PID"
check_eq "nwfilter-tool exits cleanly (0; no leak under ASan)" 0 "$?"
TOOL_PID=""
done_testing
