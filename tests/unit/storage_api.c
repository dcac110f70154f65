/*
 * test-storage-api: the checks the public storage, volume and secret
 * calls make before they reach a driver (src/libvireo-storage.c,
 * -volume.c, -secret.c), through libvireo as a client would.
 *
 * NULL and stale handles, read-only refusal and NO_SUPPORT need no
 * storage driver (the test driver has none).  NULL arguments and the
 * accessors that must keep the thread's error need a real handle: those
 * use qemu:///embed on a temp root, whose node has a storage and a
 * secret table.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_error.h"
#include "check.h"
#include "vireo/vireo.h"

static void test_null_handles(void)
{
    char buf[VIREO_UUID_STRING_BUFLEN];
    vireo_storage_pool_info pinfo;
    vireo_storage_vol_info vinfo;
    size_t size = 0;

    CHECK(vireo_storage_pool_get_name(NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_STORAGE_POOL, "vireo_storage_pool_get_name"),
          "pool_get_name(NULL): INVALID_STORAGE_POOL naming the call");
    CHECK(vireo_storage_pool_get_info(NULL, &pinfo) == -1 &&
          err_is(VIREO_ERR_INVALID_STORAGE_POOL, "vireo_storage_pool_get_info"),
          "pool_get_info(NULL): INVALID_STORAGE_POOL");
    CHECK(vireo_storage_pool_create(NULL, 0) == -1 &&
          err_is(VIREO_ERR_INVALID_STORAGE_POOL, "vireo_storage_pool_create"),
          "pool_create(NULL): INVALID_STORAGE_POOL");
    CHECK(vireo_storage_vol_lookup_by_name(NULL, "v") == NULL &&
          err_is(VIREO_ERR_INVALID_STORAGE_POOL, "vireo_storage_vol_lookup_by_name"),
          "vol_lookup_by_name(NULL pool): INVALID_STORAGE_POOL");
    CHECK(vireo_storage_vol_get_name(NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_STORAGE_VOL, "vireo_storage_vol_get_name"),
          "vol_get_name(NULL): INVALID_STORAGE_VOL naming the call");
    CHECK(vireo_storage_vol_get_info(NULL, &vinfo) == -1 &&
          err_is(VIREO_ERR_INVALID_STORAGE_VOL, "vireo_storage_vol_get_info"),
          "vol_get_info(NULL): INVALID_STORAGE_VOL");
    CHECK(vireo_storage_pool_lookup_by_volume(NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_STORAGE_VOL, "vireo_storage_pool_lookup_by_volume"),
          "pool_lookup_by_volume(NULL): INVALID_STORAGE_VOL");
    CHECK(vireo_storage_vol_delete(NULL, 0) == -1 &&
          err_is(VIREO_ERR_INVALID_STORAGE_VOL, "vireo_storage_vol_delete"),
          "vol_delete(NULL): INVALID_STORAGE_VOL");
    CHECK(vireo_secret_get_uuid_string(NULL, buf) == -1 &&
          err_is(VIREO_ERR_INVALID_SECRET, "vireo_secret_get_uuid_string"),
          "secret_get_uuid_string(NULL): INVALID_SECRET naming the call");
    CHECK(vireo_secret_get_value(NULL, &size, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_SECRET, "vireo_secret_get_value"),
          "secret_get_value(NULL): INVALID_SECRET");
    CHECK(vireo_conn_list_all_storage_pools(NULL, NULL, 0) == -1 &&
          err_is(VIREO_ERR_INVALID_CONN, "vireo_conn_list_all_storage_pools"),
          "list_all_storage_pools(NULL conn): INVALID_CONN");
    CHECK(vireo_secret_define_xml(NULL, "<secret/>", 0) == NULL &&
          err_is(VIREO_ERR_INVALID_CONN, "vireo_secret_define_xml"),
          "secret_define_xml(NULL conn): INVALID_CONN");
    /* the list frees take NULL quietly */
    vireo_storage_pool_list_free(NULL);
    vireo_storage_vol_list_free(NULL);
    vireo_secret_list_free(NULL);
}

