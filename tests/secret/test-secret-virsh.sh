#!/bin/bash
# test-secret-virsh.sh: Debian's virsh and python3-libvirt drive vireod's
# secrets over its unix socket: define every usage type (volume, ceph,
# iscsi, tls, vtpm), set values (--base64, --file, --file --plain), read
# them back, list with each filter, refuse a private value and a usage
# clash, keep values encrypted on disk and across a restart, undefine.
# Every XML the daemon prints validates against libvirt's secret.rng.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

RNG=/usr/share/libvirt/schemas/secret.rng
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "secrets through $VIREO_TEST_DAEMON" "this test drives vireod's secret driver (QEMU URI)"
    exit 0
fi
for tool in virsh xmllint; do
    if ! command -v $tool >/dev/null; then
        skip "secrets through virsh" "$tool is not installed"
        exit 0
    fi
done
if [ ! -f "$RNG" ]; then
    skip "secrets through virsh" "$RNG is missing (Debian's libvirt-daemon)"
    exit 0
fi
trap 'daemon_cleanup; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
cd "$tmp" || exit 1

require_daemon
URI="qemu+unix:///system?socket=$DAEMON_SOCK"
vsh() { timeout 60 virsh -q -c "$URI" "$@"; }

U_VOL=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a51
U_CEPH=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a52
U_ISCSI=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a53
U_TLS=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a54
U_VTPM=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a55
U_OTHER=6d1b0a2e-1f0c-4d5e-8a9b-0c1d2e3f4a56

secret_xml() {  # uuid ephemeral private type element id
    cat <<EOF
<secret ephemeral='$2' private='$3'>
  <uuid>$1</uuid>
  <description>$4 secret for the test</description>
  <usage type='$4'>
    <$5>$6</$5>
  </usage>
</secret>
EOF
}
secret_xml $U_VOL no no volume volume /var/lib/vireo/images/disk1.qcow2 >vol.xml
secret_xml $U_CEPH no yes ceph name "client.admin secret" >ceph.xml
secret_xml $U_ISCSI yes no iscsi target iqn.2026-11.org.vireo:tgt0 >iscsi.xml
secret_xml $U_TLS no no tls name tls-example >tls.xml
secret_xml $U_VTPM no no vtpm name vtpm-example >vtpm.xml

for t in vol ceph iscsi tls vtpm; do
    uuid_var=U_${t^^}
    out=$(timeout 60 virsh -c "$URI" secret-define "$t.xml" 2>&1)
    check_eq "secret-define $t.xml" "Secret ${!uuid_var} created" "$(sed '/^$/d' <<<"$out")"
    if vsh secret-dumpxml "${!uuid_var}" >"$t.out.xml" 2>&1 &&
        xmllint --noout --relaxng "$RNG" "$t.out.xml" 2>/dev/null; then
        ok "secret-dumpxml $t validates against secret.rng"
    else
        fail "secret-dumpxml $t validates against secret.rng"
        sed 's/^/# /' "$t.out.xml"
    fi
done
check "the volume secret's XML keeps its path" grep -q '<volume>/var/lib/vireo/images/disk1.qcow2</volume>' vol.out.xml
check "the ceph secret's XML says private='yes'" grep -q "private='yes'" ceph.out.xml
check "the iscsi secret's XML says ephemeral='yes'" grep -q "ephemeral='yes'" iscsi.out.xml

# values: --base64, --file (base64 text), --file --plain (raw bytes)
v_vol=$(printf 'correct horse battery staple' | base64)
check "secret-set-value --base64" quietly vsh secret-set-value $U_VOL --base64 "$v_vol"
check_eq "secret-get-value gives it back" "$v_vol" "$(vsh secret-get-value $U_VOL)"
printf 'tls key passphrase' | base64 >tls.b64
check "secret-set-value --file (base64)" quietly vsh secret-set-value $U_TLS --file tls.b64
check_eq "secret-get-value after --file" "$(cat tls.b64)" "$(vsh secret-get-value $U_TLS)"
head -c 200 /dev/urandom >vtpm.raw
check "secret-set-value --file --plain (200 random bytes)" quietly vsh secret-set-value $U_VTPM --file vtpm.raw --plain
vsh secret-get-value $U_VTPM --plain >vtpm.back 2>/dev/null
check "secret-get-value --plain gives the same bytes" cmp -s vtpm.raw vtpm.back
check "set the private ceph value" quietly vsh secret-set-value $U_CEPH --base64 "$(printf 'ceph-key' | base64)"
check "set the ephemeral iscsi value" quietly vsh secret-set-value $U_ISCSI --base64 "$(printf 'chap' | base64)"

