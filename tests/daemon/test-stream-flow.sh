#!/bin/bash
# test-stream-flow.sh: flow control of streams in vireod.  A 1 GiB volume
# is downloaded (not sparse: every byte crosses the wire as data) by a
# python3-libvirt client that first does not read for 3 s and then reads
# slowly: vireod's peak memory grows by a few MiB (its stream backlog,
# STREAM_BACKLOG_MAX = 4 MiB), never by the volume's size, and every byte
# arrives.  Then the client aborts a second download half-way and the
# daemon goes on serving.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

py=/usr/bin/python3
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "stream flow control through $VIREO_TEST_DAEMON" "this measures vireod"
    exit 0
fi
if ! command -v virsh >/dev/null || ! $py -c 'import libvirt' 2>/dev/null; then
    skip "stream flow control" "virsh or python3-libvirt is not installed"
    exit 0
fi
work=$(mktemp -d /tmp/vireo-stream-flow.XXXXXX)
trap 'daemon_cleanup; rm -rf "$work"' EXIT
# under ASan freed memory waits in its quarantine (256 MiB by default),
# which would count as ours: keep it small
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
require_daemon
uri="qemu+unix:///system?socket=$DAEMON_SOCK"
P=$work/pool
mkdir -p "$P"

check "a dir pool and a 1 GiB volume" sh -c \
    "virsh -q -c '$uri' pool-create-as p dir --target '$P' >/dev/null &&
     virsh -q -c '$uri' vol-create-as p big.raw 1G --allocation 0 >/dev/null"
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON_PID/status"; }
before=$(hwm_kb)

# prints: bytes read, then vireod's peak memory (kB) after the pause
out=$(timeout 240 $py - "$uri" "$DAEMON_PID" <<'EOF'
import sys, time, libvirt
conn = libvirt.open(sys.argv[1])
vol = conn.storagePoolLookupByName('p').storageVolLookupByName('big.raw')
def hwm():
    for line in open('/proc/%s/status' % sys.argv[2]):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
st = conn.newStream(0)
vol.download(st, 0, 0, 0)
time.sleep(3)                       # the application does not read
paused = hwm()
total = 0
while True:
    b = st.recv(256 * 1024)
    if not b:
        break
    total += len(b)
    if total % (64 << 20) < len(b):
        time.sleep(0.05)            # then reads slowly
st.finish()
print(total, paused)
EOF
)
read -r total paused <<<"$out"
after=$(hwm_kb)
check_eq "every byte of the 1 GiB download arrives" 1073741824 "$total"
note "vireod peak memory: ${before} kB before, ${paused:-?} kB after 3 s unread, ${after} kB after"
check "a reader that does not read: vireod grows by under 32 MiB (not by 1 GiB)" \
    test $((${paused:-999999999} - before)) -lt 32768
check "the whole download: vireod grows by under 32 MiB" test $((after - before)) -lt 32768

# a download aborted half-way: the producer stops, the daemon serves on
out=$(timeout 120 $py - "$uri" <<'EOF'
import sys, libvirt
conn = libvirt.open(sys.argv[1])
vol = conn.storagePoolLookupByName('p').storageVolLookupByName('big.raw')
st = conn.newStream(0)
vol.download(st, 0, 0, 0)
got = 0
while got < (64 << 20):
    got += len(st.recv(256 * 1024))
st.abort()
print(conn.storagePoolLookupByName('p').numOfVolumes())
EOF
)
check_eq "an abort half-way is confirmed and the connection goes on" 1 "$out"
check "vireod still answers virsh after the abort" sh -c "virsh -q -c '$uri' vol-list p >/dev/null"
done_testing
