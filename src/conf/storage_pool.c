/*
 * storage_pool.c: libvirt storage pool XML <-> storage_pool_def.
 *
 * Each pool type reads only the parts of <source> its schema allows (the
 * table below); xml_doc_check_unused() then refuses anything else by name
 * and line, so what is formatted always validates against storagepool.rng.
 * Defaults libvirt fills (source format, a logical pool's volume group and
 * target) are filled here.
 */
#include <string.h>

#include "conf/storage_pool.h"
#include "conf/storage_priv.h"
#include "util/error.h"
#include "util/uuid.h"

const char *const storage_pool_type_names[] = {
    "dir", "fs", "netfs", "logical", "disk", "iscsi", "iscsi-direct", NULL,
};

/* the parts of <source> */
enum {
    SRC_HOST = 1 << 0,
    SRC_DEVICE = 1 << 1,    /* one <device> */
    SRC_DEVICES = 1 << 2,   /* any number */
    SRC_DIR = 1 << 3,
    SRC_NAME = 1 << 4,
    SRC_FORMAT = 1 << 5,
    SRC_PROTOCOL = 1 << 6,
    SRC_INITIATOR = 1 << 7,
    SRC_AUTH = 1 << 8,
    SRC_VENDOR = 1 << 9,
};

static const char *const fs_formats[] = {
    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat", "hfs+",
    "xfs", "ocfs2", "vmfs", NULL,
};
static const char *const netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
static const char *const logical_formats[] = { "unknown", "lvm2", NULL };
static const char *const disk_formats[] = {
    "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2", NULL,
};

static const struct {
    unsigned int allowed;   /* SRC_* read for this type */
    unsigned int required;  /* SRC_* that must be there */
    const char *const *formats;
    const char *default_format;
    bool has_target;
} pool_types[STORAGE_POOL_LAST] = {
    [STORAGE_POOL_DIR] = { SRC_VENDOR, 0, NULL, NULL, true },
    [STORAGE_POOL_FS] = { SRC_DEVICE | SRC_FORMAT | SRC_VENDOR, SRC_DEVICE, fs_formats, "auto",
                          true },
    [STORAGE_POOL_NETFS] = { SRC_HOST | SRC_DIR | SRC_FORMAT | SRC_PROTOCOL | SRC_VENDOR,
                             SRC_HOST | SRC_DIR, netfs_formats, "auto", true },
    [STORAGE_POOL_LOGICAL] = { SRC_DEVICES | SRC_NAME | SRC_FORMAT | SRC_VENDOR, 0,
                               logical_formats, "lvm2", true },
    [STORAGE_POOL_DISK] = { SRC_DEVICE | SRC_FORMAT | SRC_VENDOR, SRC_DEVICE, disk_formats,
                            "unknown", true },
    [STORAGE_POOL_ISCSI] = { SRC_HOST | SRC_DEVICE | SRC_INITIATOR | SRC_AUTH | SRC_VENDOR,
                             SRC_HOST | SRC_DEVICE, NULL, NULL, true },
    [STORAGE_POOL_ISCSI_DIRECT] = { SRC_HOST | SRC_DEVICE | SRC_INITIATOR | SRC_AUTH,
                                    SRC_HOST | SRC_DEVICE | SRC_INITIATOR, NULL, NULL, false },
};

static void host_free(gpointer p)
{
    storage_pool_host *h = p;

    g_free(h->name);
    g_free(h);
}

static void device_free(gpointer p)
{
    storage_pool_device *dev = p;

    g_free(dev->path);
    g_free(dev->part_separator);
    g_free(dev);
}

