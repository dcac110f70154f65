# lib-lxc.sh: what the tests of real containers share.  Source it after
# tests/lib.sh and the daemon library the test uses (lib-daemon.sh, or
# lib-guest.sh which brings it).
#
#   lxc_setup WHAT PREFIX   skip (exit 0) unless vireod is under test and
#                           we are root; WORK (mktemp /tmp/vireo-PREFIX.*)
#                           and CT, a busybox root folder built in it
#                           (skip when busybox-static cannot be had)
#   lxc_kill_all            SIGKILL every controller of the test's daemon
#                           root and the container inits under them (their
#                           pid files, never names): for the EXIT trap
#   lxc_forget_cgroups NAME remove the cgroup folders lxc-NAME* a killed
#                           run left (empty ones only)

# The controllers of the daemon's root (their pid files) and their children.
lxc_ct_pids() {
    local f p
    [ -n "${DAEMON_ROOT:-}" ] || return 0
    for f in "$DAEMON_ROOT"/run/libvirt/lxc/*.pid; do
        [ -f "$f" ] || continue
        p=$(head -n 1 "$f")
        [[ $p =~ ^[0-9]+$ ]] || continue
        cat /proc/"$p"/task/*/children 2>/dev/null
        echo "$p"
    done
}

lxc_kill_all() {
    local p
    for p in $(lxc_ct_pids); do kill -KILL "$p" 2>/dev/null; done
}

lxc_forget_cgroups() {
    find /sys/fs/cgroup -depth -maxdepth 6 -type d -name "lxc-$1*" 2>/dev/null |
        while IFS= read -r d; do rmdir "$d" 2>/dev/null; done
}

lxc_setup() {  # WHAT PREFIX
    local out
    if [ "$VIREO_TEST_DAEMON" != vireod ]; then
        skip "$1 through $VIREO_TEST_DAEMON" "this test drives vireod's LXC driver only"
        exit 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        skip "$1" "not root: containers need namespaces, mounts and cgroups"
        exit 0
    fi
    WORK=$(mktemp -d "/tmp/vireo-$2.XXXXXX")
    CT=$WORK/root
    out=$(VIREO_BUILD=$VIREO_BUILD "$VIREO_TOP/tests/lxc/build-root.sh" "$CT" 2>&1)
    case $? in
    0) ;;
    2) rm -rf "$WORK"; skip "$1" "$out"; exit 0 ;;
    *) fail "a busybox root folder is built: $out"; exit 1 ;;
    esac
}
