/*
 * fuzz_save_image: the header and domain XML of a QEMU save image
 * (drivers/qemu/qemu_save_image.c), read as restore and
 * save-image-dumpxml read it: open, check the header, read the XML, parse
 * it.  The input is the image file's first bytes.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_save.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *path = fuzz_write_file("image.save", data, size);
    g_auto(qemu_save_image) img = { .fd = -1 };
    bool incomplete;

    if (qemu_save_image_open(path, &img, &incomplete) == 0) {
        g_autoptr(domain_def) def = domain_def_parse(img.xml, 0);

        /* a usable image is complete, of a sane size, and its domain named */
        if (incomplete || img.hdr.data_len > QEMU_SAVE_XML_MAX || (def && !def->name))
            abort();
    }
    error_reset();
    return 0;
}
