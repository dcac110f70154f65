/*
 * cmd_pool_list.c: pool-list, virsh 9.0's layout: a table of Name, State,
 * Autostart (and with --details Persistent, Capacity, Allocation,
 * Available), or bare names and UUIDs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

/* --type words and their VIREO_LIST_STORAGE_POOLS_* bits (libvirt's
 * numbers; types vireo has no name for keep libvirt's bit). */
static const struct { const char *type; unsigned int flag; } pool_types[] = {
    { "dir", VIREO_LIST_STORAGE_POOLS_DIR },
    { "fs", VIREO_LIST_STORAGE_POOLS_FS },
    { "netfs", VIREO_LIST_STORAGE_POOLS_NETFS },
    { "logical", VIREO_LIST_STORAGE_POOLS_LOGICAL },
    { "disk", VIREO_LIST_STORAGE_POOLS_DISK },
    { "iscsi", VIREO_LIST_STORAGE_POOLS_ISCSI },
    { "scsi", 1 << 12 },
    { "mpath", 1 << 13 },
    { "rbd", 1 << 14 },
    { "sheepdog", 1 << 15 },
    { "gluster", 1 << 16 },
    { "zfs", 1 << 17 },
    { "vstorage", 1 << 18 },
    { "iscsi-direct", VIREO_LIST_STORAGE_POOLS_ISCSI_DIRECT },
};

static bool
pool_type_flags(const char *text, unsigned int *flags)
{
    g_auto(GStrv) words = g_strsplit(text, ",", -1);

    for (int i = 0; words[i]; i++) {
        gsize t;

        for (t = 0; t < G_N_ELEMENTS(pool_types); t++) {
            if (g_str_equal(words[i], pool_types[t].type))
                break;
        }
        if (t == G_N_ELEMENTS(pool_types)) {
            cli_error("Invalid pool type '%s'", words[i]);
            return false;
        }
        *flags |= pool_types[t].flag;
    }
    return true;
}

static bool
pool_list_flags(const cli_args *args, unsigned int *flags)
{
    static const struct { const char *opt; unsigned int flag; } filters[] = {
        { "persistent", VIREO_LIST_STORAGE_POOLS_PERSISTENT },
        { "transient", VIREO_LIST_STORAGE_POOLS_TRANSIENT },
        { "autostart", VIREO_LIST_STORAGE_POOLS_AUTOSTART },
        { "no-autostart", VIREO_LIST_STORAGE_POOLS_NO_AUTOSTART },
    };
    const char *type = cli_arg_str(args, "type");

    *flags = VIREO_LIST_STORAGE_POOLS_ACTIVE;
    if (cli_arg_bool(args, "inactive"))
        *flags = VIREO_LIST_STORAGE_POOLS_INACTIVE;
    if (cli_arg_bool(args, "all"))
        *flags = VIREO_LIST_STORAGE_POOLS_ACTIVE | VIREO_LIST_STORAGE_POOLS_INACTIVE;
    for (gsize i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_arg_bool(args, filters[i].opt))
            *flags |= filters[i].flag;
    }
    return !type || pool_type_flags(type, flags);
}

static int
pool_sort(const void *a, const void *b)
{
    vireo_storage_pool *pa = *(vireo_storage_pool *const *)a;
    vireo_storage_pool *pb = *(vireo_storage_pool *const *)b;

    return strcasecmp(vireo_storage_pool_get_name(pa), vireo_storage_pool_get_name(pb));
}

static char *
pretty(unsigned long long v)
{
    const char *unit;
    double val = cli_pretty_capacity(v, &unit);

    return g_strdup_printf("%.2lf %s", val, unit);
}

/* One row: state and sizes as virsh words them. */
static void
pool_row(cli_table *t, vireo_storage_pool *pool, bool details)
{
    const char *name = vireo_storage_pool_get_name(pool);
    vireo_storage_pool_info info;
    int autostart = 0, persistent = vireo_storage_pool_is_persistent(pool);
    const char *auto_s = vireo_storage_pool_get_autostart(pool, &autostart) < 0
                             ? "no autostart" : autostart ? "yes" : "no";
    const char *pers_s = persistent < 0 ? "unknown" : persistent ? "yes" : "no";
    g_autofree char *cap = NULL, *alloc = NULL, *avail = NULL;

    if (vireo_storage_pool_get_info(pool, &info) != 0) {
        cli_error("Could not retrieve pool information");
        vireo_error_reset();
        if (details)
            cli_table_add(t, name, "unknown", auto_s, pers_s, "unknown", "unknown", "unknown");
        else
            cli_table_add(t, name, "unknown", auto_s);
        return;
    }
    if (!details) {
        cli_table_add(t, name, vireo_storage_pool_is_active(pool) == 1 ? "active" : "inactive",
                      auto_s);
        return;
    }
    if (info.state == VIREO_STORAGE_POOL_RUNNING || info.state == VIREO_STORAGE_POOL_DEGRADED) {
        cap = pretty(info.capacity);
        alloc = pretty(info.allocation);
        avail = pretty(info.available);
    }
    cli_table_add(t, name, cli_pool_state_string(info.state), auto_s, pers_s,
                  cap ? cap : "-", alloc ? alloc : "-", avail ? avail : "-");
}

static void
pool_list_plain(vireo_storage_pool **pools, int n, bool uuid, bool name)
{
    for (int i = 0; i < n; i++) {
        char buf[VIREO_UUID_STRING_BUFLEN] = "";

        if (uuid) {
            vireo_storage_pool_get_uuid_string(pools[i], buf);
            printf("%-36s%c", buf, name ? ' ' : '\n');
        }
        if (name)
            printf("%-20s\n", vireo_storage_pool_get_name(pools[i]));
    }
}

bool
cmd_pool_list(cli_ctl *ctl, const cli_args *args)
{
    bool details = cli_arg_bool(args, "details");
    bool uuid = cli_arg_bool(args, "uuid"), name = cli_arg_bool(args, "name");
    vireo_storage_pool **pools = NULL;
    unsigned int flags;
    int n;

    if (details && (uuid || name)) {
        cli_error("Options --details and --%s are mutually exclusive", uuid ? "uuid" : "name");
        return false;
    }
    if (!pool_list_flags(args, &flags))
        return false;
    if ((n = vireo_conn_list_all_storage_pools(ctl->conn, &pools, flags)) < 0) {
        cli_error("Failed to list pools");
        return false;
    }
    qsort(pools, n, sizeof(*pools), pool_sort);
    if (uuid || name) {
        pool_list_plain(pools, n, uuid, name);
    } else {
        g_autoptr(cli_table) t =
            details ? cli_table_new(7, "Name", "State", "Autostart", "Persistent", "Capacity",
                                    "Allocation", "Available")
                    : cli_table_new(3, "Name", "State", "Autostart");

        for (int i = 0; i < n; i++)
            pool_row(t, pools[i], details);
        cli_table_print(t, !ctl->quiet);
    }
    vireo_storage_pool_list_free(pools);
    return true;
}
