#!/bin/bash
# test-tls.sh: vireod --listen with TLS in a network namespace, driven by
# Debian's virsh, python3-libvirt and vireo's CLI over qemu+tls:// and
# test+tls://, with certificates certtool makes here: a good client; the
# refusals (a client of another CA, an expired one, a DN outside
# tls_allowed_dn_list, a server name that does not match) each with the
# error the client shows and the daemon's log line; a refused or stalled
# client disturbs no connected one; no-verify modes; bad settings refused
# at start.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon/lib-daemon.sh"
. "$(dirname "$0")/../network/lib-network.sh"
. "$(dirname "$0")/lib-remote.sh"

why=$(remote_can_run)
if [ -n "$why" ]; then skip "TLS remote access" "$why"; exit 0; fi
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "TLS remote access" "runs vireod only"; exit 0
fi
T=$(mktemp -d /tmp/vireo-tls-test.XXXXXX)
HOLDER=""
cleanup() {
    [ -n "$HOLDER" ] && kill -TERM "$HOLDER" 2>/dev/null && wait "$HOLDER" 2>/dev/null
    daemon_cleanup
    netns_cleanup
    rm -rf "$T"
}
trap cleanup EXIT

if ! remote_pki_setup "$T/pki"; then
    fail "certtool makes a CA and certificates"; exit 1
fi
ok "certtool makes a CA, server and client certificates, an expired one and another CA's"
netns_setup
DN='C=GB,O=vireo test,CN=client1'
if ! remote_daemon_start "tls_allowed_dn_list = [ \"$DN\", \"C=GB,O=other*\" ]"; then
    fail "vireod --listen starts with TLS: ${DAEMON_START_WHY:-its port does not answer}"
    daemon_show_log; exit 1
fi
ok "vireod --listen answers on $REMOTE_ADDR:$REMOTE_TLS_PORT"
# a client that starts a handshake and never finishes it: it must hold up
# nobody (checked below) and be dropped after the handshake timeout (10 s)
in_ns /usr/bin/python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.send(bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]))   # a ClientHello that never ends
time.sleep(30)' "$REMOTE_ADDR" "$REMOTE_TLS_PORT" 2>/dev/null &
staller=$!

PKI=$T/pki
url() { echo "$1+tls://${3:-$REMOTE_ADDR}/$2?pkipath=$PKI/${4:-client}${5:+&$5}"; }
TEST_URL=$(url test default)
vsh() { in_ns timeout 30 virsh -q -c "$@" 2>&1; }

# ---- the good client ----
out=$(vsh "$TEST_URL" list --all)
check_eq "virsh lists the test driver's domains over test+tls://" "1 test running" \
    "$(tr -s ' ' <<<"$out" | sed 's/^ //')"
cat >"$T/dom.xml" <<'EOF'
<domain type='test'><name>tlsdom</name><memory>65536</memory><vcpu>1</vcpu>
<os><type>hvm</type></os></domain>
EOF
out=$(vsh "$TEST_URL" "define $T/dom.xml; start tlsdom; domstate tlsdom")
if grep -q '^running' <<<"$out"; then ok "virsh defines and starts a domain over TLS"
else fail "virsh defines and starts a domain over TLS"; note "$out"; fi
grep -q "client [0-9]* (address 127.0.0.1;[0-9]* x509 '$DN'): TLS handshake done" "$DAEMON_LOG" &&
    ok "the daemon logs the client's DN" || fail "the daemon logs the client's DN"
qdn=$(virt-pki-query-dn "$PKI/client/clientcert.pem" 2>/dev/null)
check_eq "the DN is written as virt-pki-query-dn prints it" "$DN" "$qdn"

