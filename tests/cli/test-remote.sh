#!/bin/bash
# test-remote.sh: the vireo CLI behaves the same in process and remote.
#
# Each sequence of tests/cli/test-virsh-diff.sh runs twice through our
# own CLI: `vireo -c test:///default 'cmd; cmd'` (the test driver in
# process) and `vireo -c test+unix:///default?socket=... 'cmd; cmd'`
# (the remote driver, through a daemon started in a temporary root).
# stdout, stderr and the exit code must match line for line after the
# filters below.  The daemon's test driver keeps one state for all its
# clients (vireod; libvirtd's forgets it when its last client goes), so
# the daemon is restarted before every sequence that changes state.
#
# VIREO_TEST_DAEMON=libvirtd runs the remote side against Debian's
# libvirtd instead (see tests/daemon/lib-daemon.sh): wire compatibility
# of the remote driver, independent of vireod.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

if [ ! -x "$VIREO" ]; then
    fail "vireo is built at $VIREO"
    exit 1
fi
why=$(daemon_unavailable)
if [ -z "$why" ] && [ "$VIREO_TEST_DAEMON" = vireod ] &&
   [ -z "$("$VIREOD" --help 2>&1)" ]; then
    why="vireod is not written yet (its --help prints nothing)"
fi
if [ -n "$why" ]; then
    skip "the CLI through a daemon" "$why"
    exit 0
fi

tmp=$(mktemp -d)
trap 'daemon_cleanup; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

domain_xml() {  # name uuid title
    cat <<EOF
<domain type='test'>
  <name>$1</name>
  <uuid>$2</uuid>
  <title>$3</title>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
EOF
}
domain_xml d1 11111111-2222-3333-4444-555555555551 "First domain" >d1.xml
domain_xml d2 11111111-2222-3333-4444-555555555552 "Second" >d2.xml
domain_xml web-3 11111111-2222-3333-4444-555555555553 "A longer title for width" >d3.xml
domain_xml t1 11111111-2222-3333-4444-555555555554 "Transient" >t1.xml
printf '<domain type="test"><name>bad' >bad.xml

# --- the listed differences -------------------------------------------
# 1. "CPU time:" in dominfo: the test driver reports time that passes
#    between the two runs; not comparable.
# 2. `uri` prints the URI as opened, which names the socket remotely.
# 3. (libvirtd only) the library and daemon versions in `version` are
#    libvirt's there.
# 4. (libvirtd only) its test driver is libvirt's: the error reasons
#    that tests/cli/test-virsh-diff.sh lists as differences between the
#    two test drivers (a lookup's reason, an invalid transition's reason,
#    libxml2's context lines) are compared without their text.
err_filter='b'
if [ "$VIREO_TEST_DAEMON" = libvirtd ]; then
    err_filter='/^error: Domain not found/d
s/^error: (internal error|Requested operation is not valid): .*/error: REASON/
/^error: \(domain_definition\)/,$d'
fi
common_stdout='/^CPU time:/d
s/^(Compiled against library|Using library|Using API|Running hypervisor|Running against daemon): .*/\1: X/'

if ! daemon_start; then
    fail "$(daemon_name) starts and answers: $DAEMON_START_WHY"
    exit 1
fi
dirty=0

n=0
# same NAME SEQUENCE [OPTS] [changes]: run both, filter, compare.  A
# sequence marked "changes" gets a fresh daemon first (when the one
# running has been changed).
same() {
    local name=$1 seq=$2 opts=${3:-} changes=${4:-changes}
    n=$((n + 1))
    if [ "$changes" = changes ]; then
        if [ $dirty = 1 ] && ! daemon_restart; then
            fail "$(daemon_name) restarts: $DAEMON_START_WHY"
            return
        fi
        dirty=1
    fi
    # shellcheck disable=SC2086
    "$VIREO" $opts -c test:///default "$seq" >l.out 2>l.err; echo "rc=$?" >>l.out
    # shellcheck disable=SC2086
    "$VIREO" $opts -c "$DAEMON_URI" "$seq" >r.out 2>r.err; echo "rc=$?" >>r.out
    sed -E -e "$common_stdout" l.out >l.fout
    sed -E -e "$common_stdout" r.out | awk -v u="$DAEMON_URI" \
        '{ while ((i = index($0, u)) > 0) $0 = substr($0, 1, i - 1) "test:///default" substr($0, i + length(u)); print }' >r.fout
    sed -E -e "$err_filter" l.err >l.ferr
    sed -E -e "$err_filter" r.err >r.ferr
    if cmp -s l.fout r.fout && cmp -s l.ferr r.ferr; then
        ok "same in process and remote: $name"
    else
        fail "same in process and remote: $name"
        note "sequence: $seq"
        note "$(diff -u l.fout r.fout | tail -n +3)" "$(diff -u l.ferr r.ferr | tail -n +3)"
    fi
}
# a sequence that changes nothing
same_ro() { same "$1" "$2" "${3:-}" readonly; }

# --- listing ----------------------------------------------------------
same_ro "list variants, default node" \
    'list; list --all; list --inactive; list --name; list --uuid; list --name --uuid --all; list --id; list --title; list --table; list --all --title'
states='define d1.xml; define d2.xml; define d3.xml; start d2; start web-3; suspend web-3; create t1.xml'
same "list with a mix of states" \
    "$states; list; list --all; list --inactive; list --state-running; list --state-paused; list --state-shutoff; list --state-other --all; list --state-running --state-paused"
same "list filters" \
    "$states; list --persistent --all; list --transient --all; list --persistent; list --transient; autostart d1; list --autostart --all; list --no-autostart --all; list --no-autostart"
same "list names, uuids, ids, titles" \
    "$states; list --name --all; list --uuid --all; list --name --uuid --all; list --id --all; list --title --all; list --title; list --inactive --name"
