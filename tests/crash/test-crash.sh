#!/bin/bash
# test-crash.sh: vireod is crash-only (issue 7).
#
# 1. Every state file is written to a temporary file, fsynced, renamed, and
#    its folder fsynced (seen with strace on define, autostart, undefine); a
#    removal fsyncs the folder.  Status files (run folder) are replaced whole
#    by a rename before the call answers, without fsync: the QEMUs they
#    describe do not outlive a power cut either.  The same for pool
#    definitions, autostart links and run files, secret definitions and
#    values.
# 2. A new vireod starts on a root full of what interrupted writes and
#    starts leave (temporary files, an unreadable definition, a status file
#    of a dead QEMU, a QEMU launched by a start that never finished, stray
#    pid files and sockets), reports each in its log, removes them, and
#    keeps every good definition.
# 3. The kill loop (crash.py): a mixed workload of define, start, suspend,
#    resume, save, restore, destroy and undefine, vireod killed with SIGKILL
#    at random moments (CRASH_KILLS times, 20 by default; `--long`: 200),
#    each new vireod checked against what the clients were told.  Beside
#    them storage workers (crash_storage.py) define, start, destroy and
#    undefine dir pools (folders under the test's work folder), switch
#    their autostart, create, clone, resize and delete raw and qcow2
#    volumes, define and undefine secrets and set their values.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

kills=${CRASH_KILLS:-20}
[ "${1:-}" = --long ] && kills=200

guest_setup
qemu_daemon_start
QDIR=$DAEMON_ROOT/etc/libvirt/qemu
RUN=$DAEMON_ROOT/run/libvirt/qemu

# ---- 1. how files are written ----

# trace PATTERN CMD...: run CMD while strace follows vireod's file calls;
# the trace lines naming PATTERN (or a folder fsync) are in $TRACE
TRACE=$GUEST_WORK/trace
trace() {
    local spid
    : >"$TRACE.err"
    strace -f -p "$DAEMON_PID" -e trace=openat,fsync,fdatasync,rename,unlink,symlink \
        -e signal=none -o "$TRACE.raw" 2>"$TRACE.err" &
    spid=$!
    wait_for 5 grep -q attached "$TRACE.err"
    "$@" >/dev/null 2>&1
    sleep 0.2
    kill -TERM "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    # a call another thread interrupted is split in two lines ("<unfinished
    # ...>", then "<... openat resumed>"): one line each, as it ended
    awk '/ <unfinished \.\.\.>$/ { p[$1] = substr($0, 1, length($0) - 17); next }
         match($0, /<\.\.\. [a-z0-9_]+ resumed>/) && ($1 in p) {
             print p[$1] substr($0, RSTART + RLENGTH); delete p[$1]; next }
         { print }' "$TRACE.raw" >"$TRACE.joined" && mv "$TRACE.joined" "$TRACE.raw"
}

# durable_write FILE: the trace shows FILE written the crash-only way:
# a temporary beside it opened, fsynced (a link: made), renamed over FILE,
# the folder opened and fsynced, in that order
durable_write() {
    /usr/bin/python3 - "$TRACE.raw" "$1" "${2:-4}" <<'EOF'
import re, sys
lines, path, last = open(sys.argv[1]).read().splitlines(), sys.argv[2], int(sys.argv[3])
folder = path.rsplit("/", 1)[0]
fds, step, tmp = {}, 0, None
for l in lines:
    m = re.search(r'openat\(AT_FDCWD, "([^"]+)".*= (\d+)$', l)
    if m:
        fds[m.group(2)] = m.group(1)
        if step == 0 and m.group(1).startswith(path + ".new-"):
            tmp, step = m.group(1), 1
        if step == 3 and m.group(1) == folder:
            step = 4
        continue
    m = re.search(r'symlink\("[^"]+", "([^"]+)"\)\s+= 0', l)
    if m and step == 0 and m.group(1).startswith(path + ".new-"):
        tmp, step = m.group(1), 2   # a link has no data to fsync
    m = re.search(r'(?:fsync|fdatasync)\((\d+)\)\s+= 0', l)
    if m and step == 1 and fds.get(m.group(1)) == tmp:
        step = 2
    elif step == 1 and last == 3:
        step = 2    # a run folder file: no fsync (what it names ends with the machine)
    elif m and step == 4 and fds.get(m.group(1)) == folder:
        print("ok"); sys.exit(0)
    m = re.search(r'rename\("([^"]+)", "([^"]+)"\)\s+= 0', l)
    if m and step == 2 and m.group(1) == tmp and m.group(2) == path:
        step = 3
    if step == last:
        print("ok"); sys.exit(0)
print("stopped at step %d of %d (temporary opened, fsynced, renamed, folder fsynced)"
      % (step, last))
sys.exit(1)
EOF
}

