#!/usr/bin/python3
"""console.py PTY LINE EXPECT [TIMEOUT]: type LINE on a guest's serial
console (the pty QEMU serves) and wait until EXPECT appears in what the
guest answers.  Exit 0 when it did, 1 (printing what was read) when not.

The pty is put in raw mode first: with the default line discipline it
would echo the guest's output back to the guest as input.  Choose an
EXPECT that is not in LINE (the guest echoes what it is typed):
`echo $((6*7))` answers 42."""
import os
import select
import sys
import termios
import time
import tty


def main():
    path, line, expect = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(fd, termios.TCSANOW)
        os.write(fd, line.encode() + b"\n")
        seen = b""
        end = time.monotonic() + limit
        while expect not in seen:
            left = end - time.monotonic()
            if left <= 0:
                sys.stdout.write("console %s: no %r within %gs; read: %r\n"
                                 % (path, expect.decode(), limit, seen[-400:]))
                return 1
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                seen += os.read(fd, 4096)
        return 0
    finally:
        os.close(fd)


sys.exit(main())
