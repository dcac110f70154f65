#!/bin/bash
# test-virtinst.sh: XML that Debian's virt-install --print-xml writes for
# realistic x86_64 KVM/QEMU guests must parse, format, reparse to the same
# text and validate against libvirt's domain.rng.
#
# virt-install needs a connection offering x86_64 hvm.  libvirt's test
# driver offers only i686, so this uses libvirt's embedded QEMU driver
# (qemu:///embed?root=DIR, libvirt-daemon-driver-qemu + qemu-system-x86) in
# a private temp root.  Two things it needs are supplied here:
# - embed mode needs the client to run an event loop: virt-install does
#   not, so a small Python wrapper registers one and calls virtinst;
# - the QEMU driver refuses to start without a 'libvirt-qemu' user: a copy
#   of /etc/passwd and /etc/group with it is bind-mounted in a private
#   mount namespace (unshare -m, needs root), the host's files untouched.
# The embedded driver has no storage driver, so virtinst's storage-pool
# probing of disk paths is bypassed in the wrapper (paths are used as is).
# vireo-test: once  (virt-install and libvirt do the slow part; the sanitizer run adds nothing)
. "$VIREO_TOP/tests/lib.sh"

TOOL=$VIREO_BUILD/tests/test-domain-xml
SCHEMA=/usr/share/libvirt/schemas/domain.rng
why=""
[ -x /usr/bin/virt-install ] || why="virt-install (virtinst) is not installed"
[ -z "$why" ] && ! command -v qemu-system-x86_64 >/dev/null && why="qemu-system-x86 is not installed"
[ -z "$why" ] && ! ls /usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so >/dev/null 2>&1 &&
    why="libvirt-daemon-driver-qemu is not installed"
[ -z "$why" ] && [ "$(id -u)" != 0 ] && why="needs root for a private mount namespace (unshare -m)"
[ -z "$why" ] && ! command -v xmllint >/dev/null && why="xmllint is not installed"
[ -z "$why" ] && [ ! -x "$TOOL" ] && why="$TOOL is not built"
if [ -n "$why" ]; then
    skip "virt-install --print-xml round trips" "$why"
    exit 0
fi

tmp=$(mktemp -d /tmp/vireo-virtinst.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root" "$tmp/out" "$tmp/img"
truncate -s 64M "$tmp/img/disk0.qcow2" "$tmp/img/disk1.img" "$tmp/img/install.iso"
touch "$tmp/img/vmlinuz" "$tmp/img/initrd.img"
cp /etc/passwd "$tmp/passwd"; cp /etc/group "$tmp/group"
grep -q '^libvirt-qemu:' "$tmp/passwd" ||
    echo 'libvirt-qemu:x:64055:64055:libvirt:/nonexistent:/usr/sbin/nologin' >>"$tmp/passwd"
grep -q '^libvirt-qemu:' "$tmp/group" || echo 'libvirt-qemu:x:64055:' >>"$tmp/group"
grep -q '^kvm:' "$tmp/group" || echo 'kvm:x:64056:' >>"$tmp/group"

cat >"$tmp/wrap.py" <<'EOF'
# Run several virt-install command lines in one process (the embedded
# driver probes QEMU once), each one's stdout into OUTDIR/NN.xml.
import os, shlex, sys, threading
sys.path.insert(0, "/usr/share/virt-manager")
import libvirt
libvirt.virEventRegisterDefaultImpl()
threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)],
                 daemon=True).start()
from virtinst import cli, diskbackend, virtinstall
diskbackend.manage_path = lambda conn, path: (os.path.abspath(path) if path else None, None, None)
infile, outdir, uri = sys.argv[1], sys.argv[2], sys.argv[3]
# one connection for every set: each new embedded driver probes QEMU again (~20 s here)
conn = cli.getConnection(uri)
for i, line in enumerate(open(infile)):
    with open("%s/%02d.xml" % (outdir, i), "w") as out:
        saved, sys.stdout = sys.stdout, out
        try:
            sys.argv = ["virt-install"] + shlex.split(line)
            virtinstall.main(conn=conn)
        except SystemExit:
            pass
        except Exception as e:
            print("set %d: %s" % (i, e), file=sys.stderr)
        finally:
            sys.stdout = saved
