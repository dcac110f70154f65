#!/bin/bash
# vireo-test: once  (a real container; the descriptor passing runs under the sanitizers in test-fdpass)
# test-lxc-enter.sh: virDomainLxcOpenNamespace end to end.  vireod on a
# private --root runs one busybox container (no network: it has only its
# own loopback); then
# - stock virsh lxc-enter-namespace (with and without --noseclabel) runs
#   a command in the container: its host name, its init as pid 1, only
#   its own processes in /proc, its root folder, its cgroup (virsh also
#   calls virDomainLxcEnterCGroup, which goes by the domain's id);
# - vireo lxc-enter-namespace does the same and exits with the command's
#   status;
# - python3-libvirt's lxcOpenNamespace gets the descriptors (user only
#   when the container has its own user namespace);
# - the read-only socket refuses it (OPERATION_DENIED, libvirt's text),
#   a shut-off container is OPERATION_INVALID, nothing is left open in
#   vireod.
# When the driver cannot start a container at all the test says what is
# missing and SKIPs the rest.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"
. "$VIREO_TOP/tests/lxc/lib-lxc.sh"

if ! command -v virsh >/dev/null; then
    skip "lxc-enter-namespace with virsh" "virsh is not installed"
    exit 0
fi

lxc_setup "lxc-enter-namespace" lxc-enter
NAME=ent$$

cleanup() {
    [ -n "$DAEMON_PID" ] && timeout 20 virsh -q -c "$URI" destroy "$NAME" >/dev/null 2>&1
    lxc_kill_all
    daemon_cleanup
    grep -q -F "$CT" /proc/self/mountinfo || rm -rf "$WORK"
}
trap cleanup EXIT

require_daemon
URI="lxc:///system?socket=$DAEMON_SOCK"
URI_RO="lxc:///system?socket=$DAEMON_SOCK_RO"
# a URI naming a socket is the daemon's, for vireo's client too
VURI=$URI
vsh() { timeout 30 virsh -q -c "$URI" "$@" 2>&1; }

cat >"$WORK/ct.xml" <<X
<domain type='lxc'>
  <name>$NAME</name>
  <memory unit='MiB'>64</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='$CT'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
X
out=$(vsh define "$WORK/ct.xml") || { fail "define $NAME: $out"; exit 1; }

# py_open URI: "N" descriptors from libvirt_lxc.lxcOpenNamespace, or
# "CODE DOMAIN MESSAGE" of the refusal
py_open() {
    /usr/bin/python3 - "$1" "$NAME" <<'PY' 2>&1
import os, sys, libvirt, libvirt_lxc
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
try:
    fds = libvirt_lxc.lxcOpenNamespace(conn.lookupByName(sys.argv[2]), 0)
    names = [os.readlink("/proc/self/fd/%d" % fd).split(":")[0] for fd in fds]
    print(len(fds), " ".join(names))
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
PY
}

# a shut-off container has no namespaces
res=$(py_open "$URI")
if [[ $res == "55 17 "* ]] && [[ $res == *"$NAME"* ]]; then
    ok "a shut-off container: OPERATION_INVALID naming it ($res)"
else
    fail "a shut-off container: OPERATION_INVALID naming it, got: $res"
fi
out=$(vsh lxc-enter-namespace "$NAME" --noseclabel -- /bin/true)
rc=$?
check "virsh lxc-enter-namespace on a shut-off container fails ($out)" \
    eval '[ $rc -ne 0 ] && [[ $out == *"not running"* ]]'

if ! out=$(vsh start "$NAME"); then
    skip "lxc-enter-namespace in a running container" \
        "the lxc driver cannot start a container here: ${out//$'\n'/ }"
    exit 0
fi
ok "container $NAME started"
fds_before=$(find "/proc/$DAEMON_PID/fd" -mindepth 1 | wc -l)

