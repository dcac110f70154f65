#!/usr/bin/python3
"""test-wire-storage.py: python3-libvirt, unchanged, drives the storage
pool, volume and secret procedures of vireod over the wire.

Usage: test-wire-storage.py URI URI-READ-ONLY WORKDIR
  Every procedure of the storage and secret part of the protocol is sent
  at least once by a real client (libvirt's own encoder and decoder, so a
  layout that differs from libvirt's fails here): the newer forms
  (listAllStoragePools, infoFlags, wipePattern) and the older ones old
  clients and virsh's fallbacks send (numOfStoragePools, listVolumes,
  listSecrets, info, wipe).  A dir pool in WORKDIR holds the volumes.  On
the read-only socket reads work and changes and secret values are
refused, as libvirtd does.
Prints TAP lines; exits non-zero on a failure.
"""
import os
import sys

import libvirt

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
import tap  # noqa: E402
from tap import ok  # noqa: E402

MiB = 1024 * 1024


def error_of(fn, *args):
    """The libvirt error code fn(*args) fails with, or None when it works."""
    try:
        fn(*args)
    except libvirt.libvirtError as e:
        return e.get_error_code()
    return None


def attempt(what, fn, *args):
    """fn(*args), a failing TAP line (and None) when it raises."""
    try:
        return fn(*args)
    except libvirt.libvirtError as e:
        ok(False, what, "%s (code %d)" % (e, e.get_error_code()))
        return None


libvirt.registerErrorHandler(lambda c, e: None, None)


def pool_xml(name, path):
    return ("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
            % (name, path))


def vol_xml(name, capacity, fmt="raw"):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity>"
            "<target><format type='%s'/></target></volume>" % (name, capacity, fmt))


def check_pools(conn, work):
    path = os.path.join(work, "pool")
    ok(conn.listAllStoragePools(0) == [], "listAllStoragePools: none at first")
    pool = attempt("storagePoolDefineXML", conn.storagePoolDefineXML, pool_xml("wirepool", path), 0)
    if pool is None:
        return None
    ok(pool.name() == "wirepool" and len(pool.UUIDString()) == 36,
       "the defined pool's handle carries its name and UUID")
    ok(conn.listDefinedStoragePools() == ["wirepool"] and conn.numOfDefinedStoragePools() == 1,
       "listDefinedStoragePools / numOfDefinedStoragePools (74, 73)")
    ok(pool.isActive() == 0 and pool.isPersistent() == 1, "isActive 0, isPersistent 1")
    ok(attempt("build", pool.build, 0) == 0 and os.path.isdir(path),
       "build makes the target folder")
    ok(attempt("create", pool.create, 0) == 0 and pool.isActive() == 1, "create starts it")
    ok(conn.listStoragePools() == ["wirepool"] and conn.numOfStoragePools() == 1,
       "listStoragePools / numOfStoragePools (72, 71)")
    names = [p.name() for p in conn.listAllStoragePools(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)]
    ok(names == ["wirepool"], "listAllStoragePools(ACTIVE) (281)", names)
    ok(conn.listAllStoragePools(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE) == [],
       "listAllStoragePools(INACTIVE) is empty")
    info = pool.info()
    ok(info[0] == libvirt.VIR_STORAGE_POOL_RUNNING and info[1] > 0 and info[3] <= info[1],
       "info: running, with a capacity (87)", info)
    xml = pool.XMLDesc(0)
    ok("<name>wirepool</name>" in xml and path in xml, "XMLDesc names the pool and its path")
    ok(pool.autostart() == 0, "autostart is off at first")
    pool.setAutostart(1)
    ok(pool.autostart() == 1, "setAutostart(1) sticks")
    ok(conn.storagePoolLookupByName("wirepool").UUIDString() == pool.UUIDString(),
       "storagePoolLookupByName")
    ok(conn.storagePoolLookupByUUIDString(pool.UUIDString()).name() == "wirepool",
       "storagePoolLookupByUUID")
    ok(conn.storagePoolLookupByTargetPath(path).name() == "wirepool",
       "storagePoolLookupByTargetPath (391)")
    caps = attempt("getStoragePoolCapabilities", conn.getStoragePoolCapabilities, 0)
    ok(caps is not None and "<storagepoolCapabilities" in caps and "'dir'" in caps,
       "getStoragePoolCapabilities lists the dir type (403)", caps)
    try:
        found = conn.findStoragePoolSources("dir", None, 0)
        ok(found.startswith("<sources"), "findStoragePoolSources answers (75)", found)
    except libvirt.libvirtError as e:
        ok(e.get_error_code() == libvirt.VIR_ERR_NO_SUPPORT and "dir" in str(e),
           "findStoragePoolSources: dir has none, said with NO_SUPPORT naming it (75)", e)
    ok(attempt("refresh", pool.refresh, 0) == 0, "refresh (83)")
    ok(error_of(conn.storagePoolLookupByName, "nosuch") == libvirt.VIR_ERR_NO_STORAGE_POOL,
       "an unknown pool: VIR_ERR_NO_STORAGE_POOL")
    bad = "<pool type='nosuchtype'><name>bad</name><target><path>/x</path></target></pool>"
    ok(error_of(conn.storagePoolDefineXML, bad, 0) is not None and
       [p.name() for p in conn.listAllStoragePools(0)] == ["wirepool"],
       "a pool of an unknown type is refused and nothing is defined")
    return pool


