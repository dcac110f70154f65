#!/bin/bash
# test-network-cli.sh: vireo's net-*, nwfilter-*, iface-* and guest
# interface commands against vireod, side by side with Debian's virsh on
# the same daemon (vireod in the test's own network namespace).
#
# vireo makes the networks (a NAT one with DHCP hosts and DNS, an
# isolated one left inactive, a transient one), a filter, a guest
# definition with four kinds of interface; then every listing, info and
# XML command runs through both tools and must print the same bytes and
# exit the same way, refusals included (unknown network, filter,
# interface, bad net-update words).  Changes vireo makes are checked
# through virsh or the namespace's kernel.  With QEMU, a running guest
# on the NAT network gets a lease: net-dhcp-leases, domifaddr,
# domif-setlink/getlink and attach/detach-interface run live.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "network commands through $VIREO_TEST_DAEMON" "this test drives vireod's network driver"
    exit 0
fi
for tool in virsh dnsmasq xmllint; do
    if ! command -v $tool >/dev/null && [ ! -x /usr/sbin/$tool ]; then
        skip "network commands side by side with virsh" "$tool is not installed"
        exit 0
    fi
done
if [ ! -x "$VIREO" ]; then
    fail "vireo is built at $VIREO"
    exit 1
fi

HAVE_GUEST=""
if command -v qemu-system-x86_64 >/dev/null; then
    : "${GUEST_BOOT_TIMEOUT:=90}"
    guest_setup && HAVE_GUEST=1
fi
tmp=$(mktemp -d /tmp/vireo-network-cli.XXXXXX)
NPID=""
trap '[ -n "$NPID" ] && kill $NPID 2>/dev/null; guest_cleanup; daemon_cleanup; netns_cleanup; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

netns_setup
qemu_daemon_start
URI=$QEMU_URI
vir() { timeout 60 "$VIREO" -c "$URI" "$@"; }

# same NAME ARGS...: virsh and vireo print the same stdout and stderr, and
# vireo succeeds (same_err: it fails), so two equal failures never pass
# for a match.  One listed difference: a failed domain lookup, where vireo
# adds the library's reason ("error: Domain not found: ...") on a second
# line and virsh 9.0 does not (as in test-virsh-diff.sh).
same() { _same 0 "$@"; }
same_err() { _same 1 "$@"; }
_same() {
    local want_fail=$1 name=$2
    shift 2
    vsh "$@" >v.out 2>v.err; echo "rc=$?" >>v.out
    vir "$@" >m.out 2>m.err; echo "rc=$?" >>m.out
    sed -i '/^error: Domain not found: /d' m.err
    if grep -qx 'rc=0' m.out; then
        [ "$want_fail" = 0 ] || { fail "same as virsh (and refused): $name"; cat m.out m.err | sed 's/^/#   /'; return; }
    elif [ "$want_fail" = 0 ]; then
        fail "same as virsh (and succeeds): $name"; cat m.out m.err | sed 's/^/#   /'; return
    fi
    if cmp -s v.out m.out && cmp -s v.err m.err; then
        ok "same as virsh: $name"
        return 0
    fi
    fail "same as virsh: $name"
    note "stdout diff (virsh, vireo):"
    diff v.out m.out | sed 's/^/#   /'
    note "stderr diff (virsh, vireo):"
    diff v.err m.err | sed 's/^/#   /'
}
in_xml() { vsh "$@" 2>/dev/null; }

# --- help: virsh's words for every command here -----------------------
for c in net-list net-info net-uuid net-name net-dumpxml net-define net-create net-start \
    net-destroy net-undefine net-autostart net-update net-dhcp-leases net-event nwfilter-list \
    nwfilter-define nwfilter-undefine nwfilter-dumpxml iface-list iface-dumpxml iface-mac \
    iface-name domifaddr domif-setlink domif-getlink domiflist attach-interface detach-interface; do
    check "vireo help $c is virsh's" cmp -s <(virsh help $c 2>&1) <("$VIREO" help $c 2>&1)
done

# --- networks, made by vireo ------------------------------------------
cat >n1.xml <<'EOF'
<network>
  <name>n1</name>
  <forward mode='nat'/>
  <bridge name='vbr-n1' stp='on' delay='0'/>
  <domain name='n1.test'/>
  <dns>
    <host ip='192.168.140.7'><hostname>seven</hostname></host>
  </dns>
  <ip address='192.168.140.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.140.100' end='192.168.140.200'/>
      <host mac='52:54:00:14:00:05' name='five' ip='192.168.140.5'/>
    </dhcp>
  </ip>
