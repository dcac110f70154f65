#!/bin/bash
# test-live.sh: live changes of a running tiny guest through vireod,
# driven by virsh, with python3-libvirt for the error codes and the
# DEVICE_REMOVED event: attach/detach a virtio disk the guest sees come
# and go, attach a user-mode interface, change the media of an empty
# sata cdrom, balloon the memory, plug a vCPU, --config changes of the
# persistent definition only, reset; bad input refused with libvirt's
# error codes and nothing changed.
. "$(dirname "$0")/../lib.sh"
. "$VIREO_TOP/tests/qemu/lib-guest.sh"

guest_setup
qemu_daemon_start

# the tiny guest on q35 with room to plug: spare root ports, a balloon,
# 1 of 2 vCPUs, an empty cdrom
GUEST_TEMPLATE=$GUEST_WORK/live-template.xml
cat >"$GUEST_TEMPLATE" <<'EOF'
<domain type='qemu'>
  <name>@NAME@</name>
  <memory unit='MiB'>160</memory>
  <currentMemory unit='MiB'>160</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>@KERNEL@</kernel>
    <initrd>@INITRD@</initrd>
    <cmdline>console=ttyS0 quiet</cmdline>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='2' model='pcie-root-port'/>
    <controller type='pci' index='3' model='pcie-root-port'/>
    <controller type='pci' index='4' model='pcie-root-port'/>
    <controller type='pci' index='5' model='pcie-root-port'/>
    <serial type='pty'>
      <log file='@SERIAL_LOG@' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <memballoon model='virtio'/>
  </devices>
</domain>
EOF

g=vireo-live
W=$GUEST_WORK
guest_define "$g" || exit 1
check "start $g" vsh_q start "$g"
if ! wait_marker "$g" "VIREO-GUEST: ready"; then
    fail "$g is ready within ${GUEST_BOOT_TIMEOUT}s"
    guest_show_logs "$g"
    done_testing
    exit 1
fi
ok "$g is ready"

# errcode WHAT PYTHON-EXPR: the libvirt error code of a failing call on dom
errcode() {
    /usr/bin/python3 - "$QEMU_URI" "$g" "$1" <<'EOF'
import sys, libvirt
libvirt.registerErrorHandler(lambda c, e: None, None)
conn = libvirt.open(sys.argv[1])
dom = conn.lookupByName(sys.argv[2])
try:
    exec(sys.argv[3])
    print("no error")
except libvirt.libvirtError as e:
    print(e.get_error_code())
EOF
}
xml_live() { vsh dumpxml "$g" 2>/dev/null; }
xml_inactive() { vsh dumpxml --inactive "$g" 2>/dev/null; }
has_vdb() { xml_live | grep -q "<target dev='vdb'"; }
no_vdb() { ! has_vdb; }
guest_says() { quietly console "$g" "$1" "$2"; }

# ---- a disk, live ----
qemu-img create -q -f raw "$W/d1.img" 16M
out=$(vsh attach-disk "$g" "$W/d1.img" vdb --targetbus virtio --live 2>&1)
check_eq "attach-disk vdb --live" "Disk attached successfully" "$(echo "$out" | sed '/^$/d')"
# the guest names its first virtio disk vda, whatever the target says
check "the guest sees the new disk (/sys/block/vda)" wait_for 20 guest_says 'ls /sys/block' vda
check "dumpxml shows vdb with its alias" sh -c "virsh -c '$QEMU_URI' dumpxml $g | grep -A8 \"<target dev='vdb'\" | grep -q \"alias name='virtio-disk1'\""
check "the persistent definition has no vdb" sh -c "! virsh -c '$QEMU_URI' dumpxml --inactive $g | grep -q \"dev='vdb'\""

out=$(vsh attach-disk "$g" "$W/d1.img" vdb --targetbus virtio --live 2>&1); rc=$?
check "a duplicate target is refused (exit 1)" [ $rc -eq 1 ]
check "its error names the target" grep -q "vdb" <<<"$out"
check_eq "duplicate target: VIR_ERR_OPERATION_FAILED" 9 \
    "$(errcode "dom.attachDeviceFlags(\"<disk type='file' device='disk'><source file='$W/d1.img'/><target dev='vdb' bus='virtio'/></disk>\", 1)")"
check_eq "missing image: VIR_ERR_SYSTEM_ERROR" 38 \
    "$(errcode "dom.attachDeviceFlags(\"<disk type='file' device='disk'><source file='$W/nope.img'/><target dev='vdc' bus='virtio'/></disk>\", 1)")"
