/*
 * storage_backends.c: the iscsi-direct, iscsi and disk pool backends
 * called directly (src/drivers/storage/storage_backend_*.c), against a
 * real target (Debian's tgt on 127.0.0.1, tests/storage/lib-tgt.sh) and
 * a real loop device partitioned with parted.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "drivers/storage/storage_backend.h"
#include "util/error.h"

#define IQN "iqn.2026-11.org.vireo:unit"
#define INITIATOR "iqn.2026-11.org.vireo:initiator"
#define MIB (1024ull * 1024)

static char *tmpdir;

/* The condition first, then the thread's error (if any) as a note. */
#define CHECK_E(cond, ...)                                                                     \
    do {                                                                                       \
        bool ok_ = (cond);                                                                     \
        CHECK(ok_, __VA_ARGS__);                                                               \
        if (error_last())                                                                      \
            NOTE("last error: %s", error_last()->message);                                     \
        error_reset();                                                                         \
    } while (0)

/* Run a shell line; its stdout (caller frees) or NULL when it failed. */
static char *sh(const char *line)
{
    const char *argv[] = { "bash", "-c", line, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = 0;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                      &status, NULL) ||
        !g_spawn_check_wait_status(status, NULL)) {
        NOTE("'%s' failed: %s", line, err ? err : "");
        return NULL;
    }
    return g_steal_pointer(&out);
}

static int err_code(void)
{
    const vireo_error *e = error_last();

    return e ? e->code : 0;
}

static const char *err_msg(void)
{
    const vireo_error *e = error_last();

    return e && e->message ? e->message : "";
}

static storage_pool_def *pool_of(const char *xml)
{
    storage_pool_def *def = storage_pool_parse(xml, 0);

    if (!def)
        NOTE("pool XML refused: %s", err_msg());
    return def;
}

static GPtrArray *vols_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)storage_vol_free);
}

static const storage_vol_def *vol_named(GPtrArray *vols, const char *name)
{
    for (guint i = 0; i < vols->len; i++) {
        const storage_vol_def *v = vols->pdata[i];

        if (strcmp(v->name, name) == 0)
            return v;
    }
    return NULL;
}

/* ---- iscsi-direct ---- */

typedef struct tgt {
    int pid, port;
} tgt;

static bool tgt_serve(tgt *t)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *line = NULL, *out = NULL;

    line = g_strdup_printf(". '%s/tests/lib.sh' && . '%s/tests/storage/lib-tgt.sh' && "
                           "truncate -s 64M %s/lun1.img && truncate -s 32M %s/lun2.img && "
                           "tgt_start %s && tgt_target 1 " IQN " && tgt_lun 1 1 %s/lun1.img && "
                           "tgt_lun 1 2 %s/lun2.img && echo $TGT_PID $TGT_PORT",
                           top, top, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
    if (!(out = sh(line)) || sscanf(out, "%d %d", &t->pid, &t->port) != 2)
        return false;
    return true;
}

static char *direct_xml(int port, const char *iqn)
{
    return g_strdup_printf("<pool type='iscsi-direct'><name>idp</name><source>"
                           "<host name='127.0.0.1' port='%d'/><device path='%s'/>"
                           "<initiator><iqn name='" INITIATOR "'/></initiator>"
                           "</source></pool>", port, iqn);
}

