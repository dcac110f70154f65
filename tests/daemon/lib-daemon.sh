# shellcheck shell=bash
# lib-daemon.sh: start and stop a daemon in a temporary root for the
# daemon tests.  Source it after tests/lib.sh.
#
# VIREO_TEST_DAEMON picks the daemon:
#   vireod   (default) $VIREO_BUILD/src/daemon/vireod --root ROOT
#   libvirtd Debian's /usr/sbin/libvirtd with a private config, in a
#            private mount namespace (tmpfs over libvirt's fixed state
#            paths, so the host is never touched) and with no driver
#            modules loaded (only the built-in test driver and remote).
#            Used to validate the tests themselves: a test that passes
#            against libvirtd and fails against vireod is a vireod bug.
#
# daemon_start [CONFIG-LINE...]: start one (with the extra command-line
# arguments in the array DAEMON_ARGS, if set); sets
#   DAEMON_PID       its PID (stop it with daemon_stop, not by name)
#   DAEMON_ROOT      the temporary root (removed by daemon_cleanup)
#   DAEMON_SOCK      the read-write socket, DAEMON_SOCK_RO the read-only one
#   DAEMON_SOCKDIR   the folder holding them
#   DAEMON_URI       test+unix:///default?socket=$DAEMON_SOCK
#   DAEMON_URI_RO    the same over the read-only socket
#   DAEMON_LOG       everything it printed or logged
#   DAEMON_PIDFILE   the pid file it was asked to write
# Returns non-zero (after printing the log as TAP comments) when it did
# not answer within DAEMON_START_TIMEOUT seconds.
#
# daemon_stop: SIGTERM, wait for the exit; non-zero unless it exited 0,
#   and removed its sockets and pid file (the reason is in DAEMON_STOP_WHY).
# daemon_cleanup: stop whatever is still running (by PID) and remove the
#   root.  Tests call it from their EXIT trap.

: "${VIREO_TEST_DAEMON:=vireod}"
: "${DAEMON_START_TIMEOUT:=20}"
VIREOD=$VIREO_BUILD/src/daemon/vireod
LIBVIRTD=/usr/sbin/libvirtd
DAEMON_PID=""
DAEMON_ROOT=""
DAEMON_ARGS=()
_daemon_roots=()

daemon_name() { echo "$VIREO_TEST_DAEMON"; }

# killed by tests/run's timeout or ^C: still run the test's EXIT trap
# (daemon_cleanup), so no daemon or root is left behind
trap 'exit 143' TERM
trap 'exit 130' INT

# daemon_available: empty when the chosen daemon can run, else why not
daemon_unavailable() {
    case $VIREO_TEST_DAEMON in
    vireod) [ -x "$VIREOD" ] || echo "vireod is not built at $VIREOD" ;;
    libvirtd) [ -x "$LIBVIRTD" ] || echo "libvirtd is not installed at $LIBVIRTD"
              command -v unshare >/dev/null || echo "unshare is not installed" ;;
    *) echo "VIREO_TEST_DAEMON=$VIREO_TEST_DAEMON: expected vireod or libvirtd" ;;
    esac
}

# print the daemon's log as TAP comments (the last lines)
daemon_show_log() {
    [ -n "$DAEMON_LOG" ] && [ -f "$DAEMON_LOG" ] || return 0
    note "--- $(daemon_name) log ($DAEMON_LOG), last 40 lines:"
    tail -n 40 "$DAEMON_LOG" | sed 's/^/# /'
}

