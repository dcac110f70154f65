#!/bin/bash
# test-load.sh [--long]: vireod under sustained load (issue 7, part 5).
#
# A private vireod (--root in a temp dir, QEMU driver) with 1,000 defined
# domains, plus two running tiny guests when the test guest is available,
# takes 64 concurrent python3-libvirt clients (4 processes of 16 threads,
# each thread its own connection) for 30 s (--long: 60 s) calling a mix
# of lookups by name, UUID and ID, info, XMLDesc, listAllDomains,
# listDomainsID, numOf*Domains, define/undefine of scratch domains and
# event registration/deregistration (with libvirt's default event loop).
# Checks (tests/load/load.py prints them): zero failed calls (calls and
# calls/s as a comment), RSS at the end at most 10 % above its value
# after 5 s of warm-up (SKIP on a sanitizer build: ASan's quarantine),
# the daemon's fds back to the no-client baseline after the clients close,
# every scratch define/undefine heard by the other clients' callbacks.
#
# Long mode, by hand: VIREO_BUILD=build tests/load/test-load.sh --long
# (figures reached are in tests/load/README.md).
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

seconds=30
[ "${1:-}" = --long ] && seconds=60
py=/usr/bin/python3

if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "load test" "python3-libvirt is not installed for $py"
    exit 0
fi
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "load test through $VIREO_TEST_DAEMON" "it drives vireod's QEMU driver only"
    exit 0
fi

GUEST_WORK=$(mktemp -d /tmp/vireo-load-test.XXXXXX)
trap guest_cleanup EXIT
qemu_daemon_start

# running guests, when the tiny test guest can be had (else none: the
# lookups by ID and the live-domain reads are then not exercised)
guest_args=()
if ! command -v qemu-system-x86_64 >/dev/null; then
    note "no running guests: qemu-system-x86_64 is not installed"
elif ! why=$("$QEMU_TESTS/build-guest.sh" "$GUEST_DIR" 2>&1); then
    note "no running guests: the tiny test guest cannot be had: $why"
else
    for g in load-guest-1 load-guest-2; do guest_args+=(--guest-xml "$(guest_xml "$g")"); done
fi

# a sanitizer build: its allocator keeps freed memory in quarantine
sanitizer=""
if ldd "$VIREOD" 2>/dev/null | grep -q libasan; then sanitizer=ASan; fi

if ! timeout $((seconds + 150)) $py "$VIREO_TOP/tests/load/load.py" --uri "$QEMU_URI" \
        --pid "$DAEMON_PID" --seconds "$seconds" --sanitizer "$sanitizer" "${guest_args[@]}"; then
    fail "load.py ran to the end"
    daemon_show_log
fi
if ! _daemon_alive; then
    fail "vireod still runs after the load"
    daemon_show_log
    exit 1
fi
if daemon_stop; then ok "vireod stops cleanly after the load"; else
    fail "vireod stops cleanly after the load: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
