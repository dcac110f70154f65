/*
 * xml.c: strict XML reading and libvirt-style XML writing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "util/error.h"
#include "util/uuid.h"
#include "util/xml.h"

/* ---- reading ---- */

xml_doc *xml_doc_parse(const char *text, const char *what, int err_domain)
{
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;
    xml_doc *d;

    if (!text || !*text) {
        error_report(err_domain, VIREO_ERR_XML_DETAIL, "(%s): the document is empty", what);
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        g_error("out of memory");
    /* no network, no entity expansion, no DTD loading: input is untrusted */
    doc = xmlCtxtReadMemory(ctxt, text, (int)strlen(text), what, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        g_autofree char *msg = g_strdup(e && e->message ? e->message : "the document is empty");

        g_strchomp(msg);
        if (e && e->line)
            error_report(err_domain, VIREO_ERR_XML_DETAIL, "(%s):%d: %s", what, e->line, msg);
        else
            error_report(err_domain, VIREO_ERR_XML_DETAIL, "(%s): %s", what, msg);
        xmlFreeParserCtxt(ctxt);
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    d = g_new0(xml_doc, 1);
    d->doc = doc;
    d->used = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->err_domain = err_domain;
    return d;
}

void xml_doc_free(xml_doc *d)
{
    if (!d)
        return;
    xmlFreeDoc(d->doc);
    g_hash_table_unref(d->used);
    g_free(d);
}

xmlNode *xml_doc_root(xml_doc *d, const char *name)
{
    xmlNode *root = xmlDocGetRootElement(d->doc);

    if (!root || strcmp((const char *)root->name, name) != 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "expected root element <%s>, found <%s>", name,
                     root ? (const char *)root->name : "");
        return NULL;
    }
    xml_mark(d, root);
    return root;
}

void xml_mark(xml_doc *d, xmlNode *node)
{
    g_hash_table_add(d->used, node);
}

void xml_mark_subtree(xml_doc *d, xmlNode *node)
{
    xml_mark(d, node);
    for (xmlAttr *a = node->properties; a; a = a->next)
        g_hash_table_add(d->used, a);
    for (xmlNode *c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            xml_mark_subtree(d, c);
        else
            xml_mark(d, c);
}

static bool text_is_blank(const xmlNode *n)
{
    for (const xmlChar *p = n->content; p && *p; p++)
        if (!g_ascii_isspace(*p))
            return false;
    return true;
}

static int report_unused(xml_doc *d, xmlNode *node)
{
    for (xmlAttr *a = node->properties; a; a = a->next) {
        if (!g_hash_table_contains(d->used, a)) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "unsupported attribute '%s' of element <%s> at line %ld", a->name,
                         node->name, xmlGetLineNo(node));
            return -1;
        }
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            if (!g_hash_table_contains(d->used, c)) {
                error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                             "unsupported element <%s> in <%s> at line %ld", c->name, node->name,
                             xmlGetLineNo(c));
                return -1;
            }
            if (report_unused(d, c) < 0)
                return -1;
        } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                   !text_is_blank(c) && !g_hash_table_contains(d->used, c)) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "unexpected text in element <%s> at line %ld", node->name,
                         xmlGetLineNo(node));
            return -1;
        }
    }
    return 0;
}

int xml_doc_check_unused(xml_doc *d)
{
    return report_unused(d, xmlDocGetRootElement(d->doc));
}

static bool node_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)n->name, name) == 0);
}

xmlNode *xml_child(xml_doc *d, xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (node_is(c, name)) {
            xml_mark(d, c);
            return c;
        }
    }
    return NULL;
}

GPtrArray *xml_children(xml_doc *d, xmlNode *parent, const char *name)
{
    GPtrArray *arr = g_ptr_array_new();

    for (xmlNode *c = parent->children; c; c = c->next) {
        if (node_is(c, name)) {
            xml_mark(d, c);
            g_ptr_array_add(arr, c);
        }
    }
    return arr;
}

bool xml_has_child(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent->children; c; c = c->next)
        if (node_is(c, name))
            return true;
    return false;
}

char *xml_attr(xml_doc *d, xmlNode *node, const char *name)
{
    xmlAttr *a = xmlHasProp(node, (const xmlChar *)name);
    xmlChar *v;
    char *out;

    if (!a || a->ns)
        return NULL;
    g_hash_table_add(d->used, a);
    v = xmlNodeGetContent((xmlNode *)a);
    out = g_strdup((const char *)v);
    xmlFree(v);
    return out;
}

