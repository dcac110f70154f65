/*
 * remote-storage-client URI WORKDIR: vireo's own remote driver drives the
 * storage and secret procedures of a running vireod (URI names its
 * socket), through the public C API: every generated client stub and the
 * hand-written ones (lists, secret values).  Run by
 * tests/storage/test-wire-storage.sh; prints TAP lines, exits non-zero on
 * a failure.  A dir pool in WORKDIR holds the volumes.
 */
#include <glib.h>
#include <string.h>

#include "check.h"
#include "vireo/vireo.h"

#define MiB (1024ull * 1024ull)
#define SECRET_UUID "c3d5e7f9-0a1b-4c2d-8e3f-405162738495"
#define PRIVATE_UUID "c3d5e7f9-0a1b-4c2d-8e3f-405162738496"

static bool err_is(int code)
{
    const vireo_error *e = vireo_error_last();

    if (!e || e->code != code) {
        NOTE("error: code %d, message: %s", e ? e->code : 0,
             e && e->message ? e->message : "(none)");
        return false;
    }
    return true;
}

static bool contains(char *text, const char *part)
{
    bool found = text && strstr(text, part);

    g_free(text);
    return found;
}

static void check_pool(vireo_conn *conn, vireo_storage_pool *pool, const char *path)
{
    vireo_storage_pool_info info = { 0 };
    vireo_storage_pool **pools = NULL;
    vireo_storage_pool *p;
    int autostart = -1;
    int n;

    CHECK(vireo_storage_pool_is_active(pool) == 0 && vireo_storage_pool_is_persistent(pool) == 1,
          "is_active 0, is_persistent 1");
    CHECK(vireo_storage_pool_build(pool, 0) == 0, "build");
    CHECK(vireo_storage_pool_create(pool, 0) == 0 && vireo_storage_pool_is_active(pool) == 1,
          "create starts it");
    n = vireo_conn_list_all_storage_pools(conn, &pools, 0);
    CHECK(n == 1 && pools && pools[0] && !strcmp(vireo_storage_pool_get_name(pools[0]), "rpool"),
          "list_all_storage_pools names it");
    vireo_storage_pool_list_free(pools);
    CHECK(vireo_storage_pool_get_info(pool, &info) == 0 &&
          info.state == VIREO_STORAGE_POOL_RUNNING && info.capacity > 0,
          "get_info: running, with a capacity");
    CHECK(contains(vireo_storage_pool_get_xml_desc(pool, 0), path), "get_xml_desc names the path");
    CHECK(vireo_storage_pool_set_autostart(pool, 1) == 0 &&
          vireo_storage_pool_get_autostart(pool, &autostart) == 0 && autostart == 1,
          "set_autostart / get_autostart");
    p = vireo_storage_pool_lookup_by_name(conn, "rpool");
    CHECK(p != NULL, "lookup_by_name");
    vireo_storage_pool_free(p);
    p = vireo_storage_pool_lookup_by_target_path(conn, path);
    CHECK(p && !strcmp(vireo_storage_pool_get_name(p), "rpool"), "lookup_by_target_path");
    vireo_storage_pool_free(p);
    CHECK(vireo_storage_pool_lookup_by_name(conn, "nosuch") == NULL &&
          err_is(VIREO_ERR_NO_STORAGE_POOL), "an unknown pool: NO_STORAGE_POOL, over the wire");
    CHECK(contains(vireo_conn_get_storage_pool_capabilities(conn, 0), "storagepoolCapabilities"),
          "get_storage_pool_capabilities");
    CHECK(vireo_storage_pool_refresh(pool, 0) == 0, "refresh");
}