</network>
EOF
cat >n2.xml <<'EOF'
<network>
  <name>n2</name>
  <bridge name='vbr-n2'/>
  <ip address='192.168.141.1' prefix='24'/>
</network>
EOF
cat >n3.xml <<'EOF'
<network>
  <name>Alpha3</name>
  <bridge name='vbr-n3'/>
  <ip family='ipv6' address='fd00:143::1' prefix='64'/>
</network>
EOF
check_eq "vireo net-define n1" "Network n1 defined from n1.xml" "$(vir net-define n1.xml 2>&1 | sed '/^$/d')"
check_eq "vireo net-start n1" "Network n1 started" "$(vir net-start n1 2>&1 | sed '/^$/d')"
check "n1's bridge exists in the namespace" in_ns ip link show dev vbr-n1
check_eq "vireo net-autostart n1" "Network n1 marked as autostarted" \
    "$(vir net-autostart n1 2>&1 | sed '/^$/d')"
check "vireo net-define n2 (left inactive)" quietly vir net-define n2.xml
check "vireo net-create Alpha3 (transient)" quietly vir net-create n3.xml
vir net-dumpxml --inactive n2 >n2-again.xml
check "vireo -q net-define (of n2 again) prints nothing" test -z "$(vir -q net-define n2-again.xml 2>&1)"
check_eq "virsh sees what vireo made" "Alpha3 default n1 n2" "$(vsh net-list --all --name | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//')"
UUID1=$(vir net-uuid n1 | head -n1)

same "net-list" net-list
same "net-list --all" net-list --all
same "net-list --inactive" net-list --inactive
same "net-list --persistent --all" net-list --persistent --all
same "net-list --transient" net-list --transient
same "net-list --autostart --all" net-list --autostart --all
same "net-list --no-autostart --all" net-list --no-autostart --all
same "net-list --all --name" net-list --all --name
same "net-list --all --uuid" net-list --all --uuid
same "net-list --all --table" net-list --all --table
same "-q net-list --all" -q net-list --all
same_err "net-list --name --uuid" net-list --name --uuid
same "net-info n1" net-info n1
same "net-info n2 (inactive)" net-info n2
same "net-info Alpha3 (transient)" net-info Alpha3
same "net-info by UUID" net-info "$UUID1"
same "net-uuid n1" net-uuid n1
same "net-name UUID" net-name "$UUID1"
same "net-dumpxml n1" net-dumpxml n1
same "net-dumpxml --inactive n1" net-dumpxml n1 --inactive
same "net-dumpxml Alpha3" net-dumpxml Alpha3
same "net-dumpxml --xpath (elements)" net-dumpxml n1 --xpath //dhcp/host
same "net-dumpxml --xpath (attributes)" net-dumpxml n1 --xpath //range/@start
same "net-dumpxml --xpath --wrap" net-dumpxml n1 --xpath '/network/name|/network/uuid' --wrap
same "net-dumpxml --xpath matching nothing" net-dumpxml n1 --xpath /nosuch
same_err "net-dumpxml --xpath of a string" net-dumpxml n1 --xpath 'string(/network/name)'
check "vireo's network XML validates against network.rng" quietly \
    xmllint --noout --relaxng /usr/share/libvirt/schemas/network.rng <(vir net-dumpxml n1)
same "net-dhcp-leases n1 (none yet)" net-dhcp-leases n1
same "net-dhcp-leases n1 --mac" net-dhcp-leases n1 --mac 52:54:00:14:00:99
same "net-event --list" net-event --list
same_err "net-event with no event" net-event
same_err "net-event of an unknown type" net-event --event foo
same_err "net-event that times out with none" net-event --event lifecycle --timeout 1
for c in net-info net-uuid net-dumpxml net-start net-destroy net-undefine net-autostart net-dhcp-leases; do
    same_err "$c of an unknown network" $c nosuch
done
same_err "net-name of a name" net-name n1
same_err "net-name of an unknown UUID" net-name 11111111-2222-3333-4444-555555555555
same_err "net-define of a missing file" net-define nosuch.xml
same_err "net-start of a running network" net-start n1
same_err "net-destroy of an inactive network" net-destroy n2
printf '<network><name>bad' >bad.xml
same_err "net-define of broken XML" net-define bad.xml
sed 's/<name>n1</<name>n1b</; s/vbr-n1/vbr-n1b/' n1.xml >n1b.xml
same_err "net-create of an overlapping subnet" net-create n1b.xml
check "the refused network left no bridge" bash -c "! ip netns exec $NETNS ip link show dev vbr-n1b >/dev/null 2>&1"