/* The test driver has no storage or secret table. */
static void test_no_support(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    vireo_storage_pool **pools = NULL;
    vireo_secret **secrets = NULL;

    if (!CHECK(conn != NULL, "open test:///default"))
        return;
    CHECK(vireo_conn_list_all_storage_pools(conn, &pools, 0) == -1 && pools == NULL &&
          err_is(VIREO_ERR_NO_SUPPORT, "vireo_conn_list_all_storage_pools"),
          "test driver: list_all_storage_pools is NO_SUPPORT naming the call");
    CHECK(vireo_storage_pool_lookup_by_name(conn, "default-pool") == NULL &&
          err_is(VIREO_ERR_NO_SUPPORT, "vireo_storage_pool_lookup_by_name"),
          "test driver: pool_lookup_by_name is NO_SUPPORT");
    CHECK(vireo_storage_vol_lookup_by_path(conn, "/x") == NULL &&
          err_is(VIREO_ERR_NO_SUPPORT, "vireo_storage_vol_lookup_by_path"),
          "test driver: vol_lookup_by_path is NO_SUPPORT");
    CHECK(vireo_conn_get_storage_pool_capabilities(conn, 0) == NULL &&
          err_is(VIREO_ERR_NO_SUPPORT, "vireo_conn_get_storage_pool_capabilities"),
          "test driver: pool capabilities is NO_SUPPORT");
    CHECK(vireo_conn_list_all_secrets(conn, &secrets, 0) == -1 &&
          err_is(VIREO_ERR_NO_SUPPORT, "vireo_conn_list_all_secrets"),
          "test driver: list_all_secrets is NO_SUPPORT naming the call");
    CHECK(vireo_secret_lookup_by_uuid_string(conn, "6695eb01-f6a4-8304-79aa-97f2502e193f") ==
              NULL && err_is(VIREO_ERR_NO_SUPPORT, "vireo_secret_lookup_by_uuid_string"),
          "test driver: secret lookup is NO_SUPPORT");
    CHECK(vireo_conn_close(conn) == 0, "test connection closes with no handle left");
}

/* Changing calls are refused on a read-only connection before anything
 * else is asked of the driver; reading calls are not. */
static void test_read_only(void)
{
    vireo_conn *conn = vireo_conn_open_read_only("test:///default");
    vireo_storage_pool **pools = NULL;

    if (!CHECK(conn != NULL, "open test:///default read-only"))
        return;
    CHECK(vireo_storage_pool_define_xml(conn, "<pool type='dir'/>", 0) == NULL &&
          err_is(VIREO_ERR_OPERATION_DENIED, "vireo_storage_pool_define_xml"),
          "read-only: pool_define_xml is OPERATION_DENIED naming the call");
    CHECK(vireo_storage_pool_create_xml(conn, "<pool type='dir'/>", 0) == NULL &&
          err_is(VIREO_ERR_OPERATION_DENIED, "vireo_storage_pool_create_xml"),
          "read-only: pool_create_xml is OPERATION_DENIED");
    CHECK(vireo_secret_define_xml(conn, "<secret/>", 0) == NULL &&
          err_is(VIREO_ERR_OPERATION_DENIED, "vireo_secret_define_xml"),
          "read-only: secret_define_xml is OPERATION_DENIED");
    CHECK(vireo_conn_find_storage_pool_sources(conn, "logical", NULL, 0) == NULL &&
          err_is(VIREO_ERR_OPERATION_DENIED, "vireo_conn_find_storage_pool_sources"),
          "read-only: find_storage_pool_sources is OPERATION_DENIED (it runs host tools)");
    CHECK(vireo_conn_list_all_storage_pools(conn, &pools, 0) == -1 &&
          err_is(VIREO_ERR_NO_SUPPORT, NULL),
          "read-only: listing is not refused for being read-only (NO_SUPPORT here)");
    CHECK(vireo_conn_close(conn) == 0, "read-only connection closes");
}

static char *embed_root;

static vireo_conn *open_embed(bool read_only)
{
    g_autofree char *uri = g_strdup_printf("qemu:///embed?root=%s", embed_root);

    return read_only ? vireo_conn_open_read_only(uri) : vireo_conn_open(uri);
}

