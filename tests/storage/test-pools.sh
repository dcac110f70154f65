#!/bin/bash
# test-pools: storage pools through vireod, driven by Debian's virsh and
# python3-libvirt: the dir pool's lifecycle and libvirt's errors; an fs
# pool on a loop file the test makes, re-adopted by a vireod restarted
# after kill -9; a netfs pool whose server never answers, which must fail
# with a timeout while `virsh list` and `virsh pool-list` keep answering
# (libvirt's complaint #2); logical pools where device-mapper exists.
# Every XML vireod prints is checked against libvirt's schemas.
. "$VIREO_TOP/tests/lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

TIMEOUT_MS=2000
export VIREO_STORAGE_TIMEOUT_MS=$TIMEOUT_MS
WORK=$(mktemp -d /tmp/vireo-pools-test.XXXXXX)
MOUNTS=()

FUSE_PID=""
cleanup() {
    local m
    # a dead FUSE server first: its mount hangs whoever touches it
    if [ -n "$FUSE_PID" ]; then
        kill "$FUSE_PID" 2>/dev/null; wait "$FUSE_PID" 2>/dev/null
        umount -l "$WORK/dead" 2>/dev/null
    fi
    for m in "${MOUNTS[@]}"; do
        mountpoint -q "$m" 2>/dev/null && umount "$m" 2>/dev/null
    done
    daemon_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "storage pools" "this test drives vireod's QEMU root (qemu:///system on its socket)"
    exit 0
fi
require_daemon
. "$VIREO_TOP/tests/storage/lib-storage.sh"
# checkx "what" 'shell code': ok when the code succeeds
checkx() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }

# ---------------------------------------------------------------- dir
CFG=$DAEMON_ROOT/etc/libvirt/storage
RUN=$DAEMON_ROOT/run/libvirt/storage
P1=$WORK/dir1

check "pool-capabilities validates against storagepoolcaps.rng" \
    validates "$(vsh pool-capabilities)" storagepoolcaps.rng
check "pool-define-as dir" vsh_q pool-define-as dir1 dir --target "$P1"
check "the definition is written to etc/libvirt/storage/dir1.xml" test -f "$CFG/dir1.xml"
checkx "pool-build makes the target folder" "vsh_q pool-build dir1 && test -d '$P1'"
check "pool-start" vsh_q pool-start dir1
check "an active pool has its run file" test -f "$RUN/dir1.xml"
check_eq "pool-list --all shows it running" "dir1 active no" \
    "$(vsh pool-list --all | awk '{print $1, $2, $3}')"
check "pool-dumpxml validates against storagepool.rng" validates "$(vsh pool-dumpxml dir1)" storagepool.rng
check "pool-dumpxml --inactive validates" validates "$(vsh pool-dumpxml --inactive dir1)" storagepool.rng
check "pool-start of an active pool: already active" \
    contains "$(vsh_err pool-start dir1)" "storage pool 'dir1' is already active"
check "pool-info of an unknown pool: NO_STORAGE_POOL" \
    contains "$(vsh_err pool-info nosuch)" "Storage pool not found: no storage pool with matching name 'nosuch'"
cat >"$WORK/dup.xml" <<EOF
<pool type='dir'><name>dup</name><target><path>$P1</path></target></pool>
EOF
check "a second pool on the same target path is refused" \
    contains "$(vsh_err pool-define "$WORK/dup.xml")" "Storage source conflict with pool: 'dir1'"
check "... and nothing is written for it" test ! -e "$CFG/dup.xml"
check "pool-undefine of an active pool is refused" \
    contains "$(vsh_err pool-undefine dir1)" "is still active"
head -c 1048576 /dev/urandom >"$P1/a.img"
check "pool-refresh" vsh_q pool-refresh dir1
checkx "pool-autostart writes the symlink" "vsh_q pool-autostart dir1 && test -L '$CFG/autostart/dir1.xml'"

