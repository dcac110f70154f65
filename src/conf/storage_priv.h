/*
 * storage_priv.h: helpers shared by the storage_*.c files of src/conf only
 * (sizes with units, permissions, paths), both ways.
 */
#ifndef VIREO_CONF_STORAGE_PRIV_H
#define VIREO_CONF_STORAGE_PRIV_H

#include "conf/storage_pool.h"
#include "util/xml.h"

/* Read a size element (<capacity unit='GiB'>2</capacity>) into bytes;
 * no unit means bytes.  1 present, 0 node NULL, -1 with an error naming
 * the element, its line and the value. */
int storage_parse_size(xml_doc *d, xmlNode *node, uint64_t *bytes);

/* Read <permissions> under parent into perms (absent: left unset). */
int storage_perms_parse(xml_doc *d, xmlNode *parent, storage_perms *perms);
/* <permissions> as libvirt writes it; nothing when nothing is set. */
void storage_perms_format(xml_buf *b, const storage_perms *perms);
void storage_perms_clear(storage_perms *perms);

/* The text of the child element name as a path, cleaned the way libvirt
 * does ("//a//b/" -> "//a/b"); NULL when absent, -1 in *rc when not
 * absolute. */
char *storage_child_path(xml_doc *d, xmlNode *parent, const char *name, int *rc);

/* xml_attr_choice with a sticky error: the value or NULL (absent). */
char *storage_attr_enum(xml_doc *d, xmlNode *node, const char *attr, const char *const *names,
                        int *rc);
/* An attribute that must be there: the value, or NULL and -1 in *rc with
 * an error naming it. */
char *storage_attr_required(xml_doc *d, xmlNode *node, const char *attr, int *rc);

#endif
