#!/usr/bin/python3
"""test-python.py: python3-libvirt, unchanged, against the daemon.

Usage: test-python.py CHECK URI [DAEMON]
  api         the domain API: open, list, lookup, define, create, destroy,
              info, state, XMLDesc, undefine, isActive, isPersistent, autostart
  events      lifecycle events reach this client while a virsh process
              changes a domain
  nosupport   unimplemented calls fail with VIR_ERR_NO_SUPPORT and the
              connection keeps working
  clients     8 processes doing lookups and lists at once
  threads     8 threads overlapping calls on one connection
  worker      (one of the "clients" processes)
DAEMON is vireod or libvirtd (some checks differ; said where).
Prints TAP lines; exits non-zero on a failure.
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

import libvirt

import tap
from tap import ok

TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f"
NAMES = []


def quiet(_ctx, _err):
    """Keep libvirt's default error printer off stderr."""


libvirt.registerErrorHandler(quiet, None)


def domain_xml(name, uuid):
    return ("<domain type='test'><name>%s</name><uuid>%s</uuid>"
            "<memory unit='KiB'>131072</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64'>hvm</type></os></domain>" % (name, uuid))


def uuid_of(i):
    return "22222222-3333-4444-5555-%012d" % i


def check_api(uri, _daemon):
    conn = libvirt.open(uri)
    ok(conn is not None, "libvirt.open")
    doms = conn.listAllDomains()
    ok([d.name() for d in doms] == ["test"], "listAllDomains: the default node",
       [d.name() for d in doms])
    dom = conn.lookupByName("test")
    ok(dom.UUIDString() == TEST_UUID and dom.ID() == 1, "lookupByName",
       (dom.UUIDString(), dom.ID()))
    ok(conn.lookupByUUIDString(TEST_UUID).name() == "test", "lookupByUUIDString")
    ok(conn.lookupByID(1).name() == "test", "lookupByID")
    ok(dom.isActive() == 1 and dom.isPersistent() == 1, "isActive, isPersistent")
    ok(dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_UNKNOWN],
       "state of the default domain", dom.state())
    info = dom.info()
    ok(info[0] == libvirt.VIR_DOMAIN_RUNNING and info[1] == 8388608 and
       info[2] == 2097152 and info[3] == 2, "info of the default domain", info)
    ok("<name>test</name>" in dom.XMLDesc(0), "XMLDesc")

    uuid = uuid_of(1)
    dom = conn.defineXML(domain_xml("py1", uuid))
    ok(dom.name() == "py1" and dom.UUIDString() == uuid, "defineXML")
    ok(dom.isActive() == 0 and dom.isPersistent() == 1, "defined: inactive, persistent")
    ok(dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF, "defined: shut off", dom.state())
    ok(dom.ID() == -1, "defined: no id", dom.ID())
    ok(dom.autostart() == 0, "autostart off")
    dom.setAutostart(1)
    ok(conn.lookupByName("py1").autostart() == 1, "setAutostart")
    dom.setAutostart(0)
    names = sorted(d.name() for d in conn.listAllDomains())
    ok(names == ["py1", "test"], "listAllDomains sees the new domain", names)
    inactive = [d.name() for d in
                conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_INACTIVE)]
    ok(inactive == ["py1"], "listAllDomains(INACTIVE)", inactive)
    ok(dom.create() == 0, "create")
    ok(dom.isActive() == 1 and dom.ID() > 1, "started: active, new id", dom.ID())
    ok(dom.state() == [libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_RUNNING_BOOTED],
       "started: running (booted)", dom.state())
    ok(conn.lookupByID(dom.ID()).name() == "py1", "lookupByID of the started domain")
    info = dom.info()
    ok(info[0] == libvirt.VIR_DOMAIN_RUNNING and info[1] == 131072 and info[3] == 1,
       "info of the started domain", info)
    xml = dom.XMLDesc(0)
    ok("<name>py1</name>" in xml and ("id='%d'" % dom.ID()) in xml,
       "XMLDesc of the running domain carries its id", xml)
    dom.suspend()
    ok(dom.state() == [libvirt.VIR_DOMAIN_PAUSED, libvirt.VIR_DOMAIN_PAUSED_USER],
       "suspend", dom.state())
    dom.resume()
    ok(dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING, "resume", dom.state())
    ok(dom.destroy() == 0, "destroy")
    ok(dom.state() == [libvirt.VIR_DOMAIN_SHUTOFF, libvirt.VIR_DOMAIN_SHUTOFF_DESTROYED],
       "destroyed: shut off (destroyed)", dom.state())
    ok(dom.undefine() == 0, "undefine")
    try:
        conn.lookupByName("py1")
        ok(False, "lookup of an undefined domain fails")
    except libvirt.libvirtError as e:
        ok(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN,
           "lookup of an undefined domain: VIR_ERR_NO_DOMAIN", e)
    try:
        conn.lookupByUUIDString(uuid_of(99))
        ok(False, "lookupByUUIDString of a missing domain fails")
    except libvirt.libvirtError as e:
        ok(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN,
           "lookupByUUIDString of a missing domain: VIR_ERR_NO_DOMAIN", e)
    try:
        conn.defineXML("<domain type='test'><name>bad")
        ok(False, "defineXML of malformed XML fails")
    except libvirt.libvirtError as e:
        ok(e.get_error_code() == libvirt.VIR_ERR_XML_DETAIL,
           "defineXML of malformed XML: VIR_ERR_XML_DETAIL", e)
    ok(conn.getType() == "TEST" and conn.getHostname() != "", "getType, getHostname")
    ok("<capabilities>" in conn.getCapabilities(), "getCapabilities")
    ok(conn.close() >= 0, "close")


