/*
 * file.h: writing files so that a crash at any instant leaves either the
 * old content or the new one, never a mix (DESIGN.md, "crash-only state").
 */
#ifndef VIREO_UTIL_FILE_H
#define VIREO_UTIL_FILE_H

#include <glib.h>
#include <sys/types.h>

/* Replace path with len bytes of data: write a temporary file in the same
 * folder, fsync it, rename it over path, fsync the folder.  The folder
 * must exist.  0, or -1 with a VIREO_ERR_SYSTEM_ERROR naming path (from
 * err_domain) and nothing changed at path. */
int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                      int err_domain);

/* The same without the fsyncs, for files of the run folder: they describe
 * processes that a power cut ends as well, so only a killed writer must
 * leave them whole, and a rename does that.  On tmpfs (/run) fsync is
 * free anyway; on a disk it is most of a write. */
int file_write_runtime(const char *path, const char *data, size_t len, mode_t mode,
                       int err_domain);

/* Make link a symlink to target the same way (a temporary link renamed
 * over it, the folder fsynced).  0, or -1 with the error set. */
int file_symlink_atomic(const char *target, const char *link, int err_domain);

/* Remove path and fsync its folder, so an acknowledged removal survives a
 * power cut.  A missing path is not an error.  0, or -1 with the error set. */
int file_remove_durable(const char *path, int err_domain);

/* fsync the folder dir (after unlinks).  0, or -1 with errno. */
int file_sync_dir(const char *dir);

/* Remove what interrupted file_write_atomic or file_symlink_atomic calls
 * left in dir (their temporary files), logging each.  The count removed. */
int file_remove_leftovers(const char *dir);

#endif
