/*
 * storage_caps.c: what pool types this host runs (<storagepoolCapabilities>,
 * storagepoolcaps.rng) and finding pool sources through a backend.
 *
 * supported='yes' when the type's backend check() passes on this host
 * now: tools and kernel support are looked at each call, so installing a
 * package shows without a restart.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/storage/storage_core.h"
#include "drivers/storage/storage_driver_priv.h"
#include "util/error.h"

/* Formats a pool's <source> and its volumes take, as libvirt lists them. */
static const char *const file_vol_formats[] = {
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "cow", "qcow", "qcow2", "qed", "vmdk", NULL,
};
static const char *const part_formats[] = {
    "none", "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended",
    NULL,
};

/* The volume formats of each type that has volumes of its own making */
static const struct {
    const char *vol_default;
    const char *const *vol_formats;
} caps[STORAGE_POOL_LAST] = {
    [STORAGE_POOL_DIR] = { "raw", file_vol_formats },
    [STORAGE_POOL_FS] = { "raw", file_vol_formats },
    [STORAGE_POOL_NETFS] = { "raw", file_vol_formats },
    [STORAGE_POOL_DISK] = { "none", part_formats },
};

static void format_enum(GString *out, const char *what, const char *def,
                        const char *enum_name, const char *const *values)
{
    g_string_append_printf(out, "    <%s>\n      <defaultFormat type='%s'/>\n", what, def);
    g_string_append_printf(out, "      <enum name='%s'>\n", enum_name);
    for (size_t i = 0; values[i]; i++)
        g_string_append_printf(out, "        <value>%s</value>\n", values[i]);
    g_string_append_printf(out, "      </enum>\n    </%s>\n", what);
}

char *storage_caps_format(vireo_conn *conn, unsigned int flags)
{
    GString *out;

    (void)conn;
    if (!driver_flags_ok(VIREO_FROM_STORAGE, flags, 0, __func__))
        return NULL;
    out = g_string_new("<storagepoolCapabilities>\n");
    for (int t = 0; t < STORAGE_POOL_LAST; t++) {
        const storage_backend *backend = storage_backend_for((storage_pool_type)t);
        bool ok = !backend->check || backend->check() == 0;
        const char *pool_default = NULL;
        const char *const *pool_formats =
            storage_pool_source_formats((storage_pool_type)t, &pool_default);

        g_string_append_printf(out, "  <pool type='%s' supported='%s'", storage_pool_type_names[t],
                               ok ? "yes" : "no");
        if (!ok || (!pool_formats && !caps[t].vol_formats)) {
            g_string_append(out, "/>\n");
            continue;
        }
        g_string_append(out, ">\n");
        if (pool_formats)
            format_enum(out, "poolOptions", pool_default, "sourceFormatType", pool_formats);
        if (caps[t].vol_formats)
            format_enum(out, "volOptions", caps[t].vol_default, "targetFormatType",
                        caps[t].vol_formats);
        g_string_append(out, "  </pool>\n");
    }
    error_reset();
    g_string_append(out, "</storagepoolCapabilities>\n");
    return g_string_free(out, FALSE);
}

char *storage_caps_find_sources(vireo_conn *conn, const char *type, const char *src_spec,
                                unsigned int flags)
{
    const storage_backend *backend = NULL;

    (void)conn;
    for (int t = 0; t < STORAGE_POOL_LAST; t++)
        if (strcmp(storage_pool_type_names[t], type) == 0)
            backend = storage_backend_for((storage_pool_type)t);
    if (!backend) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "unknown storage pool type %s", type);
        return NULL;
    }
    if (backend->check && backend->check() < 0)
        return NULL;
    if (!backend->find_sources) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "pool type '%s' does not support source discovery", type);
        return NULL;
    }
    return backend->find_sources(src_spec, flags);
}
