#!/bin/bash
# test-ssh-helper.sh: vireo-ssh-helper alone, the bridge sshd runs for
# qemu+ssh:// clients, against a unix socket served by a small Python
# peer (tests/remote/ssh_helper_peer.py): bytes both ways, half-close
# each way, the daemon's close ending the helper, no busy loop while
# idle, -q0 as nc's, the shell's "-q" probe, a missing socket named in
# one stderr line with exit status 1, and the virt-ssh-helper form
# (URI, -r) finding the socket as the client does.
. "$(dirname "$0")/../lib.sh"

HELPER=$VIREO_BUILD/src/cli/vireo-ssh-helper
PEER=$VIREO_TOP/tests/remote/ssh_helper_peer.py
if [ ! -x "$HELPER" ]; then skip "vireo-ssh-helper" "not built at $HELPER"; exit 0; fi
T=$(mktemp -d /tmp/vireo-ssh-helper-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

# peer CASE [HELPER-ARGS...]: run one case; its report in $out, status in $rc
peer() {
    out=$(timeout 30 /usr/bin/python3 "$PEER" "$1" "$T/sock" "$HELPER" "${@:2}" 2>&1); rc=$?
}

for c in halfclose-up halfclose-down daemon-closes bulk idle-cpu q0; do
    case $c in
    q0) peer "$c" -q0 -U "$T/sock" ;;
    *)  peer "$c" -U "$T/sock" ;;
    esac
    if [ "$rc" -eq 0 ]; then ok "-U: $c: $out"; else fail "-U: $c (status $rc)"; note "$out"; fi
done

# the URI form: ?socket= names the socket, as the remote driver reads it
peer halfclose-up "test:///default?socket=$T/sock"
check "virt-ssh-helper form: 'test:///default?socket=...' bridges to that socket" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || note "$out"

# libvirt's netcat probe: `NC -q 2>&1 | grep "requires an argument"`
probe=$("$HELPER" -q 2>&1 </dev/null)
check "'-q' alone complains 'requires an argument' (the shell then passes -q0)" \
    grep -q "requires an argument" <<<"$probe"

err=$("$HELPER" -U "$T/nowhere" </dev/null 2>&1 >/dev/null); rc=$?
check_eq "a missing socket: exit status 1" 1 "$rc"
check_eq "... and one line on stderr naming it" \
    "vireo-ssh-helper: Failed to connect socket to '$T/nowhere': No such file or directory" "$err"

# -r picks the read-only socket of the URI (?socket= absent: libvirt's
# default name, which this test does not own: only the name is checked)
if [ ! -e /run/libvirt/libvirt-sock-ro ] && [ ! -e /run/libvirt/virtqemud-sock-ro ]; then
    err=$("$HELPER" -r qemu:///system </dev/null 2>&1 >/dev/null)
    check "-r qemu:///system dials libvirt-sock-ro" grep -q "libvirt-sock-ro'" <<<"$err"
else
    skip "-r qemu:///system dials libvirt-sock-ro" "a libvirt daemon runs on this host"
fi
err=$("$HELPER" 'qemu+ssh://elsewhere/system' </dev/null 2>&1 >/dev/null); rc=$?
check "a URI naming a host is refused (status 2 or 1, one line)" \
    [ "$rc" -ne 0 ] && [ "$(wc -l <<<"$err")" -eq 1 ]
"$HELPER" -U "$T/sock" extra </dev/null >/dev/null 2>&1; rc=$?
check_eq "a stray argument: usage, exit status 2" 2 "$rc"

done_testing
