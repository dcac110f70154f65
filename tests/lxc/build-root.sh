#!/bin/bash
# build-root.sh DIR: a busybox root folder for a container in DIR (made
# when missing): /bin/busybox (Debian's busybox-static) and its applet
# links, /sbin/init, /etc/passwd, group, hostname, and the empty mount
# points /proc /sys /dev /tmp /root, all readable by any uid so a user
# namespace's mapped root can use it.  Prints nothing when all is well.
#
# /sbin/init says "VIREO-CT: ready" on its console, then waits; SIGTERM
# (a shutdown) makes it say "VIREO-CT: stopping" and end.
#
# busybox-static comes from the test guest's cache (tests/qemu/
# build-guest.sh), apt's cache, or apt-get download into
# $VIREO_BUILD/tests/lxc-debs.
# Exit status: 0 built; 2 the package cannot be had (tests SKIP with the
# message); 1 anything else.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:?usage: build-root.sh DIR}
cache=${VIREO_BUILD:-$top/build}/tests/lxc-debs

die()     { echo "build-root: $*" >&2; exit 1; }
no_pkgs() { echo "build-root: $*" >&2; exit 2; }

find_deb() {
    local d
    for d in "$cache" "${VIREO_GUEST_DIR:-${VIREO_BUILD:-$top/build}/tests/guest}/debs" \
             /var/cache/apt/archives; do
        ls "$d"/busybox-static_*.deb 2>/dev/null | sort | tail -n 1
    done | head -n 1
}

deb=$(find_deb)
if [ -z "$deb" ]; then
    mkdir -p "$cache" || die "cannot make $cache"
    (cd "$cache" && apt-get download -qq -o APT::Sandbox::User=root busybox-static) \
        >"$cache/apt.log" 2>&1 ||
        no_pkgs "cannot download busybox-static: $(grep -E '^(E|W|Err):' "$cache/apt.log" | head -n 2 | tr '\n' ' ')"
    deb=$(find_deb)
    [ -n "$deb" ] || no_pkgs "busybox-static downloaded but not found in $cache"
fi

mkdir -p "$dir" || die "cannot make $dir"
tmp=$(mktemp -d "$dir/.unpack.XXXXXX") || die "cannot make a folder in $dir"
trap 'rm -rf "${tmp:-}"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./bin/busybox || die "cannot unpack $deb"

mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin} || die "cannot fill $dir"
cp "$tmp/bin/busybox" "$dir/bin/busybox" || die "cannot copy busybox"
for a in $("$dir/bin/busybox" --list); do
    [ "$a" = busybox ] || [ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
done

cat >"$dir/sbin/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
trap 'echo "VIREO-CT: stopping"; exit 0' TERM
echo "VIREO-CT: ready"
while :; do sleep 1; done
INIT
chmod 755 "$dir/sbin/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$dir/etc/group"
echo container >"$dir/etc/hostname"
chmod 755 "$dir" "$dir"/{bin,sbin,etc,proc,sys,dev,root,usr,usr/bin,usr/sbin}
chmod 1777 "$dir/tmp"
