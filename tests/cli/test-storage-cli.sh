#!/bin/bash
# test-storage-cli.sh: vireo's pool-*, vol-* and secret-* commands against
# vireod, side by side with Debian's virsh on the same daemon.
#
# vireo (through the remote driver) builds a dir pool in a temp folder,
# an inactive and a transient pool, volumes (raw, qcow2, qcow2 over a
# backing volume, a clone), secrets; then every listing and info command
# runs through both tools and must print the same bytes and exit the same
# way.  Changes vireo makes are checked on disk (qemu-img), and a sparse
# upload/download round-trips byte for byte with its holes kept.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "storage commands through $VIREO_TEST_DAEMON" "this test drives vireod's storage driver (QEMU URI)"
    exit 0
fi
for tool in virsh qemu-img; do
    if ! command -v $tool >/dev/null; then
        skip "storage commands side by side with virsh" "$tool is not installed"
        exit 0
    fi
done
if [ ! -x "$VIREO" ]; then
    fail "vireo is built at $VIREO"
    exit 1
fi

tmp=$(mktemp -d /tmp/vireo-storage-cli.XXXXXX)
trap 'daemon_cleanup; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

require_daemon
URI="qemu+unix:///system?socket=$DAEMON_SOCK"
vir() { timeout 60 "$VIREO" -c "$URI" "$@"; }
vsh() { timeout 60 virsh -c "$URI" "$@"; }

# same NAME ARGS...: virsh and vireo print the same stdout and stderr, and
# vireo succeeds (same_err: it fails; same_any: either), so two equal
# failures never pass for a match.  Sizes a pool reports come from the host's file system,
# which other processes change: a difference is retried twice, each time
# reading virsh before and after vireo, before it counts.
same() { _same 0 "$@"; }
same_err() { _same 1 "$@"; }
same_any() { _same 2 "$@"; }
_same() {
    local want_fail=$1 name=$2 try
    shift 2
    for try in 1 2 3; do
        vsh "$@" >v1.out 2>v1.err; echo "rc=$?" >>v1.out
        vir "$@" >m.out 2>m.err; echo "rc=$?" >>m.out
        if grep -qx 'rc=0' m.out; then [ "$want_fail" != 1 ] || break
        else [ "$want_fail" != 0 ] || break; fi
        if cmp -s v1.out m.out && cmp -s v1.err m.err; then
            ok "same as virsh: $name"
            return 0
        fi
        vsh "$@" >v2.out 2>v2.err; echo "rc=$?" >>v2.out
        if cmp -s v2.out m.out && cmp -s v2.err m.err; then
            ok "same as virsh: $name"
            return 0
        fi
    done
    fail "same as virsh: $name"
    note "stdout diff (virsh, vireo):"
    diff v1.out m.out | sed 's/^/#   /'
    note "stderr diff (virsh, vireo):"
    diff v1.err m.err | sed 's/^/#   /'
}

P1=$tmp/pool1
P2=$tmp/pool2
P3=$tmp/pool3

# --- pools: made by vireo ---------------------------------------------
check "vireo pool-define-as p1 dir --target" quietly vir pool-define-as p1 dir --target "$P1"
check "vireo pool-build p1 makes the target folder" quietly vir pool-build p1
check "the target folder exists after pool-build" test -d "$P1"
check "vireo pool-start p1" quietly vir pool-start p1
check "vireo pool-autostart p1" quietly vir pool-autostart p1
check "vireo pool-define-as p2 (left inactive)" quietly vir pool-define-as p2 dir --target "$P2"
mkdir -p "$P3"
check "vireo pool-create-as p3 (transient)" quietly vir pool-create-as p3 dir --target "$P3"
check_eq "vireo pool-list --all --name" "p1                  
p2                  
p3                  " "$(vir -q pool-list --all --name | sed '/^$/d')"
check_eq "vireo pool-name of p1's uuid is p1" "p1" \
    "$(vir pool-name "$(vir pool-uuid p1 | head -n1)" | head -n1)"