out=$(vsh secret-get-value $U_CEPH 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q 'secret is private' <<<"$out"; then
    ok "secret-get-value of a private secret is refused"
else
    fail "secret-get-value of a private secret is refused"; note "$out"
fi
out=$(vsh secret-get-value $U_OTHER 2>&1)
if grep -q "Secret not found: no secret with matching uuid '$U_OTHER'" <<<"$out"; then
    ok "secret-get-value of an unknown UUID: Secret not found"
else
    fail "secret-get-value of an unknown UUID: Secret not found"; note "$out"
fi
secret_xml $U_OTHER no no ceph name "client.admin secret" >dup.xml
out=$(vsh secret-define dup.xml 2>&1)
if grep -q "a secret with UUID $U_CEPH already defined for use with client.admin secret" <<<"$out"; then
    ok "a second secret with the same usage is refused"
else
    fail "a second secret with the same usage is refused"; note "$out"
fi

list_uuids() { vsh secret-list "$@" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//'; }
check_eq "secret-list: every secret, sorted by UUID" "$U_VOL $U_CEPH $U_ISCSI $U_TLS $U_VTPM" "$(list_uuids)"
check_eq "secret-list --private" "$U_CEPH" "$(list_uuids --private)"
check_eq "secret-list --no-private" "$U_VOL $U_ISCSI $U_TLS $U_VTPM" "$(list_uuids --no-private)"
check_eq "secret-list --ephemeral" "$U_ISCSI" "$(list_uuids --ephemeral)"
check_eq "secret-list --no-ephemeral" "$U_VOL $U_CEPH $U_TLS $U_VTPM" "$(list_uuids --no-ephemeral)"
check_eq "secret-list shows the usage" "volume /var/lib/vireo/images/disk1.qcow2" \
    "$(vsh secret-list | awk -v u=$U_VOL '$1 == u {print $2, $3}')"

# on disk: definitions and encrypted values, nothing of the ephemeral one
sdir=$(dirname "$(find "$DAEMON_ROOT" -name master.key 2>/dev/null | head -n 1)")
check "the secrets folder is under the daemon's root" [ -d "$sdir" -a "$sdir" != . ]
check_eq "the secrets folder is mode 0700" 700 "$(stat -c %a "$sdir")"
check "UUID.xml and UUID.bin of the volume secret" [ -f "$sdir/$U_VOL.xml" -a -f "$sdir/$U_VOL.bin" ]
check "the value file holds no plaintext" bash -c "! grep -q 'horse' '$sdir/$U_VOL.bin'"
check "the value file holds no base64 of the value either" bash -c "! grep -qF '$v_vol' '$sdir/$U_VOL.bin'"
check "the ephemeral secret has no file" bash -c "! ls '$sdir' | grep -q $U_ISCSI"

if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
    /usr/bin/python3 "$VIREO_TOP/tests/secret/secret-python.py" "$URI"
else
    skip "python3-libvirt against vireod's secrets" "python3-libvirt is not installed"
fi

# restart on the same root: persistent values stay, the ephemeral goes
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
check_eq "vireod exits 0 on SIGTERM" 0 $?
DAEMON_PID=""
_daemon_start_vireod
if wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead && _daemon_alive; then
    ok "vireod starts again on the same root"
else
    fail "vireod starts again on the same root"; daemon_show_log; exit 1
fi
check_eq "a value survives the restart" "$v_vol" "$(vsh secret-get-value $U_VOL)"
vsh secret-get-value $U_VTPM --plain >vtpm.back2 2>/dev/null
check "a binary value survives the restart" cmp -s vtpm.raw vtpm.back2
check_eq "the ephemeral secret is gone after the restart" "$U_VOL $U_CEPH $U_TLS $U_VTPM" "$(list_uuids)"

# kill -9 right after a set-value: the acknowledged value is on disk
v_new=$(printf 'after the crash' | base64)
check "secret-set-value before a kill -9" quietly vsh secret-set-value $U_VOL --base64 "$v_new"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
rm -f "$DAEMON_SOCK" "$DAEMON_SOCK_RO" "$DAEMON_PIDFILE"
_daemon_start_vireod
if wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead && _daemon_alive; then
    ok "vireod starts again after kill -9"
else
    fail "vireod starts again after kill -9"; daemon_show_log; exit 1
fi
check_eq "the value set just before kill -9 is kept" "$v_new" "$(vsh secret-get-value $U_VOL)"

for u in $U_VOL $U_CEPH $U_TLS $U_VTPM; do
    check "secret-undefine $u" quietly vsh secret-undefine $u
done
check "undefine removed every file of the secrets" bash -c "! ls '$sdir' | grep -q '^6d1b0a2e'"
check_eq "secret-list is empty" "" "$(list_uuids)"
out=$(vsh secret-undefine $U_VOL 2>&1)
check "secret-undefine twice: Secret not found" grep -q 'Secret not found' <<<"$out"
done_testing
