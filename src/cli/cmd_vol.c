/*
 * cmd_vol.c: the storage volume commands but upload and download
 * (cmd_vol_stream.c): create, create-as, create-from, clone, delete,
 * wipe, resize, info, dumpxml, path, name, key, pool, list.
 *
 * Options, messages and output are virsh 9.0's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

static vireo_storage_vol *
vol_arg(cli_ctl *ctl, const cli_args *args)
{
    return cli_vol_lookup(ctl, args, "vol", "pool");
}

static vireo_storage_pool *
pool_arg(cli_ctl *ctl, const cli_args *args)
{
    return cli_pool_lookup(ctl, cli_arg_str(args, "pool"), CLI_BY_NAME | CLI_BY_UUID);
}

static unsigned int
create_flags(const cli_args *args, bool reflink)
{
    unsigned int flags = 0;

    if (cli_arg_bool(args, "prealloc-metadata"))
        flags |= VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA;
    if (reflink && cli_arg_bool(args, "reflink"))
        flags |= VIREO_STORAGE_VOL_CREATE_REFLINK;
    return flags;
}

/* ---- creating ---- */

static bool
cmd_vol_create(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    unsigned int flags = create_flags(args, false);
    g_autofree char *xml = NULL;
    vireo_storage_pool *pool;
    vireo_storage_vol *vol;

    if (cli_arg_bool(args, "validate"))
        flags |= VIREO_STORAGE_VOL_CREATE_VALIDATE;
    if (!(pool = pool_arg(ctl, args)))
        return false;
    if (!(xml = cli_read_file(file))) {
        vireo_storage_pool_free(pool);
        return false;
    }
    vol = vireo_storage_vol_create_xml(pool, xml, flags);
    vireo_storage_pool_free(pool);
    if (!vol) {
        cli_error("Failed to create vol from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Vol %s created from %s\n", vireo_storage_vol_get_name(vol), file);
    vireo_storage_vol_free(vol);
    return true;
}

/* <backingStore> for --backing-vol, found like virsh: by name in pool,
 * then by key, then by path.  false (error printed) when not found. */
static bool
backing_xml(GString *buf, vireo_storage_pool *pool, const char *name, const char *format)
{
    vireo_storage_vol *vol = vireo_storage_vol_lookup_by_name(pool, name);
    g_autofree char *path = NULL, *esc = NULL;

    if (!vol)
        vol = vireo_storage_vol_lookup_by_key(vireo_storage_pool_get_conn(pool), name);
    if (!vol)
        vol = vireo_storage_vol_lookup_by_path(vireo_storage_pool_get_conn(pool), name);
    if (!vol) {
        cli_error("failed to get vol '%s'", name);
        return false;
    }
    path = vireo_storage_vol_get_path(vol);
    vireo_storage_vol_free(vol);
    if (!path) {
        cli_error("failed to get vol '%s'", name);
        return false;
    }
    vireo_error_reset();
    esc = g_markup_escape_text(path, -1);
    g_string_append_printf(buf, "  <backingStore>\n    <path>%s</path>\n", esc);
    if (format) {
        g_autofree char *f = g_markup_escape_text(format, -1);
        g_string_append_printf(buf, "    <format type='%s'/>\n", f);
    }
    g_string_append(buf, "  </backingStore>\n");
    return true;
}

/* virsh's volume XML from vol-create-as's options; NULL on bad input
 * (error printed).  Caller frees. */
static char *
vol_xml_from_args(vireo_storage_pool *pool, const cli_args *args)
{
    const char *cap_s = cli_arg_str(args, "capacity"), *alloc_s = cli_arg_str(args, "allocation");
    const char *format = cli_arg_str(args, "format"), *backing = cli_arg_str(args, "backing-vol");
    g_autofree char *name = g_markup_escape_text(cli_arg_str(args, "name"), -1);
    unsigned long long cap, alloc = 0;
    g_autoptr(GString) buf = g_string_new(NULL);

    if (!cli_scaled_bytes(cap_s, &cap)) {
        cli_error("Malformed size %s", cap_s);
        return NULL;
    }
    if (alloc_s && !cli_scaled_bytes(alloc_s, &alloc)) {
        cli_error("Malformed size %s", alloc_s);
        return NULL;
    }
    g_string_append_printf(buf, "<volume>\n  <name>%s</name>\n  <capacity>%llu</capacity>\n",
                           name, cap);
    if (alloc_s)
        g_string_append_printf(buf, "  <allocation>%llu</allocation>\n", alloc);
    if (format) {
        g_autofree char *f = g_markup_escape_text(format, -1);
        g_string_append_printf(buf, "  <target>\n    <format type='%s'/>\n  </target>\n", f);
    }
    if (backing && !backing_xml(buf, pool, backing, cli_arg_str(args, "backing-vol-format")))
        return NULL;
    g_string_append(buf, "</volume>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

static bool
cmd_vol_create_as(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "name");
    vireo_storage_pool *pool = pool_arg(ctl, args);
    g_autofree char *xml = NULL;
    vireo_storage_vol *vol = NULL;
    bool ok = false;

    if (!pool)
        return false;
    if (!(xml = vol_xml_from_args(pool, args))) {
        /* error printed */
    } else if (cli_arg_bool(args, "print-xml")) {
        printf("%s", xml);
        ok = true;
    } else if (!(vol = vireo_storage_vol_create_xml(pool, xml, create_flags(args, false)))) {
        cli_error("Failed to create vol %s", name);
    } else {
        cli_print_extra(ctl, "Vol %s created\n", name);
        vireo_storage_vol_free(vol);
        ok = true;
    }
    vireo_storage_pool_free(pool);
    return ok;
}

static bool
cmd_vol_create_from(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    unsigned int flags = create_flags(args, true);
    vireo_storage_pool *pool = NULL;
    vireo_storage_vol *input = NULL, *vol = NULL;
    g_autofree char *xml = NULL;

    if (cli_arg_bool(args, "validate"))
        flags |= VIREO_STORAGE_VOL_CREATE_VALIDATE;
    if ((pool = pool_arg(ctl, args)) && (input = cli_vol_lookup(ctl, args, "vol", "inputpool")) &&
        (xml = cli_read_file(file))) {
        vol = vireo_storage_vol_create_xml_from(pool, xml, input, flags);
        if (vol)
            cli_print_extra(ctl, "Vol %s created from input vol %s\n",
                            vireo_storage_vol_get_name(vol), vireo_storage_vol_get_name(input));
        else
            cli_error("Failed to create vol from %s", file);
    }
    if (pool)
        vireo_storage_pool_free(pool);
    if (input)
        vireo_storage_vol_free(input);
    if (!vol)
        return false;
    vireo_storage_vol_free(vol);
    return true;
}

/* xml with its top-level <name> set to name, as virsh's clone does.
 * Caller frees; NULL when xml has no <name>. */
static char *
xml_with_name(const char *xml, const char *name)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "volume.xml", NULL, XML_PARSE_NONET);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlChar *out = NULL;
    char *result = NULL;
    int len = 0;

    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "name")) {
            xmlNodeSetContent(n, NULL);
            xmlAddChild(n, xmlNewText(BAD_CAST name));
            xmlDocDumpMemory(doc, &out, &len);
            break;
        }
    }
    if (out)
        result = g_strndup((const char *)out, len);
    xmlFree(out);
    xmlFreeDoc(doc);
    return result;
}

