/*
 * test-storage-pool: storage pools through the public API, in process, on
 * qemu:///embed?root=TMPDIR: the dir pool's whole lifecycle and its
 * files, libvirt's errors for bad input (and that they change nothing on
 * disk), list filters, re-adoption after a restart, capabilities and XML
 * against libvirt's schemas, and the proof of libvirt's complaint #2: a
 * netfs pool whose server never answers fails with a timeout while
 * lookups, lists and info on every pool keep answering at once.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "check.h"
#include "vireo/vireo.h"

#define TIMEOUT_MS 1500
#define SCHEMAS "/usr/share/libvirt/schemas"

static char *root;
static char *uri;

static bool err_is(int code, const char *part)
{
    const vireo_error *e = vireo_error_last();
    const char *msg = e && e->message ? e->message : "(no error)";

    if (!e || e->code != code || (part && !strstr(msg, part))) {
        NOTE("error: code %d, message: %s", e ? e->code : 0, msg);
        return false;
    }
    return true;
}

static char *rooted(const char *rel)
{
    return g_build_filename(root, rel, NULL);
}

static bool exists(const char *rel)
{
    g_autofree char *p = rooted(rel);

    return g_file_test(p, G_FILE_TEST_EXISTS);
}

/* xmllint --relaxng schema over xml: true when it validates. */
static bool validates(const char *xml, const char *schema)
{
    g_autofree char *file = rooted("check.xml");
    g_autofree char *rng = g_build_filename(SCHEMAS, schema, NULL);
    g_autofree char *out = NULL;
    int status = -1;
    const char *argv[] = { "xmllint", "--noout", "--relaxng", rng, file, NULL };

    if (!xml || !g_file_set_contents(file, xml, -1, NULL))
        return false;
    g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                 NULL, NULL, NULL, &out, &status, NULL);
    if (status != 0)
        NOTE("xmllint: %s", out ? out : "?");
    return status == 0;
}

static int count_pools(vireo_conn *conn, unsigned int flags)
{
    vireo_storage_pool **pools = NULL;
    int n = vireo_conn_list_all_storage_pools(conn, &pools, flags);

    if (n >= 0)
        vireo_storage_pool_list_free(pools);
    return n;
}

static char *dir_pool_xml(const char *name, const char *target)
{
    return g_strdup_printf("<pool type='dir'><name>%s</name><target><path>%s</path></target>"
                           "</pool>", name, target);
}

static void test_caps(vireo_conn *conn)
{
    g_autofree char *caps = vireo_conn_get_storage_pool_capabilities(conn, 0);

    CHECK(caps && strstr(caps, "<pool type='dir' supported='yes'>"), "capabilities: dir supported");
    CHECK(caps && strstr(caps, "<pool type='logical' supported='%s'") == NULL,
          "capabilities: well formed");
    CHECK(validates(caps, "storagepoolcaps.rng"), "capabilities validate against storagepoolcaps.rng");
    if (!g_file_test("/dev/mapper/control", G_FILE_TEST_EXISTS))
        CHECK(caps && strstr(caps, "<pool type='logical' supported='no'/>"),
              "capabilities: logical unsupported without device-mapper");
}