static void test_direct_pool(const tgt *t)
{
    const storage_backend *be = &storage_backend_iscsi_direct;
    g_autofree char *xml = direct_xml(t->port, IQN);
    g_autoptr(storage_pool_def) pool = pool_of(xml);
    g_autoptr(GPtrArray) vols = vols_new();
    g_autofree char *key = g_strdup_printf("ip-127.0.0.1:%d-iscsi-" IQN "-lun-1", t->port);
    const storage_vol_def *v1, *v2;

    if (!pool)
        return;
    CHECK_E(be->start(NULL, pool) == 0, "iscsi-direct: start logs in to the target");
    CHECK_E(be->refresh(NULL, pool, vols) == 0, "iscsi-direct: refresh lists the LUNs");
    v1 = vol_named(vols, "unit:0:0:1");
    v2 = vol_named(vols, "unit:0:0:2");
    CHECK(vols->len == 3 && v1 && v2 && vol_named(vols, "unit:0:0:0"),
          "iscsi-direct: LUNs 0 (controller), 1 and 2 are volumes (%u)", vols->len);
    CHECK(v1 && v1->capacity == 64 * MIB && v2 && v2->capacity == 32 * MIB,
          "iscsi-direct: READ CAPACITY gives each LUN's size");
    CHECK(v1 && strcmp(v1->key, key) == 0 && strcmp(v1->path, key) == 0 &&
              strcmp(v1->type, "network") == 0,
          "iscsi-direct: key and path are libvirt's (%s)", v1 ? v1->key : "");
    CHECK(pool->capacity == 96 * MIB && pool->allocation == 96 * MIB && pool->available == 0,
          "iscsi-direct: the pool's capacity is the LUNs' sum");
    CHECK(be->stop(NULL, pool) == 0, "iscsi-direct: stop");
}

static void test_direct_errors(const tgt *t)
{
    const storage_backend *be = &storage_backend_iscsi_direct;
    g_autofree char *bad_xml = direct_xml(t->port, "iqn.2026-11.org.vireo:nosuch");
    g_autoptr(storage_pool_def) bad = pool_of(bad_xml);
    g_autofree char *good_xml = direct_xml(t->port, IQN);
    g_autoptr(storage_pool_def) good = pool_of(good_xml);
    g_autofree char *port = sh("python3 -c 'import socket; s=socket.socket(); "
                               "s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])'");
    g_autofree char *closed_xml = direct_xml(port ? atoi(port) : 1, IQN);
    g_autoptr(storage_pool_def) closed = pool_of(closed_xml);
    gint64 t0;
    double secs;

    if (!bad || !good || !closed)
        return;
    error_reset();
    CHECK_E(be->start(NULL, bad) < 0 && err_code() == VIREO_ERR_OPERATION_FAILED &&
              strstr(err_msg(), "idp"),
          "iscsi-direct: an unknown target IQN fails the login, naming the pool");
    t0 = g_get_monotonic_time();
    CHECK_E(be->start(NULL, closed) < 0 && err_code() == VIREO_ERR_OPERATION_FAILED &&
              g_get_monotonic_time() - t0 < 3 * G_USEC_PER_SEC,
          "iscsi-direct: a closed port fails at once");

    /* a target that accepts the connection and never answers */
    g_setenv("VIREO_STORAGE_TIMEOUT_MS", "1500", TRUE);
    kill(t->pid, SIGSTOP);
    t0 = g_get_monotonic_time();
    CHECK_E(be->start(NULL, good) < 0 && err_code() == VIREO_ERR_OPERATION_TIMEOUT,
          "iscsi-direct: a stopped target times out");
    secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    /* the session gives up at 90% of the deadline, before the pool core */
    CHECK(secs >= 1.3 && secs < 4, "iscsi-direct: at the deadline (%.2f s for 1.5 s)", secs);
    kill(t->pid, SIGCONT);
    g_unsetenv("VIREO_STORAGE_TIMEOUT_MS");
    CHECK_E(be->start(NULL, good) == 0, "iscsi-direct: the target serves again once resumed");
}

