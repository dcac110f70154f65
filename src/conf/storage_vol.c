/*
 * storage_vol.c: libvirt storage volume XML <-> storage_vol_def.
 *
 * Read through util/xml.h like the domain parser: anything no reader
 * touched is refused by xml_doc_check_unused() with its name and line.
 * Elements libvirt only writes (<timestamps>) are accepted and dropped.
 */
#include <string.h>

#include "conf/storage_priv.h"
#include "conf/storage_vol.h"
#include "util/error.h"
#include "util/uuid.h"

const char *const storage_vol_format_names[] = {
    /* files */
    "unknown", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "luks", "cow", "qcow", "qcow2", "qed", "vmdk",
    "vhdx",     /* qemu-img writes it; libvirt's schema lacks it (storage_file_vol.c) */
    /* file systems (fs pools' devices) */
    "none", "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat",
    "hfs+", "xfs", "ocfs2", "vmfs",
    /* partitions (disk pools) */
    "linux", "fat16", "fat32", "linux-swap", "linux-lvm", "linux-raid", "extended",
    NULL,
};

/* in libvirt's virStorageVolType order */
static const char *const vol_types[] = { "file", "block", "dir", "network", "netdir", NULL };

int storage_vol_type_number(const char *type)
{
    for (int i = 0; type && vol_types[i]; i++)
        if (strcmp(type, vol_types[i]) == 0)
            return i;
    return 0;
}

static void device_free(gpointer p)
{
    storage_vol_device *dev = p;

    g_free(dev->path);
    if (dev->extents)
        g_array_unref(dev->extents);
    g_free(dev);
}

void storage_vol_free(storage_vol_def *def)
{
    if (!def)
        return;
    g_free(def->type);
    g_free(def->name);
    g_free(def->key);
    if (def->source)
        g_ptr_array_unref(def->source);
    g_free(def->path);
    g_free(def->format);
    storage_perms_clear(&def->perms);
    g_free(def->encryption);
    g_free(def->encryption_engine);
    g_free(def->secret_uuid);
    g_free(def->secret_usage);
    g_free(def->compat);
    g_free(def->backing_path);
    g_free(def->backing_format);
    storage_perms_clear(&def->backing_perms);
    g_free(def);
}

/* ---- parsing ---- */

static int parse_extents(xml_doc *d, xmlNode *dev_node, storage_vol_device *dev)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, dev_node, "extent");

    dev->extents = g_array_new(FALSE, TRUE, sizeof(storage_vol_extent));
    for (guint i = 0; i < nodes->len; i++) {
        storage_vol_extent e = { 0, 0 };
        xmlNode *n = nodes->pdata[i];
        int rs = xml_attr_u64(d, n, "start", &e.start);
        int re = rs < 0 ? -1 : xml_attr_u64(d, n, "end", &e.end);

        if (rs < 0 || re < 0)
            return -1;
        if (rs == 0 || re == 0) {
            xml_report_missing(d, n, rs == 0 ? "attribute 'start'" : "attribute 'end'");
            return -1;
        }
        g_array_append_val(dev->extents, e);
    }
    return 0;
}

static int parse_source(xml_doc *d, xmlNode *root, storage_vol_def *def)
{
    xmlNode *src = xml_child(d, root, "source");
    g_autoptr(GPtrArray) nodes = src ? xml_children(d, src, "device") : NULL;
    int rc = 0;

    def->source = g_ptr_array_new_with_free_func(device_free);
    for (guint i = 0; nodes && i < nodes->len; i++) {
        storage_vol_device *dev = g_new0(storage_vol_device, 1);

        g_ptr_array_add(def->source, dev);
        dev->path = storage_attr_required(d, nodes->pdata[i], "path", &rc);
        if (rc < 0 || parse_extents(d, nodes->pdata[i], dev) < 0)
            return -1;
    }
    return 0;
}

static int parse_format(xml_doc *d, xmlNode *parent, char **out)
{
    xmlNode *node = xml_child(d, parent, "format");
    g_autofree char *type = node ? xml_attr(d, node, "type") : NULL;

    if (!node)
        return 0;
    if (!type) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    if (str_enum_index(storage_vol_format_names, type) < 0) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown volume format type %s (<format> at line %ld)", type,
                     xmlGetLineNo(node));
        return -1;
    }
    *out = g_steal_pointer(&type);
    return 0;
}