static char *pool_xml(const char *name)
{
    return g_strdup_printf("<pool type='dir'>\n  <name>%s</name>\n"
                           "  <target>\n    <path>%s/%s</path>\n  </target>\n</pool>\n",
                           name, embed_root, name);
}

/* NULL arguments, on handles a real storage table made. */
static void test_null_args(vireo_conn *conn, vireo_storage_pool *pool)
{
    CHECK(vireo_storage_pool_lookup_by_name(conn, NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "vireo_storage_pool_lookup_by_name"),
          "pool_lookup_by_name(conn, NULL): INVALID_ARG naming the call");
    CHECK(vireo_storage_pool_lookup_by_uuid_string(conn, "not-a-uuid") == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "not-a-uuid"),
          "pool_lookup_by_uuid_string(malformed): INVALID_ARG naming the value");
    CHECK(vireo_storage_pool_define_xml(conn, NULL, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "xml"), "pool_define_xml(NULL xml): INVALID_ARG");
    CHECK(vireo_conn_list_all_storage_pools(conn, NULL, 0) == -1 &&
          err_is(VIREO_ERR_INVALID_ARG, "pools"), "list_all_storage_pools(NULL out): INVALID_ARG");
    CHECK(vireo_storage_pool_get_info(pool, NULL) == -1 &&
          err_is(VIREO_ERR_INVALID_ARG, "info"), "pool_get_info(pool, NULL): INVALID_ARG");
    CHECK(vireo_storage_pool_get_autostart(pool, NULL) == -1 &&
          err_is(VIREO_ERR_INVALID_ARG, "autostart"), "pool_get_autostart(NULL): INVALID_ARG");
    CHECK(vireo_storage_vol_lookup_by_name(pool, NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "name"), "vol_lookup_by_name(pool, NULL): INVALID_ARG");
    CHECK(vireo_storage_vol_create_xml(pool, NULL, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "xml"), "vol_create_xml(NULL xml): INVALID_ARG");
    CHECK(vireo_storage_vol_create_xml_from(pool, "<volume/>", NULL, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_STORAGE_VOL, "vireo_storage_vol_create_xml_from"),
          "vol_create_xml_from(NULL clonevol): INVALID_STORAGE_VOL");
    CHECK(vireo_storage_pool_list_all_volumes(pool, NULL, 0) == -1 &&
          err_is(VIREO_ERR_INVALID_ARG, "vols"), "pool_list_all_volumes(NULL out): INVALID_ARG");
    CHECK(vireo_conn_find_storage_pool_sources(conn, NULL, NULL, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "type"), "find_storage_pool_sources(NULL type): INVALID_ARG");
    CHECK(vireo_secret_lookup_by_usage(conn, VIREO_SECRET_USAGE_TYPE_VOLUME, NULL) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "usage_id"), "secret_lookup_by_usage(NULL id): INVALID_ARG");
    CHECK(vireo_secret_define_xml(conn, NULL, 0) == NULL && err_is(VIREO_ERR_INVALID_ARG, "xml"),
          "secret_define_xml(NULL): INVALID_ARG");
}

/* Accessors leave the thread's error alone, so a caller can name the
 * object after a failed call (vireo.h); every other call clears it. */
static void test_accessors_keep_error(vireo_conn *conn, vireo_storage_pool *pool)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    int active;

    CHECK(vireo_storage_pool_lookup_by_name(conn, "no-such-pool") == NULL &&
          err_is(VIREO_ERR_NO_STORAGE_POOL, "no-such-pool"),
          "lookup of a missing pool: NO_STORAGE_POOL naming it");
    CHECK(g_strcmp0(vireo_storage_pool_get_name(pool), "apipool") == 0 &&
          vireo_storage_pool_get_uuid_string(pool, uuid) == 0 &&
          vireo_storage_pool_get_conn(pool) == conn &&
          err_is(VIREO_ERR_NO_STORAGE_POOL, NULL),
          "pool name/uuid/conn accessors keep the previous error");
    CHECK(vireo_storage_pool_ref(pool) == 0 && vireo_storage_pool_free(pool) == 0 &&
          err_is(VIREO_ERR_NO_STORAGE_POOL, NULL), "pool ref/free keep the previous error");
    active = vireo_storage_pool_is_active(pool);
    CHECK(active == 0 && vireo_error_last() == NULL,
          "a real call (is_active) clears the error and answers 0 for a defined pool");
}

