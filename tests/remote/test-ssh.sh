#!/bin/bash
# test-ssh.sh: qemu+ssh:// and test+ssh:// through Debian's openssh-server,
# started here in a network namespace on its own port with its own
# config, host key and authorized_keys (all in the test's temp dir), in
# front of vireod --root.  Clients: stock virsh, python3-libvirt and
# vireo's CLI.  The remote side reaches vireod's socket through
#   - vireo-ssh-helper as netcat (?proxy=netcat&netcat=HELPER&socket=...)
#   - plain nc (?proxy=netcat&socket=...)
#   - Debian's own virt-ssh-helper (the default, proxy=auto, no ?socket=)
#   - vireo-ssh-helper as virt-ssh-helper (?proxy=native, a second sshd
#     whose sessions find it first in PATH)
# The last two compute libvirt's default socket (/run/libvirt/...): that
# sshd runs in a private mount namespace where /run/libvirt is vireod's
# socket folder, so the host's /run/libvirt is never touched.
# Refusals: the read-only socket refuses define ("read only access"), a
# wrong key is refused with ssh's own words and leaves no process behind.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../daemon/lib-daemon.sh"
. "$(dirname "$0")/../network/lib-network.sh"
. "$(dirname "$0")/lib-remote.sh"

HELPER=$VIREO_BUILD/src/cli/vireo-ssh-helper
SSHD=/usr/sbin/sshd
for need in "$SSHD" /usr/bin/ssh /usr/bin/ssh-keygen /usr/bin/nc /usr/bin/unshare; do
    [ -x "$need" ] || { skip "ssh remote access" "$need is not installed"; exit 0; }
done
command -v virsh >/dev/null || { skip "ssh remote access" "virsh is not installed"; exit 0; }
[ "$(id -u)" = 0 ] || { skip "ssh remote access" "network namespaces need root"; exit 0; }
[ -x "$HELPER" ] || { skip "ssh remote access" "vireo-ssh-helper is not built"; exit 0; }
if [ "$VIREO_TEST_DAEMON" != vireod ]; then skip "ssh remote access" "runs vireod only"; exit 0; fi

T=$(mktemp -d /tmp/vireo-ssh-test.XXXXXX)
SSHD_PIDS=()
cleanup() {
    local p
    for p in "${SSHD_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    daemon_cleanup
    netns_cleanup
    rm -rf "$T"
}
trap cleanup EXIT

# keys: the server's host key, the client's, and a key sshd does not know
ssh-keygen -q -t ed25519 -N '' -C vireo-test-host -f "$T/host_key" &&
ssh-keygen -q -t ed25519 -N '' -C vireo-test-client -f "$T/id_ed25519" &&
ssh-keygen -q -t ed25519 -N '' -C vireo-test-stranger -f "$T/wrong_key" &&
cp "$T/id_ed25519.pub" "$T/authorized_keys" || { fail "ssh-keygen makes the keys"; exit 1; }
K=$T/id_ed25519

# The clients' ssh, first in PATH (virsh and vireo run "ssh" from PATH):
# the ssh transport of libvirt has no URI parameter for the known_hosts
# file (known_hosts= is the libssh/libssh2 transports' only), and ssh
# would otherwise read /root/.ssh/config, offer the keys of /root/.ssh
# and an agent's, and record this test's throw-away host key in
# /root/.ssh/known_hosts.  -F names a config so ssh does not create
# ~/.ssh either; IdentitiesOnly makes "wrong key" mean the key given.
mkdir -p "$T/bin" "$T/rbin"
cat >"$T/bin/ssh" <<'EOF'
#!/bin/sh
exec /usr/bin/ssh -F /dev/null -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=no -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o LogLevel=ERROR "$@"
EOF
chmod +x "$T/bin/ssh"
export PATH=$T/bin:$PATH
# the second sshd's sessions find vireo's helper under libvirt's name
ln -s "$HELPER" "$T/rbin/virt-ssh-helper"

netns_setup
require_daemon
SOCK=$DAEMON_SOCK
SOCK_RO=$DAEMON_SOCK_RO
ADDR=$REMOTE_ADDR
PORT=2222        # sshd A: Debian's PATH (its virt-ssh-helper, nc)
PORT_NATIVE=2223 # sshd B: vireo-ssh-helper as virt-ssh-helper

