#!/bin/bash
# vireo-test: once  (one guest boot; the cgroup code runs under the sanitizers in test-cgroup)
# test-guest-cgroup.sh: a guest's QEMU in its own cgroup (src/util/cgroup.c,
# src/drivers/qemu/qemu_cgroup.c).  A start whose <cputune><quota> the
# kernel refuses fails naming the file and leaves no cgroup; then one boot
# with <cputune> shares/period/quota, <memtune><hard_limit> and
# <blkiotune><weight>: QEMU's pid is in the cgroup and the values are in
# the kernel's files (v1 or v2, whichever serves each controller), the
# device list is restricted (v1); vireod is killed with SIGKILL, a new one
# takes the guest back, and destroy removes the cgroup everywhere.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

if [ "$(id -u)" -ne 0 ]; then
    skip "guest cgroups" "not root: an unprivileged daemon makes no cgroups"
    exit 0
fi
guest_setup
# the driver says when it takes a cgroup back
logcfg='log_filters="2:qemu.cgroup"'
qemu_daemon_start "$logcfg"

# cg_dir CONTROLLER PID: the directory of PID's cgroup serving CONTROLLER
# (libvirt's names), from /proc/PID/cgroup and the mounts; empty when none
cg_dir() {
    local ctl=$1 pid=$2 v2name=$1 path mnt
    [ "$ctl" = blkio ] && v2name=io
    mnt=$(awk '$0 ~ / - cgroup2 / {print $5; exit}' /proc/self/mountinfo)
    if [ -n "$mnt" ] && [ "$ctl" != devices ] &&
        grep -qw "$v2name" "$mnt/cgroup.controllers" 2>/dev/null; then
        path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
    else
        path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++)
                                        if (a[i] == c) { print $3; exit } }' "/proc/$pid/cgroup")
        mnt=$(awk -v c="$ctl" '{ for (i = 1; i <= NF; i++) if ($i == "-") break
                                 if ($(i + 1) != "cgroup") next
                                 n = split($(i + 3), a, ",")
                                 for (j = 1; j <= n; j++) if (a[j] == c) { print $5; exit } }' \
                                 /proc/self/mountinfo)
    fi
    [ -n "$path" ] && [ -n "$mnt" ] && [ "$path" != / ] && echo "$mnt$path"
}
is_v2() { case $1 in */unified/*) return 0 ;; esac; [ -e "$(dirname "$1")/cgroup.subtree_control" ]; }
# every directory named LEAF under the host's cgroup mounts
cg_count() { find /sys/fs/cgroup -maxdepth 6 -type d -name "$1" 2>/dev/null | wc -l; }

g=vireo-cg
leaf=qemu-$g
xml=$(guest_xml "$g")

# A value the kernel refuses: the start fails with its file and value,
# and no cgroup is left.
b=$g-bad
bad=$GUEST_WORK/bad.xml
sed -e "s|</vcpu>|</vcpu>\n  <cputune><quota>10</quota></cputune>|" \
    -e "s|<name>$g</name>|<name>$b</name>|" "$xml" >"$bad"
vsh_q define "$bad" || fail "define $b with quota 10"
out=$(vsh start "$b" 2>&1)
if [ $? -ne 0 ] && [[ $out == *"'10'"* ]] && [[ $out == *cpu* ]] && [[ $out == *"Invalid argument"* ]]; then
    ok "a quota of 10 us is refused by the kernel, naming the file and the value"
else
    fail "a quota of 10 us is refused by the kernel, naming the file and the value: $out"
fi
check_eq "no cgroup is left after the refused start" 0 "$(cg_count "qemu-$b")"
check_eq "the refused guest is shut off" "shut off" "$(vsh domstate "$b" | sed '/^$/d')"
vsh_q undefine "$b"

# The limits.  blkio weight needs an I/O scheduler with weights: when the
# host has none the start says so, and the guest boots without it.
tuned=$GUEST_WORK/tuned.xml
tune_xml() {
    sed -e "s|</currentMemory>|</currentMemory>\n  $1<memtune><hard_limit unit='MiB'>512</hard_limit></memtune>|" \
        -e "s|</vcpu>|</vcpu>\n  <cputune><shares>512</shares><period>50000</period><quota>25000</quota></cputune>|" \
        "$xml" >"$tuned"
}
tune_xml "<blkiotune><weight>300</weight></blkiotune>"
vsh_q define "$tuned" || fail "define $g with its limits"
weight=300
if ! out=$(vsh start "$g" 2>&1); then
    if [[ $out == *"weight is not available"* ]]; then
        skip "blkiotune weight in the cgroup" "${out//$'\n'/ }"
        weight=""
        tune_xml ""
        vsh_q define "$tuned"
        check "start $g with cputune and memtune" vsh_q start "$g"
    else
        fail "start $g with cputune, memtune and blkiotune: $out"
    fi
else
    ok "start $g with cputune, memtune and blkiotune"
fi
if wait_marker "$g" "VIREO-GUEST: userspace"; then
    ok "$g reaches userspace in its cgroup"
else
    fail "$g reaches userspace in its cgroup"
    guest_show_logs "$g"
fi
pid=$(guest_pid "$g")
check "$g has a QEMU process" [ -n "$pid" ]

cpu=$(cg_dir cpu "$pid")
mem=$(cg_dir memory "$pid")
blk=$(cg_dir blkio "$pid")
dev=$(cg_dir devices "$pid")
note "QEMU $pid cgroups: cpu=$cpu memory=$mem blkio=$blk devices=$dev"
check "QEMU's cpu cgroup is its own ($leaf under a vireo partition)" \
    eval '[[ $cpu == */machine/vireo-*/"$leaf" ]]'
