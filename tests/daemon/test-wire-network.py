#!/usr/bin/python3
"""test-wire-network.py: python3-libvirt, unchanged, drives the network,
network filter, host interface and guest interface address procedures of
vireod over the wire.

Usage: test-wire-network.py URI URI-READ-ONLY NETNS BRIDGE MAC ROOT
  vireod runs in the network namespace NETNS (tests/network/lib-network.sh)
  on the root ROOT: the bridges it makes are looked for there with `ip`;
  BRIDGE (with MAC) is a host bridge made there for the interface calls.  Every procedure
  of those parts of the protocol is sent at least once by a real client
  (libvirt's own encoder and decoder, so a layout that differs from
  libvirt's fails here): the newer forms (listAllNetworks, the _FLAGS
  defines) and the older ones virsh's fallbacks and old clients send
  (numOfNetworks, listDefinedNetworks, listNWFilters, listInterfaces).
  Network lifecycle events are received through networkEventRegisterAny,
  in order.  Prints TAP lines; exits non-zero on a failure.
"""
import os
import subprocess
import sys
import threading
import time

import libvirt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tap import ok  # noqa: E402

NET = "wirenet"
BRIDGE = "vwire0"
NET_XML = """<network>
  <name>%s</name>
  <bridge name='%s'/>
  <ip address='10.213.7.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='10.213.7.100' end='10.213.7.150'/>
    </dhcp>
  </ip>
</network>"""
HOST0 = "<host mac='52:54:00:7a:00:10' name='h0' ip='10.213.7.10'/>"
HOST1 = "<host mac='52:54:00:7a:00:11' name='h1' ip='10.213.7.11'/>"

libvirt.registerErrorHandler(lambda c, e: None, None)
# before any connection: python3-libvirt's event loop, turned by a thread
libvirt.virEventRegisterDefaultImpl()


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


def error_of(fn, *args):
    """The libvirt error fn(*args) fails with (code, message), or None."""
    try:
        fn(*args)
    except libvirt.libvirtError as e:
        return e.get_error_code(), str(e)
    return None


def code_of(fn, *args):
    err = error_of(fn, *args)
    return err[0] if err else None


def attempt(what, fn, *args):
    """fn(*args), a failing TAP line (and None) when it raises."""
    try:
        return fn(*args)
    except libvirt.libvirtError as e:
        ok(False, what, "%s (code %d)" % (e, e.get_error_code()))
        return None


def in_ns(netns, *cmd):
    """The output of cmd run in the daemon's namespace, None when it fails."""
    r = subprocess.run(["ip", "netns", "exec", netns] + list(cmd), capture_output=True,
                       text=True, timeout=30)
    return r.stdout if r.returncode == 0 else None


def link_exists(netns, dev):
    return in_ns(netns, "ip", "link", "show", "dev", dev) is not None


def names(nets):
    return sorted(n.name() for n in nets)


class Events:
    """Network lifecycle events of one registration, in arrival order."""

    def __init__(self):
        self.got = []
        self.cond = threading.Condition()

    def callback(self, _conn, net, event, detail, _opaque):
        with self.cond:
            self.got.append((net.name(), event, detail))
            self.cond.notify_all()

    def wait(self, count, seconds=10):
        end = time.time() + seconds
        with self.cond:
            while len(self.got) < count and time.time() < end:
                self.cond.wait(end - time.time())
            return list(self.got)


# ---- networks ----

