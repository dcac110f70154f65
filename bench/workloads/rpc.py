"""rpc: RPC round trips per second through python3-libvirt.

One domain is defined (the tiny guest's XML, never started); each client
loops lookupByName + getVersion + info (three RPCs) for a fixed time.
  1 client   in this process: calls/s, and the median and p99 latency of
             one call
  8 clients  8 processes (multiprocessing, spawned), each with its own
             connection, started together: aggregate calls/s
On a machine with few cores the 8-client figure is bound by CPU: it then
measures how much CPU the daemon spends per call.
"""

import multiprocessing
import os
import time

from lib import measure
from lib.measure import Metric

NAME = "rpc"
TITLE = "RPC round trips"
DOMAIN = "bench-rpc"
CLIENTS = 8


def _loop(conn, end, latencies=None):
    """Calls until monotonic time end; the number of calls made."""
    calls = 0
    clock = time.perf_counter
    while time.monotonic() < end:
        t0 = clock()
        dom = conn.lookupByName(DOMAIN)
        t1 = clock()
        conn.getVersion()
        t2 = clock()
        dom.info()
        t3 = clock()
        calls += 3
        if latencies is not None:
            latencies += (t1 - t0, t2 - t1, t3 - t2)
    return calls


def _worker(uri, ready, go, end, out):
    import libvirt
    libvirt.registerErrorHandler(lambda _c, _e: None, None)
    try:
        conn = libvirt.open(uri)
        conn.lookupByName(DOMAIN).info()      # warm: connection and caches
    except Exception as e:
        ready.put(f"error: {e}")
        return
    ready.put("ready")
    go.wait(60)
    try:
        out.put(_loop(conn, end.value))
    except Exception as e:
        out.put(f"error: {e}")
    finally:
        conn.close()


def _many(target, secs):
    mp = multiprocessing.get_context("spawn")
    ready, out, go = mp.Queue(), mp.Queue(), mp.Event()
    end = mp.Value("d", 0.0)
    procs = [mp.Process(target=_worker, args=(target.uri, ready, go, end, out), daemon=True)
             for _ in range(CLIENTS)]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            msg = ready.get(timeout=60)
            if msg != "ready":
                raise RuntimeError(f"a client could not connect: {msg}")
        end.value = time.monotonic() + secs
        go.set()
        counts = [out.get(timeout=secs + 60) for _ in procs]
    finally:
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join()
    errors = [c for c in counts if isinstance(c, str)]
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]}")
    return sum(counts) / secs


def _xml(target, ctx):
    """The domain looked up: defined, never started, so when the tiny guest
    could not be built any kernel path will do."""
    return ctx.guest_xml(DOMAIN, os.path.join(target.work, DOMAIN + ".serial.log"),
                         ctx.guest_kernel or os.path.join(target.work, "vmlinuz"),
                         ctx.guest_initrd or os.path.join(target.work, "initramfs.cpio.gz"))


def run(target, ctx):
    secs = ctx.size(3.0, 1.0)
    conn = target.open()
    dom = conn.defineXML(_xml(target, ctx))
    try:
        _loop(conn, time.monotonic() + 0.2)                  # warm up
        lat = []
        start = time.monotonic()
        calls = _loop(conn, start + secs, lat)
        one = calls / (time.monotonic() - start)
        many = _many(target, secs)
    finally:
        dom.undefine()
        conn.close()
    p50 = measure.median(lat) * 1e6
    p99 = measure.percentile(lat, 99) * 1e6
    ctx.log(f"  {target.name}: 1 client {one:.0f} calls/s (p50 {p50:.0f} us, p99 {p99:.0f} us), "
            f"{CLIENTS} clients {many:.0f} calls/s")
    return [
        Metric("rpc_1_calls_s", one, "calls/s", "higher"),
        Metric("rpc_8_calls_s", many, "calls/s", "higher"),
        Metric("rpc_1_p50_us", p50, "us", "lower"),
        Metric("rpc_1_p99_us", p99, "us", "lower"),
    ]
