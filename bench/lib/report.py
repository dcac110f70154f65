"""report.py: a run's results as JSON and as a markdown table.

Results come from run.py as a Results object: per workload, per metric,
per target, one value per round (or the reason it is missing).  The ratio
is always "how many times better vireo is": libvirt / vireo for a "lower"
metric, vireo / libvirt for a "higher" one, so > 1 means vireo is ahead.
"""

import datetime
import json
import os
import platform
import re
import shutil
import subprocess

from lib import measure

TARGETS = ("libvirt", "vireo")

# The goals: (text, metric, which figure, test).  "vireo" compares
# vireo's median with the limit, "ratio" the ratio.  A metric no workload
# reported shows as "not measured".
GOALS = [
    ("first RPC within 10 ms of launch", "first_rpc_ms", "vireo", "<=", 10.0),
    ("idle RSS at most 5 MiB", "idle_rss_mib", "vireo", "<=", 5.0),
    ("RPC throughput at least 2x libvirtd's, 1 client", "rpc_1_calls_s", "ratio", ">=", 2.0),
    ("RPC throughput at least 2x libvirtd's, 8 clients", "rpc_8_calls_s", "ratio", ">=", 2.0),
    ("10,000 defines at least 10x faster", "define_s", "ratio", ">=", 10.0),
    ("restart with 10,000 defined to first RPC under 200 ms", "restart_10k_ms", "vireo", "<", 200.0),
    ("start-to-running within 20 ms of QEMU by hand", "start_over_qemu_ms", "vireo", "<=", 20.0),
    ("destroy under 20 ms", "destroy_ms", "vireo", "<", 20.0),
]


class Results:
    """What run.py collects.  metrics[(workload, metric)] = {"unit", "better",
    "libvirt": [values], "vireo": [values], "why": {target: reason}}; a
    workload that failed as a whole on a target is in failed[workload][target].
    A reason is (text, skip): skip when the figure cannot be had here
    (measure.Unavailable, a Metric without a value, a target that cannot
    run), not when something broke."""

    def __init__(self, workloads):
        self.workloads = workloads            # modules, in run order
        self.metrics = {}
        self.failed = {}

    def add(self, workload: str, target: str, metric: measure.Metric):
        m = self.metrics.setdefault((workload, metric.name),
                                    {"unit": metric.unit, "better": metric.better,
                                     "libvirt": [], "vireo": [], "why": {}})
        if metric.value is None:
            m["why"][target] = (metric.why or "no value", True)
        else:
            m[target].append(float(metric.value))

    def fail(self, workload: str, target: str, why: str, skip: bool = False):
        self.failed.setdefault(workload, {})[target] = (why, skip)


# ---------------------------------------------------------------- facts

def _run(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict:
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    kvm = os.path.exists("/dev/kvm")
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem / 1048576, 1),
            "kernel": platform.release(), "dev_kvm": kvm}


def versions(targets) -> dict:
    out = {}
    for t in targets:
        try:
            out[t.name] = t.version()
        except Exception as e:  # a version is nice to have, never fatal
            out[t.name] = f"? ({e})"
    qemu = _run(["qemu-system-x86_64", "--version"]).splitlines()
    out["qemu"] = re.sub(r"^QEMU emulator version ", "", qemu[0]) if qemu else "?"
    try:
        import libvirt
        v = libvirt.getVersion()
        out["python3-libvirt"] = f"{v // 1000000}.{v // 1000 % 1000}.{v % 1000}"
    except ImportError:
        out["python3-libvirt"] = "?"
    return out


# ---------------------------------------------------------------- tables

def _summary(values):
    if not values:
        return None
    lo, hi = measure.spread(values)
    return {"values": values, "median": measure.median(values), "min": lo, "max": hi}


def _why(summary: dict, reason) -> dict:
    if reason:
        summary["why"], summary["skip"] = reason
    return summary


def ratio(better: str, lv, vr):
    # a ratio of a difference that can reach zero or below (start over QEMU
    # by hand) means nothing: shown as "-", the goal table reads the value
    if lv is None or vr is None or lv <= 0 or vr <= 0:
        return None
    a, b = (lv, vr) if better == "lower" else (vr, lv)
    return a / b


def build(results: Results, meta: dict) -> dict:
    """The JSON document."""
    rows = []
    for mod in results.workloads:
        names = [k[1] for k in results.metrics if k[0] == mod.NAME]
        failed = results.failed.get(mod.NAME, {})
        if not names and failed:
            rows.append({"workload": mod.NAME, "title": mod.TITLE, "name": "(all)",
                         "unit": "", "better": "lower",
                         **{t: _why({}, failed.get(t, ("no metric reported", False)))
                            for t in TARGETS},
                         "ratio": None})
            continue
        for name in names:
            m = results.metrics[(mod.NAME, name)]
            row = {"workload": mod.NAME, "title": mod.TITLE, "name": name,
                   "unit": m["unit"], "better": m["better"]}
            for t in TARGETS:
                row[t] = _why(_summary(m[t]) or {}, m["why"].get(t) or failed.get(t))
            row["ratio"] = ratio(m["better"], row["libvirt"].get("median"),
                                 row["vireo"].get("median"))
            rows.append(row)
    doc = dict(meta)
    doc["metrics"] = rows
    doc["goals"] = goals(rows)
    return doc