static void test_secret_value(vireo_conn *conn)
{
    static const char xml[] =
        "<secret ephemeral='no' private='no'>\n"
        "  <uuid>0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f</uuid>\n"
        "  <usage type='volume'>\n    <volume>/var/lib/x/api.img</volume>\n  </usage>\n"
        "</secret>\n";
    vireo_secret *s = vireo_secret_define_xml(conn, xml, 0);
    unsigned char *value;
    size_t size = 0;
    int r;

    if (!CHECK(s != NULL, "define a secret on the embed node (%s)", err_msg()))
        return;
    CHECK(vireo_secret_get_usage_type(s) == VIREO_SECRET_USAGE_TYPE_VOLUME &&
          g_strcmp0(vireo_secret_get_usage_id(s), "/var/lib/x/api.img") == 0,
          "secret handle carries its usage");
    CHECK(vireo_secret_set_value(s, NULL, 4, 0) == -1 && err_is(VIREO_ERR_INVALID_ARG, "value"),
          "set_value(NULL, 4): INVALID_ARG");
    CHECK(vireo_secret_get_value(s, NULL, 0) == NULL &&
          err_is(VIREO_ERR_INVALID_ARG, "value_size"), "get_value(NULL size): INVALID_ARG");
    /* the call first: err_msg() must not be read before it clears the error */
    r = vireo_secret_set_value(s, (const unsigned char *)"s3cr\0t", 6, 0);
    CHECK(r == 0, "set a 6-byte value with a NUL inside (%s)", err_msg());
    value = vireo_secret_get_value(s, &size, 0);
    CHECK(value && size == 6 && memcmp(value, "s3cr\0t", 6) == 0,
          "get_value returns the same 6 bytes");
    free(value);    /* the API promises free() */
    CHECK(vireo_secret_undefine(s) == 0, "undefine the secret");
    vireo_secret_free(s);
}

static void test_embed(void)
{
    g_autofree char *xml = pool_xml("apipool");
    g_autofree char *dir = g_build_filename(embed_root, "apipool", NULL);
    vireo_conn *conn = open_embed(false), *ro;
    vireo_storage_pool *pool;

    if (!CHECK(conn != NULL, "open qemu:///embed on a temp root (%s)", err_msg()))
        return;
    g_mkdir_with_parents(dir, 0755);
    pool = vireo_storage_pool_define_xml(conn, xml, 0);
    if (CHECK(pool != NULL, "define a dir pool (%s)", err_msg())) {
        test_null_args(conn, pool);
        test_accessors_keep_error(conn, pool);
        CHECK(vireo_storage_pool_undefine(pool) == 0, "undefine the pool");
        vireo_storage_pool_free(pool);
    }
    test_secret_value(conn);
    ro = open_embed(true);
    if (CHECK(ro != NULL, "open the embed node read-only (%s)", err_msg())) {
        CHECK(vireo_storage_pool_define_xml(ro, xml, 0) == NULL &&
              err_is(VIREO_ERR_OPERATION_DENIED, NULL),
              "read-only embed: pool define refused");
        CHECK(vireo_storage_pool_lookup_by_name(ro, "apipool") == NULL &&
              err_is(VIREO_ERR_NO_STORAGE_POOL, "apipool"),
              "the refused define changed nothing");
        vireo_conn_close(ro);
    }
    CHECK(vireo_conn_close(conn) == 0, "embed connection closes with no handle left");
}

int main(void)
{
    g_autoptr(GError) err = NULL;

    test_null_handles();
    test_no_support();
    test_read_only();
    embed_root = g_dir_make_tmp("vireo-storage-api-XXXXXX", &err);
    if (CHECK(embed_root != NULL, "make a temp root")) {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", embed_root);

        test_embed();
        if (system(cmd) != 0)
            NOTE("could not remove %s", embed_root);
        g_free(embed_root);
    }
    return check_exit();
}
