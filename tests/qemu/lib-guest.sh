# shellcheck shell=bash
# lib-guest.sh: boot the tiny test guest through vireod's QEMU driver.
# Source it after tests/lib.sh; it sources tests/daemon/lib-daemon.sh.
#
# guest_setup            build (or find cached) the guest, make a work
#                        folder, set the EXIT trap; SKIPs and exits when
#                        the guest cannot be had (mirror unreachable) or
#                        QEMU is missing
# qemu_daemon_start      start vireod in a temp root; sets QEMU_URI
# qemu_daemon_restart_same_root   start a new vireod on the same root
# vsh ARGS...            virsh on QEMU_URI (with a time limit)
# guest_xml NAME         write NAME's XML (guest-q35.xml filled in) and
#                        print its path; its serial log is guest_log NAME
# guest_define NAME      define it, and check the driver keeps its files
#                        under the daemon's root (stops the test if not)
# wait_marker NAME TEXT [COUNT [SECONDS]]   TEXT printed COUNT times
# guest_pty NAME         the pty of NAME's serial console (live XML)
# guest_pid NAME         the pid of NAME's QEMU (found by its command line,
#                        which names files in our temp folders), or empty
# pid_gone PID           the process is gone (or a zombie)
# events_start / events_seq NAME "EVENT DETAIL"...   lifecycle events
#
# Every QEMU a test starts is stopped by PID at exit (guest_cleanup).

. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

QEMU_TESTS=$VIREO_TOP/tests/qemu
GUEST_DIR=${VIREO_GUEST_DIR:-$VIREO_BUILD/tests/guest}
GUEST_TEMPLATE=${GUEST_TEMPLATE:-$QEMU_TESTS/guest-q35.xml}
GUEST_WORK=""
QEMU_URI=""
EVENTS_PID=""
EVENTS_LOG=""
: "${GUEST_BOOT_TIMEOUT:=60}"

guest_setup() {
    local why rc
    if [ "$VIREO_TEST_DAEMON" != vireod ]; then
        skip "QEMU guests through $VIREO_TEST_DAEMON" "these tests drive vireod's QEMU driver only"
        exit 0
    fi
    if ! command -v qemu-system-x86_64 >/dev/null; then
        skip "QEMU guests" "qemu-system-x86_64 is not installed"
        exit 0
    fi
    why=$("$QEMU_TESTS/build-guest.sh" "$GUEST_DIR" 2>&1)
    rc=$?
    if [ $rc -eq 2 ]; then
        skip "the tiny test guest builds" "$why"
        exit 0
    elif [ $rc -ne 0 ]; then
        fail "the tiny test guest builds: $why"
        exit 1
    fi
    GUEST_WORK=$(mktemp -d /tmp/vireo-guest-test.XXXXXX)
    trap guest_cleanup EXIT
}

qemu_daemon_start() {
    require_daemon "$@"
    QEMU_URI="qemu+unix:///system?socket=$DAEMON_SOCK"
}

# A new vireod on the root of the last one (which was killed): the same
# start as lib-daemon.sh's, without a fresh root.
qemu_daemon_restart_same_root() {
    DAEMON_PID=""
    "_daemon_start_$VIREO_TEST_DAEMON" "$@"
    if ! wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead || ! _daemon_alive; then
        fail "a new $(daemon_name) starts on the same root and answers"
        daemon_show_log
        exit 1
    fi
    ok "a new $(daemon_name) starts on the same root and answers"
}

vsh() { timeout 60 virsh -c "$QEMU_URI" "$@"; }
# quiet: output only when it fails
vsh_q() { quietly vsh "$@"; }

# domstate --reason, without virsh's trailing empty line
domstate() { vsh domstate --reason "$1" 2>&1 | sed '/^$/d'; }
state_is() { [ "$(domstate "$1")" = "$2" ]; }

guest_log() { echo "$GUEST_WORK/$1.serial.log"; }

guest_xml() {
    local name=$1 out=$GUEST_WORK/$1.xml
    sed -e "s|@NAME@|$name|" -e "s|@KERNEL@|$GUEST_DIR/vmlinuz|" \
        -e "s|@INITRD@|$GUEST_DIR/initramfs.cpio.gz|" \
        -e "s|@SERIAL_LOG@|$(guest_log "$name")|" "$GUEST_TEMPLATE" >"$out"
    echo "$out"
}

guest_define() {
    local name=$1 xml out
    xml=$(guest_xml "$name")
    if ! out=$(vsh define "$xml" 2>&1); then
        fail "define $name: $out"
        return 1
    fi
    # The daemon was started with --root: its qemu:///system must keep
    # everything there, never in the host's /etc/libvirt.
    if [ -z "$(find "$DAEMON_ROOT" -name "$name.xml" 2>/dev/null)" ]; then
        fail "the qemu driver keeps $name's definition under vireod's root $DAEMON_ROOT (not found there; stopping before touching more of the host)"
        vsh undefine "$name" >/dev/null 2>&1
        exit 1
    fi
}