# (event, detail) pairs libvirt sends for the virsh sequence below
EXPECTED_EVENTS = [
    ("DEFINED", "ADDED"), ("STARTED", "BOOTED"), ("SUSPENDED", "PAUSED"),
    ("RESUMED", "UNPAUSED"), ("STOPPED", "DESTROYED"), ("UNDEFINED", "REMOVED"),
]
EVENT_NUMBERS = {
    ("DEFINED", "ADDED"): (0, 0), ("UNDEFINED", "REMOVED"): (1, 0),
    ("STARTED", "BOOTED"): (2, 0), ("SUSPENDED", "PAUSED"): (3, 0),
    ("RESUMED", "UNPAUSED"): (4, 0), ("STOPPED", "DESTROYED"): (5, 1),
}


def check_events(uri, _daemon):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    got = []
    other = []
    cond = threading.Condition()

    def lifecycle(_conn, dom, event, detail, opaque):
        with cond:
            (got if dom.name() == "ev1" else other).append((event, detail, opaque))
            cond.notify_all()

    cb = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                     lifecycle, "opaque-1")
    ok(cb >= 0, "domainEventRegisterAny", cb)
    # a second registration, for the default domain only: proves the
    # first one is gone after deregistering (events arrive in order)
    sentinel = []

    def heard(_conn, dom, event, detail, _opaque):
        with cond:
            sentinel.append((dom.name(), event, detail))
            cond.notify_all()

    cb2 = conn.domainEventRegisterAny(conn.lookupByName("test"),
                                      libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, heard, None)
    ok(cb2 >= 0 and cb2 != cb, "domainEventRegisterAny for one domain", cb2)
    running = [True]

    def loop():
        while running[0]:
            libvirt.virEventRunDefaultImpl()

    t = threading.Thread(target=loop, daemon=True)
    t.start()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ev1.xml")
        with open(path, "w") as f:
            f.write(domain_xml("ev1", uuid_of(7)))
        seq = "define %s; start ev1; suspend ev1; resume ev1; destroy ev1; undefine ev1" % path
        r = subprocess.run(["virsh", "-q", "-c", uri, seq], capture_output=True,
                           text=True, timeout=60)
        ok(r.returncode == 0, "another process (virsh) changes a domain", r.stderr)

    want = [EVENT_NUMBERS[p] + ("opaque-1",) for p in EXPECTED_EVENTS]
    deadline = time.monotonic() + 10
    with cond:
        while len(got) < len(want) and time.monotonic() < deadline:
            cond.wait(0.2)
    ok(got == want, "lifecycle events arrive in order with libvirt's numbers "
       "(defined, started, suspended, resumed, stopped/destroyed, undefined)",
       "want %s\ngot  %s" % (want, got))
    ok(other == [], "no events for other domains", other)

    ok(sentinel == [], "the one-domain registration heard nothing of ev1", sentinel)
    # Deregistered: the first callback hears nothing more, the second
    # (registered for "test") hears suspend and resume of "test".
    conn.domainEventDeregisterAny(cb)
    dom = conn.lookupByName("test")
    dom.suspend()
    dom.resume()
    deadline = time.monotonic() + 10
    with cond:
        while len(sentinel) < 2 and time.monotonic() < deadline:
            cond.wait(0.2)
    ok(sentinel == [("test", 3, 0), ("test", 4, 0)],
       "a one-domain registration hears that domain's events", sentinel)
    ok(other == [], "domainEventDeregisterAny: the callback hears nothing more", other)
    conn.domainEventDeregisterAny(cb2)
    ok(conn.lookupByName("test").isActive() == 1, "connection works after deregistering")
    running[0] = False
    # wake the loop so the thread ends
    libvirt.virEventAddTimeout(0, lambda *a: None, None)
    t.join(5)
    conn.close()


