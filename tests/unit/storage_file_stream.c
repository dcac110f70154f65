/*
 * storage_file_stream.c: volume download and upload producers
 * (src/drivers/storage/storage_file_stream.c) against the stream's own
 * buffer consumer, on real sparse files.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "drivers/storage/storage_file_stream.h"
#include "drivers/stream.h"
#include "util/error.h"

#define MiB (1024 * 1024LL)

static char *dir;

static void done_cb(gpointer opaque)
{
    g_atomic_int_inc((gint *)opaque);
}

static bool wait_done(gint *done)
{
    for (int i = 0; i < 400 && !g_atomic_int_get(done); i++)
        g_usleep(5000);
    return g_atomic_int_get(done) == 1;
}

/* A 64 MiB sparse file with 1 MiB of pattern at 0 and at 40 MiB. */
static char *make_source(void)
{
    char *path = g_build_filename(dir, "src", NULL);
    g_autofree char *block = g_malloc(MiB);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    for (int i = 0; i < MiB; i++)
        block[i] = (char)(i * 7 + 1);
    if (fd < 0 || ftruncate(fd, 64 * MiB) < 0 || pwrite(fd, block, MiB, 0) != MiB ||
        pwrite(fd, block, MiB, 40 * MiB) != MiB)
        NOTE("cannot write %s", path);
    close(fd);
    return path;
}

/* Read st to its end into out (holes seeked over).  *data, *holes: bytes. */
static int drain(vireo_stream *st, int out, long long *data, long long *holes)
{
    g_autofree char *buf = g_malloc(MiB);
    off_t pos = 0;

    *data = *holes = 0;
    for (;;) {
        int n = stream_recv_flags(st, buf, MiB, 5000, VIREO_STREAM_RECV_STOP_AT_HOLE);
        long long len;

        if (n == STREAM_RECV_HOLE) {
            if (stream_recv_hole(st, &len) < 0)
                return -1;
            *holes += len;
            pos += len;
            continue;
        }
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        if (pwrite(out, buf, (size_t)n, pos) != n)
            return -1;
        pos += n;
        *data += n;
    }
    return ftruncate(out, pos);
}

static bool same_file(const char *a, const char *b)
{
    g_autofree char *x = NULL, *y = NULL;
    gsize xl = 0, yl = 0;

    return g_file_get_contents(a, &x, &xl, NULL) && g_file_get_contents(b, &y, &yl, NULL) &&
           xl == yl && memcmp(x, y, xl) == 0;
}

static void test_download(const char *src, bool sparse)
{
    g_autofree char *out = g_build_filename(dir, sparse ? "down-sparse" : "down", NULL);
    vireo_stream *st = stream_new(NULL, 0);
    int fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
    long long data = 0, holes = 0;
    gint done = 0;
    struct stat sb;

    CHECK(storage_file_stream_download(st, src, 0, 0, sparse, done_cb, &done) == 0,
          "%s download starts", sparse ? "sparse" : "plain");
    CHECK(drain(st, fd, &data, &holes) == 0, "it reads to the end");
    CHECK(stream_finish(st) == 0, "and finishes");
    stream_unref(st);
    close(fd);
    CHECK(same_file(src, out), "byte for byte the file");
    if (sparse) {
        CHECK(data == 2 * MiB && holes == 62 * MiB,
              "2 MiB travel as data, 62 MiB as holes (%lld / %lld)", data, holes);
        CHECK(stat(out, &sb) == 0 && sb.st_blocks * 512 <= 4 * MiB, "the copy is sparse");
    } else {
        CHECK(data == 64 * MiB && holes == 0, "all 64 MiB travel as data (%lld / %lld)", data,
              holes);
    }
    CHECK(wait_done(&done), "done runs once");
}

