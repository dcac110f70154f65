/*
 * storage_backend_logical.c: a pool that is an LVM volume group; its
 * volumes are the group's logical volumes.  Every change goes through
 * the LVM tools (storage_run); their output is read with --noheadings,
 * --units b and a separator, never as human text.
 *
 * LVM needs device-mapper in the kernel (/dev/mapper/control): without
 * it check() says so and the pool's tests SKIP.
 */
#include <string.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_file_vol.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"

static int logical_check(void)
{
    static const char *const tools[] = { "vgs", "lvs", "pvs", "vgcreate", "lvcreate",
                                         "vgchange" };

    for (size_t i = 0; i < G_N_ELEMENTS(tools); i++) {
        g_autofree char *found = g_find_program_in_path(tools[i]);
        g_autofree char *sbin = g_build_filename("/sbin", tools[i], NULL);

        if (!found && !g_file_test(sbin, G_FILE_TEST_IS_EXECUTABLE)) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                         "logical pools need the LVM tool '%s' (Debian package lvm2), which "
                         "this host lacks", tools[i]);
            return -1;
        }
    }
    if (!g_file_test("/dev/mapper/control", G_FILE_TEST_EXISTS)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "logical pools need device-mapper, which this host lacks");
        return -1;
    }
    return 0;
}

static const char *vg_name(const storage_pool_def *pool)
{
    return pool->source.name ? pool->source.name : pool->name;
}

static int run(const char *const *argv, char **out)
{
    return storage_run(argv, storage_run_timeout_ms(), out, NULL);
}

static int logical_build(const storage_pool_def *pool, unsigned int flags)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    GPtrArray *devs = pool->source.devices;

    for (guint i = 0; i < devs->len; i++) {
        const char *path = ((storage_pool_device *)devs->pdata[i])->path;
        const char *pv[] = { "pvcreate", (flags & VIREO_STORAGE_POOL_BUILD_OVERWRITE) ? "-ff" : "-q",
                             "-y", path, NULL };

        if (run(pv, NULL) < 0)
            return -1;
    }
    g_ptr_array_add(argv, (gpointer) "vgcreate");
    g_ptr_array_add(argv, (gpointer)vg_name(pool));
    for (guint i = 0; i < devs->len; i++)
        g_ptr_array_add(argv, ((storage_pool_device *)devs->pdata[i])->path);
    g_ptr_array_add(argv, NULL);
    return run((const char *const *)argv->pdata, NULL);
}

static int logical_start(node_state *node, const storage_pool_def *pool)
{
    const char *argv[] = { "vgchange", "-aly", vg_name(pool), NULL };

    (void)node;
    return run(argv, NULL);
}

static int logical_stop(node_state *node, const storage_pool_def *pool)
{
    const char *argv[] = { "vgchange", "-aln", vg_name(pool), NULL };

    (void)node;
    return run(argv, NULL);
}

static int logical_delete(const storage_pool_def *pool, unsigned int flags)
{
    const char *argv[] = { "vgremove", "-f", vg_name(pool), NULL };
    GPtrArray *devs = pool->source.devices;

    (void)flags;
    if (run(argv, NULL) < 0)
        return -1;
    for (guint i = 0; i < devs->len; i++) {
        const char *pv[] = { "pvremove", ((storage_pool_device *)devs->pdata[i])->path, NULL };

        if (run(pv, NULL) < 0)
            return -1;
    }
    return 0;
}

static int logical_refresh(node_state *node, storage_pool_def *pool, GPtrArray *vols)
{
    const char *vgs[] = { "vgs", "--noheadings", "--units", "b", "--nosuffix", "--separator",
                          "#", "-o", "vg_size,vg_free", vg_name(pool), NULL };
    const char *lvs[] = { "lvs", "--noheadings", "--units", "b", "--nosuffix", "--separator",
                          "#", "-o", "lv_name,lv_path,lv_uuid,lv_size", vg_name(pool), NULL };
    g_autofree char *out = NULL;
    g_autofree char *lvout = NULL;
    g_auto(GStrv) f = NULL;
    g_auto(GStrv) lines = NULL;

    (void)node;
    if (run(vgs, &out) < 0 || run(lvs, &lvout) < 0)
        return -1;
    f = g_strsplit(g_strstrip(out), "#", -1);
    if (g_strv_length(f) < 2) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "pool '%s': cannot read the size of volume group '%s'", pool->name,
                     vg_name(pool));
        return -1;
    }
    pool->capacity = g_ascii_strtoull(f[0], NULL, 10);
    pool->available = g_ascii_strtoull(f[1], NULL, 10);
    pool->allocation = pool->capacity - pool->available;
    lines = g_strsplit(lvout, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) v = g_strsplit(g_strstrip(lines[i]), "#", -1);
        storage_vol_def *vol;

        if (g_strv_length(v) < 4)
            continue;
        vol = storage_file_vol_new(v[0]);
        vol->path = g_strdup(v[1]);
        vol->key = g_strdup(v[2]);
        vol->type = g_strdup("block");
        vol->format = g_strdup("raw");
        vol->capacity = vol->allocation = g_ascii_strtoull(v[3], NULL, 10);
        vol->has_capacity = true;
        g_ptr_array_add(vols, vol);
    }
    return 0;
}

