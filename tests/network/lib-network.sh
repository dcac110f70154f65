# shellcheck shell=bash
# lib-network.sh: a private network namespace per test, with vireod in it.
# Source it after tests/lib.sh (and lib-daemon.sh or lib-guest.sh).
#
# netns_setup            make the namespace (name in NETNS, also
#                        DAEMON_NETNS so daemon_start runs vireod in it),
#                        loopback up; SKIPs and exits when namespaces or
#                        nftables cannot be had
# in_ns CMD...           run CMD in the namespace
# netns_cleanup          kill what still runs in it (by PID) and delete
#                        it; call it last in the test's EXIT trap
#
# Bridges, taps, nft tables and dnsmasq a test makes live and die in its
# namespace: the host's network is never touched, and parallel tests
# cannot see each other's devices.

NETNS=""

netns_setup() {
    local name=vireo-$(basename "$0" .sh)-$$
    if ! command -v ip >/dev/null || ! ip netns add "$name" 2>/dev/null; then
        skip "network tests" "cannot create a network namespace (ip netns add)"
        exit 0
    fi
    NETNS=$name
    DAEMON_NETNS=$name
    ip netns exec "$NETNS" ip link set lo up
    if ! ip netns exec "$NETNS" nft list tables >/dev/null 2>&1; then
        skip "network tests" "nftables does not answer in a network namespace"
        exit 0
    fi
}

in_ns() { ip netns exec "$NETNS" "$@"; }

netns_cleanup() {
    local p
    [ -n "$NETNS" ] || return 0
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$NETNS" 2>/dev/null
    NETNS=""
}