check "QEMU's pid is in the cgroup's cgroup.procs" grep -qx "$pid" "$cpu/cgroup.procs"
if is_v2 "$cpu"; then
    check_eq "cpu.weight (v2) is the shares" 512 "$(cat "$cpu/cpu.weight")"
    check_eq "cpu.max (v2) is quota period" "25000 50000" "$(cat "$cpu/cpu.max")"
else
    check_eq "cpu.shares" 512 "$(cat "$cpu/cpu.shares")"
    check_eq "cpu.cfs_period_us" 50000 "$(cat "$cpu/cpu.cfs_period_us")"
    check_eq "cpu.cfs_quota_us (quota x 1 vCPU)" 25000 "$(cat "$cpu/cpu.cfs_quota_us")"
fi
if [ -z "$mem" ]; then
    skip "memtune in the cgroup" "no memory controller on this host"
elif is_v2 "$mem"; then
    check_eq "memory.max (v2) is hard_limit" 536870912 "$(cat "$mem/memory.max")"
else
    check_eq "memory.limit_in_bytes is hard_limit" 536870912 "$(cat "$mem/memory.limit_in_bytes")"
fi
if [ -n "$weight" ] && [ -n "$blk" ]; then
    w=$(cat "$blk"/blkio.weight "$blk"/blkio.bfq.weight "$blk"/io.bfq.weight "$blk"/io.weight 2>/dev/null)
    check "the blkio weight 300 is in the cgroup ($(echo $w))" eval '[[ $w == *300* ]]'
fi
if [ -z "$dev" ] || is_v2 "$dev"; then
    skip "the device allow-list" "no v1 devices controller (cgroup v2 needs a BPF program, not implemented)"
else
    list=$(cat "$dev/devices.list")
    check "devices: not everything allowed" eval '! grep -q "^a " <<<"$list"'
    check "devices: /dev/null and the ptys allowed" eval 'grep -qx "c 1:3 rw" <<<"$list" && grep -qx "c 136:\* rw" <<<"$list"'
    check "devices: the host's disks are not (vda, loop0)" eval '! grep -q "^b " <<<"$list"'
fi
check "the guest runs in its limits (console answers)" quietly console "$g" 'echo $((6*7))' 42

# A daemon killed and replaced keeps the guest and its cgroup.
old=$DAEMON_PID
kill -KILL "$old"
wait "$old" 2>/dev/null
ok "vireod $old killed with SIGKILL"
qemu_daemon_restart_same_root "$logcfg"
check "the guest is running after the restart" wait_for 15 eval '[ "$(vsh domstate "$g" 2>/dev/null | sed "/^$/d")" = running ]'
check "QEMU is still in its cgroup" grep -qx "$pid" "$cpu/cgroup.procs"
check "the new vireod took the guest's cgroup back (its log)" \
    grep -q "$g: cgroup 'machine/vireo-.*/$leaf' taken back" "$DAEMON_LOG"
check "destroy $g" vsh_q destroy "$g"
check "QEMU $pid is gone" wait_for 10 pid_gone "$pid"
check_eq "its cgroup is gone from every hierarchy" 0 "$(cg_count "$leaf")"
check "undefine $g" vsh_q undefine "$g"

if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