vir pool-dumpxml p1 >p1.xml 2>p1.err
check "vireo pool-dumpxml p1 names its target" grep -q "<path>$P1</path>" p1.xml
vir pool-dumpxml --inactive p2 | sed "s|$P2|$tmp/pool2b|" >p2.xml
check_eq "vireo pool-define of an edited p2 modifies it" "Pool p2 defined from p2.xml" \
    "$(vir pool-define p2.xml 2>&1 | head -n1)"
check "p2's new target is in its XML" bash -c "timeout 30 '$VIREO' -c '$URI' pool-dumpxml p2 | grep -q '<path>$tmp/pool2b</path>'"
vir pool-define-as p4 dir --target "$tmp/pool4" --print-xml >p4.xml 2>&1
check_eq "vireo pool-define-as --print-xml prints virsh's XML" "<pool type='dir'>
  <name>p4</name>
  <target>
    <path>$tmp/pool4</path>
  </target>
</pool>" "$(cat p4.xml)"
check "pool-define-as --print-xml defines nothing" bash -c "! timeout 30 '$VIREO' -c '$URI' pool-info p4 >/dev/null 2>&1"

# --- volumes: made by vireo -------------------------------------------
check "vireo vol-create-as raw 10M" quietly vir vol-create-as p1 a.img 10M
check "vireo vol-create-as qcow2 20M" quietly vir vol-create-as p1 b.qcow2 20M --format qcow2
check "vireo vol-create-as qcow2 over backing a.img" quietly \
    vir vol-create-as p1 c.qcow2 10M --format qcow2 --backing-vol a.img --backing-vol-format raw
check "vireo vol-clone a.img a2.img" quietly vir vol-clone a.img a2.img --pool p1
check_eq "a.img is 10 MiB on disk (qemu-img)" "10485760" \
    "$(qemu-img info --output=json "$P1/a.img" 2>/dev/null | sed -n 's/.*"virtual-size": \([0-9]*\).*/\1/p')"
check "b.qcow2 is qcow2 on disk" bash -c "qemu-img info '$P1/b.qcow2' | grep -q 'file format: qcow2'"
check "c.qcow2's backing file is a.img" bash -c "qemu-img info '$P1/c.qcow2' | grep -q 'backing file: $P1/a.img'"
check "vireo vol-resize a2.img 12M" quietly vir vol-resize a2.img 12M --pool p1
check_eq "a2.img is 12 MiB after resize" "12582912" "$(stat -c %s "$P1/a2.img" 2>/dev/null)"
check "vireo vol-resize refuses to shrink without --shrink" bash -c "! timeout 30 '$VIREO' -c '$URI' vol-resize a2.img 1M --pool p1 >/dev/null 2>&1"
check_eq "the refused shrink changed nothing" "12582912" "$(stat -c %s "$P1/a2.img" 2>/dev/null)"
check_eq "vireo vol-path" "$P1/a.img" "$(vir vol-path a.img --pool p1 | head -n1)"
check_eq "vireo vol-pool by path" "p1" "$(vir vol-pool "$P1/a.img" | head -n1)"
check_eq "vireo vol-name by key" "a.img" "$(vir vol-name "$(vir vol-key a.img --pool p1 | head -n1)" | head -n1)"
check "vireo pool-refresh p1" quietly vir pool-refresh p1

# --- sparse upload / download -----------------------------------------
# 8 MiB with data at 0, 3 MiB and the last 4 KiB; holes between.
truncate -s 8M sparse.src
printf 'head-of-file' | dd of=sparse.src conv=notrunc status=none
head -c 65536 /dev/urandom | dd of=sparse.src bs=1M seek=3 conv=notrunc status=none
printf 'tail' | dd of=sparse.src bs=1 seek=$((8 * 1048576 - 4)) conv=notrunc status=none
check "vireo vol-create-as up.img 8M" quietly vir vol-create-as p1 up.img 8M
check "vireo vol-upload --sparse" quietly vir vol-upload up.img sparse.src --pool p1 --sparse
check "the uploaded volume equals the file" cmp -s sparse.src "$P1/up.img"
check "vireo vol-download --sparse" quietly vir vol-download up.img sparse.dst --pool p1 --sparse
check "the downloaded file equals the volume" cmp -s sparse.src sparse.dst
used=$(du -k sparse.dst | cut -f1)
if [ "${used:-99999}" -lt 1024 ]; then ok "the downloaded file kept its holes (${used} KiB used of 8 MiB)"
else fail "the downloaded file kept its holes (${used} KiB used of 8 MiB)"; fi
check "vireo vol-download (not sparse)" quietly vir vol-download up.img plain.dst --pool p1
check "the plain download equals the volume" cmp -s sparse.src plain.dst
head -c 4096 /dev/urandom >part.src
check "vireo vol-upload --offset 1M --length 4096" quietly \
    vir vol-upload up.img part.src --pool p1 --offset 1048576 --length 4096
