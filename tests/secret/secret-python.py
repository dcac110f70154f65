#!/usr/bin/python3
"""secret-python.py URI: python3-libvirt drives vireod's secrets (run by
test-secret-virsh.sh; prints TAP lines).  Defines, sets, reads, lists
with filters, looks up by usage, is refused a private value with
libvirt's error code, and watches the lifecycle and value events."""
import os
import sys
import threading
import time

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import tap  # noqa: E402

URI = sys.argv[1]


def check(cond, what, detail=None):
    tap.ok(cond, "python3-libvirt: " + what, detail or "")


libvirt.registerErrorHandler(lambda ctx, err: None, None)
libvirt.virEventRegisterDefaultImpl()
stop = False


def loop():
    while not stop:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()
conn = libvirt.open(URI)

events = []


def on_lifecycle(c, secret, event, detail, opaque):
    events.append(("lifecycle", secret.UUIDString(), event))


def on_value(c, secret, opaque):
    events.append(("value", secret.UUIDString(), None))


ids = [conn.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_LIFECYCLE, on_lifecycle, None),
       conn.secretEventRegisterAny(None, libvirt.VIR_SECRET_EVENT_ID_VALUE_CHANGED, on_value, None)]
check(all(i >= 0 for i in ids), "register secret lifecycle and value-changed events")


def wait_event(kind, uuid, event=None, limit=10.0):
    end = time.time() + limit
    while time.time() < end:
        for e in events:
            if e[0] == kind and e[1] == uuid and (event is None or e[2] == event):
                return True
        time.sleep(0.02)
    return False


U = "7e2c1b3f-2a1d-4e6f-9bac-1d2e3f4a5b61"
UP = "7e2c1b3f-2a1d-4e6f-9bac-1d2e3f4a5b62"
xml = ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
       "<usage type='iscsi'><target>iqn.2026-11.org.vireo:py</target></usage></secret>" % U)
s = conn.secretDefineXML(xml)
check(s.UUIDString() == U, "secretDefineXML")
check(s.usageType() == libvirt.VIR_SECRET_USAGE_TYPE_ISCSI and
      s.usageID() == "iqn.2026-11.org.vireo:py", "usageType and usageID")
check(wait_event("lifecycle", U, libvirt.VIR_SECRET_EVENT_DEFINED), "a DEFINED event", events)

try:
    s.value()
    check(False, "value() before setValue raises VIR_ERR_NO_SECRET")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_NO_SECRET and "does not have a value" in str(e),
          "value() before setValue raises VIR_ERR_NO_SECRET", e)

blob = bytes(range(256)) * 4
check(s.setValue(blob) == 0, "setValue of 1024 bytes")
check(s.value() == blob, "value() returns the same bytes")
check(wait_event("value", U), "a VALUE_CHANGED event", events)
try:
    s.setValue(b"x" * 65537)
    check(False, "a value over 65536 bytes is refused")
except libvirt.libvirtError as e:
    check(True, "a value over 65536 bytes is refused")
check(s.value() == blob, "and the old value stays")

found = conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_ISCSI, "iqn.2026-11.org.vireo:py")
check(found.UUIDString() == U, "secretLookupByUsage")
check(conn.secretLookupByUUIDString(U).UUIDString() == U, "secretLookupByUUIDString")

p = conn.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                         "<usage type='tls'><name>py-tls</name></usage></secret>" % UP)
p.setValue(b"hidden")
try:
    p.value()
    check(False, "value() of a private secret raises VIR_ERR_INVALID_SECRET")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_INVALID_SECRET and "secret is private" in str(e),
          "value() of a private secret raises VIR_ERR_INVALID_SECRET", e)

mine = {U, UP}
def listed(flags):
    return sorted(x.UUIDString() for x in conn.listAllSecrets(flags) if x.UUIDString() in mine)
check(listed(0) == [U, UP], "listAllSecrets")
check(listed(libvirt.VIR_CONNECT_LIST_SECRETS_PRIVATE) == [UP], "listAllSecrets PRIVATE")
check(listed(libvirt.VIR_CONNECT_LIST_SECRETS_NO_PRIVATE) == [U], "listAllSecrets NO_PRIVATE")
check(listed(libvirt.VIR_CONNECT_LIST_SECRETS_EPHEMERAL) == [], "listAllSecrets EPHEMERAL")
check(sorted(conn.listSecrets()) == sorted(x.UUIDString() for x in conn.listAllSecrets()),
      "listSecrets agrees with listAllSecrets")

check(s.undefine() == 0 and p.undefine() == 0, "undefine both")
check(wait_event("lifecycle", U, libvirt.VIR_SECRET_EVENT_UNDEFINED), "an UNDEFINED event", events)
try:
    conn.secretLookupByUUIDString(U)
    check(False, "lookup after undefine raises VIR_ERR_NO_SECRET")
except libvirt.libvirtError as e:
    check(e.get_error_code() == libvirt.VIR_ERR_NO_SECRET, "lookup after undefine raises VIR_ERR_NO_SECRET", e)

for i in ids:
    conn.secretEventDeregisterAny(i)
stop = True
conn.close()
sys.exit(1 if tap.FAILURES else 0)