static bool
cmd_vol_clone(cli_ctl *ctl, const cli_args *args)
{
    const char *newname = cli_arg_str(args, "newname");
    vireo_storage_vol *orig = vol_arg(ctl, args), *vol = NULL;
    vireo_storage_pool *pool = NULL;
    g_autofree char *xml = NULL, *newxml = NULL;
    bool ok = false;

    if (!orig)
        return false;
    if (!(pool = vireo_storage_pool_lookup_by_volume(orig))) {
        cli_error("failed to get parent pool");
    } else if (!(xml = vireo_storage_vol_get_xml_desc(orig, 0))) {
        /* error printed by the runner */
    } else if (!(newxml = xml_with_name(xml, newname))) {
        cli_error("Failed to allocate XML buffer");
    } else if (cli_arg_bool(args, "print-xml")) {
        printf("%s", newxml);
        ok = true;
    } else if (!(vol = vireo_storage_vol_create_xml_from(pool, newxml, orig,
                                                         create_flags(args, true)))) {
        cli_error("Failed to clone vol from %s", vireo_storage_vol_get_name(orig));
    } else {
        cli_print_extra(ctl, "Vol %s cloned from %s\n", newname, vireo_storage_vol_get_name(orig));
        vireo_storage_vol_free(vol);
        ok = true;
    }
    if (pool)
        vireo_storage_pool_free(pool);
    vireo_storage_vol_free(orig);
    return ok;
}