_daemon_alive() { [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null &&
    ! grep -q '^State:.*Z' "/proc/$DAEMON_PID/status" 2>/dev/null; }

# the daemon answers: its socket exists and accepts a connection
_daemon_ready() {
    if [ -z "$DAEMON_SOCK" ]; then
        DAEMON_SOCK=$(find "$DAEMON_ROOT" -name libvirt-sock -type s 2>/dev/null | head -n 1)
        [ -n "$DAEMON_SOCK" ] || return 1
    fi
    /usr/bin/python3 - "$DAEMON_SOCK" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
EOF
}

_daemon_start_libvirtd() {
    local conf=$DAEMON_ROOT/libvirtd.conf line
    mkdir -p "$DAEMON_ROOT/run" "$DAEMON_ROOT/nodrivers"
    {
        echo "unix_sock_dir = \"$DAEMON_ROOT/run\""
        echo 'unix_sock_ro_perms = "0777"'
        echo 'unix_sock_rw_perms = "0700"'
        echo 'auth_unix_ro = "none"'
        echo 'auth_unix_rw = "none"'
        echo 'listen_tls = 0'
        echo 'listen_tcp = 0'
        echo "log_outputs = \"3:file:$DAEMON_LOG\""
        for line in "$@"; do echo "$line"; done
    } >"$conf"
    # A private mount namespace: libvirtd as root has fixed state paths;
    # tmpfs over them keeps the host untouched.  unshare execs the shell
    # which execs libvirtd, so $! is libvirtd's PID.
    # shellcheck disable=SC2016
    LIBVIRT_DRIVER_DIR=$DAEMON_ROOT/nodrivers \
    unshare -m --propagation private /bin/sh -c '
        for d in /etc/libvirt /run/libvirt /var/lib /var/log /var/cache /var/run/libvirt; do
            [ -d "$d" ] && mount -t tmpfs tmpfs "$d"
        done
        exec "$@"' sh \
        "$LIBVIRTD" -f "$conf" -p "$DAEMON_PIDFILE" "${DAEMON_ARGS[@]}" >>"$DAEMON_LOG" 2>&1 </dev/null &
    DAEMON_PID=$!
}

_daemon_start_vireod() {
    local conf=$DAEMON_ROOT/vireod.conf line
    local args=(--root "$DAEMON_ROOT" -p "$DAEMON_PIDFILE" "${DAEMON_ARGS[@]}")
    if [ $# -gt 0 ]; then
        for line in "$@"; do echo "$line"; done >"$conf"
        args+=(-f "$conf")
    fi
    # DAEMON_NETNS (tests/network/lib-network.sh): vireod runs in that
    # network namespace; `ip netns exec` execs, so $! is vireod's PID.
    # DAEMON_NETNS_SYS=host: nsenter --net instead, which keeps the host's
    # /sys and its cgroup mounts (ip netns exec mounts a sysfs of its own
    # over /sys: no cgroups there)
    local enter=()
    if [ -n "${DAEMON_NETNS:-}" ] && [ "${DAEMON_NETNS_SYS:-}" = host ]; then
        enter=(nsenter --net="/run/netns/$DAEMON_NETNS")
    elif [ -n "${DAEMON_NETNS:-}" ]; then
        enter=(ip netns exec "$DAEMON_NETNS")
    fi
    "${enter[@]}" "$VIREOD" "${args[@]}" >>"$DAEMON_LOG" 2>&1 </dev/null &
    DAEMON_PID=$!
}

daemon_start() {
    local why
    why=$(daemon_unavailable)
    if [ -n "$why" ]; then
        DAEMON_START_WHY=$why
        return 1
    fi
    DAEMON_ROOT=$(mktemp -d /tmp/vireo-daemon-test.XXXXXX)
    _daemon_roots+=("$DAEMON_ROOT")
    DAEMON_LOG=$DAEMON_ROOT/daemon.log
    DAEMON_PIDFILE=$DAEMON_ROOT/daemon.pid
    DAEMON_SOCK=""
    : >"$DAEMON_LOG"
    # DAEMON_PREPARE: a function the test names, run with the new root
    # before the daemon starts (files it reads at start: sasl2/libvirt.conf)
    if [ -n "${DAEMON_PREPARE:-}" ] && ! "$DAEMON_PREPARE" "$DAEMON_ROOT"; then
        DAEMON_START_WHY="$DAEMON_PREPARE $DAEMON_ROOT failed"
        return 1
    fi
    "_daemon_start_$VIREO_TEST_DAEMON" "$@"
    if ! wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead || ! _daemon_alive; then
        if _daemon_alive; then
            DAEMON_START_WHY="$(daemon_name) did not answer on a libvirt-sock under $DAEMON_ROOT within ${DAEMON_START_TIMEOUT}s"
        else
            wait "$DAEMON_PID" 2>/dev/null
            DAEMON_START_WHY="$(daemon_name) exited with status $? before answering"
        fi
        daemon_show_log
        daemon_kill
        return 1
    fi
    DAEMON_SOCKDIR=$(dirname "$DAEMON_SOCK")
    DAEMON_SOCK_RO=$DAEMON_SOCKDIR/libvirt-sock-ro
    DAEMON_URI="test+unix:///default?socket=$DAEMON_SOCK"
    # shellcheck disable=SC2034 # for the tests
    DAEMON_URI_RO="test+unix:///default?socket=$DAEMON_SOCK_RO"
    return 0
}

_daemon_ready_or_dead() { _daemon_ready || ! _daemon_alive; }

# the sockets and the pid file the daemon should remove at exit
_daemon_leftovers() {
    find "$DAEMON_ROOT" \( -type s -o -type l \) -name "*sock*" 2>/dev/null
    [ -e "$DAEMON_PIDFILE" ] && echo "$DAEMON_PIDFILE"
}

_daemon_exited() { ! kill -0 "$DAEMON_PID" 2>/dev/null; }

daemon_stop() {
    local rc left
    DAEMON_STOP_WHY=""
    daemon_release
    if [ -z "$DAEMON_PID" ]; then DAEMON_STOP_WHY="no daemon running"; return 1; fi
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
        wait "$DAEMON_PID" 2>/dev/null
        DAEMON_STOP_WHY="$(daemon_name) had already exited (status $?)"
        DAEMON_PID=""
        return 1
    fi
    kill -TERM "$DAEMON_PID"
    if ! wait_for 15 _daemon_exited_or_zombie; then
        DAEMON_STOP_WHY="$(daemon_name) did not exit within 15s of SIGTERM"
        daemon_kill
        return 1
    fi
    wait "$DAEMON_PID" 2>/dev/null
    rc=$?
    DAEMON_PID=""
    left=$(_daemon_leftovers)
    if [ "$rc" -ne 0 ]; then
        DAEMON_STOP_WHY="$(daemon_name) exited with status $rc on SIGTERM"
    elif [ -n "$left" ]; then
        DAEMON_STOP_WHY="$(daemon_name) left behind: $(tr "\n" " " <<<"$left")"
    fi
    # a clean stop needs its root no more (a failed one keeps it for the
    # log until daemon_cleanup)
    [ -n "$DAEMON_STOP_WHY" ] || rm -rf "$DAEMON_ROOT"
    [ -z "$DAEMON_STOP_WHY" ]
}

# a child that exited is a zombie until we wait for it
_daemon_exited_or_zombie() {
    _daemon_exited || grep -q '^State:.*Z' "/proc/$DAEMON_PID/status" 2>/dev/null
}

# daemon_kill: SIGKILL by PID, for cleanup after a failure
daemon_kill() {
    [ -n "$DAEMON_PID" ] || return 0
    kill -KILL "$DAEMON_PID" 2>/dev/null
    wait "$DAEMON_PID" 2>/dev/null
    DAEMON_PID=""
}

# daemon_restart [CONFIG-LINE...]: stop (reporting failures as TAP) and
# start afresh with a new root
daemon_restart() {
    if [ -n "$DAEMON_PID" ] && ! daemon_stop; then
        fail "$(daemon_name) stops cleanly: $DAEMON_STOP_WHY"
        daemon_show_log
    fi
    daemon_start "$@"
}

# daemon_hold_open: keep one client connected until daemon_cleanup (or
# daemon_release).  libvirtd's test driver forgets its state when its
# last connection closes; with a holder, state lasts across virsh runs
# as it does in vireod.
DAEMON_HOLDER_PID=""
daemon_hold_open() {
    local ready=$DAEMON_ROOT/holder.ready
    rm -f "$ready"
    /usr/bin/python3 -c '
import libvirt, signal, sys
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
open(sys.argv[2], "w").close()
signal.pause()' "$DAEMON_URI" "$ready" >>"$DAEMON_ROOT/holder.log" 2>&1 &
    DAEMON_HOLDER_PID=$!
    wait_for 10 test -e "$ready"
}
daemon_release() {
    [ -n "$DAEMON_HOLDER_PID" ] || return 0
    kill -TERM "$DAEMON_HOLDER_PID" 2>/dev/null
    wait "$DAEMON_HOLDER_PID" 2>/dev/null
    DAEMON_HOLDER_PID=""
}

daemon_cleanup() {
    local r
    daemon_release
    if [ -n "$DAEMON_PID" ]; then
        kill -TERM "$DAEMON_PID" 2>/dev/null
        wait_for 10 _daemon_exited_or_zombie || kill -KILL "$DAEMON_PID" 2>/dev/null
        wait "$DAEMON_PID" 2>/dev/null
        DAEMON_PID=""
    fi
    for r in "${_daemon_roots[@]}"; do rm -rf "$r"; done
}

# daemon_fd_count / daemon_rss_kb: the running daemon's resources
daemon_fd_count() { find "/proc/$DAEMON_PID/fd" -mindepth 1 2>/dev/null | wc -l; }
daemon_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status" 2>/dev/null; }

# require_daemon: start one or print one "not ok" with the reason and exit
require_daemon() {
    if ! daemon_start "$@"; then
        fail "$(daemon_name) starts and answers: $DAEMON_START_WHY"
        exit 1
    fi
    ok "$(daemon_name) starts and answers on $DAEMON_SOCK"
}
