#!/bin/bash
# test-stats-wire.sh: statistics over the wire with the test driver (no
# QEMU): virsh domstats / dommemstat / domblkstat (typed parameters and
# the legacy call) / domifstat, and python3-libvirt's getAllDomainStats,
# domainListGetStats, blockStats, blockStatsFlags, interfaceStats and
# memoryStats; bad input gets libvirt's errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

trap daemon_cleanup EXIT
require_daemon
daemon_hold_open || fail "a holder client connects"
vt() { timeout 20 virsh -c "$DAEMON_URI" "$@"; }

out=$(vt domstats 2>&1)
check "virsh domstats answers" [ $? -eq 0 ]
check "it names the domain as virsh does" grep -qx "Domain: 'test'" <<<"$out"
check "with state.state=1 (running)" grep -qx "  state.state=1" <<<"$out"
if [ "$VIREO_TEST_DAEMON" = vireod ]; then
    check "and balloon.maximum" grep -q "^  balloon.maximum=" <<<"$out"
    check "and vcpu.current=2" grep -qx "  vcpu.current=2" <<<"$out"
fi
out=$(vt domstats --state --list-inactive 2>&1)
check "domstats --list-inactive: no running domain" [ -z "$(grep Domain: <<<"$out")" ]
out=$(vt domstats --state test 2>&1)
check_eq "domstats --state test (virDomainListGetStats)" \
    "$(printf "Domain: 'test'\n  state.state=1\n  state.reason=0")" "$(sed '/^$/d' <<<"$out")"

out=$(vt dommemstat test 2>&1)
check "dommemstat shows actual" grep -q "^actual [0-9]" <<<"$out"
check "dommemstat shows rss" grep -q "^rss [0-9]" <<<"$out"
out=$(vt domblkstat test vda 2>&1)
check "domblkstat test vda shows rd_req" grep -q "^vda rd_req [0-9]" <<<"$out"
out=$(vt domblkstat test vda --human 2>&1)
check "domblkstat --human" grep -q "^ number of read operations: *[0-9]" <<<"$out"
out=$(vt domblkstat test vdz 2>&1)
check "domblkstat of a missing disk fails" [ $? -ne 0 ]
check "with libvirt's text" grep -q "invalid argument: invalid path: vdz" <<<"$out"
out=$(vt domifstat test testnet0 2>&1)
check "domifstat test testnet0" grep -q "^testnet0 rx_bytes [0-9]" <<<"$out"
out=$(vt domifstat test nope 2>&1)
check "domifstat of an unknown interface: libvirt's error" \
    grep -q "invalid argument: 'nope' is not a known interface" <<<"$out"

py=/usr/bin/python3
if ! $py -c 'import libvirt' 2>/dev/null; then
    skip "python3-libvirt statistics" "python3-libvirt is not installed"
else
    out=$(timeout 30 $py - "$DAEMON_URI" <<'PYEOF' 2>&1
import sys, libvirt
c = libvirt.open(sys.argv[1])
d = c.lookupByName("test")
recs = c.getAllDomainStats()
print("all", len(recs), recs[0][0].name(), recs[0][1]["state.state"])
recs = c.domainListGetStats([d], libvirt.VIR_DOMAIN_STATS_STATE)
print("list", len(recs), sorted(recs[0][1].keys()))
print("blk", len(d.blockStats("vda")))
try:
    print("blkflags", "rd_operations" in d.blockStatsFlags("vda"))
except libvirt.libvirtError as e:
    print("blkflags", e.get_error_code())
print("if", len(d.interfaceStats("testnet0")))
m = d.memoryStats()
print("mem", "actual" in m, "rss" in m)
try:
    d.blockStats("nope")
except libvirt.libvirtError as e:
    print("err", e.get_error_code(), e.get_error_message())
try:
    c.getAllDomainStats(0, 1 << 20)
except libvirt.libvirtError as e:
    print("flags", e.get_error_code())
PYEOF
)
    note "$out"
    check "python getAllDomainStats: one record for 'test', state 1" grep -qx "all 1 test 1" <<<"$out"
    check "python domainListGetStats: state only" \
        grep -qx "list 1 \['state.reason', 'state.state'\]" <<<"$out"
    check "python blockStats: 5 counters" grep -qx "blk 5" <<<"$out"
    # libvirt's test driver has only the legacy call (VIR_ERR_NO_SUPPORT, 3)
    if [ "$VIREO_TEST_DAEMON" = vireod ]; then
        check "python blockStatsFlags" grep -qx "blkflags True" <<<"$out"
    else
        check "python blockStatsFlags: libvirt's test driver lacks it" grep -qx "blkflags 3" <<<"$out"
    fi
    check "python interfaceStats: 8 counters" grep -qx "if 8" <<<"$out"
    check "python memoryStats: actual and rss" grep -qx "mem True True" <<<"$out"
    check "python blockStats of a missing disk: VIR_ERR_INVALID_ARG (8)" \
        grep -qx "err 8 invalid argument: invalid path: nope" <<<"$out"
    check "python getAllDomainStats with an unknown flag: VIR_ERR_INVALID_ARG (8)" \
        grep -qx "flags 8" <<<"$out"
fi

if daemon_stop; then ok "daemon stops cleanly"; else
    fail "daemon stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
