#!/usr/bin/python3
"""The two ends around vireo-ssh-helper, for tests/remote/test-ssh-helper.sh.

usage: ssh_helper_peer.py CASE SOCKET HELPER [HELPER-ARGS...]

Listens on the unix socket SOCKET (the daemon's end), runs HELPER with
its stdin and stdout on one end of a socketpair (the ssh end, as sshd
gives a channel), plays CASE, prints one line saying what it saw and
exits 0, or prints why and exits 1.
"""
import os
import socket
import subprocess
import sys
import threading
import time


def die(msg):
    print(msg)
    sys.exit(1)


def read_all(s, limit=10):
    """Everything until EOF; dies when no EOF comes within limit s."""
    s.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            die("no EOF within %d s (%d bytes read): a half-close was not passed on"
                % (limit, len(data)))
        if not chunk:
            return data
        data += chunk


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def main():
    case, path, helper = sys.argv[1], sys.argv[2], sys.argv[3:]
    if os.path.exists(path):
        os.unlink(path)
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(path)
    lsock.listen(1)
    lsock.settimeout(10)
    mine, theirs = socket.socketpair()
    proc = subprocess.Popen(helper, stdin=theirs, stdout=theirs)
    theirs.close()
    try:
        daemon, _ = lsock.accept()
    except socket.timeout:
        die("the helper never connected to %s (status %s)" % (path, proc.poll()))
    said = play(case, mine, daemon, proc)
    try:
        status = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        die("the helper did not exit once both directions ended (%s)" % said)
    if status != 0:
        die("the helper exited with status %d (%s)" % (status, said))
    print(said + ", helper exited 0")


def play(case, mine, daemon, proc):
    if case == "halfclose-up":
        # client's EOF reaches the daemon, which still answers after it
        mine.sendall(b"hello")
        mine.shutdown(socket.SHUT_WR)
        got = read_all(daemon)
        if got != b"hello":
            die("daemon read %r, expected b'hello' then EOF" % got)
        daemon.sendall(b"HELLO")
        daemon.close()
        back = read_all(mine)
        if back != b"HELLO":
            die("client read %r after its half-close, expected b'HELLO'" % back)
        return "client EOF passed on as the socket's EOF, the answer after it still came back"
    if case == "halfclose-down":
        # the daemon's EOF reaches the client, which still talks after it
        daemon.sendall(b"bye")
        daemon.shutdown(socket.SHUT_WR)
        got = read_all(mine)
        if got != b"bye":
            die("client read %r, expected b'bye' then EOF" % got)
        mine.sendall(b"still here")
        mine.shutdown(socket.SHUT_WR)
        got = read_all(daemon)
        if got != b"still here":
            die("daemon read %r after its half-close, expected b'still here'" % got)
        daemon.close()
        return "daemon EOF passed on to the client, the client's bytes after it still arrived"
    if case == "daemon-closes":
        # the daemon goes away while the client says nothing: the helper
        # must notice (nobody will read stdin's bytes) and end
        daemon.close()
        mine.settimeout(5)
        if mine.recv(1) != b"":
            die("client did not see EOF after the daemon closed")
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            die("the helper still runs 3 s after the daemon closed, client idle")
        mine.close()
        return "daemon close: client saw EOF, the helper ended with its stdin still open"
    if case == "bulk":
        # 4 MiB each way at once: neither direction may wait on the other
        size = 4 << 20
        up = os.urandom(size)
        down = os.urandom(size)
        got = {}

        def reader(name, s):
            got[name] = read_all(s, 20)

        threads = [threading.Thread(target=reader, args=("daemon", daemon)),
                   threading.Thread(target=reader, args=("client", mine))]
        for t in threads:
            t.start()
        senders = [threading.Thread(target=lambda: (mine.sendall(up), mine.shutdown(socket.SHUT_WR))),
                   threading.Thread(target=lambda: (daemon.sendall(down), daemon.shutdown(socket.SHUT_WR)))]
        for t in senders:
            t.start()
        for t in senders + threads:
            t.join(30)
        if got.get("daemon") != up or got.get("client") != down:
            die("bulk: daemon got %d of %d bytes intact=%s, client got %d intact=%s" % (
                len(got.get("daemon", b"")), size, got.get("daemon") == up,
                len(got.get("client", b"")), got.get("client") == down))
        daemon.close()
        mine.close()
        return "4 MiB each way at the same time, intact"
    if case == "idle-cpu":
        mine.sendall(b"x")
        if daemon.recv(1) != b"x":
            die("daemon did not get the first byte")
        before = cpu_ticks(proc.pid)
        time.sleep(1.0)
        used = cpu_ticks(proc.pid) - before
        if used > 5:  # clock ticks, 1/100 s: a busy loop burns ~100
            die("the helper used %d ticks of CPU in 1 s idle: busy loop" % used)
        mine.shutdown(socket.SHUT_WR)
        read_all(daemon)
        daemon.close()
        read_all(mine)
        return "idle 1 s: %d CPU ticks" % used
    if case == "q0":
        # nc's -q0: once stdin ended, quit without waiting for the daemon
        mine.shutdown(socket.SHUT_WR)
        if read_all(daemon) != b"":
            die("daemon got bytes it was not sent")
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            die("-q0: the helper still runs 3 s after stdin ended, daemon silent")
        daemon.close()
        return "-q0: stdin EOF ended the helper at once, daemon connection left open"
    die("unknown case " + case)


main()