# python3-libvirt: filters, volumes, and events for a registered client
out=$(/usr/bin/python3 - "$URI" "$WORK" <<'EOF' 2>&1
import libvirt, sys, threading, time
uri, work = sys.argv[1], sys.argv[2]
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
c = libvirt.open(uri)
F = libvirt
names = lambda fl: sorted(p.name() for p in c.listAllStoragePools(fl))
print("active", names(F.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE))
print("autostart", names(F.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART))
print("fs", names(F.VIR_CONNECT_LIST_STORAGE_POOLS_FS))
p = c.storagePoolLookupByName("dir1")
print("vols", p.numOfVolumes(), sorted(v.name() for v in p.listAllVolumes()))
events = []
c.storagePoolEventRegisterAny(None, F.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                              lambda c, p, e, d, o: events.append("%s:%d" % (p.name(), e)), None)
c.storagePoolEventRegisterAny(None, F.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                              lambda c, p, o: events.append("%s:refresh" % p.name()), None)
x = "<pool type='dir'><name>ev</name><target><path>%s/ev</path></target></pool>" % work
q = c.storagePoolDefineXML(x)
q.create(F.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
q.refresh()
q.destroy()
q.undefine()
end = time.time() + 5
while len(events) < 5 and time.time() < end:
    time.sleep(0.05)
print("events", " ".join(events))
EOF
)
note "$out"
check_eq "python: list filters active" "active ['dir1']" "$(grep '^active' <<<"$out")"
check_eq "python: list filters autostart" "autostart ['dir1']" "$(grep '^autostart' <<<"$out")"
check_eq "python: list filters fs" "fs []" "$(grep '^fs' <<<"$out")"
check_eq "python: the file is a volume" "vols 1 ['a.img']" "$(grep '^vols' <<<"$out")"
# DEFINED 0, STARTED 2, refresh, STOPPED 3, UNDEFINED 1
check_eq "python: lifecycle and refresh events in order" "events ev:0 ev:2 ev:refresh ev:3 ev:1" \
    "$(grep '^events' <<<"$out")"

checkx "pool-destroy removes the run file" "vsh_q pool-destroy dir1 && test ! -e '$RUN/dir1.xml'"
rm -f "$P1/a.img"
checkx "pool-delete removes the folder" "vsh_q pool-delete dir1 && test ! -e '$P1'"
checkx "pool-undefine removes definition and autostart link" \
    "vsh_q pool-undefine dir1 && test ! -e '$CFG/dir1.xml' && test ! -L '$CFG/autostart/dir1.xml'"

# ---------------------------------------------------------------- fs
IMG=$WORK/fs.img
FST=$WORK/fsmnt
MOUNTS+=("$FST")
truncate -s 64M "$IMG"
mkfs.ext4 -q -F "$IMG" >/dev/null 2>&1
cat >"$WORK/fs.xml" <<EOF
<pool type='fs'><name>fs1</name>
  <source><device path='$IMG'/><format type='ext4'/></source>
  <target><path>$FST</path></target></pool>
EOF
check "fs pool: define" vsh_q pool-define "$WORK/fs.xml"
check "fs pool: build" vsh_q pool-build fs1
checkx "fs pool: start mounts the file system on a loop device" \
    "vsh_q pool-start fs1 && mountpoint -q '$FST'"
cap=$(vsh pool-info --bytes fs1 | awk '/^Capacity/ {print $2}')
check "fs pool: capacity is the file system's (about 64 MiB: $cap)" \
    test "${cap:-0}" -gt 40000000 -a "${cap:-0}" -lt 70000000
echo data >"$FST/v1.raw"
checkx "fs pool: refresh lists the new file" \
    "vsh_q pool-refresh fs1 && vsh pool-info fs1 >/dev/null"
check "fs pool: build of an active pool is refused" \
    contains "$(vsh_err pool-build fs1 --no-overwrite)" "already active"

# crash-only: kill -9, a new vireod on the same root re-adopts the pool
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=""
check "fs pool: still mounted after vireod was killed" mountpoint -q "$FST"
"_daemon_start_$VIREO_TEST_DAEMON"
if wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead && _daemon_alive; then
    ok "a new vireod answers on the same root"
else
    fail "a new vireod answers on the same root"; daemon_show_log
fi
check_eq "fs pool: re-adopted as running" "fs1 active" \
    "$(vsh pool-list --all | awk '$1 == "fs1" {print $1, $2}')"
# lost+found is a volume of type dir, as in libvirt
check_eq "fs pool: its volumes are listed again" "lost+found v1.raw" \
    "$(/usr/bin/python3 -c 'import libvirt,sys; print(*sorted(libvirt.open(sys.argv[1]).storagePoolLookupByName("fs1").listVolumes()))' "$URI" 2>&1)"
checkx "fs pool: destroy unmounts" \
    "vsh_q pool-destroy fs1 && ! mountpoint -q '$FST'"
check "fs pool: build --no-overwrite on a formatted device is refused" \
    contains "$(vsh_err pool-build fs1 --no-overwrite)" "already formatted using 'ext4'"
IMG2=$WORK/fs2.img
truncate -s 48M "$IMG2"
sed -e "s|$IMG|$IMG2|" -e "s|fs1|fs2|" -e "s|$FST|$WORK/fs2mnt|" "$WORK/fs.xml" >"$WORK/fs2.xml"
MOUNTS+=("$WORK/fs2mnt")
checkx "fs pool: pool-create --build --overwrite makes the file system and mounts it" \
    "vsh_q pool-create '$WORK/fs2.xml' --build --overwrite && mountpoint -q '$WORK/fs2mnt'"
check_eq "fs pool: blkid sees ext4 on the new image" "ext4" "$(blkid -p -o value -s TYPE "$IMG2")"
checkx "fs pool: destroying the transient pool unmounts it" \
    "vsh_q pool-destroy fs2 && ! mountpoint -q '$WORK/fs2mnt'"
check "fs pool: undefine" vsh_q pool-undefine fs1

# the same on a block device: a loop device the test attaches itself
LOOP=$(losetup -f --show "$IMG2" 2>/dev/null)
if [ -z "$LOOP" ]; then
    skip "fs pool on a block device" "no free loop device"
else
    trap 'losetup -d "$LOOP" 2>/dev/null; cleanup' EXIT
    sed -e "s|$IMG2|$LOOP|" -e "s|fs2|fs3|" "$WORK/fs2.xml" >"$WORK/fs3.xml"
    MOUNTS+=("$WORK/fs3mnt")
    checkx "fs pool on $LOOP: pool-create --build mounts it" \
        "vsh_q pool-create --build '$WORK/fs3.xml' && findmnt -n -o SOURCE '$WORK/fs3mnt' | grep -qx '$LOOP'"
    checkx "fs pool on $LOOP: destroy unmounts it" \
        "vsh_q pool-destroy fs3 && ! mountpoint -q '$WORK/fs3mnt'"
    losetup -d "$LOOP"
fi

# ------------------------------------------- a mount whose server died
# A FUSE server that stops answering after mounting: stat() on its mount
# point sleeps in the kernel, beyond any signal, as on an NFS mount whose
# server went away.  A dir pool there must fail with a timeout, not hang.
mkdir -p "$WORK/dead"
exec 8< <(exec /usr/bin/python3 "$VIREO_TOP/tests/storage/dead-fuse.py" "$WORK/dead" 2>&1)
FUSE_PID=$!
read -r -t 10 fuse_ready <&8
if [ "$fuse_ready" != ready ]; then
    skip "a pool on a mount whose server died" "cannot mount FUSE here: $fuse_ready"
    FUSE_PID=""
else
    check "dead mount: define a dir pool on it" vsh_q pool-define-as dead dir --target "$WORK/dead"
    start=$EPOCHREALTIME
    vsh pool-start dead >"$WORK/dead.out" 2>&1 &
    spid=$!
    sleep 0.3
    slow=0 answered=0
    while kill -0 "$spid" 2>/dev/null; do
        t0=$EPOCHREALTIME
        vsh list --all >/dev/null && vsh pool-list --all | grep -q dead && answered=$((answered + 1))
        t=$(awk "BEGIN{print int(($EPOCHREALTIME - $t0) * 1000)}")
        [ "$t" -gt "$slow" ] && slow=$t
    done
    wait "$spid"; rc=$?
    took=$(awk "BEGIN{print int(($EPOCHREALTIME - $start) * 1000)}")
    note "$(cat "$WORK/dead.out")"
    check "dead mount: pool-start fails with a timeout" \
        eval 'test $rc -ne 0 && contains "$(cat "$WORK/dead.out")" "Timed out during operation: start of storage pool '"'dead'"' did not finish"'
    check "dead mount: within the deadline (${took} ms; tool deadline ${TIMEOUT_MS} ms + 1 s)" test "$took" -lt $((TIMEOUT_MS + 3000))
    check "dead mount: meanwhile virsh list and pool-list answered ($answered times, slowest ${slow} ms)" \
        test "$answered" -gt 0 -a "$slow" -lt 1500
    t0=$EPOCHREALTIME
    out=$(vsh_err pool-start dead)
    t=$(awk "BEGIN{print int(($EPOCHREALTIME - $t0) * 1000)}")
    check "dead mount: a second start fails at once ($t ms) instead of piling up" \
        eval 'test $t -lt 1500 && contains "$out" "has not returned yet"'
    kill "$FUSE_PID"; wait "$FUSE_PID" 2>/dev/null; FUSE_PID=""
    exec 8<&-
    umount -l "$WORK/dead"
    # the stuck thread returns (ENOTCONN) once its server is gone
    wait_for 10 sh -c "! timeout 20 virsh -q -c '$URI' pool-start dead 2>&1 | grep -q 'not returned yet'"
    check_eq "dead mount: once the server is gone the pool starts (its folder is plain again)" \
        "dead active" "$(vsh pool-list --all | awk '$1 == "dead" {print $1, $2}')"
    vsh_q pool-destroy dead
    check "dead mount: undefine" vsh_q pool-undefine dead
fi

# ---------------------------------------------------------------- netfs
if ! command -v mount.nfs >/dev/null && [ ! -x /sbin/mount.nfs ]; then
    skip "netfs: a dead server times out" "mount.nfs is missing (Debian package nfs-common)"
else
    # a loopback port bound and never listened on: connections are
    # refused, and NFSv3's mount retries its portmapper for minutes
    exec 7< <(/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1], flush=True); time.sleep(600)')
    read -r port <&7
    mkdir -p "$WORK/nfs"
    MOUNTS+=("$WORK/nfs")
    cat >"$WORK/nfs.xml" <<EOF
