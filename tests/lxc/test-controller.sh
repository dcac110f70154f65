#!/bin/bash
# test-controller.sh: vireo-lxc-controller run directly, the way vireod
# runs it (src/drivers/lxc/lxc_monitor.h), on a busybox root in a network
# namespace of the test's own: the handshake line, the monitor's hello
# and exit lines, the console socket both ways, a veth moved in under its
# guest name and up, a tmpfs, SIGTERM to the controller, and bad inputs
# (a missing root folder, an idmap the kernel refuses) refused on the
# handshake with nothing left.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/network/lib-network.sh"

CTL=$VIREO_BUILD/src/drivers/lxc/vireo-lxc-controller
CLIENT=$VIREO_TOP/tests/lxc/sock_client.py
if [ "$(id -u)" != 0 ]; then
    skip "lxc controller" "needs root"
    exit 0
fi

tmp=$(mktemp -d /tmp/vireo-ctl-XXXXXX)
chmod 755 "$tmp"
run=$tmp/run
mkdir "$run"
ctl_pid="" launcher="" clients=""
cleanup() {
    local p
    # the controller first: SIGTERM ends its container too
    [ -n "$ctl_pid" ] && kill -TERM "$ctl_pid" 2>/dev/null && sleep 0.3
    for p in $ctl_pid $launcher $clients; do kill -KILL "$p" 2>/dev/null; done
    netns_cleanup
    rm -rf "$tmp"
}
trap cleanup EXIT

rc=0
"$VIREO_TOP/tests/lxc/build-root.sh" "$tmp/root" || rc=$?
if [ "$rc" = 2 ]; then
    skip "lxc controller" "busybox-static cannot be had"
    exit 0
elif [ "$rc" != 0 ]; then
    fail "build-root.sh builds a root folder"
    exit 1
fi
netns_setup
# the test's network namespace alone: mounts stay the host's, so a mount
# the controller leaked would be counted below
in_net() { nsenter --net="/run/netns/$NETNS" "$@"; }
# run CMD in container PID's namespaces and root
in_ct() { local pid=$1; shift; nsenter -t "$pid" -m -u -i -n -p -r -w "$@"; }
mounts() { grep -c "$tmp" /proc/self/mountinfo; }

# ct_xml NAME ROOT [IDMAP]: a container's live XML; prints its path
ct_xml() {
    local f=$tmp/$1.xml
    cat >"$f" <<EOF
<domain type='lxc' id='1'>
  <name>$1</name>
  <memory unit='KiB'>65536</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  ${3:-}
  <devices>
    <filesystem type='mount'><source dir='$2'/><target dir='/'/></filesystem>
    <filesystem type='ram'><source usage='1024' units='KiB'/><target dir='/ram'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>
EOF
    echo "$f"
}

# start_ctl NAME XML ARGS...: the controller in its own session in the
# network namespace; HS its handshake line, ctl_pid its pid (from
# NAME.pid, as vireod learns it: setsid may fork), launcher the setsid
# that waits for it
start_ctl() {
    local name=$1 xml=$2 hs
    shift 2
    mkfifo "$tmp/hs.$name"
    exec {hs}<>"$tmp/hs.$name"
    in_net setsid -w "$CTL" --name "$name" --xml "$xml" --state-dir "$run" "$@" --handshake 3 \
        3>"$tmp/hs.$name" {hs}<&- </dev/null >>"$tmp/$name.log" 2>&1 &
    launcher=$!
    HS=""
    read -r -t 10 HS <&"$hs"
    exec {hs}<&-
    ctl_pid=$(cat "$run/$name.pid" 2>/dev/null)
}

# wait_ctl: the controller's exit status in CTL_RC (it must end within 10 s)
wait_ctl() {
    local i
    for i in $(seq 200); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.05; done
    wait "$launcher"
    CTL_RC=$?
    ctl_pid="" launcher=""
}

before=$(mounts)

