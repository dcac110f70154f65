#!/bin/bash
# test-limits.sh: vireod's resource limits (test-limits.py does the
# client side).  With max_clients = 3, max_client_requests = 1 and
# max_client_queue = 4: the 4th client gets the error naming max_clients
# (virsh prints it) while the 3 in are served, and gets in once one
# leaves; a flood of over-limit connections is held only up to a cap;
# 50 pipelined calls get replies, then errors naming max_client_queue,
# each on its serial; a length word over 32 MiB gets the error on its
# serial, one under the header is dropped, a 5 MiB string gets the error
# naming 4 MiB; another client is served all along.  The log has one
# line per limit with a running count (no flood), and at exit the totals,
# equal to what the clients saw.  Then with the defaults: 50 threads
# sharing one connection and 300 pipelined calls, all answered; and out
# of file descriptors, the daemon neither spins nor stops serving.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

py=/usr/bin/python3
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "limit tests" "python3-libvirt is not installed"
    exit 0
fi
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    # libvirtd stops accepting and reading instead of answering
    skip "limit tests" "vireod's own behaviour (libvirtd does not answer over its limits)"
    exit 0
fi
script=$(dirname "$0")/test-limits.py
out=$(mktemp /tmp/vireo-limits.XXXXXX)
# the log also goes outside the root, which a clean stop removes, to read
# the totals written at exit
log=$(mktemp /tmp/vireo-limits-log.XXXXXX)
trap 'rm -f "$out" "$log"; daemon_cleanup' EXIT

# run_py CHECK ARGS...: the python checks (TAP through), refusals they saw
# appended to $out; the daemon must still run
run_py() {
    local rc=0
    timeout 120 $py "$script" "$DAEMON_SOCK" "$@" | tee -a "$out" | grep -v '^# refused'
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || { fail "test-limits.py $1 ran to the end (status $rc)"; daemon_show_log; }
    if ! _daemon_alive; then
        fail "vireod still runs after the $1 checks"
        daemon_show_log
        exit 1
    fi
}

# seen LIMIT: the refusals of LIMIT the clients saw, summed over the runs
seen() { awk -v k="# refused $1:" 'index($0, k) == 1 { n += $NF } END { print n + 0 }' "$out"; }

# logged LIMIT: the daemon's total for LIMIT at exit
logged() { sed -n "s/.*daemon.limits : $1: \([0-9]*\) refused in all.*/\1/p" "$log"; }

# stop_and_count WHAT LIMIT...: SIGTERM, then the daemon's total at exit
# for each LIMIT must be what the clients saw; a fresh count after
stop_and_count() {
    local what=$1 limit; shift
    if daemon_stop; then
        ok "SIGTERM after the $what checks: exit 0, sockets and pid file removed"
    else
        fail "SIGTERM after the $what checks: $DAEMON_STOP_WHY"
    fi
    for limit in "$@"; do
        check_eq "log at exit: the $limit total is what the clients saw" \
            "$(seen "$limit")" "$(logged "$limit")"
    done
    : >"$out"
    : >"$log"
}

require_daemon 'max_clients = 3' "log_outputs = \"3:file:$log 3:stderr\""
run_py clients 3
run_py hold 3
check "log: max_clients refusal, with its count" \
    grep -q "daemon.limits : refused a client (uid [0-9]*, pid [0-9]*) on '.*libvirt-sock': max_clients (3) reached (1 refused so far)" "$log"
held=$(grep -c "max_clients (3) reached" "$log")
if [ "$held" -lt "$(seen max_clients)" ]; then
    ok "log: a flood is not logged line by line ($held lines for $(seen max_clients) client refusals)"
else
    fail "log: a flood is rate-limited ($held lines for $(seen max_clients) client refusals)"
fi
stop_and_count "max_clients" max_clients

require_daemon 'max_client_requests = 1' 'max_client_queue = 4' \
    "log_outputs = \"3:file:$log 3:stderr\""
run_py queue 1 4
run_py packets
check "log: max_client_queue refusal, with its count" \
    grep -q "daemon.limits : client [0-9]* (uid [0-9]* .*pid [0-9]*): refused a call (serial [0-9]*): max_client_queue (4) reached (1 refused so far)" "$log"
check "log: packet size refusal, with its count" \
    grep -Eq "daemon.limits : client [0-9]+ .*(packet size limit of 33554432|under the 28-byte header).*\(1 refused so far\)" "$log"
check "log: string size refusal, with its count" \
    grep -q "daemon.limits : client [0-9]* .*refused DOMAIN_LOOKUP_BY_NAME (serial 11): .*passes the limit of 4194304 bytes (4 MiB) (1 refused so far)" "$log"
lines=$(grep -c "max_client_queue (4) reached" "$log")
queued=$(seen max_client_queue)
if [ "$lines" -lt "$queued" ]; then
    ok "log: a flood is not logged line by line ($lines lines for $queued queue refusals)"
else
    fail "log: a flood is rate-limited ($lines lines for $queued queue refusals)"
fi
stop_and_count "queue and packet" max_client_queue "packet size" "string size"

# the defaults: libvirt's clients pipeline from threads on one connection
require_daemon "log_outputs = \"3:file:$log 3:stderr\""
run_py threads
check "defaults: nothing refused" test "$(grep -c daemon.limits "$log")" -eq 0
run_py nofile "$DAEMON_PID"
check "log: accept out of file descriptors, with its count" \
    grep -q "daemon.limits : cannot accept a client on '.*': Too many open files; accepting there pauses for 1 s (1 refused so far)" "$log"
if daemon_stop; then
    ok "SIGTERM after the default checks: exit 0"
else
    fail "SIGTERM after the default checks: $DAEMON_STOP_WHY"
fi
done_testing
