/*
 * storage_file_vol.h: volumes that are files in a folder (the dir, fs and
 * netfs pools), made and changed with qemu-img.
 *
 * The create/delete/resize/wipe functions have the signatures of the
 * matching storage_backend entries, so a file-based backend sets them
 * directly.  They run with the pool's job held (storage_backend.h) and
 * block for at most the tool deadline (storage_run.h) per tool run, plus
 * the time raw I/O takes (wipe, preallocation).
 */
#ifndef VIREO_DRIVERS_STORAGE_FILE_VOL_H
#define VIREO_DRIVERS_STORAGE_FILE_VOL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_pool.h"
#include "conf/storage_vol.h"
#include "drivers/node.h"

/* Fill vol from the file or folder at path: type ("file" / "dir"),
 * format (probed from the header; "raw" when none is recognised),
 * capacity, allocation (st_blocks), physical (st_size), permissions,
 * backing store, qcow2 compat/cluster size/features and LUKS encryption.
 * key and path are set to path.  Fields the file does not say (name,
 * secret) are left alone.  0; -2 when path is not a volume (gone,
 * a socket, a dangling link: a listing skips it); -1 with the error set. */
int storage_file_vol_probe(const char *path, storage_vol_def *vol);

/* Only the cheap part of the probe: sizes from stat(), capacity too for
 * raw files.  For info and XML calls that must not run a tool. */
int storage_file_vol_stat(storage_vol_def *vol);

/* An empty definition named name (permissions unset), for probing. */
storage_vol_def *storage_file_vol_new(const char *name);

/* Append a new storage_vol_def * for each volume in dir (what the dir,
 * fs and netfs backends' refresh list).  0, or -1 with the error set. */
int storage_file_vol_list(const char *dir, GPtrArray *vols);

/* Whether qemu-img can write format (raw, qcow2, vdi, vmdk, vhdx, ...). */
bool storage_file_vol_format_writable(const char *format);

/* The UUID (text, caller frees) of the LUKS secret of vol: its <secret
 * uuid=''>, the secret of its <secret usage=''>, or else the volume
 * secret whose usage is vol's path (libvirt's convention; a refresh only
 * sees that the file is encrypted, not with what).  NULL with the error
 * set (INVALID_ARG, or NO_SECRET from the secret store). */
char *storage_file_vol_secret_uuid(node_state *node, const storage_vol_def *vol);

/* Make vol under pool->target_path (name, capacity, allocation, format,
 * encryption, backing store from the caller; fills key, path, type and
 * the probed sizes).  from: copy and convert that volume instead (its
 * path and format).  flags: VIREO_STORAGE_VOL_CREATE_PREALLOC_METADATA.
 * node: for the encryption secret's value.  Nothing is left behind on
 * failure. */
int storage_file_vol_create(node_state *node, const storage_pool_def *pool, storage_vol_def *vol,
                            const storage_vol_def *from, unsigned int flags);
int storage_file_vol_delete(const storage_pool_def *pool, const storage_vol_def *vol,
                            unsigned int flags);
/* capacity: the new absolute size (the driver resolved DELTA and checked
 * SHRINK).  flags: VIREO_STORAGE_VOL_RESIZE_ALLOCATE / _SHRINK. */
int storage_file_vol_resize(node_state *node, const storage_pool_def *pool,
                            const storage_vol_def *vol, uint64_t capacity, unsigned int flags);
/* Zero the volume's bytes: holes punched where the file system can,
 * zeros written elsewhere.  An image format's file is zeroed whole, as
 * libvirt does; the probe then calls it raw. */
int storage_file_vol_wipe(const storage_pool_def *pool, const storage_vol_def *vol,
                          unsigned int flags);

#endif
