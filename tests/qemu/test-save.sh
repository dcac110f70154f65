#!/bin/bash
# test-save.sh: a guest's state to files through vireod's QEMU driver:
# virsh save / save-image-dumpxml / restore (raw and gzip), managedsave
# (list --with-managed-save, start resumes it, managedsave-remove), dump
# --memory-only (ELF) and a migration-stream dump; python3-libvirt's
# save/restore/managedSave/hasManagedSaveImage; bad input (not an image,
# a missing file, an inactive domain, a corrupt managed save image) fails
# with libvirt's error codes and leaves no QEMU, socket or status file.
# The guest keeps a marker written in its RAM disk across every restore.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start
check "python3-libvirt listens for lifecycle events" events_start

g=vireo-save
g2=vireo-save-idle
guest_define "$g" || exit 1
guest_define "$g2" || exit 1
SAVE_DIR=$DAEMON_ROOT/var/lib/libvirt/qemu/save
QEMU_CONF=$DAEMON_ROOT/etc/libvirt/qemu.conf

check "start $g" vsh_q start "$g"
if wait_marker "$g" "VIREO-GUEST: ready"; then ok "$g is ready"; else
    fail "$g is ready"; guest_show_logs "$g"; exit 1
fi
check "write a marker in the guest's RAM" \
    quietly console "$g" 'echo SAVED-$((40+2)) >/tmp/m; echo wrote-$((1+1))' 'wrote-2'

# the guest still runs what it ran: the marker, and a shell that computes
marker_kept() { quietly console "$g" 'cat /tmp/m' 'SAVED-42'; }
answers() { quietly console "$g" 'echo $((6*7))' 42; }
no_leftovers() {  # only the running guests' monitors and status files remain
    local want=$1 mons stats
    mons=$(find "$DAEMON_ROOT/run" -name '*.monitor' | wc -l)
    stats=$(find "$DAEMON_ROOT/run" -name 'vireo-save*.xml' | wc -l)
    [ "$mons" -eq "$want" ] && [ "$stats" -eq "$want" ] && [ "$(_our_qemus | wc -l)" -eq "$want" ]
}

# ---- save / restore, raw ----
img=$GUEST_WORK/$g.img
pid=$(guest_pid "$g")
check "virsh save" vsh_q save "$g" "$img"
check_eq "state after save" "shut off (saved)" "$(domstate "$g")"
check "the image is on disk" test -s "$img"
check "the image starts with its magic" [ "$(head -c 16 "$img")" = "LibvirtQemudSave" ]
[ -n "$pid" ] && check "QEMU $pid is gone after save" wait_for 10 pid_gone "$pid"
check "no QEMU, socket or status file is left" no_leftovers 0
check "save-image-dumpxml shows the domain" \
    bash -c "virsh -c '$QEMU_URI' save-image-dumpxml '$img' | grep -q '<name>$g</name>'"
check "virsh restore" vsh_q restore "$img"
check_eq "state after restore" "running (restored)" "$(domstate "$g")"
check "the guest answers on its console after restore" answers
check "the marker survived save/restore" marker_kept

# ---- gzip ----
printf 'save_image_format = "gzip"\n' >"$QEMU_CONF"
gz=$GUEST_WORK/$g.gz.img
check "virsh save with save_image_format = gzip" vsh_q save "$g" "$gz"
check_eq "the header says gzip (1)" "1" "$(od -An -tu4 -j28 -N4 "$gz" | tr -d ' ')"
xml_len=$(od -An -tu4 -j20 -N4 "$gz" | tr -d ' ')
check "the stream is gzip data" \
    [ "$(tail -c +$((92 + xml_len + 1)) "$gz" | head -c 2 | od -An -tx1 | tr -d ' ')" = "1f8b" ]
check "virsh restore of the gzip image" vsh_q restore "$gz"
check_eq "state after gzip restore" "running (restored)" "$(domstate "$g")"
check "the marker survived the gzip round trip" marker_kept
vsh dumpxml --inactive "$g" | sed "s|<name>$g</name>|<name>other</name>|" >"$GUEST_WORK/other.xml"
out=$(vsh save --xml "$GUEST_WORK/other.xml" "$g" "$GUEST_WORK/other.img" 2>&1)
check "save --xml of another domain is refused" grep -q "describes domain 'other'" <<<"$out"
check "and leaves no file" [ ! -e "$GUEST_WORK/other.img" ]
printf 'save_image_format = "nosuch"\n' >"$QEMU_CONF"
out=$(vsh save "$g" "$GUEST_WORK/bad.img" 2>&1)
check "an unknown save_image_format is refused, naming it" grep -q nosuch <<<"$out"
check_eq "and the guest keeps running" "running (restored)" "$(domstate "$g")"
rm -f "$QEMU_CONF"

# ---- managed save ----
check "virsh managedsave" vsh_q managedsave "$g"
check_eq "state after managedsave" "shut off (saved)" "$(domstate "$g")"
check "list --all --with-managed-save shows it" \
    bash -c "virsh -c '$QEMU_URI' list --all --with-managed-save --name | grep -qx '$g'"