void storage_pool_free(storage_pool_def *def)
{
    storage_pool_source *s;

    if (!def)
        return;
    s = &def->source;
    if (s->hosts)
        g_ptr_array_unref(s->hosts);
    if (s->devices)
        g_ptr_array_unref(s->devices);
    g_free(s->dir);
    g_free(s->name);
    g_free(s->format);
    g_free(s->protocol_ver);
    g_free(s->initiator_iqn);
    g_free(s->auth_type);
    g_free(s->auth_username);
    g_free(s->auth_secret_uuid);
    g_free(s->auth_secret_usage);
    g_free(s->vendor);
    g_free(s->product);
    g_free(def->name);
    g_free(def->cow);
    g_free(def->target_path);
    storage_perms_clear(&def->perms);
    g_free(def);
}

/* ---- parsing ---- */

static int parse_hosts(xml_doc *d, xmlNode *src, storage_pool_source *s)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, src, "host");
    int rc = 0;

    for (guint i = 0; i < nodes->len; i++) {
        storage_pool_host *h = g_new0(storage_pool_host, 1);
        xmlNode *n = nodes->pdata[i];

        g_ptr_array_add(s->hosts, h);
        h->name = storage_attr_required(d, n, "name", &rc);
        if (rc < 0 || (rc = xml_attr_uint(d, n, "port", &h->port)) < 0)
            return -1;
        if (rc == 1 && (h->port == 0 || h->port > 65535)) {
            g_autofree char *port = g_strdup_printf("%u", h->port);

            xml_report_invalid(d, n, "port", port);
            return -1;
        }
    }
    return 0;
}

static int parse_devices(xml_doc *d, xmlNode *src, unsigned int allowed, storage_pool_def *def)
{
    static const char *const yesno[] = { "yes", "no", NULL };
    g_autoptr(GPtrArray) nodes = NULL;
    int rc = 0;

    if (allowed & SRC_DEVICES) {
        nodes = xml_children(d, src, "device");
    } else {
        xmlNode *one = xml_child(d, src, "device");

        nodes = g_ptr_array_new();
        if (one)
            g_ptr_array_add(nodes, one);
    }
    for (guint i = 0; i < nodes->len; i++) {
        storage_pool_device *dev = g_new0(storage_pool_device, 1);
        xmlNode *n = nodes->pdata[i];

        g_ptr_array_add(def->source.devices, dev);
        dev->path = storage_attr_required(d, n, "path", &rc);
        if (def->type != STORAGE_POOL_ISCSI_DIRECT)
            dev->part_separator = storage_attr_enum(d, n, "part_separator", yesno, &rc);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int parse_auth(xml_doc *d, xmlNode *src, storage_pool_source *s)
{
    static const char *const types[] = { "chap", "ceph", NULL };
    xmlNode *auth = xml_child(d, src, "auth");
    xmlNode *secret;
    unsigned char uuid[VIREO_UUID_BUFLEN];
    int rc = 0;

    if (!auth)
        return 0;
    s->auth_type = storage_attr_enum(d, auth, "type", types, &rc);
    s->auth_username = storage_attr_required(d, auth, "username", &rc);
    if (rc < 0)
        return -1;
    if (!s->auth_type) {
        xml_report_missing(d, auth, "attribute 'type'");
        return -1;
    }
    if (!(secret = xml_child(d, auth, "secret"))) {
        xml_report_missing(d, auth, "element <secret>");
        return -1;
    }
    s->auth_secret_uuid = xml_attr(d, secret, "uuid");
    s->auth_secret_usage = xml_attr(d, secret, "usage");
    if (!s->auth_secret_uuid == !s->auth_secret_usage) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "<secret> of <auth> needs one of 'uuid' or 'usage' (line %ld)",
                     xmlGetLineNo(secret));
        return -1;
    }
    if (s->auth_secret_uuid) {
        char buf[VIREO_UUID_STRING_BUFLEN];

        if (uuid_parse(s->auth_secret_uuid, uuid) < 0) {
            xml_report_invalid(d, secret, "uuid", s->auth_secret_uuid);
            return -1;
        }
        uuid_format(uuid, buf);
        g_free(s->auth_secret_uuid);
        s->auth_secret_uuid = g_strdup(buf);
    }
    return 0;
}

