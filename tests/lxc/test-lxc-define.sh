#!/bin/bash
# test-lxc-define.sh: container definitions in vireod's LXC driver, with
# Debian's virsh on lxc:///system?socket=... (vireod on a private --root;
# nothing is started, so no root, namespace or cgroup is needed):
# capabilities (valid, exe/lxc), define, list, dumpxml (valid against
# libvirt's domain.rng, with the driver's defaults), redefine, autostart,
# a vireod restart on the same root keeps the definition, undefine; bad
# definitions refused with libvirt's codes, naming the domain, writing
# nothing; vireo's own CLI lists them too.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/daemon/lib-daemon.sh"

SCHEMAS=/usr/share/libvirt/schemas
if [ "$VIREO_TEST_DAEMON" != vireod ]; then
    skip "LXC definitions through $VIREO_TEST_DAEMON" "this test drives vireod's LXC driver only"
    exit 0
fi
if ! command -v virsh >/dev/null || ! command -v xmllint >/dev/null || [ ! -f "$SCHEMAS/domain.rng" ]; then
    skip "LXC definitions with virsh" "virsh, xmllint or libvirt's schemas are not installed"
    exit 0
fi

WORK=$(mktemp -d /tmp/vireo-lxc-define.XXXXXX)
cleanup() { daemon_cleanup; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/root"

require_daemon
URI="lxc:///system?socket=$DAEMON_SOCK"
CONF=$DAEMON_ROOT/etc/libvirt/lxc
vsh() { timeout 30 virsh -q -c "$URI" "$@"; }

# ct_xml NAME UUID MEMORY_KIB [TYPE [OSTYPE [ROOTDIR]]]
ct_xml() {
    local fs=""
    [ "${6-x}" = "" ] || fs="<filesystem type='mount'><source dir='${6:-$WORK/root}'/><target dir='/'/></filesystem>"
    cat >"$WORK/$1.xml" <<X
<domain type='${4:-lxc}'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='KiB'>$3</memory>
  <os><type>${5:-exe}</type></os>
  <devices>
    $fs
    <interface type='bridge'><source bridge='vireobr-none'/></interface>
  </devices>
</domain>
X
    echo "$WORK/$1.xml"
}

# py_define FILE: "CODE DOMAIN MESSAGE" of the refusal (python3-libvirt)
py_define() {
    /usr/bin/python3 - "$URI" "$1" <<'EOF' 2>&1
import libvirt, sys
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
try:
    conn.defineXML(open(sys.argv[2]).read())
    print("defined")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
EOF
}

# capabilities
caps=$(vsh capabilities 2>&1)
echo "$caps" >"$WORK/caps.xml"
check "capabilities validate against capability.rng" \
    quietly xmllint --noout --relaxng "$SCHEMAS/capability.rng" "$WORK/caps.xml"
check "capabilities: a guest of os type exe with domain type lxc" \
    grep -q "<os_type>exe</os_type>" "$WORK/caps.xml"
check "capabilities: domain type lxc, the controller as emulator" \
    bash -c "grep -q \"<domain type='lxc'/>\" '$WORK/caps.xml' && grep -q '<emulator>.*vireo-lxc-controller</emulator>' '$WORK/caps.xml'"
check "virsh is connected to lxc:///system" bash -c "timeout 30 virsh -q -c '$URI' uri | grep -q '^lxc:///system'"
check "virsh version names the LXC hypervisor" bash -c "timeout 30 virsh -c '$URI' version 2>&1 | grep -q 'hypervisor: LXC'"

# define, list, dumpxml
U1=6f1e8c2e-4f0b-4a57-9e3a-0c6c1b7a0001
U2=6f1e8c2e-4f0b-4a57-9e3a-0c6c1b7a0002
out=$(vsh define "$(ct_xml ct1 $U1 65536)" 2>&1)
check "define a container ($out)" test -f "$CONF/ct1.xml"
check_eq "list --all shows it shut off" "- ct1 shut off" "$(vsh list --all 2>&1 | awk '{$1=$1};1')"
vsh dumpxml ct1 >"$WORK/dump.xml" 2>&1
check "dumpxml validates against domain.rng" \
    quietly xmllint --noout --relaxng "$SCHEMAS/domain.rng" "$WORK/dump.xml"
check "dumpxml: the driver's defaults (init, arch, lxc console, MAC, guest eth0)" bash -c "
    grep -q '<init>/sbin/init</init>' '$WORK/dump.xml' &&
    grep -q \"<type arch='x86_64'>exe</type>\" '$WORK/dump.xml' &&
    grep -q \"<target type='lxc' port='0'/>\" '$WORK/dump.xml' &&
    grep -q \"<mac address='52:54:00:\" '$WORK/dump.xml' &&
    grep -q \"<guest dev='eth0'/>\" '$WORK/dump.xml'"
check_eq "domstate" "shut off" "$(vsh domstate ct1 2>&1 | sed '/^$/d')"
check_eq "os type" "exe" "$(vsh dominfo ct1 2>&1 | awk '/^OS Type:/ {print $3}')"

# redefine (the dumped XML with more memory keeps the MAC)
mac=$(grep -o "mac address='[^']*'" "$WORK/dump.xml")
sed 's|<memory unit=.KiB.>65536</memory>|<memory unit="KiB">131072</memory>|' "$WORK/dump.xml" >"$WORK/ct1-2.xml"
vsh define "$WORK/ct1-2.xml" >/dev/null 2>&1
vsh dumpxml ct1 >"$WORK/dump2.xml" 2>&1
check "define again updates the definition, the MAC stays" bash -c "
    grep -q \"<memory unit='KiB'>131072</memory>\" '$WORK/dump2.xml' && grep -q \"$mac\" '$WORK/dump2.xml'"
check "autostart writes its link" bash -c "
    timeout 30 virsh -q -c '$URI' autostart ct1 >/dev/null && test -L '$CONF/autostart/ct1.xml'"
check "autostart --disable removes it" bash -c "
    timeout 30 virsh -q -c '$URI' autostart --disable ct1 >/dev/null && ! test -e '$CONF/autostart/ct1.xml'"

# bad definitions: libvirt's codes (VIR_FROM_LXC 17; clashes VIR_FROM_DOMAIN 20 as libvirt's domain list), named, nothing written
check_eq "type='kvm': CONFIG_UNSUPPORTED naming it" \
    "67 17 unsupported configuration: domain type 'kvm' of domain 'bad1' is not supported by the LXC driver (use 'lxc')" \
    "$(py_define "$(ct_xml bad1 $U2 65536 kvm)")"
check_eq "os type hvm: OS_TYPE naming it" \
    "16 17 unknown OS type: OS type 'hvm' of domain 'bad2' is not supported by the LXC driver (use 'exe')" \
    "$(py_define "$(ct_xml bad2 $U2 65536 lxc hvm)")"
check_eq "no root filesystem: refused" \
    "67 17 unsupported configuration: domain 'bad3' has no root filesystem: add a <filesystem> with <target dir='/'/>" \
    "$(py_define "$(ct_xml bad3 $U2 65536 lxc exe "")")"
check_eq "a name clash with another uuid: OPERATION_FAILED naming the uuid" \
    "9 20 operation failed: domain 'ct1' already exists with uuid $U1" \
    "$(py_define "$(ct_xml ct1 $U2 65536)")"
check "nothing written for them" bash -c "! ls '$CONF' | grep -q bad && grep -q '$U1' '$CONF/ct1.xml'"

# vireo's own CLI, through the daemon
vout=$(timeout 30 "$VIREO" -c "lxc+unix:///system?socket=$DAEMON_SOCK" list --all 2>&1)
check "vireo list --all shows the container" grep -qw ct1 <<<"$vout" || note "$vout"
# virsh's URI too: a ?socket= URI is the daemon's, never the CLI's own
# root (VIREO_ROOT keeps a wrong in-process open off the host's /etc)
vout=$(VIREO_ROOT=$WORK/cli-root timeout 30 "$VIREO" -c "$URI" list --all 2>&1)
check "vireo -c lxc:///system?socket=... reaches the daemon" grep -qw ct1 <<<"$vout" || note "$vout"

# a vireod restart on the same root keeps the definition
kill -TERM "$DAEMON_PID"
wait_for 15 _daemon_exited_or_zombie
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
"_daemon_start_$VIREO_TEST_DAEMON"
if ! wait_for "$DAEMON_START_TIMEOUT" _daemon_ready_or_dead || ! _daemon_alive; then
    fail "a new vireod starts on the same root"
    daemon_show_log
    exit 1
fi
check_eq "after a restart list --all still shows it" "- ct1 shut off" "$(vsh list --all 2>&1 | awk '{$1=$1};1')"
check "and the same definition" bash -c "
    timeout 30 virsh -q -c '$URI' dumpxml ct1 2>&1 | grep -q \"<memory unit='KiB'>131072</memory>\""

# undefine
out=$(vsh undefine ct1 2>&1)
check "undefine removes the file ($out)" test ! -e "$CONF/ct1.xml"
check_eq "list --all is empty" "" "$(vsh list --all 2>&1)"
check "the domain is gone" bash -c "! timeout 30 virsh -q -c '$URI' dominfo ct1 >/dev/null 2>&1"

done_testing
