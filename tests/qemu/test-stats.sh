#!/bin/bash
# test-stats.sh: statistics of real guests in one call.  Two guests are
# defined (a virtio disk, a virtio balloon, user networking); one runs.
# virsh domstats answers for both (state for the defined one; cpu,
# balloon, vcpu, interface and block for the running one, with plausible
# values); domblkstat, dommemstat and python3-libvirt's bulk and
# per-device calls work; with the running guest's QEMU SIGSTOPped,
# domstats still answers within ~3 s with every figure that needs no
# monitor; bad input gets libvirt's errors.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start

r=vireo-stats-run d=vireo-stats-def
# the guest template, with a small virtio disk, a balloon and a user NIC
stats_define() {
    local name=$1 xml disk=$GUEST_WORK/$1.img
    truncate -s 8M "$disk"
    xml=$(guest_xml "$name")
    sed -i -e "s|<memballoon model='none'/>|<memballoon model='virtio'/>|" \
        -e "s|<serial type='pty'>|<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$disk'/><target dev='vda' bus='virtio'/></disk>\n<interface type='user'><model type='virtio'/></interface>\n<serial type='pty'>|" \
        "$xml"
    check "define $name (disk, balloon, user interface)" vsh_q define "$xml"
}
stats_define $r
stats_define $d
check "start $r" vsh_q start $r
if wait_marker $r "VIREO-GUEST: ready"; then ok "$r reaches userspace"; else
    fail "$r reaches userspace"; guest_show_logs $r
fi
# make the guest read its disk, so the counters have something to count
check "the guest reads its disk" console $r \
    "dd if=/dev/vda of=/dev/null bs=4096 count=64 && echo READ-\$((6*7))" "READ-42"