def check_transient(conn, work):
    path = os.path.join(work, "transient")
    os.makedirs(path, exist_ok=True)
    pool = attempt("storagePoolCreateXML", conn.storagePoolCreateXML,
                   pool_xml("wiretransient", path), 0)
    if pool is None:
        return
    ok(pool.isActive() == 1 and pool.isPersistent() == 0,
       "storagePoolCreateXML: a running transient pool (76)")
    ok(attempt("destroy", pool.destroy) == 0 and
       error_of(conn.storagePoolLookupByName, "wiretransient") == libvirt.VIR_ERR_NO_STORAGE_POOL,
       "destroy of a transient pool forgets it (80)")


def check_volumes(conn, pool):
    vol = attempt("createXML", pool.createXML, vol_xml("a.img", MiB), 0)
    if vol is None:
        return None
    ok(vol.name() == "a.img" and vol.key() and os.path.exists(vol.path()),
       "createXML: the volume has a key and a file (93, 100)", (vol.key(), vol.path()))
    ok(pool.numOfVolumes() == 1 and pool.listVolumes() == ["a.img"],
       "numOfVolumes / listVolumes (91, 92)")
    ok([v.name() for v in pool.listAllVolumes(0)] == ["a.img"], "listAllVolumes (282)")
    ok(pool.storageVolLookupByName("a.img").key() == vol.key(), "storageVolLookupByName (95)")
    ok(conn.storageVolLookupByKey(vol.key()).name() == "a.img", "storageVolLookupByKey (96)")
    ok(conn.storageVolLookupByPath(vol.path()).name() == "a.img", "storageVolLookupByPath (97)")
    ok(vol.storagePoolLookupByVolume().name() == pool.name(), "storagePoolLookupByVolume (86)")
    info = vol.info()
    ok(info[0] == libvirt.VIR_STORAGE_VOL_FILE and info[1] == MiB,
       "info: a file of 1 MiB (98)", info)
    info = vol.infoFlags(0)
    ok(info[0] == libvirt.VIR_STORAGE_VOL_FILE and info[1] == MiB, "infoFlags (378)", info)
    ok("<name>a.img</name>" in vol.XMLDesc(0), "XMLDesc (99)")
    ok(attempt("resize", vol.resize, 2 * MiB, 0) == 0 and vol.info()[1] == 2 * MiB,
       "resize to 2 MiB (260)")
    ok(error_of(vol.resize, MiB, 0) is not None and vol.info()[1] == 2 * MiB,
       "a shrink without the flag is refused and changes nothing")
    ok(attempt("wipe", vol.wipe, 0) == 0, "wipe (165)")
    ok(attempt("wipePattern", vol.wipePattern, libvirt.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0) == 0,
       "wipePattern (259)")
    clone = attempt("createXMLFrom", pool.createXMLFrom, vol_xml("b.qcow2", 2 * MiB, "qcow2"),
                    vol, 0)
    ok(clone is not None and clone.name() == "b.qcow2" and
       "qcow2" in clone.XMLDesc(0), "createXMLFrom clones into qcow2 (125)")
    ok(error_of(conn.storageVolLookupByKey, "/no/such/key") == libvirt.VIR_ERR_NO_STORAGE_VOL,
       "an unknown key: VIR_ERR_NO_STORAGE_VOL")
    return vol


def check_streams(conn, vol):
    data = bytes(range(256)) * 4096      # 1 MiB, not zeros
    st = conn.newStream(0)
    try:
        vol.upload(st, 0, len(data), 0)
        for i in range(0, len(data), 65536):
            st.send(data[i:i + 65536])
        st.finish()
        ok(True, "upload of 1 MiB (208)")
    except libvirt.libvirtError as e:
        ok(False, "upload of 1 MiB (208)", e)
        st.abort()
        return
    with open(vol.path(), "rb") as f:
        ok(f.read(len(data)) == data, "the uploaded bytes are in the volume's file")
    st = conn.newStream(0)
    got = bytearray()
    try:
        vol.download(st, 0, len(data), 0)
        while True:
            chunk = st.recv(262144)
            if not chunk:
                break
            got += chunk
        st.finish()
        ok(bytes(got) == data, "download gives the same 1 MiB back (209)", len(got))
    except libvirt.libvirtError as e:
        ok(False, "download (209)", e)
        st.abort()


SECRET_UUID = "b2c4e9a0-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
PRIVATE_UUID = "b2c4e9a0-1c3d-4e5f-8a9b-0c1d2e3f4a5c"


def secret_xml(uuid, private, usage):
    return ("<secret ephemeral='no' private='%s'><uuid>%s</uuid>"
            "<usage type='volume'><volume>%s</volume></usage></secret>"
            % ("yes" if private else "no", uuid, usage))


