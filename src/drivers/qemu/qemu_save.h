/*
 * qemu_save.h: save images and the compressor children around QEMU's
 * migration stream (qemu_save_image.c), shared by qemu_save.c.
 *
 * A save image, in the host's byte order (libvirt's qemu driver layout,
 * version 2, so a raw image of one can be read by the other):
 *
 *   offset  size  field
 *        0    16  magic: "LibvirtQemudSave"; "LibvirtQemudPart" until the
 *                 stream is complete (a crash mid-save leaves an image
 *                 that is refused as incomplete, never half-restored)
 *       16     4  version: 2
 *       20     4  data_len: bytes of XML after the header (NUL included)
 *       24     4  was_running: 1 when the guest ran at save (restore resumes it)
 *       28     4  compressed: qemu_save_format of the stream
 *       32     4  cookie offset: 0 (no cookie is written)
 *       36    56  unused, 0
 *       92        the domain XML (inactive form, secure), NUL-terminated
 *  92+data_len    QEMU's migration stream, raw or through the compressor
 *
 * A core dump without VIREO_DUMP_MEMORY_ONLY is the bare stream (no
 * header), as libvirt writes it.
 */
#ifndef VIREO_QEMU_SAVE_H
#define VIREO_QEMU_SAVE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "drivers/qemu/qemu_priv.h"

#define QEMU_SAVE_MAGIC "LibvirtQemudSave"
#define QEMU_SAVE_PARTIAL "LibvirtQemudPart"
#define QEMU_SAVE_VERSION 2
#define QEMU_SAVE_XML_MAX (10 * 1024 * 1024)

/* libvirt's numbering (virQEMUSaveFormat) */
typedef enum {
    QEMU_SAVE_RAW = 0,
    QEMU_SAVE_GZIP = 1,
    QEMU_SAVE_BZIP2 = 2,
    QEMU_SAVE_XZ = 3,
    QEMU_SAVE_LZOP = 4,
    QEMU_SAVE_ZSTD = 5,
    QEMU_SAVE_FORMAT_LAST,
} qemu_save_format;

typedef struct qemu_save_header {
    char magic[16];
    uint32_t version;
    uint32_t data_len;
    uint32_t was_running;
    uint32_t compressed;
    uint32_t cookie_offset;
    uint32_t unused[14];
} qemu_save_header;

/* An image opened for reading. */
typedef struct qemu_save_image {
    int fd;                 /* owned; positioned at the stream */
    qemu_save_header hdr;
    char *xml;              /* owned */
    char *path;             /* owned */
} qemu_save_image;

void qemu_save_image_clear(qemu_save_image *img);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(qemu_save_image, qemu_save_image_clear)

/* Open path and read its header and XML.  0, or -1 with an error naming
 * the file: VIREO_ERR_SYSTEM_ERROR when it cannot be opened or read,
 * VIREO_ERR_OPERATION_FAILED when it is not a complete image of a known
 * version (*incomplete set when it is an interrupted save's). */
int qemu_save_image_open(const char *path, qemu_save_image *img, bool *incomplete);

/* Create path (0600, replaced when there) with a partial header and xml;
 * the descriptor (owned by the caller, close-on-exec) is positioned for
 * the stream.  -1 with an error naming path. */
int qemu_save_image_create(const char *path, const char *xml, bool was_running,
                           qemu_save_format format);
/* The stream is complete: write the final magic, flush to disk. */
int qemu_save_image_finish(int fd, const char *path);

/* The format named by key (save_image_format, dump_image_format) in the
 * driver's qemu.conf (the folder above config_dir); raw when unset.  -1
 * with VIREO_ERR_CONFIG_UNSUPPORTED for an unknown name. */
int qemu_save_conf_format(qemu_drv *drv, const char *key);
const char *qemu_save_format_name(int format);

/* Start the (de)compressor of format between in_fd and out_fd (both
 * stay the caller's).  Its pid, or -1 with an error naming the program
 * (VIREO_ERR_OPERATION_FAILED when it is not installed). */
GPid qemu_save_filter_start(int format, bool decompress, int in_fd, int out_fd);
/* Wait for it (kill it first when abort); 0 when it succeeded, else -1
 * with an error naming the program and path. */
int qemu_save_filter_wait(GPid pid, int format, bool abort, const char *path);

#endif
