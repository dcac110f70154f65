#!/bin/bash
# test-acl.sh: the access rules file (README "Access control") and the
# audit log.  vireod runs with access_drivers = [ "rules" ]; Debian's
# virsh runs as other users of this machine (setpriv: no account is
# made), and each refusal and each change must be in the audit log with
# who, what, on which object, and the result:
#   - a user without a rule cannot start a domain (ACCESS_DENIED)
#   - a rule for domain.start on web* starts web1 but not db1
#   - a group rule (the caller's group) works
#   - lists show only what the caller may see (a deny of domain.getattr)
#   - events reach only clients that may see the object (domain.getattr)
#   - a pool's volume count agrees with its filtered list
#   - a change of the persistent definition needs domain.save, also with
#     VIR_DOMAIN_AFFECT_CURRENT (flags 0) on a shut off domain
#   - a read-only client's define is refused and audited
#   - a bad rules file stops vireod at start naming the file and line
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-daemon.sh"

if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "access rules" "vireod's own feature (libvirtd uses polkit)"
    exit 0
fi
if ! command -v virsh >/dev/null || ! command -v setpriv >/dev/null; then
    skip "access rules" "virsh or setpriv is not installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    skip "access rules" "running virsh as other users needs root"
    exit 0
fi
trap 'daemon_cleanup; [ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
tmp=$(mktemp -d)
chmod 755 "$tmp"
# the callers, existing accounts of every Debian system: daemon has a
# user rule, games comes in with its primary group staff (a group rule),
# bin may not see db*, sys has no rule at all
cat >"$tmp/rules.conf" <<'EOF'
# test rules
allow user:root *
allow user:daemon domain.start name=web*
allow group:staff domain.*
deny  user:bin domain.getattr,domain.read name=db*
deny  user:bin network.getattr name=default
deny  user:bin storage_vol.getattr name=p1/db*
allow user:lp domain.write name=web*
EOF
require_daemon 'unix_sock_rw_perms = "0777"' 'access_drivers = [ "rules" ]' \
    "access_rules_file = \"$tmp/rules.conf\""
audit=$DAEMON_ROOT/var/log/libvirt/vireod-audit.log
# let the other users reach the sockets under the private root
chmod o+x "$DAEMON_ROOT"
d=$DAEMON_SOCKDIR
while [ "$d" != "$DAEMON_ROOT" ]; do chmod o+x "$d"; d=$(dirname "$d"); done