def check_secrets(conn, ro, pool):
    sec = attempt("secretDefineXML", conn.secretDefineXML,
                  secret_xml(SECRET_UUID, False, "/wire/a.img"), 0)
    if sec is None:
        return
    ok(sec.UUIDString() == SECRET_UUID and sec.usageType() == libvirt.VIR_SECRET_USAGE_TYPE_VOLUME
       and sec.usageID() == "/wire/a.img", "secretDefineXML: the handle's uuid and usage (142)")
    ok(conn.secretLookupByUUIDString(SECRET_UUID).usageID() == "/wire/a.img",
       "secretLookupByUUID (141)")
    ok(conn.secretLookupByUsage(libvirt.VIR_SECRET_USAGE_TYPE_VOLUME, "/wire/a.img")
       .UUIDString() == SECRET_UUID, "secretLookupByUsage (147)")
    ok(SECRET_UUID in sec.XMLDesc(0), "XMLDesc (143)")
    value = b"s3cr\x00t-\xff"
    ok(attempt("setValue", sec.setValue, value, 0) == 0, "setValue (144)")
    ok(sec.value(0) == value, "value gives the bytes back, a NUL and 0xff included (145)")
    if pool is not None:
        check_read_only(ro, pool)
    priv = attempt("secretDefineXML private", conn.secretDefineXML,
                   secret_xml(PRIVATE_UUID, True, "/wire/b.img"), 0)
    if priv is not None:
        ok(attempt("setValue private", priv.setValue, b"hidden", 0) == 0,
           "setValue on a private secret")
        try:
            got = priv.value(0)
            ok(False, "a private secret's value is never sent", got)
        except libvirt.libvirtError as e:
            ok(e.get_error_code() == libvirt.VIR_ERR_INVALID_SECRET,
               "a private secret's value is refused with VIR_ERR_INVALID_SECRET", e)
    uuids = sorted(s.UUIDString() for s in conn.listAllSecrets(0))
    ok(uuids == sorted([SECRET_UUID, PRIVATE_UUID]), "listAllSecrets (287)", uuids)
    ok(sorted(conn.listSecrets()) == uuids and conn.numOfSecrets() == 2,
       "listSecrets / numOfSecrets (140, 139)")
    ok(error_of(sec.setValue, b"x" * 65537, 0) is not None and sec.value(0) == value,
       "a value over 64 KiB is refused and the old one kept")
    for s in (sec, priv):
        if s is not None:
            ok(attempt("undefine", s.undefine) == 0, "undefine (146)")
    ok(error_of(conn.secretLookupByUUIDString, SECRET_UUID) == libvirt.VIR_ERR_NO_SECRET,
       "an undefined secret: VIR_ERR_NO_SECRET")


def check_read_only(ro, pool):
    ok([p.name() for p in ro.listAllStoragePools(0)] == [pool.name()],
       "read-only socket: listAllStoragePools answers")
    rpool = ro.storagePoolLookupByName(pool.name())
    ok(rpool.info()[0] == libvirt.VIR_STORAGE_POOL_RUNNING and
       [v.name() for v in rpool.listAllVolumes(0)] == pool.listVolumes(),
       "read-only socket: pool info and volume list answer")
    ok(error_of(rpool.refresh, 0) == libvirt.VIR_ERR_OPERATION_DENIED,
       "read-only socket: refresh is denied")
    ok(error_of(rpool.createXML, vol_xml("ro.img", MiB), 0) == libvirt.VIR_ERR_OPERATION_DENIED
       and "ro.img" not in pool.listVolumes(), "read-only socket: a volume create is denied")
    sec = ro.secretLookupByUUIDString(SECRET_UUID)
    ok(error_of(sec.value, 0) == libvirt.VIR_ERR_OPERATION_DENIED,
       "read-only socket: a secret's value is denied")


def check_cleanup(conn, pool, vol):
    if vol is not None:
        for v in pool.listAllVolumes(0):
            ok(attempt("delete", v.delete, 0) == 0, "delete volume %s (94)" % v.name())
        ok(pool.listVolumes() == [], "no volume left")
    ok(attempt("destroy", pool.destroy) == 0 and pool.isActive() == 0, "destroy (80)")
    ok(attempt("delete", pool.delete, 0) == 0, "delete removes the pool's folder (81)")
    ok(attempt("undefine", pool.undefine) == 0 and conn.listAllStoragePools(0) == [],
       "undefine (82)")


def main():
    uri, uri_ro, work = sys.argv[1], sys.argv[2], sys.argv[3]
    conn = libvirt.open(uri)
    pool = check_pools(conn, work)
    check_transient(conn, work)
    vol = check_volumes(conn, pool) if pool is not None else None
    if vol is not None:
        check_streams(conn, vol)
    check_secrets(conn, libvirt.open(uri_ro), pool)
    if pool is not None:
        check_cleanup(conn, pool, vol)
    ok(conn.isAlive() == 1, "the connection is still up")
    conn.close()
    sys.exit(1 if tap.FAILURES else 0)


main()
