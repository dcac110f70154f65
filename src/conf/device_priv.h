/*
 * device_priv.h: what the device_*.c files share; not for other modules.
 *
 * Each device kind has a parse function (fills a new struct from its
 * element, or reports an error naming the device and the line), a format
 * function (libvirt's layout) and a free function.  The common parts of
 * every device (<boot>, <alias>, <address>, <rom>, <master>) go through
 * dev_info_parse / dev_info_format.
 */
#ifndef VIREO_CONF_DEVICE_PRIV_H
#define VIREO_CONF_DEVICE_PRIV_H

#include "conf/domain_def.h"
#include "util/error.h"

/* libvirt's VIR_ERR_NO_TARGET (a disk without <target>); vireo.h lacks it */
#define DEVICE_ERR_NO_TARGET 20

/* The line of node, for messages. */
#define DEV_LINE(node) ((long)xmlGetLineNo(node))
/* The highest drive controller index a disk may name or be given: every
 * index up to the highest one used becomes an implicit controller, so an
 * unbounded one (controller='100000000', target dev='sdzzzz') would make
 * millions of them (found by fuzz/fuzz_domain_xml). */
#define DEV_DRIVE_CONTROLLER_MAX 255u

/* Read a decimal attribute into a new string (kept as written but checked). */
int dev_attr_number(xml_doc *d, xmlNode *node, const char *attr, char **out);

/* <boot>, <alias>, <address>, <rom>, <master> children of node. */
int dev_info_parse(xml_doc *d, xmlNode *node, device_info *info, unsigned int flags);
void dev_info_format(xml_buf *b, const device_info *info, unsigned int flags);
void dev_info_clear(device_info *info);
int dev_address_parse(xml_doc *d, xmlNode *node, device_address *addr);
void dev_address_format(xml_buf *b, const device_address *addr);

/* node and everything under it, marked read, written in libvirt's layout
 * at indent 0 (each line ends with a newline).  skip (NULL-terminated
 * names, may be NULL) leaves those children out and unmarked.  Caller
 * g_free()s. */
char *dev_node_to_text(xml_doc *d, xmlNode *node, const char *const *skip);
/* The attributes of node as " a='v' b='w'", marked read. */
char *dev_attrs_to_text(xml_doc *d, xmlNode *node);

/* Insert keeping libvirt's order (by bus then target index; controllers
 * by type then index). */
void dev_disk_insert(GPtrArray *disks, device_disk *disk);
void dev_controller_insert(GPtrArray *controllers, device_controller *ctrl);
/* A new controller of type at index (model NULL) inserted in devs unless
 * one exists; returns the existing or new one. */
device_controller *dev_controller_ensure(domain_devices *devs, const char *type, int index,
                                         const char *model);
/* Give a sata/scsi/ide/fdc disk without an address its drive address. */
void dev_disk_assign_drive(device_disk *disk);

/* libvirt's defaults after parsing (device_implicit.c): disk buses and
 * drive addresses, implicit disk/virtio-serial controllers, the console
 * mirroring serial 0, input buses, graphics listens, a video for
 * graphics. */
void devices_post_parse(domain_devices *devs);

/* Per kind. */
device_disk *dev_disk_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_disk_format(xml_buf *b, const device_disk *disk, unsigned int flags);
void dev_disk_free(gpointer p);

device_controller *dev_controller_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_controller_format(xml_buf *b, const device_controller *c, unsigned int flags);
void dev_controller_free(gpointer p);

device_interface *dev_interface_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_interface_format(xml_buf *b, const device_interface *net, unsigned int flags);
void dev_interface_free(gpointer p);

/* kind is the element name: serial, parallel, console, channel. */
device_chr *dev_chr_parse(xml_doc *d, xmlNode *node, const char *kind, unsigned int flags);
void dev_chr_format(xml_buf *b, const device_chr *chr, const char *kind, unsigned int flags);
/* Only the <source>/<protocol>/<log> of a character device (rng egd backend). */
int dev_chr_source_parse(xml_doc *d, xmlNode *node, device_chr *chr, const char *kind,
                         unsigned int flags);
void dev_chr_source_format(xml_buf *b, const device_chr *chr, unsigned int flags);
device_chr *dev_chr_copy(const device_chr *chr);
void dev_chr_free(gpointer p);
device_redirdev *dev_redirdev_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_redirdev_format(xml_buf *b, const device_redirdev *r, unsigned int flags);
void dev_redirdev_free(gpointer p);

device_graphics *dev_graphics_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_graphics_format(xml_buf *b, const device_graphics *g, unsigned int flags);
void dev_graphics_free(gpointer p);

device_video *dev_video_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_video_format(xml_buf *b, const device_video *v, unsigned int flags);
void dev_video_free(gpointer p);
/* The video libvirt adds for graphics without one (cirrus). */
device_video *dev_video_new_default(void);

/* The small kinds (input, sound, hostdev, watchdog, memballoon, rng, tpm,
 * panic, filesystem) live in device_small.c. */
device_input *dev_input_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_input_format(xml_buf *b, const device_input *in, unsigned int flags);
void dev_input_free(gpointer p);
device_sound *dev_sound_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_sound_format(xml_buf *b, const device_sound *s, unsigned int flags);
void dev_sound_free(gpointer p);
device_hostdev *dev_hostdev_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_hostdev_format(xml_buf *b, const device_hostdev *h, unsigned int flags);
void dev_hostdev_free(gpointer p);
device_watchdog *dev_watchdog_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_watchdog_format(xml_buf *b, const device_watchdog *w, unsigned int flags);
void dev_watchdog_free(gpointer p);
device_memballoon *dev_memballoon_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_memballoon_format(xml_buf *b, const device_memballoon *m, unsigned int flags);
void dev_memballoon_free(gpointer p);
device_rng *dev_rng_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_rng_format(xml_buf *b, const device_rng *r, unsigned int flags);
void dev_rng_free(gpointer p);
device_tpm *dev_tpm_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_tpm_format(xml_buf *b, const device_tpm *t, unsigned int flags);
void dev_tpm_free(gpointer p);
device_panic *dev_panic_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_panic_format(xml_buf *b, const device_panic *p, unsigned int flags);
void dev_panic_free(gpointer p);
device_filesystem *dev_filesystem_parse(xml_doc *d, xmlNode *node, unsigned int flags);
void dev_filesystem_format(xml_buf *b, const device_filesystem *fs, unsigned int flags);
void dev_filesystem_free(gpointer p);

/* Write a verbatim text block (dev_node_to_text output) at b's indent. */
void dev_put_text(xml_buf *b, const char *text);

/* Start/finish an element: dev_elem_open gives attrs and children buffers
 * for an element written into b; dev_elem_close writes and clears them. */
typedef struct dev_elem {
    xml_buf attrs;
    xml_buf kids;
} dev_elem;
void dev_elem_open(dev_elem *e, const xml_buf *b);
void dev_elem_close(dev_elem *e, xml_buf *b, const char *name);

#endif
