#!/bin/bash
# test-events.sh: storage pool and secret events from vireod, heard by
# Debian's clients unchanged:
#  - python3-libvirt (test-events.py): storagePoolEventRegisterAny and
#    secretEventRegisterAny get lifecycle, refresh and value-changed
#    events with libvirt's numbers while another connection defines,
#    starts, refreshes, stops and undefines a dir pool and defines, sets
#    and undefines a secret; one-pool filters and deregistration hold;
#  - hand-written packets (events-wire.py): a deregistration refuses
#    another kind's callback id and an unknown event id is refused;
#  - libvireo's remote driver (events-libvireo.py, through ctypes) gets
#    them too, and refuses to deregister one kind's id as another's;
#  - `virsh pool-event --loop` and `virsh secret-event --loop` print the
#    same steps.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

py=/usr/bin/python3
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "storage events through $VIREO_TEST_DAEMON" "libvirtd runs here without its storage driver"
    exit 0
fi
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "storage events through python3-libvirt" "python3-libvirt is not installed"
    exit 0
fi
if ! command -v virsh >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
    skip "storage events" "virsh or qemu-system-x86_64 is not installed"
    exit 0
fi

WATCH_PIDS=()
work=""
cleanup() {
    local p
    for p in "${WATCH_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    [ -n "$work" ] && rm -rf "$work"
    daemon_cleanup
}
trap cleanup EXIT
require_daemon
URI="qemu+unix:///system?socket=$DAEMON_SOCK"
work=$(mktemp -d /tmp/vireo-storage-events.XXXXXX)

# ---- python3-libvirt ----
if ! timeout 120 $py "$(dirname "$0")/test-events.py" "$URI" "$work"; then
    fail "test-events.py ran to the end"
    daemon_show_log
fi

# ---- what libvirt's client never sends, by hand ----
if ! timeout 60 $py "$(dirname "$0")/events-wire.py" "$DAEMON_SOCK" qemu:///system; then
    fail "events-wire.py ran to the end"
    daemon_show_log
fi

# ---- vireo's own client: libvireo's remote driver ----
lib=$VIREO_BUILD/src/libvireo.so
if ldd "$lib" | grep -q 'lib\(asan\|ubsan\)\.so'; then
    # (the sanitizer runs of vireod and of the unit test test-event cover
    # this build; a sanitized library loaded into python crashes in XDR)
    skip "libvireo's remote driver hears pool and secret events" \
        "a sanitizer build's libvireo cannot be loaded into python3"
elif ! timeout 120 $py "$(dirname "$0")/events-libvireo.py" "$lib" "$URI" "$work"; then
    fail "events-libvireo.py ran to the end"
    daemon_show_log
fi

# ---- virsh pool-event / secret-event --loop ----
vsh() { timeout 30 virsh -q -c "$URI" "$@"; }
# vsh, its output shown (as TAP comments) only when it fails
vsh_q() { quietly vsh "$@"; }

# watch NAME ARGS...: virsh ARGS in the background, output in $work/NAME
watch() {
    local name=$1; shift
    virsh -c "$URI" "$@" --loop --timeout 120 >"$work/$name" 2>&1 &
    WATCH_PIDS+=($!)
}
has() { grep -qF -- "$2" "$work/$1"; }
# await NAME TEXT: TEXT shows in the watcher's output within 15 s
await() { wait_for 15 has "$1" "$2"; }

mkdir -p "$work/vp" "$work/probe"
watch pool-life pool-event --event lifecycle
watch pool-refresh pool-event --event refresh
watch secret-life secret-event --event lifecycle
watch secret-value secret-event --event value-changed

# A watcher is registered once it prints a probe's event: repeat the
# probe step until it does (virsh gives no other sign it is listening).
heard() {  # NAME TEXT CMD...: run CMD until the watcher NAME prints TEXT
    local name=$1 text=$2 end=$((SECONDS + 20)); shift 2
    while [ $SECONDS -lt $end ]; do
        "$@" >/dev/null 2>&1
        wait_for 1 has "$name" "$text" && return 0
    done
    return 1
}
probe_uuid=d0d0d0d0-1111-4222-8333-444455556666
probe_xml=$work/probe-secret.xml
echo cHJvYmU= >"$work/probe.b64"
echo "<secret ephemeral='no' private='no'><uuid>$probe_uuid</uuid><usage type='volume'><volume>$work/probe/x.img</volume></usage></secret>" >"$probe_xml"
probe_cycle() { vsh pool-start probe; vsh pool-destroy probe; }
secret_cycle() { vsh secret-undefine "$probe_uuid"; vsh secret-define "$probe_xml"; }
if vsh_q pool-define-as probe dir --target "$work/probe" &&
   heard pool-life "storage pool probe: Stopped" probe_cycle &&
   vsh_q pool-start probe &&
   heard pool-refresh "storage pool probe" vsh pool-refresh probe &&
   vsh_q secret-define "$probe_xml" &&
   heard secret-life "secret $probe_uuid: Defined" secret_cycle &&
   heard secret-value "secret $probe_uuid" vsh secret-set-value "$probe_uuid" --file "$work/probe.b64"
then
    ok "the four virsh watchers hear a probe pool and secret"
else
    fail "the four virsh watchers hear a probe pool and secret"
    for f in pool-life pool-refresh secret-life secret-value; do note "$f:" "$(cat "$work/$f")"; done
fi

check "pool-define-as vp" vsh_q pool-define-as vp dir --target "$work/vp"
check "pool-start vp" vsh_q pool-start vp
check "pool-refresh vp" vsh_q pool-refresh vp
check "pool-destroy vp" vsh_q pool-destroy vp
check "pool-undefine vp" vsh_q pool-undefine vp
for ev in Defined Started Stopped Undefined; do
    check "virsh pool-event --loop prints 'storage pool vp: $ev'" \
        await pool-life "event 'lifecycle' for storage pool vp: $ev"
done
check "virsh pool-event --loop prints vp's refresh" \
    await pool-refresh "event 'refresh' for storage pool vp"
order=$(grep -o "storage pool vp: [A-Za-z]*" "$work/pool-life" | sed 's/.*: //' | tr '\n' ' ')
check_eq "vp's lifecycle events come once each, in order" "Defined Started Stopped Undefined " \
    "$order"

suuid=5ec5ec5e-1234-4abc-8def-0123456789ab
sxml=$work/secret.xml
echo "<secret ephemeral='no' private='yes'><uuid>$suuid</uuid><usage type='volume'><volume>$work/vp/x.img</volume></usage></secret>" >"$sxml"
check "secret-define" vsh_q secret-define "$sxml"
echo c2VjcmV0 >"$work/value.b64"
check "secret-set-value" vsh_q secret-set-value "$suuid" --file "$work/value.b64"
check "secret-undefine" vsh_q secret-undefine "$suuid"
for ev in Defined Undefined; do
    check "virsh secret-event --loop prints 'secret $suuid: $ev'" \
        await secret-life "event 'lifecycle' for secret $suuid: $ev"
done
check "virsh secret-event --loop prints the value change" \
    await secret-value "event 'value-changed' for secret $suuid"

vsh pool-destroy probe >/dev/null; vsh pool-undefine probe >/dev/null
vsh secret-undefine "$probe_uuid" >/dev/null

if daemon_stop; then
    ok "SIGTERM: vireod exits cleanly with watchers connected"
else
    fail "SIGTERM: $DAEMON_STOP_WHY"
    daemon_show_log
fi
done_testing
