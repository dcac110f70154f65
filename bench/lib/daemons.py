#!/usr/bin/python3
"""daemons.py: one daemon under test (Target), and the launcher both run under.

Two targets, started the same way:
  libvirt  Debian's /usr/sbin/libvirtd with its QEMU driver, as root, with
           its own config (-f, -p) and, in a private mount namespace,
           private folders bind-mounted over /etc/libvirt, /var/lib/libvirt,
           /run/libvirt, /var/log/libvirt, /var/cache/libvirt and copies of
           /etc/passwd and /etc/group that have libvirt-qemu (FACTS.md,
           "Running Debian's libvirtd privately").  The host's folders are
           never written: everything lives under the target's work folder.
  vireo    vireod --root WORK/root (not -d, so the pid is the daemon's).

The launcher is this file run as a program ("daemons.py launch ..."): a
child subreaper that forks the daemon, reports the daemon's pid and the
monotonic time just before exec on a pipe, reaps every orphan (QEMUs that
libvirtd double-forks) the moment it exits, forwards SIGTERM/SIGINT/SIGHUP
to the daemon and stays until the daemon exits.  It dies with the bench
(PR_SET_PDEATHSIG), and the daemon dies with it, so nothing is left running
even when the bench is killed.  Both daemons run under it, so destroy is
compared like with like (PID 1 here reaps only about once a second).

Every Target is registered; cleanup_all() (also run at exit) stops every
daemon and kills every QEMU a target started, by pid.
"""

import atexit
import ctypes
import glob
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lib import measure  # noqa: E402

PYTHON = "/usr/bin/python3"
LIBVIRTD = os.environ.get("VIREO_BENCH_LIBVIRTD", "/usr/sbin/libvirtd")  # to test a missing one
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START_TIMEOUT = 60.0     # a cold libvirtd probes every QEMU binary first
STOP_TIMEOUT = 30.0
RUNTIME_PARENT = "/dev/shm"

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

_targets = []            # every Target made, for cleanup_all


# ---------------------------------------------------------------- first RPC

_PROG = 0x20008086
_PROC_OPEN, _PROC_CLOSE, _PROC_GET_VERSION = 1, 2, 4


def _xdr_string(s: str) -> bytes:
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * (-len(b) % 4)


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the daemon closed the connection")
        buf += chunk
    return buf


def _call(sock, proc, serial, body=b""):
    """One call of libvirt's remote program; the reply's body.  Raises
    RuntimeError when the daemon answers with an error."""
    hdr = struct.pack(">IIiiIi", _PROG, 1, proc, 0, serial, 0)
    sock.sendall(struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body)
    (length,) = struct.unpack(">I", _recv_exact(sock, 4))
    reply = _recv_exact(sock, length - 4)
    _prog, _vers, rproc, rtype, rserial, status = struct.unpack(">IIiiIi", reply[:24])
    if rproc != proc or rserial != serial or rtype != 1:
        raise RuntimeError(f"unexpected reply (proc {rproc}, type {rtype}, serial {rserial})")
    if status != 0:
        raise RuntimeError(f"error reply to procedure {proc}: {_error_message(reply[24:])}")
    return reply[24:]


def _error_message(body: bytes) -> str:
    """The message of a remote_error (code, domain, then an optional string)."""
    try:
        code, _dom, present = struct.unpack(">iiI", body[:12])
        if present:
            (n,) = struct.unpack(">I", body[12:16])
            return f"{body[16:16 + n].decode(errors='replace')} (code {code})"
        return f"code {code}"
    except struct.error:
        return "unreadable error"