/* ---- changing ---- */

static bool
cmd_vol_delete(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "vol");
    vireo_storage_vol *vol = vol_arg(ctl, args);
    unsigned int flags = 0;
    bool ok;

    if (!vol)
        return false;
    if (cli_arg_bool(args, "delete-snapshots"))
        flags |= VIREO_STORAGE_VOL_DELETE_WITH_SNAPSHOTS;
    ok = vireo_storage_vol_delete(vol, flags) == 0;
    if (ok)
        cli_print_extra(ctl, "Vol %s deleted\n", name);
    else
        cli_error("Failed to delete vol %s", name);
    vireo_storage_vol_free(vol);
    return ok;
}

static bool
cmd_vol_wipe(cli_ctl *ctl, const cli_args *args)
{
    /* virStorageVolWipeAlgorithm, in libvirt's order */
    static const char *const algs[] = { "zero", "nnsa", "dod", "bsi", "gutmann", "schneier",
                                        "pfitzner7", "pfitzner33", "random", "trim" };
    const char *name = cli_arg_str(args, "vol"), *alg_s = cli_arg_str(args, "algorithm");
    vireo_storage_vol *vol;
    unsigned int alg = 0;
    bool ok;

    if (alg_s) {
        while (alg < G_N_ELEMENTS(algs) && strcmp(algs[alg], alg_s) != 0)
            alg++;
        if (alg == G_N_ELEMENTS(algs)) {
            cli_error("Unsupported algorithm '%s'", alg_s);
            return false;
        }
    }
    if (!(vol = vol_arg(ctl, args)))
        return false;
    ok = (alg_s ? vireo_storage_vol_wipe_pattern(vol, alg, 0) : vireo_storage_vol_wipe(vol, 0)) == 0;
    if (ok)
        cli_print_extra(ctl, "Vol %s wiped\n", name);
    else
        cli_error("Failed to wipe vol %s", name);
    vireo_storage_vol_free(vol);
    return ok;
}

static bool
cmd_vol_resize(cli_ctl *ctl, const cli_args *args)
{
    const char *cap_s = cli_arg_str(args, "capacity");
    bool delta = cli_arg_bool(args, "delta");
    unsigned int flags = 0;
    unsigned long long cap;
    vireo_storage_vol *vol;
    bool ok;

    if (cli_arg_bool(args, "allocate"))
        flags |= VIREO_STORAGE_VOL_RESIZE_ALLOCATE;
    if (delta)
        flags |= VIREO_STORAGE_VOL_RESIZE_DELTA;
    if (cli_arg_bool(args, "shrink"))
        flags |= VIREO_STORAGE_VOL_RESIZE_SHRINK;
    while (*cap_s == ' ')
        cap_s++;
    /* the API takes no sign; virsh allows '-' for readability with --shrink */
    if (*cap_s == '-') {
        if (!(flags & VIREO_STORAGE_VOL_RESIZE_SHRINK)) {
            cli_error("negative size requires --shrink");
            return false;
        }
        cap_s++;
    }
    if (!cli_scaled_bytes(cap_s, &cap)) {
        cli_error("Malformed size %s", cap_s);
        return false;
    }
    if (!(vol = vol_arg(ctl, args)))
        return false;
    ok = vireo_storage_vol_resize(vol, cap, flags) == 0;
    if (ok)
        cli_print_extra(ctl, "Size of volume '%s' successfully changed %s %s\n",
                        vireo_storage_vol_get_name(vol), delta ? "by" : "to", cap_s);
    else
        cli_error("Failed to change size of volume '%s' %s %s", vireo_storage_vol_get_name(vol),
                  delta ? "by" : "to", cap_s);
    vireo_storage_vol_free(vol);
    return ok;
}

/* ---- reading ---- */

static void
print_vol_size(const char *label, unsigned long long v, bool bytes)
{
    const char *unit;
    double val;

    if (bytes) {
        printf("%-15s %llu %s\n", label, v, "bytes");
        return;
    }
    val = cli_pretty_capacity(v, &unit);
    printf("%-15s %2.2lf %s\n", label, val, unit);
}

