#!/bin/bash
# test-virsh.sh: Debian's virsh, unchanged, drives the daemon over its
# unix sockets: every procedure the foundation's commands send, the
# read-only socket, the modular daemons' socket names, libvirt's error
# messages, and a clean exit on SIGTERM.
#
# VIREO_TEST_DAEMON=libvirtd runs the same checks against Debian's
# libvirtd (to validate the test); checks of vireo-only features (the
# modular socket names) are skipped there.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

if ! command -v virsh >/dev/null; then
    skip "virsh against the daemon" "virsh (libvirt-clients) is not installed"
    exit 0
fi
trap 'daemon_cleanup; rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
cd "$tmp" || exit 1

require_daemon
check_eq "the pid file holds the daemon's PID" "$DAEMON_PID" "$(cat "$DAEMON_PIDFILE" 2>/dev/null)"
# libvirtd's test driver forgets its state with its last client: keep
# one connected so state lasts across virsh runs, as in vireod.
daemon_hold_open || fail "a holder client connects"

domain_xml() {  # name uuid
    cat <<EOF
<domain type='test'>
  <name>$1</name>
  <uuid>$2</uuid>
  <title>Title of $1</title>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
EOF
}
domain_xml d1 11111111-2222-3333-4444-555555555551 >d1.xml
domain_xml t1 11111111-2222-3333-4444-555555555554 >t1.xml

# vr URI-KIND ARGS...: run virsh against the daemon; stdout in $out,
# stderr in $err, exit status in $rc.  URI-KIND: rw, ro (the read-only
# socket) or a socket path.
vr() {
    local kind=$1 uri; shift
    case $kind in
    rw) uri=$DAEMON_URI ;;
    ro) uri=$DAEMON_URI_RO ;;
    *) uri="test+unix:///default?socket=$kind" ;;
    esac
    out=$(timeout 30 virsh -c "$uri" "$@" 2>"$tmp/err"); rc=$?
    err=$(cat "$tmp/err")
}

# expect WHAT EXPECTED-STDOUT virsh-args...: exit 0, empty stderr, stdout
expect() {
    local what=$1 want=$2; shift 2
    vr rw "$@"
    if [ "$rc" -eq 0 ] && [ -z "$err" ] && [ "$out" == "$want" ]; then
        ok "$what"
    else
        fail "$what"
        note "virsh $*" "rc=$rc" "expected:" "$want" "stdout:" "$out" "stderr:" "$err"
    fi
}

# expect_error WHAT STDERR-ERE KIND virsh-args...: exit 1, stderr matches
expect_error() {
    local what=$1 want=$2 kind=$3; shift 3
    vr "$kind" "$@"
    if [ "$rc" -eq 1 ] && [[ $err =~ $want ]]; then
        ok "$what"
    else
        fail "$what"
        note "virsh $*" "rc=$rc" "expected stderr (ERE): $want" "stdout:" "$out" "stderr:" "$err"
    fi
}

