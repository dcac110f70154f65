"""stats.py: bulk statistics over many domains, some of them running.

Defines 100 copies of the tiny guest (quick: 10), starts 4 of them (quick:
1; TCG), then times getAllDomainStats() for all (median of 5 calls) and
domainListGetStats() over the same domains (median of 5), per call and
per domain, and how many fields the answer holds in all (stats_fields).
Destroys and undefines them all afterwards.
"""

import os

import libvirt

from lib.measure import Metric, Timer, median
from workloads.guest import domain_xml, need_guest

NAME = "stats"
TITLE = "bulk stats over 100 domains, 4 running"

PREFIX = "bench-stats-"
CALLS = 5


def run(target, ctx):
    need_guest(ctx)
    n = ctx.size(100, 10)
    running = ctx.size(4, 1)
    conn = target.open()
    try:
        doms = _setup(target, ctx, conn, n, running)
        return _measure(conn, doms, n)
    finally:
        _cleanup(ctx, target, conn)
        conn.close()


def _setup(target, ctx, conn, n, running):
    ctx.log(f"stats: {target.name}: defining {n} domains, starting {running}")
    doms = []
    for i in range(n):
        name = f"{PREFIX}{i:03d}"
        serial = os.path.join(target.work, f"{name}.serial.log")
        doms.append(conn.defineXML(domain_xml(ctx, name, serial)))
    for d in doms[:running]:
        d.create()
    return doms


def _measure(conn, doms, n):
    all_ms, list_ms = [], []
    for _ in range(CALLS):
        with Timer() as t:
            got = conn.getAllDomainStats()
        all_ms.append(t.ms)
        _check(got, n, "getAllDomainStats")
        with Timer() as t:
            got = conn.domainListGetStats(doms)
        list_ms.append(t.ms)
        _check(got, n, "domainListGetStats")
    a, b = median(all_ms), median(list_ms)
    # how much each answer holds: the daemons do not report the same
    # fields, so a cheaper call may also be a thinner one
    fields = sum(len(rec) for _, rec in got)
    return [Metric("all_stats_ms", a, "ms", "lower"),
            Metric("all_stats_per_domain_ms", a / n, "ms", "lower"),
            Metric("list_stats_ms", b, "ms", "lower"),
            Metric("list_stats_per_domain_ms", b / n, "ms", "lower"),
            Metric("stats_fields", fields, "fields", "higher")]


def _check(got, n, call):
    ours = [1 for dom, _ in got if dom.name().startswith(PREFIX)]
    if len(ours) != n:
        raise RuntimeError(f"{call} returned {len(ours)} of our {n} domains")


def _cleanup(ctx, target, conn):
    for d in conn.listAllDomains():
        if not d.name().startswith(PREFIX):
            continue
        try:
            if d.isActive():
                d.destroy()
            d.undefine()
        except libvirt.libvirtError as e:
            ctx.log(f"stats: {target.name}: {d.name()}: {e}")
