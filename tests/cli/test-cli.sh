#!/bin/bash
# test-cli.sh: vireo's own behaviour: exit codes, error format, --json,
# the shell (stdin and a pty, with history), --help for every command,
# connection URIs from -c and the environment, and the event command.
. "$(dirname "$0")/../lib.sh"

PY=/usr/bin/python3
if [ ! -x "$VIREO" ]; then
    fail "vireo is built at $VIREO"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset VIREO_DEFAULT_URI LIBVIRT_DEFAULT_URI
export XDG_CACHE_HOME=$tmp/cache
V() { "$VIREO" -c test:///default "$@"; }

# --- exit codes and error format ----------------------------------------
V uri >/dev/null 2>&1; check_eq "success exits 0" 0 $?
V 'dominfo nope' >/dev/null 2>"$tmp/err"; check_eq "failure exits 1" 1 $?
check_eq "lookup error names the domain, like virsh" "error: failed to get domain 'nope'" \
    "$(head -1 "$tmp/err")"
check "second line gives the library's reason" grep -q "^error: .*'nope'" <(tail -n +2 "$tmp/err")
V frob >/dev/null 2>"$tmp/err"; check_eq "unknown command exits 1" 1 $?
check_eq "unknown command message" "error: unknown command: 'frob'" "$(cat "$tmp/err")"
out=$(V 'start test; uri' 2>/dev/null); check_eq "a failing command does not stop the next" \
    "test:///default" "$(printf '%s\n' "$out" | grep -v '^$')"
"$VIREO" -c frob:///x uri >/dev/null 2>"$tmp/err"; check_eq "unknown URI scheme exits 1" 1 $?
check_eq "unknown URI scheme message" "error: failed to connect to the hypervisor" \
    "$(head -1 "$tmp/err")"
"$VIREO" -r -c test:///default 'destroy test' >/dev/null 2>&1
check_eq "-r refuses changes" 1 $?
check_eq "-v prints the library version" "0.1.0" "$("$VIREO" -v)"
"$VIREO" --frob >/dev/null 2>&1; check_eq "unknown global option exits 1" 1 $?
check "-h prints usage" bash -c "'$VIREO' -h | grep -q 'vireo \[options\]'"
check_eq "-q drops headers and messages" " 1   test   running" "$(V -q 'list' 2>&1)"
check_eq "-q with -c after it" "test:///default" "$("$VIREO" -q -c test:///default uri)"

check_eq "several words form one command" "$(V 'list --all')" "$("$VIREO" -c test:///default list --all)"
check_eq "--connect=URI and argv words with --domain" "$(V 'domstate --reason test')" \
    "$("$VIREO" --connect=test:///default domstate --reason --domain test)"

# --- --json ------------------------------------------------------------------
json_field() {  # json_field 'python expression on d' <json
    "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
if [ -x "$PY" ]; then
    out=$(V 'list --all --json')
    check "list --json parses" "$PY" -c 'import json,sys; json.load(sys.stdin)' <<<"$out"
    check_eq "list --json fields" "1 test running 1 True False" \
        "$(json_field '" ".join(str(x) for x in [d["domains"][0][k] for k in ("id","name","state","state_code","persistent","autostart")])' <<<"$out")"
    out=$(V 'dominfo test --json')
    check_eq "dominfo --json fields" "test 6695eb01-f6a4-8304-79aa-97f2502e193f running 2" \
        "$(json_field '" ".join(str(d[k]) for k in ("name","uuid","state","vcpus"))' <<<"$out")"
    check_eq "dominfo --json memory" "8388608 2097152" \
        "$(json_field '"%d %d" % (d["max_memory_kib"], d["memory_kib"])' <<<"$out")"
    out=$(V 'domstate test --json')
    check_eq "domstate --json" "running 1" "$(json_field '"%s %d" % (d["state"], d["state_code"])' <<<"$out")"
    out=$(V 'nodeinfo --json')
    check_eq "nodeinfo --json" "16 1400 3145728" \
        "$(json_field '"%d %d %d" % (d["cpus"], d["mhz"], d["memory_kib"])' <<<"$out")"
    out=$(V 'version --json')
    check_eq "version --json" "TEST 0.1.0" \
        "$(json_field '"%s %s" % (d["hypervisor_type"], d["library"])' <<<"$out")"
    h=$(V 'hostname --json' | json_field 'd["hostname"]')
    check "hostname --json" test -n "$h"
    check_eq "uri --json" "test:///default" "$(V 'uri --json' | json_field 'd["uri"]')"
    check_eq "domid --json of an inactive domain is null" "None" \
        "$(V 'destroy test; domid test --json' | sed '/^Domain/d' | json_field 'd["id"]')"
    check_eq "domuuid --json" "6695eb01-f6a4-8304-79aa-97f2502e193f" \
        "$(V 'domuuid test --json' | json_field 'd["uuid"]')"
    check_eq "domname --json" "test" "$(V 'domname 1 --json' | json_field 'd["name"]')"
else
    skip "--json checks" "$PY is missing"
fi

# --- bad input changes nothing -------------------------------------------
# (virsh accepts unknown elements without --validate and drops them;
# vireo refuses them, naming the element and its line)
cat >"$tmp/unk.xml" <<'EOF'
<domain type='test'>
  <name>u1</name>
  <memory>1024</memory>
  <os><type>hvm</type></os>
  <frobnicate/>
</domain>
EOF
out=$(V "define $tmp/unk.xml; list --all --name" 2>"$tmp/err"); rc=$?
check "unknown element refused, naming it and its line" grep -q "frobnicate.*line 5" "$tmp/err"
check_eq "unknown element: nothing defined" "test" "$(printf '%s\n' "$out" | grep -v '^$')"
printf '<domain type="test"><name>bad' >"$tmp/bad.xml"
V "define $tmp/bad.xml" >/dev/null 2>&1; check_eq "malformed XML exits 1" 1 $?
sed 's/u1/test/' "$tmp/unk.xml" | sed '/frobnicate/d' >"$tmp/dup.xml"
V "define $tmp/dup.xml" >/dev/null 2>"$tmp/err"; check_eq "duplicate name exits 1" 1 $?
check "duplicate name: the message names the domain" grep -q "'test'" "$tmp/err"

# --- the shell reading stdin ---------------------------------------------------
out=$(printf 'uri\nlist --name\n\nhostname\n' | V 2>&1); rc=$?
check_eq "shell from stdin runs each line" "test:///default|test" \
    "$(printf '%s\n' "$out" | grep -v '^$' | head -2 | paste -sd'|')"
check_eq "shell from stdin exits 0" 0 $rc
printf 'uri\nstart test\n' | V >/dev/null 2>&1
check_eq "shell from stdin: status of the last command" 1 $?
out=$(printf 'uri\nquit\nhostname\n' | V 2>&1)
check_eq "quit ends the shell" "test:///default" "$(printf '%s\n' "$out" | grep -v '^$')"
out=$(printf 'define %s\nlist --all --name\n' "$tmp/none.xml" | V 2>&1)
check "shell keeps state between lines" grep -q "Failed to open file" <<<"$out"

# --- help -------------------------------------------------------------------------
cmds="list dominfo domstate dumpxml define undefine create start shutdown reboot destroy
suspend resume autostart domid domname domuuid nodeinfo capabilities version hostname uri
event connect help quit exit"
for c in $cmds; do
    a=$(V "$c --help" 2>&1); rc1=$?
    b=$(V "help $c" 2>&1)
    if [ $rc1 -eq 0 ] && [ "$a" == "$b" ] && grep -q "^  NAME" <<<"$a" &&
        grep -q "^    $c - " <<<"$a" && grep -q "^  SYNOPSIS" <<<"$a"; then
        ok "$c --help"
    else
        fail "$c --help"; note "$a"
    fi
done
check "help lists commands" bash -c "'$VIREO' -c test:///default help | grep -q '^    dominfo  '"
V 'help nope' >/dev/null 2>&1; check_eq "help of an unknown command exits 1" 1 $?
check "dominfo --help documents the JSON fields" bash -c \
    "'$VIREO' -c test:///default 'dominfo --help' | grep -q max_memory_kib"

# --- URIs from the environment -------------------------------------------------
cat >"$tmp/node.xml" <<'EOF'
<node>
  <domain type='test'>
    <name>nodedom</name>
    <uuid>22222222-2222-3333-4444-555555555555</uuid>
    <memory>65536</memory>
    <os><type>hvm</type></os>
  </domain>
</node>
EOF
node_uri=test://$tmp/node.xml
check_eq "-c test:///PATH.xml" "nodedom" "$("$VIREO" -c "$node_uri" 'list --all --name' | grep -v '^$')"
check_eq "VIREO_DEFAULT_URI honoured" "$node_uri" \
    "$(VIREO_DEFAULT_URI=$node_uri "$VIREO" uri | grep -v '^$')"
check_eq "LIBVIRT_DEFAULT_URI honoured" "$node_uri" \
    "$(LIBVIRT_DEFAULT_URI=$node_uri "$VIREO" uri | grep -v '^$')"
check_eq "VIREO_DEFAULT_URI wins over LIBVIRT_DEFAULT_URI" "$node_uri" \
    "$(VIREO_DEFAULT_URI=$node_uri LIBVIRT_DEFAULT_URI=test:///default "$VIREO" uri | grep -v '^$')"
check_eq "-c wins over the environment" "test:///default" \
    "$(VIREO_DEFAULT_URI=$node_uri "$VIREO" -c test:///default uri | grep -v '^$')"
check_eq "connect inside a session" "$node_uri" \
    "$(V "connect $node_uri; uri" | grep -v '^$')"

# --- events ------------------------------------------------------------------------
# The test driver's state lives in one process and the event command
# blocks, so no other command can act while it waits: here we check the
# command's behaviour with no events (virsh's output, and virsh's exit
# status 1 when none arrived); delivery and the callback data are covered
# by the library's API tests, and the text of each event by the unit of
# this command that formats it.
out=$("$VIREO" -c "$node_uri" 'event --all --loop --timeout 1' 2>&1); rc=$?
check_eq "event --all --loop --timeout 1 with no events" \
    "event loop timed out|events received: 0" "$(printf '%s\n' "$out" | grep -v '^$' | paste -sd'|')"
check_eq "event with no events exits 1, like virsh" 1 $rc
check_eq "event --list" "lifecycle|reboot|device-removed" "$(V 'event --list' | grep -v '^$' | paste -sd'|')"
out=$("$VIREO" -c "$node_uri" 'event --domain nodedom --event reboot --timeout 1 --timestamp' 2>&1)
check "event --domain --event --timestamp accepted" grep -q "events received: 0" <<<"$out"

# --- the interactive shell through a pty, saving history --------------------------
if [ -x "$PY" ]; then
    rm -rf "$XDG_CACHE_HOME"
    "$PY" - "$VIREO" >"$tmp/pty.out" 2>&1 <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "-c", "test:///default"])
buf = b""
def until(pat, limit=10):
    global buf
    end = time.time() + limit
    while pat not in buf:
        if time.time() > end:
            sys.exit("timed out waiting for %r; got %r" % (pat, buf))
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
until(b"vireo # ")
os.write(fd, b"uri\n")
until(b"test:///default")
os.write(fd, b"domstate test --reason\n")
until(b"running (")
os.write(fd, b"quit\n")
_, status = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(status))
print(buf.decode(errors="replace"))
EOF
    check "pty shell: prompt, commands, quit" grep -q "^exit 0" "$tmp/pty.out"
    check "pty shell: welcome banner" grep -q "Welcome to vireo" "$tmp/pty.out"
    hist=$XDG_CACHE_HOME/vireo/history
    check "pty shell saved history in \$XDG_CACHE_HOME/vireo/history" test -f "$hist"
    check "history holds the commands" grep -q "^domstate test --reason" "$hist"
else
    skip "pty shell" "$PY is missing"
fi

done_testing
