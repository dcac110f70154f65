/*
 * domain_tune.c: the simple forms of <cputune>, <memtune>, <blkiotune>,
 * <memoryBacking>, <numatune>, and <sysinfo type='smbios'>, both ways.
 */
#include <string.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/error.h"

static int parse_cputune(xml_doc *d, xmlNode *node, domain_tune *t)
{
    xmlNode *c;
    int rc;

    if ((c = xml_child(d, node, "shares"))) {
        if ((rc = xml_text_u64(d, c, &t->shares)) < 0)
            return -1;
        t->has_shares = rc == 1;
    }
    if ((c = xml_child(d, node, "period"))) {
        if ((rc = xml_text_u64(d, c, &t->period)) < 0)
            return -1;
        t->has_period = rc == 1;
    }
    if ((c = xml_child(d, node, "quota"))) {
        g_autofree char *v = xml_text(d, c);
        char *end = NULL;

        if (v) {
            g_strstrip(v);
            t->quota = g_ascii_strtoll(v, &end, 10);
            if (!*v || *end) {
                xml_report_invalid(d, c, NULL, v);
                return -1;
            }
            t->has_quota = true;
        }
    }
    return 0;
}

static int parse_memtune(xml_doc *d, xmlNode *node, domain_tune *t)
{
    xmlNode *c;

    if ((c = xml_child(d, node, "hard_limit")) &&
        domain_parse_size(d, c, NULL, &t->hard_limit_kib) < 0)
        return -1;
    if ((c = xml_child(d, node, "soft_limit")) &&
        domain_parse_size(d, c, NULL, &t->soft_limit_kib) < 0)
        return -1;
    if ((c = xml_child(d, node, "swap_hard_limit")) &&
        domain_parse_size(d, c, NULL, &t->swap_hard_limit_kib) < 0)
        return -1;
    return 0;
}

static void blkio_device_free(gpointer p)
{
    domain_blkio_device *dev = p;

    g_free(dev->path);
    g_free(dev);
}

/* The unsigned number in parent's child name (at most max) into *out;
 * 0 absent or done, -1 with an error naming the value. */
static int parse_child_number(xml_doc *d, xmlNode *parent, const char *name, uint64_t max,
                              uint64_t *out)
{
    xmlNode *c = xml_child(d, parent, name);
    uint64_t v = 0;
    int rc;

    if (!c)
        return 0;
    if ((rc = xml_text_u64(d, c, &v)) < 0)
        return -1;
    if (v > max) {
        g_autofree char *text = g_strdup_printf("%" G_GUINT64_FORMAT, v);

        xml_report_invalid(d, c, NULL, text);
        return -1;
    }
    if (rc == 1)
        *out = v;
    return 0;
}

static int parse_blkio_device(xml_doc *d, xmlNode *node, domain_tune *t)
{
    domain_blkio_device *dev = g_new0(domain_blkio_device, 1);
    uint64_t weight = 0, riops = 0, wiops = 0;

    g_ptr_array_add(t->blkio_devices, dev);
    dev->path = xml_child_text(d, node, "path");
    if (!dev->path) {
        xml_report_missing(d, node, "element 'path'");
        return -1;
    }
    for (guint i = 0; i + 1 < t->blkio_devices->len; i++)
        if (strcmp(((domain_blkio_device *)t->blkio_devices->pdata[i])->path, dev->path) == 0) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "duplicate blkio device path '%s'", dev->path);
            return -1;
        }
    if (parse_child_number(d, node, "weight", G_MAXUINT, &weight) < 0 ||
        parse_child_number(d, node, "read_iops_sec", G_MAXUINT, &riops) < 0 ||
        parse_child_number(d, node, "write_iops_sec", G_MAXUINT, &wiops) < 0 ||
        parse_child_number(d, node, "read_bytes_sec", G_MAXUINT64, &dev->read_bytes) < 0 ||
        parse_child_number(d, node, "write_bytes_sec", G_MAXUINT64, &dev->write_bytes) < 0)
        return -1;
    dev->weight = (unsigned int)weight;
    dev->read_iops = (unsigned int)riops;
    dev->write_iops = (unsigned int)wiops;
    return 0;
}