/* <timestamps> is what libvirt reports of a file: output, not input */
static void skip_timestamps(xml_doc *d, xmlNode *parent)
{
    xmlNode *node = xml_child(d, parent, "timestamps");

    if (node)
        xml_mark_subtree(d, node);
}

static int parse_secret(xml_doc *d, xmlNode *enc, storage_vol_def *def)
{
    static const char *const types[] = { "passphrase", NULL };
    xmlNode *node = xml_child(d, enc, "secret");
    g_autofree char *type = NULL;
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char buf[VIREO_UUID_STRING_BUFLEN];
    int rc = 0;

    if (!node)
        return 0;
    type = storage_attr_enum(d, node, "type", types, &rc);
    if (rc < 0)
        return -1;
    if (!type) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    def->secret_uuid = xml_attr(d, node, "uuid");
    def->secret_usage = xml_attr(d, node, "usage");
    if (!def->secret_uuid == !def->secret_usage) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "<secret> of <encryption> needs one of 'uuid' or 'usage' (line %ld)",
                     xmlGetLineNo(node));
        return -1;
    }
    if (def->secret_uuid) {
        if (uuid_parse(def->secret_uuid, uuid) < 0) {
            xml_report_invalid(d, node, "uuid", def->secret_uuid);
            return -1;
        }
        uuid_format(uuid, buf);
        g_free(def->secret_uuid);
        def->secret_uuid = g_strdup(buf);
    }
    return 0;
}

static int parse_encryption(xml_doc *d, xmlNode *target, storage_vol_def *def)
{
    static const char *const formats[] = { "default", "qcow", "luks", "luks2", NULL };
    static const char *const engines[] = { "qemu", "librbd", NULL };
    xmlNode *enc = xml_child(d, target, "encryption");
    int rc = 0;

    if (!enc)
        return 0;
    def->encryption = storage_attr_enum(d, enc, "format", formats, &rc);
    def->encryption_engine = storage_attr_enum(d, enc, "engine", engines, &rc);
    if (rc < 0)
        return -1;
    if (!def->encryption) {
        xml_report_missing(d, enc, "attribute 'format'");
        return -1;
    }
    return parse_secret(d, enc, def);
}

static int parse_compat(xml_doc *d, xmlNode *target, storage_vol_def *def)
{
    xmlNode *node = xml_child(d, target, "compat");
    g_auto(GStrv) parts = NULL;

    if (!node)
        return 0;
    def->compat = xml_text(d, node);
    if (def->compat)
        g_strstrip(def->compat);
    parts = def->compat ? g_strsplit(def->compat, ".", -1) : NULL;
    if (!parts || g_strv_length(parts) != 2 || !*parts[0] || !*parts[1] ||
        strspn(parts[0], "0123456789") != strlen(parts[0]) ||
        strspn(parts[1], "0123456789") != strlen(parts[1])) {
        xml_report_invalid(d, node, NULL, def->compat ? def->compat : "");
        return -1;
    }
    return 0;
}

static int parse_features(xml_doc *d, xmlNode *target, storage_vol_def *def)
{
    xmlNode *node = xml_child(d, target, "features");

    if (!node)
        return 0;
    def->lazy_refcounts = xml_child(d, node, "lazy_refcounts") != NULL;
    def->extended_l2 = xml_child(d, node, "extended_l2") != NULL;
    return 0;
}

