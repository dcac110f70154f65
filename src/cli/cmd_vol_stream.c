/*
 * cmd_vol_stream.c: vol-upload and vol-download, a volume's bytes to and
 * from a local file over a stream.  With --sparse the file's holes travel
 * as holes (found with SEEK_DATA / SEEK_HOLE on upload, made with lseek
 * and ftruncate on download), so a sparse 1 GiB image costs its data only.
 */
#define _GNU_SOURCE     /* SEEK_DATA, SEEK_HOLE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

#define STREAM_CHUNK (256 * 1024)

/* --offset / --length: 0 when absent; false (error printed) when bad. */
static bool
ull_arg(const cli_args *args, const char *name, unsigned long long *v)
{
    const char *s = cli_arg_str(args, name);
    char *end = NULL;

    *v = 0;
    if (!s)
        return true;
    errno = 0;
    *v = g_ascii_strtoull(s, &end, 10);
    if (!g_ascii_isdigit(*s) || *end || errno) {
        cli_error("Numeric value '%s' for <%s> option is malformed or out of range", s, name);
        return false;
    }
    return true;
}

/* Send [from, to) of fd as data. */
static bool
send_data(vireo_stream *st, int fd, off_t from, off_t to, char *buf)
{
    while (from < to) {
        size_t want = (size_t)MIN((off_t)STREAM_CHUNK, to - from);
        ssize_t got = pread(fd, buf, want, from);

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got < 0)
                cli_error("cannot read file: %s", g_strerror(errno));
            return got == 0;   /* the file shrank under us: stop at its end */
        }
        if (vireo_stream_send(st, buf, (size_t)got) < 0)
            return false;
        from += got;
    }
    return true;
}

/* The file's bytes up to end, holes as holes when sparse. */
static bool
upload_fd(vireo_stream *st, int fd, off_t end, bool sparse)
{
    g_autofree char *buf = g_malloc(STREAM_CHUNK);
    off_t pos = 0;

    if (!sparse)
        return send_data(st, fd, 0, end, buf);
    while (pos < end) {
        off_t data = lseek(fd, pos, SEEK_DATA), hole;

        if (data < 0 && errno != ENXIO) {
            /* the file system cannot say: all of it is data */
            return send_data(st, fd, pos, end, buf);
        }
        if (data < 0 || data > end)
            data = end;     /* ENXIO: only a hole is left */
        if (data > pos && vireo_stream_send_hole(st, data - pos, 0) < 0)
            return false;
        if (data >= end)
            return true;
        hole = lseek(fd, data, SEEK_HOLE);
        if (hole < 0 || hole > end)
            hole = end;
        if (!send_data(st, fd, data, hole, buf))
            return false;
        pos = hole;
    }
    return true;
}

bool
cmd_vol_upload(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    bool sparse = cli_arg_bool(args, "sparse");
    unsigned long long offset, length;
    vireo_storage_vol *vol = NULL;
    vireo_stream *st = NULL;
    struct stat sb;
    bool ok = false;
    off_t end;
    int fd = -1;

    if (!ull_arg(args, "offset", &offset) || !ull_arg(args, "length", &length))
        return false;
    if (!(vol = cli_vol_lookup(ctl, args, "vol", "pool")))
        return false;
    if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
        cli_error("cannot read %s", file);
        goto out;
    }
    end = sb.st_size;
    if (length && (unsigned long long)end > length)
        end = (off_t)length;
    if (!(st = vireo_stream_new(ctl->conn, 0)))
        goto out;
    if (vireo_storage_vol_upload(vol, st, offset, length,
                                 sparse ? VIREO_STORAGE_VOL_UPLOAD_SPARSE_STREAM : 0) < 0) {
        cli_error("cannot upload to volume %s", cli_arg_str(args, "vol"));
        goto out;
    }
    if (!upload_fd(st, fd, end, sparse)) {
        cli_error("cannot send data to volume %s", cli_arg_str(args, "vol"));
        cli_error_lib();
        vireo_stream_abort(st);
        goto out;
    }
    if (vireo_stream_finish(st) < 0) {
        cli_error("cannot close volume %s", cli_arg_str(args, "vol"));
        goto out;
    }
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (st)
        vireo_stream_free(st);
    vireo_storage_vol_free(vol);
    return ok;
}

static bool
write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

/* Receive the whole stream into fd; a hole becomes a seek (and the file
 * is extended to its end with ftruncate, which keeps it a hole). */
static bool
download_fd(vireo_stream *st, int fd, bool sparse)
{
    g_autofree char *buf = g_malloc(STREAM_CHUNK);
    unsigned int flags = sparse ? VIREO_STREAM_RECV_STOP_AT_HOLE : 0;

    for (;;) {
        int got = vireo_stream_recv_flags(st, buf, STREAM_CHUNK, flags);
        long long hole = 0;
        off_t cur;

        if (got == 0)
            return true;
        if (got > 0) {
            if (!write_all(fd, buf, (size_t)got)) {
                cli_error("cannot write file: %s", g_strerror(errno));
                return false;
            }
            continue;
        }
        if (got != -3 || vireo_stream_recv_hole(st, &hole, 0) < 0)
            return false;
        if ((cur = lseek(fd, 0, SEEK_CUR)) < 0 || ftruncate(fd, cur + hole) < 0 ||
            lseek(fd, hole, SEEK_CUR) < 0) {
            cli_error("cannot make a hole in file: %s", g_strerror(errno));
            return false;
        }
    }
}

bool
cmd_vol_download(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    bool sparse = cli_arg_bool(args, "sparse"), created = false;
    unsigned long long offset, length;
    vireo_storage_vol *vol;
    vireo_stream *st = NULL;
    bool ok = false;
    int fd;

    if (!ull_arg(args, "offset", &offset) || !ull_arg(args, "length", &length))
        return false;
    if (!(vol = cli_vol_lookup(ctl, args, "vol", "pool")))
        return false;
    fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0)
        created = true;
    else if (errno == EEXIST)
        fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) {
        cli_error("cannot create %s", file);
        goto out;
    }
    if (!(st = vireo_stream_new(ctl->conn, 0)))
        goto out;
    if (vireo_storage_vol_download(vol, st, offset, length,
                                   sparse ? VIREO_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM : 0) < 0) {
        cli_error("cannot download from volume %s", cli_arg_str(args, "vol"));
        goto out;
    }
    if (!download_fd(st, fd, sparse)) {
        cli_error("cannot receive data from volume %s", cli_arg_str(args, "vol"));
        cli_error_lib();
        vireo_stream_abort(st);
        goto out;
    }
    if (vireo_stream_finish(st) < 0) {
        cli_error("cannot close volume %s", cli_arg_str(args, "vol"));
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        cli_error("cannot close file %s: %s", file, g_strerror(errno));
        goto out;
    }
    fd = -1;
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (!ok && created)
        unlink(file);
    if (st)
        vireo_stream_free(st);
    vireo_storage_vol_free(vol);
    return ok;
}