def check_define(conn, base):
    define = getattr(conn, "networkDefineXMLFlags", None)
    if define is not None:
        net = attempt("networkDefineXMLFlags", define, NET_XML % (NET, BRIDGE), 0)
        what = "networkDefineXMLFlags (432)"
    else:
        net = attempt("networkDefineXML", conn.networkDefineXML, NET_XML % (NET, BRIDGE))
        what = "networkDefineXML (41)"
    if net is None:
        return None
    ok(net.name() == NET and len(net.UUIDString()) == 36, what + ": the handle's name and UUID")
    ok(net.isActive() == 0 and net.isPersistent() == 1, "isActive 0, isPersistent 1 (152, 153)")
    defined = conn.listDefinedNetworks()
    ok(NET in defined and conn.numOfDefinedNetworks() == len(defined),
       "listDefinedNetworks / numOfDefinedNetworks (36, 50)", defined)
    ok(NET not in conn.listNetworks(), "listNetworks leaves out the inactive network (38)")
    flags = [
        (libvirt.VIR_CONNECT_LIST_NETWORKS_INACTIVE, True, "INACTIVE"),
        (libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE, False, "ACTIVE"),
        (libvirt.VIR_CONNECT_LIST_NETWORKS_PERSISTENT, True, "PERSISTENT"),
        (libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT, False, "TRANSIENT"),
        (libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART, False, "AUTOSTART"),
        (libvirt.VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART, True, "NO_AUTOSTART"),
    ]
    for flag, listed, label in flags:
        got = names(conn.listAllNetworks(flag))
        ok((NET in got) == listed, "listAllNetworks(%s) %s it (283)"
           % (label, "lists" if listed else "leaves out"), got)
    ok(names(conn.listAllNetworks(0)) == sorted(base + [NET]),
       "listAllNetworks(0): the networks there were and the new one")
    ok(conn.networkLookupByName(NET).UUIDString() == net.UUIDString(),
       "networkLookupByName (46)")
    ok(conn.networkLookupByUUIDString(net.UUIDString()).name() == NET,
       "networkLookupByUUIDString (47)")
    ok(conn.networkLookupByUUID(net.UUID()).name() == NET, "networkLookupByUUID (47)")
    xml = net.XMLDesc(0)
    ok("<name>%s</name>" % NET in xml and "name='%s'" % BRIDGE in xml and
       net.UUIDString() in xml, "XMLDesc names the network, its bridge and UUID (43)", xml)
    ok(net.bridgeName() == BRIDGE, "bridgeName (45)")
    ok(net.autostart() == 0, "autostart is off at first (44)")
    ok(attempt("setAutostart", net.setAutostart, 1) == 0 and net.autostart() == 1 and
       NET in names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_AUTOSTART)),
       "setAutostart(1) sticks and listAllNetworks(AUTOSTART) lists it (48)")
    attempt("setAutostart", net.setAutostart, 0)
    ok(net.autostart() == 0, "setAutostart(0) turns it off again")
    return net


def check_leases(net, root):
    """Leases as dnsmasq writes them (its lease file, under vireod's
    root) cross the wire field by field: an IPv4 one with a client id,
    an IPv6 one with an IAID and a DUID (no MAC)."""
    files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
             if f == NET + ".leases"]
    if len(files) != 1:
        ok(True, "DHCPLeases with leases # SKIP no single %s.leases under %s: %s"
           % (NET, root, files))
        return
    expiry = int(time.time()) + 3600
    with open(files[0], "a") as f:
        f.write("%d 52:54:00:7a:00:10 10.213.7.10 h0 01:52:54:00:7a:00:10\n" % expiry)
        f.write("duid 00:01:00:01:2c:00:00:01:52:54:00:00:00:01\n")
        f.write("%d 1234 fd00:213:7::10 h6 00:04:aa:bb:cc:dd\n" % expiry)
    leases = attempt("DHCPLeases", net.DHCPLeases) or []
    v4 = [le for le in leases if le["type"] == libvirt.VIR_IP_ADDR_TYPE_IPV4]
    v6 = [le for le in leases if le["type"] == libvirt.VIR_IP_ADDR_TYPE_IPV6]
    ok(len(v4) == 1 and v4[0]["mac"] == "52:54:00:7a:00:10" and
       v4[0]["ipaddr"] == "10.213.7.10" and v4[0]["prefix"] == 24 and
       v4[0]["hostname"] == "h0" and v4[0]["clientid"] == "01:52:54:00:7a:00:10" and
       v4[0]["iface"] == BRIDGE and v4[0]["expirytime"] == expiry and v4[0]["iaid"] is None,
       "DHCPLeases: an IPv4 lease, every field (341)", leases)
    ok(len(v6) == 1 and v6[0]["iaid"] == "1234" and v6[0]["ipaddr"] == "fd00:213:7::10" and
       v6[0]["clientid"] == "00:04:aa:bb:cc:dd" and v6[0]["mac"] is None,
       "DHCPLeases: an IPv6 lease, its IAID and DUID, no MAC", leases)
    got = attempt("DHCPLeases(mac)", net.DHCPLeases, "52:54:00:7a:00:10") or []
    ok([le["ipaddr"] for le in got] == ["10.213.7.10"],
       "DHCPLeases for one MAC: that lease only", got)
    ok(attempt("DHCPLeases(mac)", net.DHCPLeases, "52:54:00:7a:00:77") == [],
       "DHCPLeases for another MAC: none")


