#!/bin/bash
# test-volumes.sh: volumes of a dir pool driven by Debian's virsh against
# vireod, checked on disk with qemu-img, cmp and du:
#  - create raw (sparse, fully allocated), qcow2, qcow2 over a backing
#    volume; create-from converting to raw, qcow2, vdi, vmdk, vhdx; clone;
#  - info, dumpxml (against storagevol.rng), path, key and path lookups,
#    vol-list --details; wipe; resize (grow, shrink refused, shrink);
#    delete;
#  - bad input refused with libvirt's code and nothing changed: a name in
#    use (90), a volume larger than the pool's free space, a shrink
#    without the flag, an upload longer than the volume;
#  - a sparse 1 GiB volume uploaded and downloaded byte for byte, holes
#    sent as holes (the daemon writes far less than 1 GiB to its socket);
#  - LUKS-encrypted qcow2 and raw volumes keyed by a secret.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "volumes through $VIREO_TEST_DAEMON" "this drives vireod's node storage"
    exit 0
fi
for tool in virsh qemu-img xmllint; do
    if ! command -v $tool >/dev/null; then
        skip "volumes" "$tool is not installed"
        exit 0
    fi
done
work=$(mktemp -d /tmp/vireo-volumes.XXXXXX)
trap 'daemon_cleanup; rm -rf "$work"' EXIT
require_daemon
uri="qemu+unix:///system?socket=$DAEMON_SOCK"
py=/usr/bin/python3
MiB=1048576

vsh() { timeout 120 virsh -q -c "$uri" "$@"; }
# the command fails and its message contains the text
fails_with() {
    local text=$1 out; shift
    if out=$("$@" 2>&1); then note "succeeded: $out"; return 1; fi
    grep -q -- "$text" <<<"$out" && return 0
    note "message: $out"; return 1
}
# libvirt's error code of a python3-libvirt call on pool 'p' (0: it worked)
py_code() {
    $py - "$uri" "$@" <<'EOF'
import sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
conn = libvirt.open(sys.argv[1])
pool = conn.storagePoolLookupByName('p')
try:
    exec(sys.argv[2])
    print(0)
except libvirt.libvirtError as e:
    print(e.get_error_code())
EOF
}
img_field() { qemu-img info -U --output=json "$2" | $py -c "import json,sys; print(json.load(sys.stdin).get('$1'))"; }
size_of() { stat -c %s "$1"; }
blocks_of() { stat -c %b "$1"; }
P=$work/p

mkdir -p "$P"
check "pool-define-as + pool-start (dir)" quietly sh -c \
    "virsh -q -c '$uri' pool-define-as p dir --target '$P' && virsh -q -c '$uri' pool-start p"

# ---- create ----
check "vol-create-as raw 64M --allocation 0" quietly vsh vol-create-as p r.raw 64M --allocation 0
check_eq "it is a 64 MiB sparse file" "$((64 * MiB)) 0" "$(size_of "$P/r.raw") $(blocks_of "$P/r.raw")"
check "vol-create-as raw 8M (no allocation: fully allocated, as libvirt)" \
    quietly vsh vol-create-as p full.raw 8M
check "and its blocks are allocated" test "$(($(blocks_of "$P/full.raw") * 512))" -ge $((8 * MiB))
check "vol-create-as qcow2 128M" quietly vsh vol-create-as p q.qcow2 128M --format qcow2
check_eq "qemu-img: qcow2, 128 MiB" "qcow2 $((128 * MiB))" \
    "$(img_field format "$P/q.qcow2") $(img_field virtual-size "$P/q.qcow2")"
check "vol-create-as qcow2 over the raw volume as backing store" quietly \
    vsh vol-create-as p top.qcow2 64M --format qcow2 --backing-vol r.raw --backing-vol-format raw
check_eq "qemu-img: the backing file and its format" "$P/r.raw raw" \
    "$(img_field backing-filename "$P/top.qcow2") $(img_field backing-filename-format "$P/top.qcow2")"
check "vol-dumpxml shows the backing store" \
    grep -q "<path>$P/r.raw</path>" <(vsh vol-dumpxml top.qcow2 --pool p)

check "vol-create-as qcow2 --prealloc-metadata --allocation 0" quietly \
    vsh vol-create-as p pm.qcow2 16M --format qcow2 --prealloc-metadata --allocation 0
check "its file spans the whole 16 MiB (metadata preallocated)" \
    test "$(size_of "$P/pm.qcow2")" -ge $((16 * MiB))