static bool
cmd_vol_info(cli_ctl *ctl, const cli_args *args)
{
    bool bytes = cli_arg_bool(args, "bytes"), physical = cli_arg_bool(args, "physical");
    vireo_storage_vol *vol = vol_arg(ctl, args);
    vireo_storage_vol_info info;
    bool ok;

    if (!vol)
        return false;
    printf("%-15s %s\n", "Name:", vireo_storage_vol_get_name(vol));
    ok = vireo_storage_vol_get_info_flags(vol, &info,
                                          physical ? VIREO_STORAGE_VOL_GET_PHYSICAL : 0) == 0;
    if (ok) {
        printf("%-15s %s\n", "Type:", cli_vol_type_string(info.type));
        print_vol_size("Capacity:", info.capacity, bytes);
        print_vol_size(physical ? "Physical:" : "Allocation:", info.allocation, bytes);
    }
    vireo_storage_vol_free(vol);
    return ok;
}

static bool
cmd_vol_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_vol *vol = vol_arg(ctl, args);
    g_autofree char *xml = NULL;

    if (!vol)
        return false;
    xml = vireo_storage_vol_get_xml_desc(vol, 0);
    vireo_storage_vol_free(vol);
    if (!xml)
        return false;
    printf("%s", xml);
    return true;
}

static bool
cmd_vol_path(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_vol *vol = vol_arg(ctl, args);
    g_autofree char *path = NULL;

    if (!vol)
        return false;
    path = vireo_storage_vol_get_path(vol);
    vireo_storage_vol_free(vol);
    if (!path)
        return false;
    printf("%s\n", path);
    return true;
}

static bool
cmd_vol_name(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_vol *vol = cli_vol_lookup(ctl, args, "vol", NULL);

    if (!vol)
        return false;
    printf("%s\n", vireo_storage_vol_get_name(vol));
    vireo_storage_vol_free(vol);
    return true;
}

static bool
cmd_vol_key(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_vol *vol = vol_arg(ctl, args);

    if (!vol)
        return false;
    printf("%s\n", vireo_storage_vol_get_key(vol));
    vireo_storage_vol_free(vol);
    return true;
}

static bool
cmd_vol_pool(cli_ctl *ctl, const cli_args *args)
{
    vireo_storage_vol *vol = cli_vol_lookup(ctl, args, "vol", NULL);
    vireo_storage_pool *pool;
    char uuid[VIREO_UUID_STRING_BUFLEN];

    if (!vol)
        return false;
    pool = vireo_storage_pool_lookup_by_volume(vol);
    vireo_storage_vol_free(vol);
    if (!pool) {
        cli_error("failed to get parent pool");
        return false;
    }
    if (cli_arg_bool(args, "uuid")) {
        if (vireo_storage_pool_get_uuid_string(pool, uuid) == 0)
            printf("%s\n", uuid);
    } else {
        printf("%s\n", vireo_storage_pool_get_name(pool));
    }
    vireo_storage_pool_free(pool);
    return true;
}

static int
vol_sort(const void *a, const void *b)
{
    return strcasecmp(vireo_storage_vol_get_name(*(vireo_storage_vol *const *)a),
                      vireo_storage_vol_get_name(*(vireo_storage_vol *const *)b));
}

static void
vol_row(cli_table *t, vireo_storage_vol *vol, bool details)
{
    g_autofree char *path = vireo_storage_vol_get_path(vol);
    g_autofree char *cap = NULL, *alloc = NULL;
    vireo_storage_vol_info info;
    const char *unit;
    double val;

    if (!details) {
        cli_table_add(t, vireo_storage_vol_get_name(vol), path ? path : "unknown");
    } else if (vireo_storage_vol_get_info(vol, &info) < 0) {
        cli_table_add(t, vireo_storage_vol_get_name(vol), path ? path : "unknown", "unknown",
                      "unknown", "unknown");
    } else {
        val = cli_pretty_capacity(info.capacity, &unit);
        cap = g_strdup_printf("%.2lf %s", val, unit);
        val = cli_pretty_capacity(info.allocation, &unit);
        alloc = g_strdup_printf("%.2lf %s", val, unit);
        cli_table_add(t, vireo_storage_vol_get_name(vol), path ? path : "unknown",
                      cli_vol_type_string(info.type), cap, alloc);
    }
    vireo_error_reset();
}

