"""define.py: many persistent domains with the qemu driver.

Defines N copies of the tiny guest (full: 10,000, quick: 200; each with
its own name and UUID) through one python3-libvirt connection, one after
the other as a user would; lists them three ways (listAllDomains,
`virsh list --all`, `vireo list --all`); reads the daemon's RSS; restarts
the daemon with them defined (to the first RPC answered) and checks they
all came back; undefines them all.  The metrics named _10k_ are taken
with N defined (200 in a quick run).  Nothing is left defined, even when a
step fails.
"""

import os
import subprocess

import libvirt

from lib.measure import Metric, Timer, median
from workloads.guest import domain_xml

NAME = "define"
TITLE = "define 10,000 domains, list, restart, undefine"

PREFIX = "bench-def-"


def _name(i: int) -> str:
    return f"{PREFIX}{i:05d}"


def _uuid(i: int) -> str:
    return f"b3e0c0de-0000-4000-8000-{i:012x}"


def run(target, ctx):
    n = ctx.size(10000, 200)
    try:
        return _measure(target, ctx, n)
    finally:
        _undefine_leftovers(target, ctx)


def _measure(target, ctx, n):
    serial = os.path.join(target.work, "define.serial.log")
    xmls = [domain_xml(ctx, _name(i), serial, _uuid(i)) for i in range(n)]
    if not ctx.guest_kernel:
        # the guest is never booted here: any absolute path defines
        xmls = [x.replace("<kernel></kernel>", "<kernel>/nonexistent/vmlinuz</kernel>")
                 .replace("<initrd></initrd>", "<initrd>/nonexistent/initrd</initrd>")
                for x in xmls]
    out = []
    conn = target.open()
    try:
        ctx.log(f"define: {target.name}: defining {n} domains")
        with Timer() as t:
            for xml in xmls:
                conn.defineXML(xml)
        out += [Metric("define_s", t.s, "s", "lower"),
                Metric("defines_per_s", n / t.s, "defines/s", "higher")]
        out += _lists(target, conn, n)
    finally:
        conn.close()
    out.append(Metric("rss_10k_mib", target.rss_kib() / 1024.0, "MiB", "lower"))
    ctx.log(f"define: {target.name}: restarting with {n} defined")
    out.append(Metric("restart_10k_ms", target.restart() * 1000.0, "ms", "lower"))
    conn = target.open()
    try:
        doms = [d for d in conn.listAllDomains() if d.name().startswith(PREFIX)]
        out.append(Metric("defined_after_restart", len(doms), "domains", "higher"))
        ctx.log(f"define: {target.name}: undefining {len(doms)} domains")
        with Timer() as t:
            for d in doms:
                d.undefine()
        out.append(Metric("undefine_s", t.s, "s", "lower"))
    finally:
        conn.close()
    return out


def _lists(target, conn, n):
    """listAllDomains (median of 3), then virsh's and vireo's list --all
    (wall time of the whole command, connect included)."""
    times = []
    for _ in range(3):
        with Timer() as t:
            got = conn.listAllDomains()
        times.append(t.ms)
    if len([d for d in got if d.name().startswith(PREFIX)]) != n:
        raise RuntimeError(f"listAllDomains returned {len(got)} domains, expected {n} of ours")
    out = [Metric("list_all_ms", median(times), "ms", "lower")]
    for tool in ("virsh", "vireo"):
        with Timer() as t:
            res = getattr(target, tool)("list", "--all")
        _check_listing(tool, res, n)
        out.append(Metric(f"{tool}_list_all_ms", t.ms, "ms", "lower"))
    return out


def _check_listing(tool: str, res: subprocess.CompletedProcess, n: int):
    if res.returncode != 0:
        raise RuntimeError(f"{tool} list --all failed ({res.returncode}): {res.stderr.strip()}")
    text = res.stdout if isinstance(res.stdout, str) else res.stdout.decode()
    rows = sum(1 for line in text.splitlines() if PREFIX in line)
    if rows != n:
        raise RuntimeError(f"{tool} list --all showed {rows} of our domains, expected {n}")


def _undefine_leftovers(target, ctx):
    """Whatever of ours is still defined (after a failure), undefined."""
    try:
        if not target.running():       # a failed restart: start it to clean up
            target.start()
        conn = target.open()
    except Exception as e:  # cleanup of a failed run: say why and go on
        ctx.log(f"define: {target.name}: cannot connect to clean up: {e}")
        return
    try:
        left = [d for d in conn.listAllDomains() if d.name().startswith(PREFIX)]
        if left:
            ctx.log(f"define: {target.name}: undefining {len(left)} left over")
        for d in left:
            try:
                if d.isActive():
                    d.destroy()
                d.undefine()
            except libvirt.libvirtError as e:
                ctx.log(f"define: {target.name}: {d.name()}: {e}")
    finally:
        conn.close()
