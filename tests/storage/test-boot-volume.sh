#!/bin/bash
# test-boot-volume.sh: guests use pool volumes (issue 8's proof), through
# virsh against vireod:
#  - a guest boots with <disk type='volume'> on a qcow2 volume whose
#    backing store is another volume of the pool, writes a marker to the
#    disk, is destroyed, and the marker is in the volume vol-download
#    gives back (the base volume stays untouched);
#  - a LUKS-encrypted qcow2 volume made with its key in a secret: the
#    guest writes through it, the file on the host holds no plaintext,
#    and qemu-img with the same key reads the marker back;
#  - a start whose volume or pool is missing fails with libvirt's error
#    and leaves the guest shut off.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start

pool=bootpool
pooldir=$GUEST_WORK/pool
mkdir -p "$pooldir"
check "define a dir pool" vsh_q pool-define-as "$pool" dir --target "$pooldir"
check "start it" vsh_q pool-start "$pool"

check "a qcow2 base volume" vsh_q vol-create-as "$pool" base.qcow2 64M --format qcow2
check "a qcow2 volume backed by it" vsh_q vol-create-as "$pool" top.qcow2 64M --format qcow2 \
    --backing-vol base.qcow2 --backing-vol-format qcow2
check_eq "the overlay's backing file is the base volume" "$pooldir/base.qcow2" \
    "$(qemu-img info --output=json "$pooldir/top.qcow2" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("backing-filename",""))')"

# the guest XML with one more disk before the serial port
guest_with_disk() {  # name disk-xml
    local xml
    xml=$(guest_xml "$1")
    sed -i "s|<serial type='pty'>|$2\n<serial type='pty'>|" "$xml"
    echo "$xml"
}

# the guest's shell answers "echo ...; echo DONE-\$((6*7))" with DONE-42
guest_run() { quietly console "$1" "$2 && echo DONE-\$((6*7))" DONE-42; }

g=vireo-volboot
disk="<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='$pool' volume='top.qcow2'/><target dev='vda' bus='virtio'/></disk>"
check "define a guest whose disk is a pool volume" vsh_q define "$(guest_with_disk "$g" "$disk")"
check "start it" vsh_q start "$g"
if wait_marker "$g" "VIREO-GUEST: ready"; then
    ok "$g boots with its volume disk"
else
    fail "$g boots with its volume disk"
    guest_show_logs "$g"
fi
check "QEMU opened the volume's file" \
    grep -q -- "top.qcow2" "/proc/$(guest_pid "$g")/cmdline"
check "the live XML still names the volume" \
    bash -c "virsh -c '$QEMU_URI' dumpxml $g | grep -q \"volume='top.qcow2'\""
marker="VIREO-VOLUME-MARKER-$$"
check "the guest writes a marker to its disk" \
    guest_run "$g" "echo $marker | dd of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null; sync"
check "destroy $g" vsh_q destroy "$g"

check "vol-download the overlay" vsh_q vol-download --pool "$pool" top.qcow2 "$GUEST_WORK/top.dl"
check "the downloaded volume holds the marker" grep -q -a "$marker" "$GUEST_WORK/top.dl"
check "the downloaded volume is byte for byte the pool's file" cmp -s "$GUEST_WORK/top.dl" "$pooldir/top.qcow2"
check "the base volume does not (writes went to the overlay)" \
    bash -c "! grep -q -a '$marker' '$pooldir/base.qcow2'"
check "undefine $g" vsh_q undefine "$g"

# ---- LUKS ----
secret_uuid=$(cat /proc/sys/kernel/random/uuid)
cat >"$GUEST_WORK/secret.xml" <<EOF
<secret ephemeral='no' private='yes'>
  <uuid>$secret_uuid</uuid>
  <usage type='volume'><volume>$pooldir/luks.qcow2</volume></usage>
</secret>
EOF
check "define the volume's secret" vsh_q secret-define "$GUEST_WORK/secret.xml"
passphrase="vireo-luks-$$"
printf %s "$passphrase" >"$GUEST_WORK/passphrase"
check "set its value" vsh_q secret-set-value "$secret_uuid" --file "$GUEST_WORK/passphrase" --plain
cat >"$GUEST_WORK/luks.xml" <<EOF
<volume>
  <name>luks.qcow2</name>
  <capacity unit='MiB'>64</capacity>
  <target>
    <format type='qcow2'/>
    <encryption format='luks'>
      <secret type='passphrase' uuid='$secret_uuid'/>
    </encryption>
  </target>
