#!/bin/bash
# build-guest.sh [OUTDIR]: build the tiny test guest (FACTS.md, "A tiny
# test guest") from Debian's packages and cache it in OUTDIR (default
# $VIREO_BUILD/tests/guest).  Prints nothing when all is well.
#
# OUTDIR/vmlinuz              Debian's cloud kernel
# OUTDIR/initramfs.cpio.gz    busybox, the kernel's virtio/button modules, /init
# OUTDIR/kernel-version       which kernel it is
# OUTDIR/debs/                the downloaded packages (kept, so a recipe
#                             change rebuilds without the network)
#
# The guest's /init, on the serial console (console=ttyS0):
#   "VIREO-GUEST: userspace"      first line of userspace
#   "VIREO-GUEST: ready"          modules loaded, power button watched;
#                                 a shell (prompt "guest# ") follows
#   "VIREO-GUEST: powering off"   on the ACPI power button, then poweroff -f
#   "VIREO-GUEST: lease IFACE ADDR"  with vireo.dhcp=1 on the kernel command
#                                 line, each ethN asks DHCP (busybox udhcpc,
#                                 in the background) and this says what it got
#                                 (address, default route and resolv.conf set)
# The shell answers whatever is typed: a console round trip is
# `echo $((6*7))` (the answer "42" is not in the echoed input),
# `cat /proc/partitions` lists block devices, `reboot -f` resets,
# `echo c >/proc/sysrq-trigger` panics (pvpanic tells QEMU).
#
# Exit status: 0 built or cached; 2 the packages cannot be had (Debian's
# mirror unreachable: tests SKIP with the message); 1 anything else.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-${VIREO_GUEST_DIR:-${VIREO_BUILD:-$top/build}/tests/guest}}

# the recipe: the cache is rebuilt when this script changes
recipe=$(sha256sum "$0" | cut -c1-16)

die()     { echo "build-guest: $*" >&2; exit 1; }
no_pkgs() { echo "build-guest: $*" >&2; exit 2; }

# the kernel modules the guest loads (dependencies are added from the
# modules' own "depends=" and loaded first)
wanted_modules="virtio_pci virtio_mmio virtio_blk virtio_net virtio_scsi sd_mod sr_mod
    virtio_console virtio_rng virtio_balloon evdev button pvpanic_mmio pvpanic_pci"

cached() {
    [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.cpio.gz" ] &&
        [ "$(cat "$out/recipe" 2>/dev/null)" = "$recipe" ]
}

# apt-get download PKG... into $out/debs; one apt-get update and a retry
# when the package lists are missing or stale
fetch_debs() {
    local log=$out/debs/apt.log
    (cd "$out/debs" && apt-get download -qq -o APT::Sandbox::User=root "$@") >"$log" 2>&1 && return 0
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >>"$log" 2>&1
        (cd "$out/debs" && apt-get download -qq -o APT::Sandbox::User=root "$@") >>"$log" 2>&1 && return 0
    fi
    no_pkgs "cannot download $* from Debian's mirror: $(grep -E '^(E|W|Err):' "$log" | awk '!seen[$0]++' | head -n 3 | tr '\n' ' ')"
}

# the versioned kernel package linux-image-cloud-amd64 depends on
kernel_package() {
    local dep
    dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
          awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    if [ -z "$dep" ] && [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1
        dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
              awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    fi
    [ -n "$dep" ] || no_pkgs "apt-cache knows no linux-image-cloud-amd64 (is Debian's mirror in sources.list and reachable?)"
    echo "$dep"
}

get_debs() {
    mkdir -p "$out/debs"
    local kpkg
    if ! ls "$out"/debs/linux-image-*-cloud-amd64_*.deb >/dev/null 2>&1; then
        kpkg=$(kernel_package) || exit $?
        fetch_debs "$kpkg"
    fi
    ls "$out"/debs/busybox-static_*.deb >/dev/null 2>&1 || fetch_debs busybox-static
}

# module file for a module name (names use _, some files use -)
module_file() {
    local n=$1 f
    f=$(find "$kmods" -name "$n.ko" -o -name "${n//_/-}.ko" | head -n 1)
    echo "$f"
}

module_deps() { tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '; }

# append NAME and its dependencies (first) to $order, once each
add_module() {
    local n=$1 f d
    case " $order " in *" $n "*) return 0 ;; esac
    f=$(module_file "$n")
    if [ -z "$f" ]; then
        grep -qE "/$n\.ko$" "$kmods/../modules.builtin" 2>/dev/null && return 0
        die "kernel module $n is neither in $kpkg_file nor built in"
    fi
    for d in $(module_deps "$f"); do add_module "$d"; done
    order="$order $n"
    cp "$f" "$stage/lib/modules/$n.ko"
}

# busybox udhcpc's hook ($1: deconfig, bound, renew, leasefail, nak;
# the lease in $interface $ip $mask (prefix) $router $dns $domain)
write_udhcpc_script() {
    mkdir -p "$stage/usr/share/udhcpc"
    cat >"$stage/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
case "$1" in
deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
bound|renew)
    if ! ip -4 addr show dev "$interface" | grep -q "inet $ip/"; then
        ip -4 addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
    fi
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
    : >/etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    [ "$1" = bound ] && echo "VIREO-GUEST: lease $interface $ip" >/dev/console
    ;;
esac
exit 0
EOF
    chmod 755 "$stage/usr/share/udhcpc/default.script"
}

write_init() {
    cat >"$stage/init" <<'EOF'
#!/bin/sh
# The vireo test guest's init: markers on the serial console, the ACPI
# power button powers off, a shell answers on the console.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo "VIREO-GUEST: userspace"
for m in $(cat /etc/modules); do
    insmod "/lib/modules/$m.ko" 2>/dev/null || echo "VIREO-GUEST: insmod $m failed"
done
# The ACPI power button powers off.  Two watchers, the first to fire
# wins: one per "Power Button" input device (button.ko; microvm's GED
# button), and a poll of the fixed-event counter (q35/pc), because after
# a warm reset the kernel counts the first press without reporting it as
# a key.  A press before this point counts too (the counter starts at 0).
power_off() {
    mkdir /tmp/powering-off 2>/dev/null || return 0
    echo "VIREO-GUEST: powering off"
    sync
    poweroff -f
}
watch_button() {
    dd if="$1" of=/dev/null bs=24 count=1 2>/dev/null && power_off
}
watch_fixed() {
    while read -r n rest <"$1" && [ "$n" -eq 0 ]; do sleep 0.2; done
    power_off
}
buttons=0
for ev in /sys/class/input/event*; do
    [ -e "$ev" ] || continue
    case "$(cat "$ev/device/name" 2>/dev/null)" in
    *"Power Button"*) watch_button "/dev/input/${ev##*/}" & buttons=$((buttons + 1)) ;;
    esac
done
ff=/sys/firmware/acpi/interrupts/ff_pwr_btn
[ -r $ff ] && { watch_fixed $ff & buttons=$((buttons + 1)); }
[ "$buttons" -gt 0 ] || echo "VIREO-GUEST: no power button found"
ip link set lo up
if grep -qw vireo.dhcp=1 /proc/cmdline; then
    for n in /sys/class/net/eth*; do
        [ -e "$n" ] || continue
        ip link set "${n##*/}" up
        udhcpc -b -i "${n##*/}" -t 30 -T 2 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
    done
fi
echo "VIREO-GUEST: ready"
export PS1='guest# ' HOME=/root
while :; do setsid cttyhack sh; done
EOF
    chmod 755 "$stage/init"
}