static int parse_blkiotune(xml_doc *d, xmlNode *node, domain_tune *t)
{
    g_autoptr(GPtrArray) devs = xml_children(d, node, "device");
    uint64_t weight = 0;

    if (parse_child_number(d, node, "weight", G_MAXUINT, &weight) < 0)
        return -1;
    t->blkio_weight = (unsigned int)weight;
    if (!devs->len)
        return 0;
    t->blkio_devices = g_ptr_array_new_with_free_func(blkio_device_free);
    for (guint i = 0; i < devs->len; i++)
        if (parse_blkio_device(d, devs->pdata[i], t) < 0)
            return -1;
    return 0;
}

static int parse_hugepages(xml_doc *d, xmlNode *node, domain_tune *t)
{
    g_autoptr(GPtrArray) pages = xml_children(d, node, "page");

    t->hugepages = true;
    if (!pages->len)
        return 0;
    t->hugepage_sizes = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < pages->len; i++) {
        uint64_t *kib = g_new0(uint64_t, 1);

        g_ptr_array_add(t->hugepage_sizes, kib);
        if (domain_parse_size(d, pages->pdata[i], "size", kib) <= 0) {
            if (*kib == 0)
                xml_report_missing(d, pages->pdata[i], "attribute 'size'");
            return -1;
        }
    }
    return 0;
}

static int parse_memory_backing(xml_doc *d, xmlNode *node, domain_tune *t)
{
    static const char *const sources[] = { "file", "anonymous", "memfd", NULL };
    static const char *const access[] = { "shared", "private", NULL };
    xmlNode *c;
    int rc = 0;

    if ((c = xml_child(d, node, "hugepages")) && parse_hugepages(d, c, t) < 0)
        return -1;
    t->nosharepages = xml_child(d, node, "nosharepages") != NULL;
    t->locked = xml_child(d, node, "locked") != NULL;
    if ((c = xml_child(d, node, "source")))
        t->source_type = domain_attr_enum(d, c, "type", sources, &rc);
    if ((c = xml_child(d, node, "access")))
        t->access_mode = domain_attr_enum(d, c, "mode", access, &rc);
    return rc;
}

static int parse_numatune(xml_doc *d, xmlNode *node, domain_tune *t)
{
    static const char *const modes[] = { "strict", "preferred", "interleave", "restrictive", NULL };
    static const char *const placements[] = { "static", "auto", NULL };
    xmlNode *mem = xml_child(d, node, "memory");
    int rc = 0;

    if (!mem)
        return 0;
    t->numa_mode = domain_attr_enum(d, mem, "mode", modes, &rc);
    t->numa_placement = domain_attr_enum(d, mem, "placement", placements, &rc);
    if (rc < 0 || domain_attr_cpuset(d, mem, "nodeset", &t->numa_nodeset) < 0)
        return -1;
    if (!t->numa_mode)
        t->numa_mode = g_strdup("strict");
    if (!t->numa_placement)
        t->numa_placement = g_strdup(t->numa_nodeset ? "static" : "auto");
    return 0;
}

int domain_tune_parse(xml_doc *d, xmlNode *root, domain_tune *t)
{
    xmlNode *n;

    if ((n = xml_child(d, root, "cputune")) && parse_cputune(d, n, t) < 0)
        return -1;
    if ((n = xml_child(d, root, "memtune")) && parse_memtune(d, n, t) < 0)
        return -1;
    if ((n = xml_child(d, root, "blkiotune")) && parse_blkiotune(d, n, t) < 0)
        return -1;
    if ((n = xml_child(d, root, "memoryBacking")) && parse_memory_backing(d, n, t) < 0)
        return -1;
    if ((n = xml_child(d, root, "numatune")) && parse_numatune(d, n, t) < 0)
        return -1;
    return 0;
}

void domain_cputune_format(xml_buf *b, const domain_tune *t)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    if (t->has_shares)
        xbuf_add(&kids, "<shares>%" G_GUINT64_FORMAT "</shares>\n", t->shares);
    if (t->has_period)
        xbuf_add(&kids, "<period>%" G_GUINT64_FORMAT "</period>\n", t->period);
    if (t->has_quota)
        xbuf_add(&kids, "<quota>%" G_GINT64_FORMAT "</quota>\n", t->quota);
    xbuf_element(b, "cputune", NULL, &kids);
    xbuf_clear(&kids);
}

