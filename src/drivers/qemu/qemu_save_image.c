/*
 * qemu_save_image.c: the save image file (layout in qemu_save.h), the
 * two qemu.conf keys that choose its compression, and the compressor
 * children the stream passes through.
 *
 * QEMU never opens these files (it runs with -sandbox): vireo opens them
 * and hands QEMU a descriptor, the file itself or a pipe to a compressor.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_save.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.save"

G_STATIC_ASSERT(sizeof(qemu_save_header) == 92);

static const char *const format_names[QEMU_SAVE_FORMAT_LAST] = {
    "raw", "gzip", "bzip2", "xz", "lzop", "zstd",
};

const char *qemu_save_format_name(int format)
{
    return format >= 0 && format < QEMU_SAVE_FORMAT_LAST ? format_names[format] : "unknown";
}

void qemu_save_image_clear(qemu_save_image *img)
{
    if (img->fd >= 0)
        close(img->fd);
    img->fd = -1;
    g_clear_pointer(&img->xml, g_free);
    g_clear_pointer(&img->path, g_free);
}

/* Read exactly len bytes: 1, 0 at a short read (truncated), -1 on error. */
static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        p += n;
        len -= n;
    }
    return 1;
}

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static int image_check_header(const qemu_save_header *h, const char *path, bool *incomplete)
{
    if (memcmp(h->magic, QEMU_SAVE_PARTIAL, sizeof(h->magic)) == 0) {
        *incomplete = true;
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "save image is incomplete: '%s'", path);
        return -1;
    }
    if (memcmp(h->magic, QEMU_SAVE_MAGIC, sizeof(h->magic)) != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "image magic is incorrect: '%s' is not a save image", path);
        return -1;
    }
    if (h->version > QEMU_SAVE_VERSION || h->version < 1) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "image version is not supported (%u > %d) in '%s'", h->version,
                     QEMU_SAVE_VERSION, path);
        return -1;
    }
    if (h->data_len == 0 || h->data_len > QEMU_SAVE_XML_MAX) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "invalid XML length %u in save image '%s'", h->data_len, path);
        return -1;
    }
    if (h->compressed >= QEMU_SAVE_FORMAT_LAST) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "unknown compression %u in save image '%s'", h->compressed, path);
        return -1;
    }
    return 0;
}

int qemu_save_image_open(const char *path, qemu_save_image *img, bool *incomplete)
{
    int r;

    *incomplete = false;
    img->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (img->fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "Failed to open domain image file '%s'", path);
        return -1;
    }
    img->path = g_strdup(path);
    r = read_full(img->fd, &img->hdr, sizeof(img->hdr));
    if (r < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot read save image '%s'", path);
        return -1;
    }
    if (r == 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "failed to read qemu header: '%s' is too short for a save image", path);
        return -1;
    }
    if (image_check_header(&img->hdr, path, incomplete) < 0)
        return -1;
    img->xml = g_malloc0(img->hdr.data_len + 1);
    r = read_full(img->fd, img->xml, img->hdr.data_len);
    if (r <= 0) {
        if (r < 0)
            error_report_system(VIREO_FROM_QEMU, errno, "cannot read save image '%s'", path);
        else
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                         "failed to read domain XML: save image '%s' is truncated", path);
        return -1;
    }
    return 0;
}

int qemu_save_image_create(const char *path, const char *xml, bool was_running,
                           qemu_save_format format)
{
    qemu_save_header h = { .version = QEMU_SAVE_VERSION };
    size_t len = strlen(xml) + 1;
    int fd;

    memcpy(h.magic, QEMU_SAVE_PARTIAL, sizeof(h.magic));
    h.data_len = (uint32_t)len;
    h.was_running = was_running;
    h.compressed = format;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "failed to create '%s'", path);
        return -1;
    }
    if (write_full(fd, &h, sizeof(h)) < 0 || write_full(fd, xml, len) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "failed to write header to '%s'", path);
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

int qemu_save_image_finish(int fd, const char *path)
{
    if (fdatasync(fd) < 0 ||
        pwrite(fd, QEMU_SAVE_MAGIC, 16, 0) != 16 || fdatasync(fd) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "failed to complete save image '%s'", path);
        return -1;
    }
    return 0;
}

/* ---- qemu.conf ---- */

/* The quoted value of `key = "value"` in text, or NULL. */
static char *conf_value(const char *text, const char *key)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (char **l = lines; *l; l++) {
        const char *p = *l + strspn(*l, " \t");
        const char *end;

        if (!g_str_has_prefix(p, key))
            continue;
        p += strlen(key);
        p += strspn(p, " \t");
        if (*p++ != '=')
            continue;
        p += strspn(p, " \t");
        if (*p++ != '"' || !(end = strchr(p, '"')))
            continue;
        return g_strndup(p, end - p);
    }
    return NULL;
}

int qemu_save_conf_format(qemu_drv *drv, const char *key)
{
    g_autofree char *dir = g_path_get_dirname(drv->doms.config_dir);
    g_autofree char *path = g_build_filename(dir, "qemu.conf", NULL);
    g_autofree char *text = NULL;
    g_autofree char *value = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(value = conf_value(text, key)))
        return QEMU_SAVE_RAW;
    for (int i = 0; i < QEMU_SAVE_FORMAT_LAST; i++) {
        if (strcmp(value, format_names[i]) == 0)
            return i;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "invalid %s '%s' in '%s' (raw, gzip, bzip2, xz, lzop, zstd)", key, value, path);
    return -1;
}

/* ---- compressor children ---- */

GPid qemu_save_filter_start(int format, bool decompress, int in_fd, int out_fd)
{
    const char *name = qemu_save_format_name(format);
    g_autofree char *prog = g_find_program_in_path(name);
    g_autoptr(GError) err = NULL;
    const char *argv[] = { prog, decompress ? "-dc" : "-c", NULL, NULL };
    GPid pid;

    if (!prog) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "compression program '%s' for image format '%s' is not installed "
                     "(not found in PATH)", name, name);
        return -1;
    }
    if (format == QEMU_SAVE_ZSTD)
        argv[2] = "-q";
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, NULL,
                                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                          NULL, NULL, in_fd, out_fd, -1, NULL, NULL, 0, &pid,
                                          NULL, NULL, NULL, &err)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "cannot run '%s': %s", prog,
                     err->message);
        return -1;
    }
    return pid;
}

int qemu_save_filter_wait(GPid pid, int format, bool abort, const char *path)
{
    int status = 0;

    if (abort)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            status = -1;
            break;
        }
    }
    if (abort)
        return 0;
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "%s failed on '%s' (%s %d)", qemu_save_format_name(format), path,
                     WIFSIGNALED(status) ? "signal" : "exit status",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return -1;
    }
    return 0;
}
