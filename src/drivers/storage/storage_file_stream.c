/*
 * storage_file_stream.c: volume upload and download through a stream.
 *
 * Download: a thread reads the file and pushes it, waiting whenever the
 * consumer holds STREAM_BACKLOG_MAX bytes it has not taken, so a slow
 * client costs memory of a few MiB, not of the volume.  With a sparse
 * stream the file's holes (SEEK_DATA/SEEK_HOLE) travel as hole lengths,
 * so a 1 GiB volume holding 1 MiB of data sends about 1 MiB.
 *
 * Upload: no thread; the consumer's write and hole ops land in the file
 * at a running offset, bounded by the end the driver allowed.
 */
#define _GNU_SOURCE   /* SEEK_DATA, SEEK_HOLE, fallocate */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/storage/storage_file_stream.h"
#include "drivers/stream.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.stream"

/* bytes per pushed chunk: libvirt's stream packet payload */
#define FILE_STREAM_CHUNK (256 * 1024)

/* One transfer.  Shared by the stream (its producer opaque) and, for a
 * download, the reading thread; the last reference closes the file and
 * calls done. */
typedef struct file_stream {
    gint refs;              /* atomic */
    int fd;                 /* owned */
    char *path;             /* owned */
    uint64_t pos;           /* next byte; upload: consumer's thread only;
                             * download: the reading thread only */
    uint64_t end;           /* first byte not to touch */
    bool sparse;            /* download: holes as holes */
    bool device;            /* a block device: no holes to punch */
    gint stop;              /* atomic: the consumer closed (download) */
    GDestroyNotify done;
    void *opaque;
} file_stream;

static file_stream *file_stream_ref(file_stream *fs)
{
    g_atomic_int_inc(&fs->refs);
    return fs;
}

static void file_stream_unref(gpointer p)
{
    file_stream *fs = p;

    if (!g_atomic_int_dec_and_test(&fs->refs))
        return;
    if (fs->fd >= 0)
        close(fs->fd);
    if (fs->done)
        fs->done(fs->opaque);
    g_free(fs->path);
    g_free(fs);
}

/* Open path and measure it.  NULL with the error set. */
static file_stream *file_stream_open(const char *path, int flags, uint64_t *size)
{
    file_stream *fs;
    struct stat st;
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    off_t end;

    if (fd < 0 || fstat(fd, &st) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot open volume '%s'", path);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "volume '%s' is neither a file nor a block device", path);
        close(fd);
        return NULL;
    }
    end = S_ISBLK(st.st_mode) ? lseek(fd, 0, SEEK_END) : st.st_size;
    fs = g_new0(file_stream, 1);
    fs->refs = 1;
    fs->fd = fd;
    fs->path = g_strdup(path);
    fs->device = S_ISBLK(st.st_mode);
    *size = end > 0 ? (uint64_t)end : 0;
    return fs;
}

/* ---- download ---- */

/* Push the data bytes [fs->pos, data_end).  -1 with the error set on a
 * read error; 0 otherwise (also when the consumer left: fs->stop). */
static int download_data(file_stream *fs, vireo_stream *st, char *buf, uint64_t data_end)
{
    while (fs->pos < data_end && !g_atomic_int_get(&fs->stop)) {
        ssize_t n;

        if (!stream_push_wait(st)) {
            g_atomic_int_set(&fs->stop, 1);
            break;
        }
        n = pread(fs->fd, buf, (size_t)MIN(data_end - fs->pos, FILE_STREAM_CHUNK),
                  (off_t)fs->pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_report_system(VIREO_FROM_STORAGE, errno, "cannot read volume '%s'", fs->path);
            return -1;
        }
        if (n == 0) {
            /* the file shrank under us: what is left is not there */
            fs->end = fs->pos;
            break;
        }
        stream_push_data(st, buf, (size_t)n);
        fs->pos += (uint64_t)n;
    }
    return 0;
}

