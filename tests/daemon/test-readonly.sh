#!/bin/bash
# test-readonly.sh: the read-only socket (libvirt-sock-ro) refuses every
# procedure vireod implements that is not marked @readonly in
# src/rpc/remote_protocol.x, each with libvirt's "operation forbidden:
# read only access" (test-readonly.py, raw packets, one connection), and
# audits each refusal; a @readonly call with a flag that needs writing
# (dumpxml --security-info) is refused too, also through Debian's virsh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "read-only walk" "reads vireod's annotations and audit log"
    exit 0
fi
trap 'daemon_cleanup; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
require_daemon
audit=$DAEMON_ROOT/var/log/libvirt/vireod-audit.log
here=$(dirname "$0")
if ! timeout 120 /usr/bin/python3 "$here/test-readonly.py" "$DAEMON_SOCK_RO" "$audit" \
        "$here/../../src/rpc/remote_protocol.x"; then
    fail "test-readonly.py ran to the end with every check passing"
    daemon_show_log
fi
if command -v virsh >/dev/null; then
    cat >"$tmp/g.xml" <<'XML'
<domain type='test'><name>g1</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os>
<devices><graphics type='vnc' port='5900' passwd='s3cret'/></devices></domain>
XML
    timeout 30 virsh -c "$DAEMON_URI" define "$tmp/g.xml" >/dev/null
    out=$(timeout 30 virsh -c "$DAEMON_URI_RO" dumpxml --security-info g1 2>&1)
    check "virsh dumpxml --security-info on the read-only socket is refused" \
        grep -q "read only access" <<<"$out"
    check "and shows no password" bash -c "! grep -q s3cret <<<\"\$1\"" _ "$out"
    out=$(timeout 30 virsh -c "$DAEMON_URI" dumpxml --security-info g1 2>&1)
    check "the read-write socket still shows it" grep -q "passwd='s3cret'" <<<"$out"
else
    skip "virsh dumpxml --security-info" "virsh is not installed"
fi
if daemon_stop; then ok "clean stop"; else fail "clean stop: $DAEMON_STOP_WHY"; fi
done_testing