/* <vendor name=''/>, <product name=''/>, <initiator><iqn name=''/> */
static int parse_named(xml_doc *d, xmlNode *parent, const char *elem, char **out)
{
    xmlNode *node = xml_child(d, parent, elem);
    int rc = 0;

    if (node)
        *out = storage_attr_required(d, node, "name", &rc);
    return rc;
}

static int parse_source_parts(xml_doc *d, xmlNode *src, unsigned int allowed,
                              storage_pool_def *def)
{
    storage_pool_source *s = &def->source;
    xmlNode *node;
    int rc = 0;

    if ((allowed & SRC_HOST) && parse_hosts(d, src, s) < 0)
        return -1;
    if ((allowed & (SRC_DEVICE | SRC_DEVICES)) && parse_devices(d, src, allowed, def) < 0)
        return -1;
    if ((allowed & SRC_DIR) && (node = xml_child(d, src, "dir")))
        s->dir = storage_attr_required(d, node, "path", &rc);
    if (allowed & SRC_NAME)
        s->name = xml_child_text(d, src, "name");
    if ((allowed & SRC_FORMAT) && (node = xml_child(d, src, "format")))
        s->format = storage_attr_enum(d, node, "type", pool_types[def->type].formats, &rc);
    if ((allowed & SRC_PROTOCOL) && (node = xml_child(d, src, "protocol")))
        s->protocol_ver = storage_attr_required(d, node, "ver", &rc);
    if (rc < 0)
        return -1;
    if ((allowed & SRC_INITIATOR) && (node = xml_child(d, src, "initiator"))) {
        if (parse_named(d, node, "iqn", &s->initiator_iqn) < 0)
            return -1;
        if (!s->initiator_iqn) {
            xml_report_missing(d, node, "element <iqn>");
            return -1;
        }
    }
    if ((allowed & SRC_AUTH) && parse_auth(d, src, s) < 0)
        return -1;
    if ((allowed & SRC_VENDOR) && (parse_named(d, src, "vendor", &s->vendor) < 0 ||
                                   parse_named(d, src, "product", &s->product) < 0))
        return -1;
    return 0;
}

/* What the type's schema needs that is missing, or NULL. */
static const char *source_missing(const storage_pool_def *def)
{
    unsigned int req = pool_types[def->type].required;
    const storage_pool_source *s = &def->source;

    if ((req & SRC_HOST) && s->hosts->len == 0)
        return "element <host>";
    if ((req & SRC_DEVICE) && s->devices->len == 0)
        return "element <device>";
    if ((req & SRC_DIR) && !s->dir)
        return "element <dir>";
    if ((req & SRC_INITIATOR) && !s->initiator_iqn)
        return "element <initiator>";
    return NULL;
}

/* netfs: cifs and glusterfs take a relative share name and no <protocol> */
static int check_netfs(xml_doc *d, xmlNode *src, storage_pool_source *s)
{
    bool nfs = !s->format || strcmp(s->format, "auto") == 0 || strcmp(s->format, "nfs") == 0;

    if (nfs && s->dir && s->dir[0] != '/') {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "<dir path='%s'> of an NFS pool must be absolute (line %ld)", s->dir,
                     xmlGetLineNo(src));
        return -1;
    }
    if (!nfs && s->protocol_ver) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "<protocol> is for NFS pools, not format '%s' (line %ld)", s->format,
                     xmlGetLineNo(src));
        return -1;
    }
    return 0;
}

static int parse_source(xml_doc *d, xmlNode *root, storage_pool_def *def)
{
    xmlNode *src = xml_child(d, root, "source");
    storage_pool_source *s = &def->source;
    const char *missing;

    s->hosts = g_ptr_array_new_with_free_func(host_free);
    s->devices = g_ptr_array_new_with_free_func(device_free);
    if (src && parse_source_parts(d, src, pool_types[def->type].allowed, def) < 0)
        return -1;
    if ((missing = source_missing(def))) {
        xml_report_missing(d, src ? src : root, missing);
        return -1;
    }
    if (def->type == STORAGE_POOL_NETFS && check_netfs(d, src, s) < 0)
        return -1;
    if (!s->format && pool_types[def->type].default_format)
        s->format = g_strdup(pool_types[def->type].default_format);
    return 0;
}