# sshd_start PORT [CONFIG-LINE...]: sshd -D in the namespace, in a private
# mount namespace whose /run is its own (tmpfs: /run/sshd, its privilege
# separation folder, and /run/libvirt bound to vireod's socket folder)
sshd_start() {
    local port=$1 cfg=$T/sshd_config.$1; shift
    {
        echo "ListenAddress $ADDR"
        echo "HostKey $T/host_key"
        echo "AuthorizedKeysFile $T/authorized_keys"
        echo "PidFile none"
        echo "PermitRootLogin prohibit-password"
        echo "PubkeyAuthentication yes"
        echo "PasswordAuthentication no"
        echo "KbdInteractiveAuthentication no"
        # no PAM: nothing of the host's login stack runs for the test
        echo "UsePAM no"
        # the key files live under /tmp (world-writable): not a home
        echo "StrictModes no"
        echo "LogLevel VERBOSE"
        printf '%s\n' "$@"
    } >"$cfg"
    # ip netns exec, unshare and sh each exec the next: $! is sshd's PID
    # (not in_ns: a function run in the background is a subshell's PID)
    # shellcheck disable=SC2016 # expanded by the inner shell
    ip netns exec "$NETNS" unshare -m --propagation private /bin/sh -c '
        mount -t tmpfs -o mode=755 tmpfs /run &&
        mkdir -p /run/sshd /run/libvirt && chmod 755 /run/sshd &&
        mount --bind "$1" /run/libvirt &&
        exec "$2" -D -e -f "$3" -p "$4"' sh \
        "$DAEMON_SOCKDIR" "$SSHD" "$cfg" "$port" 2>>"$T/sshd.$port.log" </dev/null &
    SSHD_PIDS+=($!)
    wait_for 10 remote_port_open "$port"
}
if sshd_start $PORT && sshd_start $PORT_NATIVE "SetEnv PATH=$T/rbin:/usr/bin:/bin"; then
    ok "Debian's sshd answers on $ADDR:$PORT and :$PORT_NATIVE in $NETNS (pids ${SSHD_PIDS[*]})"
else
    fail "sshd starts in the namespace"; note "$(cat "$T"/sshd.*.log)"; exit 1
fi

# rc, out, err of a client run in the namespace
run() { out=$(in_ns timeout 60 "$@" 2>"$T/err"); rc=$?; err=$(cat "$T/err"); }
expect_ok() {  # what
    if [ "$rc" -eq 0 ]; then ok "$1"; else fail "$1 (status $rc)"; note "$out" "$err"; fi
}
# the ssh clients of this test still running (their command lines name $T)
ssh_children() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = ssh ] || continue
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "$T" && echo "${p#/proc/}"
    done
}
# what runs in the namespace besides vireod and the two sshd
ns_strays() {
    local p
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do
        [ "$p" = "$DAEMON_PID" ] && continue
        [[ " ${SSHD_PIDS[*]} " == *" $p "* ]] && continue
        echo "$p:$(cat "/proc/$p/comm" 2>/dev/null)"
    done
}
no_strays() { [ -z "$(ssh_children)" ] && [ -z "$(ns_strays)" ]; }

U_HELPER="test+ssh://root@$ADDR:$PORT/default?keyfile=$K&socket=$SOCK&proxy=netcat&netcat=$HELPER"
U_NC="test+ssh://root@$ADDR:$PORT/default?keyfile=$K&socket=$SOCK&proxy=netcat"
U_RO="test+ssh://root@$ADDR:$PORT/default?keyfile=$K&socket=$SOCK_RO&proxy=netcat&netcat=$HELPER"
U_DEFAULT="test+ssh://root@$ADDR:$PORT/default?keyfile=$K"
U_NATIVE="test+ssh://root@$ADDR:$PORT_NATIVE/default?keyfile=$K&proxy=native"

printf "<domain type='test'><name>sshdom</name><memory unit='MiB'>64</memory>%s</domain>\n" \
    "<os><type arch='x86_64'>hvm</type></os>" >"$T/sshdom.xml"

# ---- stock virsh through vireo-ssh-helper as netcat
run virsh -c "$U_HELPER" list --all
expect_ok "virsh over ssh + vireo-ssh-helper (netcat form) lists domains"
check "... and sees the test driver's domain 'test'" grep -qw test <<<"$out"
run virsh -c "$U_HELPER" define "$T/sshdom.xml"
expect_ok "virsh over ssh + vireo-ssh-helper defines sshdom"
run virsh -c "$U_HELPER" start sshdom
expect_ok "virsh over ssh + vireo-ssh-helper starts sshdom"
run virsh -c "$U_HELPER" domstate sshdom
check_eq "sshdom is running, seen over ssh" running "$(head -n 1 <<<"$out")"

# ---- plain nc
run virsh -c "$U_NC" list --all
expect_ok "virsh over ssh + plain nc lists domains"
check "... sshdom among them, running" grep -Eq 'sshdom +running' <<<"$out"

# ---- the read-only socket
run virsh -c "$U_RO" define "$T/sshdom.xml"
check "define through the read-only socket over ssh is refused" [ "$rc" -ne 0 ]
check "... with 'read only access'" grep -q "read only access" <<<"$err"
[ "$rc" -ne 0 ] || note "$out" "$err"
run virsh -r -c "$U_RO" list --all
expect_ok "virsh -r over ssh lists through the read-only socket"