/* libvirt leaves out a device with nothing set */
void domain_blkiotune_format(xml_buf *b, const domain_tune *t)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    if (t->blkio_weight)
        xbuf_add(&kids, "<weight>%u</weight>\n", t->blkio_weight);
    for (guint i = 0; t->blkio_devices && i < t->blkio_devices->len; i++) {
        const domain_blkio_device *dev = t->blkio_devices->pdata[i];

        if (!dev->weight && !dev->read_iops && !dev->write_iops && !dev->read_bytes &&
            !dev->write_bytes)
            continue;
        xbuf_add(&kids, "<device>\n");
        xbuf_escape(&kids, "  <path>%s</path>\n", dev->path);
        if (dev->weight)
            xbuf_add(&kids, "  <weight>%u</weight>\n", dev->weight);
        if (dev->read_iops)
            xbuf_add(&kids, "  <read_iops_sec>%u</read_iops_sec>\n", dev->read_iops);
        if (dev->write_iops)
            xbuf_add(&kids, "  <write_iops_sec>%u</write_iops_sec>\n", dev->write_iops);
        if (dev->read_bytes)
            xbuf_add(&kids, "  <read_bytes_sec>%" G_GUINT64_FORMAT "</read_bytes_sec>\n",
                     dev->read_bytes);
        if (dev->write_bytes)
            xbuf_add(&kids, "  <write_bytes_sec>%" G_GUINT64_FORMAT "</write_bytes_sec>\n",
                     dev->write_bytes);
        xbuf_add(&kids, "</device>\n");
    }
    xbuf_element(b, "blkiotune", NULL, &kids);
    xbuf_clear(&kids);
}

/* <memtune> and <memoryBacking>, which libvirt writes one after the other */
void domain_memtune_format(xml_buf *b, const domain_tune *t)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    if (t->hard_limit_kib)
        xbuf_add(&kids, "<hard_limit unit='KiB'>%" G_GUINT64_FORMAT "</hard_limit>\n",
                 t->hard_limit_kib);
    if (t->soft_limit_kib)
        xbuf_add(&kids, "<soft_limit unit='KiB'>%" G_GUINT64_FORMAT "</soft_limit>\n",
                 t->soft_limit_kib);
    if (t->swap_hard_limit_kib)
        xbuf_add(&kids, "<swap_hard_limit unit='KiB'>%" G_GUINT64_FORMAT "</swap_hard_limit>\n",
                 t->swap_hard_limit_kib);
    xbuf_element(b, "memtune", NULL, &kids);

    if (t->hugepages && !t->hugepage_sizes) {
        xbuf_add(&kids, "<hugepages/>\n");
    } else if (t->hugepages) {
        xbuf_add(&kids, "<hugepages>\n");
        for (guint i = 0; i < t->hugepage_sizes->len; i++)
            xbuf_add(&kids, "  <page size='%" G_GUINT64_FORMAT "' unit='KiB'/>\n",
                     *(uint64_t *)t->hugepage_sizes->pdata[i]);
        xbuf_add(&kids, "</hugepages>\n");
    }
    if (t->nosharepages)
        xbuf_add(&kids, "<nosharepages/>\n");
    if (t->locked)
        xbuf_add(&kids, "<locked/>\n");
    xbuf_escape(&kids, "<source type='%s'/>\n", t->source_type);
    xbuf_escape(&kids, "<access mode='%s'/>\n", t->access_mode);
    xbuf_element(b, "memoryBacking", NULL, &kids);
    xbuf_clear(&kids);
}

void domain_numatune_format(xml_buf *b, const domain_tune *t)
{
    if (!t->numa_mode)
        return;
    xbuf_add(b, "<numatune>\n");
    xbuf_escape(b, "  <memory mode='%s'", t->numa_mode);
    if (t->numa_nodeset)
        xbuf_escape(b, " nodeset='%s'/>\n", t->numa_nodeset);
    else
        xbuf_escape(b, " placement='%s'/>\n", t->numa_placement);
    xbuf_add(b, "</numatune>\n");
}

/* Each SMBIOS block, with its entries in libvirt's order. */
static const char *const sysinfo_blocks[] = { "bios", "system", "baseBoard", "chassis", NULL };
static const char *const sysinfo_bios[] = { "vendor", "version", "date", "release", NULL };
static const char *const sysinfo_system[] = { "manufacturer", "product", "version", "serial",
                                              "uuid", "sku", "family", NULL };