def goals(rows) -> list:
    by_name = {r["name"]: r for r in rows}
    out = []
    for text, name, which, op, limit in GOALS:
        r = by_name.get(name)
        g = {"goal": text, "metric": name, "met": None, "value": None}
        if r is not None:
            val = r["ratio"] if which == "ratio" else r["vireo"].get("median")
            if val is not None:
                g["value"] = val
                g["unit"] = "x" if which == "ratio" else r["unit"]
                g["met"] = {"<=": val <= limit, "<": val < limit, ">=": val >= limit}[op]
        out.append(g)
    return out


def fmt(v) -> str:
    if v is None:
        return "-"
    if v == 0:
        return "0"
    a = abs(v)
    if v == int(v) and a < 1e9:
        return f"{int(v):,}"
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def _cell(s: dict, notes: list) -> str:
    """A table cell; a reason for a missing value becomes a numbered note
    (each text once)."""
    ref = ""
    if s.get("why"):
        if s["why"] not in notes:
            notes.append(s["why"])
        ref = f"[{notes.index(s['why']) + 1}]"
    if s.get("median") is None:
        return f"missing {ref}"
    cell = fmt(s["median"])
    if len(s["values"]) > 1:
        cell += f" ({fmt(s['min'])}-{fmt(s['max'])})"
    return cell + (f" (some rounds missing {ref})" if ref else "")


def markdown(doc: dict) -> str:
    m, v = doc["machine"], doc["versions"]
    kind = "quick run, " if doc.get("quick") else ""
    lines = [
        f"Run {doc['date']} ({kind}{doc['rounds']} round{'s' if doc['rounds'] != 1 else ''}, "
        f"interleaved; medians, min-max in brackets; {doc.get('elapsed_s', 0):.0f} s)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Linux {m['kernel']}"
        f"{', /dev/kvm present' if m.get('dev_kvm') else ', no /dev/kvm'}.  "
        f"Versions: libvirt {v.get('libvirt')}, vireo {v.get('vireo')}, QEMU {v.get('qemu')}, "
        f"python3-libvirt {v.get('python3-libvirt')}.",
        "",
        "| workload | metric | unit | better | libvirt | vireo | vireo ahead by |",
        "|---|---|---|---|---|---|---|",
    ]
    notes = []
    last = None
    for r in doc["metrics"]:
        ratio_s = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        title = r["title"] if r["title"] != last else ""
        last = r["title"]
        lines.append(f"| {title} | {r['name']} | {r['unit']} | {r['better']} | "
                     f"{_cell(r['libvirt'], notes)} | {_cell(r['vireo'], notes)} | {ratio_s} |")
    lines += [""] + [f"[{i + 1}] {n}" for i, n in enumerate(notes)] + ([""] if notes else [])
    lines += ["\"vireo ahead by\": libvirt / vireo for lower-is-better metrics, "
              "vireo / libvirt for higher-is-better; above 1 vireo is ahead.", ""]
    if doc.get("quick"):
        lines += ["A quick run: sizes are scaled down (e.g. 200 domains for 10,000), "
                  "so the goals below are only indicative.", ""]
    lines += ["| goal | metric | measured | met |", "|---|---|---|---|"]
    for g in doc["goals"]:
        if g["value"] is None:
            lines.append(f"| {g['goal']} | {g['metric']} | not measured | - |")
        else:
            met = "yes" if g["met"] else "no"
            lines.append(f"| {g['goal']} | {g['metric']} | {fmt(g['value'])} {g['unit']} | {met} |")
    return "\n".join(lines) + "\n"


def now_stamp():
    return datetime.datetime.now()


def write(doc: dict, out_dir: str, stamp: datetime.datetime) -> tuple[str, str]:
    """bench/results/YYYYMMDD-HHMMSS[-quick].json and .md; a full run is
    also copied to latest.md.  The paths written."""
    os.makedirs(out_dir, exist_ok=True)
    base = stamp.strftime("%Y%m%d-%H%M%S") + ("-quick" if doc.get("quick") else "")
    jpath = os.path.join(out_dir, base + ".json")
    mpath = os.path.join(out_dir, base + ".md")
    with open(jpath, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    text = markdown(doc)
    with open(mpath, "w", encoding="utf-8") as f:
        f.write(text)
    if not doc.get("quick"):
        shutil.copyfile(mpath, os.path.join(out_dir, "latest.md"))
    return jpath, mpath


def update_readme(readme: str, table: str) -> bool:
    """Put table between <!-- results --> and <!-- /results --> in readme."""
    try:
        with open(readme, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return False
    pat = re.compile(r"(<!-- results -->\n).*?(<!-- /results -->)", re.S)
    if not pat.search(text):
        return False
    text = pat.sub(lambda mo: mo.group(1) + table + mo.group(2), text)
    with open(readme, "w", encoding="utf-8") as f:
        f.write(text)
    return True
