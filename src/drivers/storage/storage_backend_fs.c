/*
 * storage_backend_fs.c: a pool that is a file system on a block device or
 * a file (mounted through a loop device), mounted by vireod on the target
 * folder; its volumes are the files in it.
 *
 * build makes the folder; with OVERWRITE or NO_OVERWRITE it also makes
 * the file system (mkfs), NO_OVERWRITE only on a device blkid finds empty.
 */
#include <string.h>
#include <sys/stat.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_folder.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"

static const char *fs_device(const storage_pool_def *pool)
{
    storage_pool_device *dev = pool->source.devices->len ? pool->source.devices->pdata[0] : NULL;

    return dev ? dev->path : NULL;
}

static int fs_check(void)
{
    g_autofree char *mount = g_find_program_in_path("mount");

    if (!mount) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "fs pools need the 'mount' tool, which this host lacks");
        return -1;
    }
    return 0;
}

/* The file system type blkid sees on dev into *type ("" when none). */
static int fs_probe(const char *dev, char **type)
{
    const char *argv[] = { "blkid", "-p", "-o", "value", "-s", "TYPE", dev, NULL };
    g_autofree char *out = NULL;

    /* blkid exits 2 when it finds nothing: that is an empty device */
    if (storage_run(argv, storage_run_timeout_ms(), &out, NULL) < 0) {
        if (error_last() && error_last()->code == VIREO_ERR_OPERATION_TIMEOUT)
            return -1;
        error_reset();
        *type = g_strdup("");
        return 0;
    }
    *type = g_strdup(g_strstrip(out));
    return 0;
}

static int fs_mkfs(const storage_pool_def *pool, const char *dev, unsigned int flags)
{
    const char *format = pool->source.format;
    const char *argv[8];
    size_t n = 0;

    if (!format || strcmp(format, "auto") == 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "pool '%s': a source format is needed to build a file system",
                     pool->name);
        return -1;
    }
    if (flags & VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE) {
        g_autofree char *found = NULL;

        if (fs_probe(dev, &found) < 0)
            return -1;
        if (*found && strcmp(found, format) == 0) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_POOL_BUILT,
                         "Device '%s' is already formatted using '%s'", dev, found);
            return -1;
        }
        if (*found) {
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_STORAGE_PROBE_FAILED,
                         "Format of device '%s' does not match the expected format '%s', "
                         "forced overwrite is necessary", dev, format);
            return -1;
        }
    }
    argv[n++] = "mkfs";
    argv[n++] = "-t";
    argv[n++] = format;
    /* the device was checked above, or the caller asked to overwrite */
    if (g_str_has_prefix(format, "ext"))
        argv[n++] = "-F";
    else if (strcmp(format, "xfs") == 0 || strcmp(format, "btrfs") == 0)
        argv[n++] = "-f";
    argv[n++] = dev;
    argv[n] = NULL;
    return storage_run(argv, storage_run_timeout_ms(), NULL, NULL);
}

static int fs_build(const storage_pool_def *pool, unsigned int flags)
{
    const char *dev = fs_device(pool);

    if (storage_folder_build(pool, flags) < 0)
        return -1;
    if (!(flags & (VIREO_STORAGE_POOL_BUILD_OVERWRITE | VIREO_STORAGE_POOL_BUILD_NO_OVERWRITE)))
        return 0;
    if (!g_file_test(dev, G_FILE_TEST_EXISTS)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "pool '%s': source device '%s' does not exist", pool->name, dev);
        return -1;
    }
    return fs_mkfs(pool, dev, flags);
}

static int fs_start(node_state *node, const storage_pool_def *pool)
{
    const char *dev = fs_device(pool);
    const char *format = pool->source.format;
    struct stat st;

    (void)node;
    if (stat(dev, &st) < 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "pool '%s': source device '%s' does not exist", pool->name, dev);
        return -1;
    }
    /* a file system in a plain file goes through a loop device */
    return storage_folder_mount(pool, dev,
                                format && strcmp(format, "auto") != 0 ? format : "auto",
                                S_ISREG(st.st_mode) ? "loop" : NULL);
}

const storage_backend storage_backend_fs = {
    .type = STORAGE_POOL_FS,
    .check = fs_check,
    .build = fs_build,
    .start = fs_start,
    .stop = storage_folder_unmount,
    STORAGE_FOLDER_BACKEND_VOLUMES,
    .check_running = storage_folder_check_mounted,
};