def check_running(conn, net, netns, root):
    ok(attempt("create", net.create) == 0 and net.isActive() == 1, "create starts it (39)")
    ok(link_exists(netns, BRIDGE), "the bridge %s exists in the namespace" % BRIDGE)
    active = conn.listNetworks()
    ok(NET in active and conn.numOfNetworks() == len(active),
       "listNetworks / numOfNetworks name it (38, 52)", active)
    ok(NET not in conn.listDefinedNetworks(), "listDefinedNetworks leaves it out once active")
    ok(NET in names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_ACTIVE)),
       "listAllNetworks(ACTIVE) lists it")
    check_update(net)
    leases = attempt("DHCPLeases", net.DHCPLeases)
    ok(leases == [], "DHCPLeases: none without guests (341)", leases)
    check_leases(net, root)
    ok(attempt("destroy", net.destroy) == 0 and net.isActive() == 0, "destroy stops it (42)")
    ok(not link_exists(netns, BRIDGE), "the bridge is gone from the namespace")


def check_update(net):
    """NETWORK_UPDATE with command and section in libvirt's fixed order
    (feature 16): ADD_LAST then ADD_FIRST put the hosts where they say."""
    live_config = (libvirt.VIR_NETWORK_UPDATE_AFFECT_LIVE |
                   libvirt.VIR_NETWORK_UPDATE_AFFECT_CONFIG)
    ok(attempt("update ADD_LAST", net.update, libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_LAST,
               libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, HOST1, live_config) == 0,
       "update: ADD_LAST an ip-dhcp-host, live and config (291)")
    ok(attempt("update ADD_FIRST", net.update, libvirt.VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST,
               libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, HOST0, live_config) == 0,
       "update: ADD_FIRST another")
    for flags, what in ((0, "live"), (libvirt.VIR_NETWORK_XML_INACTIVE, "inactive")):
        xml = net.XMLDesc(flags)
        i0, i1 = xml.find("name='h0'"), xml.find("name='h1'")
        ok(0 <= i0 < i1, "the %s XML has h0 before h1" % what, xml)
    err = error_of(net.update, libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE,
                   libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1,
                   "<host mac='52:54:00:7a:00:99' name='nosuch' ip='10.213.7.99'/>", live_config)
    ok(err is not None and "h1" in net.XMLDesc(0), "update: deleting a host that is not there "
       "is refused and changes nothing", err)
    ok(attempt("update DELETE", net.update, libvirt.VIR_NETWORK_UPDATE_COMMAND_DELETE,
               libvirt.VIR_NETWORK_SECTION_IP_DHCP_HOST, -1, HOST1, live_config) == 0 and
       "name='h1'" not in net.XMLDesc(0) and
       "name='h1'" not in net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE),
       "update: DELETE removes it from both")


def check_transient(conn, netns):
    create = getattr(conn, "networkCreateXMLFlags", None)
    xml = NET_XML % ("wiretransient", "vwire1")
    xml = xml.replace("10.213.7.", "10.213.8.")
    if create is not None:
        net = attempt("networkCreateXMLFlags", create, xml, 0)
        what = "networkCreateXMLFlags (437)"
    else:
        net = attempt("networkCreateXML", conn.networkCreateXML, xml)
        what = "networkCreateXML (40)"
    if net is None:
        return
    ok(net.isActive() == 1 and net.isPersistent() == 0, what + ": a running transient network")
    ok("wiretransient" in names(conn.listAllNetworks(libvirt.VIR_CONNECT_LIST_NETWORKS_TRANSIENT)),
       "listAllNetworks(TRANSIENT) lists it")
    ok(link_exists(netns, "vwire1"), "its bridge exists in the namespace")
    ok(attempt("destroy", net.destroy) == 0 and
       code_of(conn.networkLookupByName, "wiretransient") == libvirt.VIR_ERR_NO_NETWORK,
       "destroy of a transient network forgets it")
    ok(not link_exists(netns, "vwire1"), "and removes its bridge")


def check_errors(conn):
    before = names(conn.listAllNetworks(0))
    err = error_of(conn.networkLookupByName, "nosuchnet")
    ok(err is not None and err[0] == libvirt.VIR_ERR_NO_NETWORK and "nosuchnet" in err[1],
       "an unknown name: VIR_ERR_NO_NETWORK naming it", err)
    ok(code_of(conn.networkLookupByUUIDString, "0badc0de-0000-4000-8000-000000000000") ==
       libvirt.VIR_ERR_NO_NETWORK, "an unknown UUID: VIR_ERR_NO_NETWORK")
    bad = NET_XML % ("wirebad", "vwire2")
    bad = bad.replace("10.213.7.100", "10.99.0.100").replace("10.213.7.150", "10.99.0.150")
    err = error_of(conn.networkDefineXML, bad)
    ok(err is not None and "wirebad" in err[1] and names(conn.listAllNetworks(0)) == before,
       "a DHCP range outside the subnet is refused naming the network, nothing is defined", err)
    ok(error_of(conn.networkDefineXML, "<network><name>x") is not None,
       "malformed XML is refused")