static void test_dir_lifecycle(vireo_conn *conn)
{
    g_autofree char *target = rooted("pools/one");
    g_autofree char *xml = dir_pool_xml("one", target);
    g_autofree char *other_target = rooted("pools/two");
    g_autofree char *dup_target = dir_pool_xml("two", target);
    g_autofree char *desc = NULL;
    g_autofree char *vol = NULL;
    vireo_storage_pool *pool, *again;
    vireo_storage_pool_info info;
    int autostart = -1;

    pool = vireo_storage_pool_define_xml(conn, xml, 0);
    CHECK(pool != NULL, "define dir pool 'one'");
    CHECK(exists("etc/libvirt/storage/one.xml"), "its config file is written");
    CHECK(vireo_storage_pool_is_active(pool) == 0 && vireo_storage_pool_is_persistent(pool) == 1,
          "defined pool: inactive, persistent");
    CHECK(count_pools(conn, VIREO_LIST_STORAGE_POOLS_INACTIVE) == 1 &&
          count_pools(conn, VIREO_LIST_STORAGE_POOLS_ACTIVE) == 0 &&
          count_pools(conn, VIREO_LIST_STORAGE_POOLS_DIR) == 1 &&
          count_pools(conn, VIREO_LIST_STORAGE_POOLS_FS) == 0,
          "list filters: inactive / active / dir / fs");

    /* bad input changes nothing */
    CHECK(vireo_storage_pool_define_xml(conn, dup_target, 0) == NULL &&
          err_is(VIREO_ERR_OPERATION_FAILED, "Storage source conflict with pool: 'one'"),
          "a second pool on the same target path is refused");
    CHECK(!exists("etc/libvirt/storage/two.xml"), "... and no file is written for it");
    {
        g_autofree char *renamed = g_strdup_printf(
            "<pool type='dir'><name>one</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
            "<target><path>%s</path></target></pool>", other_target);

        CHECK(vireo_storage_pool_define_xml(conn, renamed, 0) == NULL &&
              err_is(VIREO_ERR_OPERATION_FAILED, "pool 'one' already exists with uuid"),
              "same name with another UUID is refused");
    }
    CHECK(vireo_storage_pool_define_xml(conn, "<pool type='zfs'><name>z</name></pool>", 0) == NULL &&
          vireo_error_last() && vireo_error_last()->code != 0, "unknown pool type refused");
    CHECK(vireo_storage_pool_lookup_by_name(conn, "nope") == NULL &&
          err_is(VIREO_ERR_NO_STORAGE_POOL,
                 "Storage pool not found: no storage pool with matching name 'nope'"),
          "lookup of an unknown pool: NO_STORAGE_POOL");

    CHECK(vireo_storage_pool_create(pool, 0) < 0 &&
          err_is(VIREO_ERR_SYSTEM_ERROR, "cannot open directory"),
          "start without the folder fails");
    CHECK(!exists("run/libvirt/storage/one.xml"), "... and leaves no run file");
    CHECK(vireo_storage_pool_build(pool, 0) == 0 && g_file_test(target, G_FILE_TEST_IS_DIR),
          "build makes the folder");
    CHECK(vireo_storage_pool_create(pool, 0) == 0 && vireo_storage_pool_is_active(pool) == 1,
          "start");
    CHECK(exists("run/libvirt/storage/one.xml"), "an active pool has a run file");
    CHECK(vireo_storage_pool_create(pool, 0) < 0 &&
          err_is(VIREO_ERR_OPERATION_INVALID, "is already active"),
          "starting an active pool: OPERATION_INVALID");
    CHECK(vireo_storage_pool_undefine(pool) < 0 &&
          err_is(VIREO_ERR_OPERATION_INVALID, "is still active"),
          "undefine of an active pool: OPERATION_INVALID");
    CHECK(vireo_storage_pool_get_info(pool, &info) == 0 &&
          info.state == VIREO_STORAGE_POOL_RUNNING && info.capacity > 0 && info.available > 0,
          "info: running, with sizes");

    vol = g_build_filename(target, "disk.img", NULL);
    g_file_set_contents(vol, "data", 4, NULL);
    CHECK(vireo_storage_pool_refresh(pool, 0) == 0 &&
          vireo_storage_pool_num_of_volumes(pool) == 1, "refresh finds the new file as a volume");

    desc = vireo_storage_pool_get_xml_desc(pool, 0);
    CHECK(desc && strstr(desc, "<name>one</name>"), "dumpxml");
    CHECK(validates(desc, "storagepool.rng"), "pool XML validates against storagepool.rng");
    again = vireo_storage_pool_lookup_by_target_path(conn, target);
    CHECK(again && strcmp(vireo_storage_pool_get_name(again), "one") == 0, "lookup by target path");
    vireo_storage_pool_free(again);

    {
        g_autofree char *moved = rooted("pools/moved");
        g_autofree char *redefine = NULL;
        char uuid[VIREO_UUID_STRING_BUFLEN];
        vireo_storage_pool *re;
        g_autofree char *live = NULL;
        g_autofree char *inactive = NULL;

        vireo_storage_pool_get_uuid_string(pool, uuid);
        redefine = g_strdup_printf("<pool type='dir'><name>one</name><uuid>%s</uuid><target>"
                                   "<path>%s</path></target></pool>", uuid, moved);
        re = vireo_storage_pool_define_xml(conn, redefine, 0);
        CHECK(re != NULL, "redefine the active pool with another target");
        vireo_storage_pool_free(re);
        live = vireo_storage_pool_get_xml_desc(pool, 0);
        inactive = vireo_storage_pool_get_xml_desc(pool, VIREO_STORAGE_XML_INACTIVE);
        CHECK(live && strstr(live, target) && inactive && strstr(inactive, moved),
              "dumpxml shows the running target, --inactive the new one");
        /* back to the first definition for the rest */
        g_free(redefine);
        redefine = g_strdup_printf("<pool type='dir'><name>one</name><uuid>%s</uuid><target>"
                                   "<path>%s</path></target></pool>", uuid, target);
        re = vireo_storage_pool_define_xml(conn, redefine, 0);
        vireo_storage_pool_free(re);
    }
    {
        g_autofree char *src = vireo_conn_find_storage_pool_sources(conn, "dir", NULL, 0);

        CHECK(src == NULL && err_is(VIREO_ERR_NO_SUPPORT, "does not support source discovery"),
              "find-storage-pool-sources for dir: NO_SUPPORT");
    }

    CHECK(vireo_storage_pool_set_autostart(pool, 1) == 0 &&
          vireo_storage_pool_get_autostart(pool, &autostart) == 0 && autostart == 1 &&
          exists("etc/libvirt/storage/autostart/one.xml"), "autostart on: symlink made");
    CHECK(count_pools(conn, VIREO_LIST_STORAGE_POOLS_AUTOSTART) == 1, "list filter: autostart");
    CHECK(vireo_storage_pool_set_autostart(pool, 0) == 0 &&
          !exists("etc/libvirt/storage/autostart/one.xml"), "autostart off: symlink removed");

    CHECK(vireo_storage_pool_destroy(pool) == 0 && vireo_storage_pool_is_active(pool) == 0 &&
          !exists("run/libvirt/storage/one.xml"), "destroy: inactive, run file gone");
    CHECK(vireo_storage_pool_destroy(pool) < 0 &&
          err_is(VIREO_ERR_OPERATION_INVALID, "is not active"), "destroy of an inactive pool");
    CHECK(vireo_storage_pool_delete(pool, 0) < 0 && g_file_test(target, G_FILE_TEST_IS_DIR),
          "delete of a folder with a file in it fails and keeps it");
    g_unlink(vol);
    CHECK(vireo_storage_pool_delete(pool, 0) == 0 && !g_file_test(target, G_FILE_TEST_EXISTS),
          "delete removes the empty folder");
    CHECK(vireo_storage_pool_undefine(pool) == 0 && !exists("etc/libvirt/storage/one.xml") &&
          count_pools(conn, 0) == 0, "undefine removes the pool and its file");
    CHECK(vireo_storage_pool_is_active(pool) < 0 && err_is(VIREO_ERR_NO_STORAGE_POOL, "'one'"),
          "a handle on an undefined pool: NO_STORAGE_POOL");
    vireo_storage_pool_free(pool);
}

