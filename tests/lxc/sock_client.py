#!/usr/bin/python3
"""sock_client.py SOCKET OUT [IN]: a client of a controller's unix socket
(tests/lxc/test-controller.sh).  What the socket says is appended to OUT
as it comes; bytes appended to the file IN (when given) are sent.  Ends
when the socket reads end of file."""
import os
import select
import socket
import sys

sock_path, out_path = sys.argv[1], sys.argv[2]
in_path = sys.argv[3] if len(sys.argv) > 3 else None
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
sent = 0
with open(out_path, "ab", buffering=0) as out:
    while True:
        r, _, _ = select.select([s], [], [], 0.05)
        if r:
            data = s.recv(65536)
            if not data:
                break
            out.write(data)
        if in_path and os.path.exists(in_path):
            with open(in_path, "rb") as f:
                f.seek(sent)
                more = f.read()
            if more:
                s.sendall(more)
                sent += len(more)
