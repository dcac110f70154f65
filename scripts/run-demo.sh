#!/bin/bash
# make run: the newcomer's first look.
#
# Starts vireod on a root under ./.vireo/, then drives it with vireo and
# with Debian's virsh through libvirt's wire protocol: define the demo
# guest, boot it, list it, inspect it.  Until the QEMU driver exists the
# guest runs on the test hypervisor.  vireod keeps running afterwards, so
# you can try it yourself; the last lines say how to reach and stop it.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vireo=$top/$build/src/cli/vireo
vireod=$top/$build/src/daemon/vireod
root=$top/.vireo
sock=$root/run/libvirt/libvirt-sock
pidfile=$root/run/libvirtd.pid
uri="test+unix:///default?socket=$sock"

# a daemon left from an earlier `make run`: stop it by its pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill -TERM "$(cat "$pidfile")"
    for _ in $(seq 100); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.05; done
fi
mkdir -p "$root"
# -d returns once the sockets accept connections
"$vireod" --root "$root" -d

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "vireo -c '$uri' define examples/demo.xml"
"$vireo" -c "$uri" define "$top/examples/demo.xml"
say "vireo -c '$uri' start demo"
"$vireo" -c "$uri" start demo
say "vireo -c '$uri' list --all"
"$vireo" -c "$uri" list --all
say "virsh -c '$uri' dominfo demo      # Debian's virsh, unchanged"
virsh -c "$uri" dominfo demo
say "virsh -c '$uri' list --all"
virsh -c "$uri" list --all
say "/usr/bin/python3 -c 'import libvirt; ...'   # python3-libvirt, unchanged"
/usr/bin/python3 -c "
import libvirt
c = libvirt.open('$uri')
for d in c.listAllDomains():
    state, reason = d.state()
    print('%-6s state=%d reason=%d id=%d' % (d.name(), state, reason, d.ID()))
"

cat <<TXT

vireod is running (pid $(cat "$pidfile")), everything under $root.
Reach it with:

  $build/src/cli/vireo -c '$uri'        # interactive shell
  virsh -c '$uri'
  LIBVIRT_DEFAULT_URI='$uri' virt-install ...   # any libvirt client

Stop it with:  kill \$(cat $pidfile)

The QEMU driver arrives with the next issue; then this demo boots a real
guest under ./.vireo/.
TXT