char *xml_text(xml_doc *d, xmlNode *node)
{
    xmlChar *v;
    char *out = NULL;

    for (xmlNode *c = node->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            xml_mark(d, c);
    v = xmlNodeGetContent(node);
    if (v && *v)
        out = g_strdup((const char *)v);
    xmlFree(v);
    return out;
}

char *xml_child_text(xml_doc *d, xmlNode *parent, const char *name)
{
    xmlNode *c = xml_child(d, parent, name);

    return c ? xml_text(d, c) : NULL;
}

void xml_report_invalid(xml_doc *d, xmlNode *node, const char *attr, const char *value)
{
    const xmlNode *up = node->parent;
    /* name the enclosing element too: <driver> alone does not say which disk */
    g_autofree char *where = up && up->type == XML_ELEMENT_NODE && up->parent &&
                                     up->parent->type == XML_ELEMENT_NODE
                                 ? g_strdup_printf(" in <%s>", up->name)
                                 : g_strdup("");

    if (attr)
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "invalid value '%s' for attribute '%s' of <%s>%s at line %ld", value, attr,
                     node->name, where, xmlGetLineNo(node));
    else
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "invalid value '%s' for element <%s>%s at line %ld", value, node->name,
                     where, xmlGetLineNo(node));
}

int xml_attr_choice(xml_doc *d, xmlNode *node, const char *name, const char *const *names,
                    char **out)
{
    g_autofree char *v = xml_attr(d, node, name);

    if (!v)
        return 0;
    if (str_enum_index(names, v) < 0) {
        xml_report_invalid(d, node, name, v);
        return -1;
    }
    g_free(*out);
    *out = g_steal_pointer(&v);
    return 1;
}

void xml_report_missing(xml_doc *d, xmlNode *node, const char *what)
{
    error_report(d->err_domain, VIREO_ERR_XML_ERROR, "missing %s in <%s> at line %ld", what,
                 node->name, xmlGetLineNo(node));
}

static bool parse_u64(const char *s, int base, uint64_t *out)
{
    char *end;

    if (!s || !*s || g_ascii_isspace(*s) || *s == '-' || *s == '+')
        return false;
    errno = 0;
    *out = g_ascii_strtoull(s, &end, base);
    return errno == 0 && end != s && *end == '\0';
}

static int attr_number(xml_doc *d, xmlNode *node, const char *name, int base, uint64_t max,
                       uint64_t *out)
{
    g_autofree char *v = xml_attr(d, node, name);

    if (!v)
        return 0;
    if (!parse_u64(v, base, out) || *out > max) {
        xml_report_invalid(d, node, name, v);
        return -1;
    }
    return 1;
}

int xml_attr_uint(xml_doc *d, xmlNode *node, const char *name, unsigned int *out)
{
    uint64_t v;
    int rc = attr_number(d, node, name, 10, G_MAXUINT, &v);

    if (rc == 1)
        *out = (unsigned int)v;
    return rc;
}

int xml_attr_hex(xml_doc *d, xmlNode *node, const char *name, unsigned int *out)
{
    uint64_t v;
    int rc = attr_number(d, node, name, 0, G_MAXUINT, &v);

    if (rc == 1)
        *out = (unsigned int)v;
    return rc;
}

int xml_attr_u64(xml_doc *d, xmlNode *node, const char *name, uint64_t *out)
{
    return attr_number(d, node, name, 10, G_MAXUINT64, out);
}

int xml_attr_int(xml_doc *d, xmlNode *node, const char *name, int *out)
{
    g_autofree char *v = xml_attr(d, node, name);
    gint64 n;
    char *end;

    if (!v)
        return 0;
    errno = 0;
    n = g_ascii_strtoll(v, &end, 10);
    if (errno || end == v || *end || n < G_MININT || n > G_MAXINT) {
        xml_report_invalid(d, node, name, v);
        return -1;
    }
    *out = (int)n;
    return 1;
}

int str_enum_index(const char *const *names, const char *value)
{
    for (int i = 0; value && names[i]; i++)
        if (strcmp(names[i], value) == 0)
            return i;
    return -1;
}

int xml_attr_enum(xml_doc *d, xmlNode *node, const char *name, const char *const *names, int *out)
{
    g_autofree char *v = xml_attr(d, node, name);
    int i;

    if (!v)
        return 0;
    if ((i = str_enum_index(names, v)) < 0) {
        xml_report_invalid(d, node, name, v);
        return -1;
    }
    *out = i;
    return 1;
}

int xml_attr_bool(xml_doc *d, xmlNode *node, const char *name, bool *out)
{
    static const char *const yesno[] = { "no", "yes", NULL };
    int i;
    int rc = xml_attr_enum(d, node, name, yesno, &i);

    if (rc == 1)
        *out = i == 1;
    return rc;
}

int xml_child_uuid(xml_doc *d, xmlNode *parent, int code, unsigned char uuid[16])
{
    xmlNode *node = xml_child(d, parent, "uuid");
    g_autofree char *text = node ? xml_text(d, node) : NULL;

    if (!text) {
        uuid_generate(uuid);
        return 0;
    }
    g_strstrip(text);
    if (uuid_parse(text, uuid) < 0) {
        error_report(d->err_domain, code, "malformed uuid element '%s' at line %ld", text,
                     xmlGetLineNo(node));
        return -1;
    }
    return 0;
}

