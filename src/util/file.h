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

#endif