# as USER[:GROUP] ARGS...: virsh as that user; out, err, rc
as() {
    local who=$1 user group; shift
    user=${who%%:*}
    group=${who#*:}
    [ "$group" == "$who" ] && group=$(id -gn "$user")
    mkdir -p "$tmp/home-$user"
    chmod 777 "$tmp/home-$user"
    out=$(HOME=$tmp/home-$user XDG_CONFIG_HOME=$tmp/home-$user XDG_CACHE_HOME=$tmp/home-$user \
          timeout 30 setpriv --reuid="$user" --regid="$group" --clear-groups \
          virsh -c "${URI:-$DAEMON_URI}" "$@" 2>"$tmp/err"); rc=$?
    err=$(cat "$tmp/err")
}

domain_xml() {  # name
    printf "<domain type='test'><name>%s</name><memory unit='MiB'>64</memory>" "$1"
    printf "<os><type arch='x86_64'>hvm</type></os></domain>\n"
}
for n in web1 db1 web2; do domain_xml $n >"$tmp/$n.xml"; done
as root define "$tmp/web1.xml"
as root define "$tmp/db1.xml"
check "root (allow user:root *) defines web1 and db1" [ "$rc" -eq 0 ]

# no rule: refused with libvirt's ACCESS_DENIED wording, audited
as sys start web1
check_eq "a user without a rule cannot start web1" \
    "error: Failed to start domain 'web1'
error: access denied: 'sys' does not have permission 'domain.start' on domain 'web1'" "$err"
check "web1 was not started" bash -c "virsh -c '$DAEMON_URI' domstate web1 | grep -qx 'shut off'"
check "the refusal is audited: who, API, object, code 88" \
    grep -q "who=\"uid 3 (sys) gid 3 (sys) pid [0-9]*\" api=virDomainCreate[A-Za-z]* object=domain:web1 uuid=[-0-9a-f]* result=error code=88 message=\"access denied: 'sys'" "$audit"
# reading stays allowed without a rule
as sys dominfo web1
check "a user without a rule still reads (dominfo)" [ "$rc" -eq 0 ]

# a user rule on a name pattern
as daemon start web1
check "daemon (domain.start name=web*) starts web1" [ "$rc" -eq 0 ]
check "its start is audited as ok" \
    grep -q "who=\"uid 1 (daemon) gid 1 (daemon) pid [0-9]*\" api=virDomainCreate[A-Za-z]* object=domain:web1 uuid=[-0-9a-f]* result=ok" "$audit"
as daemon start db1
check "daemon cannot start db1 (not web*)" \
    grep -q "access denied: 'daemon' does not have permission 'domain.start' on domain 'db1'" <<<"$err"
as daemon destroy web1
check "daemon cannot stop web1 (no domain.stop rule)" \
    grep -q "does not have permission 'domain.stop' on domain 'web1'" <<<"$err"

# a group rule: games with primary group staff
as games:staff destroy web1
check "a member of staff (allow group:staff domain.*) stops web1" [ "$rc" -eq 0 ]
as games define "$tmp/web2.xml"
check "games in its own group cannot define" grep -q "access denied: 'games' does not have permission 'domain.write' on domain 'web2'" <<<"$err"
check "that define is audited with the object named by the XML" \
    grep -q "api=virDomainDefineXML[A-Za-z]* object=domain:web2 result=error code=88" "$audit"

# lists show only what the caller may see
as bin list --all --name
check_eq "bin's list leaves out db1 (deny domain.getattr name=db*)" "test web1" "$(echo $out | tr ' ' '\n' | sort | xargs)"
as sys list --all --name
check_eq "sys sees every domain" "db1 test web1" "$(echo $out | tr ' ' '\n' | sort | xargs)"
as bin dominfo db1
check "bin cannot even look db1 up (virsh: failed to get domain)" grep -q "failed to get domain 'db1'" <<<"$err"
check "that lookup refusal is audited" \
    grep -q "who=\"uid 2 (bin) .*api=virDomainLookupByName object=domain:db1 result=error code=88 message=\"access denied: 'bin' does not have permission 'domain.getattr' on domain 'db1'" "$audit"

# networks: vireod's own network driver (qemu:///system on this root)
URI="qemu+unix:///system?socket=$DAEMON_SOCK" as sys net-list --all --name
check_eq "sys sees the default network" "default" "$(echo $out)"
URI="qemu+unix:///system?socket=$DAEMON_SOCK" as bin net-list --all --name
check_eq "bin's network list leaves out default (deny network.getattr)" "0:" "$rc:$(echo $out)"
as bin domstats --raw
check "bin's domain statistics leave out db1 (domain.read)" \
    bash -c "grep -q \"Domain: 'web1'\" <<<\"\$1\" && ! grep -q \"Domain: 'db1'\" <<<\"\$1\"" _ "$out"

# events: each is checked at delivery against the client's rules, so bin
# hears of web1 but never of db1 (deny domain.getattr name=db*)
events_of() {  # USER FILE: virsh event --all as USER in the background
    mkdir -p "$tmp/home-$1"
    chmod 777 "$tmp/home-$1"
    HOME=$tmp/home-$1 XDG_CONFIG_HOME=$tmp/home-$1 XDG_CACHE_HOME=$tmp/home-$1 \
        timeout 30 setpriv --reuid="$1" --regid="$(id -gn "$1")" --clear-groups \
        virsh -c "$DAEMON_URI" event --all --loop >"$2" 2>&1 &
}
events_of sys "$tmp/ev-sys"; pid_sys=$!
events_of bin "$tmp/ev-bin"; pid_bin=$!
# both are listening once a start of web1 reaches both
for _ in $(seq 50); do
    as root start web1; as root destroy web1
    grep -q "'web1': Started" "$tmp/ev-sys" && grep -q "'web1': Started" "$tmp/ev-bin" && break
    sleep 0.2
done
as root start db1; as root destroy db1; as root start web1
# one connection's events arrive in order: bin's next web1 event comes after db1's
seen=$(grep -c "'web1': Started" "$tmp/ev-bin")
for _ in $(seq 50); do
    [ "$(grep -c "'web1': Started" "$tmp/ev-bin")" -gt "$seen" ] && grep -q "'db1': Stopped" "$tmp/ev-sys" && break
    sleep 0.2
done
as root destroy web1
kill "$pid_sys" "$pid_bin" 2>/dev/null; wait "$pid_sys" "$pid_bin" 2>/dev/null
check "sys hears db1's events" grep -q "event 'lifecycle' for domain 'db1': Started" "$tmp/ev-sys"
check "bin hears web1's events" grep -q "event 'lifecycle' for domain 'web1': Started" "$tmp/ev-bin"
check "bin never hears of db1 (deny domain.getattr name=db*)" bash -c "! grep -q db1 '$tmp/ev-bin'"

# a pool's volume count agrees with its filtered list
QURI="qemu+unix:///system?socket=$DAEMON_SOCK"
mkdir -p "$tmp/p1"
URI=$QURI as root pool-create-as p1 dir --target "$tmp/p1"
URI=$QURI as root vol-create-as p1 web-a 1M
URI=$QURI as root vol-create-as p1 db-a 1M
check "root makes pool p1 with volumes web-a and db-a" [ "$rc" -eq 0 ]
URI=$QURI as bin vol-list p1
check_eq "bin's volume list leaves out db-a (deny storage_vol.getattr)" "0:web-a" \
    "$rc:$(awk 'NR > 2 && NF { print $1 }' <<<"$out" | xargs)"
count_of() {  # USER: numOfVolumes of p1 as USER (python3-libvirt)
    HOME=$tmp/home-$1 timeout 30 setpriv --reuid="$1" --regid="$(id -gn "$1")" --clear-groups \
        /usr/bin/python3 -c 'import libvirt, sys
print(libvirt.open(sys.argv[1]).storagePoolLookupByName("p1").numOfVolumes())' "$QURI" 2>&1
}
check_eq "bin's volume count is 1, as its list" "1" "$(count_of bin)"
check_eq "sys's volume count is 2" "2" "$(count_of sys)"
URI=$QURI as root pool-destroy p1

# domain.save:!CONFIG|LIVE and domain.save:CONFIG (libvirt's @acl of
# SET_MEMORY_FLAGS): lp has domain.write on web* but no domain.save
setmem_as() {  # USER FLAGS: setMemoryFlags(web1, 48 MiB, FLAGS) as USER; prints the error
    HOME=$tmp/home-$1 timeout 30 setpriv --reuid="$1" --regid="$(id -gn "$1")" --clear-groups \
        /usr/bin/python3 -c 'import libvirt, sys
libvirt.registerErrorHandler(lambda *a: None, None)
try:
    libvirt.open(sys.argv[1]).lookupByName("web1").setMemoryFlags(49152, int(sys.argv[2]))
    print("ok")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_message())' "$DAEMON_URI" "$2" 2>&1
}
check_eq "lp cannot change web1's definition with AFFECT_CURRENT (flags 0)" \
    "88 access denied: 'lp' does not have permission 'domain.save' on domain 'web1'" "$(setmem_as lp 0)"