static const char *const sysinfo_board[] = { "manufacturer", "product", "version", "serial",
                                             "asset", "location", NULL };
static const char *const sysinfo_chassis[] = { "manufacturer", "version", "serial", "asset",
                                               "sku", NULL };
static const char *const *const sysinfo_entries[] = { sysinfo_bios, sysinfo_system,
                                                      sysinfo_board, sysinfo_chassis };

static int sort_entries(gconstpointer a, gconstpointer b, gpointer table)
{
    const domain_sysinfo_entry *ea = *(domain_sysinfo_entry *const *)a;
    const domain_sysinfo_entry *eb = *(domain_sysinfo_entry *const *)b;

    return str_enum_index(table, ea->name) - str_enum_index(table, eb->name);
}

static int parse_sysinfo_block(xml_doc *d, xmlNode *node, int kind, domain_sysinfo_block *blk)
{
    g_autoptr(GPtrArray) entries = xml_children(d, node, "entry");
    const char *const *names = kind >= 0 ? sysinfo_entries[kind] : NULL;
    int rc = 0;

    blk->entries = g_ptr_array_new_with_free_func(domain_sysinfo_entry_free);
    for (guint i = 0; i < entries->len; i++) {
        domain_sysinfo_entry *e = g_new0(domain_sysinfo_entry, 1);

        g_ptr_array_add(blk->entries, e);
        if (names) {
            e->name = domain_attr_enum(d, entries->pdata[i], "name", names, &rc);
            if (rc == 0 && !e->name) {
                xml_report_missing(d, entries->pdata[i], "attribute 'name'");
                return -1;
            }
        }
        e->value = xml_text(d, entries->pdata[i]);
        if (rc < 0)
            return -1;
        if (!e->value)
            e->value = g_strdup("");
    }
    if (names)
        g_ptr_array_sort_with_data(blk->entries, sort_entries, (gpointer)names);
    return 0;
}

int domain_sysinfo_parse(xml_doc *d, xmlNode *root, GPtrArray **out)
{
    static const char *const types[] = { "smbios", NULL };
    xmlNode *node = xml_child(d, root, "sysinfo");
    int type = -1;

    if (!node)
        return 0;
    if (xml_attr_enum(d, node, "type", types, &type) < 0)
        return -1;
    if (type < 0) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    *out = g_ptr_array_new_with_free_func(domain_sysinfo_block_free);
    /* in libvirt's block order, whatever the input's */
    for (int k = 0; k <= 4; k++) {
        const char *name = k < 4 ? sysinfo_blocks[k] : "oemStrings";
        g_autoptr(GPtrArray) nodes = xml_children(d, node, name);

        for (guint i = 0; i < nodes->len; i++) {
            domain_sysinfo_block *blk = g_new0(domain_sysinfo_block, 1);

            blk->name = g_strdup(name);
            g_ptr_array_add(*out, blk);
            if (parse_sysinfo_block(d, nodes->pdata[i], k < 4 ? k : -1, blk) < 0)
                return -1;
        }
    }
    return 0;
}

void domain_sysinfo_format(xml_buf *b, const GPtrArray *sysinfo)
{
    if (!sysinfo)
        return;
    if (!sysinfo->len) {
        xbuf_add(b, "<sysinfo type='smbios'/>\n");
        return;
    }
    xbuf_add(b, "<sysinfo type='smbios'>\n");
    for (guint i = 0; i < sysinfo->len; i++) {
        const domain_sysinfo_block *blk = sysinfo->pdata[i];

        if (!blk->entries->len) {
            xbuf_add(b, "  <%s/>\n", blk->name);
            continue;
        }
        xbuf_add(b, "  <%s>\n", blk->name);
        for (guint j = 0; j < blk->entries->len; j++) {
            const domain_sysinfo_entry *e = blk->entries->pdata[j];

            if (e->name)
                xbuf_escape(b, "    <entry name='%s'>", e->name);
            else
                xbuf_add(b, "    <entry>");
            xbuf_escape(b, "%s</entry>\n", e->value);
        }
        xbuf_add(b, "  </%s>\n", blk->name);
    }
    xbuf_add(b, "</sysinfo>\n");
}