<pool type='netfs'><name>nfs</name>
  <source><host name='127.0.0.1' port='$port'/><dir path='/export'/>
    <format type='nfs'/><protocol ver='3'/></source>
  <target><path>$WORK/nfs</path></target></pool>
EOF
    check "netfs: define against a server that never answers" vsh_q pool-define "$WORK/nfs.xml"
    start=$EPOCHREALTIME
    vsh pool-start nfs >"$WORK/nfs.out" 2>&1 &
    spid=$!
    sleep 0.3
    slow=0 answered=0
    while kill -0 "$spid" 2>/dev/null; do
        t0=$EPOCHREALTIME
        if vsh list --all >/dev/null && vsh pool-list --all | grep -q nfs; then
            answered=$((answered + 1))
        fi
        t=$(awk "BEGIN{print int(($EPOCHREALTIME - $t0) * 1000)}")
        [ "$t" -gt "$slow" ] && slow=$t
    done
    wait "$spid"; rc=$?
    took=$(awk "BEGIN{print int(($EPOCHREALTIME - $start) * 1000)}")
    check "netfs: pool-start fails" test "$rc" -ne 0
    check "netfs: with a timeout error naming the mount" \
        contains "$(cat "$WORK/nfs.out")" "mount"
    note "$(cat "$WORK/nfs.out")"
    check "netfs: within the deadline (${took} ms for ${TIMEOUT_MS} ms)" test "$took" -lt $((TIMEOUT_MS + 3000))
    check "netfs: meanwhile virsh list and pool-list answered ($answered times, slowest ${slow} ms)" \
        test "$answered" -gt 0 -a "$slow" -lt 1500
    check_eq "netfs: the pool stays inactive" "nfs inactive" \
        "$(vsh pool-list --all | awk '$1 == "nfs" {print $1, $2}')"
    check "netfs: undefine" vsh_q pool-undefine nfs
    exec 7<&-