# ---- a container with a veth, a tmpfs, the console and the monitor ----
in_net ip link add vct0 type veth peer name vcp0
xml=$(ct_xml ct1 "$tmp/root")
start_ctl ct1 "$xml" --veth vcp0=eth7
if [[ "$HS" =~ ^ok\ ([0-9]+)\ (/dev/pts/[0-9]+)$ ]]; then
    init=${BASH_REMATCH[1]} pty=${BASH_REMATCH[2]}
    ok "handshake: '$HS'"
else
    fail "handshake: ok INIT_PID PTY_PATH (got '$HS')"
    note "$(cat "$tmp/ct1.log")"
    exit 1
fi
check "handshake: init $init runs" kill -0 "$init"
check "files: NAME.sock, NAME.console, NAME.pid" \
    test -S "$run/ct1.sock" -a -S "$run/ct1.console" -a -f "$run/ct1.pid"
check "files: NAME.pid holds the controller's pid" \
    bash -c "tr '\\0' ' ' </proc/$ctl_pid/cmdline | grep -q 'vireo-lxc-controller --name ct1 '"

timeout 20 /usr/bin/python3 "$CLIENT" "$run/ct1.sock" "$tmp/mon.out" &
clients="$clients $!"
timeout 20 /usr/bin/python3 "$CLIENT" "$run/ct1.console" "$tmp/con.out" "$tmp/con.in" &
clients="$clients $!"
wait_for 5 grep -qs '^hello' "$tmp/mon.out"
check_eq "monitor: hello INIT_PID PTY_PATH" "hello $init $pty" "$(head -n 1 "$tmp/mon.out")"

links=$(in_ct "$init" /bin/ip -o link show eth7 2>&1)
if [[ "$links" =~ [\<,]UP[,\>] ]]; then ok "veth: vcp0 is eth7 inside, up"; else
    fail "veth: vcp0 is eth7 inside, up"; note "$links"; fi
lo=$(in_ct "$init" /bin/ip -o link show lo 2>&1)
if [[ "$lo" =~ [\<,]UP[,\>] ]]; then ok "veth: lo up inside"; else
    fail "veth: lo up inside"; note "$lo"; fi
check "veth: vcp0 gone from the namespace outside" bash -c "! nsenter --net=/run/netns/$NETNS ip link show vcp0 >/dev/null 2>&1"
check "ram: /ram is a 1024 KiB tmpfs inside" \
    grep -qE ' /ram .* tmpfs .*size=1024k' "/proc/$init/mountinfo"

in_ct "$init" /bin/sh -c 'echo probe-out-1 >/dev/console'
check "console: the container's output reaches the client" \
    wait_for 5 grep -q probe-out-1 "$tmp/con.out"
in_ct "$init" /bin/sh -c 'read -r l </dev/console; echo "$l" >/tmp/got' &
reader=$!
echo typed-in-2 >>"$tmp/con.in"
wait_for 5 grep -q typed-in-2 "$tmp/root/tmp/got" 2>/dev/null
check_eq "console: the client's bytes reach the container" "typed-in-2" \
    "$(cat "$tmp/root/tmp/got" 2>/dev/null)"
kill "$reader" 2>/dev/null
wait "$reader" 2>/dev/null

kill -TERM "$init"
check "monitor: exit STATUS when init ends" wait_for 10 grep -q '^exit' "$tmp/mon.out"
check_eq "monitor: init's status 0 (it exits 0 on SIGTERM)" "exit 0" "$(sed -n 2p "$tmp/mon.out")"
wait_ctl
check_eq "controller: exits 0" 0 "$CTL_RC"
check "console: init's last words reached the client" grep -q "VIREO-CT: stopping" "$tmp/con.out"
check "files: removed" test -z "$(ls -A "$run")"
check "init: gone" bash -c "! kill -0 $init 2>/dev/null"
check_eq "mounts: none left" "$before" "$(mounts)"
check "veth: the pair went with the container" \
    wait_for 5 bash -c "! nsenter --net=/run/netns/$NETNS ip link show vct0 >/dev/null 2>&1"