static void test_direct_sources(const tgt *t)
{
    const storage_backend *be = &storage_backend_iscsi_direct;
    g_autofree char *spec = g_strdup_printf("<source><host name='127.0.0.1' port='%d'/>"
                                            "<initiator><iqn name='" INITIATOR "'/></initiator>"
                                            "</source>", t->port);
    g_autofree char *no_init = g_strdup_printf("<source><host name='127.0.0.1' port='%d'/>"
                                               "</source>", t->port);
    g_autofree char *xml = be->find_sources(spec, 0);

    CHECK(xml && strstr(xml, "<device path='" IQN "'/>") && strstr(xml, "<sources>") &&
              strstr(xml, "<iqn name='" INITIATOR "'/>"),
          "iscsi-direct: SendTargets discovery finds the target");
    if (xml)
        NOTE("%s", xml);
    error_reset();
    CHECK_E(!be->find_sources(no_init, 0) && err_code() == VIREO_ERR_CONFIG_UNSUPPORTED,
          "iscsi-direct: discovery without an initiator IQN is refused");
    CHECK(!be->find_sources(NULL, 0) && err_code() == VIREO_ERR_INVALID_ARG,
          "iscsi-direct: discovery without a host is refused");
}

static void test_iscsi_direct(void)
{
    g_autofree char *why = NULL, *line = NULL;
    tgt t = { 0 };

    if (!g_getenv("VIREO_TOP")) {
        SKIP("iscsi-direct backend", "VIREO_TOP is not set (run through tests/run)");
        return;
    }
    line = g_strdup_printf(". '%s/tests/storage/lib-tgt.sh'; tgt_missing",
                           g_getenv("VIREO_TOP"));
    why = sh(line);
    if (why && *why) {
        SKIP("iscsi-direct backend", g_strstrip(why));
        return;
    }
    if (!tgt_serve(&t)) {
        CHECK(false, "tgtd serves a target on 127.0.0.1");
        return;
    }
    test_direct_pool(&t);
    test_direct_sources(&t);
    test_direct_errors(&t);
    kill(t.pid, SIGCONT);
    kill(t.pid, SIGKILL);
}

/* ---- iscsi (kernel initiator) ---- */

static void test_iscsi_kernel(void)
{
    bool kernel = access("/sys/class/iscsi_transport/tcp", F_OK) == 0 ||
                  access("/sys/module/iscsi_tcp", F_OK) == 0;

    int rc;

    error_reset();
    rc = storage_backend_iscsi.check();
    CHECK(rc < 0 && err_code() == VIREO_ERR_NO_SUPPORT, "iscsi: check() refuses with NO_SUPPORT");
    CHECK(kernel || strstr(err_msg(), "kernel iSCSI initiator"),
          "iscsi: and says the kernel initiator is missing (%s)", err_msg());
    error_reset();
}

/* ---- disk ---- */

static char *loop_dev;

static void loop_release(void)
{
    if (loop_dev) {
        g_autofree char *line = g_strdup_printf("losetup -d %s", loop_dev);

        g_free(sh(line));
        g_clear_pointer(&loop_dev, g_free);
    }
}

static void test_disk_volumes(const storage_backend *be, storage_pool_def *pool)
{
    g_autofree char *base = g_path_get_basename(loop_dev);
    g_autofree char *name = g_strdup_printf("%sp1", base);
    g_autofree char *node = g_strdup_printf("/dev/%s", name);
    g_autoptr(storage_vol_def) vol = g_new0(storage_vol_def, 1);
    g_autoptr(storage_vol_def) bad = g_new0(storage_vol_def, 1);
    g_autoptr(GPtrArray) vols = vols_new();
    g_autoptr(GPtrArray) after = vols_new();
    g_autoptr(GPtrArray) gone = vols_new();
    struct stat st;

    bad->name = g_strdup("data");
    bad->capacity = 8 * MIB;
    error_reset();
    CHECK_E(be->vol_create(NULL, pool, bad, NULL, 0) < 0 && err_code() == VIREO_ERR_INVALID_ARG,
          "disk: a volume not named as its partition is refused");
    vol->name = g_strdup(name);
    vol->capacity = 8 * MIB;
    CHECK_E(be->vol_create(NULL, pool, vol, NULL, 0) == 0, "disk: vol_create makes a partition");
    CHECK(vol->path && strcmp(vol->path, node) == 0 && stat(node, &st) == 0 &&
              S_ISBLK(st.st_mode),
          "disk: its node %s is a block device", node);
    CHECK(be->refresh(NULL, pool, vols) == 0 && vols->len == 1 &&
              ((storage_vol_def *)vols->pdata[0])->capacity == 8 * MIB &&
              strcmp(((storage_vol_def *)vols->pdata[0])->key, node) == 0,
          "disk: refresh lists it, 8 MiB, keyed by its node");
    g_free(bad->name);
    bad->name = g_strdup_printf("%sp2", base);
    bad->capacity = 100 * MIB;
    error_reset();
    CHECK_E(be->vol_create(NULL, pool, bad, NULL, 0) < 0 && err_code() != 0 &&
              be->refresh(NULL, pool, after) == 0 && after->len == 1,
          "disk: a partition larger than the free space is refused, nothing made");
    CHECK_E(be->vol_delete(pool, vol, 0) == 0, "disk: vol_delete removes it");
    CHECK(be->refresh(NULL, pool, gone) == 0 && gone->len == 0,
          "disk: refresh no longer lists it");
}