static void test_transient(vireo_conn *conn)
{
    g_autofree char *target = rooted("pools/t");
    g_autofree char *xml = dir_pool_xml("t", target);
    vireo_storage_pool *pool;

    pool = vireo_storage_pool_create_xml(conn, xml, VIREO_STORAGE_POOL_CREATE_WITH_BUILD);
    CHECK(pool && vireo_storage_pool_is_active(pool) == 1 &&
          vireo_storage_pool_is_persistent(pool) == 0, "create-xml with build: active transient");
    CHECK(!exists("etc/libvirt/storage/t.xml") && exists("run/libvirt/storage/t.xml"),
          "transient pool: run file, no config file");
    CHECK(count_pools(conn, VIREO_LIST_STORAGE_POOLS_TRANSIENT) == 1 &&
          count_pools(conn, VIREO_LIST_STORAGE_POOLS_PERSISTENT) == 0, "list filter: transient");
    CHECK(vireo_storage_pool_set_autostart(pool, 1) < 0 &&
          err_is(VIREO_ERR_INTERNAL_ERROR, "pool 't' has no config file"),
          "autostart of a transient pool refused");
    CHECK(vireo_storage_pool_destroy(pool) == 0 && count_pools(conn, 0) == 0,
          "destroying a transient pool forgets it");
    vireo_storage_pool_free(pool);
}