check "--prealloc-metadata on raw is refused (libvirt: qcow2 only)" \
    fails_with "only available with qcow2" vsh vol-create-as p pm.raw 1M --prealloc-metadata
check "and no file was made" test ! -e "$P/pm.raw"

# ---- bad input changes nothing ----
before=$(stat -c '%s %b %Y' "$P/r.raw")
check_eq "a name in use: STORAGE_VOL_EXIST (90)" 90 \
    "$(py_code "pool.createXML(\"<volume><name>r.raw</name><capacity>1</capacity></volume>\")")"
check_eq "and the existing volume is untouched" "$before" "$(stat -c '%s %b %Y' "$P/r.raw")"
check "a volume larger than the pool's free space is refused" \
    fails_with "Not enough space left" vsh vol-create-as p huge.raw 100000T
check "and no file was made" test ! -e "$P/huge.raw"
check_eq "with OPERATION_FAILED (9)" 9 \
    "$(py_code "pool.createXML(\"<volume><name>huge.raw</name><capacity unit='T'>100000</capacity></volume>\")")"

# ---- create-from: every format, checked by qemu-img ----
head -c $MiB /dev/urandom >"$work/marker"
dd if="$work/marker" of="$P/r.raw" bs=1M seek=5 conv=notrunc status=none
for fmt in raw qcow2 vdi vmdk vhdx; do
    cat >"$work/c.xml" <<EOF
<volume><name>c.$fmt</name><capacity>0</capacity><target><format type='$fmt'/></target></volume>
EOF
    check "vol-create-from r.raw to $fmt" quietly vsh vol-create-from p "$work/c.xml" r.raw --inputpool p
    check_eq "qemu-img says $fmt" "$fmt" "$(img_field format "$P/c.$fmt")"
    check "the same bytes (qemu-img compare)" quietly \
        qemu-img compare -U -f raw -F "$fmt" "$P/r.raw" "$P/c.$fmt"
done
check "vol-clone" quietly vsh vol-clone r.raw clone.raw --pool p
check "the clone has the same bytes" cmp -s "$P/r.raw" "$P/clone.raw"
check "the clone is sparse too" test "$(blocks_of "$P/clone.raw")" -lt $((8 * MiB / 512))

# ---- what vireod says ----
for v in r.raw full.raw q.qcow2 top.qcow2 c.vdi c.vmdk clone.raw; do
    vsh vol-dumpxml "$v" --pool p >"$work/$v.xml"
done
check "vol-dumpxml of raw, qcow2, backing, vdi, vmdk validates against storagevol.rng" quietly \
    xmllint --noout --relaxng /usr/share/libvirt/schemas/storagevol.rng \
    "$work/r.raw.xml" "$work/full.raw.xml" "$work/q.qcow2.xml" "$work/top.qcow2.xml" \
    "$work/c.vdi.xml" "$work/c.vmdk.xml" "$work/clone.raw.xml"
vsh vol-dumpxml c.vhdx --pool p >"$work/c.vhdx.xml"
check "vhdx volume: <format type='vhdx'/> (outside libvirt's schema, which lacks vhdx)" \
    grep -q "<format type='vhdx'/>" "$work/c.vhdx.xml"
sed "s/<format type='vhdx'\/>/<format type='raw'\/>/" "$work/c.vhdx.xml" >"$work/c.vhdx-as-raw.xml"
check "the vhdx XML fails storagevol.rng on that value alone" quietly \
    xmllint --noout --relaxng /usr/share/libvirt/schemas/storagevol.rng "$work/c.vhdx-as-raw.xml"
check_eq "vol-info: type and capacity" "file 64.00 MiB" \
    "$(vsh vol-info r.raw --pool p | awk '/^Type:/ {t=$2} /^Capacity:/ {c=$2" "$3} END {print t, c}')"
check_eq "vol-path" "$P/q.qcow2" "$(vsh vol-path q.qcow2 --pool p)"
check_eq "vol-key is the path" "$P/q.qcow2" "$(vsh vol-key q.qcow2 --pool p)"
check_eq "lookup by key (vol-name)" "q.qcow2" "$(vsh vol-name "$P/q.qcow2")"
check_eq "lookup by path (vol-info PATH)" "Capacity: 128.00 MiB" \
    "$(vsh vol-info "$P/q.qcow2" | awk '/^Capacity:/ {print $1, $2, $3}')"
check_eq "lookup by a path with // (libvirt cleans it)" "q.qcow2" "$(vsh vol-name "$P//q.qcow2")"
check_eq "vol-list --details: name, type, capacity of the qcow2" "q.qcow2 file 128.00 MiB" \
    "$(vsh vol-list p --details | awk '$1 == "q.qcow2" {print $1, $3, $4, $5}')"