check "list --without-managed-save does not" \
    bash -c "! virsh -c '$QEMU_URI' list --all --without-managed-save --name | grep -qx '$g'"
check "the image is under the daemon's root" test -s "$SAVE_DIR/$g.save"
out=$(vsh undefine "$g" 2>&1)
check "undefine is refused while a managed save image exists" \
    grep -q "managed save image exists" <<<"$out"
check "virsh start resumes from the managed save image" vsh_q start "$g"
check_eq "state after start" "running (restored)" "$(domstate "$g")"
check "the image is gone after start" [ ! -e "$SAVE_DIR/$g.save" ]
check "the guest answers after managed save" answers
check "the marker survived managed save" marker_kept
check "managedsave again" vsh_q managedsave "$g"
check "managedsave-remove" vsh_q managedsave-remove "$g"
check "the image is gone" [ ! -e "$SAVE_DIR/$g.save" ]
check "start boots afresh" vsh_q start "$g"
check_eq "state: booted" "running (booted)" "$(domstate "$g")"
check "$g is ready again" wait_marker "$g" "VIREO-GUEST: ready"
check "write the marker again" \
    quietly console "$g" 'echo SAVED-$((40+2)) >/tmp/m; echo wrote-$((2+1))' 'wrote-3'

# ---- core dumps ----
core=$GUEST_WORK/$g.core
check "virsh dump --memory-only" vsh_q dump --memory-only "$g" "$core"
check "the dump is an ELF file" [ "$(head -c 4 "$core" | tail -c 3)" = "ELF" ]
check_eq "the guest runs on after the dump" "running" "$(vsh domstate "$g" | sed '/^$/d')"
check "virsh dump (migration stream)" vsh_q dump "$g" "$GUEST_WORK/$g.stream"
check "the stream dump is on disk" test -s "$GUEST_WORK/$g.stream"
check_eq "the guest runs on after it" "running" "$(vsh domstate "$g" | sed '/^$/d')"
check "the guest answers after the dumps" answers

# ---- the same through vireo's own CLI ----
vir() { timeout 60 "$VIREO" -c "$QEMU_URI" "$@"; }
vimg=$GUEST_WORK/vireo.img
out=$(vir save "$g" "$vimg" 2>&1)
check_eq "vireo save prints virsh's message" "Domain '$g' saved to $vimg" "$(sed '/^$/d' <<<"$out")"
check "vireo save-image-dumpxml" bash -c "'$VIREO' -c '$QEMU_URI' save-image-dumpxml '$vimg' | grep -q '<name>$g</name>'"
out=$(vir restore "$vimg" 2>&1)
check_eq "vireo restore" "Domain restored from $vimg" "$(sed '/^$/d' <<<"$out")"
check_eq "vireo domstate --reason: running (restored)" "running (restored)" \
    "$(vir domstate --reason "$g" | sed '/^$/d')"
out=$(vir restore "$GUEST_WORK/missing" 2>&1); rc=$?
check_eq "vireo restore of a missing file fails with status 1" 1 "$rc"
check "and says why" grep -q "Failed to open domain image file" <<<"$out"
check "vireo managedsave" bash -c "'$VIREO' -c '$QEMU_URI' managedsave '$g' | grep -q 'state saved'"
check "vireo managedsave-remove" \
    bash -c "'$VIREO' -c '$QEMU_URI' managedsave-remove '$g' | grep -q 'Removed managedsave image'"
check "vireo start boots afresh" vir start "$g"
check "$g is ready once more" wait_marker "$g" "VIREO-GUEST: ready"
check "vireo dump --memory-only" vir dump --memory-only "$g" "$GUEST_WORK/vireo.core"
check "it is an ELF file" [ "$(head -c 4 "$GUEST_WORK/vireo.core" | tail -c 3)" = "ELF" ]
check "write the marker once more" \
    quietly console "$g" 'echo SAVED-$((40+2)) >/tmp/m; echo wrote-$((3+1))' 'wrote-4'

# ---- python3-libvirt, and bad input ----
head -c 4096 /dev/urandom >"$GUEST_WORK/junk"
head -c 50 "$img" >"$GUEST_WORK/short"
printf 'junk' >"$SAVE_DIR/$g2.save"
if out=$(/usr/bin/python3 - "$QEMU_URI" "$g" "$g2" "$GUEST_WORK" 2>&1 <<'EOF'
import os
import sys

import libvirt

uri, name, idle, work = sys.argv[1:5]
conn = libvirt.open(uri)
fails = []


def expect(what, cond):
    print(("ok: " if cond else "FAILED: ") + what)
    if not cond:
        fails.append(what)


def error_of(fn, *args):
    try:
        fn(*args)
    except libvirt.libvirtError as e:
        return e.get_error_code(), e.get_error_message()
    return None, None


dom = conn.lookupByName(name)
path = os.path.join(work, "py.img")
dom.save(path)
expect("dom.save: shut off, saved", dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_SAVED])
conn.restore(path)
dom = conn.lookupByName(name)
expect("conn.restore: running, restored",
       dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED])
