#!/usr/bin/python3
"""test-events.py: storage pool and secret events through python3-libvirt.

Usage: test-events.py URI POOLDIR
One connection registers (storagePoolEventRegisterAny: lifecycle and
refresh, for every pool and for one pool; secretEventRegisterAny:
lifecycle and value-changed); a second connection defines, starts,
refreshes, stops and undefines a dir pool under POOLDIR, and defines,
sets the value of and undefines a secret.  Each step must bring exactly
its event (libvirt's numbers) to the first connection, naming the object,
and nothing once the callbacks are deregistered.
Prints TAP lines; exits non-zero on a failure.
"""
import os
import queue
import sys
import threading
import time

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import tap  # noqa: E402
from tap import ok  # noqa: E402

WAIT = 10.0     # seconds for one event to come
QUIET = 0.5     # seconds with no event to call a step complete

POOL_UUID = "7b3e4f52-1c1a-4e5c-9d2b-5a6f7e8d9c01"
OTHER_UUID = "7b3e4f52-1c1a-4e5c-9d2b-5a6f7e8d9c02"
SECRET_UUID = "c1d2e3f4-0a1b-4c2d-8e3f-405162738495"


libvirt.registerErrorHandler(lambda _c, _e: None, None)
libvirt.virEventRegisterDefaultImpl()
EVENTS = queue.Queue()


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def on_pool_lifecycle(_conn, pool, event, detail, tag):
    EVENTS.put((tag, "pool-lifecycle", pool.name(), pool.UUIDString(), event, detail))


def on_pool_refresh(_conn, pool, tag):
    EVENTS.put((tag, "pool-refresh", pool.name(), pool.UUIDString()))


def on_secret_lifecycle(_conn, secret, event, detail, tag):
    EVENTS.put((tag, "secret-lifecycle", secret.UUIDString(), secret.usageType(),
                secret.usageID(), event, detail))


def on_secret_value(_conn, secret, tag):
    EVENTS.put((tag, "secret-value", secret.UUIDString(), secret.usageType(),
                secret.usageID()))


def collect(want_count):
    """The events that arrive: want_count of them, then QUIET seconds of
    silence (so that an extra one shows too)."""
    got = []
    deadline = time.monotonic() + WAIT
    while len(got) < want_count and time.monotonic() < deadline:
        try:
            got.append(EVENTS.get(timeout=max(0.01, deadline - time.monotonic())))
        except queue.Empty:
            break
    while True:
        try:
            got.append(EVENTS.get(timeout=QUIET))
        except queue.Empty:
            return got


def step(what, action, want):
    """Run action; the events that follow must be want (any order)."""
    try:
        action()
    except libvirt.libvirtError as e:
        ok(False, what, "the call failed: %s" % e)
        collect(0)
        return
    got = collect(len(want))
    ok(sorted(map(repr, got)) == sorted(map(repr, want)), what,
       "want: %r\ngot:  %r" % (want, got))


def call_ok(fn):
    """The binding's *DeregisterAny return None and raise on failure."""
    try:
        fn()
        return True
    except libvirt.libvirtError as e:
        print("# %s" % e)
        return False


def pool_xml(name, uuid, path):
    return ("<pool type='dir'><name>%s</name><uuid>%s</uuid>"
            "<target><path>%s</path></target></pool>" % (name, uuid, path))


