#!/bin/bash
# test-wire-storage.sh: the storage pool, volume and secret procedures
# over the wire, both ends:
#  - python3-libvirt (libvirt's own client library) sends every one of
#    them to vireod (test-wire-storage.py);
#  - vireo's remote driver sends them too, through the public C API
#    (remote-storage-client, tests/storage/remote_storage_client.c);
#  - virsh lists pools, volumes and secrets;
#  - vireo's CLI, through vireo's remote driver, reads what virsh made
#    and streams a volume up and down.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

py=/usr/bin/python3
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "storage over the wire through $VIREO_TEST_DAEMON" "this drives vireod's node storage"
    exit 0
fi
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "storage over the wire" "python3-libvirt is not installed"
    exit 0
fi
work=$(mktemp -d /tmp/vireo-wire-storage.XXXXXX)
trap 'daemon_cleanup; rm -rf "$work"' EXIT
require_daemon
uri="qemu+unix:///system?socket=$DAEMON_SOCK"

if ! timeout 180 $py "$(dirname "$0")/test-wire-storage.py" "$uri" \
        "qemu+unix:///system?socket=$DAEMON_SOCK_RO" "$work"; then
    fail "test-wire-storage.py ran to the end without a failure"
    daemon_show_log
fi

# vireo's remote driver, through the public C API
client=$VIREO_BUILD/tests/remote-storage-client
if [ -x "$client" ]; then
    mkdir -p "$work/remote"
    if ! timeout 120 "$client" "$uri" "$work/remote"; then
        fail "remote-storage-client ran to the end without a failure"
        daemon_show_log
    fi
else
    fail "remote-storage-client is built at $client"
fi

# virsh and vireo's CLI on one pool with one volume and one secret
vsh() { timeout 60 virsh -q -c "$uri" "$@"; }
mkdir -p "$work/p2"
check "virsh pool-define-as" quietly vsh pool-define-as p2 dir --target "$work/p2"
check "virsh pool-start" quietly vsh pool-start p2
check "virsh vol-create-as" quietly vsh vol-create-as p2 v.raw 1M
check_eq "virsh pool-list --all names the pool" "p2" \
    "$(vsh pool-list --all --name | awk 'NF {print $1}')"
check_eq "virsh vol-list --details shows the volume's path" "$work/p2/v.raw" \
    "$(vsh vol-list p2 --details | awk '$1 == "v.raw" {print $2}')"
printf 'xyz' >"$work/val"
cat >"$work/secret.xml" <<EOF
<secret ephemeral='no' private='no'><uuid>11111111-2222-3333-4444-555555555555</uuid>
<usage type='volume'><volume>$work/p2/v.raw</volume></usage></secret>
EOF
check "virsh secret-define" quietly vsh secret-define "$work/secret.xml"
check "virsh secret-set-value --file" quietly vsh secret-set-value \
    11111111-2222-3333-4444-555555555555 --file "$work/val" --plain
check_eq "virsh secret-get-value gives it back (base64)" "$(printf xyz | base64)" \
    "$(vsh secret-get-value 11111111-2222-3333-4444-555555555555)"
check_eq "virsh secret-list names the secret" "11111111-2222-3333-4444-555555555555" \
    "$(vsh secret-list | awk 'NF {print $1}')"

if "$VIREO" help pool-list >/dev/null 2>&1; then
    check_eq "vireo pool-list (the remote driver) names the pool" "p2" \
        "$(timeout 60 "$VIREO" -c "$uri" pool-list --all --name 2>&1 | awk 'NF {print $1}')"
    check "vireo pool-dumpxml (the remote driver) gives the target path" \
        grep -q "<path>$work/p2</path>" <(timeout 60 "$VIREO" -c "$uri" pool-dumpxml p2 2>&1)
    vro() { timeout 60 "$VIREO" -c "$uri" "$@"; }
    check_eq "vireo vol-path (the remote driver)" "$work/p2/v.raw" "$(vro vol-path v.raw --pool p2 2>&1)"
    head -c 1048576 /dev/urandom >"$work/up.bin"
    check "vireo vol-upload (the remote driver's stream)" \
        quietly vro vol-upload v.raw "$work/up.bin" --pool p2
    check "the uploaded bytes are in the volume" cmp -s "$work/up.bin" "$work/p2/v.raw"
    check "vireo vol-download (the remote driver's stream)" \
        quietly vro vol-download v.raw "$work/down.bin" --pool p2
    check "the downloaded bytes are the uploaded ones" cmp -s "$work/up.bin" "$work/down.bin"
else
    skip "vireo's CLI through the remote driver" "this vireo has no pool-list command"
fi

if daemon_stop; then
    ok "SIGTERM: exit 0, sockets and pid file removed"
else
    fail "SIGTERM: $DAEMON_STOP_WHY"
    daemon_show_log
fi
done_testing