int xml_text_u64(xml_doc *d, xmlNode *node, uint64_t *out)
{
    g_autofree char *v = xml_text(d, node);

    if (!v)
        return 0;
    g_strstrip(v);
    if (!parse_u64(v, 10, out)) {
        xml_report_invalid(d, node, NULL, v);
        return -1;
    }
    return 1;
}

int xml_text_enum(xml_doc *d, xmlNode *node, const char *const *names, int *out)
{
    g_autofree char *v = xml_text(d, node);
    int i;

    if (!v)
        return 0;
    g_strstrip(v);
    if ((i = str_enum_index(names, v)) < 0) {
        xml_report_invalid(d, node, NULL, v);
        return -1;
    }
    *out = i;
    return 1;
}

/* ---- writing ---- */

void xbuf_init(xml_buf *b, int indent)
{
    b->str = g_string_new(NULL);
    b->indent = indent;
}

void xbuf_init_child(xml_buf *b, const xml_buf *parent)
{
    xbuf_init(b, parent->indent + 2);
}

void xbuf_clear(xml_buf *b)
{
    if (b->str)
        g_string_free(b->str, TRUE);
    b->str = NULL;
}

bool xbuf_empty(const xml_buf *b)
{
    return !b->str || b->str->len == 0;
}

/* Append text, putting the indent after every newline that starts a line. */
static void xbuf_put(xml_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (b->indent && (b->str->len == 0 || b->str->str[b->str->len - 1] == '\n') && *p != '\n')
            for (int i = 0; i < b->indent; i++)
                g_string_append_c(b->str, ' ');
        g_string_append_c(b->str, *p);
    }
}

void xbuf_add(xml_buf *b, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xbuf_put(b, text);
}

char *xml_escape(const char *value)
{
    GString *s = g_string_sized_new(strlen(value) + 8);

    for (const char *p = value; *p; p++) {
        switch (*p) {
        case '&': g_string_append(s, "&amp;"); break;
        case '<': g_string_append(s, "&lt;"); break;
        case '>': g_string_append(s, "&gt;"); break;
        case '\'': g_string_append(s, "&apos;"); break;
        case '"': g_string_append(s, "&quot;"); break;
        default: g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

void xbuf_escape(xml_buf *b, const char *fmt, const char *value)
{
    g_autofree char *esc = NULL;
    const char *at;
    GString *line;

    if (!value)
        return;
    esc = xml_escape(value);
    at = strstr(fmt, "%s");
    g_assert(at);
    /* the value may hold newlines (description): indent only the format's
     * own line starts, keep the value verbatim */
    line = g_string_new_len(fmt, at - fmt);
    xbuf_put(b, line->str);
    g_string_append(b->str, esc);
    xbuf_put(b, at + 2);
    g_string_free(line, TRUE);
}

void xbuf_escape_exact(xml_buf *b, const char *fmt, const char *value, bool attr)
{
    g_autofree char *esc = NULL;
    g_autofree char *head = NULL;
    const char *at = strstr(fmt, "%s");
    GString *s;

    if (!value)
        return;
    g_assert(at);
    esc = xml_escape(value);
    s = g_string_sized_new(strlen(esc) + 8);
    for (const char *p = esc; *p; p++) {
        if (*p == '\r')
            g_string_append(s, "&#13;");
        else if (attr && *p == '\n')
            g_string_append(s, "&#10;");
        else if (attr && *p == '\t')
            g_string_append(s, "&#9;");
        else
            g_string_append_c(s, *p);
    }
    /* as xbuf_escape: indent the format's line starts, the value verbatim */
    head = g_strndup(fmt, (gsize)(at - fmt));
    xbuf_put(b, head);
    g_string_append(b->str, s->str);
    xbuf_put(b, at + 2);
    g_string_free(s, TRUE);
}

void xbuf_attr(xml_buf *attrs, const char *name, const char *value)
{
    g_autofree char *esc = NULL;

    if (!value)
        return;
    esc = xml_escape(value);
    g_string_append_printf(attrs->str, " %s='%s'", name, esc);
}

void xbuf_attr_printf(xml_buf *attrs, const char *name, const char *fmt, ...)
{
    g_autofree char *value = NULL;
    va_list ap;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    xbuf_attr(attrs, name, value);
}

void xbuf_element(xml_buf *b, const char *name, xml_buf *attrs, xml_buf *children)
{
    bool no_attrs = !attrs || xbuf_empty(attrs);
    bool no_children = !children || xbuf_empty(children);

    if (!(no_attrs && no_children)) {
        xbuf_add(b, "<%s%s", name, no_attrs ? "" : attrs->str->str);
        if (no_children) {
            xbuf_add(b, "/>\n");
        } else {
            xbuf_add(b, ">\n");
            g_string_append(b->str, children->str->str);
            xbuf_add(b, "</%s>\n", name);
        }
    }
    if (attrs)
        g_string_truncate(attrs->str, 0);
    if (children)
        g_string_truncate(children->str, 0);
}

char *xbuf_steal(xml_buf *b)
{
    char *s = g_string_free(b->str, FALSE);

    b->str = NULL;
    return s;
}