fi
check "netfs: find-storage-pool-sources against a host with no NFS service fails" \
    contains "$(vsh_err find-storage-pool-sources-as netfs 127.0.0.1)" "showmount"
check "dir: find-storage-pool-sources is not supported" \
    contains "$(vsh_err find-storage-pool-sources dir)" "does not support source discovery"
if grep -qw nfsd /proc/filesystems; then
    skip "netfs: a real NFS export" "not written yet: this test needs a kernel NFS server namespace"
else
    skip "netfs: a real NFS export" "this kernel has no NFS server (no nfsd in /proc/filesystems)"
fi

# ---------------------------------------------------------------- logical
cat >"$WORK/lvm.xml" <<EOF
<pool type='logical'><name>vg1</name><source><name>vireotestvg</name></source>
  <target><path>/dev/vireotestvg</path></target></pool>
EOF
if [ ! -e /dev/mapper/control ]; then
    check "logical: define works without device-mapper" vsh_q pool-define "$WORK/lvm.xml"
    check "logical: start says device-mapper is missing" \
        contains "$(vsh_err pool-start vg1)" "logical pools need device-mapper, which this host lacks"
    check "logical: pool-capabilities says unsupported" \
        contains "$(vsh pool-capabilities)" "<pool type='logical' supported='no'/>"
    vsh_q pool-undefine vg1
    skip "logical: a volume group on a loop device" "this host has no device-mapper (/dev/mapper/control)"
else
    skip "logical: a volume group on a loop device" "not written yet"
fi

check "vireod still answers" vsh_q list --all
# under ASan a leak or an error makes the exit status non-zero
if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