# ---- Debian's virt-ssh-helper: libvirt's default when the remote host
# has one (proxy=auto, no ?socket=); it is a libvirt client of the
# default socket.  libvirt 9.0's virsh does not pass ?socket= to it
# (it sends only the driver URI; a ?socket= URI goes through nc).
run virsh -c "$U_DEFAULT" list --all
expect_ok "virsh over ssh with the defaults (Debian's virt-ssh-helper) lists domains"
check "... sshdom among them" grep -qw sshdom <<<"$out"
run virsh -r -c "$U_DEFAULT" define "$T/sshdom.xml"
check "virsh -r with the defaults (virt-ssh-helper -r: libvirt-sock-ro) cannot define" \
    grep -q "read only access" <<<"$err"

# ---- vireo-ssh-helper as virt-ssh-helper (proxy=native)
run virsh -c "$U_NATIVE" list --all
expect_ok "virsh over ssh, proxy=native: vireo-ssh-helper 'test:///default' lists domains"
check "... sshdom among them" grep -qw sshdom <<<"$out"
run virsh -r -c "$U_NATIVE" define "$T/sshdom.xml"
check "virsh -r, proxy=native: vireo-ssh-helper -r picks libvirt-sock-ro (define refused)" \
    grep -q "read only access" <<<"$err"

# ---- python3-libvirt
run /usr/bin/python3 -c '
import libvirt, sys
libvirt.registerErrorHandler(lambda c, e: None, None)
c = libvirt.open(sys.argv[1])
print(" ".join(sorted(d.name() for d in c.listAllDomains())))
c.close()' "$U_HELPER"
check_eq "python3-libvirt over ssh lists sshdom and test" "sshdom test" "$out"

# ---- vireo's own client
run "$VIREO_BUILD/src/cli/vireo" -c "$U_HELPER" list --all
expect_ok "vireo over ssh + vireo-ssh-helper lists domains"
check "... sshdom among them" grep -qw sshdom <<<"$out"
run "$VIREO_BUILD/src/cli/vireo" -c "qemu+ssh://root@$ADDR:$PORT/system?keyfile=$K" list --all
expect_ok "vireo -c qemu+ssh://root@$ADDR:$PORT/system (the defaults) lists domains"
run "$VIREO_BUILD/src/cli/vireo" -c "$U_NATIVE" domstate sshdom
check_eq "vireo over ssh, proxy=native: sshdom running" running "$(head -n 1 <<<"$out")"
run "$VIREO_BUILD/src/cli/vireo" -c "$U_RO" destroy sshdom
check "vireo over ssh on the read-only socket: destroy refused with 'read only access'" \
    grep -q "read only access" <<<"$err"

check "no ssh client and no remote helper left after the clients exited" wait_for 10 no_strays
no_strays || note "ssh: $(ssh_children | tr '\n' ' ')" "in the namespace: $(ns_strays | tr '\n' ' ')"

# ---- a key sshd does not know
WRONG="test+ssh://root@$ADDR:$PORT/default?keyfile=$T/wrong_key&socket=$SOCK&proxy=netcat&netcat=$HELPER"
run virsh -c "$WRONG" list
check "virsh with a wrong key fails" [ "$rc" -ne 0 ]
check "... saying ssh's 'Permission denied (publickey)'" grep -q "Permission denied (publickey)" <<<"$err"
run "$VIREO_BUILD/src/cli/vireo" -c "$WRONG" list
check "vireo with a wrong key fails" [ "$rc" -ne 0 ]
check "... saying ssh's 'Permission denied (publickey)'" grep -q "Permission denied (publickey)" <<<"$err"
[ "$rc" -ne 0 ] && note "vireo said: $err"
check "no ssh process is left behind by the refused connections" [ -z "$(ssh_children)" ]
fp=$(ssh-keygen -l -f "$T/wrong_key.pub" | awk '{print $2}')
check_eq "sshd logged both refusals of that key" 2 \
    "$(grep -c "Failed publickey for root .*$fp" "$T/sshd.$PORT.log")"
run virsh -c "$U_HELPER" domstate sshdom
check_eq "the daemon still serves after the refusals" running "$(head -n 1 <<<"$out")"

# ---- stop sshd and vireod by PID
stopped=1
for p in "${SSHD_PIDS[@]}"; do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sshd ] || stopped=0
    kill -TERM "$p" && wait "$p" 2>/dev/null
    kill -0 "$p" 2>/dev/null && stopped=0
done
SSHD_PIDS=()
check "both sshd stopped by PID" [ "$stopped" -eq 1 ]
no_ns_strays() { [ -z "$(ns_strays)" ]; }
check "... and nothing but vireod left in the namespace" wait_for 5 no_ns_strays
no_ns_strays || note "left: $(ns_strays | tr '\n' ' ')"
port_closed() { ! remote_port_open "$1"; }
check "... the ssh port is closed" port_closed $PORT
if daemon_stop; then ok "vireod stops cleanly"; else fail "vireod stops cleanly: $DAEMON_STOP_WHY"; fi

done_testing
