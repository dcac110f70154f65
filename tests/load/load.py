#!/usr/bin/python3
"""load.py: 64 concurrent python3-libvirt clients against one vireod.

Run by test-load.sh (which starts vireod in a temporary root); prints TAP.

    load.py --uri URI --pid PID [--seconds 30] [--clients 64] [--procs 4]
            [--domains 1000] [--guest-xml FILE]... [--sanitizer NAME]
            [--only OP,OP...]    (a part of the mix alone, to chase a leak)

Phases:
  1. define --domains inactive domains ("load-NNNN") from 8 connections,
     define and start the guests given by --guest-xml (running domains,
     so info/XMLDesc/lookupByID of live domains are exercised too);
  2. the fd baseline: the daemon's open files with only this script's own
     connection open (the define connections closed again);
  3. --clients clients (--procs processes of threads, each thread its own
     connection, every connection with a lifecycle callback registered
     for the whole run) call a weighted mix (OPS below) for --seconds;
     RSS (VmRSS) and fds are read WARMUP seconds in and at the end;
  4. every define/undefine of a scratch domain acknowledged to one client
     must reach the lifecycle callbacks of all the others;
  5. the clients close; the daemon's fds come back to the baseline.

Every exception a call raises is a failed call, and so is a wrong answer
(a lookup by UUID naming another domain, a list missing the 1,000).
"""
import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
import traceback
import uuid

import libvirt

WARMUP = 5.0          # seconds of load before the RSS/fd reference
RSS_SLACK = 0.10      # the end RSS may be at most this much above it
EVENT_WAIT = 15.0     # seconds for the last events to arrive
SHOW_FAILURES = 5     # failures printed in full
DEFINE_THREADS = 8
STABLE = "load-%04d"

# op name -> weight (calls of each in parentheses in op_* docstrings)
OPS = {
    "lookup_name": 20, "lookup_uuid": 14, "lookup_id": 6, "info": 12, "xml": 10,
    "list_all": 2, "list_ids": 6, "num": 6, "define_undefine": 4, "events": 5,
}


def quiet(_ctx, _err):
    """libvirt prints every error on stderr unless told otherwise."""


def tap(ok_, what, detail=""):
    print("%s - %s" % ("ok" if ok_ else "not ok", what))
    for line in str(detail).splitlines() if detail else []:
        print("# " + line)
    sys.stdout.flush()
    return ok_


def note(text):
    for line in str(text).splitlines():
        print("# " + line)
    sys.stdout.flush()


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def proc_rss_kb(pid):
    return proc_status(pid, "VmRSS")


def proc_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def stable_uuid(i):
    return "6c6f6164-0000-4000-8000-%012x" % i


def domain_xml(name, uid, mem_kib):
    return ("<domain type='qemu'><name>%s</name><uuid>%s</uuid>"
            "<memory unit='KiB'>%d</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>"
            % (name, uid, mem_kib))


# ---------------------------------------------------------------- setup