# value of FIELD in domain NAME's record of a domstats output
field() { awk -v d="Domain: '$2'" -v f="  $3=" '$0 == d {on=1; next} /^Domain:/ {on=0}
    on && index($0, f) == 1 {print substr($0, length(f) + 1); exit}' <<<"$1"; }

out=$(vsh domstats 2>&1)
check "virsh domstats answers for every domain in one call" [ $? -eq 0 ]
note "$out"
check "$d (defined) has a record" grep -qx "Domain: '$d'" <<<"$out"
check_eq "$d: state.state=5 (shut off)" 5 "$(field "$out" $d state.state)"
check_eq "$d: no cpu.time (not running)" "" "$(field "$out" $d cpu.time)"
check_eq "$r: state.state=1 (running)" 1 "$(field "$out" $r state.state)"
check "$r: cpu.time > 0" [ "$(field "$out" $r cpu.time)" -gt 0 ]
check_eq "$r: balloon.current=131072 (128 MiB)" 131072 "$(field "$out" $r balloon.current)"
check_eq "$r: balloon.maximum=131072" 131072 "$(field "$out" $r balloon.maximum)"
check "$r: balloon.rss > 0" [ "$(field "$out" $r balloon.rss)" -gt 0 ]
check_eq "$r: vcpu.current=1" 1 "$(field "$out" $r vcpu.current)"
check_eq "$r: vcpu.0.state=1" 1 "$(field "$out" $r vcpu.0.state)"
check "$r: vcpu.0.time > 0 (from the vCPU thread)" [ "$(field "$out" $r vcpu.0.time)" -gt 0 ]
check_eq "$r: net.count=1 (a user interface has no counters, as libvirt)" 1 \
    "$(field "$out" $r net.count)"
check_eq "$r: block.count=1" 1 "$(field "$out" $r block.count)"
check_eq "$r: block.0.name=vda" vda "$(field "$out" $r block.0.name)"
check_eq "$r: block.0.path" "$GUEST_WORK/$r.img" "$(field "$out" $r block.0.path)"
check "$r: block.0.rd.reqs > 0" [ "$(field "$out" $r block.0.rd.reqs)" -gt 0 ]
check "$r: block.0.rd.bytes >= 256 KiB (the guest's dd)" \
    [ "$(field "$out" $r block.0.rd.bytes)" -ge 262144 ]
check_eq "$r: block.0.capacity=8 MiB" 8388608 "$(field "$out" $r block.0.capacity)"
check_eq "$d: block.0.capacity=8 MiB (from the file, as libvirt)" 8388608 \
    "$(field "$out" $d block.0.capacity)"
out=$(vsh domstats --list-active --state 2>&1)
check "domstats --list-active leaves $d out" [ -z "$(grep "'$d'" <<<"$out")" ]

out=$(vsh domblkstat $r vda 2>&1)
check "domblkstat $r vda: rd_req > 0" [ "$(awk '$2 == "rd_req" {print $3}' <<<"$out")" -gt 0 ]
check "domblkstat by source path" quietly vsh domblkstat $r "$GUEST_WORK/$r.img"
out=$(vsh domblkstat $r vdz 2>&1)
check "domblkstat of a missing disk fails with libvirt's text" \
    grep -q "invalid argument: invalid path: vdz" <<<"$out"
out=$(vsh dommemstat $r 2>&1)
check_eq "dommemstat: actual 131072" "actual 131072" "$(grep '^actual ' <<<"$out")"
check "dommemstat: rss > 0" [ "$(awk '$1 == "rss" {print $2}' <<<"$out")" -gt 0 ]
out=$(vsh dommemstat $d 2>&1)
check "dommemstat of a shut off domain fails" grep -q "is not running" <<<"$out"
out=$(vsh domifstat $r nope 2>&1)
check "domifstat of an unknown interface: libvirt's error" \
    grep -q "'nope' is not a known interface" <<<"$out"

out=$(timeout 30 /usr/bin/python3 - "$QEMU_URI" "$r" <<'PYEOF' 2>&1
import sys, libvirt
c = libvirt.open(sys.argv[1])
d = c.lookupByName(sys.argv[2])
recs = c.getAllDomainStats()
print("all", " ".join(sorted(x[0].name() for x in recs if x[0].name().startswith("vireo-stats"))))
recs = c.domainListGetStats([d], libvirt.VIR_DOMAIN_STATS_BLOCK)
print("list", recs[0][1]["block.0.name"], recs[0][1]["block.0.rd.reqs"] > 0)
print("blk", d.blockStats("vda")[0] > 0, d.blockStatsFlags("vda")["rd_operations"] > 0)
m = d.memoryStats()
print("mem", m["actual"], m["rss"] > 0)
try:
    c.getAllDomainStats(0, 1 << 20)
except libvirt.libvirtError as e:
    print("flags", e.get_error_code())
PYEOF
)
note "$out"
check "python getAllDomainStats: a record for each domain" \
    grep -qx "all vireo-stats-def vireo-stats-run" <<<"$out"
check "python domainListGetStats (block)" grep -qx "list vda True" <<<"$out"
check "python blockStats / blockStatsFlags" grep -qx "blk True True" <<<"$out"
check "python memoryStats" grep -qx "mem 131072 True" <<<"$out"
check "python: unknown flags -> VIR_ERR_INVALID_ARG" grep -qx "flags 8" <<<"$out"

# a hung guest delays the bulk call by its short deadline, never fails it
pr=$(guest_pid $r)
if [ -z "$pr" ]; then fail "$r has a QEMU process"; else
    kill -STOP "$pr"
    ok "QEMU $pr of $r stopped with SIGSTOP"
    start=$(date +%s%N)
    out=$(timeout 10 virsh -c "$QEMU_URI" domstats 2>&1)
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check "domstats answers while $r hangs (status $rc)" [ $rc -eq 0 ]
    check "within ~3 s (took $ms ms)" [ $ms -lt 3500 ]
    check_eq "$d still has its record" 5 "$(field "$out" $d state.state)"
    check_eq "$r: state.state=1" 1 "$(field "$out" $r state.state)"
    check "$r: cpu.time still given (from /proc)" [ "$(field "$out" $r cpu.time)" -gt 0 ]
    check_eq "$r: block.0.name still given" vda "$(field "$out" $r block.0.name)"
    kill -CONT "$pr"
    ok "QEMU $pr continued"
fi

check "destroy $r" vsh_q destroy $r
[ -n "$pr" ] && check "QEMU $pr is gone" wait_for 10 pid_gone "$pr"
for g in $r $d; do vsh undefine $g >/dev/null; done
if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