static int parse_target(xml_doc *d, xmlNode *root, storage_pool_def *def)
{
    xmlNode *target;
    int rc = 0;

    if (!pool_types[def->type].has_target)
        return 0;
    target = xml_child(d, root, "target");
    if (target) {
        def->target_path = storage_child_path(d, target, "path", &rc);
        if (rc < 0 || storage_perms_parse(d, target, &def->perms) < 0)
            return -1;
    } else {
        def->perms.mode = -1;
        def->perms.owner = def->perms.group = -1;
    }
    if (def->type == STORAGE_POOL_LOGICAL) {
        /* the volume group's device directory, whatever was given */
        g_free(def->target_path);
        def->target_path = g_strdup_printf("/dev/%s", def->source.name);
    } else if (!def->target_path) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "missing storage pool target path of pool '%s'", def->name);
        return -1;
    }
    return 0;
}

static int parse_names(xml_doc *d, xmlNode *root, storage_pool_def *def)
{
    def->name = xml_child_text(d, root, "name");
    if (def->type == STORAGE_POOL_LOGICAL) {
        /* either names the other: the pool is named for its volume group */
        if (!def->name && def->source.name)
            def->name = g_strdup(def->source.name);
        if (!def->source.name && def->name)
            def->source.name = g_strdup(def->name);
    }
    if (!def->name || !*def->name) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "missing pool source name element");
        return -1;
    }
    if (strchr(def->name, '/')) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "name %s cannot contain '/'",
                     def->name);
        return -1;
    }
    return xml_child_uuid(d, root, VIREO_ERR_XML_ERROR, def->uuid);
}