check "only the 4 KiB at 1 MiB changed" bash -c "cmp -s <(head -c 1048576 sparse.src) <(head -c 1048576 '$P1/up.img') &&
    cmp -s part.src <(tail -c +1048577 '$P1/up.img' | head -c 4096) &&
    cmp -s <(tail -c +1052673 sparse.src) <(tail -c +1052673 '$P1/up.img')"

# --- secrets: made by vireo -------------------------------------------
cat >s1.xml <<EOF
<secret ephemeral='no' private='no'>
  <uuid>5a0b8a3e-2c41-4b8e-9d0f-0123456789a1</uuid>
  <usage type='volume'>
    <volume>$P1/b.qcow2</volume>
  </usage>
</secret>
EOF
cat >s2.xml <<EOF
<secret ephemeral='no' private='yes'>
  <uuid>5a0b8a3e-2c41-4b8e-9d0f-0123456789a2</uuid>
  <usage type='ceph'>
    <name>client.admin</name>
  </usage>
</secret>
EOF
cat >s3.xml <<EOF
<secret ephemeral='no' private='no'>
  <uuid>5a0b8a3e-2c41-4b8e-9d0f-0123456789a0</uuid>
</secret>
EOF
for s in s1 s2 s3; do check "vireo secret-define $s" quietly vir secret-define $s.xml; done
check "vireo secret-set-value --base64" quietly vir secret-set-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a1 --base64 c2VjcmV0LXZhbHVl
check_eq "vireo secret-get-value" "c2VjcmV0LXZhbHVl" "$(vir secret-get-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a1 | head -n1)"
printf 'raw\001bytes' >raw.bin
check "vireo secret-set-value --file --plain" quietly vir secret-set-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a2 --file raw.bin --plain
check "vireo secret-get-value of a private secret is refused" bash -c "! timeout 30 '$VIREO' -c '$URI' secret-get-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a2 >/dev/null 2>&1"
printf 'typed-in\n' >typed.txt
check "vireo secret-set-value --interactive (from a pipe)" quietly bash -c "timeout 30 '$VIREO' -c '$URI' secret-set-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a0 --interactive <typed.txt"
check_eq "the interactive value, without its newline" "typed-in" "$(vir secret-get-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a0 --plain)"

