/*
 * storage_file_stream.h: a volume's bytes through a vireo_stream
 * (virStorageVolUpload / Download) for volumes that are a local file or
 * block device.
 */
#ifndef VIREO_DRIVERS_STORAGE_FILE_STREAM_H
#define VIREO_DRIVERS_STORAGE_FILE_STREAM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vireo/vireo.h"

/* Become st's producer and push [offset, offset + length) of path
 * (length 0: to the end) from a thread of its own, paced by
 * stream_push_wait; then the end of data.  sparse: runs of holes go as
 * stream holes (SEEK_DATA/SEEK_HOLE), else as zeros.  done(opaque) runs
 * once when both the thread and the stream are finished with the file
 * (any thread).  0, or -1 with the error set (done not called). */
int storage_file_stream_download(vireo_stream *st, const char *path, uint64_t offset,
                                 uint64_t length, bool sparse, GDestroyNotify done,
                                 void *opaque);

/* Become st's producer writing what the consumer sends into path from
 * offset on: data with pwrite, holes as punched holes (zeros written on
 * a device).  Nothing is written at or past offset + length: a write
 * that reaches past it writes what fits and fails (SYSTEM_ERROR,
 * ENOSPC).  Finishing syncs the file.  done(opaque) once when the stream
 * lets go (on its thread).  0, or -1 with the error set. */
int storage_file_stream_upload(vireo_stream *st, const char *path, uint64_t offset,
                               uint64_t length, GDestroyNotify done, void *opaque);

#endif