out=$(vsh attach-disk "$g" "$W/nope.img" vdc --targetbus virtio --live 2>&1)
check "a missing image's error names the file" grep -q "nope.img" <<<"$out"
check "nothing was added for it" sh -c "! virsh -c '$QEMU_URI' dumpxml $g | grep -q \"dev='vdc'\""
check_eq "a cdrom on sata cannot be hotplugged: VIR_ERR_OPERATION_UNSUPPORTED" 84 \
    "$(errcode "dom.attachDeviceFlags(\"<disk type='file' device='cdrom'><target dev='sdb' bus='sata'/></disk>\", 1)")"

timeout 40 virsh -c "$QEMU_URI" event --domain "$g" --event device-removed --timeout 30 \
    >"$W/event.out" 2>&1 &
evpid=$!
/usr/bin/python3 - "$QEMU_URI" "$W/pyevent.out" "$W/pyevent.ready" >/dev/null 2>&1 <<'EOF' &
import sys, threading, libvirt
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
out = open(sys.argv[2], "a", buffering=1)
def cb(c, dom, alias, opaque):
    out.write("%s %s\n" % (dom.name(), alias))
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, cb, None)
open(sys.argv[3], "w").close()
import time
end = time.time() + 40
while time.time() < end:
    libvirt.virEventRunDefaultImpl()
EOF
pypid=$!
# virsh event has no ready marker: it started first and registers in
# far less time than python3-libvirt takes to start and say it is ready
wait_for 10 test -e "$W/pyevent.ready"

out=$(vsh detach-disk "$g" vdb --live 2>&1)
check_eq "detach-disk vdb --live" "Disk detached successfully" "$(echo "$out" | sed '/^$/d')"
check "dumpxml no longer shows vdb" wait_for 20 no_vdb
check "the guest no longer sees the disk" wait_for 20 guest_says 'echo N$(ls /sys/block | grep -c vd)' N0
check "python3-libvirt saw DEVICE_REMOVED virtio-disk1" wait_for 10 grep -q "$g virtio-disk1" "$W/pyevent.out"
wait "$evpid"
check "virsh event saw device-removed" grep -q "event 'device-removed' for domain '$g': virtio-disk1" "$W/event.out" ||
    note "$(cat "$W/event.out")"
kill "$pypid" 2>/dev/null; wait "$pypid" 2>/dev/null

check_eq "detach of a disk that is not there: VIR_ERR_DEVICE_MISSING" 99 \
    "$(errcode "dom.detachDeviceFlags(\"<disk type='file' device='disk'><target dev='vdz' bus='virtio'/></disk>\", 1)")"
out=$(vsh detach-disk "$g" vdz 2>&1); rc=$?
check "detach-disk of a missing target fails (exit 1)" [ $rc -eq 1 ]

# ---- an interface, live ----
check "the guest has one network device (lo)" guest_says 'echo C$(ls /sys/class/net | wc -l)' C1
cat >"$W/nic.xml" <<'EOF'
<interface type='user'>
  <mac address='52:54:00:aa:bb:01'/>
  <model type='virtio'/>
</interface>
EOF
out=$(vsh attach-device "$g" "$W/nic.xml" --live 2>&1)
check_eq "attach-device interface --live" "Device attached successfully" "$(echo "$out" | sed '/^$/d')"
check "the guest sees a second network device (lo + eth0)" wait_for 20 guest_says 'echo C$(ls /sys/class/net | wc -l)' C2
check "dumpxml shows the interface with alias net0" sh -c "virsh -c '$QEMU_URI' dumpxml $g | grep -A8 \"52:54:00:aa:bb:01\" | grep -q \"alias name='net0'\""
out=$(vsh detach-device "$g" "$W/nic.xml" --live 2>&1)
check_eq "detach-device interface --live" "Device detached successfully" "$(echo "$out" | sed '/^$/d')"
check "the interface leaves dumpxml" wait_for 20 sh -c "! virsh -c '$QEMU_URI' dumpxml $g | grep -q 52:54:00:aa:bb:01"

# ---- memory ----
check "setmem 100M --live" vsh_q setmem "$g" 100M --live
check_eq "dominfo Used memory follows the balloon" "102400 KiB" \
    "$(vsh dominfo "$g" | awk -F': *' '/^Used memory:/ {print $2}')"
out=$(vsh setmem "$g" 1G --live 2>&1); rc=$?
check "setmem above the maximum fails" [ $rc -eq 1 ]
check "with libvirt's message" grep -q "cannot set memory higher than max memory" <<<"$out"
check_eq "setmem above max: VIR_ERR_INVALID_ARG" 8 "$(errcode "dom.setMemoryFlags(1048576, 1)")"

