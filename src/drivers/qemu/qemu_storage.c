/*
 * qemu_storage.c: what a guest's disks need from the node at start —
 * a type='volume' disk's file or device from its pool, and an encrypted
 * disk's key from the node's secrets.
 *
 * The key goes to QEMU in a 0600 file in the run folder, read while QEMU
 * starts and removed as soon as its monitor answers: never on the
 * command line, where /proc/PID/cmdline would show it to every user.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_priv.h"
#include "drivers/secret/secret_store.h"
#include "drivers/storage/storage_state.h"
#include "util/error.h"
#include "util/secret_crypt.h"
#include "util/uuid.h"

/* The file and format of a volume disk; an encrypted volume's secret
 * becomes the disk's unless the disk names its own. */
int qemu_storage_volume(qemu_drv *drv, device_disk *d)
{
    g_autofree char *path = NULL, *format = NULL, *secret = NULL;
    int vol_type = 0;

    if (storage_vol_resolve(drv->node, d->source_pool, d->source_volume, &path, &format,
                            &vol_type, &secret) < 0)
        return -1;
    g_free(d->volume_path);
    d->volume_path = g_steal_pointer(&path);
    d->volume_block = vol_type == VIREO_STORAGE_VOL_BLOCK;
    if (!d->driver_type && format)
        d->driver_type = g_steal_pointer(&format);
    if (secret && !d->encryption_format) {
        d->encryption_format = g_strdup("luks");
        d->encryption_secret_uuid = g_steal_pointer(&secret);
    }
    return 0;
}

static int qemu_storage_key_file(qemu_drv *drv, const char *dom_name, device_disk *d)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    g_autofree char *path = NULL;
    uint8_t *value = NULL;
    size_t len = 0;
    ssize_t done;
    int fd;

    if (d->encryption_secret_uuid) {
        if (uuid_parse(d->encryption_secret_uuid, uuid) < 0) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_XML_ERROR,
                         "disk '%s': malformed secret uuid '%s'", d->target_dev,
                         d->encryption_secret_uuid);
            return -1;
        }
    } else if (!d->encryption_secret_usage ||
               secret_store_lookup_usage(drv->node, VIREO_SECRET_USAGE_TYPE_VOLUME,
                                         d->encryption_secret_usage, uuid) < 0) {
        if (!d->encryption_secret_usage)
            error_report(VIREO_FROM_QEMU, VIREO_ERR_XML_ERROR,
                         "disk '%s': <encryption> names no secret", d->target_dev);
        return -1;
    }
    if (secret_store_get_value(drv->node, uuid, &value, &len) < 0)
        return -1;
    path = g_strdup_printf("%s/%s.%s.key", drv->run_dir, dom_name, d->target_dev);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot write the key of disk '%s'",
                            d->target_dev);
        secret_value_free(value, len);
        return -1;
    }
    done = write(fd, value, len);
    secret_value_free(value, len);
    close(fd);
    if (done != (ssize_t)len) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_WRITE_FAILED,
                     "cannot write the key of disk '%s'", d->target_dev);
        unlink(path);
        return -1;
    }
    g_free(d->secret_file);
    d->secret_file = g_steal_pointer(&path);
    return 0;
}

int qemu_storage_prepare(qemu_drv *drv, domain_def *live)
{
    GPtrArray *disks = live->devices.disks;

    for (guint i = 0; i < disks->len; i++) {
        device_disk *d = disks->pdata[i];

        if (g_strcmp0(d->type, "volume") == 0 && qemu_storage_volume(drv, d) < 0)
            goto fail;
        if (d->encryption_format && qemu_storage_key_file(drv, live->name, d) < 0)
            goto fail;
    }
    return 0;

fail:
    qemu_storage_cleanup(live);
    return -1;
}

void qemu_storage_cleanup(domain_def *live)
{
    GPtrArray *disks = live->devices.disks;

    for (guint i = 0; i < disks->len; i++) {
        device_disk *d = disks->pdata[i];

        if (d->secret_file) {
            unlink(d->secret_file);
            g_clear_pointer(&d->secret_file, g_free);
        }
    }
}
