"""test-readonly.py SOCK_RO AUDIT_LOG PROTOCOL_X: walk every procedure of
src/rpc/remote_protocol.x that vireod implements and does not mark
@readonly, over the read-only socket: each must be refused with
OPERATION_DENIED (29) "operation forbidden: read only access ..." and
audited, and the connection must stay up for the next one.  Then the
@readonly procedures whose flags make them need more than reading
(@acl PERM:BITS with a writing PERM) are refused with those flags."""
import re
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import rpcwire  # noqa: E402
from tap import ok  # noqa: E402
import tap  # noqa: E402

OPERATION_DENIED = 29


def procedures(path):
    """(number, name, notes) of each annotated procedure."""
    text = open(path).read()
    body = re.search(r"enum\s+remote_procedure\s*\{(.*?)\};", text, re.S).group(1)
    out, notes = [], None
    for m in re.finditer(r"/\*\*(.*?)\*/|REMOTE_PROC_(\w+)\s*=\s*(\d+)", body, re.S):
        if m.group(1) is not None:
            notes = m.group(1)
            continue
        if notes and "@generate" in notes and "@message" not in notes:
            out.append((int(m.group(3)), m.group(2), notes))
        notes = None
    return out


def refused(raw, serial, proc, body=b""):
    """The decoded error of proc's reply, or None when it was not an error."""
    raw.send(rpcwire.call(proc, serial, body))
    r = raw.recv_reply()
    if not isinstance(r, tuple):
        return {"code": None, "message": "connection: %s" % r}
    if r[0][5] != rpcwire.ERROR:
        return None
    return rpcwire.decode_error(r[1])


def main():
    sock, audit, proto = sys.argv[1:4]
    procs = procedures(proto)
    writers = [p for p in procs if "@readonly" not in p[2] and not p[1].startswith("AUTH_")]
    ok(len(writers) > 50, "the protocol has %d implemented procedures not marked @readonly"
       % len(writers))
    raw = rpcwire.Raw(sock, 10)
    raw.connect_open(None)
    bad = []
    for serial, (num, name, _) in enumerate(writers, start=10):
        err = refused(raw, serial, num)
        if not err or err["code"] != OPERATION_DENIED or \
                "read only access" not in (err["message"] or ""):
            bad.append("%s (%d): %r" % (name, num, err))
    ok(not bad, "every one of the %d is refused with OPERATION_DENIED 'read only access'"
       % len(writers), "\n".join(bad))
    log = open(audit).read()
    missing = [name for _, name, _ in writers
               if not re.search(r"api=\S+ result=error code=29 message=\"operation forbidden: "
                                r"read only access prevents vir%s\"" %
                                "".join(w.capitalize() for w in name.split("_")), log,
                                re.I)]
    ok(not missing, "every refusal is in the audit log", "missing: %s" % missing)

    # flags that need writing on a @readonly procedure: GET_XML_DESC SECURE
    raw.send(rpcwire.call(23, 8999, rpcwire.xdr_string("test")))   # DOMAIN_LOOKUP_BY_NAME
    r = raw.recv_reply()
    dom = r[1] if isinstance(r, tuple) and r[0][5] == rpcwire.OK_ else b""
    ok(dom, "the test domain is looked up on the read-only socket", r)
    err = refused(raw, 9000, 14, dom + struct.pack(">I", 1))
    ok(err and err["code"] == OPERATION_DENIED and "read only access" in err["message"],
       "GET_XML_DESC with VIR_DOMAIN_XML_SECURE is refused on the read-only socket", err)
    err = refused(raw, 9001, 14, dom + struct.pack(">I", 0))
    ok(err is None, "GET_XML_DESC without it is answered", err)
    raw.close()
    sys.exit(1 if tap.FAILURES else 0)


main()
