"""The storage and secret half of the kill test (crash.py runs it).

Each storage worker owns one dir pool (its folder under --pools), four
volume names in it and one secret.  It defines, undefines, starts and
destroys the pool, switches its autostart, creates (raw, qcow2), clones
(converting the format), resizes and deletes volumes, defines and
undefines the secret and sets its value.  After each kill the new vireod
is compared with what the clients were told:

  - an acknowledged pool define is there with the inactive XML read back
    after it, an acknowledged undefine gone; the autostart flag and link
    as acknowledged; an acknowledged start active (its run file re-adopted),
    a destroy inactive; a pool with autostart on is active (vireod starts
    it); the run folder holds the files of active pools only;
  - the volumes vireod lists are the files in the pool's folder, with the
    format and size qemu-img sees; an acknowledged create, clone or resize
    is there with its format and size, an acknowledged delete gone;
  - an acknowledged secret define is there with its XML, an undefine gone;
    its value is the last acknowledged one (a cut set: the old or the new);
  - a call a kill cut ended in its before or after state.  A volume file
    a cut create left half-made (qemu-img was stopped with the daemon) is
    what libvirt would also show after a restart: a dir pool lists every
    file in its folder as a volume, probed as what it is.  Such files are
    counted, checked to be listed as qemu-img sees them, and deleted.
"""
import json
import os
import re
import subprocess
import time
import uuid

import libvirt

MiB = 1 << 20
VOLS = ("v0", "v1", "v2", "v3")
VOL_OPS = ("vol-create", "vol-clone", "vol-resize", "vol-delete")


class Pool:
    """What the clients were told about one pool and its volumes."""

    def __init__(self, name, folder):
        self.name = name
        self.folder = folder
        self.uuid = str(uuid.uuid5(uuid.NAMESPACE_DNS, name + ".crash.vireo"))
        self.defined = False
        self.gen = 0
        self.xml = None             # inactive XML read back after the define
        self.active = False
        self.autostart = False
        self.vols = {}              # name -> (format, capacity) acknowledged
        self.inflight = None        # (op, generation, argument) of an unanswered call
        self.last = None


class Secret:
    """What the clients were told about one secret."""

    def __init__(self, name):
        self.name = name
        self.uuid = str(uuid.uuid5(uuid.NAMESPACE_DNS, name + ".crash.vireo"))
        self.defined = False
        self.gen = 0
        self.xml = None
        self.value = None           # bytes acknowledged, None: no value
        self.inflight = None
        self.last = None


def pool_config(xml):
    """A pool's XML without its figures of the moment (capacity, allocation,
    available change with every volume): what a define said."""
    return re.sub(r"\s*<(capacity|allocation|available)\b[^>]*>[^<]*</\1>", "", xml or "") \
        if xml else None