static int parse_body(xml_doc *d, xmlNode *root, storage_pool_def *def)
{
    static const char *const yesno[] = { "yes", "no", NULL };
    g_autofree char *type = xml_attr(d, root, "type");
    xmlNode *features;
    int i, rc = 0;

    if (!type) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Missing required attribute 'type' in element 'pool'");
        return -1;
    }
    if ((i = str_enum_index(storage_pool_type_names, type)) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "Invalid value for attribute 'type' in element 'pool': '%s'", type);
        return -1;
    }
    def->type = (storage_pool_type)i;
    if (parse_source(d, root, def) < 0 || parse_names(d, root, def) < 0)
        return -1;
    if (storage_parse_size(d, xml_child(d, root, "capacity"), &def->capacity) < 0 ||
        storage_parse_size(d, xml_child(d, root, "allocation"), &def->allocation) < 0 ||
        storage_parse_size(d, xml_child(d, root, "available"), &def->available) < 0)
        return -1;
    if ((features = xml_child(d, root, "features"))) {
        xmlNode *cow = xml_child(d, features, "cow");

        if (cow && !(def->cow = storage_attr_enum(d, cow, "state", yesno, &rc)) && rc == 0) {
            xml_report_missing(d, cow, "attribute 'state'");
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    return parse_target(d, root, def);
}

storage_pool_def *storage_pool_parse(const char *xml, unsigned int flags)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "storage_pool_definition", VIREO_FROM_STORAGE);
    g_autoptr(storage_pool_def) def = NULL;
    xmlNode *root;

    (void)flags;
    if (!d || !(root = xml_doc_root(d, "pool")))
        return NULL;
    def = g_new0(storage_pool_def, 1);
    if (parse_body(d, root, def) < 0 || xml_doc_check_unused(d) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- formatting ---- */

static void format_named(xml_buf *b, const char *elem, const char *name)
{
    if (name) {
        xbuf_add(b, "<%s", elem);
        xbuf_escape(b, " name='%s'/>\n", name);
    }
}

static void format_auth(xml_buf *b, const storage_pool_source *s)
{
    if (!s->auth_type)
        return;
    xbuf_add(b, "<auth type='%s'", s->auth_type);
    xbuf_escape(b, " username='%s'>\n", s->auth_username);
    xbuf_escape(b, "  <secret uuid='%s'/>\n", s->auth_secret_uuid);
    xbuf_escape(b, "  <secret usage='%s'/>\n", s->auth_secret_usage);
    xbuf_add(b, "</auth>\n");
}

/* libvirt always writes <source>, empty or not, in this order */
static void format_source(xml_buf *b, const storage_pool_source *s)
{
    xml_buf c;

    xbuf_init_child(&c, b);
    for (guint i = 0; i < s->hosts->len; i++) {
        const storage_pool_host *h = s->hosts->pdata[i];

        xbuf_escape(&c, "<host name='%s'", h->name);
        if (h->port)
            xbuf_add(&c, " port='%u'", h->port);
        xbuf_add(&c, "/>\n");
    }
    for (guint i = 0; i < s->devices->len; i++) {
        const storage_pool_device *dev = s->devices->pdata[i];

        xbuf_escape(&c, "<device path='%s'", dev->path);
        xbuf_escape(&c, " part_separator='%s'", dev->part_separator);
        xbuf_add(&c, "/>\n");
    }
    xbuf_escape(&c, "<dir path='%s'/>\n", s->dir);
    xbuf_escape(&c, "<name>%s</name>\n", s->name);
    if (s->initiator_iqn) {
        xbuf_add(&c, "<initiator>\n");
        xbuf_escape(&c, "  <iqn name='%s'/>\n", s->initiator_iqn);
        xbuf_add(&c, "</initiator>\n");
    }
    xbuf_escape(&c, "<format type='%s'/>\n", s->format);
    xbuf_escape(&c, "<protocol ver='%s'/>\n", s->protocol_ver);
    format_auth(&c, s);
    format_named(&c, "vendor", s->vendor);
    format_named(&c, "product", s->product);
    xbuf_add(b, "<source>\n");
    if (!xbuf_empty(&c))
        g_string_append(b->str, c.str->str);
    xbuf_add(b, "</source>\n");
    xbuf_clear(&c);
}

char *storage_pool_format(const storage_pool_def *def, unsigned int flags)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    xml_buf b, c;

    (void)flags;
    uuid_format(def->uuid, uuid);
    xbuf_init(&b, 0);
    xbuf_add(&b, "<pool type='%s'>\n", storage_pool_type_names[def->type]);
    xbuf_init_child(&c, &b);
    xbuf_escape(&c, "<name>%s</name>\n", def->name);
    xbuf_add(&c, "<uuid>%s</uuid>\n", uuid);
    xbuf_add(&c, "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n", def->capacity);
    xbuf_add(&c, "<allocation unit='bytes'>%" G_GUINT64_FORMAT "</allocation>\n",
             def->allocation);
    xbuf_add(&c, "<available unit='bytes'>%" G_GUINT64_FORMAT "</available>\n", def->available);
    if (def->cow) {
        xbuf_add(&c, "<features>\n");
        xbuf_add(&c, "  <cow state='%s'/>\n", def->cow);
        xbuf_add(&c, "</features>\n");
    }
    format_source(&c, &def->source);
    if (def->target_path) {
        xml_buf t;

        xbuf_init_child(&t, &c);
        xbuf_escape(&t, "<path>%s</path>\n", def->target_path);
        storage_perms_format(&t, &def->perms);
        xbuf_element(&c, "target", NULL, &t);
        xbuf_clear(&t);
    }
    g_string_append(b.str, c.str->str);
    xbuf_clear(&c);
    xbuf_add(&b, "</pool>\n");
    return xbuf_steal(&b);
}

const char *const *storage_pool_source_formats(storage_pool_type type, const char **default_format)
{
    *default_format = pool_types[type].default_format;
    return pool_types[type].formats;
}
