#!/bin/bash
# test-dnsmasq.sh: a network's dnsmasq (src/drivers/network/network_dnsmasq*.c)
# serving a real DHCP client and DNS queries.
#
# A bridge with an address in the test's namespace, a veth whose other end
# is in a second "client" namespace; dnsmasq started by dnsmasq_start
# (through tests/network/dnsmasq_tool.c); busybox udhcpc in the client
# gets a lease from the range, then the static host's address after a
# reload; the leases read back name MAC, IP and hostname; a DNS query from
# the client for a <dns><host> name answers its address; stop leaves no
# process and no pid file.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

tool=$VIREO_BUILD/tests/dnsmasq-tool
py=/usr/bin/python3
CLIENT=""
work=$(mktemp -d /tmp/vireo-dnsmasq.XXXXXX)
cleanup() {
    local p
    if [ -n "$CLIENT" ]; then
        for p in $(ip netns pids "$CLIENT" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        ip netns del "$CLIENT" 2>/dev/null
    fi
    netns_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v dnsmasq >/dev/null && [ ! -x /usr/sbin/dnsmasq ]; then
    skip "dnsmasq serves DHCP and DNS" "dnsmasq is not installed"
    exit 0
fi
if ! busybox udhcpc --help >/dev/null 2>&1; then
    skip "dnsmasq serves DHCP and DNS" "busybox with udhcpc is not installed (scripts/deps.sh)"
    exit 0
fi
netns_setup
CLIENT=vireo-dnsmasq-client-$$
ip netns add "$CLIENT" || { fail "create the client namespace"; exit 1; }
cl() { ip netns exec "$CLIENT" "$@"; }

in_ns ip link add vbr0 type bridge
in_ns ip addr add 10.78.0.1/24 dev vbr0
in_ns sysctl -qw net.ipv6.conf.vbr0.accept_dad=0
in_ns ip addr add fd78::1/64 dev vbr0 nodad
in_ns ip link set vbr0 up
in_ns ip link add vhost0 type veth peer name vguest0
in_ns ip link set vhost0 master vbr0 up
in_ns ip link set vguest0 netns "$CLIENT"
cl ip link set lo up
cl sysctl -qw net.ipv6.conf.vguest0.accept_dad=0
cl ip link set vguest0 address 52:54:00:00:78:01 up

cat >"$work/net.xml" <<'EOF'
<network>
  <name>tnet</name>
  <bridge name='vbr0'/>
  <domain name='example.test'/>
  <dns>
    <host ip='10.78.0.99'>
      <hostname>web</hostname>
    </host>
  </dns>
  <ip address='10.78.0.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.78.0.10' end='10.78.0.20'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd78::1' prefix='64'>
    <dhcp>
      <range start='fd78::100' end='fd78::1ff'/>
    </dhcp>
  </ip>
</network>
EOF
# the same with a static IPv4 host
sed '0,/<\/dhcp>/s|</dhcp>|  <host mac="52:54:00:00:78:02" name="fixed" ip="10.78.0.50"/>\n    </dhcp>|' \
    "$work/net.xml" >"$work/net2.xml"

# udhcpc's script: the address it was given goes on the interface and
# into a file the test reads
cat >"$work/dhcp.sh" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
    ip -4 addr flush dev "\$interface"
    ip addr add "\$ip/\${mask:-24}" dev "\$interface"
    echo "\$ip" >"$work/got-\$interface" ;;
esac
exit 0
EOF
chmod +x "$work/dhcp.sh"
dhcp() {  # hostname: one DHCP exchange, the address on stdout
    rm -f "$work/got-vguest0"
    cl busybox udhcpc -i vguest0 -n -q -t 5 -T 1 -x "hostname:$1" -s "$work/dhcp.sh" \
        >"$work/udhcpc.log" 2>&1
    cat "$work/got-vguest0" 2>/dev/null
}

run=$work/run
pid=$(in_ns "$tool" start "$work/net.xml" vbr0 "$run" 2>"$work/err")
if ! [ "${pid:-0}" -gt 0 ] 2>/dev/null; then
    fail "dnsmasq_start starts dnsmasq on the bridge"; note "$(cat "$work/err")"; exit 1
fi
ok "dnsmasq_start starts dnsmasq on the bridge (pid $pid)"
check_eq "its pid file names it" "$pid" "$(cat "$run/tnet.pid")"
check_eq "it runs in the test's namespace" "$(readlink /proc/$pid/ns/net)" \
    "$(in_ns readlink /proc/self/ns/net)"

addr=$(dhcp guest1)
case "$addr" in
10.78.0.1[0-9] | 10.78.0.20) ok "a DHCP client gets an address from the range ($addr)" ;;
*) fail "a DHCP client gets an address from the range (got '$addr')"; note "$(cat "$work/udhcpc.log")" ;;
esac
leases=$(in_ns "$tool" leases tnet "$run" vbr0)
check_eq "the lease read back: MAC, address, prefix, hostname" \
    "ipv4 52:54:00:00:78:01 $addr/24 guest1" "$(echo "$leases" | cut -d' ' -f1-4)"