same "list managed-save and snapshot filters" \
    "$states; list --with-managed-save --all; list --without-managed-save --all; list --managed-save --all; list --with-snapshot --all; list --without-snapshot --all"
same "list state filters with --inactive/--persistent" \
    "$states; list --inactive --state-running; list --persistent --state-shutoff; list --all --state-paused --name"
same "quiet list" "$states; list --all; list --title --all; start d1; domstate d1" -q

# --- reading a domain ---------------------------------------------------
same_ro "dominfo by name, id, uuid" \
    'dominfo test; dominfo 1; dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f; dominfo --domain test; dominfo --domain=test'
same "dominfo through a lifecycle" \
    'define d1.xml; dominfo d1; start d1; dominfo d1; suspend d1; dominfo d1; autostart d1; dominfo d1; destroy d1; dominfo d1'
same "domstate --reason through a lifecycle" \
    'domstate test; domstate --reason test; define d1.xml; domstate --reason d1; start d1; domstate --reason d1; suspend d1; domstate --reason d1; resume d1; domstate --reason d1; shutdown d1; domstate --reason d1; start d1; destroy d1; domstate --reason d1; domstate d1 --reason'
same "dumpxml default and defined domain" \
    'dumpxml test; dumpxml --inactive test; dumpxml --security-info test; define d1.xml; dumpxml d1; dumpxml --inactive d1'
same "domid, domname, domuuid" \
    'domid test; domid 6695eb01-f6a4-8304-79aa-97f2502e193f; domname 1; domname 6695eb01-f6a4-8304-79aa-97f2502e193f; domuuid test; domuuid 1; define d1.xml; domid d1; domuuid d1; domname 11111111-2222-3333-4444-555555555551'

# --- changing domains -----------------------------------------------------
same "define, start, suspend, resume, shutdown, reboot, destroy, undefine" \
    'define d1.xml; start d1; suspend d1; resume d1; reboot d1; shutdown d1; start d1; destroy d1; undefine d1; list --all'
same "messages name the domain as typed" \
    'suspend 1; resume 6695eb01-f6a4-8304-79aa-97f2502e193f; autostart 1; autostart --disable test; destroy 1; start 6695eb01-f6a4-8304-79aa-97f2502e193f; shutdown test'
same "create, transient domain vanishes" \
    'create t1.xml; list --all; dominfo t1; destroy t1; list --all'
same "undefine a running domain makes it transient" \
    'undefine test; list --all --transient; dominfo test; destroy test; list --all'
same "autostart and --disable" \
    'define d1.xml; autostart d1; list --autostart --all --name; autostart --disable d1; list --autostart --all --name'
same_ro "several words form one command" 'list --all'
same "quiet messages" 'define d1.xml; start d1; suspend d1; resume d1; destroy d1; undefine d1' -q

# --- the node -------------------------------------------------------------
same_ro "nodeinfo" 'nodeinfo'
same_ro "capabilities" 'capabilities'
same_ro "version" 'version'
same_ro "hostname" 'hostname'
same_ro "uri" 'uri'

# --- errors -----------------------------------------------------------------
same_ro "missing domain" 'dominfo nope'
same_ro "missing domain, numeric and uuid" 'dominfo 5; domstate 6695eb01-f6a4-8304-79aa-97f2502e193e'
same_ro "domname refuses a name" 'domname test'
same_ro "start a running domain" 'start test'
same_ro "resume a running domain" 'resume test; uri'
same "destroy an inactive domain" 'define d1.xml; destroy d1'
same "suspend an inactive domain" 'define d1.xml; suspend d1'
same "undefine twice" 'define d1.xml; undefine d1; undefine d1'
same_ro "failure then success: status of the last" 'start test; uri'
same_ro "success then failure: status of the last" 'uri; start test'
same_ro "malformed XML file" 'define bad.xml'
same_ro "nonexistent file" 'define /nonexistent/d.xml; create /nonexistent/d.xml'
same_ro "quoted argument" "dominfo 'te st'; dominfo \"a;b\"; uri # a comment"
same_ro "unknown command" 'frob'
same_ro "unknown command stops the whole line" 'uri; frob; uri'
same_ro "unknown option" 'list --frob'
same_ro "bool option with a value" 'list --all=yes'
same_ro "missing required argument" 'dominfo'
same_ro "missing option value" 'dominfo --domain'
same_ro "unexpected data" 'dominfo test extra'
same_ro "option seen twice" 'dominfo --domain test --domain test'
same_ro "--table with --name" 'list --table --name'
same_ro "event needs a type" 'event'
same_ro "event with an unknown type" 'event --event nope'
same_ro "event with a bad timeout" 'event --all --timeout 0'
same_ro "event times out with no event" 'event --all --timeout 1'
same_ro "shutdown with an unknown mode" 'shutdown test --mode frob'

# --- only remote ------------------------------------------------------------
"$VIREO" -c "test+unix:///default?socket=$tmp/nothing-here" uri >/dev/null 2>m.err
check_eq "a missing socket: libvirt's error" \
    "error: failed to connect to the hypervisor
error: Failed to connect socket to '$tmp/nothing-here': No such file or directory" "$(cat m.err)"
"$VIREO" -c "test+tls://localhost/default" uri >/dev/null 2>m.err
check "TLS is refused with a clear error (not yet)" grep -q "transport 'tls'" m.err
"$VIREO" -c "test+frob:///default" uri >/dev/null 2>m.err
check "an unknown transport: libvirt's error" \
    grep -q "transport in URL not recognised" m.err

if ! daemon_stop; then
    fail "$(daemon_name) stops cleanly: $DAEMON_STOP_WHY"
fi
note "$n sequences compared"
done_testing