static void test_disk(void)
{
    const storage_backend *be = &storage_backend_disk;
    g_autofree char *line = NULL, *xml = NULL;
    g_autoptr(storage_pool_def) pool = NULL;
    g_autoptr(GPtrArray) vols = vols_new();
    g_autofree char *losetup = g_find_program_in_path("losetup");

    if (getuid() != 0 || !losetup) {
        SKIP("disk backend", "needs root and losetup for a loop device");
        return;
    }
    if (be->check() < 0) {
        SKIP("disk backend", err_msg());
        return;
    }
    line = g_strdup_printf("truncate -s 64M %s/disk.img && losetup -f --show -P %s/disk.img",
                           tmpdir, tmpdir);
    if (!(loop_dev = sh(line))) {
        SKIP("disk backend", "no loop device could be made");
        return;
    }
    g_strstrip(loop_dev);
    xml = g_strdup_printf("<pool type='disk'><name>dp</name><source><device path='%s'/>"
                          "<format type='gpt'/></source><target><path>/dev</path></target>"
                          "</pool>", loop_dev);
    if (!(pool = pool_of(xml)))
        return;
    error_reset();
    CHECK_E(be->start(NULL, pool) < 0 && err_code() == VIREO_ERR_OPERATION_INVALID,
          "disk: start before build says there is no partition table");
    CHECK_E(be->build(pool, 0) == 0, "disk: build writes a gpt label");
    CHECK_E(be->build(pool, 0) < 0 && err_code() == VIREO_ERR_STORAGE_POOL_BUILT,
          "disk: building again without overwrite is refused");
    CHECK(be->build(pool, VIREO_STORAGE_POOL_BUILD_OVERWRITE) == 0,
          "disk: building with overwrite replaces the label");
    CHECK_E(be->start(NULL, pool) == 0, "disk: start");
    CHECK(be->refresh(NULL, pool, vols) == 0 && vols->len == 0 && pool->capacity == 64 * MIB &&
              pool->available > 60 * MIB,
          "disk: an empty table: no volumes, 64 MiB, most of it available");
    test_disk_volumes(be, pool);
    CHECK_E(be->delete(pool, 0) == 0, "disk: delete wipes the label");
    error_reset();
    CHECK(be->start(NULL, pool) < 0 && err_code() == VIREO_ERR_OPERATION_INVALID,
          "disk: and start finds no table afterwards");
    loop_release();
}

int main(void)
{
    g_autofree char *rm = NULL;

    tmpdir = g_dir_make_tmp("vireo-storage-backends-XXXXXX", NULL);
    test_iscsi_kernel();
    test_iscsi_direct();
    test_disk();
    loop_release();
    rm = g_strdup_printf("rm -rf '%s'", tmpdir);
    g_free(sh(rm));
    g_free(tmpdir);
    return check_exit();
}
