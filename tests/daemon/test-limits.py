#!/usr/bin/python3
"""test-limits.py: vireod's resource limits, from the client side.

Usage: test-limits.py SOCKET CHECK [N...]
  clients N      the daemon runs with max_clients = N: N python3-libvirt
                 connections get in, the next gets the error naming
                 max_clients (and virsh prints it), the N still work, and
                 once one closes a new one gets in
  hold N         max_clients = N, N connections held: a flood of 80 more
                 raw connections: at most 64 are held (the rest closed at
                 once), a held one is answered with the error when it
                 calls, a silent one is closed within the linger time
  queue R Q      max_client_requests = R, max_client_queue = Q: 50 calls
                 pipelined on one raw socket are each answered once, with
                 their serial, the first R + Q never refused and the rest
                 refused with the error naming max_client_queue; a PING
                 sent among them gets its PONG; another client is served
                 meanwhile
  packets        a length word over 32 MiB gets the error on its serial
                 then end of file; one under the header is dropped; a
                 5 MiB string in a call gets the error naming the 4 MiB
                 limit and the connection stays; the next client is served
  nofile PID     the daemon's RLIMIT_NOFILE is lowered to what it uses
                 + 3 and 6 clients connect: it does not spin on the
                 connections it cannot accept, serves the clients in,
                 and accepts again once descriptors are free
  threads        defaults: 50 threads sharing one python3-libvirt
                 connection each do 40 lookups, every one answered; 300
                 calls pipelined on a raw socket are all answered
Prints TAP lines and, last, "# refused LIMIT: N" for each limit (the
refusals it saw, to compare with the daemon's log);
exits non-zero on a failure.
"""
import os
import struct
import subprocess
import sys
import threading
import time

import libvirt

import rpcwire
import tap
from rpcwire import (ERROR, KEEPALIVE, MESSAGE, OK_, REPLY, call, decode_error, packet,
                     xdr_string)
from tap import ok

PROC_CONNECT_OPEN = 1
PROC_LOOKUP_BY_NAME = 23
PROC_AUTH_LIST = 66
VIR_ERR_OPERATION_FAILED = 9
VIR_ERR_RPC = 39
TEST_UUID = "6695eb01-f6a4-8304-79aa-97f2502e193f"

# refusals this run saw, by the name the daemon's totals use
REFUSED = {"max_clients": 0, "max_client_queue": 0, "packet size": 0, "string size": 0}


class Raw(rpcwire.Raw):
    def __init__(self, path, timeout=10.0):
        super().__init__(path, timeout)

    def open_conn(self):
        self.send(call(PROC_CONNECT_OPEN, 1, struct.pack(">i", 1) +
                       xdr_string("test:///default") + struct.pack(">I", 0)))
        r = self.recv()
        return isinstance(r, tuple) and r[0][5] == OK_


def uri(path):
    return "test+unix:///default?socket=" + path


def open_conn(path, conns):
    """Open a connection into conns; False when refused."""
    try:
        conns.append(libvirt.open(uri(path)))
        return True
    except libvirt.libvirtError as e:
        REFUSED["max_clients"] += "max_clients" in (e.get_error_message() or "")
        return False


def open_n(path, n):
    """n connections, waiting for the daemon to see earlier ones close."""
    conns = []
    wait_until(lambda: (len(conns) == n) or (open_conn(path, conns) and len(conns) == n))
    assert len(conns) == n, "only %d of %d connections got in" % (len(conns), n)
    return conns


def works(conn):
    try:
        return conn.lookupByName("test").UUIDString() == TEST_UUID
    except libvirt.libvirtError:
        return False


def open_error(path):
    """libvirt.open's error (code, message), or None when it got in."""
    try:
        c = libvirt.open(uri(path))
    except libvirt.libvirtError as e:
        REFUSED["max_clients"] += "max_clients" in (e.get_error_message() or "")
        return e.get_error_code(), e.get_error_message()
    c.close()
    return None


