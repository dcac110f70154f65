#!/bin/bash
# test-wire.sh: hand-built packets against the daemon (test-wire.py):
# every kind of malformed packet is answered with libvirt's error reply or
# the client is dropped, while a python3-libvirt client connected at the
# same time keeps working; 200 rounds of bad clients leak no fd and no
# memory; keepalive PING/PONG both ways, and a client that stops
# answering is dropped.  Then SIGTERM: exit 0, sockets and pid file gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

py=/usr/bin/python3
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "wire tests" "python3-libvirt is not installed"
    exit 0
fi
script=$(dirname "$0")/test-wire.py
trap daemon_cleanup EXIT

# run_wire WHAT ARGS...: the python checks, then the daemon must be alive
run_wire() {
    local what=$1; shift
    if ! timeout 240 $py "$script" "$DAEMON_SOCK" "$DAEMON_PID" "$VIREO_TEST_DAEMON" "$@"; then
        fail "test-wire.py $what ran to the end with every check passing"
        daemon_show_log
    fi
    if ! _daemon_alive; then
        fail "$(daemon_name) still runs after the $what checks"
        daemon_show_log
        exit 1
    fi
    if daemon_stop; then
        ok "SIGTERM after the $what checks: exit 0, sockets and pid file removed"
    else
        fail "SIGTERM after the $what checks: $DAEMON_STOP_WHY"
        daemon_show_log
    fi
}

require_daemon
run_wire "malformed packets"

# keepalive: short interval and count so a silent client goes in ~3 s
require_daemon 'keepalive_interval = 1' 'keepalive_count = 2'
run_wire "keepalive" --keepalive
done_testing
