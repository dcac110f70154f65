#!/bin/bash
# test-disk: a disk pool (partitions made with parted) through vireod,
# driven by Debian's virsh and python3-libvirt, on a loop device the test
# makes (losetup -P, so the kernel makes the partitions' nodes) and
# removes: pool-build writes the label, vol-create-as makes a partition
# named as the kernel names it, vol-list / vol-info show it, vol-delete
# removes it, pool-delete wipes the label; libvirt's errors for a label
# already there, a misnamed partition and one larger than the free space.
. "$VIREO_TOP/tests/lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

WORK=$(mktemp -d /tmp/vireo-disk-test.XXXXXX)
LOOP=""

cleanup() {
    daemon_cleanup
    [ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "disk pools" "this test drives vireod's QEMU root (qemu:///system on its socket)"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v losetup >/dev/null; then
    skip "disk pools" "a loop device needs root and losetup"
    exit 0
fi
if ! command -v parted >/dev/null; then
    skip "disk pools" "parted is not installed (Debian: parted)"
    exit 0
fi
truncate -s 64M "$WORK/disk.img"
if ! LOOP=$(losetup -f --show -P "$WORK/disk.img" 2>&1); then
    skip "disk pools" "no loop device: $LOOP"
    LOOP=""
    exit 0
fi
ok "a 64 MiB loop device $LOOP with partition scanning"
base=${LOOP##*/}

require_daemon
. "$VIREO_TOP/tests/storage/lib-storage.sh"
label() { parted -m -s "$LOOP" print 2>/dev/null | awk -F: 'NR == 2 {print $6}'; }
partitions() { parted -m -s "$LOOP" print 2>/dev/null | tail -n +3 | wc -l; }

check "define a disk pool on it (gpt)" vsh_q pool-define-as dp disk \
    --source-dev "$LOOP" --source-format gpt --target /dev
check "it cannot start before it is built" contains "$(vsh_err pool-start dp)" "partition table"
check "pool-build" vsh_q pool-build dp
check_eq "wrote a gpt label" gpt "$(label)"
check "building again without --overwrite is refused" \
    contains "$(vsh_err pool-build dp)" "already has a 'gpt' partition table"
check "pool-build --overwrite replaces it" vsh_q pool-build dp --overwrite
check "pool-start" vsh_q pool-start dp
check_eq "the pool's capacity is the device's" 67108864 \
    "$(vsh pool-info --bytes dp 2>&1 | awk '/^Capacity:/ {print $2}')"
check "pool-dumpxml validates against storagepool.rng" validates "$(vsh pool-dumpxml dp)" storagepool.rng

check "a volume not named as its partition is refused, as libvirt does" \
    contains "$(vsh_err vol-create-as dp data 8M)" "expected '${base}p1'"
check_eq "and no partition was made" 0 "$(partitions)"
check "vol-create-as ${base}p1 8M makes a partition" vsh_q vol-create-as dp "${base}p1" 8M
check_eq "parted sees it" 1 "$(partitions)"
check "its node /dev/${base}p1 is a block device" test -b "/dev/${base}p1"
check "vol-list shows it" contains "$(vsh vol-list dp 2>&1)" "/dev/${base}p1"
check_eq "vol-info: 8 MiB" 8388608 \
    "$(vsh vol-info --bytes --pool dp "${base}p1" 2>&1 | awk '/^Capacity:/ {print $2}')"
check "vol-dumpxml validates against storagevol.rng" \
    validates "$(vsh vol-dumpxml --pool dp "${base}p1")" storagevol.rng
printf 'VIREO-DISK-MARKER' | dd of="/dev/${base}p1" bs=512 seek=100 conv=fsync 2>/dev/null
check "a marker is written to the partition" grep -q VIREO-DISK-MARKER "/dev/${base}p1"
check "vol-wipe zeroes the partition" vsh_q vol-wipe --pool dp "${base}p1"
check "the marker written to it is gone" \
    bash -c "! grep -q VIREO-DISK-MARKER /dev/${base}p1 && [ \"\$(tr -d '\\0' </dev/${base}p1 | wc -c)\" = 0 ]"
check "a second partition, linux format" vsh_q vol-create-as dp "${base}p2" 4M --format linux
check "a partition larger than the free space is refused" \
    bash -c "! timeout 60 virsh -q -c '$URI' vol-create-as dp ${base}p3 100M >/dev/null 2>&1"
check_eq "and none was made" 2 "$(partitions)"

check "python3-libvirt sees both partitions by key" /usr/bin/python3 - "$URI" "$base" <<'EOF'
import sys, libvirt
c = libvirt.open(sys.argv[1])
p = c.storagePoolLookupByName("dp")
names = sorted(p.listVolumes())
want = [sys.argv[2] + "p1", sys.argv[2] + "p2"]
assert names == want, names
v = c.storageVolLookupByKey("/dev/" + want[1])
assert v.info()[1] == 4 << 20, v.info()
EOF

check "vol-delete ${base}p1" vsh_q vol-delete --pool dp "${base}p1"
check_eq "the partition is gone" 1 "$(partitions)"
check "vol-list no longer shows it" bash -c "! timeout 60 virsh -q -c '$URI' vol-list dp | grep -q '${base}p1 '"
check "vol-delete ${base}p2" vsh_q vol-delete --pool dp "${base}p2"
check "pool-destroy" vsh_q pool-destroy dp
check "pool-delete wipes the label" vsh_q pool-delete dp
check_eq "no label is left" unknown "$(label)"
check "pool-undefine" vsh_q pool-undefine dp

# no source format: libvirt builds a dos (msdos) label
check "a disk pool without a format" vsh_q pool-define-as dosp disk --source-dev "$LOOP" --target /dev
check "builds" vsh_q pool-build dosp
check_eq "an msdos label" msdos "$(label)"
check "starts" vsh_q pool-start dosp
check "takes a partition" vsh_q vol-create-as dosp "${base}p1" 16M
check_eq "of 16 MiB" 16777216 \
    "$(vsh vol-info --bytes --pool dosp "${base}p1" 2>&1 | awk '/^Capacity:/ {print $2}')"
check "vol-delete" vsh_q vol-delete --pool dosp "${base}p1"
check "pool-destroy, pool-undefine (the label stays)" \
    bash -c "virsh -q -c '$URI' pool-destroy dosp && virsh -q -c '$URI' pool-undefine dosp" >/dev/null
check "a pool that wants gpt on this msdos disk" \
    vsh_q pool-define-as gptp disk --source-dev "$LOOP" --source-format gpt --target /dev
check "does not start, and says what it found" \
    contains "$(vsh_err pool-start gptp)" "'msdos' partition table, not 'gpt'"
check "pool-delete wipes it, pool-undefine" \
    bash -c "virsh -q -c '$URI' pool-delete gptp && virsh -q -c '$URI' pool-undefine gptp" >/dev/null
check_eq "no label is left" unknown "$(label)"

done_testing