def qemu_img_info(path):
    """(format, virtual size) of a volume file as qemu-img sees it."""
    r = subprocess.run(["qemu-img", "info", "-U", "--output=json", path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return ("unreadable", os.path.getsize(path))
    info = json.loads(r.stdout)
    return (info.get("format"), info.get("virtual-size"))


class StorageWork:
    """The workload; its methods are what crash.py's worker loop calls."""

    def __init__(self, test, pools_dir, workers):
        self.test = test
        self.units = []
        for w in range(workers):
            folder = os.path.join(pools_dir, "crash-p%d" % w)
            os.makedirs(folder, exist_ok=True)
            p, s = Pool("crash-p%d" % w, folder), Secret("crash-s%d" % w)
            p.work = s.work = self
            self.units.append([p, s])
        self.run_dir = os.path.join(test.a.root, "run", "libvirt", "storage")
        self.autostart_dir = os.path.join(test.a.root, "etc", "libvirt", "storage", "autostart")
        for k in ("pool calls", "volume calls", "secret calls", "half-made volumes",
                  "tools outliving the kill"):
            test.counts[k] = 0

    # ---- choosing and calling ----

    def next_gen(self, u, op):
        return u.gen + 1 if op[0] in ("pool-define", "secret-define", "secret-set") else u.gen

    def choose(self, u):
        r = self.test.rng.random()
        if isinstance(u, Secret):
            if not u.defined:
                return ("secret-define",)
            return ("secret-undefine",) if r < 0.15 else \
                ("secret-define",) if r < 0.35 else ("secret-set",)
        if not u.defined:
            return ("pool-define",)
        if not u.active:
            if r < 0.1:
                return ("pool-undefine",)
            if r < 0.25:
                return ("pool-define",)
            return ("autostart",) if r < 0.4 else ("pool-start",)
        if r < 0.08:
            return ("pool-destroy",)
        if r < 0.14:
            return ("pool-define",)
        if r < 0.2:
            return ("autostart",)
        name = self.test.rng.choice(VOLS)
        if name not in u.vols:
            if u.vols and r < 0.45:
                return ("vol-clone", name, self.test.rng.choice(sorted(u.vols)))
            return ("vol-create", name)
        return ("vol-delete", name) if r < 0.6 else ("vol-resize", name)

    def pool_xml(self, p, gen):
        return ("<pool type='dir'><name>%s</name><uuid>%s</uuid><target><path>%s</path>"
                "<permissions><mode>0755</mode><label>generation %d</label></permissions>"
                "</target></pool>" % (p.name, p.uuid, p.folder, gen))

    def secret_xml(self, s, gen):
        return ("<secret ephemeral='no' private='no'><uuid>%s</uuid>"
                "<description>generation %d</description><usage type='volume'>"
                "<volume>/crash/%s</volume></usage></secret>" % (s.uuid, gen, s.name))

    @staticmethod
    def secret_value(s, gen):
        return ("%s value %d" % (s.name, gen)).encode()

    def vol_plan(self, op):
        """(format, capacity) a create or clone asks for: small, raw or qcow2."""
        rng = self.test.rng
        return rng.choice(("raw", "qcow2")), rng.randint(1, 4) * MiB

    def call(self, conn, u, op, gen):
        kind = op[0]
        with self.test.lock:
            self.test.counts["secret calls" if kind.startswith("secret") else
                             "volume calls" if kind.startswith("vol") else "pool calls"] += 1
        if kind == "secret-define":
            conn.secretDefineXML(self.secret_xml(u, gen))
        elif kind == "secret-undefine":
            conn.secretLookupByUUIDString(u.uuid).undefine()
        elif kind == "secret-set":
            conn.secretLookupByUUIDString(u.uuid).setValue(self.secret_value(u, gen))
        elif kind == "pool-define":
            conn.storagePoolDefineXML(self.pool_xml(u, gen))
        else:
            pool = conn.storagePoolLookupByName(u.name)
            if kind == "pool-undefine":
                pool.undefine()
            elif kind == "pool-start":
                pool.create()
            elif kind == "pool-destroy":
                pool.destroy()
            elif kind == "autostart":
                pool.setAutostart(0 if u.autostart else 1)
            elif kind in ("vol-create", "vol-clone"):
                fmt, cap = op[-1]
                xml = ("<volume><name>%s</name><capacity>%d</capacity><target>"
                       "<format type='%s'/></target></volume>" % (op[1], cap, fmt))
                if kind == "vol-create":
                    pool.createXML(xml, 0)
                else:
                    pool.createXMLFrom(xml, pool.storageVolLookupByName(op[2]), 0)
            elif kind == "vol-resize":
                pool.storageVolLookupByName(op[1]).resize(op[-1])
            elif kind == "vol-delete":
                pool.storageVolLookupByName(op[1]).delete(0)

    def prepare(self, u, op):
        """The call's full argument (sizes drawn here, so the model knows them)."""
        if op[0] in ("vol-create", "vol-clone"):
            fmt, cap = self.vol_plan(op)
            if op[0] == "vol-clone":
                # a clone is at least its source's size (libvirt keeps the larger)
                cap = max(cap, u.vols[op[2]][1])
            return op + ((fmt, cap),)
        if op[0] == "vol-resize":
            return op + (u.vols[op[1]][1] + self.test.rng.randint(1, 2) * MiB,)
        return op

    def acked(self, u, op, gen, conn):
        kind = op[0]
        if kind == "secret-define":
            u.value = u.value if u.defined else None
            u.defined, u.gen = True, gen
            u.xml = self.read_xml(lambda: conn.secretLookupByUUIDString(u.uuid).XMLDesc())
        elif kind == "secret-undefine":
            u.defined, u.value, u.xml = False, None, None
        elif kind == "secret-set":
            u.value, u.gen = self.secret_value(u, gen), gen
        elif kind == "pool-define":
            u.defined, u.gen = True, gen
            u.xml = pool_config(self.read_xml(lambda: conn.storagePoolLookupByName(
                u.name).XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
        elif kind == "pool-undefine":
            u.defined, u.xml, u.autostart = False, None, False
        elif kind == "pool-start":
            u.active = True
        elif kind == "pool-destroy":
            u.active = False
        elif kind == "autostart":
            u.autostart = not u.autostart
        elif kind in ("vol-create", "vol-clone"):
            u.vols[op[1]] = op[-1]
        elif kind == "vol-resize":
            u.vols[op[1]] = (u.vols[op[1]][0], op[-1])
        elif kind == "vol-delete":
            del u.vols[op[1]]

    @staticmethod
    def read_xml(get):
        try:
            return get()
        except libvirt.libvirtError:
            return None     # the kill came first: the generation is checked instead

    # ---- after a kill ----

    def tools_of_cut_calls(self):
        """qemu-img runs the killed daemon started: in a process group of
        their own, they go on.  Wait for them so the new daemon and the
        checks see the files they leave (libvirt's would go on too)."""
        pids = [p for p, args in self.test.cmdlines()
                if args and args[0].endswith(b"qemu-img") and
                any(u[0].folder.encode() in a for a in args for u in self.units)]
        self.test.counts["tools outliving the kill"] += len(pids)
        deadline = time.time() + 30
        while any(os.path.exists("/proc/%d" % p) and not self.test.zombie(p) for p in pids):
            if time.time() > deadline:
                self.test.problem("storage", "qemu-img %s still runs 30 s after the kill" % pids)
                return
            time.sleep(0.02)

    def check(self, conn):
        for pool, secret in self.units:
            self.check_pool(conn, pool)
            self.check_vols(conn, pool)
            self.check_secret(conn, secret)
        active = {p.name + ".xml" for p, _s in self.units if p.active}
        try:
            names = {n for n in os.listdir(self.run_dir) if not re.search(r"\.new-\w{6}$", n)}
        except FileNotFoundError:
            names = set()
        if names != active:
            self.test.problem("storage files", "pool run folder holds %s, active: %s" % (
                sorted(names), sorted(active)))
        # the new daemon is idle: no write of its own is under way either
        etc = os.path.join(self.test.a.root, "etc", "libvirt")
        for top in (os.path.join(etc, "storage"), os.path.join(etc, "secrets"), self.run_dir):
            for folder, _dirs, files in os.walk(top):
                for f in files:
                    if ".new-" in f:
                        self.test.problem("storage files", "temporary file %s" %
                                          os.path.join(folder, f))

    def allowed(self, u, ops, model, after):
        """The values a field may have: the model's, and the cut call's result."""
        op = u.inflight[0][0] if u.inflight else None
        return {model, after} if op in ops else {model}

    def check_pool(self, conn, p):
        pb = self.test.problem
        try:
            pool = conn.storagePoolLookupByName(p.name)
        except libvirt.libvirtError as e:
            if e.get_error_code() != libvirt.VIR_ERR_NO_STORAGE_POOL:
                raise
            pool = None
        defined = pool is not None and pool.isPersistent() == 1
        active = pool is not None and pool.isActive() == 1
        autostart = bool(pool.autostart()) if defined else False
        xml = pool_config(pool.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)) if defined else None
        m = re.search(r"<label>generation (\d+)</label>", xml or "")
        gen = int(m.group(1)) if m else None
        op, op_gen = (p.inflight[0][0], p.inflight[1]) if p.inflight else (None, None)
        if pool is not None and not defined:
            pb("pools", "%s is transient: only defines were made" % p.name)
        if defined not in self.allowed(p, ("pool-define",), p.defined, True) | \
                self.allowed(p, ("pool-undefine",), p.defined, False):
            pb("pools", "%s is %s, acknowledged %s (in flight: %s)" % (
                p.name, "defined" if defined else "not defined",
                "defined" if p.defined else "undefined", p.inflight))
        elif defined and gen not in {p.gen, op_gen if op == "pool-define" else p.gen}:
            pb("pools", "%s has generation %s, acknowledged %s (in flight: %s)" % (
                p.name, gen, p.gen, p.inflight))
        elif defined and op is None and p.xml is not None and xml != p.xml:
            pb("pools", "%s: its inactive XML differs from the one acknowledged:\n%s\n%s" % (
                p.name, p.xml, xml))
        link = os.path.lexists(os.path.join(self.autostart_dir, p.name + ".xml"))
        ok_auto = self.allowed(p, ("autostart",), p.autostart, not p.autostart)
        if op == "pool-undefine":
            ok_auto.add(False)
        if autostart not in ok_auto or link != autostart:
            pb("pools", "%s: autostart %s, link %s, acknowledged %s (in flight: %s)" % (
                p.name, autostart, link, p.autostart, p.inflight))
        ok_active = self.allowed(p, ("pool-start", "pool-destroy"), p.active, op == "pool-start")
        if defined and autostart:
            ok_active = {True}      # vireod starts it at its start, as libvirtd does
        if active not in ok_active:
            pb("pools", "%s is %s, expected %s (in flight: %s, last: %s)" % (
                p.name, "active" if active else "inactive",
                "/".join("active" if a else "inactive" for a in ok_active), p.inflight, p.last))
        p.defined, p.active, p.autostart, p.xml = defined, active, autostart, xml
        if gen is not None:
            p.gen = gen

    def disk_vols(self, p):
        """name -> (format, capacity) of the files in the pool's folder."""
        return {n: qemu_img_info(os.path.join(p.folder, n)) for n in os.listdir(p.folder)}

    def check_vols(self, conn, p):
        pb = self.test.problem
        disk = self.disk_vols(p)
        if p.active:
            pool = conn.storagePoolLookupByName(p.name)
            shown = {}
            for v in pool.listAllVolumes():
                fmt = re.search(r"<format type='(\w+)'", v.XMLDesc())
                shown[v.name()] = (fmt.group(1) if fmt else None, v.info()[1])
            if shown != disk:
                pb("volumes", "%s lists %s, its folder holds %s" % (p.name, shown, disk))
        op = p.inflight[0] if p.inflight else (None,)
        for name in VOLS:
            model = p.vols.get(name)
            ok = {model}
            if op[0] in VOL_OPS and op[1] == name:
                ok.add({"vol-delete": None,
                        "vol-resize": (model[0], op[-1]) if model else None}.get(op[0], op[-1]))
            now = disk.get(name)
            if now in ok:
                continue
            if op[0] in ("vol-create", "vol-clone") and op[1] == name and model is None:
                # half-made by the cut call: listed as what it is (checked
                # above), as libvirt lists it; counted, and removed
                self.test.counts["half-made volumes"] += 1
                self.test.note("kill %d: %s/%s half-made by a cut %s: %s on disk, asked %s" % (
                    self.test.kill_no, p.name, name, op[0], now, op[-1]))
                os.unlink(os.path.join(p.folder, name))
                if p.active:
                    conn.storagePoolLookupByName(p.name).refresh()
                disk.pop(name)
                continue
            pb("volumes", "%s/%s is %s, acknowledged %s (in flight: %s)" % (
                p.name, name, now, model, p.inflight))
        p.vols = {n: v for n, v in disk.items() if n in VOLS}

    def check_secret(self, conn, s):
        pb = self.test.problem
        try:
            sec = conn.secretLookupByUUIDString(s.uuid)
        except libvirt.libvirtError as e:
            if e.get_error_code() != libvirt.VIR_ERR_NO_SECRET:
                raise
            sec = None
        xml = sec.XMLDesc() if sec else None
        m = re.search(r"<description>generation (\d+)</description>", xml or "")
        gen = int(m.group(1)) if m else None
        try:
            value = sec.value() if sec else None
        except libvirt.libvirtError as e:
            if e.get_error_code() != libvirt.VIR_ERR_NO_SECRET:
                raise
            value = None
        op, op_gen = (s.inflight[0][0], s.inflight[1]) if s.inflight else (None, None)
        ok_defined = self.allowed(s, ("secret-define",), s.defined, True) | \
            self.allowed(s, ("secret-undefine",), s.defined, False)
        if (sec is not None) not in ok_defined:
            pb("secrets", "%s is %s, acknowledged %s (in flight: %s)" % (
                s.name, "defined" if sec else "not defined",
                "defined" if s.defined else "undefined", s.inflight))
        elif sec and op is None and s.xml is not None and xml != s.xml:
            pb("secrets", "%s: its XML differs from the one acknowledged" % s.name)
        ok_values = {s.value}
        if op == "secret-set":
            ok_values.add(self.secret_value(s, op_gen))
        if op in ("secret-undefine", "secret-define") or not s.defined:
            ok_values.add(None)     # gone with the definition, or never set
        if sec and value not in ok_values:
            pb("secrets", "%s has value %r, acknowledged %r (in flight: %s)" % (
                s.name, value, s.value, s.inflight))
        if sec and gen is None:
            pb("secrets", "%s has no generation in its XML: %s" % (s.name, xml))
        s.defined, s.value, s.xml = sec is not None, value, xml
        s.gen = max(s.gen, gen or 0, op_gen or 0)
