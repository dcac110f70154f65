"""daemon: launch to first RPC answered, idle RSS and threads.

Each launch starts from an empty state (no definitions, no runtime files)
with the QEMU capabilities cache kept warm, as after a reboot of a host
that has run the daemon before; once per round also with the cache
emptied (cold: libvirtd then probes every QEMU binary).  "First RPC" is
exec to an answered CONNECT_OPEN + CONNECT_GET_VERSION on the unix socket,
polled tightly (bench/lib/daemons.py first_rpc).  Idle RSS and threads are
read after a warm start with one connection open, after a short settle.
"""

import time

from lib import measure
from lib.measure import Metric

NAME = "daemon"
TITLE = "daemon launch"


def _fresh_start(target, keep_cache):
    target.stop()
    target.wipe_state(keep_cache=keep_cache)
    return target.start()


def run(target, ctx):
    cold = _fresh_start(target, keep_cache=False)
    warm = [_fresh_start(target, keep_cache=True) for _ in range(ctx.size(5, 2))]
    conn = target.open()
    try:
        conn.getVersion()
        time.sleep(ctx.size(1.0, 0.3))   # idle: let start-up work settle
        rss = target.rss_kib()
        nthreads = target.threads()
    finally:
        conn.close()
    ctx.log(f"  {target.name}: first RPC warm {[round(w * 1000, 1) for w in warm]} ms, "
            f"cold {cold * 1000:.1f} ms, RSS {rss} KiB, {nthreads} threads")
    return [
        Metric("first_rpc_ms", measure.median(warm) * 1000, "ms", "lower"),
        Metric("first_rpc_cold_ms", cold * 1000, "ms", "lower"),
        Metric("idle_rss_mib", rss / 1024, "MiB", "lower"),
        Metric("idle_threads", nthreads, "threads", "lower"),
    ]
