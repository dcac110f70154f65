#!/bin/sh
# Install the Debian packages vireo builds and tests with, if any is missing.
# Idempotent and quiet when everything is there.
set -eu

pkgs="gcc make meson ninja-build pkg-config
libglib2.0-dev libxml2-dev libxml2-utils libreadline-dev libjansson-dev
libtirpc-dev rpcsvc-proto python3
libgnutls28-dev
libvirt-clients libvirt0 python3-libvirt virtinst
libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
libiscsi-dev tgt parted
clang libclang-rt-dev
nfs-common lvm2
libnl-route-3-dev libnftables-dev nftables dnsmasq-base iproute2 busybox isc-dhcp-client
gnutls-bin libsasl2-dev sasl2-bin libsasl2-modules libsasl2-modules-db openssh-server openssh-client netcat-openbsd"

# the unprivileged user QEMU runs as on qemu:///system
"$(dirname "$0")/users.sh"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "vireo needs these Debian packages:$missing" >&2
    echo "run as root, or: sudo apt-get install$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; }
