#!/usr/bin/python3
"""Kill vireod with SIGKILL at random moments of a mixed workload.

Worker threads define, start, suspend, resume, save, restore, destroy and
undefine their own domains through python3-libvirt while the main thread
kills vireod (SIGKILL) after a random time, starts a new one on the same
root and checks what it rebuilt from its files against what the clients
were told:

  - every acknowledged define is there, with the XML read back after it;
  - every acknowledged undefine is gone;
  - every guest acknowledged running (paused) is running (paused), and its
    monitor answers (suspend/resume through the new daemon);
  - an operation a kill interrupted ended in its before or after state;
  - no guest runs twice; each QEMU under the root belongs to an active
    domain; the run folder holds files of active domains only; no
    temporary file of an interrupted write is left anywhere.

With --pools, storage workers (crash_storage.py) run beside them on dir
pools, volumes and secrets, checked after each kill the same way.

Prints TAP lines.  Usage:
  crash.py --vireod BIN --root DIR --pidfile F --log F --uri URI --pid PID
           --guest-xml TEMPLATE --work DIR --kills N [--seed S] [--pools DIR]
The daemon of --pid was started by the caller; the pid of the last one
started here is written to WORK/daemon.pid.
"""
import argparse
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

import libvirt

from crash_storage import StorageWork

libvirt.registerErrorHandler(lambda *a: None, None)

LIFECYCLE = ("define", "undefine", "start", "suspend", "resume", "save", "restore",
             "destroy")
# What an interrupted operation may have left: its state before or after
# (a save cut short may leave the guest paused: QEMU finishes writing the
# stream after its manager died, and pauses).
MAY_END = {
    "define": None, "undefine": None,
    "start": {"shutoff", "running"},
    "suspend": {"running", "paused"},
    "resume": {"running", "paused"},
    "destroy": {"running", "paused", "shutoff"},
    "save": {"running", "paused", "shutoff"},
    "restore": {"shutoff", "running", "paused"},
}
STATE_NAMES = {libvirt.VIR_DOMAIN_RUNNING: "running", libvirt.VIR_DOMAIN_PAUSED: "paused",
               libvirt.VIR_DOMAIN_SHUTOFF: "shutoff"}
SAVE_MAGIC = b"LibvirtQemudSave"


class Dom:
    """What the clients were told about one domain."""

    def __init__(self, name, guest):
        self.name = name
        self.guest = guest          # lifecycle guest (else: define/undefine only)
        self.defined = False
        self.gen = 0                # generation of the acknowledged definition
        self.xml = None             # inactive XML read back after it, if read
        self.state = "shutoff"
        self.saved = None           # the state a complete save image of it resumes
        self.inflight = None        # (op, generation) of an unanswered call
        self.last = None            # the last call answered
        self.uuid = str(uuid.uuid5(uuid.NAMESPACE_DNS, name + ".crash.vireo"))


