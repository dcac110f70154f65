#!/bin/bash
# test-virt-install-net.sh: Debian's virt-install against vireod with
# `--network network=default`, as the issue's users type it.  vireod and
# its QEMUs run in a network namespace of the test's own; the 'default'
# network vireod defined on its first start (not autostarted under
# --root) is started, virt-install defines and starts a guest on it, the
# guest gets its DHCP lease from the network's dnsmasq and domifaddr
# reports it.
# vireo-test: once  (virt-install drives the calls; test-guests.sh covers vireod under the sanitizers)
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

if [ ! -x /usr/bin/virt-install ]; then
    skip "virt-install --network network=default" "virt-install (virtinst) is not installed"
    exit 0
fi
: "${GUEST_BOOT_TIMEOUT:=90}"
guest_setup
netns_setup
trap 'guest_cleanup; netns_cleanup' EXIT
qemu_daemon_start

check_eq "the default network is defined on vireod's first start, inactive under --root" \
    "inactive no" "$(vsh net-info default 2>/dev/null |
        awk '$1 == "Active:" {a = ($2 == "yes") ? "active" : "inactive"} $1 == "Autostart:" {s = $2} END {print a, s}')"
check "net-start default" vsh_q net-start default
bridge=$(vsh net-info default 2>/dev/null | awk '$1 == "Bridge:" {print $2}')
check_eq "its bridge is virbr0, in the test's namespace only" "virbr0 absent" \
    "$bridge $(ip link show virbr0 >/dev/null 2>&1 && echo present-on-host || echo absent)"

g=vireo-vinet
log=$(guest_log "$g")
out=$(timeout 120 virt-install --connect "$QEMU_URI" --name "$g" --virt-type qemu \
    --machine q35 --memory 128 --vcpus 1 --osinfo detect=off,require=off --disk none \
    --boot "kernel=$GUEST_DIR/vmlinuz,initrd=$GUEST_DIR/initramfs.cpio.gz,kernel_args=console=ttyS0 quiet vireo.dhcp=1" \
    --network network=default,model=virtio --graphics none --serial "pty,log.file=$log" \
    --console pty --import --noautoconsole 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    ok "virt-install --network network=default defines and starts $g"
else
    fail "virt-install --network network=default defines and starts $g (exit $rc)"
    printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
fi
if ip=$(wait_lease "$g"); then
    ok "$g gets a DHCP lease from the default network ($ip)"
else
    fail "$g gets a DHCP lease from the default network"
    guest_show_logs "$g"
fi
check "its interface is on the default network, plugged into $bridge" \
    bash -c "virsh -c '$QEMU_URI' domiflist $g | grep -qE 'network +default +virtio'"
check "domifaddr reports $ip" bash -c "virsh -c '$QEMU_URI' domifaddr $g | grep -q ' $ip/'"
check "net-dhcp-leases default lists it" \
    bash -c "virsh -c '$QEMU_URI' net-dhcp-leases default | grep -q ' $ip/'"
check "$g pings the host through the default network" \
    quietly guest_run "$g" "ping -c 2 -w 10 ${ip%.*}.1" 20
check "destroy $g" vsh_q destroy "$g"
check "undefine $g" vsh_q undefine "$g"
check_eq "no tap is left" "" "$(ns_taps)"
check "net-destroy default" vsh_q net-destroy default
done_testing