def wait_until(pred, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


# --- the checks ----------------------------------------------------------------
def check_clients(path, n):
    conns = open_n(path, n)
    ok(all(works(c) for c in conns), "max_clients = %d: %d clients get in and work" % (n, n))
    e = open_error(path)
    ok(e is not None and e[0] == VIR_ERR_OPERATION_FAILED and
       "max_clients (%d)" % n in (e[1] or ""),
       "client %d is refused with VIR_ERR_OPERATION_FAILED naming max_clients (%d)" % (n + 1, n),
       e)
    v = subprocess.run(["virsh", "-c", uri(path), "list"], capture_output=True, text=True,
                       timeout=30)
    REFUSED["max_clients"] += "max_clients" in v.stderr
    ok(v.returncode != 0 and "max_clients (%d) reached" % n in v.stderr,
       "virsh over the limit prints the error naming max_clients", v.stderr)
    ok(all(works(c) for c in conns), "the %d clients in are still served" % n)
    conns.pop().close()
    # the daemon sees the close a moment later: until then, refused
    got_in = wait_until(lambda: open_conn(path, conns))
    ok(got_in, "once one closes, a new client gets in")
    ok(all(works(c) for c in conns), "and the 3 now in are served")
    for c in conns:
        c.close()
    conns.clear()
    ok(wait_until(lambda: open_conn(path, conns) and len(conns) == n),
       "once all leave, %d new clients get in: no stale count" % n, len(conns))
    for c in conns:
        c.close()


def check_hold(path, n):
    conns = open_n(path, n)
    raws = [Raw(path, timeout=0.5) for _ in range(80)]
    REFUSED["max_clients"] += len(raws)
    # the first 64 are held; the daemon closes the rest at once
    closed = 0
    for r in raws[64:]:
        closed += r.recv() == "eof"
    ok(closed == 16, "80 connections over max_clients: the 16 past the 64 held are closed at once",
       "%d of 16 closed" % closed)
    r = raws[0]
    r.s.settimeout(10)
    r.send(call(PROC_AUTH_LIST, 5))
    rep = r.recv()
    good = (isinstance(rep, tuple) and rep[0][1:6] == (1, PROC_AUTH_LIST, REPLY, 5, ERROR) and
            "max_clients (%d)" % n in (decode_error(rep[1])["message"] or ""))
    ok(good, "a held one that calls gets the error on its serial", rep)
    ok(r.recv() == "eof", "then end of file")
    # a silent held one is closed within CLIENT_LINGER_SECONDS (5)
    silent = raws[1]
    silent.s.settimeout(15)
    start = time.monotonic()
    gone = silent.recv() == "eof"
    took = time.monotonic() - start
    ok(gone and took < 12, "a silent held connection is closed after the linger time (%.1fs)" % took)
    for r in raws:
        r.close()
    ok(all(works(c) for c in conns), "the clients in were served throughout")
    for c in conns:
        c.close()


def check_queue(path, reqs, queue):
    other = libvirt.open(uri(path))
    r = Raw(path)
    ok(r.open_conn(), "raw client: CONNECT_OPEN")
    count = 50
    burst = b"".join(call(PROC_AUTH_LIST, 100 + i) for i in range(count))
    # a PING in the middle: keepalive is not held up behind the calls
    half = len(burst) // 2 - len(burst) // 2 % len(call(PROC_AUTH_LIST, 0))
    r.send(burst[:half] + packet(KEEPALIVE, 1, 1, MESSAGE, 0) + burst[half:])
    answers, pong, bad = {}, False, []
    while len(answers) < count:
        rep = r.recv()
        if not isinstance(rep, tuple):
            bad.append(rep)
            break
        (prog, vers, proc, ptype, serial, status), body = rep
        if prog == KEEPALIVE:
            pong = pong or proc == 2
            continue
        if serial in answers:
            bad.append("serial %d answered twice" % serial)
        answers[serial] = (status, decode_error(body) if status == ERROR else None)
    ok(sorted(answers) == list(range(100, 100 + count)) and not bad,
       "%d pipelined calls are each answered once, with their serial" % count, bad)
    ok(pong, "a PING among the queued calls gets its PONG")
    refused = [s for s, (st, e) in answers.items()
               if st == ERROR and e["code"] == VIR_ERR_OPERATION_FAILED and
               "max_client_queue (%d)" % queue in (e["message"] or "")]
    served = [s for s, (st, e) in answers.items() if st == OK_]
    REFUSED["max_client_queue"] += len(refused)
    ok(len(refused) + len(served) == count,
       "every answer is a reply or the error naming max_client_queue (%d)" % queue,
       [(s, a) for s, a in answers.items() if s not in refused and s not in served][:3])
    ok(all(100 + i in served for i in range(reqs + queue)),
       "the first max_client_requests + max_client_queue (%d) calls are served" % (reqs + queue))
    ok(len(refused) > 0, "calls past the queue are refused (%d of %d)" % (len(refused), count))
    ok(works(other), "another client is served meanwhile")
    r.send(call(PROC_AUTH_LIST, 999))
    rep = r.recv()
    ok(isinstance(rep, tuple) and rep[0][4:6] == (999, OK_),
       "the pipelining client is still served after its refusals", rep)
    r.close()
    other.close()


def check_packets(path):
    other = libvirt.open(uri(path))
    # 33 MiB length word: header read, error on serial 9, end of file
    r = Raw(path)
    r.send(struct.pack(">I", 33 * 1024 * 1024) + call(PROC_AUTH_LIST, 9)[4:])
    rep = r.recv()
    good = (isinstance(rep, tuple) and rep[0][3:6] == (REPLY, 9, ERROR) and
            decode_error(rep[1])["code"] == VIR_ERR_RPC and "32 MiB" in decode_error(rep[1])["message"])
    REFUSED["packet size"] += good
    ok(good, "a length word over 32 MiB gets VIR_ERR_RPC naming 32 MiB on its serial", rep)
    ok(r.recv() == "eof", "then end of file")
    r.close()
    # a client sending the body anyway still reads the error (its bytes are dropped)
    r = Raw(path, timeout=20)
    big = struct.pack(">I", 33 * 1024 * 1024) + call(PROC_AUTH_LIST, 10)[4:]
    big += b"\0" * (33 * 1024 * 1024 - len(big))
    sent = r.send(big)
    rep = r.recv()
    good = isinstance(rep, tuple) and rep[0][4:6] == (10, ERROR)
    REFUSED["packet size"] += good
    ok(sent and good, "a client that sends the 33 MiB body too still gets the error", rep)
    r.close()
    # under the header: no header to answer: dropped
    r = Raw(path)
    r.send(struct.pack(">I", 20) + b"\0" * 16)
    rep = r.recv()
    REFUSED["packet size"] += rep == "eof"
    ok(rep == "eof", "a length word under the 28-byte header: dropped", rep)
    r.close()
    # a 5 MiB string in a call: the error names the 4 MiB limit; the
    # framing is intact, so the connection stays
    r = Raw(path, timeout=20)
    ok(r.open_conn(), "raw client: CONNECT_OPEN")
    r.send(call(PROC_LOOKUP_BY_NAME, 11, xdr_string(b"x" * (5 * 1024 * 1024))))
    rep = r.recv()
    e = decode_error(rep[1]) if isinstance(rep, tuple) and rep[0][5] == ERROR else None
    good = (e is not None and rep[0][4] == 11 and e["code"] == VIR_ERR_RPC and
            "4194304" in (e["message"] or "") and "4 MiB" in (e["message"] or ""))
    REFUSED["string size"] += good
    ok(good, "a 5 MiB string gets VIR_ERR_RPC naming the 4 MiB string limit", rep if not e else e)
    r.send(call(PROC_LOOKUP_BY_NAME, 12, xdr_string("test")))
    rep = r.recv()
    ok(isinstance(rep, tuple) and rep[0][4:6] == (12, OK_),
       "the same connection is served after it", rep)
    r.close()
    ok(works(other), "a client connected meanwhile is served")
    fresh = libvirt.open(uri(path))
    ok(works(fresh), "and so is the next client")
    fresh.close()
    other.close()


def check_threads(path):
    conn = libvirt.open(uri(path))
    errors = []
    done = [0]
    lock = threading.Lock()

    def worker():
        for _ in range(40):
            try:
                good = conn.lookupByName("test").UUIDString() == TEST_UUID
                conn.getHostname()
            except libvirt.libvirtError as e:
                good = False
                with lock:
                    errors.append(str(e))
            with lock:
                done[0] += good

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ok(done[0] == 50 * 40 and not errors,
       "defaults: 50 threads sharing one connection: %d of 2000 lookups answered" % done[0],
       errors[:3])
    r = Raw(path)
    ok(r.open_conn(), "raw client: CONNECT_OPEN")
    r.send(b"".join(call(PROC_LOOKUP_BY_NAME, 100 + i, xdr_string("test")) for i in range(150)) +
           b"".join(call(PROC_AUTH_LIST, 250 + i) for i in range(150)))
    got = set()
    for _ in range(300):
        rep = r.recv()
        if not isinstance(rep, tuple) or rep[0][5] != OK_:
            break
        got.add(rep[0][4])
    ok(got == set(range(100, 400)), "defaults: 300 pipelined calls all answered (%d)" % len(got))
    r.close()
    conn.close()


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])    # utime + stime