static bool
cmd_vol_list(cli_ctl *ctl, const cli_args *args)
{
    bool details = cli_arg_bool(args, "details");
    vireo_storage_pool *pool = pool_arg(ctl, args);
    vireo_storage_vol **vols = NULL;
    int n;

    if (!pool)
        return false;
    n = vireo_storage_pool_list_all_volumes(pool, &vols, 0);
    vireo_storage_pool_free(pool);
    if (n < 0) {
        cli_error("Failed to list volumes");
        return false;
    }
    qsort(vols, n, sizeof(*vols), vol_sort);
    {
        g_autoptr(cli_table) t = details ? cli_table_new(5, "Name", "Path", "Type", "Capacity",
                                                         "Allocation")
                                         : cli_table_new(2, "Name", "Path");

        for (int i = 0; i < n; i++)
            vol_row(t, vols[i], details);
        cli_table_print(t, !ctl->quiet);
    }
    vireo_storage_vol_list_free(vols);
    return true;
}

/* ---- the table ---- */

#define VOL_OPT(help) { "vol", CLI_OPT_DATA, 0, help }
#define POOL_OPT { "pool", CLI_OPT_STRING, 0, "pool name or uuid" }
#define PREALLOC_OPT \
    { "prealloc-metadata", CLI_OPT_BOOL, 0, \
      "preallocate metadata (for qcow2 instead of full allocation)" }
#define VALIDATE_OPT { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" }
#define REFLINK_OPT { "reflink", CLI_OPT_BOOL, 0, "use btrfs COW lightweight copy" }

static const cli_opt opts_vol_create[] = {
    { "pool", CLI_OPT_DATA, 0, "pool name" },
    { "file", CLI_OPT_DATA, 0, "file containing an XML vol description" },
    PREALLOC_OPT, VALIDATE_OPT, END,
};
static const cli_opt opts_vol_create_as[] = {
    { "pool", CLI_OPT_DATA, 0, "pool name" },
    { "name", CLI_OPT_DATA, 0, "name of the volume" },
    { "capacity", CLI_OPT_DATA, 0, "size of the vol, as scaled integer (default bytes)" },
    { "allocation", CLI_OPT_STRING, 0, "initial allocation size, as scaled integer (default bytes)" },
    { "format", CLI_OPT_STRING, 0, "file format type raw,bochs,qcow,qcow2,qed,vmdk" },
    { "backing-vol", CLI_OPT_STRING, 0, "the backing volume if taking a snapshot" },
    { "backing-vol-format", CLI_OPT_STRING, 0, "format of backing volume if taking a snapshot" },
    PREALLOC_OPT,
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document, but don't define/create" },
    END,
};
static const cli_opt opts_vol_create_from[] = {
    { "pool", CLI_OPT_DATA, 0, "pool name or uuid" },
    { "file", CLI_OPT_DATA, 0, "file containing an XML vol description" },
    VOL_OPT("vol name, key or path"),
    { "inputpool", CLI_OPT_STRING, 0, "pool name or uuid of the input volume's pool" },
    PREALLOC_OPT, REFLINK_OPT, VALIDATE_OPT, END,
};
static const cli_opt opts_vol_clone[] = {
    VOL_OPT("vol name, key or path"),
    { "newname", CLI_OPT_DATA, 0, "clone name" },
    POOL_OPT, PREALLOC_OPT, REFLINK_OPT,
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than clone the volume" },
    END,
};
static const cli_opt opts_vol_delete[] = {
    VOL_OPT("vol name, key or path"), POOL_OPT,
    { "delete-snapshots", CLI_OPT_BOOL, 0,
      "delete snapshots associated with volume (must be supported by storage driver)" },
    END,
};
static const cli_opt opts_vol_wipe[] = {
    VOL_OPT("vol name, key or path"), POOL_OPT,
    { "algorithm", CLI_OPT_STRING, 0, "perform selected wiping algorithm" },
    END,
};
static const cli_opt opts_vol_resize[] = {
    VOL_OPT("vol name, key or path"),
    { "capacity", CLI_OPT_DATA, 0, "new capacity for the vol, as scaled integer (default bytes)" },
    POOL_OPT,
    { "allocate", CLI_OPT_BOOL, 0, "allocate the new capacity, rather than leaving it sparse" },
    { "delta", CLI_OPT_BOOL, 0, "use capacity as a delta to current size, rather than the new size" },
    { "shrink", CLI_OPT_BOOL, 0, "allow the resize to shrink the volume" },
    END,
};
static const cli_opt opts_vol_info[] = {
    VOL_OPT("vol name, key or path"), POOL_OPT,
    { "bytes", CLI_OPT_BOOL, 0, "sizes are represented in bytes rather than pretty units" },
    { "physical", CLI_OPT_BOOL, 0, "return the physical size of the volume in allocation field" },
    END,
};
static const cli_opt opts_vol_any[] = { VOL_OPT("vol name, key or path"), POOL_OPT, END };
static const cli_opt opts_vol_path[] = { VOL_OPT("volume name or key"), POOL_OPT, END };
static const cli_opt opts_vol_name[] = { VOL_OPT("volume key or path"), END };
static const cli_opt opts_vol_key[] = { VOL_OPT("volume name or path"), POOL_OPT, END };
static const cli_opt opts_vol_pool[] = {
    VOL_OPT("volume key or path"),
    { "uuid", CLI_OPT_BOOL, 0, "return the pool uuid rather than pool name" },
    END,
};
static const cli_opt opts_vol_list[] = {
    { "pool", CLI_OPT_DATA, 0, "pool name or uuid" },
    { "details", CLI_OPT_BOOL, 0, "display extended details for volumes" },
    END,
};
#define STREAM_OPTS(verb, dir)                                                         \
    VOL_OPT("vol name, key or path"),                                                  \
    { "file", CLI_OPT_DATA, 0, "file" },                                               \
    POOL_OPT,                                                                          \
    { "offset", CLI_OPT_INT, 0, "volume offset to " verb " " dir },                    \
    { "length", CLI_OPT_INT, 0, "amount of data to " verb },                           \
    { "sparse", CLI_OPT_BOOL, 0, "preserve sparseness of volume" },                    \
    END
