/*
 * storage_backend_netfs.c: a pool that is a network file system (NFS,
 * CIFS, GlusterFS) mounted by vireod on the target folder; its volumes
 * are the files in it.
 *
 * A server that does not answer must not hang anything: mount runs under
 * the tool deadline (storage_run kills it, OPERATION_TIMEOUT), and the
 * core runs refreshes, which touch the mount in-process, in a thread it
 * can walk away from (storage_pool_run.c).
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_folder.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"

/* The mount helper of the source format, or NULL. */
static const char *netfs_helper(const char *format)
{
    if (!format || strcmp(format, "auto") == 0 || strcmp(format, "nfs") == 0)
        return "mount.nfs";
    if (strcmp(format, "cifs") == 0)
        return "mount.cifs";
    return "mount.glusterfs";
}

/* Whether the helper exists where mount looks for it (/sbin, PATH). */
static bool netfs_have(const char *helper)
{
    g_autofree char *found = g_find_program_in_path(helper);
    g_autofree char *sbin = g_build_filename("/sbin", helper, NULL);

    return found || g_file_test(sbin, G_FILE_TEST_IS_EXECUTABLE);
}

static int netfs_check(void)
{
    if (!netfs_have("mount.nfs")) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "netfs pools need mount.nfs (Debian package nfs-common), which this "
                     "host lacks");
        return -1;
    }
    return 0;
}

static int netfs_start(node_state *node, const storage_pool_def *pool)
{
    const storage_pool_source *src = &pool->source;
    const storage_pool_host *host = src->hosts->len ? src->hosts->pdata[0] : NULL;
    const char *format = src->format;
    const char *helper = netfs_helper(format);
    g_autofree char *source = NULL;
    g_autofree char *options = NULL;
    const char *type;

    (void)node;
    if (!host || !src->dir) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "pool '%s': missing source host or directory", pool->name);
        return -1;
    }
    if (!netfs_have(helper)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "pool '%s' needs %s, which this host lacks", pool->name, helper);
        return -1;
    }
    if (strcmp(helper, "mount.nfs") == 0) {
        type = "nfs";
        source = g_strdup_printf("%s:%s", host->name, src->dir);
        if (src->protocol_ver)
            options = g_strdup_printf("nfsvers=%s", src->protocol_ver);
    } else if (strcmp(format, "cifs") == 0) {
        type = "cifs";
        source = g_strdup_printf("//%s/%s", host->name, src->dir);
        options = g_strdup("guest");
    } else {
        type = "glusterfs";
        source = g_strdup_printf("%s:%s", host->name, src->dir);
        options = g_strdup("direct-io-mode=1");
    }
    if (host->port && strcmp(type, "nfs") == 0) {
        g_autofree char *with_port = g_strdup_printf("%s%sport=%u", options ? options : "",
                                                     options ? "," : "", host->port);

        g_free(options);
        options = g_steal_pointer(&with_port);
    }
    return storage_folder_mount(pool, source, type, options);
}

/* The host name of a <source><host name=''/></source>, or NULL. */
static char *netfs_spec_host(const char *src_spec)
{
    xmlDoc *doc;
    xmlNode *root;
    char *name = NULL;

    if (!src_spec)
        return NULL;
    doc = xmlReadMemory(src_spec, (int)strlen(src_spec), "source.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNode *n = root ? root->children : NULL; n && !name; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "host")) {
            xmlChar *v = xmlGetProp(n, BAD_CAST "name");

            name = v ? g_strdup((const char *)v) : NULL;
            xmlFree(v);
        }
    }
    xmlFreeDoc(doc);
    return name;
}

/* The exports showmount lists on the host of src_spec. */
static char *netfs_find_sources(const char *src_spec, unsigned int flags)
{
    g_autofree char *host = netfs_spec_host(src_spec);
    g_autofree char *out = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *ehost = NULL;
    GString *xml;

    if (flags) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG, "unsupported flags (0x%x)",
                     flags);
        return NULL;
    }
    if (!host) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "hostname must be specified for netfs sources");
        return NULL;
    }
    {
        const char *argv[] = { "showmount", "--no-headers", "--exports", host, NULL };

        if (storage_run(argv, storage_run_timeout_ms(), &out, NULL) < 0)
            return NULL;
    }
    ehost = g_markup_escape_text(host, -1);
    xml = g_string_new("<sources>\n");
    lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) fields = g_strsplit_set(g_strstrip(lines[i]), " \t", 2);
        g_autofree char *dir = NULL;

        if (!fields[0] || fields[0][0] != '/')
            continue;
        dir = g_markup_escape_text(fields[0], -1);
        g_string_append_printf(xml,
                               "  <source>\n    <host name='%s'/>\n    <dir path='%s'/>\n"
                               "    <format type='nfs'/>\n  </source>\n",
                               ehost, dir);
    }
    g_string_append(xml, "</sources>\n");
    return g_string_free(xml, FALSE);
}

const storage_backend storage_backend_netfs = {
    .type = STORAGE_POOL_NETFS,
    .check = netfs_check,
    .build = storage_folder_build,
    .start = netfs_start,
    .stop = storage_folder_unmount,
    STORAGE_FOLDER_BACKEND_VOLUMES,
    .find_sources = netfs_find_sources,
    .check_running = storage_folder_check_mounted,
};