def define_stable(uri, count):
    """Define load-0000.. from DEFINE_THREADS connections; errors listed."""
    errors = []

    def run(part):
        try:
            conn = libvirt.open(uri)
        except libvirt.libvirtError as e:
            errors.append("open: %s" % e)
            return
        for i in range(part, count, DEFINE_THREADS):
            try:
                conn.defineXML(domain_xml(STABLE % i, stable_uuid(i), 65536 + 1024 * i))
            except libvirt.libvirtError as e:
                errors.append("define %s: %s" % (STABLE % i, e))
        conn.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in range(DEFINE_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def start_guests(conn, paths):
    """Define and start each guest; returns {name: (id, uuid)}."""
    running = {}
    for path in paths:
        with open(path) as f:
            dom = conn.defineXML(f.read())
        dom.create()
        running[dom.name()] = (dom.ID(), dom.UUIDString())
    return running


def wait_until(cond, limit, step=0.05):
    end = time.monotonic() + limit
    while not cond():
        if time.monotonic() >= end:
            return False
        time.sleep(step)
    return True


# ---------------------------------------------------------------- clients

class Client:
    """One client: a thread with its own connection.  seen is written by
    the process's event-loop thread (under lock), the rest by the thread."""

    def __init__(self, cid, uri, world):
        self.cid = cid
        self.uri = uri
        self.world = world        # stable names/uuids, running guests
        self.rng = random.Random(cid)
        self.conn = None
        self.callback = None
        self.calls = 0
        self.failures = 0
        self.first = []           # the first failures, as text
        self.ops = {k: [0, 0.0, 0.0] for k in OPS}   # op -> [count, seconds, max]
        self.acked = []           # (scratch name, time undefine answered) of this client
        self.scratch = 0
        self.lock = threading.Lock()
        self.seen = {}            # scratch name -> {lifecycle event: time heard}

    def on_lifecycle(self, _conn, dom, event, _detail, _opaque):
        name = dom.name()
        if name.startswith("scratch-"):
            with self.lock:
                self.seen.setdefault(name, {})[event] = time.monotonic()

    def connect(self):
        self.conn = libvirt.open(self.uri)
        self.callback = self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self.on_lifecycle, None)

    def close(self):
        self.conn.domainEventDeregisterAny(self.callback)
        self.conn.close()

    def fail(self, op, exc):
        self.failures += 1
        if len(self.first) < SHOW_FAILURES:
            self.first.append("client %d, %s: %s: %s" % (self.cid, op, type(exc).__name__, exc))

    def run(self, deadline):
        names = list(OPS)
        weights = [self.world["weights"].get(n, 0) for n in names]
        if not self.world["running"]:
            weights[names.index("lookup_id")] = 0
        while time.monotonic() < deadline:
            op = self.rng.choices(names, weights)[0]
            t = time.monotonic()
            try:
                self.calls += getattr(self, "op_" + op)()
            except Exception as e:  # pylint: disable=broad-except
                self.calls += 1
                self.fail(op, e)
            t = time.monotonic() - t
            stat = self.ops[op]
            stat[0] += 1
            stat[1] += t
            stat[2] = max(stat[2], t)

    # each op returns the number of calls it made; a wrong answer raises

    def any_domain(self):
        """(name, uuid, running?) of a stable or, one time in four, a running domain."""
        running = self.world["running"]
        if running and self.rng.random() < 0.25:
            name = self.rng.choice(sorted(running))
            return name, running[name][1], True
        i = self.rng.randrange(self.world["count"])
        return STABLE % i, stable_uuid(i), False

    def op_lookup_name(self):
        name, uid, _ = self.any_domain()
        got = self.conn.lookupByName(name).UUIDString()
        expect(got == uid, "lookupByName(%s): uuid %s" % (name, got))
        return 1

    def op_lookup_uuid(self):
        name, uid, _ = self.any_domain()
        got = self.conn.lookupByUUIDString(uid).name()
        expect(got == name, "lookupByUUIDString(%s): name %s" % (uid, got))
        return 1

    def op_lookup_id(self):
        name = self.rng.choice(sorted(self.world["running"]))
        got = self.conn.lookupByID(self.world["running"][name][0]).name()
        expect(got == name, "lookupByID: %s, not %s" % (got, name))
        return 1

    def op_info(self):
        name, _, live = self.any_domain()
        state = self.conn.lookupByName(name).info()[0]
        want = libvirt.VIR_DOMAIN_RUNNING if live else libvirt.VIR_DOMAIN_SHUTOFF
        expect(state == want, "info(%s): state %d, not %d" % (name, state, want))
        return 2

    def op_xml(self):
        name, uid, live = self.any_domain()
        xml = self.conn.lookupByName(name).XMLDesc(0)
        expect("<uuid>%s</uuid>" % uid in xml and
               (" id='" in xml) == live, "XMLDesc(%s): %s" % (name, xml[:200]))
        return 2

    def op_list_all(self):
        doms = self.conn.listAllDomains(0)
        names = {d.name() for d in doms}
        stable = [n for n in names if n.startswith("load-") and n not in self.world["running"]]
        expect(len(stable) == self.world["count"] and set(self.world["running"]) <= names,
               "listAllDomains: %d domains, %d of them load-NNNN" % (len(doms), len(stable)))
        return 1

    def op_list_ids(self):
        ids = sorted(self.conn.listDomainsID())
        want = sorted(v[0] for v in self.world["running"].values())
        expect(ids == want, "listDomainsID: %s, not %s" % (ids, want))
        return 1

    def op_num(self):
        n = self.conn.numOfDomains()
        defined = self.conn.numOfDefinedDomains()
        expect(n == len(self.world["running"]) and defined >= self.world["count"],
               "numOfDomains %d, numOfDefinedDomains %d" % (n, defined))
        return 2

    def op_define_undefine(self):
        """A scratch domain of this client's own: define, read back, undefine."""
        self.scratch += 1
        name = "scratch-%d-%d" % (self.cid, self.scratch)
        uid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        dom = self.conn.defineXML(domain_xml(name, uid, 65536))
        expect("<name>%s</name>" % name in dom.XMLDesc(0), "XMLDesc of " + name)
        dom.undefine()
        self.acked.append((name, time.monotonic()))
        return 3

    def op_events(self):
        """Register and deregister: lifecycle of one domain, or reboot of all."""
        calls = 2
        if self.rng.random() < 0.5:
            name, _, _ = self.any_domain()
            dom = self.conn.lookupByName(name)
            calls += 1
            cb = self.conn.domainEventRegisterAny(
                dom, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda *a: None, None)
        else:
            cb = self.conn.domainEventRegisterAny(
                None, libvirt.VIR_DOMAIN_EVENT_ID_REBOOT, lambda *a: None, None)
        self.conn.domainEventDeregisterAny(cb)
        return calls

    def missing_events(self, expected):
        """Scratch names acknowledged to others whose define and undefine
        this client's callback has not heard (yet)."""
        want = {libvirt.VIR_DOMAIN_EVENT_DEFINED, libvirt.VIR_DOMAIN_EVENT_UNDEFINED}
        with self.lock:
            return [n for n, owner, _ in expected
                    if owner != self.cid and not want <= self.seen.get(n, {}).keys()]

    def event_lags(self, expected):
        """Seconds from an undefine's answer to its owner to this client's event."""
        undef = libvirt.VIR_DOMAIN_EVENT_UNDEFINED
        with self.lock:
            return [self.seen[n][undef] - t for n, owner, t in expected
                    if owner != self.cid and undef in self.seen.get(n, {})]


