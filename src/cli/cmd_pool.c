/*
 * cmd_pool.c: finding a storage pool from what the user typed, and the
 * pool commands but pool-list (cmd_pool_list.c): define, create, build,
 * start, destroy, delete, undefine, refresh, info, dumpxml, autostart,
 * uuid, name, capabilities, find-storage-pool-sources(-as).
 *
 * Options, messages and output are virsh 9.0's.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

vireo_storage_pool *
cli_pool_lookup(cli_ctl *ctl, const char *what, unsigned int by)
{
    vireo_storage_pool *pool = NULL;

    vireo_error_reset();
    if ((by & CLI_BY_UUID) && strlen(what) == VIREO_UUID_STRING_BUFLEN - 1)
        pool = vireo_storage_pool_lookup_by_uuid_string(ctl->conn, what);
    if (!pool && (by & CLI_BY_NAME)) {
        vireo_error_reset();
        pool = vireo_storage_pool_lookup_by_name(ctl->conn, what);
    }
    if (!pool) {
        cli_error("failed to get pool '%s'", what);
        cli_error_lib();
    }
    return pool;
}

const char *
cli_pool_state_string(int state)
{
    static const char *const names[] = { "inactive", "building", "running", "degraded",
                                         "inaccessible" };

    return state >= 0 && state < (int)G_N_ELEMENTS(names) ? names[state] : "unknown";
}

static vireo_storage_pool *
pool_arg(cli_ctl *ctl, const cli_args *args)
{
    return cli_pool_lookup(ctl, cli_arg_str(args, "pool"), CLI_BY_NAME | CLI_BY_UUID);
}

/* --build / --overwrite / --no-overwrite as CREATE_* flags (start,
 * create) or BUILD_* flags (build); false when the overwrite pair is
 * given to start or create (virsh refuses it there, and leaves it to the
 * driver for build). */
static bool
build_flags(const cli_args *args, bool create, unsigned int *flags)
{
    bool over = cli_arg_bool(args, "overwrite"), no_over = cli_arg_bool(args, "no-overwrite");

    *flags = 0;
    if (!create) {
        *flags |= (over ? VIREO_STORAGE_POOL_BUILD_OVERWRITE : 0) |
                  (no_over ? VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE : 0);
        return true;
    }
    if (over && no_over) {
        cli_error("Options --overwrite and --no-overwrite are mutually exclusive");
        return false;
    }
    if (cli_arg_bool(args, "build"))
        *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD;
    if (over)
        *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
    if (no_over)
        *flags |= VIREO_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;
    return true;
}

/* ---- define / create, from a file or from options ---- */