static void test_download_range_and_abort(const char *src)
{
    vireo_stream *st = stream_new(NULL, 0);
    g_autofree char *buf = g_malloc(2 * MiB);
    gint done = 0;
    int n, got = 0;

    CHECK(storage_file_stream_download(st, src, 40 * MiB - 10, 20, true, done_cb, &done) == 0,
          "a download of 20 bytes across a hole/data edge");
    while ((n = stream_recv(st, buf + got, 100, 5000)) > 0)
        got += n;
    CHECK(got == 20 && memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0 && buf[10] == 1,
          "gives those 20 bytes (%d)", got);
    stream_finish(st);
    stream_unref(st);
    CHECK(wait_done(&done), "done runs");

    done = 0;
    st = stream_new(NULL, 0);
    CHECK(storage_file_stream_download(st, src, 0, 0, false, done_cb, &done) == 0,
          "a plain download");
    CHECK(stream_recv(st, buf, MiB, 5000) > 0, "some bytes come");
    CHECK(stream_abort(st) == 0, "the reader aborts");
    stream_unref(st);
    CHECK(wait_done(&done), "the reading thread stops and done runs");
    st = stream_new(NULL, 0);
    CHECK(storage_file_stream_download(st, src, 65 * MiB, 0, false, done_cb, &done) < 0 &&
          error_last()->code == VIREO_ERR_INVALID_ARG, "an offset past the end is refused");
    stream_unref(st);
}

static void test_upload(const char *src)
{
    g_autofree char *dst = g_build_filename(dir, "up", NULL);
    g_autofree char *small = g_build_filename(dir, "small", NULL);
    g_autofree char *content = NULL;
    g_autofree char *buf = g_malloc0(2 * MiB);
    vireo_stream *st;
    gsize len = 0;
    struct stat sb;
    gint done = 0;
    int fd, rc;

    /* the target holds old bytes where the upload sends a hole */
    fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    memset(buf, 0x55, 2 * MiB);
    if (fd < 0 || ftruncate(fd, 64 * MiB) < 0 || pwrite(fd, buf, 2 * MiB, 10 * MiB) != 2 * MiB)
        NOTE("cannot write %s", dst);
    close(fd);
    g_file_get_contents(src, &content, &len, NULL);
    st = stream_new(NULL, 0);
    CHECK(storage_file_stream_upload(st, dst, 0, 64 * MiB, done_cb, &done) == 0, "upload starts");
    CHECK(stream_write(st, content, MiB) == 0, "1 MiB of data");
    CHECK(stream_write_hole(st, 39 * MiB) == 0, "a 39 MiB hole over old bytes");
    CHECK(stream_write(st, content + 40 * MiB, MiB) == 0, "1 MiB of data");
    CHECK(stream_write_hole(st, 23 * MiB) == 0, "a 23 MiB hole to the end");
    CHECK(stream_finish(st) == 0, "finish");
    stream_unref(st);
    CHECK(wait_done(&done), "done runs");
    CHECK(same_file(src, dst), "the target is byte for byte the source");
    CHECK(stat(dst, &sb) == 0 && sb.st_blocks * 512 <= 4 * MiB,
          "and sparse: the hole was punched");

    fd = open(small, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, MiB) < 0)
        NOTE("cannot make %s", small);
    close(fd);
    done = 0;
    memset(buf, 0x77, 2 * MiB);
    st = stream_new(NULL, 0);
    CHECK(storage_file_stream_upload(st, small, 0, MiB, done_cb, &done) == 0,
          "upload into a 1 MiB volume");
    rc = stream_write(st, buf, MiB + MiB / 2);
    CHECK(rc < 0 && error_last()->code == VIREO_ERR_SYSTEM_ERROR,
          "1.5 MiB is refused (SYSTEM_ERROR, %s)", error_last() ? error_last()->message : "");
    CHECK(stream_write_hole(st, 1) < 0, "so is a hole past the end");
    stream_abort(st);
    stream_unref(st);
    CHECK(wait_done(&done), "done runs");
    CHECK(stat(small, &sb) == 0 && sb.st_size == MiB, "nothing was written past 1 MiB");
}

int main(void)
{
    g_autofree char *src = NULL;
    g_autofree char *cmd = NULL;

    dir = g_dir_make_tmp("vireo-filestream-XXXXXX", NULL);
    src = make_source();
    test_download(src, true);
    test_download(src, false);
    test_download_range_and_abort(src);
    test_upload(src);
    cmd = g_strdup_printf("rm -rf '%s'", dir);
    g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL);
    g_free(dir);
    return check_exit();
}