out=$(vsh "$(url qemu system)" list --all --name)
check "virsh lists qemu+tls://$REMOTE_ADDR/system" test $? -eq 0
[ -n "$out" ] && note "$out"
out=$(in_ns timeout 30 "$VIREO" -c "$TEST_URL" list --all 2>&1)
if grep -q tlsdom <<<"$out"; then ok "vireo's CLI lists over test+tls://"
else fail "vireo's CLI lists over test+tls://"; note "$out"; fi
if /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
    out=$(in_ns timeout 30 /usr/bin/python3 -c '
import libvirt, sys
c = libvirt.open(sys.argv[1])
print(sorted(d.name() for d in c.listAllDomains()))' "$TEST_URL" 2>&1)
    check_eq "python3-libvirt lists over TLS" "['test', 'tlsdom']" "$out"
else
    skip "python3-libvirt over TLS" "python3-libvirt is not installed"
fi

# a connected client that must see nothing of the refusals below
in_ns /usr/bin/python3 -c '
import libvirt, os, sys, time
c = libvirt.open(sys.argv[1])
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
print(sorted(d.name() for d in c.listAllDomains()))' "$TEST_URL" "$T/held" "$T/go" \
    >"$T/holder.out" 2>&1 &
HOLDER=$!
wait_for 15 test -e "$T/held" || fail "a TLS client stays connected"

# ---- refusals: what the client shows, what the daemon logs ----
# refused [WHAT] [CLIENT-OUT] [LOG-PATTERN] [CLIENT-PATTERN]
refused() {
    if grep -q "$4" <<<"$2"; then ok "$1: the client shows '$(grep -o "$4.*" <<<"$2" | head -n 1)'"
    else fail "$1: the client shows the error"; note "$2"; fi
    if grep -q "TLS refused: .*$3" "$DAEMON_LOG"; then ok "$1: the daemon logs why"
    else fail "$1: the daemon logs why"; daemon_show_log; fi
}
# virsh checks its own certificate before it dials: vireo's CLI, which
# does not, shows what the daemon does with such a client
out=$(vsh "$(url test default '' foreign)" list)
grep -q "failed validation" <<<"$out" && ok "virsh refuses its own foreign-CA certificate" ||
    { fail "virsh refuses its own foreign-CA certificate"; note "$out"; }
out=$(in_ns timeout 30 "$VIREO" -c "$(url test default '' foreign)" list 2>&1)
refused "a client certificate of another CA" "$out" \
    "'$DN' failed validation: the certificate is not signed by the CA" \
    "Unable to read TLS confirmation: Input/output error"
out=$(vsh "$(url test default '' expired)" list)
grep -q "has expired" <<<"$out" && ok "virsh refuses its own expired certificate" ||
    { fail "virsh refuses its own expired certificate"; note "$out"; }
out=$(in_ns timeout 30 "$VIREO" -c "$(url test default '' expired)" list 2>&1)
refused "an expired client certificate" "$out" \
    "failed validation: the certificate has expired" "Unable to read TLS confirmation"
out=$(vsh "$(url test default '' otherdn)" list)
refused "a DN not in tls_allowed_dn_list (virsh)" "$out" \
    "Distinguished Name 'C=GB,O=vireo test,CN=intruder' is not in tls_allowed_dn_list" \
    "Unable to read TLS confirmation: Input/output error"
# the server's certificate names 127.0.0.1 only; 127.0.0.2 is the same daemon
out=$(vsh "$(url test default 127.0.0.2)" list)
grep -q "Failed to verify peer's certificate" <<<"$out" &&
    ok "virsh refuses a server certificate of another host name" ||
    { fail "virsh refuses a server certificate of another host name"; note "$out"; }
out=$(in_ns timeout 30 "$VIREO" -c "$(url test default 127.0.0.2)" list 2>&1)
grep -q "owner does not match the hostname 127.0.0.2" <<<"$out" &&
    ok "vireo's CLI refuses a server certificate of another host name" ||
    { fail "vireo's CLI refuses a server certificate of another host name"; note "$out"; }
out=$(in_ns timeout 30 "$VIREO" -c "$(url test default 127.0.0.2 client no_verify=1)" list 2>&1)
grep -q tlsdom <<<"$out" && ok "no_verify=1: the client skips the server certificate check" ||
    { fail "no_verify=1: the client skips the server certificate check"; note "$out"; }
out=$(in_ns timeout 30 "$VIREO" -c "test+tls://$REMOTE_ADDR:1/default?pkipath=$PKI/client" list 2>&1)
grep -q "unable to connect to server at '$REMOTE_ADDR:1': Connection refused" <<<"$out" &&
    ok "a closed port: libvirt's 'unable to connect to server' error" ||
    { fail "a closed port: libvirt's 'unable to connect to server' error"; note "$out"; }

# ---- a client stalling mid-handshake (since the start) holds up nobody ----
start=$SECONDS
out=$(vsh "$TEST_URL" list --all --name)
if grep -q tlsdom <<<"$out" && [ $((SECONDS - start)) -lt 10 ]; then
    ok "a client stalled mid-handshake does not hold up another"
else
    fail "a client stalled mid-handshake does not hold up another"; note "$out"
fi
: >"$T/go"
wait "$HOLDER"; rc=$?; HOLDER=""
check_eq "the connected client still answers after the refusals" "['test', 'tlsdom']" \
    "$(cat "$T/holder.out")"
[ $rc -eq 0 ] || note "holder exited $rc"
check "vireod still runs" _daemon_alive
if wait_for 15 grep -q "TLS refused: no handshake within 10 s" "$DAEMON_LOG"; then
    ok "a client stalled mid-handshake is dropped after 10 s (logged)"
else
    fail "a client stalled mid-handshake is dropped after 10 s (logged)"; daemon_show_log
fi
kill "$staller" 2>/dev/null; wait "$staller" 2>/dev/null
daemon_stop || fail "vireod stops cleanly: $DAEMON_STOP_WHY"

# ---- tls_no_verify_certificate: clients are not asked for certificates ----
if remote_daemon_start "tls_no_verify_certificate = 1"; then
    out=$(in_ns timeout 30 "$VIREO" -c "$(url test default '' foreign)" list --all 2>&1)
    grep -q test <<<"$out" && ok "tls_no_verify_certificate = 1 lets another CA's client in" ||
        { fail "tls_no_verify_certificate = 1 lets another CA's client in"; note "$out"; }
    daemon_stop || fail "vireod stops cleanly: $DAEMON_STOP_WHY"
else
    fail "vireod starts with tls_no_verify_certificate = 1"; daemon_show_log
fi

# ---- bad settings: refused at start, naming the file or the setting ----
# start_refused WHAT PATTERN CONFIG-LINE...
start_refused() {
    local what=$1 pattern=$2 root out rc; shift 2
    root=$(mktemp -d "$T/root.XXXXXX")
    printf '%s\n' "$@" >"$root/vireod.conf"
    out=$(in_ns timeout 20 "$VIREOD" --root "$root" --listen -f "$root/vireod.conf" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && grep -q "$pattern" <<<"$out"; then ok "$what: refused at start"
    else fail "$what: refused at start (exit $rc)"; note "$out"; fi
}
start_refused "a missing server certificate" "Cannot read server certificate '$T/nowhere.pem'" \
    "cert_file = \"$T/nowhere.pem\"" "key_file = \"$PKI/server/serverkey.pem\"" \
    "ca_file = \"$PKI/ca/cacert.pem\""
start_refused "the default CA under the root, missing" "Cannot read CA certificate '.*/etc/pki/CA/cacert.pem'"
start_refused "tls_port that is no number" "tls_port: 'https' is not a port number" \
    'tls_port = "https"'
start_refused "listen_tcp with auth_tcp \"none\"" "plain TCP only with SASL" \
    'listen_tcp = 1' 'auth_tcp = "none"'

done_testing
