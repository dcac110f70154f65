#!/usr/bin/python3
"""events-libvireo.py: storage pool and secret events through vireo's own
client (libvireo's remote driver), loaded with ctypes.

Usage: events-libvireo.py LIBVIREO.so URI POOLDIR
libvireo registers (vireo_conn_storage_pool_event_register_any,
vireo_conn_secret_event_register_any) on URI and runs its loop with
vireo_event_run_once; python3-libvirt, on a second connection, changes a
dir pool and a secret.  Each step must bring its event; a secret
deregistration refuses a pool callback id (INVALID_ARG) and leaves it
working.  Prints TAP lines; exits non-zero on a failure.
"""
import ctypes
import os
import sys
import time

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import tap  # noqa: E402
from tap import ok  # noqa: E402

VIREO_ERR_INVALID_ARG = 8
POOL_UUID = "8c4f5a63-2d2b-4f6d-8e3c-6b7f8e9dac01"
SECRET_UUID = "d2e3f405-1b2c-4d3e-9f40-516273849506"


libvirt.registerErrorHandler(lambda _c, _e: None, None)

LIFECYCLE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                             ctypes.c_void_p)
GENERIC = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class VireoError(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("domain", ctypes.c_int), ("level", ctypes.c_int),
                ("message", ctypes.c_char_p)]


def load(path):
    lib = ctypes.CDLL(path)
    lib.vireo_conn_open.restype = ctypes.c_void_p
    lib.vireo_conn_open.argtypes = [ctypes.c_char_p]
    lib.vireo_conn_close.argtypes = [ctypes.c_void_p]
    for f in ("vireo_conn_storage_pool_event_register_any",
              "vireo_conn_secret_event_register_any"):
        getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int,
                                    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for f in ("vireo_conn_storage_pool_event_deregister_any",
              "vireo_conn_secret_event_deregister_any"):
        getattr(lib, f).argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.vireo_storage_pool_get_name.restype = ctypes.c_char_p
    lib.vireo_storage_pool_get_name.argtypes = [ctypes.c_void_p]
    lib.vireo_secret_get_uuid_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.vireo_secret_get_usage_id.restype = ctypes.c_char_p
    lib.vireo_secret_get_usage_id.argtypes = [ctypes.c_void_p]
    lib.vireo_error_last.restype = ctypes.POINTER(VireoError)
    return lib


def main():
    lib = load(sys.argv[1])
    uri, pooldir = sys.argv[2], sys.argv[3]
    got = []

    def secret_uuid(sec):
        buf = ctypes.create_string_buffer(37)
        lib.vireo_secret_get_uuid_string(sec, buf)
        return buf.value.decode()

    @LIFECYCLE
    def pool_life(_conn, pool, event, detail, _opaque):
        got.append(("pool", lib.vireo_storage_pool_get_name(pool).decode(), event, detail))

    @GENERIC
    def pool_refresh(_conn, pool, _opaque):
        got.append(("refresh", lib.vireo_storage_pool_get_name(pool).decode()))

    @LIFECYCLE
    def secret_life(_conn, sec, event, detail, _opaque):
        got.append(("secret", secret_uuid(sec), lib.vireo_secret_get_usage_id(sec).decode(),
                    event, detail))

    @GENERIC
    def secret_value(_conn, sec, _opaque):
        got.append(("value", secret_uuid(sec)))

    conn = lib.vireo_conn_open(uri.encode())
    if not ok(bool(conn), "libvireo opens %s" % uri):
        return 1
    cast = ctypes.cast
    ids = [
        lib.vireo_conn_storage_pool_event_register_any(conn, None, 0, cast(pool_life, ctypes.c_void_p),
                                                       None, None),
        lib.vireo_conn_storage_pool_event_register_any(conn, None, 1,
                                                       cast(pool_refresh, ctypes.c_void_p),
                                                       None, None),
        lib.vireo_conn_secret_event_register_any(conn, None, 0, cast(secret_life, ctypes.c_void_p),
                                                 None, None),
        lib.vireo_conn_secret_event_register_any(conn, None, 1,
                                                 cast(secret_value, ctypes.c_void_p), None, None),
    ]
    ok(all(i >= 0 for i in ids) and len(set(ids)) == 4, "four registrations through the wire %s"
       % ids)

    def pump(n):
        """Run libvireo's loop until n events came, then a little more."""
        end = time.monotonic() + 10
        while len(got) < n and time.monotonic() < end:
            lib.vireo_event_run_once(100)
        for _ in range(5):
            lib.vireo_event_run_once(50)
        out = list(got)
        del got[:]
        return out

    actor = libvirt.open(uri)
    pdir = os.path.join(pooldir, "lv")
    os.makedirs(pdir, exist_ok=True)
    xml = ("<pool type='dir'><name>lvpool</name><uuid>%s</uuid><target><path>%s</path>"
           "</target></pool>" % (POOL_UUID, pdir))
    pool = actor.storagePoolDefineXML(xml, 0)
    pool.create(0)
    pool.refresh(0)
    events = pump(3)
    ok(events == [("pool", "lvpool", 0, 0), ("pool", "lvpool", 2, 0), ("refresh", "lvpool")],
       "define, start, refresh reach libvireo in order", events)

    usage = os.path.join(pdir, "k.img")
    sec = actor.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                                "<usage type='volume'><volume>%s</volume></usage></secret>"
                                % (SECRET_UUID, usage), 0)
    sec.setValue(b"k3y", 0)
    events = pump(2)
    ok(events == [("secret", SECRET_UUID, usage, 0, 0), ("value", SECRET_UUID)],
       "secret define and set-value reach libvireo with UUID and usage", events)

    rv = lib.vireo_conn_secret_event_deregister_any(conn, ids[0])
    err = lib.vireo_error_last()
    ok(rv == -1 and bool(err) and err.contents.code == VIREO_ERR_INVALID_ARG,
       "a secret deregistration refuses a pool callback id (INVALID_ARG)")
    pool.destroy()
    events = pump(1)
    ok(events == [("pool", "lvpool", 3, 0)], "that pool registration still works", events)

    ok(all(lib.vireo_conn_storage_pool_event_deregister_any(conn, i) == 0 for i in ids[:2]) and
       all(lib.vireo_conn_secret_event_deregister_any(conn, i) == 0 for i in ids[2:]),
       "deregister the four")
    pool.undefine()
    sec.undefine()
    events = pump(0)
    ok(events == [], "nothing after deregistration", events)
    ok(lib.vireo_conn_close(conn) == 0, "the connection closes with nothing left")
    actor.close()
    return 1 if tap.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