static const cli_opt opts_vol_upload[] = { STREAM_OPTS("upload", "to") };
static const cli_opt opts_vol_download[] = { STREAM_OPTS("download", "from") };

#define VOL CLI_GROUP_VOL

const cli_cmd cli_cmds_vol[] = {
    { "vol-clone", cmd_vol_clone, opts_vol_clone, "clone a volume.",
      "Clone an existing volume within the parent pool.", true, VOL },
    { "vol-create-as", cmd_vol_create_as, opts_vol_create_as, "create a volume from a set of args",
      "Create a vol.", true, VOL },
    { "vol-create", cmd_vol_create, opts_vol_create, "create a vol from an XML file",
      "Create a vol.", true, VOL },
    { "vol-create-from", cmd_vol_create_from, opts_vol_create_from,
      "create a vol, using another volume as input", "Create a vol from an existing volume.",
      true, VOL },
    { "vol-delete", cmd_vol_delete, opts_vol_delete, "delete a vol", "Delete a given vol.", true,
      VOL },
    { "vol-download", cmd_vol_download, opts_vol_download, "download volume contents to a file",
      "Download volume contents to a file", true, VOL },
    { "vol-dumpxml", cmd_vol_dumpxml, opts_vol_any, "vol information in XML",
      "Output the vol information as an XML dump to stdout.", true, VOL },
    { "vol-info", cmd_vol_info, opts_vol_info, "storage vol information",
      "Returns basic information about the storage vol.", true, VOL },
    { "vol-key", cmd_vol_key, opts_vol_key, "returns the volume key for a given volume name or path",
      NULL, true, VOL },
    { "vol-list", cmd_vol_list, opts_vol_list, "list vols", "Returns list of vols by pool.", true,
      VOL },
    { "vol-name", cmd_vol_name, opts_vol_name, "returns the volume name for a given volume key or path",
      NULL, true, VOL },
    { "vol-path", cmd_vol_path, opts_vol_path, "returns the volume path for a given volume name or key",
      NULL, true, VOL },
    { "vol-pool", cmd_vol_pool, opts_vol_pool, "returns the storage pool for a given volume key or path",
      NULL, true, VOL },
    { "vol-resize", cmd_vol_resize, opts_vol_resize, "resize a vol",
      "Resizes a storage volume. This is safe only for storage volumes not in use by an active guest.\n"
      "See blockresize for live resizing.", true, VOL },
    { "vol-upload", cmd_vol_upload, opts_vol_upload, "upload file contents to a volume",
      "Upload file contents to a volume", true, VOL },
    { "vol-wipe", cmd_vol_wipe, opts_vol_wipe, "wipe a vol",
      "Ensure data previously on a volume is not accessible to future reads", true, VOL },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