# same_as_local WHAT virsh-args...: the same output as libvirt's own
# in-process test driver (test:///default)
same_as_local() {
    local what=$1 want; shift
    want=$(virsh -c test:///default "$@" 2>&1)
    expect "$what" "$want" "$@"
}

# --- the node and the connection -----------------------------------------
expect "uri names the socket" "$DAEMON_URI" uri
same_as_local "hostname" hostname
same_as_local "nodeinfo" nodeinfo
same_as_local "capabilities" capabilities
vr rw version
if [ "$rc" -eq 0 ] && grep -q '^Using API: TEST ' <<<"$out" &&
   grep -q '^Running hypervisor: TEST ' <<<"$out"; then
    ok "version: the test driver's type and version"
else
    fail "version: the test driver's type and version"; note "rc=$rc" "$out" "$err"
fi

# --- listing the default node ---------------------------------------------
list_test=' Id   Name   State
----------------------
 1    test   running'
expect "list" "$list_test" list
expect "list --all" "$list_test" list --all
expect "list --inactive" ' Id   Name   State
--------------------' list --inactive
expect "list --name" "test" list --name
expect "list --uuid" "6695eb01-f6a4-8304-79aa-97f2502e193f" list --uuid
expect "list --id" "1" list --id
expect "list --table" "$list_test" list --table
same_as_local "list --title" list --title
expect "list --state-running --name" "test" list --state-running --name

# --- reading a domain ------------------------------------------------------
vr rw dominfo test
if [ "$rc" -eq 0 ] && [ -z "$err" ] &&
   grep -qx 'Name: *test' <<<"$out" && grep -qx 'Id: *1' <<<"$out" &&
   grep -qx 'UUID: *6695eb01-f6a4-8304-79aa-97f2502e193f' <<<"$out" &&
   grep -qx 'State: *running' <<<"$out" && grep -qx 'Persistent: *yes' <<<"$out" &&
   grep -qx 'Autostart: *disable' <<<"$out" && grep -qx 'Managed save: *no' <<<"$out" &&
   grep -qx 'OS Type: *linux' <<<"$out"; then
    ok "dominfo test"
else
    fail "dominfo test"; note "rc=$rc" "$out" "$err"
fi
expect "domstate" "running" domstate test
expect "domstate --reason" "running (unknown)" domstate --reason test
expect "domid" "1" domid test
expect "domname" "test" domname 1
expect "domuuid" "6695eb01-f6a4-8304-79aa-97f2502e193f" domuuid test
expect "domuuid by id" "6695eb01-f6a4-8304-79aa-97f2502e193f" domuuid 1
expect "domid by uuid" "1" domid 6695eb01-f6a4-8304-79aa-97f2502e193f
vr rw dumpxml test
if [ "$rc" -eq 0 ] && grep -q "^<domain type='test' id='1'>" <<<"$out" &&
   grep -q '<name>test</name>' <<<"$out" && xmllint --noout - <<<"$out" 2>/dev/null; then
    ok "dumpxml test"
else
    fail "dumpxml test"; note "rc=$rc" "$out" "$err"
fi

# --- a domain's life ---------------------------------------------------------
expect "define" "Domain 'd1' defined from d1.xml" define d1.xml
expect "defined domain is listed inactive" "d1" list --inactive --name
expect "domstate --reason of a defined domain" "shut off (unknown)" domstate --reason d1
vr rw dumpxml d1
if [ "$rc" -eq 0 ] && grep -q '<name>d1</name>' <<<"$out" &&
   grep -q '<uuid>11111111-2222-3333-4444-555555555551</uuid>' <<<"$out" &&
   grep -q '<title>Title of d1</title>' <<<"$out"; then
    ok "dumpxml of the defined domain"
else
    fail "dumpxml of the defined domain"; note "rc=$rc" "$out" "$err"
fi
expect "domid of an inactive domain" "-" domid d1
expect "autostart" "Domain 'd1' marked as autostarted" autostart d1
expect "autostart is listed" "d1" list --autostart --all --name
vr rw dominfo d1
check "dominfo shows autostart" grep -qx 'Autostart: *enable' <<<"$out"
expect "autostart --disable" "Domain 'd1' unmarked as autostarted" autostart --disable d1
expect "start" "Domain 'd1' started" start d1
expect "started domain is running" "running (booted)" domstate --reason d1
vr rw domid d1
if [ "$rc" -eq 0 ] && [[ $out =~ ^[0-9]+$ ]] && [ "$out" != 1 ]; then
    ok "started domain has a new id ($out)"
else
    fail "started domain has a new id"; note "rc=$rc" "$out" "$err"
fi
id=$out
expect "domname by the new id" "d1" domname "$id"
expect "suspend" "Domain 'd1' suspended" suspend d1
expect "suspended domain is paused" "paused (user)" domstate --reason d1
expect "list --state-paused" "d1" list --state-paused --name
expect "resume" "Domain 'd1' resumed" resume d1
expect "resumed domain is running" "running (unpaused)" domstate --reason d1
expect "reboot" "Domain 'd1' is being rebooted" reboot d1
expect "shutdown" "Domain 'd1' is being shutdown" shutdown d1
expect "shut down domain is shut off" "shut off (shutdown)" domstate --reason d1
expect "start again" "Domain 'd1' started" start d1
expect "destroy" "Domain 'd1' destroyed" destroy d1
expect "destroyed domain is shut off" "shut off (destroyed)" domstate --reason d1
expect "undefine" "Domain 'd1' has been undefined" undefine d1
expect "undefined domain is gone" "test" list --all --name
expect "create a transient domain" "Domain 't1' created from t1.xml" create t1.xml
expect "transient domain is listed" "t1" list --transient --name
expect "destroy the transient domain" "Domain 't1' destroyed" destroy t1
expect "destroyed transient domain vanishes" "test" list --all --name

# --- errors, with libvirt's messages ------------------------------------------
expect_error "missing domain" "^error: failed to get domain 'nope'" rw dominfo nope
expect_error "missing domain by uuid" "^error: failed to get domain '6695eb01-f6a4-8304-79aa-97f2502e193e'" \
    rw domstate 6695eb01-f6a4-8304-79aa-97f2502e193e
expect_error "start a running domain" "^error: Domain is already active" rw start test
vr rw define d1.xml
expect_error "destroy an inactive domain" \
    "^error: Failed to destroy domain 'd1'"$'\n'"error: (Requested operation is not valid|internal error): " \
    rw destroy d1
expect_error "suspend an inactive domain" \
    "^error: Failed to suspend domain 'd1'"$'\n'"error: (Requested operation is not valid|internal error): " \
    rw suspend d1
expect_error "undefine a missing domain" "^error: failed to get domain 'nope'" rw undefine nope
printf '<domain type="test"><name>bad' >bad.xml
expect_error "malformed XML" "^error: Failed to define domain from bad.xml"$'\n'"error: \(domain_definition\):1: " \
    rw define bad.xml
expect "the connection works after errors" "d1" list --inactive --name

# --- the read-only socket ------------------------------------------------------
vr ro list --all --name
if [ "$rc" -eq 0 ] && [ "$out" == $'test\nd1' ]; then ok "read-only socket: list"; else
    fail "read-only socket: list"; note "rc=$rc" "$out" "$err"; fi
vr ro dominfo d1
check "read-only socket: dominfo" [ "$rc" -eq 0 ]
vr ro dumpxml test
check "read-only socket: dumpxml" [ "$rc" -eq 0 ]
expect_error "read-only socket: start is forbidden" \
    "^error: Failed to start domain 'd1'"$'\n'"error: operation forbidden: read only access prevents virDomainCreate" \
    ro start d1
expect_error "read-only socket: destroy is forbidden" \
    "error: operation forbidden: read only access prevents virDomainDestroy" ro destroy test
expect_error "read-only socket: define is forbidden" \
    "error: operation forbidden: read only access prevents virDomainDefineXML" ro define t1.xml
expect "the forbidden start did nothing" "shut off" domstate d1
out=$(timeout 30 virsh -r -c "$DAEMON_URI" 'list --name; start d1' 2>&1); rc=$?
if [ "$rc" -eq 1 ] && grep -qx test <<<"$out" &&
   grep -q "^error: operation forbidden: read only access prevents virDomainCreate" <<<"$out"; then
    ok "virsh -r on the read-write socket: list works, start is forbidden"
else
    fail "virsh -r on the read-write socket: list works, start is forbidden"; note "rc=$rc" "$out"
fi
vr rw undefine d1

# --- the modular daemons' socket names -------------------------------------------
if [ "$VIREO_TEST_DAEMON" = libvirtd ]; then
    skip "modular socket names answer" "libvirtd only listens on libvirt-sock"
else
    for s in virtqemud-sock virtnetworkd-sock virtstoraged-sock virtproxyd-sock; do
        vr "$DAEMON_SOCKDIR/$s" list --all --name
        if [ "$rc" -eq 0 ] && [ "$out" == test ]; then ok "$s answers"; else
            fail "$s answers"; note "rc=$rc" "$out" "$err"; fi
    done
    for s in virtqemud-sock-ro virtproxyd-sock-ro; do
        vr "$DAEMON_SOCKDIR/$s" start test
        vr "$DAEMON_SOCKDIR/$s" destroy test
        if [ "$rc" -eq 1 ] && [[ $err == *"read only access prevents virDomainDestroy"* ]]; then
            ok "$s is read-only"; else fail "$s is read-only"; note "rc=$rc" "$out" "$err"; fi
    done
fi

# --- SIGTERM, with a client still connected ---------------------------------------
holder=$DAEMON_HOLDER_PID
DAEMON_HOLDER_PID=""   # keep it connected through the stop
if daemon_stop; then
    ok "SIGTERM with a client connected: exit 0, sockets and pid file removed"
else
    fail "SIGTERM with a client connected: $DAEMON_STOP_WHY"
    daemon_show_log
fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
done_testing
