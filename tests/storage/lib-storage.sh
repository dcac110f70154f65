# lib-storage.sh: what the storage tests that drive vireod's QEMU root
# with Debian's virsh share (test-disk.sh, test-iscsi.sh, test-pools.sh).
# Source it after tests/lib.sh and tests/daemon/lib-daemon.sh, once the
# daemon answers (require_daemon); validates writes into $WORK.

URI="qemu+unix:///system?socket=$DAEMON_SOCK"
SCHEMAS=/usr/share/libvirt/schemas

vsh() { timeout 60 virsh -q -c "$URI" "$@"; }
# vsh, its output shown only when it fails
vsh_q() { quietly vsh "$@"; }
# vsh_err ARGS...: virsh's error text (it must fail)
vsh_err() { local out; if out=$(vsh "$@" 2>&1); then echo "UNEXPECTED SUCCESS"; else echo "$out"; fi; }
# contains TEXT PART: TEXT has PART (a note saying what is missing if not)
contains() { case $1 in *"$2"*) return 0 ;; esac; note "missing: $2" "in: $1"; return 1; }
# validates XML-TEXT SCHEMA: the text passes libvirt's RelaxNG schema
validates() {
    local out
    printf '%s\n' "$1" >"$WORK/check.xml"
    out=$(xmllint --noout --relaxng "$SCHEMAS/$2" "$WORK/check.xml" 2>&1) && return 0
    note "$out"; return 1
}