/* A pool left active by a vireod that went away is active again. */
static void test_readopt(void)
{
    g_autofree char *target = rooted("pools/keep");
    g_autofree char *xml = dir_pool_xml("keep", target);
    vireo_conn *conn = vireo_conn_open(uri);
    vireo_storage_pool *pool = vireo_storage_pool_define_xml(conn, xml, 0);

    g_autofree char *lost_target = rooted("pools/lost");
    g_autofree char *lost_xml = dir_pool_xml("lost", lost_target);
    g_autofree char *lost_run = rooted("run/libvirt/storage/lost.xml");
    vireo_storage_pool *lost = vireo_storage_pool_define_xml(conn, lost_xml, 0);
    g_autofree char *tr_target = rooted("pools/tr");
    g_autofree char *tr_xml = dir_pool_xml("tr", tr_target);
    vireo_storage_pool *tr = vireo_storage_pool_create_xml(conn, tr_xml,
                                                           VIREO_STORAGE_POOL_CREATE_WITH_BUILD);

    CHECK(pool && vireo_storage_pool_create(pool, VIREO_STORAGE_POOL_CREATE_WITH_BUILD) == 0,
          "define and start 'keep'");
    CHECK(lost && vireo_storage_pool_create(lost, VIREO_STORAGE_POOL_CREATE_WITH_BUILD) == 0,
          "define and start 'lost'");
    vireo_storage_pool_free(pool);
    vireo_storage_pool_free(lost);
    vireo_storage_pool_free(tr);
    vireo_conn_close(conn);
    /* what a crash between a stop and its answer could leave: no run file */
    g_unlink(lost_run);

    conn = vireo_conn_open(uri);
    pool = vireo_storage_pool_lookup_by_name(conn, "keep");
    lost = vireo_storage_pool_lookup_by_name(conn, "lost");
    CHECK(pool && vireo_storage_pool_is_active(pool) == 1,
          "after the node closed and reopened, 'keep' is active again");
    CHECK(lost && vireo_storage_pool_is_active(lost) == 0,
          "... and 'lost', whose run file is gone, is inactive");
    tr = vireo_storage_pool_lookup_by_name(conn, "tr");
    CHECK(tr && vireo_storage_pool_is_active(tr) == 1 && vireo_storage_pool_is_persistent(tr) == 0,
          "... and the transient 'tr' is back, active and transient");
    vireo_storage_pool_destroy(tr);
    vireo_storage_pool_free(tr);
    vireo_storage_pool_undefine(lost);
    vireo_storage_pool_free(lost);
    vireo_storage_pool_destroy(pool);
    vireo_storage_pool_undefine(pool);
    vireo_storage_pool_free(pool);
    vireo_conn_close(conn);
}

/* --- netfs against a server that never answers --- */

typedef struct {
    vireo_conn *conn;
    char *xml;
    int rc;
    int code;
    gint64 took_ms;
    gint done;
} start_call;

static gpointer start_thread(gpointer p)
{
    start_call *c = p;
    gint64 t0 = g_get_monotonic_time();
    vireo_storage_pool *pool = vireo_storage_pool_create_xml(c->conn, c->xml, 0);

    c->took_ms = (g_get_monotonic_time() - t0) / 1000;
    c->rc = pool ? 0 : -1;
    c->code = vireo_error_last() ? vireo_error_last()->code : 0;
    if (pool) {
        vireo_storage_pool_destroy(pool);
        vireo_storage_pool_free(pool);
    }
    g_atomic_int_set(&c->done, 1);
    return NULL;
}

