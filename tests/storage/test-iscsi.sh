#!/bin/bash
# test-iscsi: iSCSI pools through vireod, driven by Debian's virsh and
# python3-libvirt, against a target Debian's tgt serves on 127.0.0.1:
#  - an iscsi-direct pool (libiscsi, no kernel initiator): define, start,
#    its LUNs as volumes with their sizes, refresh, find-storage-pool-
#    sources (SendTargets), destroy; CHAP with the password in a secret;
#  - a target that stops answering fails a refresh with a timeout error
#    within the storage deadline while `virsh list` answers meanwhile;
#  - an iscsi pool (kernel initiator) says clearly what is missing.
. "$VIREO_TOP/tests/lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"
. "$VIREO_TOP/tests/storage/lib-tgt.sh"

TIMEOUT_MS=2000
export VIREO_STORAGE_TIMEOUT_MS=$TIMEOUT_MS
WORK=$(mktemp -d /tmp/vireo-iscsi-test.XXXXXX)
IQN=iqn.2026-11.org.vireo:test-iscsi
CHAP_IQN=iqn.2026-11.org.vireo:test-iscsi-chap
INIT=iqn.2026-11.org.vireo:test-initiator

cleanup() {
    tgt_stop
    daemon_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "iscsi pools" "this test drives vireod's QEMU root (qemu:///system on its socket)"
    exit 0
fi
why=$(tgt_missing)
if [ -n "$why" ]; then
    skip "iscsi-direct pools against tgt" "$why"
    exit 0
fi

truncate -s 64M "$WORK/lun1.img"
truncate -s 16M "$WORK/lun2.img"
truncate -s 8M "$WORK/chap.img"
if ! tgt_start "$WORK"; then
    fail "tgtd serves targets on 127.0.0.1"
    exit 1
fi
ok "tgtd serves targets on 127.0.0.1:$TGT_PORT (pid $TGT_PID)"
two_luns() { tgt_target 1 $IQN && tgt_lun 1 1 "$WORK/lun1.img" && tgt_lun 1 2 "$WORK/lun2.img"; }
chap_target() {
    tgt_target 2 $CHAP_IQN && tgt_lun 2 1 "$WORK/chap.img" && tgt_chap 2 vireo-user s3cret-pass
}
check "a target with two LUNs" two_luns
check "a target that wants CHAP" chap_target

require_daemon
. "$VIREO_TOP/tests/storage/lib-storage.sh"

# ------------------------------------------------------- iscsi-direct
portal=127.0.0.1:$TGT_PORT
# direct_pool NAME TARGET-IQN [PORT [AUTH-XML]]: define an iscsi-direct pool
# (virsh's --source-host takes no port, so the XML is written here)
direct_pool() {
    cat >"$WORK/$1.xml" <<EOF
<pool type='iscsi-direct'>
  <name>$1</name>
  <source>
    <host name='127.0.0.1' port='${3:-$TGT_PORT}'/>
    <device path='$2'/>
    <initiator><iqn name='$INIT'/></initiator>
    ${4:-}
  </source>
</pool>
EOF
    vsh_q pool-define "$WORK/$1.xml"
}
check "define an iscsi-direct pool" direct_pool idp "$IQN"
check "start it" vsh_q pool-start idp
vols=$(vsh vol-list idp --details 2>&1)
note "$vols"
check "vol-list shows LUN 1 (unit:0:0:1)" contains "$vols" "unit:0:0:1"
check "and LUN 2" contains "$vols" "unit:0:0:2"
check_eq "LUN 1's capacity is its 64 MiB backing file" 67108864 \
    "$(vsh vol-info --bytes --pool idp unit:0:0:1 2>&1 | awk '/^Capacity:/ {print $2}')"
check_eq "LUN 2's is 16 MiB" 16777216 \
    "$(vsh vol-info --bytes --pool idp unit:0:0:2 2>&1 | awk '/^Capacity:/ {print $2}')"
key="ip-$portal-iscsi-$IQN-lun-1"
check_eq "its key is libvirt's ip-PORTAL-iscsi-IQN-lun-N" "$key" \
    "$(vsh vol-key --pool idp unit:0:0:1 2>&1)"
check_eq "the pool's capacity is the LUNs' sum" 83886080 \
    "$(vsh pool-info --bytes idp 2>&1 | awk '/^Capacity:/ {print $2}')"
check "pool-dumpxml validates against storagepool.rng" validates "$(vsh pool-dumpxml idp)" storagepool.rng
check "vol-dumpxml validates against storagevol.rng" \
    validates "$(vsh vol-dumpxml --pool idp unit:0:0:1)" storagevol.rng

truncate -s 4M "$WORK/lun3.img"
check "the target gets a third LUN" tgt_lun 1 3 "$WORK/lun3.img"
check "pool-refresh" vsh_q pool-refresh idp
check "vol-list shows the new LUN" contains "$(vsh vol-list idp 2>&1)" "unit:0:0:3"

src=$(vsh find-storage-pool-sources-as iscsi-direct 127.0.0.1 --port "$TGT_PORT" \
    --initiator "$INIT" 2>&1)
note "$src"
check "find-storage-pool-sources-as finds the target (SendTargets)" \
    contains "$src" "<device path='$IQN'/>"
check "and the CHAP one" contains "$src" "<device path='$CHAP_IQN'/>"
check "without an initiator IQN it is refused, as libvirt does" \
    contains "$(vsh_err find-storage-pool-sources-as iscsi-direct 127.0.0.1 --port "$TGT_PORT")" \
    "initiator"

check "python3-libvirt sees the same volumes" /usr/bin/python3 - "$URI" <<'EOF'
import sys, libvirt
c = libvirt.open(sys.argv[1])
p = c.storagePoolLookupByName("idp")
names = sorted(p.listVolumes())
assert names == ["unit:0:0:0", "unit:0:0:1", "unit:0:0:2", "unit:0:0:3"], names
v = p.storageVolLookupByName("unit:0:0:1")
assert v.info()[1] == 64 << 20, v.info()
assert c.storageVolLookupByKey(v.key()).name() == "unit:0:0:1"
EOF

# ------------------------------------------- a target that stops answering
kill -STOP "$TGT_PID"
start=$(date +%s%N)
vsh pool-refresh idp >"$WORK/refresh.out" 2>&1 &
refresh_pid=$!
sleep 0.3
list_start=$(date +%s%N)
check "virsh list answers while the refresh waits on the target" vsh_q list --all
list_ms=$(( ($(date +%s%N) - list_start) / 1000000 ))
check "at once (${list_ms} ms)" test "$list_ms" -lt 1500
wait "$refresh_pid"
refresh_rc=$?
refresh_ms=$(( ($(date +%s%N) - start) / 1000000 ))
note "$(cat "$WORK/refresh.out")"
check "the refresh fails" test "$refresh_rc" -ne 0
check "with a timeout error naming the pool and the portal" \
    bash -c "grep -q 'Timed out' '$WORK/refresh.out' && grep -q \"'idp'\" '$WORK/refresh.out' &&
             grep -q '$portal' '$WORK/refresh.out'"
check "within the deadline (${refresh_ms} ms for ${TIMEOUT_MS} ms)" \
    test "$refresh_ms" -lt $((TIMEOUT_MS + 3000))
kill -CONT "$TGT_PID"
check "the failed refresh stopped the pool, as libvirt does" \
    contains "$(vsh pool-info idp 2>&1)" "inactive"
check "it starts again once the target answers" vsh_q pool-start idp
check "and refreshes" vsh_q pool-refresh idp

check "pool-destroy" vsh_q pool-destroy idp
check "the pool is inactive" contains "$(vsh pool-info idp 2>&1)" "inactive"
check "pool-undefine" vsh_q pool-undefine idp

# a dead portal: nobody listens there
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
check "a pool on a dead portal" direct_pool deadp "$IQN" "$dead"
check "fails to start, naming the portal" \
    contains "$(vsh_err pool-start deadp)" "127.0.0.1:$dead"
check "and stays inactive" contains "$(vsh pool-info deadp 2>&1)" "inactive"
vsh_q pool-undefine deadp >/dev/null

# ------------------------------------------------------------------ CHAP
uuid=$(python3 -c 'import uuid; print(uuid.uuid4())')
cat >"$WORK/secret.xml" <<EOF
<secret ephemeral='no' private='yes'>
  <uuid>$uuid</uuid>
  <usage type='iscsi'><target>vireo-chap</target></usage>
</secret>
EOF
if vsh_q secret-define "$WORK/secret.xml"; then
    check "an iscsi secret holds the CHAP password" \
        vsh_q secret-set-value "$uuid" --base64 "$(printf s3cret-pass | base64)"
    check "define a CHAP iscsi-direct pool" direct_pool chapp "$CHAP_IQN" "" \
        "<auth type='chap' username='vireo-user'><secret usage='vireo-chap'/></auth>"
    check "it starts: tgt accepted the password" vsh_q pool-start chapp
    check_eq "its LUN is there" 8388608 \
        "$(vsh vol-info --bytes --pool chapp unit:0:0:1 2>&1 | awk '/^Capacity:/ {print $2}')"
    vsh_q pool-destroy chapp >/dev/null
    check "a wrong password" vsh_q secret-set-value "$uuid" --base64 "$(printf wrong | base64)"
    check "fails the login" contains "$(vsh_err pool-start chapp)" "log in"
    vsh_q pool-undefine chapp >/dev/null
    check "a pool whose secret does not exist" direct_pool nosec "$CHAP_IQN" "" \
        "<auth type='chap' username='vireo-user'><secret usage='no-such-secret'/></auth>"
    check "with libvirt's no-secret error" contains "$(vsh_err pool-start nosec)" "secret"
    vsh_q pool-undefine nosec >/dev/null
else
    fail "secret-define for the CHAP password"
fi

# ------------------------------------------------------- kernel initiator
check "define an iscsi (kernel initiator) pool" vsh_q pool-define-as kp iscsi \
    --source-host "$portal" --source-dev "$IQN" --target /dev/disk/by-path
out=$(vsh_err pool-start kp)
if [ -e /sys/class/iscsi_transport/tcp ] || [ -e /sys/module/iscsi_tcp ]; then
    check "starting it says the kernel-initiator pool is not implemented" contains "$out" "iscsi-direct"
else
    check "starting it says the kernel initiator is missing" contains "$out" "kernel iSCSI initiator"
    skip "iscsi pools with the kernel initiator" "this kernel has no iSCSI initiator (iscsi_tcp)"
fi
vsh_q pool-undefine kp >/dev/null

done_testing