# --- side by side with virsh ------------------------------------------
same "pool-list" pool-list
same "pool-list --all" pool-list --all
same "pool-list --all --details" pool-list --all --details
same "pool-list --inactive" pool-list --inactive
same "pool-list --transient --all" pool-list --transient --all
same "pool-list --autostart --all" pool-list --autostart --all
same "pool-list --type dir --all --details" pool-list --type dir --all --details
same "pool-list --all --name" pool-list --all --name
same "pool-list --all --uuid" pool-list --all --uuid
same "pool-list --all --uuid --name" pool-list --all --uuid --name
same "pool-info p1" pool-info p1
same "pool-info p1 --bytes" pool-info p1 --bytes
same "pool-info p2 (inactive)" pool-info p2
same "pool-info p3 (transient)" pool-info p3
same_err "pool-info of a missing pool" pool-info nosuch
same "pool-uuid p1" pool-uuid p1
same "pool-dumpxml p1" pool-dumpxml p1
same "pool-dumpxml --inactive p1" pool-dumpxml --inactive p1
same "pool-capabilities" pool-capabilities
same "vol-list p1" vol-list p1
same "vol-list p1 --details" vol-list p1 --details
same_err "vol-list of an inactive pool" vol-list p2
same "vol-info a.img --pool p1" vol-info a.img --pool p1
same "vol-info b.qcow2 p1 --bytes" vol-info b.qcow2 p1 --bytes
same "vol-info c.qcow2 --pool p1 --physical" vol-info c.qcow2 --pool p1 --physical
same "vol-info by path" vol-info "$P1/up.img"
same_err "vol-info of a missing volume" vol-info nosuch.img --pool p1
same "vol-dumpxml b.qcow2" vol-dumpxml b.qcow2 --pool p1
same "vol-path" vol-path a2.img --pool p1
same "vol-key" vol-key a2.img --pool p1
same "vol-pool --uuid" vol-pool "$P1/a.img" --uuid
same "vol-create-as --print-xml" vol-create-as p1 x.img 1G --allocation 10M --format qcow2 --print-xml
same "secret-list" secret-list
same "secret-list --private" secret-list --private
same "secret-list --no-private" secret-list --no-private
same "secret-get-value" secret-get-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a1
same "secret-dumpxml" secret-dumpxml 5a0b8a3e-2c41-4b8e-9d0f-0123456789a1
# refusals: the same messages, and nothing changes
same_err "pool-start of an active pool" pool-start p1
same_err "pool-build with both overwrite flags" pool-build p1 --overwrite --no-overwrite
same_err "pool-start with both overwrite flags" pool-start p2 --build --overwrite --no-overwrite
same_err "pool-list --type of an unknown type" pool-list --type foo
same_err "pool-name of a name" pool-name p1
same_err "vol-create-as of an existing volume" vol-create-as p1 a.img 1M
same_err "vol-resize below the size without --shrink" vol-resize a2.img 1M --pool p1
same_err "vol-resize of a negative size without --shrink" vol-resize a2.img -1M --pool p1
same_err "vol-wipe with an unknown algorithm" vol-wipe a2.img --pool p1 --algorithm foo
same_err "vol-info of a name without --pool" vol-info a.img
same_err "secret-set-value without a value" secret-set-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a1
same_err "find-storage-pool-sources of a type without discovery" find-storage-pool-sources dir
# answers or says why not (device-mapper), the same way
same_any "find-storage-pool-sources-as logical" find-storage-pool-sources-as logical
same_err "secret-get-value of a private secret" secret-get-value 5a0b8a3e-2c41-4b8e-9d0f-0123456789a2
check_eq "a2.img kept its size through the refusals" "12582912" "$(stat -c %s "$P1/a2.img" 2>/dev/null)"

# --- taking it down, by vireo -----------------------------------------
check "vireo vol-wipe a2.img" quietly vir vol-wipe a2.img --pool p1
check "vireo vol-delete c.qcow2" quietly vir vol-delete c.qcow2 --pool p1
check "c.qcow2 is gone from disk" test ! -e "$P1/c.qcow2"
for s in 0 1 2; do
    check "vireo secret-undefine ...a$s" quietly vir secret-undefine 5a0b8a3e-2c41-4b8e-9d0f-0123456789a$s
done
check "vireo pool-destroy p3 (transient: gone)" quietly vir pool-destroy p3
check "vireo pool-autostart --disable p1" quietly vir pool-autostart --disable p1
check "vireo pool-destroy p1" quietly vir pool-destroy p1
same "pool-list --all --details after destroy" pool-list --all --details
check "vireo pool-undefine p2" quietly vir pool-undefine p2
for v in a.img a2.img b.qcow2 up.img; do rm -f "$P1/$v"; done
check "vireo pool-delete p1 removes the emptied folder" quietly vir pool-delete p1
check "p1's folder is gone" test ! -e "$P1"
check "vireo pool-undefine p1" quietly vir pool-undefine p1
check_eq "no pool is left" "" "$(vir -q pool-list --all --name | sed '/^$/d')"

if ! daemon_stop; then fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log; fi
done_testing