def main():
    uri, pooldir = sys.argv[1], sys.argv[2]
    threading.Thread(target=event_loop, daemon=True).start()
    listener = libvirt.open(uri)
    actor = libvirt.open(uri)

    ids = [
        listener.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                             on_pool_lifecycle, "all"),
        listener.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                             on_pool_refresh, "all"),
        listener.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE,
                                        on_secret_lifecycle, "all"),
        listener.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED,
                                        on_secret_value, "all"),
    ]
    ok(all(i >= 0 for i in ids) and len(set(ids)) == 4,
       "four registrations, four distinct callback ids (%s)" % ids)

    # ---- a dir pool ----
    p1dir = os.path.join(pooldir, "p1")
    os.makedirs(p1dir, exist_ok=True)
    L = libvirt
    state = {}
    step("define: lifecycle DEFINED",
         lambda: state.update(pool=actor.storagePoolDefineXML(pool_xml("evpool", POOL_UUID,
                                                                       p1dir), 0)),
         [("all", "pool-lifecycle", "evpool", POOL_UUID, L.VIR_STORAGE_POOL_EVENT_DEFINED, 0)])
    pool = state.get("pool") or actor.storagePoolLookupByName("evpool")

    # a registration for this pool only, made once it exists
    own = listener.storagePoolEventRegisterAny(listener.storagePoolLookupByName("evpool"),
                                               L.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                               on_pool_lifecycle, "own")
    ok(own >= 0, "register lifecycle events of one pool")

    step("start: lifecycle STARTED (twice: every pool and this pool)",
         lambda: pool.create(0),
         [("all", "pool-lifecycle", "evpool", POOL_UUID, L.VIR_STORAGE_POOL_EVENT_STARTED, 0),
          ("own", "pool-lifecycle", "evpool", POOL_UUID, L.VIR_STORAGE_POOL_EVENT_STARTED, 0)])
    step("refresh: one REFRESH event", lambda: pool.refresh(0),
         [("all", "pool-refresh", "evpool", POOL_UUID)])

    p2dir = os.path.join(pooldir, "p2")
    os.makedirs(p2dir, exist_ok=True)
    step("another pool's define does not reach the one-pool registration",
         lambda: actor.storagePoolDefineXML(pool_xml("otherpool", OTHER_UUID, p2dir), 0),
         [("all", "pool-lifecycle", "otherpool", OTHER_UUID,
           L.VIR_STORAGE_POOL_EVENT_DEFINED, 0)])
    step("undefine the other pool: UNDEFINED",
         lambda: actor.storagePoolLookupByName("otherpool").undefine(),
         [("all", "pool-lifecycle", "otherpool", OTHER_UUID,
           L.VIR_STORAGE_POOL_EVENT_UNDEFINED, 0)])

    ok(call_ok(lambda: listener.storagePoolEventDeregisterAny(own)),
       "deregister the one-pool registration")
    step("stop: lifecycle STOPPED, once", lambda: pool.destroy(),
         [("all", "pool-lifecycle", "evpool", POOL_UUID, L.VIR_STORAGE_POOL_EVENT_STOPPED, 0)])
    step("undefine: lifecycle UNDEFINED", lambda: pool.undefine(),
         [("all", "pool-lifecycle", "evpool", POOL_UUID, L.VIR_STORAGE_POOL_EVENT_UNDEFINED, 0)])

    # ---- a secret ----
    usage = os.path.join(p1dir, "disk.qcow2")
    sxml = ("<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
            "<usage type='volume'><volume>%s</volume></usage></secret>" % (SECRET_UUID, usage))
    step("secret define: lifecycle DEFINED",
         lambda: state.update(secret=actor.secretDefineXML(sxml, 0)),
         [("all", "secret-lifecycle", SECRET_UUID, L.VIR_SECRET_USAGE_TYPE_VOLUME, usage,
           L.VIR_SECRET_EVENT_DEFINED, 0)])
    secret = state.get("secret") or actor.secretLookupByUUIDString(SECRET_UUID)
    step("secret set-value: VALUE_CHANGED", lambda: secret.setValue(b"s3cr3t", 0),
         [("all", "secret-value", SECRET_UUID, L.VIR_SECRET_USAGE_TYPE_VOLUME, usage)])
    step("secret undefine: lifecycle UNDEFINED", lambda: secret.undefine(),
         [("all", "secret-lifecycle", SECRET_UUID, L.VIR_SECRET_USAGE_TYPE_VOLUME, usage,
           L.VIR_SECRET_EVENT_UNDEFINED, 0)])

    # ---- deregistration ----
    ok(call_ok(lambda: listener.storagePoolEventDeregisterAny(ids[0])) and
       call_ok(lambda: listener.storagePoolEventDeregisterAny(ids[1])) and
       call_ok(lambda: listener.secretEventDeregisterAny(ids[2])) and
       call_ok(lambda: listener.secretEventDeregisterAny(ids[3])), "deregister everything")
    step("no events after deregistration",
         lambda: actor.storagePoolDefineXML(pool_xml("evpool", POOL_UUID, p1dir), 0).undefine(),
         [])
    # left registered: vireod drops them when this process goes (they
    # keep libvirt's connection open past close(), as in libvirt), and
    # test-events.sh checks it then still stops cleanly
    ok(listener.secretEventRegisterAny(None, L.VIR_SECRET_EVENT_ID_LIFECYCLE,
                                       on_secret_lifecycle, "left") >= 0 and
       listener.storagePoolEventRegisterAny(None, L.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                            on_pool_refresh, "left") >= 0,
       "registrations left open when the connection closes")
    listener.close()
    actor.close()
    return 1 if tap.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
