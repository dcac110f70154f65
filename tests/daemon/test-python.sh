#!/bin/bash
# test-python.sh: python3-libvirt, unchanged, against the daemon: the
# domain API, lifecycle events heard while another process changes a
# domain, unimplemented calls (VIR_ERR_NO_SUPPORT, connection stays up),
# many clients at once and overlapping calls on one connection.
# The checks are in test-python.py; each prints its own TAP lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

py=/usr/bin/python3
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "python3-libvirt against the daemon" "python3-libvirt is not installed"
    exit 0
fi
trap daemon_cleanup EXIT
require_daemon
daemon_hold_open || fail "a holder client connects"

script=$(dirname "$0")/test-python.py
for c in api events nosupport clients threads; do
    if ! timeout 180 $py "$script" "$c" "$DAEMON_URI" "$VIREO_TEST_DAEMON"; then
        # a crash or timeout leaves no "not ok" line of its own
        fail "test-python.py $c ran to the end"
        daemon_show_log
    fi
    if ! _daemon_alive; then
        fail "$(daemon_name) still runs after the $c checks"
        daemon_show_log
        exit 1
    fi
done

if daemon_stop; then
    ok "SIGTERM: exit 0, sockets and pid file removed"
else
    fail "SIGTERM: $DAEMON_STOP_WHY"
    daemon_show_log
fi
done_testing