# --- net-update, by vireo, checked by virsh -----------------------------
HOST6="<host mac='52:54:00:14:00:06' name='six' ip='192.168.140.6'/>"
check_eq "vireo net-update add-last ip-dhcp-host --live --config" \
    "Updated network n1 persistent config and live state" \
    "$(vir net-update n1 add-last ip-dhcp-host "$HOST6" --live --config 2>&1 | sed '/^$/d')"
check "the live XML has the new host" bash -c "timeout 30 virsh -c '$URI' net-dumpxml n1 | grep -q \"name='six'\""
check "the persistent XML has it too" bash -c "timeout 30 virsh -c '$URI' net-dumpxml n1 --inactive | grep -q \"name='six'\""
echo "<host mac='52:54:00:14:00:08' name='eight' ip='192.168.140.8'/>" >host8.xml
check_eq "vireo net-update add (a file) with --current" "Updated network n1 live state" \
    "$(vir net-update n1 add ip-dhcp-host host8.xml --current 2>&1 | sed '/^$/d')"
check_eq "vireo net-update delete, --parent-index 0 (positional)" "Updated network n1 live state" \
    "$(vir net-update n1 delete ip-dhcp-host host8.xml 0 2>&1 | sed '/^$/d')"
check_eq "vireo net-update of an inactive network, no flag" "Updated network n2 persistent config" \
    "$(vir net-update n2 add dns-host "<host ip='192.168.141.9'><hostname>nine</hostname></host>" 2>&1 | sed '/^$/d')"
same "net-dumpxml n1 after the updates" net-dumpxml n1
same_err "net-update with an unknown command" net-update n1 foo ip-dhcp-host "$HOST6"
same_err "net-update with command none" net-update n1 none ip-dhcp-host "$HOST6"
same_err "net-update with an unknown section" net-update n1 add bar "$HOST6"
same_err "net-update --current --live" net-update n1 add ip-dhcp-host "$HOST6" --current --live
same_err "net-update --parent-index abc" net-update n1 add ip-dhcp-host "$HOST6" --parent-index abc
same_err "net-update --parent-index 7 (no such ip)" net-update n1 add ip-dhcp-host "<host mac='52:54:00:14:00:0a' ip='192.168.140.10'/>" --parent-index 7
same_err "net-update of a missing file" net-update n1 add ip-dhcp-host nosuch.xml
same_err "net-update adding a host twice" net-update n1 add ip-dhcp-host "$HOST6"
same_err "net-update of an unknown network" net-update nosuch add ip-dhcp-host "$HOST6"

# --- net-event: both tools see the same lifecycle ---------------------
# Both listen for n2's events only; n4 comes and goes meanwhile.
sed 's/n2/n4/g; s/141/142/' n2.xml >n4.xml
timeout 30 "$VIREO" -c "$URI" net-event --network n2 --event lifecycle --loop --timeout 8 >ev.m 2>&1 &
NPID=$!
timeout 30 virsh -c "$URI" net-event --network n2 --event lifecycle --loop --timeout 8 >ev.v 2>&1 &
NPID="$NPID $!"
timeout 30 "$VIREO" -c "$URI" net-event --event lifecycle --timeout 8 >ev1.m 2>&1 &
NPID="$NPID $!"
sleep 3
check "vireo net-define n4" quietly vir net-define n4.xml
check "vireo net-start n2" quietly vir net-start n2
check "vireo net-destroy n2" quietly vir net-destroy n2
check "vireo net-undefine n4" quietly vir net-undefine n4
wait $NPID
NPID=""
check_eq "vireo net-event --network n2 printed its Started, Stopped" "event 'lifecycle' for network n2: Started
event 'lifecycle' for network n2: Stopped
event loop timed out
events received: 2" "$(sed '/^$/d' ev.m)"
check "net-event: the same as virsh's" cmp -s ev.v ev.m
check_eq "vireo net-event without --loop stops at the first (n4 Defined)" \
    "event 'lifecycle' for network n4: Defined
events received: 1" "$(sed '/^$/d' ev1.m)"

