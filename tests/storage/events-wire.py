#!/usr/bin/python3
"""events-wire.py: the storage pool and secret event procedures of vireod,
called with packets written by hand (tests/daemon/rpcwire.py), for what
libvirt's own client never sends: a secret deregistration given a pool's
callback id, an unknown event id, a second deregistration.

Usage: events-wire.py SOCKET URI
Prints TAP lines; exits non-zero on a failure.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import tap  # noqa: E402
from rpcwire import OK_, Raw, call, decode_error  # noqa: E402
from tap import ok  # noqa: E402

POOL_REGISTER, POOL_DEREGISTER = 368, 369
SECRET_REGISTER, SECRET_DEREGISTER = 380, 381
VIR_ERR_INTERNAL_ERROR = 1   # libvirt's code for these refusals


class Client:
    def __init__(self, path, uri):
        self.c = Raw(path, timeout=10)
        self.c.connect_open(uri)
        self.serial = 2

    def call(self, proc, body=b""):
        """(status, body) of the reply to proc, events skipped."""
        self.serial += 1
        self.c.send(call(proc, self.serial, body))
        while True:
            r = self.c.recv_reply()
            assert isinstance(r, tuple), "no reply to %d: %s" % (proc, r)
            (_prog, _vers, rproc, _type, serial, status), rbody = r
            if rproc == proc and serial == self.serial:
                return status, rbody


def register(cl, proc, event_id):
    """A registration for every object (the optional handle absent)."""
    return cl.call(proc, struct.pack(">ii", event_id, 0))


def main():
    cl = Client(sys.argv[1], sys.argv[2])
    status, body = register(cl, POOL_REGISTER, 0)
    if not ok(status == OK_ and len(body) == 4, "STORAGE_POOL_EVENT_REGISTER_ANY answers an id",
              decode_error(body) if status != OK_ else body):
        return 1
    (pool_id,) = struct.unpack(">i", body)

    status, body = cl.call(SECRET_DEREGISTER, struct.pack(">i", pool_id))
    err = decode_error(body) if status != OK_ else {}
    ok(status != OK_ and err.get("code") == VIR_ERR_INTERNAL_ERROR and
       "secret event callback %d not registered" % pool_id in (err.get("message") or ""),
       "SECRET_EVENT_DEREGISTER_ANY refuses a pool callback id, naming it", err)

    status, body = register(cl, SECRET_REGISTER, 7)
    err = decode_error(body) if status != OK_ else {}
    ok(status != OK_ and err.get("code") == VIR_ERR_INTERNAL_ERROR and
       "unsupported secret event ID 7" in (err.get("message") or ""),
       "SECRET_EVENT_REGISTER_ANY refuses event id 7, naming it", err)

    status, body = cl.call(POOL_DEREGISTER, struct.pack(">i", pool_id))
    ok(status == OK_, "the pool registration is still there and goes with its own procedure",
       decode_error(body) if status != OK_ else "")
    status, body = cl.call(POOL_DEREGISTER, struct.pack(">i", pool_id))
    err = decode_error(body) if status != OK_ else {}
    ok(status != OK_ and err.get("code") == VIR_ERR_INTERNAL_ERROR,
       "a second deregistration is refused", err)
    cl.c.close()
    return 1 if tap.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
