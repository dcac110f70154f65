# shellcheck shell=bash
# lib-remote.sh: certificates and a vireod listening on TCP, for the
# remote-access tests (TLS, SASL, SSH).  Source it after tests/lib.sh,
# tests/daemon/lib-daemon.sh and tests/network/lib-network.sh.
#
# remote_pki_setup DIR    a CA and its certificates made with certtool, in
#                         libvirt's file names:
#     DIR/ca/{cacert.pem,cakey.pem}             the CA
#     DIR/server/{servercert.pem,serverkey.pem} CN=vireo-test-server, IP SAN
#                                               REMOTE_ADDR (127.0.0.1)
#     DIR/client/    pkipath= folders (cacert.pem, clientcert.pem,
#     DIR/expired/   clientkey.pem): a good client "CN=client1,O=vireo
#     DIR/foreign/   test,C=GB", an expired one, one signed by another
#     DIR/otherdn/   CA, and a good one with DN "CN=intruder,O=vireo test,C=GB"
#                         Prints nothing; non-zero when certtool fails.
# remote_daemon_start CONFIG-LINE...   vireod --listen in the test's network
#                         namespace (netns_setup first) with the server
#                         certificate of REMOTE_PKI and the config lines;
#                         waits until REMOTE_ADDR:PORT accepts (tls_port, or
#                         REMOTE_PORT).  Stop it with daemon_stop (by PID).
# remote_port_open PORT   something accepts on REMOTE_ADDR:PORT in the namespace
# remote_can_run          empty when certtool, virsh and ip netns are here, else why not

REMOTE_ADDR=127.0.0.1
REMOTE_PKI=""
: "${REMOTE_TLS_PORT:=16514}"

remote_can_run() {
    command -v certtool >/dev/null || { echo "certtool (gnutls-bin) is not installed"; return; }
    command -v virsh >/dev/null || { echo "virsh (libvirt-clients) is not installed"; return; }
    [ "$(id -u)" = 0 ] || { echo "network namespaces need root"; return; }
}

# _remote_key FILE: an RSA private key (libvirt wants key encipherment)
_remote_key() { certtool --generate-privkey --bits 2048 --outfile "$1" 2>/dev/null; }

# _remote_ca DIR CN: a self-signed CA in DIR
_remote_ca() {
    mkdir -p "$1"
    printf 'cn = %s\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 30\n' "$2" >"$1/ca.info"
    _remote_key "$1/cakey.pem" &&
    certtool --generate-self-signed --load-privkey "$1/cakey.pem" --template "$1/ca.info" \
        --outfile "$1/cacert.pem" >/dev/null 2>&1
}

# _remote_cert CA-DIR OUT-CERT OUT-KEY TEMPLATE-LINES...: a certificate signed by the CA
_remote_cert() {
    local ca=$1 cert=$2 key=$3; shift 3
    printf '%s\n' "$@" >"$cert.info"
    _remote_key "$key" &&
    certtool --generate-certificate --load-privkey "$key" --load-ca-certificate "$ca/cacert.pem" \
        --load-ca-privkey "$ca/cakey.pem" --template "$cert.info" --outfile "$cert" >/dev/null 2>&1
}

# _remote_client DIR CA-DIR CLIENT-CA TEMPLATE-LINES...: a pkipath folder
_remote_client() {
    local dir=$1 ca=$2; shift 2
    mkdir -p "$dir"
    cp "$REMOTE_PKI/ca/cacert.pem" "$dir/cacert.pem"
    _remote_cert "$ca" "$dir/clientcert.pem" "$dir/clientkey.pem" "$@"
}

remote_pki_setup() {
    local d=$1 client=(tls_www_client encryption_key signing_key)
    REMOTE_PKI=$d
    _remote_ca "$d/ca" "vireo test CA" || return 1
    # another CA of the same name: GnuTLS clients offer only certificates
    # of the issuers the server names, so an impostor takes the name too
    _remote_ca "$d/otherca" "vireo test CA" || return 1
    mkdir -p "$d/server"
    _remote_cert "$d/ca" "$d/server/servercert.pem" "$d/server/serverkey.pem" \
        "organization = vireo test" "cn = vireo-test-server" "dns_name = vireo-test-server" \
        "ip_address = $REMOTE_ADDR" tls_www_server encryption_key signing_key \
        "expiration_days = 30" || return 1
    _remote_client "$d/client" "$d/ca" "country = GB" "organization = vireo test" \
        "cn = client1" "${client[@]}" "expiration_days = 30" || return 1
    _remote_client "$d/otherdn" "$d/ca" "country = GB" "organization = vireo test" \
        "cn = intruder" "${client[@]}" "expiration_days = 30" || return 1
    _remote_client "$d/foreign" "$d/otherca" "country = GB" "organization = vireo test" \
        "cn = client1" "${client[@]}" "expiration_days = 30" || return 1
    _remote_client "$d/expired" "$d/ca" "country = GB" "organization = vireo test" \
        "cn = client1" "${client[@]}" 'activation_date = "2020-01-01 00:00:00"' \
        'expiration_date = "2020-02-01 00:00:00"' || return 1
}

remote_port_open() {
    in_ns /usr/bin/python3 - "$REMOTE_ADDR" "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
PY
}

_remote_listening() { remote_port_open "$1" || ! _daemon_alive; }

remote_daemon_start() {
    local port=${REMOTE_PORT:-$REMOTE_TLS_PORT}
    DAEMON_ARGS=(--listen)
    daemon_start \
        "ca_file = \"$REMOTE_PKI/ca/cacert.pem\"" \
        "cert_file = \"$REMOTE_PKI/server/servercert.pem\"" \
        "key_file = \"$REMOTE_PKI/server/serverkey.pem\"" \
        "log_level = 2" \
        "$@" || return 1
    wait_for 10 _remote_listening "$port" && _daemon_alive
}
