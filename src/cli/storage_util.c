/*
 * storage_util.c: what the pool and volume commands share: finding a
 * volume from what the user typed, sizes as virsh reads and prints them,
 * and volume type names.
 */
#include <string.h>

#include "cli/cli.h"

double
cli_pretty_capacity(unsigned long long v, const char **unit)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double val = (double)v;
    gsize i = 0;

    while (val >= 1024 && i + 1 < G_N_ELEMENTS(units)) {
        val /= 1024;
        i++;
    }
    *unit = units[i];
    return val;
}

/* The multiplier of a suffix such as "M", "MiB", "MB", "bytes"; 0 when
 * it is not one. */
static unsigned long long
scale_of(const char *suffix)
{
    static const char powers[] = "kmgtpe";
    const char *p;
    unsigned long long base, scale = 1;

    if (!*suffix)
        return 1;
    if (!g_ascii_strcasecmp(suffix, "b") || !g_ascii_strcasecmp(suffix, "byte") ||
        !g_ascii_strcasecmp(suffix, "bytes"))
        return 1;
    if (!suffix[1] || !g_ascii_strcasecmp(suffix + 1, "iB"))
        base = 1024;
    else if (g_ascii_tolower(suffix[1]) == 'b' && !suffix[2])
        base = 1000;
    else
        return 0;
    if (!(p = strchr(powers, g_ascii_tolower(suffix[0]))))
        return 0;
    for (long n = p - powers; n >= 0; n--)
        scale *= base;
    return scale;
}

bool
cli_scaled_bytes(const char *text, unsigned long long *bytes)
{
    char *end = NULL;
    unsigned long long v, scale;

    if (!text || !g_ascii_isdigit(*text))
        return false;
    v = g_ascii_strtoull(text, &end, 10);
    if (!(scale = scale_of(end)) || v > G_MAXUINT64 / scale)
        return false;
    *bytes = v * scale;
    return true;
}

const char *
cli_vol_type_string(int type)
{
    static const char *const names[] = { "file", "block", "dir", "network", "netdir", "ploop" };

    return type >= 0 && type < (int)G_N_ELEMENTS(names) ? names[type] : "unknown";
}

/* The volume named what: by name in the pool of pool_opt when given (the
 * pool must be active), else by key, then by path, like virsh. */
vireo_storage_vol *
cli_vol_lookup(cli_ctl *ctl, const cli_args *args, const char *opt, const char *pool_opt)
{
    const char *what = cli_arg_str(args, opt);
    const char *pname = pool_opt ? cli_arg_str(args, pool_opt) : NULL;
    vireo_storage_pool *pool = NULL;
    vireo_storage_vol *vol = NULL;

    if (pname) {
        if (!(pool = cli_pool_lookup(ctl, pname, CLI_BY_NAME | CLI_BY_UUID)))
            return NULL;
        if (vireo_storage_pool_is_active(pool) != 1) {
            cli_error("pool '%s' is not active", pname);
            vireo_storage_pool_free(pool);
            return NULL;
        }
        vol = vireo_storage_vol_lookup_by_name(pool, what);
    }
    if (!vol)
        vol = vireo_storage_vol_lookup_by_key(ctl->conn, what);
    if (!vol)
        vol = vireo_storage_vol_lookup_by_path(ctl->conn, what);
    if (!vol) {
        if (pool || !pool_opt)
            cli_error("failed to get vol '%s'", what);
        else
            cli_error("failed to get vol '%s', specifying --%s might help", what, pool_opt);
        cli_error_lib();
    } else if (pool && strcmp(vireo_storage_vol_get_pool_name(vol),
                              vireo_storage_pool_get_name(pool)) != 0) {
        cli_error("Requested volume '%s' is not in pool '%s'", what, pname);
        vireo_storage_vol_free(vol);
        vol = NULL;
    }
    vireo_error_reset();
    if (pool)
        vireo_storage_pool_free(pool);
    return vol;
}