static void check_volumes(vireo_conn *conn, vireo_storage_pool *pool)
{
    g_autofree char *xml = g_strdup_printf("<volume><name>r.img</name><capacity unit='bytes'>%llu"
                                           "</capacity></volume>", MiB);
    vireo_storage_vol_info info = { 0 };
    vireo_storage_vol **vols = NULL;
    vireo_storage_vol *vol, *v, *clone;
    vireo_storage_pool *p;
    g_autofree char *path = NULL;

    vol = vireo_storage_vol_create_xml(pool, xml, 0);
    if (!CHECK(vol != NULL, "vol_create_xml"))
        return;
    path = vireo_storage_vol_get_path(vol);
    CHECK(path && g_file_test(path, G_FILE_TEST_EXISTS), "vol_get_path names its file");
    CHECK(vireo_storage_pool_num_of_volumes(pool) == 1, "num_of_volumes");
    CHECK(vireo_storage_pool_list_all_volumes(pool, &vols, 0) == 1 && vols && vols[0] &&
          !strcmp(vireo_storage_vol_get_name(vols[0]), "r.img"), "list_all_volumes");
    vireo_storage_vol_list_free(vols);
    v = vireo_storage_vol_lookup_by_name(pool, "r.img");
    CHECK(v && !strcmp(vireo_storage_vol_get_key(v), vireo_storage_vol_get_key(vol)),
          "vol_lookup_by_name");
    vireo_storage_vol_free(v);
    v = vireo_storage_vol_lookup_by_key(conn, vireo_storage_vol_get_key(vol));
    CHECK(v != NULL, "vol_lookup_by_key");
    vireo_storage_vol_free(v);
    v = path ? vireo_storage_vol_lookup_by_path(conn, path) : NULL;
    CHECK(v != NULL, "vol_lookup_by_path");
    vireo_storage_vol_free(v);
    p = vireo_storage_pool_lookup_by_volume(vol);
    CHECK(p && !strcmp(vireo_storage_pool_get_name(p), "rpool"), "pool_lookup_by_volume");
    vireo_storage_pool_free(p);
    CHECK(vireo_storage_vol_get_info(vol, &info) == 0 && info.type == VIREO_STORAGE_VOL_FILE &&
          info.capacity == MiB, "vol_get_info: a file of 1 MiB");
    CHECK(vireo_storage_vol_resize(vol, 2 * MiB, 0) == 0 &&
          vireo_storage_vol_get_info_flags(vol, &info, 0) == 0 && info.capacity == 2 * MiB,
          "vol_resize / vol_get_info_flags");
    CHECK(vireo_storage_vol_wipe(vol, 0) == 0, "vol_wipe");
    CHECK(vireo_storage_vol_wipe_pattern(vol, VIREO_STORAGE_VOL_WIPE_ALG_ZERO, 0) == 0,
          "vol_wipe_pattern");
    CHECK(contains(vireo_storage_vol_get_xml_desc(vol, 0), "<name>r.img</name>"),
          "vol_get_xml_desc");
    clone = vireo_storage_vol_create_xml_from(pool, "<volume><name>c.img</name><capacity "
                                              "unit='bytes'>2097152</capacity></volume>", vol, 0);
    CHECK(clone && !strcmp(vireo_storage_vol_get_name(clone), "c.img"), "vol_create_xml_from");
    CHECK(clone && vireo_storage_vol_delete(clone, 0) == 0, "vol_delete of the clone");
    vireo_storage_vol_free(clone);
    CHECK(vireo_storage_vol_delete(vol, 0) == 0 && vireo_storage_pool_num_of_volumes(pool) == 0,
          "vol_delete");
    CHECK(vireo_storage_vol_lookup_by_key(conn, "/no/such") == NULL &&
          err_is(VIREO_ERR_NO_STORAGE_VOL), "an unknown key: NO_STORAGE_VOL, over the wire");
    vireo_storage_vol_free(vol);
}

static vireo_secret *define_secret(vireo_conn *conn, const char *uuid, bool private,
                                   const char *usage)
{
    g_autofree char *xml = g_strdup_printf(
        "<secret ephemeral='no' private='%s'><uuid>%s</uuid><usage type='volume'>"
        "<volume>%s</volume></usage></secret>", private ? "yes" : "no", uuid, usage);

    return vireo_secret_define_xml(conn, xml, 0);
}