check_eq "nor with AFFECT_CONFIG" \
    "88 access denied: 'lp' does not have permission 'domain.save' on domain 'web1'" "$(setmem_as lp 2)"
# (the test driver has no live memory change: past the rules it says so)
as root start web1
out=$(setmem_as lp 1)
check "lp's live change (AFFECT_LIVE: domain.write only) passes the rules: $out" \
    bash -c '[ "$1" == ok ] || [[ "$1" == "3 "* ]]' _ "$out"
as root destroy web1

# the read-only socket refuses define, and the refusal is audited
out=$(timeout 30 virsh -c "$DAEMON_URI_RO" define "$tmp/web2.xml" 2>&1)
check "a read-only client's define is refused" grep -q "read only access" <<<"$out"
check "the read-only refusal is audited" \
    grep -q "api=virDomainDefineXML[A-Za-z]* result=error code=29 message=\"operation forbidden: read only access" "$audit"
check_eq "the audit log is private (0600)" "600" "$(stat -c %a "$audit")"
check "successes are audited too (root's define)" \
    grep -q "who=\"uid 0 (root) .*api=virDomainDefineXML[A-Za-z]* object=domain:db1 .*result=ok" "$audit"
if ! daemon_stop; then fail "clean stop: $DAEMON_STOP_WHY"; fi

# a bad rules file stops vireod at start, naming the line
printf 'allow user:a domain.start\nallow user:b domain.nosuch,frob\n' >"$tmp/bad.conf"
mkdir -p "$tmp/badroot"
printf 'access_drivers = [ "rules" ]\naccess_rules_file = "%s"\n' "$tmp/bad.conf" >"$tmp/bad-vireod.conf"
out=$(timeout 20 "$VIREOD" --root "$tmp/badroot" -f "$tmp/bad-vireod.conf" 2>&1); rc=$?
check "vireod refuses to start with a bad rules file" [ "$rc" -ne 0 ]
check "the error names the file and line" grep -q "$tmp/bad.conf:2: bad permission 'frob'" <<<"$out"
done_testing