# the command the entering tools run inside
probe='echo host=$(hostname); echo init=$(tr "\0" " " </proc/1/cmdline);
echo pids=$(ls -d /proc/[0-9]* | wc -l); echo max=$(ls -d /proc/[0-9]* | sed "s|/proc/||" | sort -n | tail -n 1);
echo root=$(ls /sbin/init /etc/hostname 2>/dev/null | wc -l);
[ "$(grep memory /proc/self/cgroup)" = "$(grep memory /proc/1/cgroup)" ] && echo cgroup=same'
# inside WHO OUTPUT: the checks of what probe printed
inside() {
    local who=$1 out=$2
    note "$who said:" "$out"
    check "$who: the command runs with the container's host name ($NAME)" \
        grep -qx "host=$NAME" <<<"$out"
    check "$who: pid 1 is the container's init" grep -q "^init=.*/sbin/init" <<<"$out"
    check "$who: /proc shows only the container's few processes" \
        eval '[[ $out =~ pids=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -le 10 ] &&
              [[ $out =~ max=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -lt 100 ]'
    check "$who: / is the container's root folder" grep -qx "root=2" <<<"$out"
}

out=$(vsh lxc-enter-namespace "$NAME" --noseclabel -- /bin/sh -c "$probe")
check "virsh lxc-enter-namespace --noseclabel succeeds" test $? -eq 0
inside "virsh lxc-enter-namespace --noseclabel" "$out"
check "virsh: the command is in the container's memory cgroup (virDomainLxcEnterCGroup)" \
    grep -qx "cgroup=same" <<<"$out"
out=$(vsh lxc-enter-namespace "$NAME" -- /bin/sh -c 'hostname')
check_eq "virsh lxc-enter-namespace without --noseclabel (security model none)" "$NAME" "$out"

out=$(timeout 30 "$VIREO" -c "$VURI" lxc-enter-namespace "$NAME" -- /bin/sh -c "$probe" 2>&1)
check "vireo lxc-enter-namespace succeeds" test $? -eq 0
inside "vireo lxc-enter-namespace" "$out"
check "vireo: the command is in the container's memory cgroup" grep -qx "cgroup=same" <<<"$out"
timeout 30 "$VIREO" -c "$VURI" lxc-enter-namespace "$NAME" -- /bin/sh -c 'exit 7' >/dev/null 2>&1
check_eq "vireo lxc-enter-namespace exits with the command's status" 7 "$?"

res=$(py_open "$URI")
note "python3-libvirt lxcOpenNamespace: $res"
# the user namespace only when the container has its own (no <idmap> here)
check "python3-libvirt: ipc uts net pid mnt, in libvirt's order" \
    eval '[[ $res == "5 ipc uts net pid mnt" ]]'

# the read-only socket: the daemon refuses it (a client not flagged
# read-only, so the refusal is the server's)
res=$(py_open "$URI_RO")
if [[ $res == "29 "* ]] && [[ $res == *"read only access prevents virDomainLxcOpenNamespace"* ]]; then
    ok "the read-only socket refuses it: OPERATION_DENIED ($res)"
else
    fail "the read-only socket refuses it with OPERATION_DENIED, got: $res"
fi
out=$(timeout 30 virsh -q -r -c "$URI" lxc-enter-namespace "$NAME" --noseclabel -- /bin/true 2>&1)
rc=$?
check "virsh -r lxc-enter-namespace is refused ($out)" eval '[ $rc -ne 0 ]'

fds_after=$(find "/proc/$DAEMON_PID/fd" -mindepth 1 | wc -l)
check_eq "vireod keeps no namespace descriptor open" "$fds_before" "$fds_after"

out=$(vsh destroy "$NAME")
check "destroy $NAME ($out)" test $? -eq 0
res=$(py_open "$URI")
check "after destroy: OPERATION_INVALID ($res)" eval '[[ $res == "55 17 "* ]]'
vsh undefine "$NAME" >/dev/null

# A container with its own user namespace (<idmap>): the user namespace
# comes first, and the command runs inside it.
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ]; then
    chmod 755 "$WORK"   # the mapped root walks to its root folder
    sed -e "s|<name>$NAME</name>|<name>$NAME-u</name>|" \
        -e "s|</os>|</os><idmap><uid start='0' target='200000' count='65536'/><gid start='0' target='200000' count='65536'/></idmap>|" \
        "$WORK/ct.xml" >"$WORK/ctu.xml"
    NAME=$NAME-u
    if out=$(vsh create "$WORK/ctu.xml"); then
        res=$(py_open "$URI")
        check "with <idmap>: user ipc uts net pid mnt ($res)" \
            eval '[[ $res == "6 user ipc uts net pid mnt" ]]'
        out=$(vsh lxc-enter-namespace "$NAME" --noseclabel -- /bin/sh -c 'hostname; cat /proc/self/uid_map')
        check "with <idmap>: virsh lxc-enter-namespace runs inside its user namespace" \
            eval '[[ $out == "$NAME"*"0"*"200000"*"65536"* ]]'
        note "$out"
        vsh destroy "$NAME" >/dev/null
    else
        fail "a container with <idmap> starts: $out"
    fi
else
    skip "lxc-enter-namespace with a user namespace" "user namespaces are off (max_user_namespaces)"
fi

# The access rules: domain.open_namespace is checked on the domain named.
daemon_cleanup
cat >"$WORK/rules.conf" <<R
deny user:root domain.open_namespace name=*-deny
allow user:root *
R
require_daemon 'access_drivers = [ "rules" ]' "access_rules_file = \"$WORK/rules.conf\""
URI="lxc:///system?socket=$DAEMON_SOCK"
NAME=${NAME%-u}-deny
sed -e "s|<name>.*</name>|<name>$NAME</name>|" "$WORK/ct.xml" >"$WORK/ctd.xml"
if out=$(vsh create "$WORK/ctd.xml"); then
    res=$(py_open "$URI")
    check "a rule denying domain.open_namespace on it: ACCESS_DENIED ($res)" \
        eval '[[ $res == "88 "* ]]'
    vsh destroy "$NAME" >/dev/null
else
    fail "a container starts under the access rules: $out"
fi
done_testing