def rpc_get_version(sock_path: str, uri: str = "qemu:///system", timeout: float = 30.0) -> int:
    """Connect, CONNECT_OPEN uri, CONNECT_GET_VERSION, CONNECT_CLOSE: the
    first RPC a client makes, without the client library's extra calls."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(sock_path)
        _call(s, _PROC_OPEN, 1, struct.pack(">I", 1) + _xdr_string(uri) + struct.pack(">I", 0))
        (version,) = struct.unpack(">Q", _call(s, _PROC_GET_VERSION, 2)[:8])
        t = measure.now()
        try:
            _call(s, _PROC_CLOSE, 3)
        except (OSError, RuntimeError):
            pass
        return version, t
    finally:
        s.close()


def first_rpc(sock_path: str, t_exec: float, alive, timeout: float = START_TIMEOUT) -> float:
    """Seconds from t_exec to the first answered getVersion on sock_path,
    polling the socket's existence tightly.  alive() says whether the daemon
    still runs (a dead one fails at once with the reason)."""
    end = t_exec + timeout
    last = "its socket never appeared"
    while True:
        if os.path.exists(sock_path):
            try:
                _version, t = rpc_get_version(sock_path, timeout=max(1.0, end - measure.now()))
                return t - t_exec
            except (OSError, RuntimeError) as e:
                last = str(e)
        if not alive():
            raise RuntimeError(f"the daemon exited before answering ({last})")
        if measure.now() > end:
            raise RuntimeError(f"no answer within {timeout:g}s ({last})")
        time.sleep(0.0002)


# ---------------------------------------------------------------- Target

class Target:
    """One daemon under test; see contract.md.  Subclasses say how to lay
    out its state and how to exec it."""

    name = ""

    def __init__(self, work_parent: str | None = None, vireo_cli: str = ""):
        self.work = tempfile.mkdtemp(prefix=f"vireo-bench-{self.name}.", dir=work_parent)
        # runtime files (sockets, pid files) on a tmpfs, as /run is on a
        # host: creating inodes on a busy ext4 here costs 0.1-0.5 ms each
        # and varies with what else runs, which would swamp "first RPC"
        self.runtime = (tempfile.mkdtemp(prefix=f"vireo-bench-{self.name}-run.", dir=RUNTIME_PARENT)
                        if os.path.isdir(RUNTIME_PARENT) else os.path.join(self.work, "runtime"))
        os.makedirs(self.runtime, exist_ok=True)
        self.log_path = os.path.join(self.work, "daemon.log")
        self.vireo_cli = vireo_cli
        self._launcher = None    # subprocess.Popen of the launcher
        self._pid = 0            # the daemon's pid (the launcher's child)
        self.sock = ""
        self.uri = ""
        _targets.append(self)

    # -- to be filled by subclasses
    def unavailable(self) -> str:
        """Empty when this target can run here, else why not."""
        return ""

    def _prepare(self) -> tuple[list[str], dict]:
        """Write config, make folders; the daemon's argv and the launcher
        spec (binds, env)."""
        raise NotImplementedError

    def wipe_state(self, keep_cache: bool = True) -> None:
        """Forget every definition and all runtime state (the daemon must
        be stopped); keep the QEMU capabilities cache unless told not to."""
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    # -- the contract
    def start(self) -> float:
        """Launch the daemon on its current state; seconds from exec to the
        first answered getVersion."""
        if self.running():
            raise RuntimeError(f"{self.name}: already running (pid {self._pid})")
        why = self.unavailable()
        if why:
            raise measure.Unavailable(why)
        argv, spec = self._prepare()
        if os.path.lexists(self.sock):
            os.unlink(self.sock)
        spec["argv"] = argv
        spec["log"] = self.log_path
        t_exec = self._launch(spec)
        try:
            return first_rpc(self.sock, t_exec, lambda: measure.alive(self._pid))
        except RuntimeError as e:
            tail = self.log_tail()
            self._kill()
            raise RuntimeError(f"{self.name} did not answer on {self.sock}: {e}"
                               + (f"; its log ends: {tail}" if tail else "")) from None

    def _launch(self, spec: dict) -> float:
        r, w = os.pipe()
        with open(os.path.join(self.work, "launcher.log"), "ab") as llog:
            self._launcher = subprocess.Popen(
                [PYTHON, os.path.abspath(__file__), "launch", str(w), json.dumps(spec)],
                pass_fds=(w,), stdin=subprocess.DEVNULL, stdout=llog, stderr=llog,
                start_new_session=True)   # ^C reaches the bench only; it stops us in order
        os.close(w)
        out = b""
        end = time.monotonic() + 30
        try:
            while True:
                left = end - time.monotonic()
                if left <= 0 or not select.select([r], [], [], left)[0]:
                    raise RuntimeError("the launcher did not report within 30s")
                chunk = os.read(r, 4096)
                if not chunk:
                    break
                out += chunk
        finally:
            os.close(r)
        t_exec = None
        errors = []
        for line in out.decode(errors="replace").splitlines():
            key, _, val = line.partition(" ")
            if key == "pid":
                self._pid = int(val)
            elif key == "exec":
                t_exec = float(val)
            elif key == "error":
                errors.append(val)
        if errors or not self._pid or t_exec is None:
            self._kill()
            raise RuntimeError(f"{self.name}: the launcher failed: "
                               + ("; ".join(errors) or "no pid/exec time reported"))
        return t_exec

    def running(self) -> bool:
        return self._launcher is not None and self._launcher.poll() is None

    def stop(self) -> None:
        """SIGTERM by pid, wait for the exit; state kept."""
        if self._launcher is None:
            return
        if self._launcher.poll() is None and measure.alive(self._pid):
            try:
                os.kill(self._pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self._launcher.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._kill()
            raise RuntimeError(f"{self.name} did not exit within {STOP_TIMEOUT:g}s of SIGTERM")
        self._launcher = None
        self._pid = 0

    def _kill(self) -> None:
        """SIGKILL the daemon and its launcher, by pid."""
        for pid in (self._pid, self._launcher.pid if self._launcher else 0):
            if pid and measure.alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self._launcher is not None:
            try:
                self._launcher.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._launcher = None
        self._pid = 0

    def restart(self) -> float:
        self.stop()
        return self.start()

    def pid(self) -> int:
        if not self.running():
            raise RuntimeError(f"{self.name} is not running")
        return self._pid

    def rss_kib(self) -> int:
        return measure.rss_kib(self.pid())

    def threads(self) -> int:
        return measure.threads(self.pid())

    def open(self):
        import libvirt
        return libvirt.open(self.uri)

    def virsh(self, *args, timeout=600) -> subprocess.CompletedProcess:
        return subprocess.run(["virsh", "-c", self.uri, *args], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def vireo(self, *args, timeout=600) -> subprocess.CompletedProcess:
        return subprocess.run([self.vireo_cli, "-c", self.uri, *args], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def _qemu_pidfiles(self) -> list[str]:
        return []

    def qemu_pids(self) -> list[int]:
        """QEMUs this target started: named by its pid files, children of
        the daemon or of its launcher, or naming our work folder."""
        pids = set()
        for f in self._qemu_pidfiles():
            try:
                with open(f, encoding="ascii") as fh:
                    pids.add(int(fh.read().split()[0]))
            except (OSError, ValueError, IndexError):
                pass
        parents = {p for p in (self._pid, self._launcher.pid if self._launcher else 0) if p}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            pid = int(d)
            cmd = measure.cmdline(pid)
            if not cmd or "qemu-system" not in os.path.basename(cmd[0]):
                continue
            if any(self.work in a or self.runtime in a for a in cmd) or _ppid(pid) in parents:
                pids.add(pid)
        return sorted(p for p in pids if measure.alive(p) and _is_qemu(p))

    def log_tail(self, lines: int = 5) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return " | ".join(x.strip() for x in f.readlines()[-lines:])
        except OSError:
            return ""

    def cleanup(self) -> None:
        """Stop, kill its QEMUs by pid, remove its temp folders."""
        qemus = self.qemu_pids() if self._launcher else []
        try:
            self.stop()
        except RuntimeError:
            pass
        for pid in set(qemus) | set(self.qemu_pids()):
            try:
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in qemus:
            try:
                measure.wait_until(lambda p=pid: not measure.alive(p), 10, what=f"QEMU {pid} exit")
            except TimeoutError:
                pass
        if os.environ.get("VIREO_BENCH_KEEP"):
            print(f"bench: kept {self.work}", file=sys.stderr)
        else:
            shutil.rmtree(self.work, ignore_errors=True)
            shutil.rmtree(self.runtime, ignore_errors=True)
        if self in _targets:
            _targets.remove(self)


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
        return int(stat[stat.rfind(")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _is_qemu(pid: int) -> bool:
    cmd = measure.cmdline(pid)
    return bool(cmd) and "qemu-system" in os.path.basename(cmd[0])


# ---------------------------------------------------------------- libvirtd

class LibvirtTarget(Target):
    """Debian's libvirtd, privately; its fixed state folders are ours."""

    name = "libvirt"
    # the host's folder -> ours (under work/ns/)
    STATE = {"/etc/libvirt": "etc", "/var/lib/libvirt": "lib", "/run/libvirt": "run",
             "/var/log/libvirt": "log", "/var/cache/libvirt": "cache"}

    def __init__(self, work_parent=None, vireo_cli=""):
        super().__init__(work_parent, vireo_cli)
        self.ns = os.path.join(self.work, "ns")
        self.sockdir = os.path.join(self.runtime, "sock")
        self.sock = os.path.join(self.sockdir, "libvirt-sock")
        self.uri = f"qemu+unix:///system?socket={self.sock}"
        self.drivers = os.path.join(self.work, "drivers")

    def unavailable(self) -> str:
        if not os.access(LIBVIRTD, os.X_OK):
            return f"libvirtd is not installed at {LIBVIRTD} (apt-get install libvirt-daemon)"
        if not self._qemu_driver():
            return "libvirt's QEMU driver is not installed (libvirt-daemon-driver-qemu)"
        if os.geteuid() != 0:
            return "libvirtd's qemu:///system needs root (and a private mount namespace)"
        return ""

    @staticmethod
    def _qemu_driver() -> str:
        found = glob.glob("/usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so")
        return found[0] if found else ""

    def version(self) -> str:
        out = subprocess.run([LIBVIRTD, "--version"], capture_output=True, text=True).stdout
        return out.strip().split()[-1] if out.strip() else "?"

    def _state_dir(self, sub: str) -> str:
        """Our folder standing for one of libvirtd's (its run folder on tmpfs)."""
        return os.path.join(self.runtime if sub == "run" else self.ns, sub)

    def _qemu_pidfiles(self):
        return glob.glob(os.path.join(self._state_dir("run"), "qemu", "*.pid"))

    def wipe_state(self, keep_cache: bool = True) -> None:
        if self.running():
            raise RuntimeError("wipe_state: libvirt is running")
        for sub in self.STATE.values():
            if sub == "cache" and keep_cache:
                continue
            shutil.rmtree(self._state_dir(sub), ignore_errors=True)

    def _prepare(self):
        for d in [self._state_dir(sub) for sub in self.STATE.values()] + [self.sockdir]:
            os.makedirs(d, exist_ok=True)
        os.chmod(self.sockdir, 0o700)
        # only the QEMU driver, like vireod (which has no network or storage
        # driver): fewer threads and less memory for libvirtd, never more
        os.makedirs(self.drivers, exist_ok=True)
        link = os.path.join(self.drivers, "libvirt_driver_qemu.so")
        if not os.path.lexists(link):
            os.symlink(self._qemu_driver(), link)
        conf = os.path.join(self.work, "libvirtd.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(f'unix_sock_dir = "{self.sockdir}"\n'
                    'unix_sock_ro_perms = "0777"\nunix_sock_rw_perms = "0700"\n'
                    'auth_unix_ro = "none"\nauth_unix_rw = "none"\n'
                    'listen_tls = 0\nlisten_tcp = 0\n'
                    f'log_outputs = "3:file:{self.log_path}"\n')
        with open(os.path.join(self.ns, "etc", "qemu.conf"), "w", encoding="utf-8") as f:
            f.write('user = "root"\ngroup = "root"\ndynamic_ownership = 0\n'
                    'security_driver = "none"\nstdio_handler = "file"\n')
        passwd, group = self._passwd_copies()
        binds = [[self._state_dir(sub), host] for host, sub in self.STATE.items()]
        binds += [[passwd, "/etc/passwd"], [group, "/etc/group"]]
        argv = [LIBVIRTD, "-f", conf, "-p", os.path.join(self.work, "libvirtd.pid")]
        return argv, {"binds": binds, "env": {"LIBVIRT_DRIVER_DIR": self.drivers}}

    def _passwd_copies(self):
        """Copies of /etc/passwd and /etc/group that have libvirt-qemu (the
        QEMU driver looks it up before reading qemu.conf)."""
        out = []
        for path, line in (("/etc/passwd", "libvirt-qemu:x:64055:64055:Libvirt Qemu:"
                            "/var/lib/libvirt:/usr/sbin/nologin\n"),
                           ("/etc/group", "libvirt-qemu:x:64055:\n")):
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if not any(x.startswith("libvirt-qemu:") for x in text.splitlines()):
                text += ("" if text.endswith("\n") else "\n") + line
            copy = os.path.join(self.work, os.path.basename(path))
            with open(copy, "w", encoding="utf-8") as f:
                f.write(text)
            out.append(copy)
        return out


