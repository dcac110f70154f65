/*
 * storage_common.c: what pool and volume XML share: scaled sizes,
 * <permissions>, cleaned paths.
 */
#include <errno.h>
#include <string.h>

#include "conf/storage_priv.h"
#include "conf/units.h"
#include "util/error.h"

int storage_parse_size(xml_doc *d, xmlNode *node, uint64_t *bytes)
{
    g_autofree char *unit = node ? xml_attr(d, node, "unit") : NULL;
    g_autofree char *text = node ? xml_text(d, node) : NULL;
    uint64_t n, scale;
    char *end = NULL;

    if (!node)
        return 0;
    if (unit_bytes(unit, 1, &scale) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR, "unknown unit '%s' of <%s> at line %ld",
                     unit, node->name, xmlGetLineNo(node));
        return -1;
    }
    if (text)
        g_strstrip(text);
    errno = 0;
    if (!text || !g_ascii_isdigit(*text) ||
        ((n = g_ascii_strtoull(text, &end, 10)), errno || *end)) {
        xml_report_invalid(d, node, NULL, text ? text : "");
        return -1;
    }
    if (n > G_MAXUINT64 / scale) {
        error_report(d->err_domain, VIREO_ERR_OVERFLOW, "%s%s in <%s> at line %ld", text,
                     unit ? unit : "", node->name, xmlGetLineNo(node));
        return -1;
    }
    *bytes = n * scale;
    return 1;
}

/* owner and group: an unsigned number or -1 (meaning "not set") */
static int parse_id(xml_doc *d, xmlNode *perms, const char *name, int64_t *out)
{
    xmlNode *node = xml_child(d, perms, name);
    g_autofree char *text = node ? xml_text(d, node) : NULL;
    char *end = NULL;
    gint64 v;

    if (!node)
        return 0;
    if (text)
        g_strstrip(text);
    errno = 0;
    v = text ? g_ascii_strtoll(text, &end, 10) : 0;
    if (!text || !*text || errno || *end || v < -1 || v > G_MAXUINT32) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "malformed %s element '%s' in <permissions> at line %ld", name,
                     text ? text : "", xmlGetLineNo(node));
        return -1;
    }
    *out = v;
    return 0;
}

int storage_perms_parse(xml_doc *d, xmlNode *parent, storage_perms *perms)
{
    xmlNode *node = xml_child(d, parent, "permissions");
    xmlNode *mode;
    g_autofree char *text = NULL;
    char *end = NULL;
    gint64 v;

    perms->mode = -1;
    perms->owner = perms->group = -1;
    if (!node)
        return 0;
    if ((mode = xml_child(d, node, "mode")) && (text = xml_text(d, mode))) {
        g_strstrip(text);
        errno = 0;
        v = g_ascii_strtoll(text, &end, 8);
        if (!g_ascii_isdigit(*text) || errno || *end || v > 07777) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "malformed octal mode '%s' in <permissions> at line %ld", text,
                         xmlGetLineNo(mode));
            return -1;
        }
        perms->mode = (int)v;
    }
    if (parse_id(d, node, "owner", &perms->owner) < 0 ||
        parse_id(d, node, "group", &perms->group) < 0)
        return -1;
    perms->label = xml_child_text(d, node, "label");
    return 0;
}

void storage_perms_format(xml_buf *b, const storage_perms *perms)
{
    xml_buf c;

    xbuf_init_child(&c, b);
    if (perms->mode >= 0)
        xbuf_add(&c, "<mode>%04o</mode>\n", (unsigned int)perms->mode);
    if (perms->owner >= 0)
        xbuf_add(&c, "<owner>%" G_GINT64_FORMAT "</owner>\n", perms->owner);
    if (perms->group >= 0)
        xbuf_add(&c, "<group>%" G_GINT64_FORMAT "</group>\n", perms->group);
    xbuf_escape(&c, "<label>%s</label>\n", perms->label);
    xbuf_element(b, "permissions", NULL, &c);
    xbuf_clear(&c);
}

void storage_perms_clear(storage_perms *perms)
{
    g_clear_pointer(&perms->label, g_free);
}

/* Collapse repeated slashes (a leading "//" stays: POSIX gives it a
 * meaning of its own) and drop trailing ones. */
static char *path_clean(const char *path)
{
    GString *s = g_string_new(NULL);
    const char *p = path;

    if (p[0] == '/' && p[1] == '/' && p[2] != '/') {
        g_string_append(s, "//");
        p += 2;
    }
    for (; *p; p++)
        if (!(*p == '/' && s->len && s->str[s->len - 1] == '/'))
            g_string_append_c(s, *p);
    while (s->len > 1 && s->str[s->len - 1] == '/')
        g_string_truncate(s, s->len - 1);
    return g_string_free(s, FALSE);
}

char *storage_child_path(xml_doc *d, xmlNode *parent, const char *name, int *rc)
{
    xmlNode *node = xml_child(d, parent, name);
    g_autofree char *text = node ? xml_text(d, node) : NULL;

    if (!text)
        return NULL;
    g_strstrip(text);
    if (text[0] != '/') {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "<%s> of <%s> must be an absolute path, not '%s' (line %ld)", name,
                     parent->name, text, xmlGetLineNo(node));
        *rc = -1;
        return NULL;
    }
    /* dropping trailing slashes can leave blanks at the end and stripping
     * them a slash: repeat until the path reads back as it is written */
    for (;;) {
        char *clean = path_clean(text);

        g_strchomp(clean);
        if (strcmp(clean, text) == 0)
            return clean;
        g_free(text);
        text = clean;
    }
}

char *storage_attr_enum(xml_doc *d, xmlNode *node, const char *attr, const char *const *names,
                        int *rc)
{
    char *v = NULL;

    if (xml_attr_choice(d, node, attr, names, &v) < 0)
        *rc = -1;
    return v;
}

char *storage_attr_required(xml_doc *d, xmlNode *node, const char *attr, int *rc)
{
    char *v = xml_attr(d, node, attr);

    if (!v || !*v) {
        g_autofree char *what = g_strdup_printf("attribute '%s'", attr);

        xml_report_missing(d, node, what);
        *rc = -1;
        g_clear_pointer(&v, g_free);
    }
    return v;
}