_marker_count() { grep -c -F "$2" "$(guest_log "$1")" 2>/dev/null || true; }
_marker_seen() { [ "$(_marker_count "$1" "$2")" -ge "$3" ]; }

# wait_marker NAME TEXT [COUNT [SECONDS]]: the guest printed TEXT COUNT
# times on its serial console (the console log is truncated at each start)
wait_marker() {
    local name=$1 text=$2 count=${3:-1} limit=${4:-$GUEST_BOOT_TIMEOUT}
    wait_for "$limit" _marker_seen "$name" "$text" "$count"
}

# show the end of a guest's console log and QEMU's log, after a failure
guest_show_logs() {
    local name=$1 qlog
    note "--- $name serial console, last lines:"
    tail -n 15 "$(guest_log "$name")" 2>/dev/null | sed 's/^/# /'
    qlog=$(find "$DAEMON_ROOT" -name "$name.log" 2>/dev/null | head -n 1)
    if [ -n "$qlog" ]; then
        note "--- $qlog, last lines:"
        tail -n 10 "$qlog" | sed 's/^/# /'
    fi
}

guest_pty() {
    vsh dumpxml "$1" 2>/dev/null |
        xmllint --xpath 'string(/domain/devices/serial[1]/source/@path)' - 2>/dev/null
}

# console NAME LINE EXPECT: type LINE on NAME's console, wait for EXPECT
console() {
    local pty
    pty=$(guest_pty "$1")
    if [ -z "$pty" ]; then echo "no serial pty in $1's live XML"; return 1; fi
    /usr/bin/python3 "$QEMU_TESTS/console.py" "$pty" "$2" "$3" 10
}

_is_qemu() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -q qemu-system; }

# every QEMU of this test, by PID: those the pid files under the daemon's
# root name, and those whose command line names one of our temp folders
_our_qemus() {
    local p f cmd
    {
        if [ -n "$DAEMON_ROOT" ]; then
            find "$DAEMON_ROOT" -name '*.pid' ! -name daemon.pid 2>/dev/null |
                while IFS= read -r f; do
                    p=$(head -n 1 "$f" 2>/dev/null)
                    [[ $p =~ ^[0-9]+$ ]] && _is_qemu "$p" && echo "$p"
                done
        fi
        for p in /proc/[0-9]*; do
            cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
            case $cmd in *qemu-system*) ;; *) continue ;; esac
            if { [ -n "$DAEMON_ROOT" ] && [[ $cmd == *"$DAEMON_ROOT/"* ]]; } ||
               { [ -n "$GUEST_WORK" ] && [[ $cmd == *"$GUEST_WORK/"* ]]; }; then
                echo "${p#/proc/}"
            fi
        done
    } | sort -un
}

# the QEMU whose -name is NAME ("guest=NAME,..." or "NAME")
guest_pid() {
    local p
    for p in $(_our_qemus); do
        if tr '\0' '\n' 2>/dev/null <"/proc/$p/cmdline" |
            grep -qE "^(guest=)?$1(,|\$)"; then
            grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null || { echo "$p"; return 0; }
        fi
    done
}

pid_gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

events_start() {
    EVENTS_LOG=$GUEST_WORK/events.log
    : >"$EVENTS_LOG"
    /usr/bin/python3 "$QEMU_TESTS/events.py" "$QEMU_URI" "$EVENTS_LOG" "$GUEST_WORK/events.ready" \
        >>"$GUEST_WORK/events.err" 2>&1 &
    EVENTS_PID=$!
    wait_for 10 test -e "$GUEST_WORK/events.ready"
}

# events_seq NAME "EVENT DETAIL"...: these events of NAME arrived, in this
# order (others may come between)
events_seq() {
    local name=$1 want line
    shift
    want=("$@")
    local i=0
    while IFS= read -r line; do
        [ $i -lt ${#want[@]} ] || break
        [ "$line" = "$name ${want[$i]}" ] && i=$((i + 1))
    done <"$EVENTS_LOG"
    [ $i -eq ${#want[@]} ]
}

guest_cleanup() {
    local p
    if [ -n "$EVENTS_PID" ]; then
        kill -TERM "$EVENTS_PID" 2>/dev/null
        wait "$EVENTS_PID" 2>/dev/null
    fi
    for p in $(_our_qemus); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
    daemon_cleanup
    for p in $(_our_qemus); do kill -KILL "$p" 2>/dev/null; done
    [ -n "$GUEST_WORK" ] && rm -rf "$GUEST_WORK"
}