build() {
    local kdeb bdeb kver
    get_debs
    kdeb=$(find "$out/debs" -name 'linux-image-*-cloud-amd64_*.deb' | sort | tail -n 1)
    bdeb=$(find "$out/debs" -name 'busybox-static_*.deb' | sort | tail -n 1)
    kpkg_file=$(basename "$kdeb")
    tmp=$(mktemp -d "$out/.build.XXXXXX") || die "cannot make a folder in $out"
    trap 'rm -rf "${tmp:-}"' EXIT
    mkdir -p "$tmp/k" "$tmp/b"
    dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$tmp/k" --wildcards \
        './boot/vmlinuz-*' './lib/modules/*/kernel/drivers/*' \
        './lib/modules/*/kernel/net/core/*' './lib/modules/*/modules.builtin' ||
        die "cannot unpack $kdeb"
    dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$tmp/b" ./bin/busybox ||
        die "cannot unpack $bdeb"
    kver=$(ls "$tmp/k/lib/modules")
    kmods=$tmp/k/lib/modules/$kver/kernel

    stage=$tmp/root
    mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,root,tmp,lib/modules}
    cp "$tmp/b/bin/busybox" "$stage/bin/busybox"
    local a
    for a in $("$stage/bin/busybox" --list); do
        [ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
    done
    order=""
    for a in $wanted_modules; do add_module "$a"; done
    echo "$order" | tr ' ' '\n' | sed '/^$/d' >"$stage/etc/modules"
    write_init
    write_udhcpc_script

    (cd "$stage" && find . | sort | "$stage/bin/busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
        gzip -9 >"$tmp/initramfs.cpio.gz" || die "cannot pack the initramfs"
    [ "$(stat -c %s "$tmp/initramfs.cpio.gz")" -gt 100000 ] || die "the initramfs came out empty"
    cp "$tmp/k/boot/vmlinuz-$kver" "$tmp/vmlinuz" || die "no vmlinuz-$kver in $kdeb"
    mv -f "$tmp/vmlinuz" "$out/vmlinuz"
    mv -f "$tmp/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
    echo "$kver" >"$out/kernel-version"
    echo "$recipe" >"$out/recipe"
}

mkdir -p "$out" || die "cannot make $out"
out=$(cd "$out" && pwd) # absolute: the packing step changes folder
cached && exit 0
# one builder at a time per cache
exec 9>"$out/.lock"
flock 9
cached && exit 0
for tool in apt-get apt-cache dpkg-deb gzip tar; do
    command -v "$tool" >/dev/null || no_pkgs "$tool is not installed (Debian's apt and dpkg are needed)"
done
build
