#!/bin/sh
# oracle.sh: regenerate the expected outputs NAME.out.xml of this corpus
# with libvirt's own network XML code: Debian's virsh and its test driver
# (test:///default lives in the virsh process; nothing on the host is
# touched).  network_xml.c checks vireo's output against these files.
# Usage: tests/xml/network/oracle.sh [NAME.xml...]
set -eu
cd "$(dirname "$0")"
[ $# -gt 0 ] || set -- $(ls *.xml | grep -v -e '\.out\.xml$' -e '^bad-')
for f in "$@"; do
    name=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "$f" | head -n1)
    out=${f%.xml}.out.xml
    virsh -q -c test:///default "net-define $f; net-dumpxml $name" |
        sed -n '/^<network/,$p' > "$out.tmp"
    mv "$out.tmp" "$out"
done