# durable_remove FILE: FILE unlinked, then its folder fsynced
durable_remove() {
    /usr/bin/python3 - "$TRACE.raw" "$1" <<'EOF'
import re, sys
lines, path = open(sys.argv[1]).read().splitlines(), sys.argv[2]
folder = path.rsplit("/", 1)[0]
fds, gone = {}, False
for l in lines:
    m = re.search(r'openat\(AT_FDCWD, "([^"]+)".*= (\d+)$', l)
    if m:
        fds[m.group(2)] = m.group(1)
    if re.search(r'unlink\("%s"\)\s+= 0' % re.escape(path), l):
        gone = True
    m = re.search(r'fsync\((\d+)\)\s+= 0', l)
    if m and gone and fds.get(m.group(1)) == folder:
        print("ok"); sys.exit(0)
print("unlinked: %s, folder fsynced after: no" % gone)
sys.exit(1)
EOF
}

if ! command -v strace >/dev/null; then
    skip "state files are written durably (seen with strace)" "strace is not installed"
else
    g=vireo-durable
    xml=$(guest_xml $g)
    trace vsh define "$xml"
    check "define writes $g.xml: temporary, fsync, rename, folder fsync" durable_write "$QDIR/$g.xml"
    trace vsh autostart $g
    check "autostart makes its link the same way" durable_write "$QDIR/autostart/$g.xml"
    trace vsh start $g
    check "start writes the status file whole: a temporary renamed over it" \
        durable_write "$RUN/$g.xml" 3
    trace vsh suspend $g
    check "suspend writes the status file before it answers" durable_write "$RUN/$g.xml" 3
    check_eq "... and it says paused" 1 "$(grep -c "<domstatus state='3'" "$RUN/$g.xml")"
    vsh_q destroy $g
    trace vsh undefine $g
    check "undefine removes the autostart link durably" durable_remove "$QDIR/autostart/$g.xml"
    check "undefine removes the definition durably" durable_remove "$QDIR/$g.xml"

    # pools and secrets: the same util/file.c writes, seen the same way
    SDIR=$DAEMON_ROOT/etc/libvirt/storage
    mkdir -p "$GUEST_WORK/pools/$g"
    trace vsh pool-define-as $g dir --target "$GUEST_WORK/pools/$g"
    check "pool-define writes $g.xml the same way" durable_write "$SDIR/$g.xml"
    trace vsh pool-autostart $g
    check "pool-autostart makes its link the same way" durable_write "$SDIR/autostart/$g.xml"
    trace vsh pool-start $g
    check "pool-start writes the pool's run file whole before it answers" \
        durable_write "$DAEMON_ROOT/run/libvirt/storage/$g.xml" 3
    vsh_q pool-destroy $g
    trace vsh pool-undefine $g
    check "pool-undefine removes the autostart link durably" durable_remove "$SDIR/autostart/$g.xml"
    check "pool-undefine removes the definition durably" durable_remove "$SDIR/$g.xml"
    sec=7b0c8f2e-5c1d-4a3e-9f10-c0ffee000001
    SECDIR=$DAEMON_ROOT/etc/libvirt/secrets
    printf "<secret ephemeral='no' private='no'><uuid>%s</uuid><usage type='volume'><volume>/durable</volume></usage></secret>" \
        $sec >"$GUEST_WORK/secret.xml"
    trace vsh secret-define "$GUEST_WORK/secret.xml"
    check "secret-define writes $sec.xml the same way" durable_write "$SECDIR/$sec.xml"
    trace vsh secret-set-value $sec --base64 ZHVyYWJsZQ==
    check "secret-set-value writes $sec.bin the same way" durable_write "$SECDIR/$sec.bin"
    trace vsh secret-undefine $sec
    check "secret-undefine removes the definition durably" durable_remove "$SECDIR/$sec.xml"
    check "... and the value" durable_remove "$SECDIR/$sec.bin"
fi

# ---- 2. what interrupted writes leave ----

keep=vireo-keep
guest_define $keep
cp "$QDIR/$keep.xml" "$GUEST_WORK/keep.xml"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
ok "vireod killed with SIGKILL"

mkdir -p "$RUN" "$QDIR/autostart"
echo '<domain type="qemu"><name>half' >"$QDIR/vireo-half.xml.new-a1B2c3"
ln -s "$QDIR/$keep.xml" "$QDIR/autostart/$keep.xml.new-Zz9Yy8"
echo '<domstatus' >"$RUN/vireo-x.xml.new-000aaa"
echo 'this is not XML' >"$QDIR/vireo-torn.xml"
# a status file whose QEMU is gone
sed "s|<domain|<domstatus state='1' reason='1' pid='999999' run='1'><monitor path='$RUN/vireo-dead.monitor'/><domain|; s|<name>$keep|<name>vireo-dead|; s|</domain>|</domain></domstatus>|; /<uuid>/d" \
    "$GUEST_WORK/keep.xml" >"$RUN/vireo-dead.xml"
: >"$RUN/vireo-dead.pid"
# the QEMU of a start that never wrote its status file
qemu-system-x86_64 -S -display none -nodefaults -machine none -name guest=vireo-stray \
    -pidfile "$RUN/vireo-stray.pid" \
    -chardev "socket,id=charmonitor,path=$RUN/vireo-stray.monitor,server=on,wait=off" \
    -mon chardev=charmonitor,mode=control </dev/null >/dev/null 2>&1 &