/* Where the data run at fs->pos ends, pushing the holes before it. */
static uint64_t download_skip_hole(file_stream *fs, vireo_stream *st)
{
    off_t data = lseek(fs->fd, (off_t)fs->pos, SEEK_DATA);
    off_t hole;

    if (data < 0 && errno == ENXIO)
        data = (off_t)fs->end;          /* a hole up to the end of the file */
    if (data < 0) {
        fs->sparse = false;             /* the file system cannot tell */
        return fs->end;
    }
    if ((uint64_t)data > fs->pos) {
        uint64_t len = MIN((uint64_t)data, fs->end) - fs->pos;

        stream_push_hole(st, (long long)len);
        fs->pos += len;
        return fs->pos;
    }
    hole = lseek(fs->fd, (off_t)fs->pos, SEEK_HOLE);
    return hole < 0 ? fs->end : MIN((uint64_t)hole, fs->end);
}

/* What the reading thread holds: a reference on each. */
typedef struct download_job {
    file_stream *fs;
    vireo_stream *st;
} download_job;

static gpointer download_thread(gpointer opaque)
{
    download_job *job = opaque;
    file_stream *fs = job->fs;
    vireo_stream *st = job->st;
    g_autofree char *buf = g_malloc(FILE_STREAM_CHUNK);
    int rc = 0;

    while (rc == 0 && fs->pos < fs->end && !g_atomic_int_get(&fs->stop)) {
        uint64_t data_end = fs->sparse ? download_skip_hole(fs, st) : fs->end;

        rc = download_data(fs, st, buf, data_end);
    }
    if (rc < 0)
        stream_push_error(st, NULL);
    else if (!g_atomic_int_get(&fs->stop))
        stream_push_eof(st);
    log_debug("%s: download ended at %" G_GUINT64_FORMAT "%s", fs->path, fs->pos,
              rc < 0 ? " (error)" : g_atomic_int_get(&fs->stop) ? " (reader left)" : "");
    stream_unref(st);
    file_stream_unref(fs);
    g_free(job);
    return NULL;
}

static int download_write(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    file_stream *fs = opaque;

    (void)st, (void)data, (void)len;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_INVALID,
                 "the download stream of volume '%s' takes no data", fs->path);
    return -1;
}

static int download_close(vireo_stream *st, bool abort, void *opaque)
{
    file_stream *fs = opaque;

    (void)st, (void)abort;
    g_atomic_int_set(&fs->stop, 1);
    return 0;
}

static const stream_producer_ops download_ops = {
    .write = download_write,
    .close = download_close,
};

int storage_file_stream_download(vireo_stream *st, const char *path, uint64_t offset,
                                 uint64_t length, bool sparse, GDestroyNotify done,
                                 void *opaque)
{
    download_job *job;
    file_stream *fs;
    uint64_t size;
    GThread *thread;

    if (!(fs = file_stream_open(path, O_RDONLY, &size)))
        return -1;
    if (offset > size) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "offset %" G_GUINT64_FORMAT " is past the end of volume '%s' (%"
                     G_GUINT64_FORMAT " bytes)", offset, path, size);
        file_stream_unref(fs);
        return -1;
    }
    fs->pos = offset;
    fs->end = length && length < size - offset ? offset + length : size;
    fs->sparse = sparse && !fs->device;
    fs->done = done;
    fs->opaque = opaque;
    if (stream_attach(st, &download_ops, file_stream_ref(fs), file_stream_unref) < 0) {
        fs->done = NULL;    /* the caller's cleanup stays the caller's */
        file_stream_unref(fs);
        file_stream_unref(fs);
        return -1;
    }
    job = g_new0(download_job, 1);
    job->fs = fs;       /* our reference goes to the thread */
    job->st = stream_ref(st);
    thread = g_thread_new("vol-download", download_thread, job);
    g_thread_unref(thread);
    return 0;
}

/* ---- upload ---- */