static int parse_target(xml_doc *d, xmlNode *root, storage_vol_def *def)
{
    xmlNode *target = xml_child(d, root, "target");
    xmlNode *node;
    int rc = 0;

    def->perms.mode = -1;
    def->perms.owner = def->perms.group = -1;
    if (!target)
        return 0;
    /* a network volume's path names it on the wire (iscsi-direct's
     * ip-HOST:PORT-iscsi-IQN-lun-N): storagevol.rng takes any URI there */
    if (def->type && strcmp(def->type, "network") == 0)
        def->path = xml_child_text(d, target, "path");
    else
        def->path = storage_child_path(d, target, "path", &rc);
    if (rc < 0 || parse_format(d, target, &def->format) < 0 ||
        storage_perms_parse(d, target, &def->perms) < 0 || parse_encryption(d, target, def) < 0 ||
        parse_compat(d, target, def) < 0 || parse_features(d, target, def) < 0)
        return -1;
    skip_timestamps(d, target);
    def->nocow = xml_child(d, target, "nocow") != NULL;
    node = xml_child(d, target, "clusterSize");
    if (storage_parse_size(d, node, &def->cluster_size) < 0)
        return -1;
    if (node && def->cluster_size == 0) {
        xml_report_invalid(d, node, NULL, "0");
        return -1;
    }
    return 0;
}

static int parse_backing(xml_doc *d, xmlNode *root, storage_vol_def *def)
{
    xmlNode *node = xml_child(d, root, "backingStore");
    int rc = 0;

    def->backing_perms.mode = -1;
    def->backing_perms.owner = def->backing_perms.group = -1;
    if (!node)
        return 0;
    def->backing_path = storage_child_path(d, node, "path", &rc);
    if (rc < 0)
        return -1;
    if (!def->backing_path) {
        xml_report_missing(d, node, "element <path>");
        return -1;
    }
    skip_timestamps(d, node);
    if (parse_format(d, node, &def->backing_format) < 0 ||
        storage_perms_parse(d, node, &def->backing_perms) < 0)
        return -1;
    return 0;
}

static int parse_sizes(xml_doc *d, xmlNode *root, unsigned int flags, storage_vol_def *def)
{
    int rc = storage_parse_size(d, xml_child(d, root, "capacity"), &def->capacity);
    int ra;

    if (rc < 0)
        return -1;
    if (rc == 0 && !(flags & STORAGE_VOL_PARSE_NO_CAPACITY)) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "missing capacity element of volume '%s'", def->name);
        return -1;
    }
    def->has_capacity = rc == 1;
    ra = storage_parse_size(d, xml_child(d, root, "allocation"), &def->allocation);
    if (ra < 0 || storage_parse_size(d, xml_child(d, root, "physical"), &def->physical) < 0)
        return -1;
    if (ra == 0)
        def->allocation = def->capacity;
    return 0;
}

static int parse_body(xml_doc *d, xmlNode *root, unsigned int flags, storage_vol_def *def)
{
    int rc = 0;

    def->type = storage_attr_enum(d, root, "type", vol_types, &rc);
    if (rc < 0)
        return -1;
    def->name = xml_child_text(d, root, "name");
    if (!def->name) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "missing volume name element");
        return -1;
    }
    if (strchr(def->name, '/')) {
        error_report(d->err_domain, VIREO_ERR_INVALID_ARG,
                     "volume name '%s' cannot contain '/'", def->name);
        return -1;
    }
    def->key = xml_child_text(d, root, "key");
    if (parse_sizes(d, root, flags, def) < 0 || parse_source(d, root, def) < 0 ||
        parse_target(d, root, def) < 0)
        return -1;
    return parse_backing(d, root, def);
}

