#!/bin/bash
# vireo-test: once  (one guest boot; the driver code runs under the sanitizers in the other qemu tests)
# test-guest-user.sh: QEMU runs as qemu.conf's unprivileged user (issue 10):
# its uid and gid are vireo-qemu's, the seccomp sandbox is on, the disk
# image (a qcow2 over a raw base) is vireo-qemu's while it runs and its
# owner's again (mode kept) after destroy and after QEMU is killed; an
# unknown user and a disk under a folder vireo-qemu cannot search refuse
# the start naming them.  One boot, type='qemu' (TCG).
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

QUSER=vireo-qemu
if [ "$(id -u)" != 0 ]; then
    skip "QEMU as an unprivileged user" "needs root (chown, setuid)"
    exit 0
fi
if ! getent passwd "$QUSER" >/dev/null; then
    skip "QEMU as an unprivileged user" "user $QUSER is missing: run scripts/users.sh (scripts/deps.sh does)"
    exit 0
fi
guest_setup
quid=$(id -u "$QUSER")
qgid=$(getent group "$QUSER" | cut -d: -f3)

# everything QEMU reaches lives in folders it may search
chmod 755 "$GUEST_WORK"
cp "$GUEST_DIR/vmlinuz" "$GUEST_DIR/initramfs.cpio.gz" "$GUEST_WORK/"
GUEST_DIR=$GUEST_WORK

# vireod reads qemu.conf when it starts: write it into a new root, start
# again there
user_daemon() {  # USER
    qemu_daemon_start || exit 1
    chmod 755 "$DAEMON_ROOT"
    mkdir -p "$DAEMON_ROOT/etc/libvirt"
    printf 'user = "%s"\ngroup = "%s"\n' "$1" "$1" >"$DAEMON_ROOT/etc/libvirt/qemu.conf"
    daemon_kill
    qemu_daemon_restart_same_root
}

# guest_disk NAME IMAGE: NAME's XML with IMAGE as its qcow2 disk
guest_disk() {
    local xml
    xml=$(guest_xml "$1")
    sed -i "s|</devices>|<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$2'/><target dev='vda' bus='virtio'/></disk></devices>|" "$xml"
    echo "$xml"
}

owner() { stat -c '%u:%g %a' "$1"; }
xattrs() { /usr/bin/python3 -c 'import os, sys; print(" ".join(sorted(os.listxattr(sys.argv[1]))))' "$1"; }

# ---- an unknown user refuses the start, naming it and qemu.conf
user_daemon vireo-no-such-user
xml=$(guest_xml nouser)
out=$(vsh create "$xml" 2>&1)
rc=$?
note "$out"
if [ $rc -ne 0 ] && [[ $out == *vireo-no-such-user* && $out == *qemu.conf* ]]; then
    ok "an unknown user in qemu.conf refuses the start, naming it and qemu.conf"
else
    fail "an unknown user in qemu.conf refuses the start, naming it and qemu.conf (got: $out)"
fi
check "no QEMU started for it" [ -z "$(guest_pid nouser)" ]
if daemon_stop; then ok "that vireod stops cleanly"; else fail "vireod stops: $DAEMON_STOP_WHY"; fi

# ---- the guest as vireo-qemu
user_daemon "$QUSER"
base=$GUEST_WORK/base.raw
disk=$GUEST_WORK/disk.qcow2
qemu-img create -q -f raw "$base" 1M
qemu-img create -q -f qcow2 -b "$base" -F raw "$disk"
chown 0:0 "$base" "$disk"
chmod 640 "$disk"
chmod 644 "$base"
before_disk=$(owner "$disk")
before_base=$(owner "$base")

g=vireo-user
xml=$(guest_disk "$g" "$disk")
check "create $g" vsh_q create "$xml"
pid=$(guest_pid "$g")
check "$g has a QEMU process" [ -n "$pid" ]
status=$(cat "/proc/$pid/status" 2>/dev/null)
check_eq "QEMU's uids are $QUSER's" "$quid $quid $quid $quid" \
    "$(awk '/^Uid:/ {print $2, $3, $4, $5}' <<<"$status")"
check_eq "QEMU's gids are $QUSER's" "$qgid $qgid $qgid $qgid" \
    "$(awk '/^Gid:/ {print $2, $3, $4, $5}' <<<"$status")"
check_eq "QEMU runs in the seccomp sandbox (Seccomp: 2)" "2" \
    "$(awk '/^Seccomp:/ {print $2}' <<<"$status")"
check_eq "the disk is $QUSER's while it runs (mode kept)" "$quid:$qgid 640" "$(owner "$disk")"
check_eq "its owner is remembered in its xattrs" "trusted.vireo.dac.owner trusted.vireo.dac.refs" \
    "$(xattrs "$disk")"
check_eq "its backing file too" "$quid:$qgid 644" "$(owner "$base")"
if wait_marker "$g" "VIREO-GUEST: userspace"; then
    ok "$g boots to userspace as $QUSER"
else
    fail "$g boots to userspace as $QUSER"
    guest_show_logs "$g"
fi
# the remembered owners outlive vireod
daemon_kill
qemu_daemon_restart_same_root
check "destroy $g (after a vireod restart)" vsh_q destroy "$g"
check_eq "after destroy the disk is its owner's again" "$before_disk" "$(owner "$disk")"
check_eq "and its backing file" "$before_base" "$(owner "$base")"
check_eq "no remembered owner is left on it (xattrs)" "" "$(xattrs "$disk" | tr ' ' '\n' | grep vireo)"

# ---- QEMU killed: the owner comes back too
check "create $g again" vsh_q create "$xml"
pid=$(guest_pid "$g")
check_eq "the disk is $QUSER's again" "$quid:$qgid 640" "$(owner "$disk")"
[ -n "$pid" ] && kill -KILL "$pid"
check "$g is shut off after QEMU is killed" wait_for 20 eval '! vsh domstate '"$g"' >/dev/null 2>&1 || state_is '"$g"' "shut off (crashed)"'
check "after the kill the disk is its owner's again" \
    wait_for 10 eval '[ "$(owner "$disk")" = "$before_disk" ]'

# ---- QEMU fails after the files were given: they come back
bad=$GUEST_WORK/bad.img
head -c 65536 /dev/zero >"$bad"
chmod 600 "$bad"
xml=$(guest_disk badfmt "$bad")
if vsh create "$xml" >/dev/null 2>&1; then
    fail "a raw file declared qcow2 fails the start"
else
    ok "a raw file declared qcow2 fails the start"
fi
check_eq "after the failed start that file is root's again (mode kept)" "0:0 600" "$(owner "$bad")"

# ---- a folder vireo-qemu cannot search
mkdir -m 700 "$GUEST_WORK/private"
cp "$disk" "$GUEST_WORK/private/disk.qcow2"
xml=$(guest_disk hidden "$GUEST_WORK/private/disk.qcow2")
out=$(vsh create "$xml" 2>&1)
rc=$?
note "$out"
if [ $rc -ne 0 ] && [[ $out == *"$GUEST_WORK/private/disk.qcow2"* && $out == *"$QUSER"* ]]; then
    ok "a disk under a folder $QUSER cannot search refuses the start, naming it and the user"
else
    fail "a disk under a folder $QUSER cannot search refuses the start, naming it and the user (got: $out)"
fi
check_eq "that disk was not given away" "0:0" "$(stat -c %u:%g "$GUEST_WORK/private/disk.qcow2")"

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