static void check_secrets(vireo_conn *conn)
{
    static const unsigned char value[] = { 's', 0, 0xff, 'x' };
    vireo_secret *sec = define_secret(conn, SECRET_UUID, false, "/remote/a");
    vireo_secret *priv = define_secret(conn, PRIVATE_UUID, true, "/remote/b");
    vireo_secret **all = NULL;
    vireo_secret *s;
    unsigned char *got;
    size_t size = 0;

    if (!CHECK(sec && priv, "secret_define_xml"))
        goto out;
    CHECK(vireo_secret_get_usage_type(sec) == VIREO_SECRET_USAGE_TYPE_VOLUME &&
          !strcmp(vireo_secret_get_usage_id(sec), "/remote/a"), "the handle's usage");
    s = vireo_secret_lookup_by_usage(conn, VIREO_SECRET_USAGE_TYPE_VOLUME, "/remote/a");
    CHECK(s != NULL, "secret_lookup_by_usage");
    vireo_secret_free(s);
    s = vireo_secret_lookup_by_uuid_string(conn, SECRET_UUID);
    CHECK(s != NULL, "secret_lookup_by_uuid");
    vireo_secret_free(s);
    CHECK(contains(vireo_secret_get_xml_desc(sec, 0), SECRET_UUID), "secret_get_xml_desc");
    CHECK(vireo_secret_set_value(sec, value, sizeof(value), 0) == 0, "secret_set_value");
    got = vireo_secret_get_value(sec, &size, 0);
    CHECK(got && size == sizeof(value) && !memcmp(got, value, size),
          "secret_get_value gives the bytes back");
    g_free(got);
    CHECK(vireo_secret_set_value(priv, value, sizeof(value), 0) == 0, "set_value, private");
    got = vireo_secret_get_value(priv, &size, 0);
    CHECK(!got && err_is(VIREO_ERR_INVALID_SECRET), "a private secret's value is refused");
    g_free(got);
    CHECK(vireo_conn_list_all_secrets(conn, &all, 0) == 2 && all && all[0] && all[1] && !all[2],
          "list_all_secrets");
    vireo_secret_list_free(all);
    CHECK(vireo_secret_undefine(sec) == 0 && vireo_secret_undefine(priv) == 0, "secret_undefine");
    CHECK(vireo_secret_lookup_by_uuid_string(conn, SECRET_UUID) == NULL &&
          err_is(VIREO_ERR_NO_SECRET), "an undefined secret: NO_SECRET, over the wire");
out:
    vireo_secret_free(sec);
    vireo_secret_free(priv);
}

int main(int argc, char **argv)
{
    g_autofree char *path = NULL, *tpath = NULL, *xml = NULL, *txml = NULL;
    vireo_storage_pool *pool, *transient;
    vireo_conn *conn;

    if (argc != 3) {
        fprintf(stderr, "usage: remote-storage-client URI WORKDIR\n");
        return 2;
    }
    path = g_build_filename(argv[2], "rpool", NULL);
    tpath = g_build_filename(argv[2], "rtransient", NULL);
    g_mkdir_with_parents(tpath, 0755);
    xml = g_strdup_printf("<pool type='dir'><name>rpool</name><target><path>%s</path>"
                          "</target></pool>", path);
    txml = g_strdup_printf("<pool type='dir'><name>rtransient</name><target><path>%s</path>"
                           "</target></pool>", tpath);
    conn = vireo_conn_open(argv[1]);
    if (!CHECK(conn != NULL, "the remote driver connects to %s", argv[1]))
        return check_exit();
    pool = vireo_storage_pool_define_xml(conn, xml, 0);
    if (CHECK(pool != NULL, "storage_pool_define_xml")) {
        check_pool(conn, pool, path);
        check_volumes(conn, pool);
        CHECK(vireo_storage_pool_destroy(pool) == 0 && vireo_storage_pool_delete(pool, 0) == 0 &&
              vireo_storage_pool_undefine(pool) == 0, "destroy, delete, undefine");
        vireo_storage_pool_free(pool);
    }
    transient = vireo_storage_pool_create_xml(conn, txml, 0);
    CHECK(transient && vireo_storage_pool_is_persistent(transient) == 0 &&
          vireo_storage_pool_destroy(transient) == 0, "a transient pool: create_xml, destroy");
    vireo_storage_pool_free(transient);
    check_secrets(conn);
    vireo_conn_close(conn);
    return check_exit();
}
