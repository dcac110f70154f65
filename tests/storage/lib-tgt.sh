# shellcheck shell=bash
# lib-tgt.sh: a private iSCSI target (Debian's tgt) on 127.0.0.1 for a
# test.  Source it, then:
#   tgt_start DIR        tgtd on a free port with its own control port;
#                        sets TGT_PID, TGT_PORT, TGT_CTL; logs in DIR/tgtd.log
#   tgt_target TID IQN   a target open to every initiator
#   tgt_lun TID LUN FILE a LUN backed by FILE
#   tgt_chap TID USER PASSWORD   require CHAP for target TID
#   tgt_stop             stop tgtd by its PID
# tgt_missing prints why a target cannot be served here (empty: it can).

tgt_missing() {
    if ! command -v tgtd >/dev/null || ! command -v tgtadm >/dev/null; then
        echo "tgt is not installed (Debian: tgt)"
        return
    fi
    [ "$(id -u)" = 0 ] || echo "tgtd needs root"
}

# a TCP port nobody listens on
_tgt_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

tgtadm_() { tgtadm -C "$TGT_CTL" --lld iscsi "$@"; }

tgt_start() {
    local dir=$1 _
    for _ in 1 2 3 4 5; do
        TGT_PORT=$(_tgt_free_port)
        # control ports name sockets /var/run/tgtd/socket.N: keep clear of others'
        TGT_CTL=$(( (RANDOM % 20000) + 1000 ))
        mkdir -p /var/run/tgtd
        tgtd -f --iscsi portal=127.0.0.1:"$TGT_PORT" -C "$TGT_CTL" >"$dir/tgtd.log" 2>&1 &
        TGT_PID=$!
        if wait_for 5 tgtadm_ --op show --mode target >/dev/null 2>&1 &&
           kill -0 "$TGT_PID" 2>/dev/null; then
            return 0
        fi
        kill "$TGT_PID" 2>/dev/null; wait "$TGT_PID" 2>/dev/null
    done
    cat "$dir/tgtd.log" >&2
    return 1
}

tgt_target() {
    tgtadm_ --op new --mode target --tid "$1" -T "$2" &&
        tgtadm_ --op bind --mode target --tid "$1" -I ALL
}

tgt_lun() { tgtadm_ --op new --mode logicalunit --tid "$1" --lun "$2" -b "$3"; }

tgt_chap() {
    tgtadm_ --op new --mode account --user "$2" --password "$3" &&
        tgtadm_ --op bind --mode account --tid "$1" --user "$2"
}

# tgtd ignores SIGTERM while it serves targets: KILL after a grace period
tgt_stop() {
    [ -n "${TGT_PID:-}" ] || return 0
    kill -CONT "$TGT_PID" 2>/dev/null
    kill "$TGT_PID" 2>/dev/null
    wait_for 2 _tgt_gone || kill -KILL "$TGT_PID" 2>/dev/null
    wait "$TGT_PID" 2>/dev/null
    TGT_PID=
}
_tgt_gone() {
    ! kill -0 "$TGT_PID" 2>/dev/null ||
        grep -q '^[0-9]* (.*) Z' "/proc/$TGT_PID/stat" 2>/dev/null
}