check_eq "a lease filter on another MAC finds none" "" \
    "$(in_ns "$tool" leases tnet "$run" vbr0 52:54:00:00:00:99)"

# A DNS query from the client: a <dns><host> name and a client's own name
dns_query() {  # name -> the A record's address
    cl "$py" - "$1" <<'EOF'
import random, socket, struct, sys
name = sys.argv[1]
qid = random.randint(1, 65535)
q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, ("10.78.0.1", 53))
r = s.recv(512)
an = struct.unpack(">H", r[6:8])[0]
i = len(q)  # past the question, echoed as sent
for _ in range(an):
    i += 2 if r[i] & 0xC0 == 0xC0 else r.index(b"\0", i) + 1 - i
    typ, _, _, ln = struct.unpack(">HHIH", r[i:i + 10])
    i += 10
    if typ == 1:
        print(socket.inet_ntoa(r[i:i + 4]))
        break
    i += ln
EOF
}
check_eq "DNS from the client: a <dns><host> name answers its address" "10.78.0.99" \
    "$(dns_query web 2>&1)"
check_eq "DNS: a DHCP client's name in the network's domain" "$addr" \
    "$(dns_query guest1.example.test 2>&1)"

# DHCPv6: busybox has no udhcpc6 here; ISC dhclient -6 when installed
if command -v dhclient >/dev/null; then
    cat >"$work/dhcp6.sh" <<EOF
#!/bin/sh
case "\$reason" in BOUND6|RENEW6|REBIND6) echo "\$new_ip6_address" >"$work/got6" ;; esac
exit 0
EOF
    chmod +x "$work/dhcp6.sh"
    cl timeout 30 dhclient -6 -1 -v -lf "$work/dh6.leases" -pf "$work/dh6.pid" \
        -sf "$work/dhcp6.sh" vguest0 >"$work/dhclient.log" 2>&1
    [ -s "$work/dh6.pid" ] && kill "$(cat "$work/dh6.pid")" 2>/dev/null
    addr6=$(cat "$work/got6" 2>/dev/null)
    case "$addr6" in
    fd78::1[0-9a-f][0-9a-f]) ok "a DHCPv6 client gets an address from the IPv6 range ($addr6)" ;;
    *) fail "a DHCPv6 client gets an address from the IPv6 range (got '$addr6')"
       note "$(tail -5 "$work/dhclient.log")" ;;
    esac
    check_eq "the IPv6 lease read back: address with the bridge's prefix" "ipv6 $addr6/64" \
        "$(in_ns "$tool" leases tnet "$run" vbr0 | awk '$1 == "ipv6" {print $1, $3}')"
else
    skip "a DHCPv6 client gets an address" "no DHCPv6 client (busybox has no udhcpc6; isc-dhcp-client is not installed)"
fi

# A new static host, served after a reload by the same dnsmasq
if in_ns "$tool" reload "$work/net2.xml" "$run" "$pid" 2>"$work/err"; then
    ok "dnsmasq_reload with a new static host"
else
    fail "dnsmasq_reload with a new static host"; note "$(cat "$work/err")"
fi
cl ip link set vguest0 down
cl ip link set vguest0 address 52:54:00:00:78:02 up
check_eq "after the reload, the static host's MAC gets its address" "10.78.0.50" "$(dhcp other)"
check_eq "the same dnsmasq serves it" "$pid" "$(in_ns "$tool" find tnet "$run")"
check_eq "the static lease read back, with the host's name" \
    "ipv4 52:54:00:00:78:02 10.78.0.50/24 fixed" \
    "$(in_ns "$tool" leases tnet "$run" vbr0 52:54:00:00:78:02 | cut -d' ' -f1-4)"
check_eq "both IPv4 leases are listed" 2 "$(in_ns "$tool" leases tnet "$run" vbr0 | grep -c '^ipv4')"

# A fresh process on the same run folder (a restarted vireod) finds it
check_eq "dnsmasq_find from a new process returns the same pid" "$pid" \
    "$("$tool" find tnet "$run")"

in_ns "$tool" stop tnet "$run" "$pid"
gone() {
    local st
    st=$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f2)
    [ -z "$st" ] || [ "$st" = Z ]
}
check "dnsmasq_stop ends dnsmasq (pid $pid)" wait_for 5 gone
check "and removes its pid file" test ! -e "$run/tnet.pid"
check_eq "a stopped network's dnsmasq is not found" 0 "$("$tool" find tnet "$run")"
done_testing
