#!/bin/bash
# test-wire-network.sh: the network, network filter, host interface and
# guest interface address procedures over the wire, with vireod in a
# network namespace of its own (tests/network/lib-network.sh):
#  - python3-libvirt sends every one of them (test-wire-network.py) and
#    receives network lifecycle events;
#  - vireo's remote driver sends them too, through the public C API
#    (remote-network-client, tests/daemon/remote_network_client.c);
#  - virsh's net-*, nwfilter-* and iface-* commands;
#  - vireo's CLI, through vireo's remote driver, reads what virsh made.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

py=/usr/bin/python3
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "networks over the wire through $VIREO_TEST_DAEMON" "this drives vireod's networks"
    exit 0
fi
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "networks over the wire" "python3-libvirt is not installed"
    exit 0
fi
work=$(mktemp -d /tmp/vireo-wire-network.XXXXXX)
trap 'daemon_cleanup; netns_cleanup; rm -rf "$work"' EXIT
netns_setup
# a host bridge for the interface calls, with a port so that it has a
# carrier (an interface is active when its operstate is up, as libvirt's
# udev backend says)
brmac=52:54:00:7a:02:01
vethmac=52:54:00:7a:02:02
in_ns ip link add wirebr0 type bridge stp_state 0
in_ns ip link set wirebr0 address $brmac up
in_ns ip link add wirev0 type veth peer name wirev1
in_ns ip link set wirev1 master wirebr0 up
in_ns ip link set wirev0 address $vethmac up
wait_for 10 bash -c "ip netns exec $NETNS cat /sys/class/net/wirebr0/operstate | grep -qx up" ||
    note "wirebr0 has no carrier yet"
require_daemon
uri="qemu+unix:///system?socket=$DAEMON_SOCK"

if ! timeout 240 $py "$(dirname "$0")/test-wire-network.py" "$uri" \
        "qemu+unix:///system?socket=$DAEMON_SOCK_RO" "$NETNS" wirebr0 $brmac "$DAEMON_ROOT"; then
    fail "test-wire-network.py ran to the end without a failure"
    daemon_show_log
fi

# vireo's remote driver, through the public C API
client=$VIREO_BUILD/tests/remote-network-client
if [ -x "$client" ]; then
    if ! timeout 120 "$client" "$uri" wirebr0 $brmac; then
        fail "remote-network-client ran to the end without a failure"
        daemon_show_log
    fi
else
    fail "remote-network-client is built at $client"
fi

# virsh on one network: define, start, update, leases, info, stop, undefine
vsh() { timeout 60 virsh -q -c "$uri" "$@"; }
cat >"$work/net.xml" <<XML
<network>
  <name>vshnet</name>
  <bridge name='vvsh0'/>
  <forward mode='nat'/>
  <ip address='10.213.9.1' netmask='255.255.255.0'>
    <dhcp><range start='10.213.9.100' end='10.213.9.200'/></dhcp>
  </ip>
</network>
XML
check "virsh net-define" quietly vsh net-define "$work/net.xml"
check "virsh net-list --all --name names it" \
    grep -qx vshnet <(vsh net-list --all --name)
check "virsh net-start" quietly vsh net-start vshnet
check "the bridge vvsh0 is up in the namespace" \
    grep -q '<[^>]*\bUP\b' <(in_ns ip -o link show dev vvsh0)
check_eq "virsh net-info: active, persistent, its bridge" "yes yes vvsh0" \
    "$(vsh net-info vshnet | awk '$1 == "Active:" {a=$2} $1 == "Persistent:" {p=$2}
                                  $1 == "Bridge:" {b=$2} END {print a, p, b}')"
check "virsh net-update add ip-dhcp-host --live --config" quietly vsh net-update vshnet \
    add ip-dhcp-host "<host mac='52:54:00:7a:03:01' name='vh1' ip='10.213.9.11'/>" --live --config
check "virsh net-dumpxml has the host" grep -q "name='vh1'" <(vsh net-dumpxml vshnet)
check "virsh net-dumpxml --inactive has it too" grep -q "name='vh1'" \
    <(vsh net-dumpxml vshnet --inactive)
if command -v xmllint >/dev/null && [ -f /usr/share/libvirt/schemas/network.rng ]; then
    vsh net-dumpxml vshnet >"$work/dump.xml"
    check "net-dumpxml validates against network.rng" quietly \
        xmllint --noout --relaxng /usr/share/libvirt/schemas/network.rng "$work/dump.xml"
else
    skip "net-dumpxml validates against network.rng" "no xmllint or network.rng"
fi
check "virsh net-dhcp-leases answers (no guest: no lease)" quietly vsh net-dhcp-leases vshnet
check "virsh net-autostart" quietly vsh net-autostart vshnet
check_eq "virsh net-list --autostart names it" "vshnet" \
    "$(vsh net-list --autostart --name | awk 'NF')"
check "virsh net-autostart --disable" quietly vsh net-autostart vshnet --disable
out=$(vsh net-info nosuchnet 2>&1)
check "virsh net-info of an unknown network: 'Network not found' naming it" \
    grep -q "Network not found.*nosuchnet" <<<"$out"
if "$VIREO" help net-list >/dev/null 2>&1; then
    check "vireo net-list (the remote driver) names it" \
        grep -qw vshnet <(timeout 60 "$VIREO" -c "$uri" net-list --all 2>&1)
    check "vireo net-dumpxml (the remote driver) gives the bridge" \
        grep -q "name='vvsh0'" <(timeout 60 "$VIREO" -c "$uri" net-dumpxml vshnet 2>&1)
else
    skip "vireo's CLI through the remote driver" "this vireo has no net-list command"
fi
check "virsh net-destroy" quietly vsh net-destroy vshnet
check "the bridge is gone" bash -c "! ip netns exec $NETNS ip link show dev vvsh0 2>/dev/null"
check "virsh net-undefine" quietly vsh net-undefine vshnet
check "virsh net-list --all no longer names it" \
    bash -c "! virsh -q -c '$uri' net-list --all --name | grep -qx vshnet"

# virsh on filters and host interfaces
check "virsh nwfilter-list shows clean-traffic" grep -qw clean-traffic <(vsh nwfilter-list)
check "virsh nwfilter-dumpxml clean-traffic" grep -q "name='clean-traffic'" \
    <(vsh nwfilter-dumpxml clean-traffic)
check "virsh iface-list --all shows lo and wirebr0" \
    bash -c "virsh -q -c '$uri' iface-list --all | awk '{print \$1}' | sort | tr '\n' ' ' |
             grep -q 'lo.*wirebr0\|wirebr0.*lo'"
check "virsh iface-dumpxml wirebr0 gives its port" grep -q "name='wirev1'" \
    <(vsh iface-dumpxml wirebr0)
check "virsh iface-dumpxml wirev0 gives its MAC" grep -q "$vethmac" <(vsh iface-dumpxml wirev0)
check_eq "virsh iface-name by MAC" "wirebr0" "$(vsh iface-name $brmac)"

if daemon_stop; then
    ok "SIGTERM: exit 0, sockets and pid file removed"
else
    fail "SIGTERM: $DAEMON_STOP_WHY"
    daemon_show_log
fi
done_testing