class Test:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.template = open(a.guest_xml).read()
        self.run_dir = os.path.join(a.root, "run", "libvirt", "qemu")
        self.doms = []
        for w in range(a.workers):
            self.doms.append(Dom("crash-g%d" % w, True))
            self.doms.append(Dom("crash-c%d" % w, False))
        self.pid = a.pid
        self.proc = None
        self.killing = threading.Event()
        self.problems = {}          # check -> [messages]
        self.counts = {"calls": 0, "acked": 0, "interrupted": 0, "reattached": 0,
                       "leftovers": 0, "stopped late": 0}
        self.lock = threading.Lock()
        self.storage = StorageWork(self, a.pools, a.storage_workers) if a.pools else None

    # ---- daemon ----

    def kill_daemon(self):
        self.killing.set()
        os.kill(self.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait()
        else:
            while os.path.exists("/proc/%d" % self.pid) and not self.zombie(self.pid):
                time.sleep(0.01)

    @staticmethod
    def zombie(pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                return re.search(r"^State:\s+Z", f.read(), re.M) is not None
        except OSError:
            return True

    def start_daemon(self):
        log = open(self.a.log, "ab")
        self.proc = subprocess.Popen([self.a.vireod, "--root", self.a.root, "-p", self.a.pidfile],
                                     stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        with open(os.path.join(self.a.work, "daemon.pid"), "w") as f:
            f.write("%d\n" % self.pid)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                # who else holds the socket, if that is why
                holders = subprocess.run("ss -xlp | grep -F '%s'" % self.a.root, shell=True,
                                         capture_output=True, text=True).stdout
                raise RuntimeError("vireod exited with status %d at start (see its log)%s" % (
                    self.proc.returncode, "; listening: " + holders if holders else ""))
            try:
                return libvirt.open(self.a.uri)
            except libvirt.libvirtError:
                time.sleep(0.02)
        raise RuntimeError("vireod did not answer within 30 s of its start")

    # ---- workload ----

    def xml(self, d, gen):
        x = self.template.replace("@NAME@", d.name)
        x = x.replace("<name>", "<uuid>%s</uuid>\n  <description>generation %d</description>\n"
                      "  <name>" % (d.uuid, gen), 1)
        return x

    def choose(self, d):
        r = self.rng.random()
        if not d.defined:
            return "define"
        if not d.guest:
            return "undefine" if r < 0.5 else "define"
        if d.state == "shutoff":
            if r < 0.1:
                return "undefine"
            if r < 0.25:
                return "define"
            return "restore" if d.saved and r < 0.7 else "start"
        if d.state == "running":
            return ("suspend", "save", "destroy", "define")[min(3, int(r * 4))]
        return ("resume", "save", "destroy")[min(2, int(r * 3))]

    @staticmethod
    def prepare(d, op):
        return op

    @staticmethod
    def next_gen(d, op):
        return d.gen + 1 if op == "define" else d.gen

    def call(self, conn, d, op, gen):
        dom = None if op in ("define", "restore") else conn.lookupByName(d.name)
        save_path = os.path.join(self.a.work, d.name + ".save")
        if op == "define":
            conn.defineXML(self.xml(d, gen))
        elif op == "undefine":
            dom.undefine()
        elif op == "start":
            dom.create()
        elif op == "suspend":
            dom.suspend()
        elif op == "resume":
            dom.resume()
        elif op == "destroy":
            dom.destroy()
        elif op == "save":
            dom.save(save_path)
        elif op == "restore":
            conn.restore(save_path)

    def acked(self, d, op, gen, conn):
        """The model after op was answered."""
        if op == "define":
            d.defined, d.gen, d.xml = True, gen, None
            try:
                d.xml = conn.lookupByName(d.name).XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
            except libvirt.libvirtError:
                pass    # the kill came first: the generation is checked instead
        elif op == "undefine":
            d.defined, d.xml = False, None
        elif op in ("start", "resume"):
            d.state = "running"
        elif op == "restore":
            d.state, d.saved = d.saved, None    # as it was when saved
        elif op == "suspend":
            d.state = "paused"
        elif op == "destroy":
            d.state = "shutoff"
        elif op == "save":
            d.state, d.saved = "shutoff", d.state

    def worker(self, doms):
        try:
            conn = libvirt.open(self.a.uri)
        except libvirt.libvirtError as e:
            if not self.killing.is_set():
                self.problem("workload", "cannot connect: %s" % e)
            return
        while not self.killing.is_set():
            d = self.rng.choice(doms)
            w = getattr(d, "work", self)    # the workload the unit belongs to
            op = w.prepare(d, w.choose(d))
            gen = w.next_gen(d, op)
            d.inflight = (op, gen)
            with self.lock:
                self.counts["calls"] += 1
            try:
                w.call(conn, d, op, gen)
            except libvirt.libvirtError as e:
                if self.killing.is_set():
                    with self.lock:
                        self.counts["interrupted"] += 1
                    return      # d.inflight stays: the kill cut it
                d.inflight = None
                self.problem("workload", "%s %s (believed %s): %s" % (
                    op, d.name, getattr(d, "state", "-"), e))
                continue
            d.inflight, d.last = None, op
            with self.lock:
                self.counts["acked"] += 1
            w.acked(d, op, gen, conn)
        try:
            conn.close()
        except libvirt.libvirtError:
            pass

    # ---- checks ----

    def note(self, msg):
        with self.lock:
            print("# " + msg, flush=True)

    def problem(self, check, msg):
        with self.lock:
            self.problems.setdefault(check, []).append("kill %d: %s" % (self.kill_no, msg))

    @staticmethod
    def cmdlines():
        """(pid, argv as bytes) of every process this test may read."""
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    yield int(p), f.read().split(b"\0")
            except OSError:
                continue

    def qemus(self):
        """name -> [pid] of the live QEMUs whose command line names our root."""
        found = {}
        for p, args in self.cmdlines():
            if not args or b"qemu-system" not in args[0] or \
                    not any(self.a.root.encode() in x for x in args) or self.zombie(p):
                continue
            name = None
            for i, x in enumerate(args[:-1]):
                if x == b"-name":
                    name = args[i + 1].decode().split(",")[0].replace("guest=", "")
            found.setdefault(name, []).append(p)
        return found

    def check_dom(self, conn, d):
        """Compare one domain with the model; then make the model what is."""
        try:
            dom = conn.lookupByName(d.name)
        except libvirt.libvirtError as e:
            if e.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                raise
            dom = None
        defined = dom is not None and dom.isPersistent() == 1
        st = dom.state() if dom else [libvirt.VIR_DOMAIN_SHUTOFF, 0]
        state = STATE_NAMES.get(st[0], str(st[0]))
        xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE) if defined else None
        m = re.search(r"<description>generation (\d+)</description>", xml or "")
        gen = int(m.group(1)) if m else None
        op, op_gen = d.inflight or (None, None)
        if op in ("define", "undefine"):
            ok_defined = {True, False} if op == "undefine" else {d.defined, True}
            ok_gens = {d.gen, op_gen}
        else:
            ok_defined, ok_gens = {d.defined}, {d.gen}
        if defined not in ok_defined:
            self.problem("defines", "%s is %s, acknowledged %s (in flight: %s)" % (
                d.name, "defined" if defined else "not defined",
                "defined" if d.defined else "undefined", d.inflight))
        elif defined and gen not in ok_gens:
            self.problem("defines", "%s has generation %s, acknowledged %s (in flight: %s)" % (
                d.name, gen, d.gen, d.inflight))
        elif defined and op is None and d.xml is not None and xml != d.xml:
            self.problem("defines", "%s: its XML differs from the one acknowledged" % d.name)
        ok_states = MAY_END.get(op) or {d.state}
        if state not in ok_states:
            self.problem("states", "%s is %s (reason %d), expected %s (in flight: %s, last: %s)"
                         % (d.name, state, st[1], "/".join(sorted(ok_states)), d.inflight,
                            d.last))
        # the model is now what is
        d.defined, d.state, d.inflight = defined, state, None
        if defined:
            d.gen, d.xml = gen if gen is not None else d.gen, xml
        save_path = os.path.join(self.a.work, d.name + ".save")
        d.saved = None
        if state == "shutoff" and defined and os.path.exists(save_path):
            with open(save_path, "rb") as f:
                head = f.read(28)
            if head[:16] == SAVE_MAGIC:     # complete; was_running at 24
                d.saved = "running" if int.from_bytes(head[24:28], sys.byteorder) else "paused"
        if state in ("running", "paused") and not self.check_attached(dom, d, state, op):
            return "shutoff"
        return state

    @staticmethod
    def stops(dom, seconds=10):
        """The domain is shut off within seconds (its QEMU was quitting)."""
        deadline = time.time() + seconds
        while dom.state()[0] != libvirt.VIR_DOMAIN_SHUTOFF:
            if time.time() > deadline:
                return False
            time.sleep(0.05)
        return True

    def check_attached(self, dom, d, state, op):
        """The new daemon talks to the guest's QEMU: a pause and a resume.
        False when the guest stopped instead: a destroy or save the kill
        cut may have told QEMU to quit, and the new daemon sees it go.
        Until the re-attach is done the state is the status file's, which
        a cut suspend or resume may not have updated: then the first call
        (it waits for the re-attach) finds the state QEMU says."""
        for attempt in (1, 2):
            try:
                if state == "running":
                    dom.suspend()
                    dom.resume()
                else:
                    dom.resume()
                    dom.suspend()
                self.counts["reattached"] += 1
                return True
            except libvirt.libvirtError as e:
                now = STATE_NAMES.get(dom.state()[0])
                if attempt == 1 and op in ("suspend", "resume") and now != state and \
                        e.get_error_code() == libvirt.VIR_ERR_OPERATION_INVALID:
                    d.state = state = now
                    continue
                if op in ("destroy", "save") and self.stops(dom):
                    d.state = "shutoff"
                    self.counts["stopped late"] += 1
                    return False
                self.problem("reattach", "%s (%s, in flight: %s): %s" % (d.name, state, op, e))
                return True

    def temporaries(self):
        """Temporary files of writes under way (or cut by a kill)."""
        found = set()
        for top, _dirs, files in os.walk(self.a.root):
            found.update(os.path.join(top, f) for f in files if re.search(r"\.new-\w{6}$", f))
        return found

    def check_files(self, active, cut):
        """cut: the temporaries the killed daemon left: the new one removes them."""
        allowed = {n + s for n in active for s in (".xml", ".pid", ".monitor")}
        try:
            names = set(os.listdir(self.run_dir))
        except FileNotFoundError:
            names = set()
        extra = sorted(n for n in names - allowed if not re.search(r"\.new-\w{6}$", n))
        if extra:
            self.problem("files", "run folder holds %s (active: %s)" % (extra, sorted(active)))
        for path in sorted(cut):
            if os.path.lexists(path):
                self.problem("files", "left by the killed daemon and still there: %s" % path)
        self.counts["leftovers"] += len(cut)

    def check(self, conn, cut):
        active = {d.name for d in self.doms if self.check_dom(conn, d) != "shutoff"}
        qemus = self.qemus()
        for name, pids in qemus.items():
            if len(pids) > 1:
                self.problem("processes", "%s runs %d times: pids %s" % (name, len(pids), pids))
        if set(qemus) != active:
            self.problem("processes", "QEMUs for %s, active domains %s" % (
                sorted(str(n) for n in qemus), sorted(active)))
        self.check_files(active, cut)
        if self.storage:
            self.storage.check(conn)

    # ---- main loop ----

    def run(self):
        self.kill_no = 0
        started = time.time()
        conn = libvirt.open(self.a.uri)
        self.check(conn, set())
        conn.close()
        for self.kill_no in range(1, self.a.kills + 1):
            self.killing.clear()
            by_worker = [self.doms[2 * w:2 * w + 2] for w in range(self.a.workers)]
            by_worker += self.storage.units if self.storage else []
            threads = [threading.Thread(target=self.worker, args=(ds,)) for ds in by_worker]
            for t in threads:
                t.start()
            time.sleep(self.rng.uniform(0.05, self.a.max_gap))
            self.kill_daemon()
            for t in threads:
                t.join(60)
                if t.is_alive():
                    self.problem("workload", "a client call hung after the kill")
                    return
            cut = self.temporaries()
            if self.storage:
                self.storage.tools_of_cut_calls()
            conn = self.start_daemon()
            self.check(conn, cut)
            conn.close()
        self.elapsed = time.time() - started

    def report(self):
        checks = [
            ("defines", "every acknowledged define is there with its XML and every acknowledged undefine is gone"),
            ("states", "every guest is in its acknowledged state, or the before/after state of the call a kill cut"),
            ("reattach", "every running guest is re-attached (pause and resume through the new daemon)"),
            ("processes", "no guest runs twice and no QEMU runs without an active domain"),
            ("files", "no stray status file, pid file, socket or temporary file"),
            ("workload", "every call not cut by a kill succeeded"),
        ]
        if self.storage:
            checks[-1:-1] = [
                ("pools", "every acknowledged pool define is there with its inactive XML, every undefine gone; starts active, destroys inactive, autostart pools active; autostart flag and link as acknowledged"),
                ("volumes", "every pool lists the files of its folder as qemu-img sees them; acknowledged creates, clones and resizes there with their format and size, deletes gone"),
                ("secrets", "every acknowledged secret define is there with its XML, undefines gone; each value the acknowledged one (a cut set: old or new)"),
                ("storage files", "the pool run folder holds the files of active pools only; no temporary file in the storage, secrets and pool run folders"),
                ("storage", "no volume tool of a cut call runs on"),
            ]
        print("# %d kills in %.0f s: %d calls, %d acknowledged, %d cut by a kill, %d re-attach "
              "checks (%d guests a cut stop ended after the restart), %d temporary files of "
              "cut writes removed at restart"
              % (self.kill_no, self.elapsed, self.counts["calls"], self.counts["acked"],
                 self.counts["interrupted"], self.counts["reattached"],
                 self.counts["stopped late"], self.counts["leftovers"]))
        if self.storage:
            c = self.counts
            print("# storage: %d pool calls, %d volume calls, %d secret calls; %d qemu-img runs "
                  "outlived a kill, %d half-made volume files of cut creates found (listed as "
                  "libvirt lists them, then deleted)" % (
                      c["pool calls"], c["volume calls"], c["secret calls"],
                      c["tools outliving the kill"], c["half-made volumes"]))
        bad = 0
        for key, what in checks:
            msgs = self.problems.get(key, [])
            if msgs:
                bad += 1
                print("not ok - after %d kills: %s" % (self.kill_no, what))
                for m in msgs[:10]:
                    print("# " + m)
            else:
                print("ok - after %d kills: %s" % (self.kill_no, what))
        return bad


def main():
    p = argparse.ArgumentParser()
    for opt in ("vireod", "root", "pidfile", "log", "uri", "guest-xml", "work"):
        p.add_argument("--" + opt, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--pools", help="folder for the storage workload's dir pools (none: no storage)")
    p.add_argument("--storage-workers", type=int, default=3)
    p.add_argument("--max-gap", type=float, default=2.5, help="longest run between kills (s)")
    p.add_argument("--seed", type=int, default=int(time.time()))
    a = p.parse_args()
    print("# seed %d (rerun with --seed to repeat the choices)" % a.seed)
    t = Test(a)
    t.elapsed = 0
    try:
        t.run()
    except Exception as e:      # a failure of the harness or the daemon: report, not hide
        print("not ok - the kill loop ran to its end: %s at kill %d" % (e, t.kill_no))
        t.report()
        return 1
    return 1 if t.report() else 0


if __name__ == "__main__":
    sys.exit(main())