# ---------------------------------------------------------------- vireod

class VireoTarget(Target):
    name = "vireo"

    def __init__(self, work_parent=None, vireo_cli="", vireod=""):
        super().__init__(work_parent, vireo_cli)
        self.vireod = vireod
        self.root = os.path.join(self.work, "root")
        self.sock = os.path.join(self.root, "run", "libvirt", "libvirt-sock")
        self.uri = f"qemu+unix:///system?socket={self.sock}"

    def unavailable(self) -> str:
        if not os.access(self.vireod, os.X_OK):
            return f"vireod is not built at {self.vireod}"
        return ""

    def version(self) -> str:
        """vireod's own version, the tree's commit, and the binary's age
        against the newest commit (a stale build is said so)."""
        own = subprocess.run([self.vireod, "--version"], capture_output=True,
                             text=True).stdout.strip().split()
        git = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip() or "?"
        out = f"{own[-1] if own else '?'} (tree {git})"
        head = subprocess.run(["git", "-C", TOP, "log", "-1", "--format=%ct"],
                              capture_output=True, text=True).stdout.strip()
        if head.isdigit() and os.path.getmtime(self.vireod) < int(head):
            out += ", vireod OLDER than the last commit: rebuild"
        return out

    def _qemu_pidfiles(self):
        return glob.glob(os.path.join(self.runtime, "run", "libvirt", "qemu", "*.pid"))

    def wipe_state(self, keep_cache: bool = True) -> None:
        if self.running():
            raise RuntimeError("wipe_state: vireo is running")
        cache = os.path.join(self.root, "var", "cache")
        kept = os.path.join(self.work, "cache.kept")
        if keep_cache and os.path.isdir(cache):
            shutil.rmtree(kept, ignore_errors=True)
            os.rename(cache, kept)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(os.path.join(self.runtime, "run"), ignore_errors=True)
        if keep_cache and os.path.isdir(kept):
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            os.rename(kept, cache)

    def _prepare(self):
        os.makedirs(self.root, exist_ok=True)
        # ROOT/run on the tmpfs (see Target.__init__)
        os.makedirs(os.path.join(self.runtime, "run"), exist_ok=True)
        link = os.path.join(self.root, "run")
        if not os.path.lexists(link):
            os.symlink(os.path.join(self.runtime, "run"), link)
        return [self.vireod, "--root", self.root], {"binds": [], "env": {}}


def make_targets(build: str, work_parent: str | None = None) -> list[Target]:
    """Both targets (libvirt first), not started."""
    build = os.path.abspath(build)
    cli = os.path.join(build, "src", "cli", "vireo")
    return [LibvirtTarget(work_parent, cli),
            VireoTarget(work_parent, cli, os.path.join(build, "src", "daemon", "vireod"))]


def cleanup_all() -> None:
    """Stop every target still registered and kill its QEMUs (by pid)."""
    for t in list(_targets):
        try:
            t.cleanup()
        except Exception as e:  # cleanup must go on with the others
            print(f"bench: cleaning up {t.name}: {e}", file=sys.stderr)


atexit.register(cleanup_all)


def _quiet_libvirt():
    """python3-libvirt prints every error on stderr unless a handler is set."""
    try:
        import libvirt
        libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    except ImportError:
        pass


if __name__ != "__main__":
    _quiet_libvirt()


# ---------------------------------------------------------------- launcher

def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(ret, what):
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _private_mounts(libc, binds):
    """A private mount namespace with each [src, dst] bind-mounted."""
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making / rprivate")
    for src, dst in binds:
        if not os.path.exists(dst):
            # never create anything on the host: mount a tmpfs over the
            # parent inside our namespace first
            parent = os.path.dirname(dst)
            if parent not in ("/var/lib", "/var/log", "/var/cache", "/run"):
                raise OSError(f"{dst} does not exist and {parent} cannot be covered")
            _check(libc.mount(b"tmpfs", parent.encode(), b"tmpfs", 0, None),
                   f"tmpfs over {parent}")
            os.makedirs(dst)
        _check(libc.mount(src.encode(), dst.encode(), None, MS_BIND, None),
               f"bind {src} over {dst}")


def launcher_main(report_fd: int, spec: dict) -> int:
    libc = _libc()

    def report(line):
        os.write(report_fd, (line + "\n").encode())

    try:
        _check(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER")
        _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0), "PR_SET_PDEATHSIG")
        if spec.get("binds"):
            _private_mounts(libc, spec["binds"])
        env = dict(os.environ, **spec.get("env", {}))
        log = os.open(spec["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
    except OSError as e:
        report(f"error {e}")
        return 2
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(s, signal.SIG_DFL)
            report(f"exec {measure.now()!r}")
            os.close(report_fd)
            os.execve(spec["argv"][0], spec["argv"], env)
        except BaseException as e:  # never return into the launcher's code
            try:
                report(f"error exec {spec['argv'][0]}: {e}")
            finally:
                os._exit(127)
    report(f"pid {pid}")
    os.close(report_fd)

    def forward(sig, _frame):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, forward)
    status = 0
    while True:
        try:
            child, st = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        if child == pid:
            status = os.waitstatus_to_exitcode(st)
            break
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "launch":
        sys.exit(launcher_main(int(sys.argv[2]), json.loads(sys.argv[3])))
    print("usage: daemons.py launch REPORT-FD SPEC-JSON (used by Target.start)",
          file=sys.stderr)
    sys.exit(2)