static int logical_vol_create(node_state *node, const storage_pool_def *pool,
                              storage_vol_def *vol, const storage_vol_def *from,
                              unsigned int flags)
{
    g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT "b", vol->capacity);
    const char *argv[] = { "lvcreate", "--name", vol->name, "-L", size, "--yes", vg_name(pool),
                           NULL };

    (void)node, (void)flags;
    if (from) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "pool '%s': cloning into a logical pool is not supported", pool->name);
        return -1;
    }
    if (run(argv, NULL) < 0)
        return -1;
    g_free(vol->path);
    vol->path = g_strdup_printf("/dev/%s/%s", vg_name(pool), vol->name);
    g_free(vol->key);
    vol->key = g_strdup(vol->path);
    g_free(vol->type);
    vol->type = g_strdup("block");
    return 0;
}

static int logical_vol_delete(const storage_pool_def *pool, const storage_vol_def *vol,
                              unsigned int flags)
{
    g_autofree char *lv = g_strdup_printf("%s/%s", vg_name(pool), vol->name);
    const char *argv[] = { "lvremove", "-f", lv, NULL };

    (void)flags;
    return run(argv, NULL);
}

/* The <sources> of every volume group the host sees, with its devices. */
static char *logical_find_sources(const char *src_spec, unsigned int flags)
{
    const char *argv[] = { "pvs", "--noheadings", "--separator", "#", "-o", "pv_name,vg_name",
                           NULL };
    g_autofree char *out = NULL;
    g_autoptr(GHashTable) groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify)g_ptr_array_unref);
    g_autoptr(GList) names = NULL;
    g_auto(GStrv) lines = NULL;
    GString *xml;

    (void)src_spec, (void)flags;
    if (logical_check() < 0 || run(argv, &out) < 0)
        return NULL;
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(g_strstrip(lines[i]), "#", 2);
        GPtrArray *pvs;

        if (g_strv_length(f) < 2 || !*f[1])
            continue;
        if (!(pvs = g_hash_table_lookup(groups, f[1]))) {
            pvs = g_ptr_array_new_with_free_func(g_free);
            g_hash_table_insert(groups, g_strdup(f[1]), pvs);
        }
        g_ptr_array_add(pvs, g_markup_escape_text(f[0], -1));
    }
    xml = g_string_new("<sources>\n");
    names = g_list_sort(g_hash_table_get_keys(groups), (GCompareFunc)strcmp);
    for (GList *l = names; l; l = l->next) {
        GPtrArray *pvs = g_hash_table_lookup(groups, l->data);
        g_autofree char *name = g_markup_escape_text(l->data, -1);

        g_string_append(xml, "  <source>\n");
        for (guint i = 0; i < pvs->len; i++)
            g_string_append_printf(xml, "    <device path='%s'/>\n", (char *)pvs->pdata[i]);
        g_string_append_printf(xml, "    <name>%s</name>\n    <format type='lvm2'/>\n"
                                    "  </source>\n", name);
    }
    g_string_append(xml, "</sources>\n");
    return g_string_free(xml, FALSE);
}

static int logical_check_running(const storage_pool_def *pool, bool *running)
{
    g_autofree char *dir = g_build_filename("/dev", vg_name(pool), NULL);

    *running = g_file_test(dir, G_FILE_TEST_IS_DIR);
    return 0;
}

const storage_backend storage_backend_logical = {
    .type = STORAGE_POOL_LOGICAL,
    .check = logical_check,
    .build = logical_build,
    .start = logical_start,
    .stop = logical_stop,
    .delete = logical_delete,
    .refresh = logical_refresh,
    .vol_create = logical_vol_create,
    .vol_delete = logical_vol_delete,
    .find_sources = logical_find_sources,
    .check_running = logical_check_running,
};