static int upload_overflow(file_stream *fs)
{
    error_report_system(VIREO_FROM_STORAGE, ENOSPC,
                        "cannot write to stream: volume '%s' ends at byte %" G_GUINT64_FORMAT,
                        fs->path, fs->end);
    return -1;
}

static int upload_write(vireo_stream *st, const char *data, size_t len, void *opaque)
{
    file_stream *fs = opaque;
    size_t fits = (size_t)MIN((uint64_t)len, fs->end - MIN(fs->pos, fs->end));
    size_t done = 0;

    (void)st;
    while (done < fits) {
        ssize_t n = pwrite(fs->fd, data + done, fits - done, (off_t)(fs->pos + done));

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_report_system(VIREO_FROM_STORAGE, n < 0 ? errno : EIO,
                                "cannot write to volume '%s'", fs->path);
            fs->pos += done;
            return -1;
        }
        done += (size_t)n;
    }
    fs->pos += done;
    return fits < len ? upload_overflow(fs) : 0;
}

/* Zeros over [off, off + len) of a device. */
static int upload_zero_device(file_stream *fs, uint64_t off, uint64_t len)
{
    g_autofree char *zeros = g_malloc0(FILE_STREAM_CHUNK);

    while (len > 0) {
        ssize_t n = pwrite(fs->fd, zeros, (size_t)MIN(len, FILE_STREAM_CHUNK), (off_t)off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

/* A hole in a file: punched where the file has bytes, the file extended
 * (sparsely) where it had none. */
static int upload_punch(file_stream *fs, uint64_t off, uint64_t len)
{
    struct stat st;

    if (fstat(fs->fd, &st) < 0)
        return -1;
    if (off < (uint64_t)st.st_size) {
        uint64_t in = MIN(len, (uint64_t)st.st_size - off);

        if (fallocate(fs->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
                      (off_t)in) < 0) {
            if (errno != EOPNOTSUPP || upload_zero_device(fs, off, in) < 0)
                return -1;
        }
    }
    if (off + len > (uint64_t)st.st_size && ftruncate(fs->fd, (off_t)(off + len)) < 0)
        return -1;
    return 0;
}

static int upload_hole(vireo_stream *st, long long length, void *opaque)
{
    file_stream *fs = opaque;
    uint64_t fits;
    int rc;

    (void)st;
    if (length < 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "negative hole length %lld for volume '%s'", length, fs->path);
        return -1;
    }
    fits = MIN((uint64_t)length, fs->end - MIN(fs->pos, fs->end));
    rc = fs->device ? upload_zero_device(fs, fs->pos, fits) : upload_punch(fs, fs->pos, fits);
    if (rc < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot write a hole into volume '%s'",
                            fs->path);
        return -1;
    }
    fs->pos += fits;
    return fits < (uint64_t)length ? upload_overflow(fs) : 0;
}

static int upload_close(vireo_stream *st, bool abort, void *opaque)
{
    file_stream *fs = opaque;

    (void)st;
    if (!abort && fsync(fs->fd) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot sync volume '%s'", fs->path);
        return -1;
    }
    return 0;
}

static const stream_producer_ops upload_ops = {
    .write = upload_write,
    .close = upload_close,
    .hole = upload_hole,
};

int storage_file_stream_upload(vireo_stream *st, const char *path, uint64_t offset,
                               uint64_t length, GDestroyNotify done, void *opaque)
{
    file_stream *fs;
    uint64_t size;

    if (!(fs = file_stream_open(path, O_WRONLY, &size)))
        return -1;
    fs->pos = offset;
    fs->end = offset + length;
    fs->done = done;
    fs->opaque = opaque;
    if (stream_attach(st, &upload_ops, fs, file_stream_unref) < 0) {
        fs->done = NULL;    /* the caller's cleanup stays the caller's */
        file_stream_unref(fs);
        return -1;
    }
    return 0;
}