for p in $clients; do wait "$p" 2>/dev/null; done
clients=""

# ---- SIGTERM to the controller: init killed, exit reported ----
xml=$(ct_xml ct2 "$tmp/root")
start_ctl ct2 "$xml"
init=$(echo "$HS" | awk '$1 == "ok" {print $2}')
if [ -n "$init" ]; then
    : >"$tmp/mon2.out"
    timeout 20 /usr/bin/python3 "$CLIENT" "$run/ct2.sock" "$tmp/mon2.out" &
    clients=$!
    wait_for 5 grep -qs '^hello' "$tmp/mon2.out"
    kill -TERM "$ctl_pid"
    wait_ctl
    check_eq "SIGTERM: controller exits 0" 0 "$CTL_RC"
    check_eq "SIGTERM: monitor reads exit 9 (init killed)" "exit 9" "$(sed -n 2p "$tmp/mon2.out")"
    check "SIGTERM: init gone, files removed" \
        bash -c "! kill -0 $init 2>/dev/null && test -z \"\$(ls -A '$run')\""
    wait "$clients" 2>/dev/null
    clients=""
else
    fail "SIGTERM: the container starts (got '$HS')"
fi

# ---- a controller killed outright takes its container along ----
xml=$(ct_xml ct5 "$tmp/root")
start_ctl ct5 "$xml"
init=$(echo "$HS" | awk '$1 == "ok" {print $2}')
if [ -n "$init" ]; then
    kill -KILL "$ctl_pid"
    wait_ctl
    # dead: gone, or a zombie that whoever adopted it has yet to reap
    check "SIGKILL: init dies with its controller" \
        wait_for 5 bash -c "! kill -0 $init 2>/dev/null || grep -q '^State:.*Z' /proc/$init/status"
    rm -f "$run"/ct5.*
else
    fail "SIGKILL: the container starts (got '$HS')"
fi

# ---- bad inputs: refused on the handshake, nothing left ----
in_net ip link add vct1 type veth peer name vcp1
xml=$(ct_xml ct3 "$tmp/no-such-root")
start_ctl ct3 "$xml" --veth vcp1=eth0
check_eq "missing root: error 19 naming the folder and the kernel's reason" \
    "error 19 missing source information: root folder '$tmp/no-such-root' of container 'ct3': No such file or directory" \
    "$HS"
wait_ctl
check_eq "missing root: controller exits 1" 1 "$CTL_RC"
check "missing root: no file left, veth untouched" \
    bash -c "test -z \"\$(ls -A '$run')\" && nsenter --net=/run/netns/$NETNS ip link show vcp1 >/dev/null"

if [ -e /proc/self/ns/user ]; then
    # valid XML (ids up to 2^32-1), but the kernel keeps 2^32-1 for "no
    # id" and refuses a range that reaches it
    idmap="<idmap><uid start='0' target='4294966296' count='1000'/><gid start='0' target='200000' count='65536'/></idmap>"
    xml=$(ct_xml ct4 "$tmp/root" "$idmap")
    start_ctl ct4 "$xml" --veth vcp1=eth0
    if [[ "$HS" =~ ^error\ 38\ .*uid_map.*ct4.*Invalid\ argument$ ]]; then
        ok "bad idmap: error 38 with the kernel's reason ($HS)"
    else
        fail "bad idmap: error 38 with the kernel's reason (got '$HS')"
    fi
    wait_ctl
    check_eq "bad idmap: controller exits 1" 1 "$CTL_RC"
    check "bad idmap: no file left, veth untouched" \
        bash -c "test -z \"\$(ls -A '$run')\" && nsenter --net=/run/netns/$NETNS ip link show vcp1 >/dev/null"
else
    skip "bad idmap" "no user namespaces in this kernel"
fi
check_eq "mounts: none left after the bad inputs" "$before" "$(mounts)"

done_testing
