#!/bin/bash
# test-virt-install.sh: Debian's virt-install against vireod with
# `--disk pool=P,size=N`: virt-install asks the pool for a new volume
# (through libvirt's storage API), defines the guest on it and starts it;
# the tiny test guest reaches userspace.  Then `virsh vol-list` shows the
# volume and `virsh undefine --remove-all-storage` deletes it again.
# vireo-test: once  (virt-install drives the calls; the sanitizer run of the storage tests covers vireod)
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

if [ ! -x /usr/bin/virt-install ]; then
    skip "virt-install --disk pool=" "virt-install (virtinst) is not installed"
    exit 0
fi
guest_setup
qemu_daemon_start

pool=vipool
pooldir=$GUEST_WORK/vipool
mkdir -p "$pooldir"
check "define and start a dir pool" \
    bash -c "virsh -c '$QEMU_URI' pool-define-as $pool dir --target '$pooldir' >/dev/null &&
             virsh -c '$QEMU_URI' pool-start $pool >/dev/null"

g=vireo-vinst
log=$(guest_log "$g")
out=$(timeout 120 virt-install --connect "$QEMU_URI" --name "$g" --virt-type qemu \
    --machine q35 --memory 128 --vcpus 1 --osinfo detect=off,require=off \
    --disk "pool=$pool,size=0.0625,format=qcow2,bus=virtio" \
    --boot "kernel=$GUEST_DIR/vmlinuz,initrd=$GUEST_DIR/initramfs.cpio.gz,kernel_args=console=ttyS0 quiet" \
    --network none --graphics none --serial "pty,log.file=$log" --console pty \
    --import --noautoconsole 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
    ok "virt-install --disk pool=$pool,size=... defines and starts $g"
else
    fail "virt-install --disk pool=$pool,size=... defines and starts $g (exit $rc)"
    printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
fi
vol=$(vsh vol-list "$pool" 2>/dev/null | awk 'NR > 2 && $1 != "" {print $1}' | head -n 1)
check "the pool holds the new volume" [ -n "$vol" ]
check_eq "it is qcow2 of 64 MiB" "qcow2 67108864" \
    "$(qemu-img info -U --output=json "$pooldir/$vol" 2>/dev/null |
       /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["format"], j["virtual-size"])')"
if wait_marker "$g" "VIREO-GUEST: ready"; then
    ok "$g boots"
else
    fail "$g boots"
    guest_show_logs "$g"
fi
check "the guest's disk is the volume" \
    bash -c "virsh -c '$QEMU_URI' domblklist $g | grep -q '$pooldir/$vol'"
check "destroy $g" vsh_q destroy "$g"
check "undefine --remove-all-storage deletes the volume" vsh_q undefine "$g" --remove-all-storage
check "the volume is gone from the pool" bash -c "[ ! -e '$pooldir/$vol' ]"
check_eq "vol-list is empty again" "" \
    "$(vsh vol-list "$pool" 2>/dev/null | awk 'NR > 2 && $1 != "" {print $1}')"
vsh_q pool-destroy "$pool"
vsh_q pool-undefine "$pool"

done_testing