# --- nwfilter ---------------------------------------------------------
cat >f1.xml <<'EOF'
<filter name='vireo-test-f1' chain='ipv4' priority='-700'>
  <uuid>6d1ab1f2-3c0e-4c39-9a4d-5a0b8a3e0001</uuid>
  <filterref filter='no-ip-spoofing'/>
  <rule action='accept' direction='in' priority='500'>
    <tcp dstportstart='22'/>
  </rule>
</filter>
EOF
check_eq "vireo nwfilter-define" "Network filter vireo-test-f1 defined from f1.xml" \
    "$(vir nwfilter-define f1.xml 2>&1 | sed '/^$/d')"
same "nwfilter-list" nwfilter-list
same "-q nwfilter-list" -q nwfilter-list
same "nwfilter-dumpxml vireo-test-f1" nwfilter-dumpxml vireo-test-f1
same "nwfilter-dumpxml by UUID" nwfilter-dumpxml 6d1ab1f2-3c0e-4c39-9a4d-5a0b8a3e0001
same "nwfilter-dumpxml clean-traffic" nwfilter-dumpxml clean-traffic
same "nwfilter-dumpxml --xpath --wrap" nwfilter-dumpxml clean-traffic --xpath //filterref --wrap
check "vireo's filter XML validates against nwfilter.rng" quietly \
    xmllint --noout --relaxng /usr/share/libvirt/schemas/nwfilter.rng <(vir nwfilter-dumpxml vireo-test-f1)
same_err "nwfilter-dumpxml of an unknown filter" nwfilter-dumpxml nosuch
same_err "nwfilter-undefine of an unknown filter" nwfilter-undefine nosuch
same_err "nwfilter-undefine of a filter in use (clean-traffic uses no-ip-spoofing)" nwfilter-undefine no-ip-spoofing
same_err "nwfilter-define of a missing file" nwfilter-define nosuch.xml
check_eq "vireo nwfilter-undefine" "Network filter vireo-test-f1 undefined" \
    "$(vir nwfilter-undefine vireo-test-f1 2>&1 | sed '/^$/d')"
check "the filter is gone" bash -c "! timeout 30 virsh -c '$URI' nwfilter-dumpxml vireo-test-f1 >/dev/null 2>&1"

# --- host interfaces (the namespace's) --------------------------------
check "a veth pair in the namespace (vtest0 up, vtest1 down)" in_ns ip link add vtest0 \
    address 52:54:00:77:00:01 type veth peer name vtest1 address 52:54:00:77:00:02
in_ns ip link set vtest0 up
same "iface-list" iface-list
same "iface-list --all" iface-list --all
same "iface-list --inactive" iface-list --inactive
same "iface-dumpxml vtest0" iface-dumpxml vtest0
same "iface-dumpxml by MAC" iface-dumpxml 52:54:00:77:00:02
same "iface-dumpxml --inactive" iface-dumpxml vtest0 --inactive
same "iface-dumpxml --xpath" iface-dumpxml vtest0 --xpath //mac
same "iface-mac vtest0" iface-mac vtest0
same "iface-name by MAC" iface-name 52:54:00:77:00:01
same_err "iface-mac of an unknown interface" iface-mac nosuch
same_err "iface-name of a name" iface-name vtest0
same_err "iface-name of an unknown MAC" iface-name 52:54:00:77:00:99
same_err "iface-dumpxml of an unknown interface" iface-dumpxml nosuch

# --- a defined guest's interfaces (XML only) ---------------------------
cat >g1.xml <<'EOF'
<domain type='kvm'>
  <name>cli-g1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <interface type='network'>
      <mac address='52:54:00:aa:00:01'/>
      <source network='n1'/>
      <model type='virtio'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:aa:00:02'/>
      <source bridge='vbr-n2'/>
      <model type='e1000'/>
      <link state='down'/>
    </interface>
    <interface type='direct'>
      <mac address='52:54:00:aa:00:03'/>
      <source dev='vtest0' mode='vepa'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:aa:00:04'/>
    </interface>
  </devices>
