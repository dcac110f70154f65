/*
 * xml.h: strict XML reading and libvirt-style XML writing.
 *
 * Reading: an xml_doc remembers every element and attribute a parser
 * reads through these helpers.  xml_doc_check_unused() then finds the
 * first one nobody read and reports it with its line, so input vireo does
 * not understand is refused instead of silently dropped.  Parsers never
 * need their own "unknown element" checks.
 *
 * Writing: an xml_buf is a string with an indent, in libvirt's layout
 * (two spaces, single-quoted attributes, escaped values).
 */
#ifndef VIREO_UTIL_XML_H
#define VIREO_UTIL_XML_H

#include <glib.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- reading ---- */

typedef struct xml_doc {
    xmlDocPtr doc;     /* owned */
    GHashTable *used;  /* xmlNode * and xmlAttr * read so far (set) */
    int err_domain;    /* VIREO_FROM_* used in reports */
} xml_doc;

/* Parse text (what names it in messages, e.g. "domain_definition").
 * Malformed XML is reported as VIREO_ERR_XML_DETAIL with line and column.
 * Caller frees with xml_doc_free. */
xml_doc *xml_doc_parse(const char *text, const char *what, int err_domain);
void xml_doc_free(xml_doc *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xml_doc, xml_doc_free)

/* The root element, checked to be named name (error otherwise). */
xmlNode *xml_doc_root(xml_doc *d, const char *name);

/* Report the first element, attribute or text nobody read, as
 * VIREO_ERR_XML_ERROR naming it, its parent and its line.  0 when all
 * was read. */
int xml_doc_check_unused(xml_doc *d);

/* Mark node and everything under it as read (for free-form content such
 * as <metadata>). */
void xml_mark_subtree(xml_doc *d, xmlNode *node);
/* Mark only the element itself as read. */
void xml_mark(xml_doc *d, xmlNode *node);

/* The first child element of parent named name, marked read; NULL if none.
 * A second child of that name stays unread and is reported as unused. */
xmlNode *xml_child(xml_doc *d, xmlNode *parent, const char *name);
/* Every child element named name (NULL: every child element), in order,
 * each marked read.  Caller frees the array (elements are borrowed). */
GPtrArray *xml_children(xml_doc *d, xmlNode *parent, const char *name);
/* Whether parent has a child element named name (does not mark it). */
bool xml_has_child(xmlNode *parent, const char *name);

/* The attribute's value, marked read; NULL when absent.  Caller g_free()s. */
char *xml_attr(xml_doc *d, xmlNode *node, const char *name);
/* The element's text content, marked read; NULL when empty. Caller g_free()s. */
char *xml_text(xml_doc *d, xmlNode *node);
/* Text of the child element name (xml_child + xml_text). */
char *xml_child_text(xml_doc *d, xmlNode *parent, const char *name);

/* Typed readers.  Return 1 when present and valid (*out set), 0 when
 * absent (*out untouched), -1 with an error naming the value, the
 * attribute, the element and the line when present and invalid. */
int xml_attr_uint(xml_doc *d, xmlNode *node, const char *name, unsigned int *out);
int xml_attr_int(xml_doc *d, xmlNode *node, const char *name, int *out);
int xml_attr_u64(xml_doc *d, xmlNode *node, const char *name, uint64_t *out);
/* Accepts numbers in decimal or with 0x (PCI addresses). */
int xml_attr_hex(xml_doc *d, xmlNode *node, const char *name, unsigned int *out);
/* names is NULL-terminated; *out is the index. */
int xml_attr_enum(xml_doc *d, xmlNode *node, const char *name, const char *const *names, int *out);
/* Like xml_attr_enum, keeping the value as a string in *out (replacing
 * what was there). */
int xml_attr_choice(xml_doc *d, xmlNode *node, const char *name, const char *const *names,
                    char **out);
/* 'yes' or 'no'. */
int xml_attr_bool(xml_doc *d, xmlNode *node, const char *name, bool *out);
int xml_text_u64(xml_doc *d, xmlNode *node, uint64_t *out);
/* <uuid> of parent into uuid, generated when absent.  0, or -1 with code
 * (the object's libvirt code) "malformed uuid element '...' at line N". */
int xml_child_uuid(xml_doc *d, xmlNode *parent, int code, unsigned char uuid[16]);
int xml_text_enum(xml_doc *d, xmlNode *node, const char *const *names, int *out);

/* Report an invalid value (VIREO_ERR_XML_ERROR) naming node and line. */
void xml_report_invalid(xml_doc *d, xmlNode *node, const char *attr, const char *value);
/* Report a missing attribute or child (VIREO_ERR_XML_ERROR). */
void xml_report_missing(xml_doc *d, xmlNode *node, const char *what);

/* Index of value in NULL-terminated names, -1 if absent. */
int str_enum_index(const char *const *names, const char *value);

/* ---- writing ---- */

typedef struct xml_buf {
    GString *str;  /* owned */
    int indent;    /* spaces put at the start of each line */
} xml_buf;

void xbuf_init(xml_buf *b, int indent);
/* A buffer for the children of an element written into parent. */
void xbuf_init_child(xml_buf *b, const xml_buf *parent);
void xbuf_clear(xml_buf *b);
/* printf; the indent is put at the start of every line. */
void xbuf_add(xml_buf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* fmt holds exactly one %s, filled with value escaped; nothing is
 * written when value is NULL. */
void xbuf_escape(xml_buf *b, const char *fmt, const char *value);
/* xbuf_escape for a value that must read back the same: attribute
 * values (attr true) also get tabs and line breaks as character
 * references, since a parser reads them back as spaces; text gets its
 * carriage returns so, since a parser reads those back as newlines. */
void xbuf_escape_exact(xml_buf *b, const char *fmt, const char *value, bool attr);
/* Append " name='value'" (escaped) to an attribute buffer; skip NULL. */
void xbuf_attr(xml_buf *attrs, const char *name, const char *value);
void xbuf_attr_printf(xml_buf *attrs, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Write <name attrs/> or <name attrs>children</name>; nothing at all when
 * both are empty.  Clears attrs and children. */
void xbuf_element(xml_buf *b, const char *name, xml_buf *attrs, xml_buf *children);
/* Take the text; b is cleared. Caller g_free()s. */
char *xbuf_steal(xml_buf *b);
bool xbuf_empty(const xml_buf *b);

/* The value with & < > ' " escaped (caller g_free()s). */
char *xml_escape(const char *value);

#endif
