#!/usr/bin/python3
"""nettool.py: one network call through python3-libvirt, for the network
tests (tests/network/test-networks*.sh).

    nettool.py URI OP ARGS...

Prints "ok" (and the call's result, if any) or "ERR CODE MESSAGE" with
libvirt's error code; exits 0 either way, so a test asserts on the text.

OPs: define FILE | create FILE | start NAME | destroy NAME | undefine NAME
     | leases NAME [MAC] | update NAME COMMAND SECTION XML FLAGS
     | xml NAME [inactive] | events SECONDS FILE (lifecycle events, one a
       line "NAME EVENT", for SECONDS, after writing FILE.ready)
"""
import sys
import time

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)

EVENTS = {0: "defined", 1: "undefined", 2: "started", 3: "stopped"}


def events(uri, seconds, out):
    libvirt.virEventRegisterDefaultImpl()
    conn = libvirt.open(uri)
    seen = open(out, "w")

    def cb(conn, net, event, detail, opaque):
        seen.write("%s %s\n" % (net.name(), EVENTS.get(event, event)))
        seen.flush()

    conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, cb, None)
    open(out + ".ready", "w").close()
    end = time.time() + seconds
    while time.time() < end:
        libvirt.virEventRunDefaultImpl()


def main():
    uri, op, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if op == "events":
        events(uri, float(args[0]), args[1])
        return
    conn = libvirt.open(uri)
    try:
        if op == "define":
            print("ok", conn.networkDefineXML(open(args[0]).read()).name())
        elif op == "create":
            print("ok", conn.networkCreateXML(open(args[0]).read()).name())
        elif op == "start":
            conn.networkLookupByName(args[0]).create()
            print("ok")
        elif op == "destroy":
            conn.networkLookupByName(args[0]).destroy()
            print("ok")
        elif op == "undefine":
            conn.networkLookupByName(args[0]).undefine()
            print("ok")
        elif op == "leases":
            net = conn.networkLookupByName(args[0])
            leases = net.DHCPLeases(args[1]) if len(args) > 1 else net.DHCPLeases()
            print("ok", len(leases))
            for lease in leases:
                print(lease["mac"], lease["ipaddr"], lease["hostname"], lease["iface"])
        elif op == "update":
            net = conn.networkLookupByName(args[0])
            net.update(int(args[1]), int(args[2]), -1, args[3], int(args[4]))
            print("ok")
        elif op == "xml":
            flags = libvirt.VIR_NETWORK_XML_INACTIVE if args[1:] == ["inactive"] else 0
            print(conn.networkLookupByName(args[0]).XMLDesc(flags))
        else:
            print("ERR 0 unknown op", op)
    except libvirt.libvirtError as e:
        print("ERR", e.get_error_code(), e.get_error_message())


main()