static bool
cmd_pool_define(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = cli_read_file(file);
    unsigned int flags = cli_arg_bool(args, "validate") ? VIREO_STORAGE_POOL_DEFINE_VALIDATE : 0;
    vireo_storage_pool *pool;

    if (!xml)
        return false;
    if (!(pool = vireo_storage_pool_define_xml(ctl->conn, xml, flags))) {
        cli_error("Failed to define pool from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Pool %s defined from %s\n", vireo_storage_pool_get_name(pool), file);
    vireo_storage_pool_free(pool);
    return true;
}

static bool
cmd_pool_create(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = NULL;
    vireo_storage_pool *pool;
    unsigned int flags;

    if (!build_flags(args, true, &flags) || !(xml = cli_read_file(file)))
        return false;
    if (!(pool = vireo_storage_pool_create_xml(ctl->conn, xml, flags))) {
        cli_error("Failed to create pool from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Pool %s created from %s\n", vireo_storage_pool_get_name(pool), file);
    vireo_storage_pool_free(pool);
    return true;
}

/* Append <tag attr='value'/> when value is set (escaped). */
static void
xml_empty(GString *buf, const char *indent, const char *tag, const char *attr, const char *value)
{
    g_autofree char *esc = NULL;

    if (!value)
        return;
    esc = g_markup_escape_text(value, -1);
    g_string_append_printf(buf, "%s<%s %s='%s'/>\n", indent, tag, attr, esc);
}

/* The <source> of pool-define-as / pool-create-as, in virsh's order. */
static void
pool_xml_source(GString *buf, const cli_args *args)
{
    const char *auth_type = cli_arg_str(args, "auth-type");
    const char *auth_user = cli_arg_str(args, "auth-username");
    const char *usage = cli_arg_str(args, "secret-usage");
    const char *uuid = cli_arg_str(args, "secret-uuid");
    const char *src_name = cli_arg_str(args, "source-name");

    g_string_append(buf, "  <source>\n");
    xml_empty(buf, "    ", "host", "name", cli_arg_str(args, "source-host"));
    xml_empty(buf, "    ", "dir", "path", cli_arg_str(args, "source-path"));
    xml_empty(buf, "    ", "device", "path", cli_arg_str(args, "source-dev"));
    if (cli_arg_str(args, "source-initiator")) {
        g_string_append(buf, "    <initiator>\n");
        xml_empty(buf, "      ", "iqn", "name", cli_arg_str(args, "source-initiator"));
        g_string_append(buf, "    </initiator>\n");
    }
    if (cli_arg_str(args, "adapter-name")) {
        g_autofree char *esc = g_markup_escape_text(cli_arg_str(args, "adapter-name"), -1);
        g_string_append_printf(buf, "    <adapter type='scsi_host' name='%s'/>\n", esc);
    }
    if (auth_type && auth_user && (usage || uuid)) {
        g_autofree char *t = g_markup_escape_text(auth_type, -1);
        g_autofree char *u = g_markup_escape_text(auth_user, -1);

        g_string_append_printf(buf, "    <auth type='%s' username='%s'>\n", t, u);
        if (usage)
            xml_empty(buf, "      ", "secret", "usage", usage);
        else
            xml_empty(buf, "      ", "secret", "uuid", uuid);
        g_string_append(buf, "    </auth>\n");
    }
    xml_empty(buf, "    ", "format", "type", cli_arg_str(args, "source-format"));
    if (src_name) {
        g_autofree char *esc = g_markup_escape_text(src_name, -1);
        g_string_append_printf(buf, "    <name>%s</name>\n", esc);
    }
    xml_empty(buf, "    ", "protocol", "ver", cli_arg_str(args, "source-protocol-ver"));
    g_string_append(buf, "  </source>\n");
}

static bool
pool_has_source(const cli_args *args)
{
    static const char *const opts[] = { "source-host", "source-path", "source-dev",
                                        "source-initiator", "source-format", "source-name",
                                        "adapter-name", "source-protocol-ver" };

    for (gsize i = 0; i < G_N_ELEMENTS(opts); i++) {
        if (cli_arg_str(args, opts[i]))
            return true;
    }
    return false;
}

/* virsh's pool XML from the *-as options.  Caller frees. */
static char *
pool_xml_from_args(const cli_args *args)
{
    g_autofree char *type = g_markup_escape_text(cli_arg_str(args, "type"), -1);
    g_autofree char *name = g_markup_escape_text(cli_arg_str(args, "name"), -1);
    const char *target = cli_arg_str(args, "target");
    GString *buf = g_string_new(NULL);

    g_string_append_printf(buf, "<pool type='%s'>\n  <name>%s</name>\n", type, name);
    if (pool_has_source(args))
        pool_xml_source(buf, args);
    if (target) {
        g_autofree char *esc = g_markup_escape_text(target, -1);
        g_string_append_printf(buf, "  <target>\n    <path>%s</path>\n  </target>\n", esc);
    }
    g_string_append(buf, "</pool>\n");
    return g_string_free(buf, FALSE);
}

static bool
pool_x_as(cli_ctl *ctl, const cli_args *args, bool create)
{
    g_autofree char *xml = pool_xml_from_args(args);
    const char *name = cli_arg_str(args, "name");
    vireo_storage_pool *pool;
    unsigned int flags = 0;

    if (create && !build_flags(args, true, &flags))
        return false;
    if (cli_arg_bool(args, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    pool = create ? vireo_storage_pool_create_xml(ctl->conn, xml, flags)
                  : vireo_storage_pool_define_xml(ctl->conn, xml, 0);
    if (!pool) {
        cli_error("Failed to %s pool %s", create ? "create" : "define", name);
        return false;
    }
    cli_print_extra(ctl, "Pool %s %s\n", vireo_storage_pool_get_name(pool),
                    create ? "created" : "defined");
    vireo_storage_pool_free(pool);
    return true;
}

static bool
cmd_pool_define_as(cli_ctl *ctl, const cli_args *args)
{
    return pool_x_as(ctl, args, false);
}

static bool
cmd_pool_create_as(cli_ctl *ctl, const cli_args *args)
{
    return pool_x_as(ctl, args, true);
}

/* ---- lifecycle on an existing pool ---- */

typedef int (*pool_action_fn)(vireo_storage_pool *pool, unsigned int flags);

/* Look the pool up, act, and print "Pool X <done>" or "Failed to <verb>
 * pool X", naming the pool as the user wrote it, like virsh. */
static bool
pool_action(cli_ctl *ctl, const cli_args *args, pool_action_fn fn, unsigned int flags,
            const char *done, const char *verb)
{
    const char *name = cli_arg_str(args, "pool");
    vireo_storage_pool *pool = pool_arg(ctl, args);
    bool ok;

    if (!pool)
        return false;
    ok = fn(pool, flags) == 0;
    if (ok)
        cli_print_extra(ctl, "Pool %s %s\n", name, done);
    else
        cli_error("Failed to %s pool %s", verb, name);
    vireo_storage_pool_free(pool);
    return ok;
}

static int act_destroy(vireo_storage_pool *p, unsigned int f G_GNUC_UNUSED)
{
    return vireo_storage_pool_destroy(p);
}

static int act_undefine(vireo_storage_pool *p, unsigned int f G_GNUC_UNUSED)
{
    return vireo_storage_pool_undefine(p);
}

static bool
cmd_pool_build(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags;

    return build_flags(args, false, &flags) &&
           pool_action(ctl, args, vireo_storage_pool_build, flags, "built", "build");
}

static bool
cmd_pool_start(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags;

    return build_flags(args, true, &flags) &&
           pool_action(ctl, args, vireo_storage_pool_create, flags, "started", "start");
}

static bool
cmd_pool_destroy(cli_ctl *ctl, const cli_args *args)
{
    return pool_action(ctl, args, act_destroy, 0, "destroyed", "destroy");
}

static bool
cmd_pool_delete(cli_ctl *ctl, const cli_args *args)
{
    return pool_action(ctl, args, vireo_storage_pool_delete, 0, "deleted", "delete");
}

static bool
cmd_pool_undefine(cli_ctl *ctl, const cli_args *args)
{
    return pool_action(ctl, args, act_undefine, 0, "has been undefined", "undefine");
}

static bool
cmd_pool_refresh(cli_ctl *ctl, const cli_args *args)
{
    return pool_action(ctl, args, vireo_storage_pool_refresh, 0, "refreshed", "refresh");
}

static bool
cmd_pool_autostart(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "pool");
    bool disable = cli_arg_bool(args, "disable");
    vireo_storage_pool *pool = pool_arg(ctl, args);
    bool ok;

    if (!pool)
        return false;
    ok = vireo_storage_pool_set_autostart(pool, !disable) == 0;
    if (!ok)
        cli_error("failed to %smark pool %s as autostarted", disable ? "un" : "", name);
    else
        cli_print_extra(ctl, "Pool %s %smarked as autostarted\n", name, disable ? "un" : "");
    vireo_storage_pool_free(pool);
    return ok;
}

/* ---- reading a pool ---- */

static void
print_size(const char *label, unsigned long long v, bool bytes)
{
    const char *unit;
    double val;

    if (bytes) {
        printf("%-15s %llu\n", label, v);
        return;
    }
    val = cli_pretty_capacity(v, &unit);
    printf("%-15s %2.2lf %s\n", label, val, unit);
}

static bool
cmd_pool_info(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_pool *pool = pool_arg(ctl, args);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    vireo_storage_pool_info info;
    bool bytes = cli_arg_bool(args, "bytes");
    int autostart = 0, persistent;
    bool ok = true;

    if (!pool)
        return false;
    printf("%-15s %s\n", "Name:", vireo_storage_pool_get_name(pool));
    if (vireo_storage_pool_get_uuid_string(pool, uuid) == 0)
        printf("%-15s %s\n", "UUID:", uuid);
    if (vireo_storage_pool_get_info(pool, &info) == 0) {
        printf("%-15s %s\n", "State:", cli_pool_state_string(info.state));
        persistent = vireo_storage_pool_is_persistent(pool);
        printf("%-15s %s\n", "Persistent:", persistent < 0 ? "unknown" : persistent ? "yes" : "no");
        if (vireo_storage_pool_get_autostart(pool, &autostart) < 0)
            printf("%-15s %s\n", "Autostart:", "no autostart");
        else
            printf("%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
        if (info.state == VIREO_STORAGE_POOL_RUNNING ||
            info.state == VIREO_STORAGE_POOL_DEGRADED) {
            print_size("Capacity:", info.capacity, bytes);
            print_size("Allocation:", info.allocation, bytes);
            print_size("Available:", info.available, bytes);
        }
    } else {
        ok = false;
    }
    vireo_storage_pool_free(pool);
    return ok;
}

static bool
cmd_pool_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_pool *pool = pool_arg(ctl, args);
    unsigned int flags = cli_arg_bool(args, "inactive") ? VIREO_STORAGE_XML_INACTIVE : 0;
    g_autofree char *xml = NULL;

    if (!pool)
        return false;
    xml = vireo_storage_pool_get_xml_desc(pool, flags);
    vireo_storage_pool_free(pool);
    if (!xml)
        return false;
    printf("%s", xml);
    return true;
}

static bool
cmd_pool_uuid(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_pool *pool = cli_pool_lookup(ctl, cli_arg_str(args, "pool"), CLI_BY_NAME);
    char uuid[VIREO_UUID_STRING_BUFLEN];

    if (!pool)
        return false;
    if (vireo_storage_pool_get_uuid_string(pool, uuid) == 0)
        printf("%s\n", uuid);
    else
        cli_error("failed to get pool UUID");
    vireo_storage_pool_free(pool);
    return true;
}

static bool
cmd_pool_name(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_pool *pool = cli_pool_lookup(ctl, cli_arg_str(args, "pool"), CLI_BY_UUID);

    if (!pool)
        return false;
    printf("%s\n", vireo_storage_pool_get_name(pool));
    vireo_storage_pool_free(pool);
    return true;
}

static bool
cmd_pool_capabilities(cli_ctl *ctl, const cli_args *args G_GNUC_UNUSED)
{
    g_autofree char *xml = vireo_conn_get_storage_pool_capabilities(ctl->conn, 0);

    if (!xml) {
        cli_error("failed to get storage pool capabilities");
        return false;
    }
    printf("%s\n", xml);
    return true;
}

static bool
find_sources(cli_ctl *ctl, const char *type, const char *spec)
{
    g_autofree char *list = vireo_conn_find_storage_pool_sources(ctl->conn, type, spec, 0);

    if (!list) {
        cli_error("Failed to find any %s pool sources", type);
        return false;
    }
    printf("%s", list);
    return true;
}

static bool
cmd_find_sources(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "srcSpec");
    g_autofree char *spec = NULL;

    if (file && !(spec = cli_read_file(file)))
        return false;
    return find_sources(ctl, cli_arg_str(args, "type"), spec);
}

static bool
cmd_find_sources_as(cli_ctl *ctl, const cli_args *args)
{
    const char *host = cli_arg_str(args, "host"), *port = cli_arg_str(args, "port");
    const char *initiator = cli_arg_str(args, "initiator");
    g_autoptr(GString) spec = NULL;

    if (host) {
        g_autofree char *h = g_markup_escape_text(host, -1);

        spec = g_string_new("<source>\n");
        g_string_append_printf(spec, "  <host name='%s'", h);
        if (port) {
            g_autofree char *p = g_markup_escape_text(port, -1);
            g_string_append_printf(spec, " port='%s'", p);
        }
        g_string_append(spec, "/>\n");
        if (initiator) {
            g_string_append(spec, "  <initiator>\n");
            xml_empty(spec, "    ", "iqn", "name", initiator);
            g_string_append(spec, "  </initiator>\n");
        }
        g_string_append(spec, "</source>\n");
    }
    return find_sources(ctl, cli_arg_str(args, "type"), spec ? spec->str : NULL);
}

/* ---- the table ---- */

#define POOL_OPT { "pool", CLI_OPT_DATA, 0, "pool name or uuid" }
#define BUILD_OPTS                                                                        \
    { "build", CLI_OPT_BOOL, 0, "build the pool as normal" },                              \
    { "no-overwrite", CLI_OPT_BOOL, 0, "do not overwrite any existing data" },             \
    { "overwrite", CLI_OPT_BOOL, 0, "overwrite any existing data" }
#define SRC(name, help) { name, CLI_OPT_STRING, 0, help " to be used for underlying storage" }
#define X_AS_OPTS                                                                         \
    { "name", CLI_OPT_DATA, 0, "name of the pool" },                                       \
    { "type", CLI_OPT_DATA, 0, "type of the pool" },                                       \
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document, but don't define/create" },       \
    { "source-host", CLI_OPT_STRING, 0, "source-host for underlying storage" },            \
    { "source-path", CLI_OPT_STRING, 0, "source path for underlying storage" },            \
    { "source-dev", CLI_OPT_STRING, 0, "source device for underlying storage" },           \
    { "source-name", CLI_OPT_STRING, 0, "source name for underlying storage" },            \
    { "target", CLI_OPT_STRING, 0, "target for underlying storage" },                      \
    { "source-format", CLI_OPT_STRING, 0, "format for underlying storage" },               \
    SRC("auth-type", "auth type"), SRC("auth-username", "auth username"),                  \
    SRC("secret-usage", "auth secret usage"), SRC("secret-uuid", "auth secret UUID"),      \
    SRC("adapter-name", "adapter name"),                                                   \
    { "source-protocol-ver", CLI_OPT_STRING, 0, "nfsvers value for NFS pool mount option" }, \
    { "source-initiator", CLI_OPT_STRING, 0, "initiator iqn for underlying storage" }

static const cli_opt opts_pool_define[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML pool description" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};
static const cli_opt opts_pool_create[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML pool description" },
    BUILD_OPTS,
    END,
};
static const cli_opt opts_pool_define_as[] = { X_AS_OPTS, END };
static const cli_opt opts_pool_create_as[] = { X_AS_OPTS, BUILD_OPTS, END };
static const cli_opt opts_pool_build[] = {
    POOL_OPT,
    { "no-overwrite", CLI_OPT_BOOL, 0, "do not overwrite any existing data" },
    { "overwrite", CLI_OPT_BOOL, 0, "overwrite any existing data" },
    END,
};
static const cli_opt opts_pool_start[] = { POOL_OPT, BUILD_OPTS, END };
static const cli_opt opts_pool[] = { POOL_OPT, END };
static const cli_opt opts_pool_info[] = {
    POOL_OPT,
    { "bytes", CLI_OPT_BOOL, 0, "Return pool info in bytes" },
    END,
};
static const cli_opt opts_pool_dumpxml[] = {
    POOL_OPT,
    { "inactive", CLI_OPT_BOOL, 0, "show inactive defined XML" },
    END,
};
static const cli_opt opts_pool_autostart[] = {
    POOL_OPT,
    { "disable", CLI_OPT_BOOL, 0, "disable autostarting" },
    END,
};
static const cli_opt opts_pool_list[] = {
    { "inactive", CLI_OPT_BOOL, 0, "list inactive pools" },
    { "all", CLI_OPT_BOOL, 0, "list inactive & active pools" },
    { "transient", CLI_OPT_BOOL, 0, "list transient pools" },
    { "persistent", CLI_OPT_BOOL, 0, "list persistent pools" },
    { "autostart", CLI_OPT_BOOL, 0, "list pools with autostart enabled" },
    { "no-autostart", CLI_OPT_BOOL, 0, "list pools with autostart disabled" },
    { "type", CLI_OPT_STRING, 0, "only list pool of specified type(s) (if supported)" },
    { "details", CLI_OPT_BOOL, 0, "display extended details for pools" },
    { "uuid", CLI_OPT_BOOL, 0, "list UUID of active pools only" },
    { "name", CLI_OPT_BOOL, 0, "list name of active pools only" },
    END,
};
static const cli_opt opts_find_sources[] = {
    { "type", CLI_OPT_DATA, 0, "type of storage pool sources to discover" },
    { "srcSpec", CLI_OPT_STRING, 0, "optional file of source xml to query for pools" },
    END,
};
static const cli_opt opts_find_sources_as[] = {
    { "type", CLI_OPT_DATA, 0, "type of storage pool sources to find" },
    { "host", CLI_OPT_STRING, 0, "optional host to query" },
    { "port", CLI_OPT_STRING, 0, "optional port to query" },
    { "initiator", CLI_OPT_STRING, 0, "optional initiator IQN to use for query" },
    END,
};

#define POOL CLI_GROUP_POOL

const cli_cmd cli_cmds_pool[] = {
    { "find-storage-pool-sources-as", cmd_find_sources_as, opts_find_sources_as,
      "find potential storage pool sources", "Returns XML <sources> document.", true, POOL },
    { "find-storage-pool-sources", cmd_find_sources, opts_find_sources,
      "discover potential storage pool sources", "Returns XML <sources> document.", true, POOL },
    { "pool-autostart", cmd_pool_autostart, opts_pool_autostart, "autostart a pool",
      "Configure a pool to be automatically started at boot.", true, POOL },
    { "pool-build", cmd_pool_build, opts_pool_build, "build a pool", "Build a given pool.",
      true, POOL },
    { "pool-capabilities", cmd_pool_capabilities, NULL, "storage pool capabilities",
      "Returns capabilities of storage pool support.", true, POOL },
    { "pool-create-as", cmd_pool_create_as, opts_pool_create_as, "create a pool from a set of args",
      "Create a pool.", true, POOL },
    { "pool-create", cmd_pool_create, opts_pool_create, "create a pool from an XML file",
      "Create a pool.", true, POOL },
    { "pool-define-as", cmd_pool_define_as, opts_pool_define_as,
      "define a pool from a set of args", "Define a pool.", true, POOL },
    { "pool-define", cmd_pool_define, opts_pool_define,
      "define an inactive persistent storage pool or modify an existing persistent one from an XML file",
      "Define or modify a persistent storage pool.", true, POOL },
    { "pool-delete", cmd_pool_delete, opts_pool, "delete a pool", "Delete a given pool.", true,
      POOL },
    { "pool-destroy", cmd_pool_destroy, opts_pool, "destroy (stop) a pool",
      "Forcefully stop a given pool. Raw data in the pool is untouched", true, POOL },
    { "pool-dumpxml", cmd_pool_dumpxml, opts_pool_dumpxml, "pool information in XML",
      "Output the pool information as an XML dump to stdout.", true, POOL },
    { "pool-info", cmd_pool_info, opts_pool_info, "storage pool information",
      "Returns basic information about the storage pool.", true, POOL },
    { "pool-list", cmd_pool_list, opts_pool_list, "list pools", "Returns list of pools.", true,
      POOL },
    { "pool-name", cmd_pool_name, opts_pool, "convert a pool UUID to pool name", NULL, true,
      POOL },
    { "pool-refresh", cmd_pool_refresh, opts_pool, "refresh a pool", "Refresh a given pool.",
      true, POOL },
    { "pool-start", cmd_pool_start, opts_pool_start, "start a (previously defined) inactive pool",
      "Start a pool.", true, POOL },
    { "pool-undefine", cmd_pool_undefine, opts_pool, "undefine an inactive pool",
      "Undefine the configuration for an inactive pool.", true, POOL },
    { "pool-uuid", cmd_pool_uuid, opts_pool, "convert a pool name to pool UUID", NULL, true,
      POOL },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
