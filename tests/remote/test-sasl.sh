#!/bin/bash
# test-sasl.sh: SASL authentication (Cyrus, a sasldb made here with
# saslpasswd2 under the daemon's root) driven by Debian's virsh with
# LIBVIRT_AUTH_FILE: SCRAM-SHA-256 over the unix socket (auth_unix_rw =
# "sasl"), DIGEST-MD5 with its security layer over plain TCP (stock virsh
# demands SSF >= 56 there) and SCRAM over TLS; a wrong password, a user
# outside sasl_allowed_username_list and an unauthenticated client's
# calls are refused (and logged); the bytes on plain TCP after
# authentication are encoded; python3-libvirt and vireo's CLI too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon/lib-daemon.sh"
. "$(dirname "$0")/../network/lib-network.sh"
. "$(dirname "$0")/lib-remote.sh"

why=$(remote_can_run)
command -v saslpasswd2 >/dev/null || why="saslpasswd2 (sasl2-bin) is not installed"
[ -e /usr/lib/x86_64-linux-gnu/sasl2/libscram.so ] || ls /usr/lib/*/sasl2/libscram.so >/dev/null 2>&1 ||
    why="the SCRAM plugin (libsasl2-modules) is not installed"
if [ -n "$why" ]; then skip "SASL authentication" "$why"; exit 0; fi
if [ "$VIREO_TEST_DAEMON" != vireod ]; then skip "SASL authentication" "runs vireod only"; exit 0; fi

T=$(mktemp -d /tmp/vireo-sasl-test.XXXXXX)
RELAY=""
cleanup() {
    [ -n "$RELAY" ] && kill -TERM "$RELAY" 2>/dev/null && wait "$RELAY" 2>/dev/null
    daemon_cleanup
    netns_cleanup
    rm -rf "$T"
}
trap cleanup EXIT
# sanitizer builds: libsasl2-modules' DIGEST-MD5 plugin (2.1.28) never
# frees the OpenSSL ciphers of its layer; not ours, so not reported
echo "leak:libdigestmd5.so" >"$T/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp"

# the daemon's root gets Cyrus' config and the user database before it starts
sasl_prepare() {
    local root=$1
    mkdir -p "$root/etc/sasl2" "$root/etc/libvirt" || return 1
    printf 'mech_list: scram-sha-256 digest-md5\nsasldb_path: %s\n' \
        "$root/etc/libvirt/passwd.db" >"$root/etc/sasl2/libvirt.conf"
    echo secret | saslpasswd2 -c -f "$root/etc/libvirt/passwd.db" -a libvirt -p alice &&
    echo bobpw | saslpasswd2 -c -f "$root/etc/libvirt/passwd.db" -a libvirt -p bob
}
# auth FILE USER PASSWORD: a libvirt client auth file
auth() {
    printf '[credentials-t]\nauthname=%s\npassword=%s\n\n[auth-libvirt-default]\ncredentials=t\n' \
        "$2" "$3" >"$T/$1"
}
auth good.conf alice secret
auth bad.conf alice wrong
auth bob.conf bob bobpw

if ! remote_pki_setup "$T/pki"; then fail "certtool makes a CA and certificates"; exit 1; fi
netns_setup
# shellcheck disable=SC2034 # read by daemon_start
DAEMON_PREPARE=sasl_prepare
if ! remote_daemon_start 'auth_unix_rw = "sasl"' 'listen_tcp = 1' 'auth_tcp = "sasl"' \
        'auth_tls = "sasl"' 'sasl_allowed_username_list = [ "alice", "carol*" ]'; then
    fail "vireod starts with SASL on unix, TCP and TLS: ${DAEMON_START_WHY:-its port does not answer}"
    daemon_show_log; exit 1
fi
ok "vireod starts with SASL on the unix socket, TCP and TLS"

UNIX_URI="test+unix:///default?socket=$DAEMON_SOCK"
TCP_URI="test+tcp://$REMOTE_ADDR/default"
TLS_URI="test+tls://$REMOTE_ADDR/default?pkipath=$T/pki/client"
# vsh AUTHFILE ARGS...: stock virsh in the namespace, no terminal
vsh() { local f=$1; shift; LIBVIRT_AUTH_FILE=$T/$f in_ns timeout 30 virsh -q "$@" </dev/null 2>&1; }
row() { tr -s ' ' | sed 's/^ //'; }

# ---- (a) SCRAM-SHA-256 over the unix socket ----
out=$(vsh good.conf -c "$UNIX_URI" list --all)
check_eq "virsh with a good password lists domains over the unix socket (SCRAM)" \
    "1 test running" "$(row <<<"$out")"
grep -q "authenticated with SASL (SSF 0)" "$DAEMON_LOG" &&
    grep -q "sasl 'alice'" "$DAEMON_LOG" &&
    ok "the daemon logs alice authenticated with no layer on the unix socket" ||
    fail "the daemon logs alice authenticated with no layer on the unix socket"
out=$(vsh bad.conf -c "$UNIX_URI" list --all); rc=$?
if [ $rc -ne 0 ] && grep -q "authentication failed" <<<"$out"; then
    ok "a wrong password is refused with 'authentication failed'"
else fail "a wrong password is refused with 'authentication failed'"; note "rc=$rc" "$out"; fi
grep -q "SASL authentication failed: .*authentication failure" "$DAEMON_LOG" &&
    ok "the daemon logs the failed SASL authentication and why" ||
    { fail "the daemon logs the failed SASL authentication and why"; daemon_show_log; }
AUDIT=$DAEMON_ROOT/var/log/libvirt/vireod-audit.log
grep -q 'api=authenticate method=sasl result=error code=45 .*authentication failure' "$AUDIT" 2>/dev/null &&
    ok "the audit log records the failed SASL authentication" ||
    { fail "the audit log records the failed SASL authentication"; note "$(tail -3 "$AUDIT" 2>&1)"; }
out=$(vsh bob.conf -c "$UNIX_URI" list --all); rc=$?
if [ $rc -ne 0 ] && grep -q "authentication failed" <<<"$out" &&
    grep -q "SASL user 'bob' is not in sasl_allowed_username_list" "$DAEMON_LOG"; then
    ok "a valid user outside sasl_allowed_username_list is refused and logged"
else fail "a valid user outside sasl_allowed_username_list is refused and logged"; note "$out"; fi

# an unauthenticated client: AUTH_LIST says SASL, other calls are refused
out=$(/usr/bin/python3 - "$DAEMON_SOCK" "$(dirname "$0")/../daemon" <<'PY' 2>&1
import struct, sys
sys.path.insert(0, sys.argv[2])
import rpcwire as w
c = w.Raw(sys.argv[1], 10)
c.send(w.call(w.PROC_AUTH_LIST, 1))
(h, body) = c.recv_reply()
r = w.Reader(body)
n = r.int()
print("authlist", h[5], [r.int() for _ in range(n)])
c.send(w.call(w.PROC_CONNECT_OPEN, 2, w.xdr_nullable_string("test:///default") + struct.pack(">I", 0)))
(h, body) = c.recv_reply()
e = w.decode_error(body) if h[5] == w.ERROR else {}
print("open", h[5], e.get("code"), e.get("message"))
c.send(w.call(68, 3, w.xdr_string("SCRAM-SHA-256") + struct.pack(">ii", 1, 0)))   # START before INIT
(h, body) = c.recv_reply()
e = w.decode_error(body) if h[5] == w.ERROR else {}
print("start", h[5], e.get("code"), e.get("message"))
PY
)
grep -q "^authlist 0 \[1\]" <<<"$out" && ok "AUTH_LIST reports SASL on the unix socket" ||
    { fail "AUTH_LIST reports SASL on the unix socket"; note "$out"; }
grep -q "^open 1 39 .*authentication required" <<<"$out" &&
    ok "an unauthenticated client's CONNECT_OPEN is refused: authentication required" ||
    { fail "an unauthenticated client's CONNECT_OPEN is refused: authentication required"; note "$out"; }
grep -q "^start 1 45 authentication failed" <<<"$out" &&
    ok "AUTH_SASL_START before AUTH_SASL_INIT is refused with AUTH_FAILED" ||
    { fail "AUTH_SASL_START before AUTH_SASL_INIT is refused with AUTH_FAILED"; note "$out"; }

# ---- (b) plain TCP: DIGEST-MD5 with a security layer ----
out=$(vsh good.conf -c "$TCP_URI" list --all)
check_eq "virsh with a good password lists domains over plain TCP (DIGEST-MD5)" \
    "1 test running" "$(row <<<"$out")"
grep -Eq "address 127.0.0.1;[0-9]+ sasl 'alice'\): authenticated with SASL \(SSF (5[6-9]|[6-9][0-9]|[1-9][0-9]{2,})\)" \
    "$DAEMON_LOG" && ok "the TCP client got a security layer of SSF >= 56" ||
    { fail "the TCP client got a security layer of SSF >= 56"; daemon_show_log; }
out=$(vsh bad.conf -c "$TCP_URI" list --all); rc=$?
[ $rc -ne 0 ] && grep -q "authentication failed" <<<"$out" &&
    ok "a wrong password is refused over TCP" || { fail "a wrong password is refused over TCP"; note "$out"; }

# the bytes after authentication are encoded: a relay records them
MARK="sasl-layer-marker-$RANDOM$RANDOM"
{
    echo "<domain type='test'><name>sasldom</name><memory>65536</memory><vcpu>1</vcpu>"
    echo "<description>$MARK $(head -c 150000 /dev/zero | tr '\0' 'x')</description>"
    echo "<os><type>hvm</type></os></domain>"
} >"$T/dom.xml"
RELAY_PORT=17509
in_ns /usr/bin/python3 "$(dirname "$0")/sasl_capture.py" "$RELAY_PORT" 16509 "$T/capture" \
    >"$T/relay.out" 2>&1 &
RELAY=$!
wait_for 10 grep -q ready "$T/relay.out" || note "the relay did not start: $(cat "$T/relay.out")"
out=$(vsh good.conf -c "test+tcp://$REMOTE_ADDR:$RELAY_PORT/default" \
    "define $T/dom.xml; dumpxml sasldom")
if grep -q "$MARK" <<<"$out" && [ "$(grep -o 'x\{1000\}' <<<"$out" | wc -l)" -ge 140 ]; then
    ok "a 150 kB domain XML goes to the daemon and back through the layer"
else fail "a 150 kB domain XML goes to the daemon and back through the layer"; note "$(head -c 500 <<<"$out")"; fi
size=$(stat -c %s "$T/capture" 2>/dev/null || echo 0)
if [ "$size" -gt 300000 ] && ! grep -q "$MARK" "$T/capture" && ! grep -q 'xxxxxxxxxxxxxxxx' "$T/capture"; then
    ok "the traffic after authentication is encoded ($size bytes seen, no XML in them)"
else fail "the traffic after authentication is encoded"; note "capture: $size bytes"; fi

# ---- (c) TLS with SCRAM (the channel is secure: no layer) ----
out=$(vsh good.conf -c "$TLS_URI" list --all)
check_eq "virsh lists domains over TLS with SASL (SCRAM)" "1 test running - sasldom shut off" \
    "$(row <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
out=$(vsh bad.conf -c "$TLS_URI" list --all); rc=$?
[ $rc -ne 0 ] && grep -q "authentication failed" <<<"$out" &&
    ok "a wrong password is refused over TLS" || { fail "a wrong password is refused over TLS"; note "$out"; }

# ---- other clients ----
out=$(LIBVIRT_AUTH_FILE=$T/good.conf in_ns timeout 30 /usr/bin/python3 - "$TCP_URI" <<'PY' 2>&1
import sys, libvirt
def ask(creds, _):
    return -1       # the auth file must answer: asking is a failure
c = libvirt.openAuth(sys.argv[1], [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], ask, None])
print(sorted(d.name() for d in c.listAllDomains()))
PY
)
check_eq "python3-libvirt authenticates over TCP with the auth file" "['sasldom', 'test']" "$out"
out=$(LIBVIRT_AUTH_FILE=$T/good.conf in_ns timeout 30 "$VIREO" -c "$UNIX_URI" list --all </dev/null 2>&1)
grep -q "test" <<<"$out" && grep -q "sasldom" <<<"$out" &&
    ok "vireo's CLI authenticates with SCRAM over the unix socket" ||
    { fail "vireo's CLI authenticates with SCRAM over the unix socket"; note "$out"; }
out=$(LIBVIRT_AUTH_FILE=$T/good.conf in_ns timeout 30 "$VIREO" -c "$TCP_URI" dumpxml sasldom </dev/null 2>&1)
grep -q "$MARK" <<<"$out" && ok "vireo's CLI authenticates over TCP with DIGEST-MD5's layer" ||
    { fail "vireo's CLI authenticates over TCP with DIGEST-MD5's layer"; note "$(head -c 300 <<<"$out")"; }
out=$(LIBVIRT_AUTH_FILE=$T/bad.conf in_ns timeout 30 "$VIREO" -c "$TCP_URI" list </dev/null 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "authentication failed" <<<"$out" &&
    ok "vireo's CLI shows a wrong password's refusal" ||
    { fail "vireo's CLI shows a wrong password's refusal"; note "$out"; }
out=$(LIBVIRT_AUTH_FILE=$T/none.conf in_ns timeout 30 "$VIREO" -c "$UNIX_URI" list </dev/null 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "auth file" <<<"$out" &&
    ok "vireo's CLI names a missing auth file" || { fail "vireo's CLI names a missing auth file"; note "$out"; }
out=$(in_ns env -u LIBVIRT_AUTH_FILE XDG_CONFIG_HOME="$T/empty" timeout 30 "$VIREO" -c "$UNIX_URI" list </dev/null 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "no credentials" <<<"$out" &&
    ok "without credentials and a terminal vireo's CLI says so" ||
    { fail "without credentials and a terminal vireo's CLI says so"; note "$out"; }

# the auth file's per-host section wins over the default one, as for virsh
printf '%s\n' '[credentials-good]' 'authname=alice' 'password=secret' '' \
    '[credentials-bad]' 'authname=alice' 'password=wrong' '' \
    "[auth-libvirt-$REMOTE_ADDR]" 'credentials=good' '' \
    '[auth-libvirt-default]' 'credentials=bad' >"$T/hosts.conf"
for client in virsh "$VIREO"; do
    tcp=$(LIBVIRT_AUTH_FILE=$T/hosts.conf in_ns timeout 30 "$client" -c "$TCP_URI" list </dev/null 2>&1)
    unix=$(LIBVIRT_AUTH_FILE=$T/hosts.conf in_ns timeout 30 "$client" -c "$UNIX_URI" list </dev/null 2>&1)
    if grep -q test <<<"$tcp" && grep -q "authentication failed" <<<"$unix"; then
        ok "$(basename "$client"): [auth-libvirt-$REMOTE_ADDR] for TCP, [auth-libvirt-default] for the unix socket"
    else fail "$(basename "$client"): the host's section, else the default one"; note "$tcp" "$unix"; fi
done
# ?auth=sasl.MECH picks the mechanism (DIGEST-MD5 needs no layer on the unix socket)
out=$(LIBVIRT_AUTH_FILE=$T/good.conf in_ns timeout 30 "$VIREO" \
    -c "$UNIX_URI&auth=sasl.digest-md5" domstate test </dev/null 2>&1)
check_eq "vireo's CLI authenticates with ?auth=sasl.digest-md5" "running" "$(row <<<"$out")"
out=$(LIBVIRT_AUTH_FILE=$T/good.conf in_ns timeout 30 "$VIREO" \
    -c "$UNIX_URI&auth=sasl.gssapi" list </dev/null 2>&1)
grep -q "SASL mechanism gssapi not supported by server" <<<"$out" &&
    ok "a mechanism the server lacks is refused by name" ||
    { fail "a mechanism the server lacks is refused by name"; note "$out"; }

# a refused client disturbed nobody: the daemon still serves
out=$(vsh good.conf -c "$UNIX_URI" domstate test)
check_eq "the daemon serves after the refusals" "running" "$(row <<<"$out")"
daemon_stop && ok "vireod stops cleanly" || fail "vireod stops cleanly: $DAEMON_STOP_WHY"
done_testing
