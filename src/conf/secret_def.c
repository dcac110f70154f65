/*
 * secret_def.c: libvirt's secret XML <-> secret_def.
 *
 * Error codes and texts are libvirt's (checked against its secret driver);
 * ours add the element and its line.  Two checks are stricter than
 * libvirt's: a volume path must be absolute and a name or target must not
 * hold '/' or a line break, because secret.rng says so and vireo's output
 * must validate against it.
 */
#include <string.h>

#include <libxml/tree.h>

#include "conf/secret_def.h"
#include "util/error.h"
#include "util/uuid.h"
#include "util/xml.h"

const char *const secret_usage_names[] = {
    "none", "volume", "ceph", "iscsi", "tls", "vtpm", NULL,
};

/* libvirt's messages for a usage without its id */
static const char *const usage_missing[] = {
    [SECRET_USAGE_VOLUME] = "volume usage specified, but volume path is missing",
    [SECRET_USAGE_CEPH] = "Ceph usage specified, but name is missing",
    [SECRET_USAGE_ISCSI] = "iSCSI usage specified, but target is missing",
    [SECRET_USAGE_TLS] = "TLS usage specified, but name is missing",
    [SECRET_USAGE_VTPM] = "vTPM usage specified, but name is missing",
};

const char *secret_usage_element(secret_usage_type usage)
{
    switch (usage) {
    case SECRET_USAGE_VOLUME: return "volume";
    case SECRET_USAGE_ISCSI: return "target";
    case SECRET_USAGE_CEPH:
    case SECRET_USAGE_TLS:
    case SECRET_USAGE_VTPM: return "name";
    case SECRET_USAGE_NONE:
    case SECRET_USAGE_LAST: break;
    }
    return NULL;
}

const char *secret_def_usage_id(const secret_def *def)
{
    return def->usage_id;
}

void secret_def_free(secret_def *def)
{
    if (!def)
        return;
    g_free(def->description);
    g_free(def->usage_id);
    g_free(def);
}

/* secret.rng: a volume is an absolute path, the others an objectName
 * ([^/\n]+).  XSD's '.' in absFilePath matches no line break either. */
static int check_usage_id(xmlNode *node, const secret_def *def)
{
    const char *id = def->usage_id;
    const char *elem = (const char *)node->name;

    if (def->usage == SECRET_USAGE_VOLUME) {
        if (id[0] != '/' || id[1] == '\0' || strpbrk(id, "\r\n")) {
            error_report(VIREO_FROM_SECRET, VIREO_ERR_XML_ERROR,
                         "invalid volume path '%s' of secret usage: it must be absolute, "
                         "on one line (<volume> at line %ld)", id, xmlGetLineNo(node));
            return -1;
        }
        return 0;
    }
    if (strpbrk(id, "/\n")) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_XML_ERROR,
                     "invalid %s usage %s '%s' of secret: it must not contain '/' or a "
                     "line break (<%s> at line %ld)", secret_usage_names[def->usage], elem, id,
                     elem, xmlGetLineNo(node));
        return -1;
    }
    return 0;
}

static int parse_usage(xml_doc *d, xmlNode *root, secret_def *def)
{
    xmlNode *usage = xml_child(d, root, "usage");
    g_autofree char *type = usage ? xml_attr(d, usage, "type") : NULL;
    xmlNode *node;
    int i;

    if (!usage)
        return 0;
    if (!type) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_XML_ERROR,
                     "unknown secret usage type: <usage> at line %ld has no attribute 'type'",
                     xmlGetLineNo(usage));
        return -1;
    }
    i = str_enum_index(secret_usage_names, type);
    if (i <= SECRET_USAGE_NONE) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown secret usage type %s (<usage> at line %ld)", type,
                     xmlGetLineNo(usage));
        return -1;
    }
    def->usage = (secret_usage_type)i;
    node = xml_child(d, usage, secret_usage_element(def->usage));
    def->usage_id = node ? xml_text(d, node) : NULL;
    if (!def->usage_id) {
        error_report(VIREO_FROM_SECRET, VIREO_ERR_INTERNAL_ERROR,
                     "%s (<usage type='%s'> needs <%s>, line %ld)", usage_missing[def->usage],
                     type, secret_usage_element(def->usage),
                     xmlGetLineNo(node ? node : usage));
        return -1;
    }
    return check_usage_id(node, def);
}

secret_def *secret_def_parse(const char *xml)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "definition_of_secret", VIREO_FROM_SECRET);
    g_autoptr(secret_def) def = NULL;
    xmlNode *root;

    if (!d || !(root = xml_doc_root(d, "secret")))
        return NULL;
    def = g_new0(secret_def, 1);
    if (xml_attr_bool(d, root, "ephemeral", &def->ephemeral) < 0 ||
        xml_attr_bool(d, root, "private", &def->is_private) < 0)
        return NULL;
    if (xml_child_uuid(d, root, VIREO_ERR_INTERNAL_ERROR, def->uuid) < 0)
        return NULL;
    def->description = xml_child_text(d, root, "description");
    if (parse_usage(d, root, def) < 0 || xml_doc_check_unused(d) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

/* Escaped text content as xml_escape does, with carriage returns as
 * references: written raw, a parser would read them back as '\n'. */
static char *escape_text(const char *value)
{
    g_autofree char *esc = xml_escape(value);
    g_auto(GStrv) parts = g_strsplit(esc, "\r", -1);

    return g_strjoinv("&#13;", parts);
}

static void format_text(xml_buf *b, const char *name, const char *value)
{
    g_autofree char *esc = NULL;

    if (!value)
        return;
    esc = escape_text(value);
    /* the indent only before the tag: a multi-line value is kept verbatim */
    xbuf_add(b, "<%s>", name);
    g_string_append_printf(b->str, "%s</%s>\n", esc, name);
}

char *secret_def_format(const secret_def *def)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    xml_buf b, in, usage;

    xbuf_init(&b, 0);
    xbuf_init_child(&in, &b);
    xbuf_init_child(&usage, &in);
    uuid_format(def->uuid, uuid);
    xbuf_add(&b, "<secret ephemeral='%s' private='%s'>\n", def->ephemeral ? "yes" : "no",
             def->is_private ? "yes" : "no");
    xbuf_add(&in, "<uuid>%s</uuid>\n", uuid);
    format_text(&in, "description", def->description);
    if (def->usage != SECRET_USAGE_NONE && def->usage < SECRET_USAGE_LAST && def->usage_id) {
        xbuf_add(&in, "<usage type='%s'>\n", secret_usage_names[def->usage]);
        format_text(&usage, secret_usage_element(def->usage), def->usage_id);
        g_string_append(in.str, usage.str->str);
        xbuf_add(&in, "</usage>\n");
    }
    g_string_append(b.str, in.str->str);
    xbuf_add(&b, "</secret>\n");
    xbuf_clear(&in);
    xbuf_clear(&usage);
    return xbuf_steal(&b);
}
