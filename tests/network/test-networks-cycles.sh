#!/bin/bash
# test-networks-cycles.sh: the issue's two proofs about what networks
# leave behind, in the test's own network namespace:
#   - starting and stopping a network 50 times leaves no bridge, tap, nft
#     table or dnsmasq process behind (counted), and vireod no open file;
#   - a pre-existing nftables ruleset unrelated to vireo (made before
#     vireod starts) is byte-for-byte the same after all of it, also
#     after a refused start and a vireod restart with a running network;
#   - the 'default' network avoids a subnet the host already routes.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

NETTOOL=$VIREO_TOP/tests/network/nettool.py
work=$(mktemp -d /tmp/vireo-netcycles.XXXXXX)
cleanup() {
    daemon_cleanup
    netns_cleanup
    rm -rf "$work"
}
trap cleanup EXIT

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "network cycles through $VIREO_TEST_DAEMON" "these tests drive vireod's network driver"
    exit 0
fi
if ! command -v dnsmasq >/dev/null && [ ! -x /usr/sbin/dnsmasq ]; then
    skip "network cycles" "dnsmasq is not installed"
    exit 0
fi
netns_setup

# someone else's firewall, as Docker or an administrator would have it
# (no counters: they would count the namespace's own traffic)
in_ns nft -f - <<'EOF'
table inet hostfw {
    set allowed {
        type ipv4_addr
        elements = { 10.9.0.1, 10.9.0.2 }
    }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr @allowed tcp dport 22 accept
        iifname "lo" accept
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        ct state established,related accept
    }
}
table ip natfw {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth9" masquerade
    }
}
EOF
foreign() { in_ns nft list table inet hostfw; in_ns nft list table ip natfw; }
foreign >"$work/foreign.before" || { fail "make the foreign nftables tables"; exit 1; }

# the host already routes 192.168.122.0/24: 'default' takes the next one
in_ns ip link add vused0 type veth peer name vused1
in_ns ip addr add 192.168.122.5/24 dev vused0
in_ns ip link set vused1 up
in_ns ip link set vused0 up

qemu_daemon_start
URI=$QEMU_URI
vsh() { timeout 60 virsh -c "$URI" "$@"; }
nt() { timeout 60 /usr/bin/python3 "$NETTOOL" "$URI" "$@" 2>&1; }
count_bridges() { in_ns ip -j link show type bridge | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
count_taps() { in_ns ip -j link show type tun | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
count_vireo_tables() { in_ns nft list tables | grep -c ' vireo_'; }
count_dnsmasq() {
    local p n=0
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do
        [ "$(cat /proc/$p/comm 2>/dev/null)" = dnsmasq ] && n=$((n + 1))
    done
    echo "$n"
}
counts() { echo "bridges=$(count_bridges) taps=$(count_taps) tables=$(count_vireo_tables) dnsmasq=$(count_dnsmasq)"; }

cat >"$work/cyc.xml" <<'EOF'
<network>
  <name>cyc</name>
  <forward mode='nat'/>
  <ip address='10.91.0.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.91.0.10' end='10.91.0.99'/>
      <host mac='52:54:00:91:00:01' name='h1' ip='10.91.0.5'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd91::1' prefix='64'/>
</network>
EOF
vsh net-list --all >/dev/null
check "'default' avoids the routed 192.168.122.0/24: 192.168.123.1/24" \
    bash -c "virsh -c '$URI' net-dumpxml default | grep -q \"<ip address='192.168.123.1' netmask='255.255.255.0'>\""
base=$(counts)
check_eq "nothing of vireo's in the namespace at first" "bridges=0 taps=0 tables=0 dnsmasq=0" "$base"
check "define the cycled network" quietly vsh net-define "$work/cyc.xml"
fds_before=$(daemon_fd_count)

/usr/bin/python3 - "$URI" >"$work/cycles.out" 2>&1 <<'EOF'
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
net = conn.networkLookupByName("cyc")
done = 0
try:
    for i in range(50):
        net.create()
        if not net.isActive():
            raise RuntimeError("not active after start %d" % i)
        net.destroy()
        done += 1
except libvirt.libvirtError as e:
    print("ERR", e.get_error_code(), e.get_error_message())
print("cycles", done)
EOF
check_eq "50 start/stop cycles succeed" "cycles 50" "$(tail -n 1 "$work/cycles.out")"
grep '^ERR' "$work/cycles.out" | sed 's/^/# /'
check_eq "after 50 cycles: no bridge, tap, nft table or dnsmasq left" "$base" "$(counts)"
fds_after=$(daemon_fd_count)
check "vireod's open files did not grow ($fds_before -> $fds_after)" \
    test "$fds_after" -le $((fds_before + 2))

# a refused start in between leaves nothing either
sed -e 's/cyc/cyc2/g' -e 's/52:54:00:91:00:01/52:54:00:91:00:02/' "$work/cyc.xml" >"$work/cyc2.xml"
vsh net-define "$work/cyc2.xml" >/dev/null
vsh net-start cyc >/dev/null
out=$(nt start cyc2)
check "an overlapping start is refused: $out" grep -q '^ERR 1 ' <<<"$out"
check_eq "one network's worth is running" "bridges=1 taps=0 tables=1 dnsmasq=1" "$(counts)"

# two overlapping networks started at once: exactly one wins
vsh net-destroy cyc >/dev/null
/usr/bin/python3 - "$URI" >"$work/race.out" 2>&1 <<'EOF'
import sys, threading, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
res = {}
def start(name):
    conn = libvirt.open(sys.argv[1])
    try:
        conn.networkLookupByName(name).create()
        res[name] = "ok"
    except libvirt.libvirtError as e:
        res[name] = "ERR %d" % e.get_error_code()
ts = [threading.Thread(target=start, args=(n,)) for n in ("cyc", "cyc2")]
for t in ts: t.start()
for t in ts: t.join()
print(" ".join(sorted(res.values())))
EOF
check_eq "two overlapping starts at once: one succeeds, one is refused (INTERNAL_ERROR)" \
    "ERR 1 ok" "$(cat "$work/race.out")"
check_eq "one network's worth is running after the race" "bridges=1 taps=0 tables=1 dnsmasq=1" "$(counts)"
for n in cyc cyc2; do vsh net-destroy "$n" >/dev/null 2>&1; done
vsh net-start cyc >/dev/null

# a vireod restart with a running network, then its stop
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
check_eq "vireod exits 0 on SIGTERM with a network running" 0 "$?"
qemu_daemon_restart_same_root
check "the network is still active after the restart" \
    bash -c "virsh -c '$URI' net-info cyc | grep -q '^Active: *yes'"
check "net-destroy" quietly vsh net-destroy cyc
check_eq "nothing left after all of it" "$base" "$(counts)"

foreign >"$work/foreign.after"
if cmp -s "$work/foreign.before" "$work/foreign.after"; then
    ok "the foreign nftables tables are byte-for-byte the same"
else
    fail "the foreign nftables tables are byte-for-byte the same"
    diff "$work/foreign.before" "$work/foreign.after" | sed 's/^/# /'
fi
check_eq "no vireo table among the namespace's tables" "table inet hostfw table ip natfw" \
    "$(in_ns nft list tables | tr '\n' ' ' | sed 's/ $//')"

if grep -q 'Sanitizer\|runtime error' "$DAEMON_LOG"; then
    fail "no sanitizer report in vireod's log"
    grep -A20 'Sanitizer\|runtime error' "$DAEMON_LOG" | head -60 | sed 's/^/# /'
else
    ok "no sanitizer report in vireod's log"
fi
done_testing