check_eq "vol-list names every volume" \
    "c.qcow2 c.raw c.vdi c.vhdx c.vmdk clone.raw full.raw pm.qcow2 q.qcow2 r.raw top.qcow2" \
    "$(vsh vol-list p | awk '{print $1}' | xargs)"

# ---- wipe, resize, delete ----
check "vol-wipe" quietly vsh vol-wipe clone.raw --pool p
check "the wiped volume reads as zeros" cmp -s -n $((64 * MiB)) "$P/clone.raw" /dev/zero
check_eq "and keeps its size" $((64 * MiB)) "$(size_of "$P/clone.raw")"
check "vol-resize grows raw to 96M" quietly vsh vol-resize r.raw 96M --pool p
check_eq "the file is 96 MiB" $((96 * MiB)) "$(size_of "$P/r.raw")"
check "shrinking without --shrink is refused" \
    fails_with "shrink flag" vsh vol-resize r.raw 32M --pool p
check_eq "with INVALID_ARG (8)" 8 \
    "$(py_code "pool.storageVolLookupByName('r.raw').resize(32 << 20)")"
check_eq "and the file is still 96 MiB" $((96 * MiB)) "$(size_of "$P/r.raw")"
check "vol-resize --shrink to 32M" quietly vsh vol-resize r.raw 32M --pool p --shrink
check_eq "the file is 32 MiB" $((32 * MiB)) "$(size_of "$P/r.raw")"
check "vol-resize --delta grows qcow2 by 64M" quietly vsh vol-resize q.qcow2 64M --pool p --delta
check_eq "qemu-img: 192 MiB" $((192 * MiB)) "$(img_field virtual-size "$P/q.qcow2")"
check "vol-delete" quietly vsh vol-delete clone.raw --pool p
check "the file is gone" test ! -e "$P/clone.raw"
check "and the volume too" fails_with "no storage vol" vsh vol-info clone.raw --pool p

# ---- upload / download of a sparse 1 GiB volume ----
src=$work/sparse.src
truncate -s 1G "$src"
dd if="$work/marker" of="$src" bs=1M seek=0 conv=notrunc status=none
dd if="$work/marker" of="$src" bs=1M seek=300 conv=notrunc status=none
dd if="$work/marker" of="$src" bs=1M seek=1023 conv=notrunc status=none
check "vol-create-as s.raw 1G --allocation 0" quietly vsh vol-create-as p s.raw 1G --allocation 0
# what crossed the wire for a download: "DATA HOLES" byte counts, through
# python3-libvirt's sparse receive (its handlers see data and holes apart)
crossed() {
    $py - "$uri" "$@" <<'EOF'
import sys, libvirt
conn = libvirt.open(sys.argv[1])
vol = conn.storagePoolLookupByName('p').storageVolLookupByName(sys.argv[2])
flags = int(sys.argv[3])
counts = [0, 0]
def data(st, buf, opaque):
    counts[0] += len(buf)
    return len(buf)
def hole(st, length, opaque):
    counts[1] += length
    return 0
st = conn.newStream(0)
vol.download(st, 0, 0, flags)
if flags:
    st.sparseRecvAll(data, hole, None)
else:
    st.recvAll(data, None)
st.finish()
print(counts[0], counts[1])
EOF
}
check "vol-upload --sparse" quietly vsh vol-upload s.raw "$src" --pool p --sparse
check "the volume holds the uploaded bytes" cmp -s "$src" "$P/s.raw"
check "and stays sparse (du under 16 MiB)" test "$(du -k "$P/s.raw" | cut -f1)" -lt 16384
check "vol-download --sparse" quietly vsh vol-download s.raw "$work/down" --pool p --sparse
check "the download is byte for byte the upload" cmp -s "$src" "$work/down"
check "the downloaded file is sparse again (du under 16 MiB)" \
    test "$(du -k "$work/down" | cut -f1)" -lt 16384
read -r data holes < <(crossed s.raw 1)
check_eq "a sparse download sends the 3 MiB of data as data, the rest as holes" \
    "$((3 * MiB)) $((1021 * MiB))" "$data $holes"
check "vol-download without --sparse" quietly vsh vol-download s.raw "$work/down2" --pool p
check "the same bytes" cmp -s "$src" "$work/down2"
read -r data holes < <(crossed s.raw 0)
check_eq "a plain download sends all 1 GiB as data" "$((1024 * MiB)) 0" "$data $holes"
check "vol-download --offset --length" quietly \
    vsh vol-download s.raw "$work/part" --pool p --offset $((300 * MiB)) --length $MiB
