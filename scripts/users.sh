#!/bin/sh
# Create the unprivileged user QEMU runs as on qemu:///system (qemu.conf's
# default user and group "vireo-qemu"; libvirt's Debian package has
# libvirt-qemu:kvm), in group kvm so that it may open /dev/kvm.
# Idempotent and quiet when it exists.  Called by deps.sh.
set -eu

user=vireo-qemu
getent passwd "$user" >/dev/null && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "QEMU on qemu:///system runs as user '$user', which does not exist;" >&2
    echo "run as root: $0" >&2
    exit 0
fi
getent group kvm >/dev/null || groupadd --system kvm
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group --groups kvm "$user"
echo "created user $user (groups: $(id -Gn "$user"))"