</domain>
EOF
check "virsh define cli-g1" quietly vsh define g1.xml
same "domiflist" domiflist cli-g1
same "domiflist --inactive" domiflist cli-g1 --inactive
same "domif-getlink (up)" domif-getlink cli-g1 52:54:00:aa:00:01
same "domif-getlink (down), MAC in capitals" domif-getlink cli-g1 52:54:00:AA:00:02 --config
same_err "domif-getlink of an unknown device" domif-getlink cli-g1 vnet9
same_err "domif-getlink of an unknown MAC" domif-getlink cli-g1 52:54:00:aa:00:09
same "domif-setlink --print-xml (adds <link>)" domif-setlink cli-g1 52:54:00:aa:00:01 down --print-xml
same "domif-setlink --print-xml --config (changes <link>)" domif-setlink cli-g1 52:54:00:aa:00:02 up --print-xml --config
same_err "domif-setlink of a bad state" domif-setlink cli-g1 52:54:00:aa:00:01 sideways
same_err "domif-setlink of an unknown MAC" domif-setlink cli-g1 52:54:00:aa:00:09 up
same "detach-interface --print-xml" detach-interface cli-g1 direct --print-xml
same "detach-interface --mac --print-xml" detach-interface cli-g1 bridge --mac 52:54:00:AA:00:02 --print-xml
same_err "detach-interface of an unknown MAC" detach-interface cli-g1 network --mac 52:54:00:aa:00:07
same_err "detach-interface of a type with none" detach-interface cli-g1 vhostuser
same_err "detach-interface --current --live" detach-interface cli-g1 network --current --live
same "attach-interface --print-xml (network)" attach-interface cli-g1 network n1 --print-xml
same "attach-interface --print-xml (bridge, every option)" attach-interface cli-g1 bridge br0 \
    --target vnet7 --mac 52:54:00:AA:bb:01 --model virtio --alias ua-x --script /bin/true \
    --inbound 100,200,300,400 --outbound 10 --managed --print-xml
same "attach-interface --print-xml (direct)" attach-interface cli-g1 direct vtest0 --print-xml
same "attach-interface --print-xml (vhostuser)" attach-interface cli-g1 vhostuser /tmp/s --source-mode client --print-xml
same_err "attach-interface of type user" attach-interface cli-g1 user x
same_err "attach-interface with a bad source mode" attach-interface cli-g1 direct vtest0 --source-mode vepa
same_err "attach-interface with a bad rate" attach-interface cli-g1 network n1 --inbound 1,x
same_err "attach-interface with too many rate fields" attach-interface cli-g1 network n1 --inbound 1,2,3,4,5
same_err "attach-interface with an outbound floor" attach-interface cli-g1 network n1 --outbound 1,2,3,4
same_err "attach-interface --persistent --current" attach-interface cli-g1 network n1 --persistent --current
same_err "domifaddr of a guest that is not running" domifaddr cli-g1
same_err "domifaddr with an unknown source" domifaddr cli-g1 --source bad
same_err "domiflist of an unknown domain" domiflist nosuch
# changes by vireo, checked by virsh
check_eq "vireo domif-setlink (inactive guest: config)" "Device updated successfully" \
    "$(vir domif-setlink cli-g1 52:54:00:aa:00:01 down 2>&1 | sed '/^$/d')"
check_eq "virsh sees the link down" "52:54:00:aa:00:01 down" "$(vsh domif-getlink cli-g1 52:54:00:aa:00:01 | sed '/^$/d')"
check_eq "vireo attach-interface --config" "Interface attached successfully" \
    "$(vir attach-interface cli-g1 network n1 --mac 52:54:00:aa:00:05 --model virtio --config 2>&1 | sed '/^$/d')"
check "virsh sees the new interface" bash -c "timeout 30 virsh -c '$URI' domiflist cli-g1 | grep -q '52:54:00:aa:00:05'"
same "domiflist after attach" domiflist cli-g1
same_err "detach-interface with two of the type and no --mac" detach-interface cli-g1 network --config
check_eq "vireo detach-interface --mac --config" "Interface detached successfully" \
    "$(vir detach-interface cli-g1 network --mac 52:54:00:aa:00:05 --config 2>&1 | sed '/^$/d')"
check "virsh no longer sees it" bash -c "! timeout 30 virsh -c '$URI' domiflist cli-g1 | grep -q '52:54:00:aa:00:05'"
check "virsh undefine cli-g1" quietly vsh undefine cli-g1

# --- a running guest on n1 ---------------------------------------------
if [ -z "$HAVE_GUEST" ]; then
    skip "running guest: leases, domifaddr, live link state and hot-plug" "no QEMU guest on this host"