EOF

uri="qemu:///embed?root=$tmp/root"
img=$tmp/img
common="--connect $uri --print-xml --noautoconsole"
cat >"$tmp/sets" <<EOF
$common --name kvm-q35 --virt-type kvm --machine q35 --memory 2048 --vcpus 2 --os-variant debian11 --import --disk $img/disk0.qcow2,format=qcow2,bus=virtio --network network=default,model=virtio --graphics vnc
$common --name qemu-pc --virt-type qemu --machine pc --memory 1024 --vcpus 1 --os-variant debian11 --import --disk $img/disk1.img,format=raw,bus=sata --network bridge=br0 --graphics spice
$common --name uefi --virt-type kvm --memory 2048 --vcpus 4 --boot loader=/usr/share/OVMF/OVMF_CODE_4M.fd,loader.readonly=yes,loader.type=pflash,nvram.template=/usr/share/OVMF/OVMF_VARS_4M.fd --features smm.state=on --os-variant debian11 --import --disk $img/disk0.qcow2,format=qcow2 --network network=default --graphics none
$common --name cdrom --virt-type kvm --memory 2048 --vcpus 2 --os-variant debian11 --cdrom $img/install.iso --disk $img/disk0.qcow2,format=qcow2 --network network=default --graphics vnc,listen=0.0.0.0
$common --name kernel --virt-type qemu --memory 512 --vcpus 1 --os-variant generic --boot kernel=$img/vmlinuz,initrd=$img/initrd.img,kernel_args="console=ttyS0 quiet" --disk none --network none --graphics none
$common --name plain --virt-type kvm --memory 1024 --os-variant linux2022 --import --disk $img/disk1.img,format=raw,bus=scsi --controller type=scsi,model=virtio-scsi --network user --graphics none --serial pty --console pty
EOF

if ! unshare -m sh -c "mount --bind '$tmp/passwd' /etc/passwd && mount --bind '$tmp/group' /etc/group &&
        exec timeout 300 /usr/bin/python3 '$tmp/wrap.py' '$tmp/sets' '$tmp/out' '$uri'" >"$tmp/log" 2>&1; then
    note "$(grep -v '^20..-' "$tmp/log" | tail -5)"
fi
if ! grep -q '<domain' "$tmp"/out/*.xml 2>/dev/null; then
    skip "virt-install --print-xml round trips" \
        "virt-install produced no XML: $(grep -v '^20..-' "$tmp/log" | grep -m1 -E 'ERROR|rror')"
    exit 0
fi

# one domain: check its round trip, schema validity
check_xml() {
    local name=$1 f=$2
    if "$TOOL" --roundtrip "$f" >"$f.1" 2>"$f.err"; then
        ok "virt-install $name: parses and formats"
    else
        fail "virt-install $name: parses and formats"; note "$(cat "$f.err")" "$(cat "$f")"
        return
    fi
    "$TOOL" --roundtrip "$f.1" >"$f.2" 2>&1
    check "virt-install $name: format -> parse -> format is identical" cmp -s "$f.1" "$f.2"
    if xmllint --noout --relaxng "$SCHEMA" "$f.1" >"$f.lint" 2>&1; then
        ok "virt-install $name: output validates against domain.rng"
    else
        fail "virt-install $name: output validates against domain.rng"; note "$(cat "$f.lint")"
    fi
}

n=0
while IFS= read -r line; do
    f=$(printf '%s/out/%02d.xml' "$tmp" "$n"); n=$((n + 1))
    name=$(sed -E 's/.*--name ([^ ]+).*/\1/' <<<"$line")
    if ! grep -q '<domain' "$f"; then
        fail "virt-install $name printed XML"; note "$(grep -v '^20..-' "$tmp/log" | grep "set $((n - 1)):")"
        continue
    fi
    # an install from media prints two domains: the install boot, then the final one
    awk -v base="$f" '/<domain/ { k++ } k { print > (base "." k) }' "$f"
    for part in "$f".[0-9]; do
        k=${part##*.}
        if [ "$k" = 1 ] && [ ! -e "$f.2" ]; then check_xml "$name" "$part"; else check_xml "$name#$k" "$part"; fi
    done
done <"$tmp/sets"
done_testing