check "gives that range" cmp -s "$work/marker" "$work/part"

check "vol-create-as small.raw 1M" quietly vsh vol-create-as p small.raw 1M --allocation 0
head -c $((2 * MiB)) /dev/urandom >"$work/big"
check "an upload longer than the volume is refused" \
    fails_with "cannot write" vsh vol-upload small.raw "$work/big" --pool p
check_eq "nothing beyond the volume was written (still 1 MiB)" $MiB "$(size_of "$P/small.raw")"
check_eq "an upload asking for more than the volume: INVALID_ARG (8)" 8 "$(py_code "
st = conn.newStream(0)
pool.storageVolLookupByName('small.raw').upload(st, 0, 2 << 20, 0)")"

# ---- LUKS volumes keyed by a secret ----
uuid=5a3f0c1e-4b2d-4e6f-8a9b-0c1d2e3f4a5b
cat >"$work/secret.xml" <<EOF
<secret ephemeral='no' private='yes'><uuid>$uuid</uuid>
<usage type='volume'><volume>$P/enc.qcow2</volume></usage></secret>
EOF
if vsh secret-define "$work/secret.xml" >/dev/null 2>&1 &&
   vsh secret-set-value $uuid "$(printf 'pass phrase' | base64)" >/dev/null 2>&1; then
    for fmt in qcow2 raw; do
        cat >"$work/enc.xml" <<EOF
<volume><name>enc.$fmt</name><capacity unit='MiB'>32</capacity>
<target><format type='$fmt'/><encryption format='luks'>
<secret type='passphrase' uuid='$uuid'/></encryption></target></volume>
EOF
        check "vol-create LUKS $fmt with the secret" quietly vsh vol-create p "$work/enc.xml"
        if [ $fmt = qcow2 ]; then
            opts="driver=qcow2,encrypt.key-secret=k,file.filename=$P/enc.$fmt"
        else
            opts="driver=luks,key-secret=k,file.filename=$P/enc.$fmt"
        fi
        rm -f "$work/plain"
        check "qemu-img reads it with the secret's value" quietly qemu-img convert -U \
            --object secret,id=k,data='pass phrase' --image-opts "$opts" -O raw "$work/plain"
        check_eq "32 MiB inside" $((32 * MiB)) "$(size_of "$work/plain")"
        check "and not with another key" fails_with "Invalid password" qemu-img convert -U \
            --object secret,id=k,data='wrong' --image-opts "$opts" -O raw "$work/plain2"
        check "vol-dumpxml: <encryption format='luks'>" \
            grep -q "<encryption format='luks'" <(vsh vol-dumpxml enc.$fmt --pool p)
    done
    check_eq "qemu-img: the qcow2 is encrypted, 32 MiB" "True $((32 * MiB))" \
        "$(img_field encrypted "$P/enc.qcow2") $(img_field virtual-size "$P/enc.qcow2")"
    check "a LUKS volume without a secret is refused" fails_with "secret" vsh vol-create p \
        <(echo "<volume><name>nokey</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption format='luks'/></target></volume>")
    check "and no file was made" test ! -e "$P/nokey"
else
    skip "LUKS volumes" "secret-define / secret-set-value do not work here"
fi

# ---- after a refresh the list is read from the disk again ----
check "pool-refresh" quietly vsh pool-refresh p
check_eq "formats probed back" "c.vdi:vdi c.vhdx:vhdx c.vmdk:vmdk top.qcow2:qcow2" \
    "$(for v in c.vdi c.vhdx c.vmdk top.qcow2; do
        printf '%s:%s ' $v "$(vsh vol-dumpxml $v --pool p | sed -n "s/.*<format type='\([a-z0-9]*\)'.*/\1/p" | head -n1)"
      done | xargs)"

vsh pool-destroy p >/dev/null 2>&1
# sanitizer builds: reports while serving (leaks at exit fail the stop)
if grep -q 'runtime error\|ERROR: AddressSanitizer' "$DAEMON_LOG"; then
    fail "vireod reported no sanitizer error"
    grep -A 20 'runtime error\|ERROR: AddressSanitizer' "$DAEMON_LOG" | head -n 60 | sed 's/^/# /'
else
    ok "vireod reported no sanitizer error"
fi
if daemon_stop; then ok "SIGTERM: exit 0"; else fail "SIGTERM: $DAEMON_STOP_WHY"; daemon_show_log; fi
done_testing
