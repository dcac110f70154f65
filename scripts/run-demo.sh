#!/bin/bash
# make run: the newcomer's first look.
#
# Until vireod and the QEMU driver exist, the demo runs on the test
# hypervisor: a node file under ./.vireo/ holds the demo guest, and both
# vireo and Debian's virsh open it (test:///PATH.xml), define, boot, list
# and inspect it.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
vireo=$top/$build/src/cli/vireo
root=$top/.vireo
node=$root/node.xml

mkdir -p "$root"
# libvirt's test node format: node facts plus the domains it starts with
cat >"$node" <<XML
<node>
  <cpu><mhz>2400</mhz><model>x86_64</model><active>2</active><nodes>1</nodes>
    <sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>
  <memory>4194304</memory>
</node>
XML
uri="test://$node"

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say "vireo -c $uri 'define examples/demo.xml; start demo; list --all; dominfo demo'"
"$vireo" -c "$uri" "define $top/examples/demo.xml; start demo; list --all; dominfo demo"

say "vireo -c $uri 'define examples/demo.xml; start demo; list --all --json'"
"$vireo" -c "$uri" "define $top/examples/demo.xml; start demo; list --all --json"

if command -v virsh >/dev/null; then
    say "virsh -c $uri 'define examples/demo.xml; start demo; list --all'   # Debian's virsh, same node"
    virsh -c "$uri" "define $top/examples/demo.xml; start demo; list --all"
fi

cat <<TXT

The test hypervisor keeps its state in the process, so each command line
above starts from the node file.  Try it yourself:

  $build/src/cli/vireo -c $uri             # interactive shell (help, list --all, ...)
  $build/src/cli/vireo -c test:///default list --all
  virsh -c test:///default list --all            # libvirt's own, for comparison

vireod (libvirt's wire protocol) and the QEMU driver arrive with the next
issues; then this demo boots a real guest under ./.vireo/.
TXT
