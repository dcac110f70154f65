/*
 * storage_folder.c: the target folder of dir, fs and netfs pools (see
 * storage_folder.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "drivers/storage/storage_file_vol.h"
#include "drivers/storage/storage_folder.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"

/* libvirt's mode for a pool folder it makes without <permissions> */
#define FOLDER_DEFAULT_MODE 0711

int storage_folder_build(const storage_pool_def *pool, unsigned int flags)
{
    const char *path = pool->target_path;
    int mode = pool->perms.mode >= 0 ? pool->perms.mode : FOLDER_DEFAULT_MODE;
    bool existed = g_file_test(path, G_FILE_TEST_IS_DIR);

    (void)flags;
    if (g_mkdir_with_parents(path, mode) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot create path '%s'", path);
        return -1;
    }
    if ((pool->perms.mode >= 0 || !existed) && chmod(path, (mode_t)mode) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot set mode of '%s' to %04o",
                            path, mode);
        return -1;
    }
    if ((pool->perms.owner >= 0 || pool->perms.group >= 0) &&
        chown(path, (uid_t)pool->perms.owner, (gid_t)pool->perms.group) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot set owner of '%s'", path);
        return -1;
    }
    return 0;
}

int storage_folder_delete(const storage_pool_def *pool, unsigned int flags)
{
    if (flags & VIREO_STORAGE_POOL_DELETE_ZEROED) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "pool '%s': zeroed deletion is not supported for folder pools",
                     pool->name);
        return -1;
    }
    if (rmdir(pool->target_path) < 0 && errno != ENOENT) {
        error_report_system(VIREO_FROM_STORAGE, errno, "failed to remove pool '%s' folder '%s'",
                            pool->name, pool->target_path);
        return -1;
    }
    return 0;
}

int storage_folder_check_target(const storage_pool_def *pool)
{
    struct stat st;

    if (stat(pool->target_path, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open directory '%s'",
                            pool->target_path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                     "pool '%s': target '%s' is not a directory", pool->name,
                     pool->target_path);
        return -1;
    }
    return 0;
}

int storage_folder_refresh(node_state *node, storage_pool_def *pool, GPtrArray *vols)
{
    struct statvfs sv;

    (void)node;
    if (storage_folder_check_target(pool) < 0)
        return -1;
    if (statvfs(pool->target_path, &sv) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot statvfs path '%s'",
                            pool->target_path);
        return -1;
    }
    pool->capacity = (uint64_t)sv.f_frsize * sv.f_blocks;
    pool->available = (uint64_t)sv.f_frsize * sv.f_bavail;
    pool->allocation = (uint64_t)sv.f_frsize * (sv.f_blocks - sv.f_bfree);
    return storage_file_vol_list(pool->target_path, vols);
}

/* A mount point of /proc/self/mountinfo, its octal escapes undone. */
static char *unescape_mount_point(const char *field)
{
    GString *out = g_string_new(NULL);

    for (const char *p = field; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
            g_string_append_c(out, (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) |
                                          (p[3] - '0')));
            p += 3;
        } else {
            g_string_append_c(out, *p);
        }
    }
    return g_string_free(out, FALSE);
}

int storage_folder_is_mounted(const char *path, bool *mounted)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) gerr = NULL;

    *mounted = false;
    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, &gerr)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_SYSTEM_ERROR,
                     "cannot read /proc/self/mountinfo: %s", gerr->message);
        return -1;
    }
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i] && !*mounted; i++) {
        g_auto(GStrv) fields = g_strsplit(lines[i], " ", 6);
        g_autofree char *point = NULL;

        if (g_strv_length(fields) < 5)
            continue;
        point = unescape_mount_point(fields[4]);
        *mounted = strcmp(point, path) == 0;
    }
    return 0;
}

int storage_folder_check_mounted(const storage_pool_def *pool, bool *running)
{
    return storage_folder_is_mounted(pool->target_path, running);
}

int storage_folder_mount(const storage_pool_def *pool, const char *source, const char *type,
                         const char *options)
{
    const char *argv[10];
    size_t n = 0;
    bool mounted;

    if (storage_folder_is_mounted(pool->target_path, &mounted) < 0)
        return -1;
    if (mounted) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "Target '%s' is already mounted", pool->target_path);
        return -1;
    }
    if (storage_folder_check_target(pool) < 0)
        return -1;
    argv[n++] = "mount";
    if (type) {
        argv[n++] = "-t";
        argv[n++] = type;
    }
    if (options) {
        argv[n++] = "-o";
        argv[n++] = options;
    }
    argv[n++] = source;
    argv[n++] = pool->target_path;
    argv[n] = NULL;
    return storage_run(argv, storage_run_timeout_ms(), NULL, NULL);
}

int storage_folder_unmount(node_state *node, const storage_pool_def *pool)
{
    const char *argv[] = { "umount", pool->target_path, NULL };
    bool mounted;

    (void)node;
    if (storage_folder_is_mounted(pool->target_path, &mounted) < 0)
        return -1;
    if (!mounted)
        return 0;
    return storage_run(argv, storage_run_timeout_ms(), NULL, NULL);
}
