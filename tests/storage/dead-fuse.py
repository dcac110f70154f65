#!/usr/bin/python3
"""dead-fuse.py MOUNTPOINT: a file system whose server stops answering.

Mounts a FUSE file system on MOUNTPOINT, answers the kernel's INIT, then
reads every later request and never replies: whoever touches the mount
(stat, statvfs, readdir) sleeps in the kernel, as on an NFS mount whose
server went away.  Prints "ready" once mounted.  When this process dies
the kernel aborts the connection and the sleepers get ENOTCONN; the
caller then unmounts (umount -l).  Not a test by itself: test-pools.sh
uses it.
"""
import ctypes
import os
import struct
import sys

FUSE_INIT = 26
target = sys.argv[1].encode()
fd = os.open("/dev/fuse", os.O_RDWR)
libc = ctypes.CDLL(None, use_errno=True)
opts = b"fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other" % fd
if libc.mount(b"deadfuse", target, b"fuse.deadfuse", 0, opts) != 0:
    err = ctypes.get_errno()
    sys.exit("mount: " + os.strerror(err))

answered_init = False
while True:
    req = os.read(fd, 1 << 20)
    length, opcode, unique = struct.unpack_from("<IIQ", req)
    if opcode == FUSE_INIT and not answered_init:
        major, minor = struct.unpack_from("<II", req, 40)
        # fuse_init_out: major, minor, max_readahead, flags, max_background,
        # congestion_threshold, max_write, time_gran, max_pages,
        # map_alignment, flags2, unused[7]
        body = struct.pack("<IIIIHHIIHHI28x", 7, min(minor, 31), 0, 0, 1, 1, 4096, 1, 1, 0, 0)
        os.write(fd, struct.pack("<IiQ", 16 + len(body), 0, unique) + body)
        answered_init = True
        print("ready", flush=True)
    # every other request: no answer, ever
