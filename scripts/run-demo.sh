#!/bin/bash
# make run: the newcomer's first look.
#
# Builds the tiny demo guest (a Debian kernel and a busybox initramfs),
# starts vireod on a root under ./.vireo/, then drives it through libvirt's
# wire protocol with vireo, Debian's virsh and python3-libvirt: define the
# demo guest, boot it under QEMU, watch it reach userspace, list and
# inspect it.  vireod keeps running afterwards so you can try it yourself;
# the last lines say how to reach and stop it.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vireo=$top/$build/src/cli/vireo
vireod=$top/$build/src/daemon/vireod
root=$top/.vireo
sock=$root/run/libvirt/libvirt-sock
pidfile=$root/run/libvirtd.pid
guest=$top/$build/tests/guest
uri="qemu+unix:///system?socket=$sock"

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

echo "building the demo guest in $guest (once; from Debian's packages)"
"$top/tests/qemu/build-guest.sh" "$guest"

# a daemon left from an earlier `make run`: stop it, and its guest, by pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    "$vireo" -q -c "$uri" destroy demo >/dev/null 2>&1 || true
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 100); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.05; done
fi
rm -rf "$root"
mkdir -p "$root"
sed -e "s|@KERNEL@|$guest/vmlinuz|" -e "s|@INITRD@|$guest/initramfs.cpio.gz|" \
    -e "s|@SERIAL_LOG@|$root/demo-serial.log|" "$top/examples/demo.xml" >"$root/demo.xml"

# -d returns once the sockets accept connections
"$vireod" --root "$root" -d

say "vireo -c '$uri' define .vireo/demo.xml"
"$vireo" -c "$uri" define "$root/demo.xml"
say "vireo -c '$uri' start demo"
"$vireo" -c "$uri" start demo
say "vireo -c '$uri' list --all"
"$vireo" -c "$uri" list --all

printf '\nwaiting for the guest to reach userspace (its serial console, %s):\n' ".vireo/demo-serial.log"
for _ in $(seq 300); do grep -q 'VIREO-GUEST: ready' "$root/demo-serial.log" 2>/dev/null && break; sleep 0.1; done
grep 'VIREO-GUEST' "$root/demo-serial.log" || echo "(no marker yet: see $root/var/log/libvirt/qemu/demo.log)"

say "vireo -c '$uri' net-list --all   # 'default' is defined, left inactive under --root"
"$vireo" -c "$uri" net-list --all

say "virsh -c '$uri' dominfo demo      # Debian's virsh, unchanged"
virsh -c "$uri" dominfo demo
say "/usr/bin/python3 -c 'import libvirt; ...'   # python3-libvirt, unchanged"
/usr/bin/python3 -c "
import libvirt
c = libvirt.open('$uri')
for d in c.listAllDomains():
    state, reason = d.state()
    print('%-6s state=%d reason=%d id=%d' % (d.name(), state, reason, d.ID()))
"

cat <<TXT

vireod is running (pid $(cat "$pidfile")) with the demo guest, everything under .vireo/.
Reach it with:

  $build/src/cli/vireo -c '$uri'     # interactive shell
  virsh -c '$uri'
  $build/src/cli/vireo -c '$uri' console demo   # its serial console (leave with ^])
  tail -f .vireo/demo-serial.log           # what the guest prints on its serial console

The test hypervisor is served too: 'test+unix:///default?socket=$sock'.
Stop everything with:  $build/src/cli/vireo -c '$uri' destroy demo; kill \$(cat .vireo/run/libvirtd.pid)
TXT