# ---- vCPUs ----
check "setvcpus 2 --live" vsh_q setvcpus "$g" 2 --live
check "the guest sees cpu1" wait_for 20 guest_says 'ls /sys/devices/system/cpu' cpu1
check "vcpucount: current live 2" sh -c "virsh -c '$QEMU_URI' vcpucount $g | grep -Eq '^current +live +2'"
out=$(vsh setvcpus "$g" 3 --live 2>&1); rc=$?
check "setvcpus above the maximum fails (exit 1)" [ $rc -eq 1 ]
check "with libvirt's message" grep -q "requested vcpus is greater than max allowable vcpus for the live domain: 3 > 2" <<<"$out"
check_eq "setvcpus above max: VIR_ERR_INVALID_ARG" 8 "$(errcode "dom.setVcpusFlags(3, 1)")"
check "setvcpus 2 --config" vsh_q setvcpus "$g" 2 --config
check_eq "vcpucount --config" "2" "$(vsh vcpucount "$g" --config | sed '/^$/d')"
check_eq "vcpucount --config --maximum" "2" "$(vsh vcpucount "$g" --config --maximum | sed '/^$/d')"

# ---- --config only changes the persistent definition ----
out=$(vsh attach-disk "$g" "$W/d1.img" vdc --targetbus virtio --config 2>&1)
check_eq "attach-disk vdc --config" "Disk attached successfully" "$(echo "$out" | sed '/^$/d')"
check "dumpxml --inactive has vdc" sh -c "virsh -c '$QEMU_URI' dumpxml --inactive $g | grep -q \"dev='vdc'\""
check "the live dumpxml has no vdc" sh -c "! virsh -c '$QEMU_URI' dumpxml $g | grep -q \"dev='vdc'\""
check "detach-disk vdc --config" vsh_q detach-disk "$g" vdc --config
check "dumpxml --inactive no longer has vdc" sh -c "! virsh -c '$QEMU_URI' dumpxml --inactive $g | grep -q \"dev='vdc'\""

# ---- the same through vireo's own CLI ----
vro() { timeout 60 "$VIREO" -c "$QEMU_URI" "$@"; }
out=$(vro attach-disk "$g" "$W/d1.img" vdd --targetbus virtio --config 2>&1)
check_eq "vireo attach-disk --config" "Disk attached successfully" "$(echo "$out" | sed '/^$/d')"
out=$(vro detach-disk "$g" vdd --config 2>&1)
check_eq "vireo detach-disk --config" "Disk detached successfully" "$(echo "$out" | sed '/^$/d')"
check_eq "vireo vcpucount --live" "2" "$(vro vcpucount "$g" --live | sed '/^$/d')"
check_eq "vireo vcpucount table" "maximum config 2|maximum live 2|current config 2|current live 2" \
    "$(vro vcpucount "$g" | awk 'NF {printf "%s%s %s %s", s, $1, $2, $3; s="|"}')"
check "vireo setmem 120M --live" quietly vro setmem "$g" 120M --live
check_eq "dominfo Used memory after vireo setmem" "122880 KiB" \
    "$(vsh dominfo "$g" | awk -F': *' '/^Used memory:/ {print $2}')"
out=$(vro setvcpus "$g" 5 --live 2>&1); rc=$?
check "vireo setvcpus above max: exit 1 with libvirt's message" \
    sh -c "[ $rc -eq 1 ] && echo '$out' | grep -q 'greater than max allowable vcpus'"

# ---- change-media on the empty cdrom ----
qemu-img create -q -f raw "$W/cd.iso" 1M
out=$(vsh change-media "$g" sda --insert --source "$W/cd.iso" --live 2>&1)
check_eq "change-media --insert" "Successfully inserted media." "$(echo "$out" | sed '/^$/d')"
check "the cdrom has the medium in dumpxml" sh -c "virsh -c '$QEMU_URI' dumpxml $g | grep -q \"file='$W/cd.iso'\""
out=$(vsh change-media "$g" sda --eject --live 2>&1)
check_eq "change-media --eject" "Successfully ejected media." "$(echo "$out" | sed '/^$/d')"
check "the cdrom is empty in dumpxml" sh -c "! virsh -c '$QEMU_URI' dumpxml $g | grep -q cd.iso"

# ---- reset ----
out=$(vsh reset "$g" 2>&1)
check_eq "reset" "Domain '$g' was reset" "$(echo "$out" | sed '/^$/d')"
check "the guest boots again after reset" wait_marker "$g" "VIREO-GUEST: ready" 2
check_eq "still running" "running" "$(vsh domstate "$g" | sed '/^$/d')"

check "destroy $g" vsh_q destroy "$g"
check "undefine $g" vsh_q undefine "$g"
if daemon_stop; then ok "vireod stops cleanly"; else
    fail "vireod stops cleanly: $DAEMON_STOP_WHY"; daemon_show_log
fi
done_testing