</volume>
EOF
check "create a LUKS qcow2 volume" vsh_q vol-create "$pool" "$GUEST_WORK/luks.xml"
check "qemu-img sees it encrypted" \
    bash -c "qemu-img info '$pooldir/luks.qcow2' | grep -q 'encrypted: yes'"

g=vireo-lukboot
disk="<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='$pool' volume='luks.qcow2'><encryption format='luks'><secret type='passphrase' uuid='$secret_uuid'/></encryption></source><target dev='vda' bus='virtio'/></disk>"
check "define a guest on the encrypted volume" vsh_q define "$(guest_with_disk "$g" "$disk")"
check "start it (its key comes from the secret)" vsh_q start "$g"
check "$g boots" wait_marker "$g" "VIREO-GUEST: ready"
pid=$(guest_pid "$g")
check "the key is not on QEMU's command line" \
    bash -c "! tr '\0' ' ' </proc/$pid/cmdline | grep -q -- '$passphrase'"
check "no key file is left in the run folder" \
    bash -c "[ -z \"\$(find '$DAEMON_ROOT/run' -name '*.key' 2>/dev/null)\" ]"
marker="VIREO-LUKS-MARKER-$$"
check "the guest writes a marker through the encryption" \
    guest_run "$g" "echo $marker | dd of=/dev/vda bs=512 count=1 conv=fsync 2>/dev/null; sync"
check "destroy $g" vsh_q destroy "$g"
check "the file on the host holds no plaintext marker" \
    bash -c "! grep -q -a '$marker' '$pooldir/luks.qcow2'"
check "qemu-img with the key reads the marker back" \
    bash -c "qemu-img convert --object secret,id=s0,data='$passphrase' --image-opts \
        'driver=qcow2,file.filename=$pooldir/luks.qcow2,encrypt.key-secret=s0' -O raw '$GUEST_WORK/luks.raw' &&
        grep -q -a '$marker' '$GUEST_WORK/luks.raw'"
check "undefine $g" vsh_q undefine "$g"

# a volume disk without <encryption>: the key is the volume's own secret
# (after a refresh, found by libvirt's convention: usage = the path)
check "pool-refresh $pool" vsh_q pool-refresh "$pool"
g=vireo-lukinh
disk="<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='$pool' volume='luks.qcow2'/><target dev='vda' bus='virtio'/></disk>"
check "define a guest on the encrypted volume, naming no key" vsh_q define "$(guest_with_disk "$g" "$disk")"
check "start it (the volume's secret is found)" vsh_q start "$g"
check "$g boots" wait_marker "$g" "VIREO-GUEST: ready"
check "the guest reads the earlier marker through the encryption" \
    guest_run "$g" "dd if=/dev/vda bs=512 count=1 2>/dev/null | grep -q $marker"
check "destroy $g" vsh_q destroy "$g"
check "undefine $g" vsh_q undefine "$g"

# ---- what is missing ----
g=vireo-volmiss
disk="<disk type='volume' device='disk'><source pool='$pool' volume='nosuch.qcow2'/><target dev='vda' bus='virtio'/></disk>"
check "define a guest on a volume that does not exist" vsh_q define "$(guest_with_disk "$g" "$disk")"
out=$(vsh start "$g" 2>&1)
check "its start fails naming the volume" bash -c "echo '$out' | grep -q 'nosuch.qcow2'"
check_eq "it stays shut off" "shut off" "$(vsh domstate "$g" | sed '/^$/d')"
check "pool-destroy $pool" vsh_q pool-destroy "$pool"
check "undefine $g" vsh_q undefine "$g"
g=vireo-volinact
disk="<disk type='volume' device='disk'><source pool='$pool' volume='top.qcow2'/><target dev='vda' bus='virtio'/></disk>"
check "define a guest on a volume of that pool" vsh_q define "$(guest_with_disk "$g" "$disk")"
out=$(vsh start "$g" 2>&1)
check "a start on an inactive pool fails naming the pool" bash -c "echo '$out' | grep -q '$pool'"
check "undefine $g" vsh_q undefine "$g"
check "undefine $pool" vsh_q pool-undefine "$pool"

done_testing