/* A loopback TCP port that accepts nothing: bound, never listened on. */
static int dead_port(int *fd)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);

    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(*fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    return ntohs(a.sin_port);
}

static void test_netfs_dead_server(vireo_conn *conn)
{
    g_autofree char *target = rooted("pools/nfs");
    g_autofree char *other = rooted("pools/other");
    g_autofree char *other_xml = dir_pool_xml("other", other);
    start_call call = { .conn = conn };
    vireo_storage_pool *busy;
    vireo_storage_pool *side;
    gint64 worst = 0;
    int fd = -1, port = dead_port(&fd), answers = 0;

    if (!g_file_test("/sbin/mount.nfs", G_FILE_TEST_EXISTS)) {
        SKIP("netfs: dead server times out", "mount.nfs missing (Debian package nfs-common)");
        return;
    }
    g_mkdir_with_parents(target, 0755);
    side = vireo_storage_pool_create_xml(conn, other_xml, VIREO_STORAGE_POOL_CREATE_WITH_BUILD);
    CHECK(side != NULL, "a second pool runs beside it");
    /* NFSv3 asks the portmapper first, in user space, and retries for
     * minutes: exactly a server that is down */
    call.xml = g_strdup_printf("<pool type='netfs'><name>nfs</name><source>"
                               "<host name='127.0.0.1' port='%d'/><dir path='/export'/>"
                               "<format type='nfs'/><protocol ver='3'/></source>"
                               "<target><path>%s</path></target></pool>", port, target);
    GThread *t = g_thread_new("start", start_thread, &call);

    g_usleep(200 * 1000);
    while (!g_atomic_int_get(&call.done)) {
        gint64 t0 = g_get_monotonic_time(), took;
        vireo_storage_pool_info info;
        int n = count_pools(conn, 0);

        busy = vireo_storage_pool_lookup_by_name(conn, "nfs");
        if (busy && vireo_storage_pool_get_info(busy, &info) == 0 && n == 2 &&
            vireo_storage_pool_get_info(side, &info) == 0 &&
            vireo_storage_pool_refresh(side, 0) == 0)
            answers++;
        vireo_storage_pool_free(busy);
        took = (g_get_monotonic_time() - t0) / 1000;
        worst = MAX(worst, took);
        g_usleep(50 * 1000);
    }
    g_thread_join(t);
    CHECK(call.rc < 0 && (call.code == VIREO_ERR_OPERATION_TIMEOUT ||
                          call.code == VIREO_ERR_OPERATION_FAILED),
          "netfs start against a dead server fails (code %d)", call.code);
    CHECK(call.took_ms < TIMEOUT_MS + 2000, "... within the deadline (%" G_GINT64_FORMAT " ms)",
          call.took_ms);
    CHECK(answers > 0 && worst < 500,
          "meanwhile lookup, list, info and another pool's refresh answered %d times, "
          "slowest %" G_GINT64_FORMAT " ms", answers, worst);
    CHECK(count_pools(conn, 0) == 1, "the failed transient pool is gone");
    vireo_storage_pool_destroy(side);
    vireo_storage_pool_free(side);
    g_free(call.xml);
    close(fd);
}

int main(void)
{
    g_autofree char *timeout = g_strdup_printf("%d", TIMEOUT_MS);
    vireo_conn *conn;

    root = g_dir_make_tmp("vireo-pool-XXXXXX", NULL);
    uri = g_strdup_printf("qemu:///embed?root=%s", root);
    g_setenv("VIREO_STORAGE_TIMEOUT_MS", timeout, TRUE);
    conn = vireo_conn_open(uri);
    if (!CHECK(conn != NULL, "open %s", uri))
        return check_exit();
    test_caps(conn);
    test_dir_lifecycle(conn);
    test_transient(conn);
    test_netfs_dead_server(conn);
    vireo_conn_close(conn);
    test_readopt();
    {
        const char *argv[] = { "rm", "-rf", root, NULL };

        g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     NULL, NULL);
    }
    return check_exit();
}