dom.managedSave(0)
expect("managedSave: hasManagedSaveImage is 1", dom.hasManagedSaveImage(0) == 1)
dom.create()
expect("create resumes: hasManagedSaveImage is 0", dom.hasManagedSaveImage(0) == 0)
expect("create resumes: running, restored",
       dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_RESTORED])

code, msg = error_of(conn.restore, os.path.join(work, "junk"))
expect("restore of a non-image: OPERATION_FAILED naming the file (%s)" % msg,
       code == libvirt.VIR_ERR_OPERATION_FAILED and "junk" in (msg or ""))
code, msg = error_of(conn.restore, os.path.join(work, "short"))
expect("restore of a truncated image: OPERATION_FAILED (%s)" % msg,
       code == libvirt.VIR_ERR_OPERATION_FAILED and "short" in (msg or ""))
code, msg = error_of(conn.restore, os.path.join(work, "missing"))
expect("restore of a missing file: SYSTEM_ERROR naming it (%s)" % msg,
       code == libvirt.VIR_ERR_SYSTEM_ERROR and "missing" in (msg or ""))
code, msg = error_of(conn.restore, path)
expect("restore while the domain runs: OPERATION_INVALID (%s)" % msg,
       code == libvirt.VIR_ERR_OPERATION_INVALID)
d2 = conn.lookupByName(idle)
code, msg = error_of(d2.save, os.path.join(work, "idle.img"))
expect("save of an inactive domain: OPERATION_INVALID (%s)" % msg,
       code == libvirt.VIR_ERR_OPERATION_INVALID and not os.path.exists(os.path.join(work, "idle.img")))
expect("a corrupt managed save image is seen", d2.hasManagedSaveImage(0) == 1)
code, msg = error_of(d2.create)
expect("start from a corrupt managed save image fails clearly (%s)" % msg,
       code is not None and "managed save" in (msg or "") and d2.isActive() == 0)
d2.createWithFlags(libvirt.VIR_DOMAIN_START_FORCE_BOOT)
expect("FORCE_BOOT discards it and boots",
       d2.isActive() == 1 and d2.hasManagedSaveImage(0) == 0)
d2.destroy()
sys.exit(1 if fails else 0)
EOF
); then
    ok "python3-libvirt: save, restore, managedSave, hasManagedSaveImage, bad input"
else
    fail "python3-libvirt: save, restore, managedSave, hasManagedSaveImage, bad input"
fi
note "$out"
check "the guest answers after the python round trips" answers
check "the marker survived them" marker_kept
check "bad input left no QEMU, socket or status file (only $g runs)" no_leftovers 1

if wait_for 10 events_seq "$g" "started booted" "stopped saved" "started restored" \
        "stopped saved" "started restored"; then
    ok "python3-libvirt saw: started booted, stopped saved, started restored (twice)"
else
    fail "python3-libvirt saw the save/restore events"
    note "events received:" "$(cat "$EVENTS_LOG")"
fi

check "managedsave before undefine" vsh_q managedsave "$g"
check "undefine --managed-save removes the image too" vsh_q undefine --managed-save "$g"
check "no image is left" [ ! -e "$SAVE_DIR/$g.save" ]
# images of a domain nobody defines any more: a transient one
xml_len=$(od -An -tu4 -j20 -N4 "$img" | tr -d ' ')
head -c $((92 + xml_len + 4096)) "$img" >"$GUEST_WORK/cut.img"
out=$(vsh restore "$GUEST_WORK/cut.img" 2>&1)
check "restore of an image with a cut stream fails" [ $? -ne 0 ]
note "$out"
check "it names QEMU's reason" grep -q "load of migration failed" <<<"$out"
check "and leaves no QEMU, socket or status file" no_leftovers 0
check "nor a domain" bash -c "! virsh -c '$QEMU_URI' dominfo '$g' >/dev/null 2>&1"
cp "$img" "$GUEST_WORK/v99.img"
printf '\x63' | dd of="$GUEST_WORK/v99.img" bs=1 seek=16 conv=notrunc status=none
out=$(vsh restore "$GUEST_WORK/v99.img" 2>&1)
check "restore of an image of an unknown version fails, saying so" grep -q "version is not supported" <<<"$out"
check "virsh restore --paused of an undefined domain's image" vsh_q restore --paused "$img"
check_eq "it is paused" "paused" "$(vsh domstate "$g" | sed '/^$/d')"
check_eq "it is transient" "no" "$(vsh dominfo "$g" | awk -F': *' '/^Persistent:/ {print $2}')"
out=$(vsh managedsave "$g" 2>&1)
check "managedsave of a transient domain is refused" grep -q "transient" <<<"$out"
check "resume it" vsh_q resume "$g"
check "it answers" answers
check "destroy it" vsh_q destroy "$g"
check "a transient domain is gone when destroyed" bash -c "! virsh -c '$QEMU_URI' dominfo '$g' >/dev/null 2>&1"
check "undefine $g2" vsh_q undefine "$g2"
check "nothing runs any more" no_leftovers 0

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
