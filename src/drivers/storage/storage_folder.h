/*
 * storage_folder.h: what the pool types whose volumes are files in a
 * target folder share (dir, fs, netfs): making and removing the folder,
 * measuring it, and mounting something on it.
 */
#ifndef VIREO_DRIVERS_STORAGE_FOLDER_H
#define VIREO_DRIVERS_STORAGE_FOLDER_H

#include <stdbool.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_file_vol.h"

/* mkdir -p the pool's target with its <permissions> (libvirt's 0711 when
 * none); an existing folder is kept. */
int storage_folder_build(const storage_pool_def *pool, unsigned int flags);
/* rmdir the target (it must be empty, as libvirt wants). */
int storage_folder_delete(const storage_pool_def *pool, unsigned int flags);
/* statvfs the target into the pool's sizes and list its file volumes. */
int storage_folder_refresh(node_state *node, storage_pool_def *pool, GPtrArray *vols);
/* The target must be a folder: OPERATION_INVALID naming it otherwise. */
int storage_folder_check_target(const storage_pool_def *pool);

/* Whether something is mounted on path (/proc/self/mountinfo). */
int storage_folder_is_mounted(const char *path, bool *mounted);
/* mount [-t type] [-o options] source target, bounded by the tool
 * deadline.  INTERNAL_ERROR "Target 'x' is already mounted" when it is. */
int storage_folder_mount(const storage_pool_def *pool, const char *source, const char *type,
                         const char *options);
/* stop of the mounting types: umount the target; nothing when nothing
 * is mounted there. */
int storage_folder_unmount(node_state *node, const storage_pool_def *pool);
/* check_running of the mounting types: mounted on the target. */
int storage_folder_check_mounted(const storage_pool_def *pool, bool *running);

/* The entries of a storage_backend every folder type (dir, fs, netfs)
 * shares: the folder's files are the volumes. */
#define STORAGE_FOLDER_BACKEND_VOLUMES          \
    .delete = storage_folder_delete,            \
    .refresh = storage_folder_refresh,          \
    .vol_create = storage_file_vol_create,      \
    .vol_delete = storage_file_vol_delete,      \
    .vol_resize = storage_file_vol_resize,      \
    .vol_wipe = storage_file_vol_wipe

#endif