def check_nofile(path, pid):
    import resource
    conns = open_n(path, 2)
    soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    used = len(os.listdir("/proc/%d/fd" % pid))
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (used + 3, hard))
    raws = [Raw(path, timeout=0.5) for _ in range(6)]
    # the connections past the limit wait in the backlog; the daemon
    # must not spin on them
    start = cpu_ticks(pid)
    time.sleep(1.0)     # measuring CPU use over a second, not waiting for an event
    spent = cpu_ticks(pid) - start
    ok(spent < 30, "out of file descriptors: the daemon does not spin (%d ticks in 1 s)" % spent)
    ok(all(works(c) for c in conns), "out of file descriptors: the clients in are served")
    for r in raws:
        r.close()
    more = []
    ok(wait_until(lambda: open_conn(path, more)),
       "once descriptors are free again, a new client gets in")
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
    for c in conns + more:
        c.close()


def main():
    path, what, args = sys.argv[1], sys.argv[2], [int(a) for a in sys.argv[3:]]
    libvirt.registerErrorHandler(lambda c, e: None, None)
    {"clients": check_clients, "hold": check_hold, "queue": check_queue,
     "packets": check_packets, "threads": check_threads, "nofile": check_nofile}[what](path, *args)
    for name, n in REFUSED.items():
        print("# refused %s: %d" % (name, n))
    return 1 if tap.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