storage_vol_def *storage_vol_parse(const char *xml, unsigned int flags)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "storage_volume_definition", VIREO_FROM_STORAGE);
    g_autoptr(storage_vol_def) def = NULL;
    xmlNode *root;

    if (!d || !(root = xml_doc_root(d, "volume")))
        return NULL;
    def = g_new0(storage_vol_def, 1);
    if (parse_body(d, root, flags, def) < 0 || xml_doc_check_unused(d) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- formatting ---- */

static void format_source(xml_buf *b, const storage_vol_def *def)
{
    if (!def->source->len)
        return;
    xbuf_add(b, "<source>\n");
    for (guint i = 0; i < def->source->len; i++) {
        const storage_vol_device *dev = def->source->pdata[i];

        xbuf_escape(b, "  <device path='%s'", dev->path);
        if (!dev->extents || !dev->extents->len) {
            xbuf_add(b, "/>\n");
            continue;
        }
        xbuf_add(b, ">\n");
        for (guint j = 0; j < dev->extents->len; j++) {
            const storage_vol_extent *e = &g_array_index(dev->extents, storage_vol_extent, j);

            xbuf_add(b, "    <extent start='%" G_GUINT64_FORMAT "' end='%" G_GUINT64_FORMAT
                        "'/>\n", e->start, e->end);
        }
        xbuf_add(b, "  </device>\n");
    }
    xbuf_add(b, "</source>\n");
}

static void format_encryption(xml_buf *b, const storage_vol_def *def)
{
    if (!def->encryption)
        return;
    xbuf_add(b, "<encryption format='%s'", def->encryption);
    xbuf_escape(b, " engine='%s'", def->encryption_engine);
    if (!def->secret_uuid && !def->secret_usage) {
        xbuf_add(b, "/>\n");
        return;
    }
    xbuf_add(b, ">\n");
    xbuf_escape(b, "  <secret type='passphrase' uuid='%s'/>\n", def->secret_uuid);
    xbuf_escape(b, "  <secret type='passphrase' usage='%s'/>\n", def->secret_usage);
    xbuf_add(b, "</encryption>\n");
}

static void format_target(xml_buf *b, const storage_vol_def *def)
{
    xml_buf t;

    xbuf_init_child(&t, b);
    xbuf_escape(&t, "<path>%s</path>\n", def->path);
    xbuf_escape(&t, "<format type='%s'/>\n", def->format);
    storage_perms_format(&t, &def->perms);
    format_encryption(&t, def);
    xbuf_escape(&t, "<compat>%s</compat>\n", def->compat);
    if (def->nocow)
        xbuf_add(&t, "<nocow/>\n");
    if (def->cluster_size)
        xbuf_add(&t, "<clusterSize unit='B'>%" G_GUINT64_FORMAT "</clusterSize>\n",
                 def->cluster_size);
    if (def->lazy_refcounts || def->extended_l2) {
        xbuf_add(&t, "<features>\n");
        if (def->lazy_refcounts)
            xbuf_add(&t, "  <lazy_refcounts/>\n");
        if (def->extended_l2)
            xbuf_add(&t, "  <extended_l2/>\n");
        xbuf_add(&t, "</features>\n");
    }
    /* libvirt writes <target> even when empty: the schema needs it */
    xbuf_add(b, "<target>\n");
    if (!xbuf_empty(&t))
        g_string_append(b->str, t.str->str);
    xbuf_add(b, "</target>\n");
    xbuf_clear(&t);
}

static void format_backing(xml_buf *b, const storage_vol_def *def)
{
    xml_buf t;

    if (!def->backing_path)
        return;
    xbuf_init_child(&t, b);
    xbuf_escape(&t, "<path>%s</path>\n", def->backing_path);
    xbuf_escape(&t, "<format type='%s'/>\n", def->backing_format);
    storage_perms_format(&t, &def->backing_perms);
    xbuf_element(b, "backingStore", NULL, &t);
    xbuf_clear(&t);
}

char *storage_vol_format(const storage_vol_def *def, unsigned int flags)
{
    xml_buf b, c;

    (void)flags;
    xbuf_init(&b, 0);
    xbuf_add(&b, "<volume");
    xbuf_escape(&b, " type='%s'", def->type);
    xbuf_add(&b, ">\n");
    xbuf_init_child(&c, &b);
    xbuf_escape(&c, "<name>%s</name>\n", def->name);
    xbuf_escape(&c, "<key>%s</key>\n", def->key);
    format_source(&c, def);
    if (def->has_capacity)
        xbuf_add(&c, "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n",
                 def->capacity);
    xbuf_add(&c, "<allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n",
             def->allocation);
    if (def->physical)
        xbuf_add(&c, "<physical unit='bytes'>%" G_GUINT64_FORMAT "</physical>\n",
                 def->physical);
    format_target(&c, def);
    format_backing(&c, def);
    g_string_append(b.str, c.str->str);
    xbuf_clear(&c);
    xbuf_add(&b, "</volume>\n");
    return xbuf_steal(&b);
}
