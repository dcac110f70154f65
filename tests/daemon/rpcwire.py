"""rpcwire.py: libvirt's RPC framing for tests that write packets by hand
(test-wire.py, test-limits.py): XDR pieces, packets, a raw client.
Numbers from src/rpc/remote_protocol.x and FACTS.md."""
import socket
import struct

REMOTE = 0x20008086
QEMU = 0x20008087
KEEPALIVE = 0x6B656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK_, ERROR = 0, 1
PROC_CONNECT_OPEN, PROC_AUTH_LIST = 1, 66


def xdr_string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def xdr_nullable_string(s):
    return struct.pack(">i", 0) if s is None else struct.pack(">i", 1) + xdr_string(s)


def packet(prog, vers, proc, ptype, serial, status=OK_, body=b""):
    hdr = struct.pack(">IIiiIi", prog, vers, proc, ptype, serial, status)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


def call(proc, serial, body=b"", prog=REMOTE, vers=1):
    return packet(prog, vers, proc, CALL, serial, OK_, body)


class Reader:
    """Decodes XDR from a reply body."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def int(self):
        (v,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return v

    def string(self):
        n = self.int()
        s = self.data[self.pos:self.pos + n].decode(errors="replace")
        self.pos += n + (-n % 4)
        return s

    def opt(self, fn):
        return fn() if self.int() else None

    def opaque(self, n):
        v = self.data[self.pos:self.pos + n]
        self.pos += n
        return v


def decode_error(body):
    """remote_error: code, domain, message?, level, dom?, str1-3?, int1, int2, net?"""
    r = Reader(body)
    code, domain = r.int(), r.int()
    message = r.opt(r.string)
    return {"code": code, "domain": domain, "message": message}


class Raw:
    """One client socket speaking packets."""

    def __init__(self, path, timeout):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)

    def send(self, data):
        try:
            self.s.sendall(data)
            return True
        except OSError:
            return False   # the daemon may drop us while we still send

    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def recv(self):
        """((prog, vers, proc, type, serial, status), body), "eof" or "timeout"."""
        try:
            head = self.recv_exact(4)
            if head is None:
                return "eof"
            (length,) = struct.unpack(">I", head)
            rest = self.recv_exact(length - 4)
            if rest is None:
                return "eof"
            return struct.unpack_from(">IIiiIi", rest), rest[24:]
        except socket.timeout:
            return "timeout"
        except ConnectionResetError:
            return "eof"

    def recv_reply(self):
        """Like recv, skipping keepalive messages."""
        while True:
            r = self.recv()
            if isinstance(r, tuple) and r[0][0] == KEEPALIVE:
                continue
            return r

    def connect_open(self, uri):
        """The connect prologue virsh sends (AUTH_LIST, then CONNECT_OPEN
        of uri, on serials 1 and 2); it must be accepted."""
        self.send(call(PROC_AUTH_LIST, 1))
        self.recv_reply()
        self.send(call(PROC_CONNECT_OPEN, 2, xdr_nullable_string(uri) + struct.pack(">I", 0)))
        r = self.recv_reply()
        assert isinstance(r, tuple) and r[0][5] == OK_, \
            "CONNECT_OPEN failed: %r" % (decode_error(r[1]) if isinstance(r, tuple) else r,)

    def close(self):
        self.s.close()
