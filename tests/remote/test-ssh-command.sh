#!/bin/bash
# test-ssh-command.sh: vireo's client runs ssh exactly as Debian's virsh
# (libvirt 9.0) does for the same qemu+ssh:// URI: the same arguments
# (user, port, keyfile=, no_tty=, no_verify=) and the same remote
# "sh -c" command (proxy= auto/netcat/native, netcat=, socket=, -r,
# shell quoting of odd paths).  A stand-in `ssh` first in PATH records
# its arguments and fails as a refused login does; both clients must
# then fail, vireo with what ssh said on stderr, and leave no child.
. "$(dirname "$0")/../lib.sh"

VIREO=$VIREO_BUILD/src/cli/vireo
command -v virsh >/dev/null || { skip "ssh command lines" "virsh is not installed"; exit 0; }
T=$(mktemp -d /tmp/vireo-ssh-cmd-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

# virsh passes ssh only a few environment variables (PATH, HOME ...):
# each client gets its own stand-in, with its log's path written in
for who in virsh vireo; do
    mkdir -p "$T/$who"
    cat >"$T/$who/ssh" <<EOF
#!/bin/sh
for a in "\$@"; do printf '[%s]\n' "\$a"; done >>"$T/$who.log"
echo ---- >>"$T/$who.log"
echo "stand-in ssh: Permission denied (publickey)." >&2
exit 255
EOF
    chmod +x "$T/$who/ssh"
done

uris=(
    'qemu+ssh://root@host:2222/system'
    'qemu+ssh://host/system?keyfile=/k&no_verify=1&no_tty=1'
    'qemu+ssh://host/system?socket=/x/sock&proxy=netcat&netcat=/opt/vireo-ssh-helper'
    'qemu+ssh://host/system?socket=/x/s'
    'qemu+ssh://host/system?socket=/x/s&proxy=auto'
    'qemu+ssh://host/system?proxy=native'
    'qemu+ssh://host/system?proxy=netcat'
    'qemu+ssh://host/session'
    'test+ssh://user@host/default'
    'qemu+ssh://host/system?keyfile=/k&foo=b%20r'
    "qemu+ssh://host/system?netcat=/a%20b'c"
    'qemu+ssh://host/system?name=test:///default'
)
for u in "${uris[@]}"; do
    for ro in "" -r; do
        PATH=$T/virsh:$PATH timeout 20 virsh $ro -c "$u" list >/dev/null 2>&1
        PATH=$T/vireo:$PATH timeout 20 "$VIREO" $ro -c "$u" list >/dev/null 2>"$T/err"; rc=$?
        [ "$rc" -ne 0 ] && grep -q "stand-in ssh: Permission denied" "$T/err" ||
            { fail "vireo $ro -c '$u': fails with ssh's words (status $rc)"; note "$(cat "$T/err")"; }
    done
done
n=$(grep -c '^----$' "$T/virsh.log" 2>/dev/null)
check_eq "virsh ran ssh once per URI" $((${#uris[@]} * 2)) "$n"
if diff "$T/virsh.log" "$T/vireo.log" >"$T/diff"; then
    ok "vireo runs ssh with virsh's arguments and remote command for ${#uris[@]} URIs, rw and -r"
else
    fail "vireo runs ssh with virsh's arguments and remote command"; note "$(cat "$T/diff")"
fi
check "vireo reported ssh's stderr in every refused connection" [ "$_failures" -eq 0 ]

# a proxy name libvirt does not know, and netcat= with native
out=$("$VIREO" -c 'qemu+ssh://host/system?proxy=carrier' list 2>&1)
check "proxy=carrier is refused naming it" grep -q "proxy type 'carrier'" <<<"$out"
out=$("$VIREO" -c 'qemu+ssh://host/system?proxy=native&netcat=/x' list 2>&1)
check "netcat= with proxy=native is refused" grep -q "netcat path not valid with native proxy mode" <<<"$out"

done_testing