else
    g=cli-live
    # root ports to spare: a q35 guest hot-plugs PCI devices into one (its
    # own devices take the first ones)
    spare="<controller type='pci' model='pcie-root-port'/>"
    IF="<interface type='network'><mac address='52:54:00:14:00:05'/><source network='n1'/><model type='virtio'/></interface>$spare$spare$spare"
    if net_guest_start "$g" "$IF"; then
        ok "$g on n1 starts and its shell is ready"
        addr=$(wait_lease "$g")
        check_eq "$g got its static lease (192.168.140.5)" "192.168.140.5" "$addr"
        [ "$addr" = 192.168.140.5 ] || guest_show_logs "$g"
        tap=$(guest_tap "$g")
        same "net-dhcp-leases n1" net-dhcp-leases n1
        same "net-dhcp-leases n1 --mac" net-dhcp-leases n1 --mac 52:54:00:14:00:05
        same "-q net-dhcp-leases n1" -q net-dhcp-leases n1
        check "vireo domifaddr reports 192.168.140.5/24 on $tap" bash -c \
            "timeout 30 '$VIREO' -c '$URI' domifaddr '$g' | grep -qE '^ $tap +52:54:00:14:00:05 +ipv4 +192\\.168\\.140\\.5/24\$'"
        check "vireo net-dhcp-leases lists it" bash -c \
            "timeout 30 '$VIREO' -c '$URI' net-dhcp-leases n1 | grep -qE ' 52:54:00:14:00:05 +ipv4 +192\\.168\\.140\\.5/24 '"
        same "domifaddr" domifaddr "$g"
        same "domifaddr --full" domifaddr "$g" --full
        same "domifaddr --interface" domifaddr "$g" --interface "$tap"
        same "domifaddr --source lease" domifaddr "$g" --source lease
        same "-q domifaddr" -q domifaddr "$g"
        same "domiflist of a running guest" domiflist "$g"
        same "domif-getlink by tap name" domif-getlink "$g" "$tap"
        check_eq "vireo domif-setlink down (live)" "Device updated successfully" \
            "$(vir domif-setlink "$g" "$tap" down 2>&1 | sed '/^$/d')"
        check_eq "virsh domif-getlink says down" "$tap down" "$(vsh domif-getlink "$g" "$tap" | sed '/^$/d')"
        check "the live XML has <link state='down'/>" bash -c \
            "timeout 30 virsh -c '$URI' dumpxml '$g' | grep -q \"<link state='down'/>\""
        check_eq "vireo domif-setlink up (live)" "Device updated successfully" \
            "$(vir domif-setlink "$g" "$tap" up 2>&1 | sed '/^$/d')"
        same "domif-getlink after up" domif-getlink "$g" "$tap"
        check_eq "vireo attach-interface (live)" "Interface attached successfully" \
            "$(vir attach-interface "$g" network n1 --mac 52:54:00:14:00:66 --model virtio 2>&1 | sed '/^$/d')"
        check "virsh sees the hot-plugged interface" bash -c "timeout 30 virsh -c '$URI' domiflist '$g' | grep -q '52:54:00:14:00:66'"
        same "domiflist after hot-plug" domiflist "$g"
        check_eq "vireo detach-interface (live)" "Interface detached successfully" \
            "$(vir detach-interface "$g" network --mac 52:54:00:14:00:66 2>&1 | sed '/^$/d')"
        check "the hot-plugged interface is gone" bash -c "! timeout 30 virsh -c '$URI' domiflist '$g' | grep -q '52:54:00:14:00:66'"
        check "virsh destroy $g" quietly vsh destroy "$g"
    else
        fail "$g on n1 starts and its shell is ready"
    fi
fi

# --- taking it down, by vireo -----------------------------------------
check_eq "vireo net-autostart --disable n1" "Network n1 unmarked as autostarted" \
    "$(vir net-autostart n1 --disable 2>&1 | sed '/^$/d')"
check_eq "vireo net-destroy n1" "Network n1 destroyed" "$(vir net-destroy n1 2>&1 | sed '/^$/d')"
check "n1's bridge is gone" bash -c "! ip netns exec $NETNS ip link show dev vbr-n1 >/dev/null 2>&1"
check_eq "vireo net-destroy Alpha3 (transient: gone)" "Network Alpha3 destroyed" \
    "$(vir net-destroy Alpha3 2>&1 | sed '/^$/d')"
check_eq "vireo net-undefine n1" "Network n1 has been undefined" "$(vir net-undefine n1 2>&1 | sed '/^$/d')"
check "vireo net-undefine n2" quietly vir net-undefine n2
same "net-list --all at the end" net-list --all

if ! daemon_stop; then fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log; fi
done_testing