def check_read_only(ro, net):
    rnet = ro.networkLookupByName(NET)
    ok(rnet.name() == NET and NET in names(ro.listAllNetworks(0)) and
       "<name>%s</name>" % NET in rnet.XMLDesc(0),
       "read-only socket: lookup, list and XMLDesc answer")
    ok(code_of(rnet.create) == libvirt.VIR_ERR_OPERATION_DENIED and net.isActive() == 0,
       "read-only socket: create is denied")
    ok(code_of(rnet.undefine) == libvirt.VIR_ERR_OPERATION_DENIED,
       "read-only socket: undefine is denied")


def check_networks(conn, ro, netns, root, events):
    base = names(conn.listAllNetworks(0))
    net = check_define(conn, base)
    if net is None:
        return
    check_read_only(ro, net)
    check_running(conn, net, netns, root)
    check_transient(conn, netns)
    check_errors(conn)
    ok(attempt("undefine", net.undefine) == 0 and
       code_of(conn.networkLookupByName, NET) == libvirt.VIR_ERR_NO_NETWORK and
       names(conn.listAllNetworks(0)) == base, "undefine forgets it (49)")
    D, U, S, T = (libvirt.VIR_NETWORK_EVENT_DEFINED, libvirt.VIR_NETWORK_EVENT_UNDEFINED,
                  libvirt.VIR_NETWORK_EVENT_STARTED, libvirt.VIR_NETWORK_EVENT_STOPPED)
    want = [(NET, D), (NET, S), (NET, T), ("wiretransient", S), ("wiretransient", T), (NET, U)]
    got = [(n, e) for n, e, _ in events.wait(len(want))]
    ok(got == want, "networkEventRegisterAny: every lifecycle event, in order (313, 315)",
       "want %s\ngot  %s" % (want, got))


# ---- network filters ----

BASE_FILTER = ("<filter name='wire-base' chain='ipv4'>"
               "<rule action='accept' direction='out' priority='500'>"
               "<udp dstportstart='53'/></rule></filter>")
TOP_FILTER = "<filter name='wire-top' chain='root'><filterref filter='wire-base'/></filter>"


def check_nwfilters(conn):
    builtin = names(conn.listAllNWFilters(0))
    want = ["allow-dhcp", "clean-traffic", "no-arp-spoofing", "no-ip-spoofing",
            "no-mac-spoofing"]
    ok(all(w in builtin for w in want), "listAllNWFilters shows the built-in filters (286)",
       builtin)
    legacy = conn.listNWFilters()
    ok(sorted(legacy) == builtin and conn.numOfNWFilters() == len(builtin),
       "listNWFilters / numOfNWFilters agree (179, 178)", legacy)
    define = getattr(conn, "nwfilterDefineXMLFlags", None)
    base = attempt("nwfilterDefineXML", define or conn.nwfilterDefineXML,
                   *((BASE_FILTER, 0) if define else (BASE_FILTER,)))
    top = attempt("nwfilterDefineXML", conn.nwfilterDefineXML, TOP_FILTER)
    if base is None or top is None:
        return
    ok(base.name() == "wire-base" and len(base.UUIDString()) == 36,
       "nwfilterDefineXML%s: the handle's name and UUID (%s)"
       % (("Flags", 431) if define else ("", 180)))
    ok(conn.nwfilterLookupByName("wire-base").UUIDString() == base.UUIDString(),
       "nwfilterLookupByName (175)")
    ok(conn.nwfilterLookupByUUIDString(base.UUIDString()).name() == "wire-base",
       "nwfilterLookupByUUIDString (176)")
    xml = base.XMLDesc(0)
    ok("name='wire-base'" in xml and base.UUIDString() in xml and "53" in xml,
       "XMLDesc gives the filter back with its UUID (177)", xml)
    ok(names(conn.listAllNWFilters(0)) == sorted(builtin + ["wire-base", "wire-top"]),
       "listAllNWFilters lists the new filters")
    err = error_of(base.undefine)
    ok(err is not None and err[0] == libvirt.VIR_ERR_OPERATION_INVALID and
       "wire-base" in conn.listNWFilters(),
       "undefine of a filter another one uses is refused (OPERATION_INVALID) and it stays", err)
    ok(attempt("undefine", top.undefine) == 0 and attempt("undefine", base.undefine) == 0 and
       names(conn.listAllNWFilters(0)) == builtin, "undefine, the user first (181)")
    ok(code_of(conn.nwfilterLookupByName, "wire-base") == libvirt.VIR_ERR_NO_NWFILTER,
       "an unknown filter: VIR_ERR_NO_NWFILTER")