def check_nosupport(uri, daemon):
    conn = libvirt.open(uri)
    dom = conn.lookupByName("test")
    calls = [
        ("dom.blockCommit()", lambda: dom.blockCommit("vda", None, None, 0, 0)),
        ("dom.blockPull()", lambda: dom.blockPull("vda", 0, 0)),
        ("dom.migrateGetMaxSpeed()", lambda: dom.migrateGetMaxSpeed(0)),
        ("conn.listAllSecrets()", conn.listAllSecrets),
    ]
    if daemon != "libvirtd":
        # libvirt's test driver implements these; vireo does not (yet)
        calls += [
            ("dom.schedulerType()", dom.schedulerType),
            ("conn.listAllNetworks()", conn.listAllNetworks),
        ]
    for what, call in calls:
        try:
            call()
            ok(False, what + " is not supported", "it succeeded")
        except libvirt.libvirtError as e:
            ok(e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT,
               what + ": VIR_ERR_NO_SUPPORT (3)",
               "code %d: %s" % (e.get_error_code(), e))
        ok(conn.lookupByName("test").UUIDString() == TEST_UUID,
           "the connection keeps working after " + what)
    conn.close()


def worker(uri, rounds):
    """One of the concurrent clients: lookups and lists; exit 0 if all right."""
    conn = libvirt.open(uri)
    for _ in range(rounds):
        if conn.lookupByName("test").UUIDString() != TEST_UUID:
            sys.exit(2)
        if conn.lookupByUUIDString(TEST_UUID).name() != "test":
            sys.exit(3)
        names = sorted(d.name() for d in conn.listAllDomains())
        if "test" not in names:
            sys.exit(4)
    conn.close()
    sys.exit(0)


def check_clients(uri, _daemon):
    n, rounds = 8, 200
    start = time.monotonic()
    procs = [subprocess.Popen([sys.executable, __file__, "worker", uri, str(rounds)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(n)]
    results = []
    for p in procs:
        try:
            out, _ = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        results.append((p.returncode, out))
    bad = [r for r in results if r[0] != 0]
    ok(not bad, "%d client processes, %d rounds of 3 calls each, all answered right "
       "(%.1fs)" % (n, rounds, time.monotonic() - start), bad)


def check_threads(uri, _daemon):
    conn = libvirt.open(uri)
    n, rounds = 8, 150
    for i in range(n):
        conn.defineXML(domain_xml("th%d" % i, uuid_of(100 + i)))
    errors = []
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            for _ in range(rounds):
                d = conn.lookupByName("th%d" % i)
                if d.UUIDString() != uuid_of(100 + i):
                    errors.append("thread %d: uuid %s" % (i, d.UUIDString()))
                if conn.lookupByUUIDString(uuid_of(100 + i)).name() != "th%d" % i:
                    errors.append("thread %d: wrong name" % i)
                if "<name>th%d</name>" % i not in d.XMLDesc(0):
                    errors.append("thread %d: wrong XML" % i)
        except Exception as e:  # pylint: disable=broad-except
            errors.append("thread %d: %s" % (i, e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ok(not errors and not any(t.is_alive() for t in threads),
       "%d threads, overlapping calls on one connection, each answered right" % n,
       "\n".join(errors[:10]))
    for i in range(n):
        conn.lookupByName("th%d" % i).undefine()
    names = [d.name() for d in conn.listAllDomains()]
    ok(names == ["test"], "the threads' domains are undefined", names)
    conn.close()


def main():
    check, uri = sys.argv[1], sys.argv[2]
    daemon = sys.argv[3] if len(sys.argv) > 3 else "vireod"
    if check == "worker":
        worker(uri, int(daemon))
    fn = globals()["check_" + check]
    try:
        fn(uri, daemon)
    except libvirt.libvirtError as e:
        ok(False, "%s: no unexpected libvirt error" % check,
           "code %d: %s" % (e.get_error_code(), e))
    sys.exit(1 if tap.FAILURES else 0)


if __name__ == "__main__":
    main()
