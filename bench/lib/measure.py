"""measure.py: what a workload reports (Metric), what it is given (Context),
and the small tools to time things and read a process's resources.

A workload returns a list of Metric.  A figure it could not get is either
a Metric with value None and `why` set, or an exception: run.py then
reports every metric of that workload on that target as missing with the
exception's text (Unavailable for an expected "cannot here", anything else
for a failure).  A made-up number is never reported.
"""

import dataclasses
import math
import os
import statistics
import sys
import time


@dataclasses.dataclass
class Metric:
    name: str            # e.g. "define_s": the same name on both targets
    value: float | None  # None: missing, `why` says why
    unit: str            # "ms", "s", "MiB", "calls/s", "threads", ...
    better: str          # "lower" or "higher"
    why: str = ""

    def __post_init__(self):
        if self.better not in ("lower", "higher"):
            raise ValueError(f"metric {self.name}: better must be lower or higher, "
                             f"not {self.better!r}")


class Unavailable(Exception):
    """This target cannot produce this workload here (the text says why)."""


class Context:
    """Passed to every workload (see contract.md)."""

    def __init__(self, quick: bool, rounds: int, guest_kernel: str, guest_initrd: str,
                 top: str = "", verbose: bool = True):
        self.quick = quick
        self.rounds = rounds
        self.guest_kernel = guest_kernel
        self.guest_initrd = guest_initrd
        self.guest_why = ""       # why the guest files are missing, if they are
        self.top = top            # the source tree (for tests/qemu/guest-q35.xml)
        self.verbose = verbose
        self.round = 0            # the round being run, from 0

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def log(self, msg: str) -> None:
        if self.verbose:
            print(f"bench: {msg}", file=sys.stderr, flush=True)

    def guest_xml(self, name: str, serial_log: str, kernel: str = "", initrd: str = "") -> str:
        """The tiny guest's XML (tests/qemu/guest-q35.xml filled in as
        tests/qemu/lib-guest.sh does); kernel and initrd default to the
        guest's."""
        path = os.path.join(self.top, "tests", "qemu", "guest-q35.xml")
        with open(path, encoding="utf-8") as f:
            xml = f.read()
        for key, val in (("@NAME@", name), ("@KERNEL@", kernel or self.guest_kernel),
                         ("@INITRD@", initrd or self.guest_initrd), ("@SERIAL_LOG@", serial_log)):
            xml = xml.replace(key, val)
        return xml


# ---- time ----

def now() -> float:
    """Seconds on the monotonic clock (system-wide: comparable across
    processes, e.g. with the exec time a launcher reports)."""
    return time.monotonic()


class Timer:
    """with Timer() as t: ...; then t.s (seconds) and t.ms."""

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.s = time.perf_counter() - self.start
        self.ms = self.s * 1000.0
        return False


def wait_until(cond, timeout: float, interval: float = 0.005, what: str = "condition"):
    """Poll cond() until it returns a true value (returned); TimeoutError
    after timeout seconds."""
    end = time.monotonic() + timeout
    while True:
        val = cond()
        if val:
            return val
        if time.monotonic() > end:
            raise TimeoutError(f"{what} not reached within {timeout:g}s")
        time.sleep(interval)


# ---- statistics ----

def median(values):
    return statistics.median(values)


def spread(values):
    """(min, max)"""
    return (min(values), max(values))


def percentile(values, p: float):
    """The p-th percentile (0-100), nearest rank."""
    vals = sorted(values)
    if not vals:
        raise ValueError("percentile of nothing")
    rank = max(1, math.ceil(p / 100.0 * len(vals)))
    return vals[rank - 1]


# ---- /proc ----

def _status_field(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(f"no {field} in /proc/{pid}/status")


def rss_kib(pid: int) -> int:
    """VmRSS of pid, in KiB."""
    return _status_field(pid, "VmRSS")


def threads(pid: int) -> int:
    return _status_field(pid, "Threads")


def alive(pid: int) -> bool:
    """pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:][:1] not in ("Z", "X")


def children(pid: int) -> list[int]:
    """The processes whose parent is pid."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return sorted(set(out))


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []
