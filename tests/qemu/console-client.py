#!/usr/bin/python3
"""console-client.py: drive a guest's console through a stream client.

  tty [--ready FILE] [--hold FILE] [--line LINE --expect TEXT]
      [--want-fail TEXT] [--end-by-peer] -- COMMAND...
      Run COMMAND (virsh console, vireo console) on a new pseudo-terminal,
      as a user would.  Wait for its banner ("Escape character is"); touch
      --ready; type LINE and wait for TEXT in what comes back; wait until
      --hold exists; then type the escape character ^] and wait for
      COMMAND to exit 0.  --want-fail TEXT: COMMAND must instead fail
      (exit non-zero) saying TEXT.  --end-by-peer: COMMAND must end by
      itself (the other side ended the session) instead of being escaped.

  pipe [--line LINE --expect TEXT] -- COMMAND...
      The same with COMMAND's stdin and stdout pipes (not a terminal).

  libvirt URI DOMAIN LINE TEXT
      python3-libvirt: conn.newStream(0), dom.openConsole(None, st, 0),
      st.send(LINE), st.recv until TEXT, st.finish().

Exit 0 when everything happened as asked, 1 (saying what was seen) when
not.  Every wait is bounded (TIMEOUT seconds)."""
import os
import pty
import select
import signal
import subprocess
import sys
import time

TIMEOUT = 20.0


class Failed(Exception):
    pass


def read_until(fd, want, seen, limit=TIMEOUT, proc_done=None):
    """Read fd until want is in seen (bytes); returns seen.  want None:
    until end of file."""
    end = time.monotonic() + limit
    while want is None or want not in seen:
        left = end - time.monotonic()
        if left <= 0:
            raise Failed("no %r within %gs; read: %r" % (want, limit, seen[-400:]))
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:     # EIO: the pty's other end is closed
            data = b""
        if not data:
            if want is None:
                return seen
            raise Failed("end of output before %r; read: %r" % (want, seen[-400:]))
        seen += data
    return seen


def wait_exit(pid, limit=TIMEOUT):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)    # polling a child with a deadline, not waiting on a guess
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise Failed("command did not exit within %gs" % limit)


def wait_file(path, limit=60.0):
    end = time.monotonic() + limit
    while not os.path.exists(path):
        if time.monotonic() > end:
            raise Failed("%s did not appear within %gs" % (path, limit))
        time.sleep(0.05)


def prompt(fd_in, fd_out, seen):
    """Press Enter until the guest's shell prompt comes back: the client
    prints its banner before its terminal is raw and its session open,
    and what is typed before may be flushed."""
    end = time.monotonic() + TIMEOUT
    mark = len(seen)
    while True:
        os.write(fd_in, b"\r")
        try:
            return read_until(fd_out, b"guest# ", seen, limit=1.0)
        except Failed:
            if time.monotonic() > end:
                raise Failed("no guest prompt within %gs; read: %r"
                             % (TIMEOUT, seen[mark:][-400:]))
            # what read_until saw is lost with the exception: read again
            continue


def session(opts, cmd, fd_in, fd_out, pid):
    """Talk to a console client whose stdin is fd_in and stdout fd_out."""
    seen = b""
    if opts.get("want_fail"):
        seen = read_until(fd_out, None, seen)
        code = wait_exit(pid)
        if code == 0 or opts["want_fail"].encode() not in seen:
            raise Failed("%s should fail saying %r; exit %d, said %r"
                         % (cmd[0], opts["want_fail"], code, seen[-400:]))
        return
    seen = read_until(fd_out, b"Escape character is", seen)
    seen = prompt(fd_in, fd_out, seen)
    if opts.get("ready"):
        open(opts["ready"], "w").close()
    if opts.get("line"):
        os.write(fd_in, opts["line"].encode() + b"\r")
        seen = read_until(fd_out, opts["expect"].encode(), seen)
    if opts.get("end_by_peer"):
        read_until(fd_out, None, seen, limit=60.0)
        wait_exit(pid)
        return
    if opts.get("hold"):
        wait_file(opts["hold"])
    os.write(fd_in, b"\x1d")
    code = wait_exit(pid)
    if code != 0:
        raise Failed("%s exited %d after the escape character; read: %r"
                     % (cmd[0], code, seen[-400:]))


def run_tty(opts, cmd):
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    try:
        session(opts, cmd, master, master, pid)
    finally:
        os.close(master)


def run_pipe(opts, cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        session(opts, cmd, p.stdin.fileno(), p.stdout.fileno(), p.pid)
    finally:
        p.stdin.close()
        p.stdout.close()


def run_libvirt(uri, name, line, expect):
    import libvirt
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)
    st = conn.newStream(0)
    dom.openConsole(None, st, 0)
    st.send(line.encode() + b"\r")
    seen = b""
    end = time.monotonic() + TIMEOUT
    while expect.encode() not in seen:
        if time.monotonic() > end:
            raise Failed("python3-libvirt: no %r; read %r" % (expect, seen[-400:]))
        data = st.recv(4096)
        if not data:
            raise Failed("python3-libvirt: the stream ended; read %r" % seen[-400:])
        seen += data
    st.finish()
    conn.close()


def parse(args):
    opts = {}
    keys = {"--ready": "ready", "--hold": "hold", "--line": "line", "--expect": "expect",
            "--want-fail": "want_fail"}
    while args and args[0] != "--":
        a = args.pop(0)
        if a == "--end-by-peer":
            opts["end_by_peer"] = True
        else:
            opts[keys[a]] = args.pop(0)
    return opts, args[1:]


def main():
    mode = sys.argv[1]
    try:
        if mode == "libvirt":
            run_libvirt(*sys.argv[2:6])
        else:
            opts, cmd = parse(sys.argv[2:])
            (run_tty if mode == "tty" else run_pipe)(opts, cmd)
    except Failed as e:
        sys.stdout.write("console-client: %s\n" % e)
        return 1
    return 0


sys.exit(main())