class LoadError(Exception):
    """A call answered, but wrongly."""


def expect(cond, what):
    if not cond:
        raise LoadError(what)


def worker_main(pipe, uri, first_cid, nthreads, world):
    """One process of client threads, driven by the parent over pipe."""
    libvirt.registerErrorHandler(quiet, None)
    libvirt.virEventRegisterDefaultImpl()
    loop = threading.Thread(target=event_loop, daemon=True)
    loop.start()
    clients = [Client(first_cid + i, uri, world) for i in range(nthreads)]
    try:
        for c in clients:
            c.connect()
    except libvirt.libvirtError as e:
        pipe.send({"ready": False, "error": "client connect: %s" % e})
        return
    pipe.send({"ready": True})
    msg = pipe.recv()                 # {"start": t, "deadline": t}
    delay = msg["start"] - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    threads = [threading.Thread(target=c.run, args=(msg["deadline"],)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pipe.send({
        "calls": sum(c.calls for c in clients),
        "failures": sum(c.failures for c in clients),
        "first": [f for c in clients for f in c.first],
        "ops": {k: [sum(c.ops[k][0] for c in clients), sum(c.ops[k][1] for c in clients),
                    max(c.ops[k][2] for c in clients)] for k in OPS},
        "acked": [(n, c.cid, t) for c in clients for n, t in c.acked],
    })
    expected = pipe.recv()["expected"]
    end = time.monotonic() + EVENT_WAIT
    while any(c.missing_events(expected) for c in clients) and time.monotonic() < end:
        time.sleep(0.1)
    missing = [(c.cid, n) for c in clients for n in c.missing_events(expected)]
    lags = sorted(lag for c in clients for lag in c.event_lags(expected))
    pipe.send({"missing": len(missing), "examples": missing[:5],
               "lag_median": lags[len(lags) // 2] if lags else 0,
               "lag_max": lags[-1] if lags else 0})
    pipe.recv()                       # "close"
    errors = []
    for c in clients:
        try:
            c.close()
        except libvirt.libvirtError as e:
            errors.append("client %d close: %s" % (c.cid, e))
    pipe.send({"closed": errors})


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def worker_entry(*args):
    try:
        worker_main(*args)
    except Exception:  # pylint: disable=broad-except
        traceback.print_exc()
        args[0].send({"crashed": traceback.format_exc()})


# ---------------------------------------------------------------- parent

class Workers:
    """The client processes and their pipes."""

    def __init__(self, args, world):
        ctx = multiprocessing.get_context("spawn")
        per = [args.clients // args.procs + (1 if i < args.clients % args.procs else 0)
               for i in range(args.procs)]
        self.pipes, self.procs = [], []
        first = 0
        for n in per:
            parent, child = ctx.Pipe()
            p = ctx.Process(target=worker_entry, args=(child, args.uri, first, n, world),
                            daemon=True)
            p.start()
            self.pipes.append(parent)
            self.procs.append(p)
            first += n

    def recv_all(self, limit):
        """One message from each process (None for one that said nothing)."""
        out = []
        end = time.monotonic() + limit
        for pipe in self.pipes:
            left = max(0.0, end - time.monotonic())
            out.append(pipe.recv() if pipe.poll(left) else None)
        return out

    def send_all(self, msg):
        for pipe in self.pipes:
            pipe.send(msg)

    def stop(self):
        for p in self.procs:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join()


def bad_replies(replies, what):
    bad = [r for r in replies if r is None or "crashed" in r]
    if bad:
        tap(False, what, "\n".join(r["crashed"] if r else "a client process did not answer"
                                    for r in bad))
    return bad


def run_load(args, pid, world, fd_base):
    """The load itself; returns False when the clients broke down."""
    workers = Workers(args, world)
    ready = workers.recv_all(60)
    if bad_replies(ready, "the client processes start"):
        return False
    bad = [r["error"] for r in ready if not r["ready"]]
    if not tap(not bad, "%d clients connected (%d processes of threads), each with a "
               "lifecycle callback" % (args.clients, args.procs), "\n".join(bad)):
        return False
    start = time.monotonic() + 0.2
    deadline = start + args.seconds
    workers.send_all({"start": start, "deadline": deadline})
    samples = []
    warm = None
    while time.monotonic() < deadline:
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        now = time.monotonic() - start
        samples.append((proc_rss_kb(pid), proc_status(pid, "Threads")))
        if warm is None and now >= WARMUP:
            warm = (proc_rss_kb(pid), proc_fds(pid))
    rss_end, fds_end = proc_rss_kb(pid), proc_fds(pid)
    stats = workers.recv_all(60)
    elapsed = time.monotonic() - start
    if bad_replies(stats, "every client process reports its calls"):
        return False
    calls = sum(s["calls"] for s in stats)
    failures = sum(s["failures"] for s in stats)
    ops = {k: (sum(s["ops"][k][0] for s in stats), sum(s["ops"][k][1] for s in stats),
               max(s["ops"][k][2] for s in stats)) for k in OPS}
    tap(failures == 0, "zero failed calls: %d of %d calls failed" % (failures, calls),
        "\n".join([f for s in stats for f in s["first"]][:SHOW_FAILURES]))
    note("%d calls in %.1f s: %.0f calls/s from %d clients" %
         (calls, elapsed, calls / elapsed, args.clients))
    note("op: count, mean and max time as a client sees it (the call(s) and Python):\n" +
         "\n".join("  %-16s %7d %8.2f ms %8.1f ms" % (k, n, 1000 * t / n, 1000 * m)
                   for k, (n, t, m) in ops.items() if n))
    note("RSS (kB) each second: " + " ".join("%d" % r for r, _ in samples))
    note("threads each second: " + " ".join("%d" % t for _, t in samples))
    check_rss(args, warm[0], rss_end)
    note("fds: %d with no client, %d after warm-up, %d at the end of the load "
         "(each client holds one socket)" % (fd_base, warm[1], fds_end))
    check_events(workers, stats, args.clients, world["weights"])
    workers.send_all("close")
    closed = workers.recv_all(60)
    if not bad_replies(closed, "the clients close their connections"):
        errs = [e for c in closed for e in c["closed"]]
        tap(not errs, "the %d clients deregister and close" % args.clients, "\n".join(errs))
    workers.stop()
    back = wait_until(lambda: proc_fds(pid) == fd_base, 10)
    tap(back, "no fd leaked: %d open with no client before the load, %d after the "
        "clients closed" % (fd_base, proc_fds(pid)), "" if back else fd_listing(pid))
    note("RSS after the clients closed: %d kB" % proc_rss_kb(pid))
    return True


def check_rss(args, warm, end):
    growth = (end - warm) * 100.0 / warm
    what = ("RSS at the end at most %d %% above its value after %d s of warm-up: "
            "%d kB after warm-up, %d kB at the end (%+.1f %%)"
            % (RSS_SLACK * 100, WARMUP, warm, end, growth))
    if args.sanitizer:
        print("ok - %s # SKIP %s build: its allocator quarantines freed memory, "
              "so RSS says nothing about leaks (LeakSanitizer does, at exit)"
              % (what, args.sanitizer))
    else:
        tap(end <= warm * (1 + RSS_SLACK), what)


def check_events(workers, stats, clients, weights):
    acked = [tuple(a) for s in stats for a in s["acked"]]
    workers.send_all({"expected": acked})
    replies = workers.recv_all(EVENT_WAIT + 30)
    if bad_replies(replies, "the clients report the events they heard"):
        return
    if not weights.get("define_undefine"):
        print("ok - events # SKIP no define_undefine in --only")
        return
    missing = sum(r["missing"] for r in replies)
    examples = [e for r in replies for e in r["examples"]]
    tap(missing == 0 and acked,
        "events: each of the %d scratch domains defined and undefined by one client was "
        "heard (defined, undefined) by the lifecycle callbacks of all %d others"
        % (len(acked), clients - 1),
        "" if missing == 0 else "%d (client, domain) pairs missing, e.g. %s" % (missing, examples))
    note("event delay, undefine answered -> heard by another client: median %s s "
         "(one per client process), max %.2f s" %
         ("/".join("%.3f" % r["lag_median"] for r in replies),
          max(r["lag_max"] for r in replies)))


def fd_listing(pid):
    out = []
    for fd in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
        try:
            out.append("%s -> %s" % (fd, os.readlink("/proc/%d/fd/%s" % (pid, fd))))
        except OSError:
            pass
    return "\n".join(out)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--uri", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--guest-xml", action="append", default=[])
    ap.add_argument("--sanitizer", default="")
    ap.add_argument("--only", default="", help="OP,OP...: only these ops (to chase a leak)")
    return ap.parse_args()


def main():
    args = parse_args()
    libvirt.registerErrorHandler(quiet, None)
    pid = args.pid
    conn = libvirt.open(args.uri)
    running = {}
    if args.guest_xml:
        try:
            running = start_guests(conn, args.guest_xml)
            tap(True, "%d running guests: %s" % (len(running), ", ".join(sorted(running))))
        except libvirt.libvirtError as e:
            tap(False, "the guests start", e)
            return 1
    fd_before = proc_fds(pid)
    t0 = time.monotonic()
    errors = define_stable(args.uri, args.domains)
    secs = time.monotonic() - t0
    if not tap(not errors, "%d domains defined from %d connections in %.1f s"
               % (args.domains, DEFINE_THREADS, secs), "\n".join(errors[:SHOW_FAILURES])):
        return 1
    # the define connections are gone: what is left is the baseline
    wait_until(lambda: proc_fds(pid) == fd_before, 10)
    fd_base = proc_fds(pid)
    note("daemon: %d fds, %d kB RSS with %d domains defined" %
         (fd_base, proc_rss_kb(pid), args.domains))
    only = set(filter(None, args.only.split(",")))
    world = {"count": args.domains, "running": running,
             "weights": {k: w for k, w in OPS.items() if not only or k in only}}
    if not run_load(args, pid, world, fd_base):
        return 1
    names = [d.name() for d in conn.listAllDomains(0)]
    left = [n for n in names if n.startswith("scratch-")]
    tap(not left and conn.numOfDefinedDomains() == args.domains and
        conn.numOfDomains() == len(running),
        "after the load: %d defined, %d running, no scratch domain left"
        % (args.domains, len(running)), "left: %s" % left[:10] if left else "")
    for name in running:
        dom = conn.lookupByName(name)
        dom.destroy()
        dom.undefine()
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
