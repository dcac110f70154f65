"""guest.py: the tiny guest's lifecycle through the daemon, and the same
QEMU launched by hand.

Per repetition (full: 5, quick: 1), on one defined domain:
  create() to the call returning (then checked running)   start_ms
  suspend(), resume()                                      suspend_ms, resume_ms
  save(file in target.work), restore(file)                 save_ms, restore_ms
  destroy() to the call returning, and to QEMU gone        destroy_ms, destroy_gone_ms
Medians are reported; these names are TCG's, KVM's end in _kvm_ms.

"By hand" launches qemu-system-x86_64 directly with the command line vireo
builds for this guest (-S, QMP on a unix socket) and times exec -> QMP
greeting -> qmp_capabilities -> cont answered.  It does not depend on the
target, so it is measured once per round (median of as many launches) and
the same figure is reported under both targets (start_by_hand_ms), with
start_over_qemu_ms = the daemon's start - by hand.

accel "tcg" is domain type qemu; "kvm" (domain type kvm) runs only when
vireo's capabilities offer it (its probe runs guest code, see FACTS.md on
PVM hosts); otherwise those metrics are missing with the reason.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import libvirt

from lib.measure import Metric, Timer, Unavailable, alive, median, wait_until

NAME = "guest"
TITLE = "tiny guest: start, destroy, suspend/resume, save/restore"

DOM_PREFIX = "bench-guest-"
ACCELS = ("tcg", "kvm")
NO_KVM = "KVM not usable on this host"

# Figures shared by both targets in one round: {round: {accel: ms}}, and
# whether KVM is usable (decided from vireo's capabilities when seen).
_by_hand = {}
_kvm = {"usable": None, "why": ""}


def domain_xml(ctx, name: str, serial_log: str, uuid: str = "", dtype: str = "qemu") -> str:
    """The tiny guest's XML named NAME (optionally with a UUID and another
    domain type).  Shared by define.py and stats.py."""
    xml = ctx.guest_xml(name, serial_log)
    if uuid:
        xml = xml.replace("</name>", f"</name>\n  <uuid>{uuid}</uuid>", 1)
    if dtype != "qemu":
        xml = xml.replace("<domain type='qemu'>", f"<domain type='{dtype}'>", 1)
    return xml


def need_guest(ctx):
    """Unavailable unless the tiny guest was built (run.py builds it)."""
    if not ctx.guest_kernel or not os.path.exists(ctx.guest_kernel):
        raise Unavailable("the tiny test guest cannot be had: "
                          + (getattr(ctx, "guest_why", "") or "tests/qemu/build-guest.sh failed"))


def run(target, ctx):
    need_guest(ctx)
    reps = ctx.size(5, 1)
    _note_kvm(target, ctx)
    metrics = []
    for accel in ACCELS:
        if accel == "kvm" and not _kvm["usable"]:
            metrics += _missing(accel, _kvm["why"] or NO_KVM)
            continue
        hand = _by_hand_ms(ctx, target.work, accel, reps)
        metrics += _lifecycle(target, ctx, accel, reps, hand)
    return metrics


# ---- KVM or not ----

def _note_kvm(target, ctx):
    """Decide KVM from vireo's capabilities (which lists domain type kvm
    only when its probe ran guest code); before vireo was seen, from the
    host: /dev/kvm openable and not served by kvm_pvm."""
    if target.name == "vireo":
        conn = target.open()
        try:
            caps = conn.getCapabilities()
        finally:
            conn.close()
        usable = "<domain type='kvm'" in caps
        _kvm["usable"] = usable
        _kvm["why"] = "" if usable else NO_KVM + " (vireo's capabilities offer no domain type kvm)"
    elif _kvm["usable"] is None:
        usable, why = _host_kvm()
        _kvm["usable"], _kvm["why"] = usable, why
    ctx.log(f"guest: KVM {'usable' if _kvm['usable'] else 'not usable: ' + _kvm['why']}")


def _host_kvm():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
    except OSError as e:
        return False, f"{NO_KVM} (/dev/kvm: {e.strerror})"
    if os.path.isdir("/sys/module/kvm_pvm"):
        return False, f"{NO_KVM} (/dev/kvm is served by kvm_pvm, which runs no stock kernel)"
    return True, ""


KEYS = ("start", "start_by_hand", "start_over_qemu", "destroy", "destroy_gone",
        "suspend", "resume", "save", "restore")


def _metric_name(key, accel):
    """TCG's are the plain names the goals use (start_over_qemu_ms,
    destroy_ms); KVM's carry _kvm."""
    return f"{key}_ms" if accel == "tcg" else f"{key}_{accel}_ms"


def _missing(accel, why):
    return [Metric(_metric_name(k, accel), None, "ms", "lower", why) for k in KEYS]


# ---- through the daemon ----

def _lifecycle(target, ctx, accel, reps, hand_ms):
    name = f"{DOM_PREFIX}{accel}"
    serial = os.path.join(target.work, f"{name}.serial.log")
    save_file = os.path.join(target.work, f"{name}.save")
    dtype = "kvm" if accel == "kvm" else "qemu"
    times = {k: [] for k in ("start", "suspend", "resume", "save", "restore",
                             "destroy", "destroy_gone")}
    conn = target.open()
    dom = None
    try:
        dom = conn.defineXML(domain_xml(ctx, name, serial, dtype=dtype))
        for i in range(reps):
            ctx.log(f"guest: {target.name} {accel} repetition {i + 1}/{reps}")
            _one_cycle(target, conn, dom, save_file, times)
    finally:
        _cleanup(target, conn, dom, save_file)
        conn.close()
    times = {k: median(v) for k, v in times.items()}
    times["start_by_hand"] = hand_ms
    times["start_over_qemu"] = times["start"] - hand_ms
    return [Metric(_metric_name(k, accel), times[k], "ms", "lower") for k in KEYS]


