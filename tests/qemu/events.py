#!/usr/bin/python3
"""events.py URI OUT READY: write every domain lifecycle event the daemon
sends to OUT, one line each, "NAME EVENT DETAIL" (libvirt's names for
the event and its detail, e.g. "g1 started booted"), flushed at once;
touch READY once registered.  Runs until killed."""
import sys

import libvirt

EVENTS = {
    libvirt.VIR_DOMAIN_EVENT_DEFINED: ("defined", ["added", "updated", "renamed", "from_snapshot"]),
    libvirt.VIR_DOMAIN_EVENT_UNDEFINED: ("undefined", ["removed", "renamed"]),
    libvirt.VIR_DOMAIN_EVENT_STARTED: ("started", ["booted", "migrated", "restored", "from_snapshot", "wakeup"]),
    libvirt.VIR_DOMAIN_EVENT_SUSPENDED: ("suspended", ["paused", "migrated", "ioerror", "watchdog", "restored",
                                                       "from_snapshot", "api_error", "postcopy", "postcopy_failed"]),
    libvirt.VIR_DOMAIN_EVENT_RESUMED: ("resumed", ["unpaused", "migrated", "from_snapshot", "postcopy",
                                                   "postcopy_failed"]),
    libvirt.VIR_DOMAIN_EVENT_STOPPED: ("stopped", ["shutdown", "destroyed", "crashed", "migrated", "saved",
                                                   "failed", "from_snapshot"]),
    libvirt.VIR_DOMAIN_EVENT_SHUTDOWN: ("shutdown", ["finished", "guest", "host"]),
    libvirt.VIR_DOMAIN_EVENT_PMSUSPENDED: ("pmsuspended", ["memory", "disk"]),
    libvirt.VIR_DOMAIN_EVENT_CRASHED: ("crashed", ["panicked", "crashloaded"]),
}


def name_of(event, detail):
    ev, details = EVENTS.get(event, ("event%d" % event, []))
    return ev, details[detail] if 0 <= detail < len(details) else "detail%d" % detail


def main():
    uri, out_path, ready = sys.argv[1], sys.argv[2], sys.argv[3]
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    out = open(out_path, "a", buffering=1)

    def on_lifecycle(_conn, dom, event, detail, _opaque):
        ev, det = name_of(event, detail)
        out.write("%s %s %s\n" % (dom.name(), ev, det))

    conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
    open(ready, "w").close()
    while True:
        libvirt.virEventRunDefaultImpl()


main()