stray=$!
check "a QEMU from an unfinished start runs ($stray)" wait_for 10 test -S "$RUN/vireo-stray.monitor"
: >"$RUN/vireo-orphan.pid"
# pools and secrets: temporaries of cut writes, the value file an undefine
# cut between its two removals left, the run file of an active pool
# whose folder went away with the daemon
SDIR=$DAEMON_ROOT/etc/libvirt/storage
SECDIR=$DAEMON_ROOT/etc/libvirt/secrets
SRUN=$DAEMON_ROOT/run/libvirt/storage
mkdir -p "$SDIR/autostart" "$SECDIR" "$SRUN"
planted=("$SDIR/vireo-half.xml.new-c3D4e5" "$SDIR/autostart/vireo-half.xml.new-d4E5f6"
         "$SECDIR/7b0c8f2e-5c1d-4a3e-9f10-c0ffee000002.xml.new-e5F6g7" "$SRUN/vireo-gone.xml.new-f6G7h8")
for f in "${planted[@]}"; do echo '<pool type="dir"><name>half' >"$f"; done
orphan=$SECDIR/7b0c8f2e-5c1d-4a3e-9f10-c0ffee000003.bin
echo 'a value whose definition is gone' >"$orphan"
printf "<pool type='dir'><name>vireo-gone</name><target><path>%s</path></target></pool>" \
    "$GUEST_WORK/pools/vireo-gone" >"$SRUN/vireo-gone.xml"

qemu_daemon_restart_same_root
# the socket exists before the drivers are loaded: wait for an answer
check "it answers a call" vsh_q list --all
log_has() { grep -qF "$1" "$DAEMON_LOG"; }
for f in "$QDIR/vireo-half.xml.new-a1B2c3" "$QDIR/autostart/$keep.xml.new-Zz9Yy8" \
    "$RUN/vireo-x.xml.new-000aaa"; do
    check "$(basename "$f"), a temporary of an interrupted write, is removed" \
        eval "[ ! -e '$f' ] && [ ! -L '$f' ]"
    check "... and reported in the log" log_has "removed '$f', left by an interrupted write"
done
check "the unreadable definition is skipped and reported" log_has "skipping config '$QDIR/vireo-torn.xml'"
check_eq "the good definition is kept, byte for byte" "" "$(cmp "$GUEST_WORK/keep.xml" "$QDIR/$keep.xml" 2>&1)"
check_eq "$keep is listed" "$keep" "$(vsh list --all --name 2>&1 | grep -x "$keep")"
check "the dead QEMU's status file is removed" eval "[ ! -e '$RUN/vireo-dead.xml' ]"
check "the QEMU of the unfinished start is killed" wait_for 10 pid_gone "$stray"
{ wait "$stray"; } 2>/dev/null
check "... and reported in the log" log_has "killed QEMU pid $stray"
left=$(ls "$RUN")
check_eq "the run folder is empty: no stray pid file or socket" "" "$left"
for f in "${planted[@]}"; do
    check "$(basename "$f"), a temporary of a cut pool or secret write, is removed" \
        eval "[ ! -e '$f' ]"
    check "... and reported in the log" log_has "removed '$f', left by an interrupted write"
done
check "the value file of an undefined secret is removed" eval "[ ! -e '$orphan' ]"
check "... and reported in the log" log_has "removing '$orphan': its secret is no longer defined"
check "the pool whose folder went away is not listed" \
    eval "! vsh pool-info vireo-gone >/dev/null 2>&1"
check "... and its run file is removed" eval "[ ! -e '$SRUN/vireo-gone.xml' ]"
rm -f "$QDIR/vireo-torn.xml"
vsh_q undefine $keep

# ---- 3. the kill loop ----

template=$GUEST_WORK/crash-template.xml
sed -e "s|@KERNEL@|$GUEST_DIR/vmlinuz|" -e "s|@INITRD@|$GUEST_DIR/initramfs.cpio.gz|" \
    -e "s|@SERIAL_LOG@|$GUEST_WORK/@NAME@.serial.log|" "$GUEST_TEMPLATE" >"$template"
note "killing vireod $kills times (CRASH_KILLS, or --long for 200)"
/usr/bin/python3 "$VIREO_TOP/tests/crash/crash.py" --vireod "$VIREOD" --root "$DAEMON_ROOT" \
    --pidfile "$DAEMON_PIDFILE" --log "$DAEMON_LOG" --uri "$QEMU_URI" --pid "$DAEMON_PID" \
    --guest-xml "$template" --work "$GUEST_WORK" --kills "$kills" --pools "$GUEST_WORK/pools" \
    ${CRASH_SEED:+--seed $CRASH_SEED}
rc=$?
[ -s "$GUEST_WORK/daemon.pid" ] && DAEMON_PID=$(cat "$GUEST_WORK/daemon.pid")
[ $rc -eq 0 ] || daemon_show_log
done_testing