def _one_cycle(target, conn, dom, save_file, times):
    """start, suspend, resume, save, restore, destroy; each timed."""
    before = set(target.qemu_pids())
    with Timer() as t:
        dom.create()
    times["start"].append(t.ms)
    _expect_state(dom, libvirt.VIR_DOMAIN_RUNNING, "after create()")
    with Timer() as t:
        dom.suspend()
    times["suspend"].append(t.ms)
    _expect_state(dom, libvirt.VIR_DOMAIN_PAUSED, "after suspend()")
    with Timer() as t:
        dom.resume()
    times["resume"].append(t.ms)
    with Timer() as t:
        dom.save(save_file)
    times["save"].append(t.ms)
    _expect_state(dom, libvirt.VIR_DOMAIN_SHUTOFF, "after save()")
    with Timer() as t:
        conn.restore(save_file)
    times["restore"].append(t.ms)
    _expect_state(dom, libvirt.VIR_DOMAIN_RUNNING, "after restore()")
    os.unlink(save_file)
    pids = [p for p in target.qemu_pids() if p not in before]
    if len(pids) != 1:
        raise RuntimeError(f"expected one new QEMU for {dom.name()}, found {pids}")
    start = time.perf_counter()
    dom.destroy()
    times["destroy"].append((time.perf_counter() - start) * 1000.0)
    wait_until(lambda: not alive(pids[0]), 30, interval=0.0005,
               what=f"QEMU {pids[0]} gone after destroy")
    times["destroy_gone"].append((time.perf_counter() - start) * 1000.0)


def _expect_state(dom, want, when):
    state = dom.state()[0]
    if state != want:
        raise RuntimeError(f"{dom.name()} is in state {state} {when}, expected {want}")


def _cleanup(target, conn, dom, save_file):
    if dom is not None:
        try:
            if dom.isActive():
                dom.destroy()
        except libvirt.libvirtError:
            pass
        try:
            dom.undefine()
        except libvirt.libvirtError:
            pass
    if os.path.exists(save_file):
        os.unlink(save_file)


# ---- by hand ----

def _by_hand_ms(ctx, work, accel, reps):
    """Median of REPS direct launches, measured once per round."""
    per_round = _by_hand.setdefault(ctx.round, {})
    if accel not in per_round:
        runs = [_launch_by_hand(ctx, work, accel) for _ in range(reps)]
        per_round[accel] = median(runs)
        ctx.log(f"guest: QEMU by hand ({accel}): {per_round[accel]:.1f} ms")
    return per_round[accel]


def _by_hand_argv(ctx, accel, mon, pidfile, serial):
    """The command line vireo builds for the tiny guest (see its log,
    ROOT/var/log/libvirt/qemu/NAME.log), with our own paths."""
    return [
        "/usr/bin/qemu-system-x86_64",
        "-name", "guest=bench-by-hand,debug-threads=on", "-S",
        "-machine", f"q35,accel={accel},usb=off,dump-guest-core=off",
        "-m", "size=131072k", "-smp", "1,sockets=1,cores=1,threads=1",
        "-no-user-config", "-nodefaults", "-pidfile", pidfile,
        "-chardev", f"socket,id=charmonitor,path={mon},server=on,wait=off",
        "-mon", "chardev=charmonitor,id=monitor,mode=control",
        "-rtc", "base=utc", "-no-shutdown", "-boot", "strict=on",
        "-kernel", ctx.guest_kernel, "-initrd", ctx.guest_initrd,
        "-append", "console=ttyS0 quiet",
        "-device", '{"driver":"pcie-root-port","port":16,"chassis":1,"id":"pci.1",'
                   '"bus":"pcie.0","multifunction":true,"addr":"0x2"}',
        "-device", '{"driver":"qemu-xhci","id":"usb","bus":"pci.1","addr":"0x0"}',
        "-chardev", f"pty,id=charserial0,logfile={serial},logappend=off",
        "-device", '{"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0}',
        "-display", "none",
        "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
        "-msg", "timestamp=on",
    ]


def _launch_by_hand(ctx, work, accel):
    """exec -> QMP answers -> cont returns, in ms; the QEMU is then
    stopped by its pid."""
    tmp = tempfile.mkdtemp(prefix="by-hand.", dir=work)
    mon = os.path.join(tmp, "mon.sock")
    argv = _by_hand_argv(ctx, accel, mon, os.path.join(tmp, "qemu.pid"),
                         os.path.join(tmp, "serial.log"))
    with open(os.path.join(tmp, "qemu.log"), "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        sock = wait_until(lambda: _qmp_connect(mon, proc), 30, interval=0.0005,
                          what="QEMU by hand: QMP socket")
        with sock, sock.makefile("rwb") as f:
            _qmp_read(f)                                  # greeting
            _qmp_call(f, "qmp_capabilities")
            _qmp_call(f, "cont")
            ms = (time.perf_counter() - start) * 1000.0
    finally:
        _stop(proc)
        subprocess.run(["rm", "-rf", tmp], check=False)
    return ms


def _qmp_connect(path, proc):
    if proc.poll() is not None:
        raise RuntimeError(f"QEMU by hand exited with status {proc.returncode} before QMP")
    if not os.path.exists(path):
        return None
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def _qmp_read(f):
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("QEMU by hand closed its monitor")
        msg = json.loads(line)
        if "event" not in msg:
            return msg


def _qmp_call(f, cmd):
    f.write(json.dumps({"execute": cmd}).encode() + b"\n")
    f.flush()
    reply = _qmp_read(f)
    if "return" not in reply:
        raise RuntimeError(f"QEMU by hand: {cmd}: {reply}")
    return reply


def _stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

