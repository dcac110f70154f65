#!/usr/bin/python3
"""run.py: vireod and Debian's libvirtd side by side, same clients, one run.

    bench/run.py [--quick] [--rounds N] [--only NAME[,NAME...]] [--build DIR]
                 [--out DIR] [--list]

Starts both daemons (bench/lib/daemons.py), then for each round runs each
workload (every module in bench/workloads/ with NAME, TITLE and run()) on
both targets one after the other, the order alternating from one
workload/round to the next, and reports per metric the medians, spreads
and the ratio (bench/lib/report.py).  Results go to bench/results/ (or
--out); a full run (not --quick, not --only) also rewrites the table in
bench/README.md.  Every daemon and QEMU is stopped at exit, also on ^C.
"""

import argparse
import importlib
import os
import pkgutil
import signal
import subprocess
import sys
import time
import traceback

BENCH = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

from lib import daemons, measure, report  # noqa: E402

# run order of the known workloads; any other module found runs after them
ORDER = ["daemon", "rpc", "define", "stats", "guest"]


def discover(only):
    import workloads
    mods = []
    for info in pkgutil.iter_modules(workloads.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"workloads.{info.name}")
        if all(hasattr(mod, a) for a in ("NAME", "TITLE", "run")):
            mods.append(mod)
    mods.sort(key=lambda m: (ORDER.index(m.NAME) if m.NAME in ORDER else len(ORDER), m.NAME))
    if only:
        names = only.split(",")
        unknown = [n for n in names if n not in [m.NAME for m in mods]]
        if unknown:
            sys.exit(f"run.py: no workload named {', '.join(unknown)} "
                     f"(there are: {', '.join(m.NAME for m in mods)})")
        mods = [m for m in mods if m.NAME in names]
    return mods


def guest_files(ctx_log):
    """The tiny test guest (tests/qemu/build-guest.sh, cached): (kernel,
    initrd, why-not)."""
    gdir = os.environ.get("VIREO_GUEST_DIR") or os.path.join(TOP, "build", "tests", "guest")
    script = os.path.join(TOP, "tests", "qemu", "build-guest.sh")
    r = subprocess.run([script, gdir], capture_output=True, text=True)
    if r.returncode != 0:
        why = (r.stdout + r.stderr).strip().splitlines()
        ctx_log(f"the tiny test guest cannot be had: {why[-1] if why else r.returncode}")
        return "", "", why[-1] if why else "build-guest.sh failed"
    return os.path.join(gdir, "vmlinuz"), os.path.join(gdir, "initramfs.cpio.gz"), ""


def start_targets(targets, ctx):
    """Start each from an empty state; {name: why} for those that cannot."""
    down = {}
    for t in targets:
        why = t.unavailable()
        if not why:
            try:
                t.wipe_state(keep_cache=False)
                secs = t.start()
                ctx.log(f"{t.name} started, first RPC after {secs * 1000:.1f} ms "
                        f"(capabilities cache cold), pid {t.pid()}")
            except Exception as e:
                why = str(e)
        if why:
            ctx.log(f"{t.name} is not measured: {why}")
            down[t.name] = why
    return down


def run_one(mod, t, ctx, results, down):
    if t.name in down:
        results.fail(mod.NAME, t.name, down[t.name], skip=True)
        return
    if not t.running():
        try:
            t.start()
        except Exception as e:
            results.fail(mod.NAME, t.name, f"{t.name} could not be restarted: {e}")
            return
    ctx.log(f"round {ctx.round + 1}/{ctx.rounds}: {mod.NAME} on {t.name}")
    start = time.monotonic()
    try:
        for metric in mod.run(t, ctx):
            results.add(mod.NAME, t.name, metric)
    except measure.Unavailable as e:
        results.fail(mod.NAME, t.name, str(e), skip=True)
        ctx.log(f"{mod.NAME} on {t.name}: not measured: {e}")
    except Exception as e:
        results.fail(mod.NAME, t.name, f"{type(e).__name__}: {e}")
        ctx.log(f"{mod.NAME} on {t.name} failed:\n{traceback.format_exc()}")
    ctx.log(f"  {mod.NAME} on {t.name}: {time.monotonic() - start:.1f} s")
    left = t.qemu_pids() if t.running() else []
    if left:
        ctx.log(f"  {mod.NAME} left QEMUs running on {t.name}: {left} (killing them)")
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="one round, small sizes")
    p.add_argument("--rounds", type=int, help="rounds (default 3, quick 1)")
    p.add_argument("--only", help="run only these workloads (comma-separated NAMEs)")
    p.add_argument("--build", default=os.environ.get("VIREO_BUILD") or os.path.join(TOP, "build"),
                   help="the build folder with src/daemon/vireod (default build/)")
    p.add_argument("--out", default=os.path.join(BENCH, "results"), help="results folder")
    p.add_argument("--tmp", help="where the targets' temporary folders go (default $TMPDIR)")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p.parse_args()


def main():
    args = parse_args()
    mods = discover(args.only)
    if args.list:
        for m in mods:
            print(f"{m.NAME:10} {m.TITLE}")
        return 0
    rounds = args.rounds or (1 if args.quick else 3)
    ctx = measure.Context(args.quick, rounds, "", "", top=TOP, verbose=not args.quiet)
    ctx.guest_kernel, ctx.guest_initrd, ctx.guest_why = guest_files(ctx.log)
    # SIGTERM (e.g. tests/run's timeout) unwinds like ^C, so cleanup runs
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.monotonic()
    stamp = report.now_stamp()
    results = report.Results(mods)
    targets = daemons.make_targets(args.build, args.tmp)
    try:
        meta = {"date": stamp.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick,
                "rounds": rounds, "only": args.only or "", "build": os.path.abspath(args.build),
                "machine": report.machine(),
                "versions": report.versions(targets)}
        down = start_targets(targets, ctx)
        meta["targets"] = {t.name: {"uri": t.uri, "unavailable": down.get(t.name, "")}
                           for t in targets}
        for r in range(rounds):
            ctx.round = r
            for i, mod in enumerate(mods):
                order = targets if (r + i) % 2 == 0 else targets[::-1]
                for t in order:
                    run_one(mod, t, ctx, results, down)
    finally:
        daemons.cleanup_all()
    meta["elapsed_s"] = time.monotonic() - began
    doc = report.build(results, meta)
    jpath, mpath = report.write(doc, args.out, stamp)
    text = report.markdown(doc)
    print(text)
    ctx.log(f"results: {jpath}, {mpath}")
    if not args.quick and not args.only and os.path.abspath(args.out) == os.path.join(BENCH, "results"):
        if report.update_readme(os.path.join(BENCH, "README.md"), text):
            ctx.log("bench/README.md: results table updated")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted; every daemon and QEMU was stopped", file=sys.stderr)
        sys.exit(130)