# ---- host interfaces ----

def check_interfaces(conn, ro, bridge, mac):
    all_ = names(conn.listAllInterfaces(0))
    ok("lo" in all_ and bridge in all_, "listAllInterfaces shows lo and %s (284)" % bridge, all_)
    active = conn.listInterfaces()
    ok(bridge in active and conn.numOfInterfaces() == len(active),
       "listInterfaces / numOfInterfaces (127, 126)", active)
    inactive = conn.listDefinedInterfaces()
    ok(bridge not in inactive and conn.numOfDefinedInterfaces() == len(inactive),
       "listDefinedInterfaces / numOfDefinedInterfaces (138, 137)", inactive)
    iface = attempt("interfaceLookupByName", conn.interfaceLookupByName, bridge)
    if iface is None:
        return
    ok(iface.MACString() == mac, "interfaceLookupByName: its MAC (128)", iface.MACString())
    ok(conn.interfaceLookupByMACString(mac).name() == bridge, "interfaceLookupByMACString (129)")
    ok(iface.isActive() == 1, "isActive (156)")
    xml = iface.XMLDesc(0)
    ok("<interface type='bridge' name='%s'" % bridge in xml,
       "XMLDesc describes the bridge (130)", xml)
    riface = ro.interfaceLookupByName(bridge)
    ok("name='%s'" % bridge in riface.XMLDesc(0) and
       code_of(riface.XMLDesc, libvirt.VIR_INTERFACE_XML_INACTIVE) ==
       libvirt.VIR_ERR_OPERATION_DENIED,
       "read-only socket: XMLDesc answers, the inactive definition is denied (as libvirt)")
    ok(code_of(conn.interfaceLookupByName, "nosuch0") == libvirt.VIR_ERR_NO_INTERFACE,
       "an unknown interface: VIR_ERR_NO_INTERFACE")
    ok(code_of(conn.interfaceDefineXML, "<interface type='ethernet' name='x0'/>", 0) ==
       libvirt.VIR_ERR_NO_SUPPORT and code_of(iface.destroy, 0) == libvirt.VIR_ERR_NO_SUPPORT,
       "interfaceDefineXML and destroy: VIR_ERR_NO_SUPPORT (read-only host interfaces)")


# ---- guest interface addresses ----

DOM_XML = """<domain type='qemu'><name>wiredom</name>
<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>
<devices><interface type='network'><source network='%s'/>
<mac address='52:54:00:7a:01:01'/><model type='virtio'/></interface></devices></domain>"""


def check_domifaddr(conn, ro):
    """DOMAIN_INTERFACE_ADDRESSES reaches the driver: a guest that does
    not run has no addresses to report (OPERATION_INVALID, as libvirt)."""
    try:
        dom = conn.defineXML(DOM_XML % NET)
    except libvirt.libvirtError as e:
        ok(True, "domain interfaceAddresses # SKIP no QEMU domain can be defined here: %s" % e)
        return
    try:
        err = error_of(dom.interfaceAddresses,
                       libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, 0)
        ok(err is not None and err[0] == libvirt.VIR_ERR_OPERATION_INVALID,
           "interfaceAddresses of a guest that does not run: OPERATION_INVALID (353)", err)
        rdom = ro.lookupByName("wiredom")
        ok(code_of(rdom.interfaceAddresses, libvirt.VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, 0)
           == libvirt.VIR_ERR_OPERATION_DENIED,
           "read-only socket: interfaceAddresses from the guest agent is denied (as libvirt)")
    finally:
        dom.undefine()


def main():
    uri, uri_ro, netns = sys.argv[1], sys.argv[2], sys.argv[3]
    bridge, mac, root = sys.argv[4], sys.argv[5], sys.argv[6]
    threading.Thread(target=event_loop, daemon=True).start()
    conn = libvirt.open(uri)
    ro = libvirt.openReadOnly(uri_ro)
    events = Events()
    cb = attempt("networkEventRegisterAny", conn.networkEventRegisterAny, None,
                 libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, events.callback, None)
    check_networks(conn, ro, netns, root, events)
    if cb is not None:
        ok(error_of(conn.networkEventDeregisterAny, cb) is None,
           "networkEventDeregisterAny (314)")
    check_nwfilters(conn)
    check_interfaces(conn, ro, bridge, mac)
    check_domifaddr(conn, ro)
    ok(conn.isAlive() == 1, "the connection is still up")
    conn.close()
    ro.close()
    sys.exit(1 if tap.FAILURES else 0)


main()
